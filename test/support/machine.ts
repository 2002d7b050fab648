import { afterEach } from 'vitest';
import { Machine, type MachineOptions } from '../../src/main/machine/machine';
import { testWorkers } from './workers';

const live = new Set<Machine>();

/** A machine with workers built from source; destroyed automatically after each test. */
export async function createMachine(options: Partial<MachineOptions> = {}): Promise<Machine> {
  const machine = await Machine.create({ workers: testWorkers, ...options });
  live.add(machine);
  return machine;
}

afterEach(async () => {
  for (const m of live) await m.destroy();
  live.clear();
});
