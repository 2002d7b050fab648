import { Guest, type GuestOptions } from '../../src/main/guest/guest';
import type { Machine, MachineOptions } from '../../src/main/machine/machine';
import { createMachine } from './machine';

export interface BootedGuest {
  readonly machine: Machine;
  readonly guest: Guest;
  /** Everything the guest wrote to its console so far, as text. */
  output(): string;
}

/**
 * A machine with a booted guest, destroyed after the test (via createMachine). The guest gets the
 * given userland and modules; by default none, and no interactive shell.
 */
export async function bootGuest(
  options: Partial<GuestOptions> = {},
  machineOptions: Partial<MachineOptions> = {},
): Promise<BootedGuest> {
  const machine = await createMachine(machineOptions);
  let text = '';
  const decoder = new TextDecoder();
  const guest = await Guest.start(machine.platform, { tools: [], modules: [], interactive: false, ...options });
  guest.console.onOutput((bytes) => (text += decoder.decode(bytes, { stream: true })));
  return { machine, guest, output: () => text };
}
