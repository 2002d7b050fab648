import { afterEach } from 'vitest';
import { defaultUserland } from '../../src/main/guest/userland';
import { Lab } from '../../src/main/lab/lab';
import { LabService } from '../../src/main/lab/service';
import { testWorkers } from './workers';

const live = new Set<Lab>();

afterEach(async () => {
  for (const lab of live) await lab.destroy();
  live.clear();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A booted lab whose shell has run `commands` (typed on the console, one line each), each waited for
 * until the console shows its `until` text. Destroyed after the test.
 */
export async function labAfter(commands: readonly { line: string; until: string }[], options: { deterministic?: boolean; timeoutMs?: number } = {}): Promise<Lab> {
  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, deterministic: options.deterministic ?? true });
  live.add(lab);
  const service = new LabService(lab);
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (const { line, until } of commands) {
    const before = lab.transcript.text().length;
    await service.call('consoleInput', [line + '\r']);
    while (!lab.transcript.text().slice(before).includes(until)) {
      if (Date.now() > deadline) throw new Error(`the guest did not print ${JSON.stringify(until)} after ${JSON.stringify(line)}:\n${lab.transcript.text().slice(-2000)}`);
      await sleep(5);
    }
  }
  // Let the prompt come back (the shell's own events after the output).
  await sleep(20);
  return lab;
}
