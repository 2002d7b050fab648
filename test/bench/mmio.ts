import { EduReg } from '../../src/common/edu/datasheet';
import { Source } from '../../src/common/trace/schema';
import { Machine } from '../../src/main/machine/machine';
import { clockTimeSource, Recorder } from '../../src/main/session/recorder';
import { EDU_BAR0, programLikeSeaBios } from '../support/pci';
import { testWorkers } from '../support/workers';
import { round } from './stats';

export interface MmioFigures {
  mmio_ops_per_s_recorded: number;
  mmio_ops_per_s_unrecorded: number;
  bytes_per_event: number;
}

const OPS = 5_000_000;

/**
 * Guest-style MMIO through the physical address space into edu's BAR: a liveness write and read, an
 * ID read and a status read, repeated. Measured once with nothing attached to the trace and once with
 * the session recorder (bounded, so the run also exercises chunk eviction).
 */
export async function measureMmio(ops = OPS): Promise<MmioFigures> {
  const machine = await Machine.create({ workers: testWorkers });
  try {
    programLikeSeaBios(machine);
    const run = (): number => {
      const mem = machine.memory;
      const start = performance.now();
      for (let i = 0; i < ops; i += 4) {
        mem.write(EDU_BAR0 + EduReg.Liveness, 4, i, Source.Guest);
        mem.read(EDU_BAR0 + EduReg.Liveness, 4, Source.Guest);
        mem.read(EDU_BAR0 + EduReg.Id, 4, Source.Guest);
        mem.read(EDU_BAR0 + EduReg.Status, 4, Source.Guest);
      }
      return ops / ((performance.now() - start) / 1000);
    };
    run(); // warm up the JIT on the unrecorded path
    const unrecorded = run();
    const recorder = new Recorder(clockTimeSource(machine.clock));
    machine.trace.attach(recorder);
    run();
    const recorded = run();
    return {
      mmio_ops_per_s_recorded: Math.round(recorded),
      mmio_ops_per_s_unrecorded: Math.round(unrecorded),
      bytes_per_event: round(recorder.bytesPerEvent),
    };
  } finally {
    await machine.destroy();
  }
}
