import { describe, expect, it } from 'vitest';
import { Shell } from '../../../src/main/guest/shell/shell';
import { bootGuest } from '../../support/guest';
import { TEST_TOOLS } from './support';

const encoder = new TextEncoder();

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('the shell in the guest', () => {
  it('runs on the console of an interactive guest, and again after a reset', async () => {
    const { guest, machine, output } = await bootGuest({ tools: TEST_TOOLS, interactive: true });
    const type = (text: string): void => guest.console.input(encoder.encode(text));
    type('x=1; echo hello $x\r');
    await until(() => output().includes('hello 1\r\nroot@edu-lab:~# '), 'the first command');
    type('sleep 100\r');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = output().length;
    machine.reset();
    await until(() => output().slice(before).includes('root@edu-lab:~# '), 'a prompt after the reset');
    type('echo "again [$x]"\r');
    await until(() => output().includes('again []\r\nroot@edu-lab:~# '), 'a command after the reset');
    expect(await guest.runScript('echo script', { stdout: { write: () => undefined }, stderr: { write: () => undefined } })).toBe(0);
    await guest.stop();
  });

  it('runScript works while the console shell waits for input', async () => {
    const { guest } = await bootGuest({ tools: TEST_TOOLS, interactive: true });
    let out = '';
    const status = await guest.runScript('argv a; cd /sys; pwd', { stdout: { write: (t) => (out += t) }, stderr: { write: (t) => (out += t) } });
    expect(status).toBe(0);
    expect(out).toBe('[a]\n/sys\n');
  });

  it('a second shell on a console that already has one says so and ends; the first goes on', async () => {
    const { guest, output } = await bootGuest({ tools: TEST_TOOLS, interactive: true });
    const intruder = new Shell(guest.kernel, guest.console, { tools: TEST_TOOLS });
    await intruder.run();
    expect(output()).toContain('sh: the console already has a reader\r\n');
    guest.console.input(encoder.encode('echo still here\r'));
    await until(() => output().includes('still here\r\n'), 'the first shell');
  });
});
