import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EduReg, EduStatus } from '../../src/common/edu/datasheet';
import { EventKind } from '../../src/common/trace/schema';
import { Machine } from '../../src/main/machine/machine';
import type { TraceSink } from '../../src/main/machine/trace';
import { mmio, programLikeSeaBios } from '../support/pci';
import { testWorkers } from '../support/workers';
import { round } from './stats';

/** Seconds our factorial thread takes for n = 0xffffffff, from the register write to its report. */
export async function measureWorkerFactorial(): Promise<number> {
  const machine = await Machine.create({ workers: testWorkers });
  try {
    programLikeSeaBios(machine);
    const regs = mmio(machine);
    const finished = new Promise<void>((resolve) => {
      const sink: TraceSink = {
        record: (kind) => kind === EventKind.FactFinish && resolve(),
        recordText: () => {},
      };
      machine.trace.attach(sink);
    });
    const start = performance.now();
    regs.writel(EduReg.Factorial, 0xffffffff);
    if (!(regs.readl(EduReg.Status) & EduStatus.Computing)) throw new Error('the factorial did not start');
    await finished;
    return round((performance.now() - start) / 1000, 3);
  } finally {
    await machine.destroy();
  }
}

/** Seconds the same loop takes in C (gcc -O2), built and run now. */
export function measureCFactorial(): number {
  const dir = mkdtempSync(join(tmpdir(), 'edu-lab-bench-'));
  try {
    const source = fileURLToPath(new URL('./fact.c', import.meta.url));
    const binary = join(dir, 'fact');
    execFileSync('gcc', ['-O2', '-o', binary, source]);
    const [, seconds] = execFileSync(binary, ['0xffffffff'], { encoding: 'utf8' }).trim().split(' ');
    return round(Number(seconds), 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
