import { describe, expect, it } from 'vitest';
import { defaultUserland } from '../../src/main/guest/userland';
import type { MachineFlags } from '../../src/main/hosts/cli/args';
import { ABORT_STATUS, runScript } from '../../src/main/hosts/cli/run';
import { testWorkers } from '../support/workers';

const deps = { workers: testWorkers, guest: defaultUserland };
const flags = (over: Partial<MachineFlags> = {}): MachineFlags => ({
  profile: 'upstream',
  deterministic: true,
  ramSize: 256 * 1024 * 1024,
  deviceLog: false,
  ...over,
});

async function run(script: string, options: { flags?: Partial<MachineFlags>; xtrace?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const status = await runScript(script, { flags: flags(options.flags), xtrace: options.xtrace ?? false }, deps, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}

/** Program a transfer whose device side lies past the buffer, then wait for it. */
const OUT_OF_RANGE_DMA = `
devmem 0xfea00080 64 0x1000
devmem 0xfea00088 64 0x50000
devmem 0xfea00090 64 16
devmem 0xfea00098 64 1
sleep 0.2
echo after
`;

describe('edu-lab run', () => {
  it('prints only what the commands print and exits with the last status', async () => {
    const r = await run('lspci -n\necho one; false');
    expect(r).toEqual({ status: 1, stdout: '00:00.0 0600: 8086:1237 (rev 02)\n00:04.0 00ff: 1234:11e8 (rev 10)\none\n', stderr: '' });
  });

  it('echoes each command with -x', async () => {
    const r = await run('N=3\nseq $N', { xtrace: true });
    expect(r.stdout).toBe('1\n2\n3\n');
    expect(r.stderr).toBe('+ N=3\n+ seq 3\n');
  });

  it('drives the device through the driver, with reproducible times in deterministic mode', async () => {
    const script = 'modprobe edu\nedu fact 10 --irq\nedu dma to-dev --data hello\n';
    const a = await run(script);
    const b = await run(script);
    expect(a.status).toBe(0);
    expect(a.stdout).toContain('10! = 3628800 (0x00375f00)');
    expect(a.stdout).toMatch(/dma to-dev: 5 bytes from RAM 0x[0-9a-f]{8} to device 0x00040000 in 100\.\d{3} ms \(interrupt\)/);
    expect(a.stdout).toBe(b.stdout);
  });

  it('prints device guest errors on stderr with --device-log', async () => {
    const quiet = await run(OUT_OF_RANGE_DMA);
    expect(quiet).toEqual({ status: 0, stdout: 'after\n', stderr: '' });
    const loud = await run(OUT_OF_RANGE_DMA, { flags: { deviceLog: true } });
    expect(loud.stderr).toBe('EDU: DMA range 0x0000000000050000-0x000000000005000f out of bounds (0x0000000000040000-0x0000000000040fff)!\n');
  });

  it('stops with a non-zero status when the machine aborts (qemu-7.2 profile)', async () => {
    const r = await run(OUT_OF_RANGE_DMA, { flags: { profile: 'qemu-7.2' } });
    expect(r.status).toBe(ABORT_STATUS);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'qemu: hardware error: EDU: DMA range 0x0000000000050000-0x000000000005000f out of bounds (0x0000000000040000-0x0000000000040fff)!\n',
    );
  });

  it('answers a typo like sh does', async () => {
    expect(await run('lspic')).toEqual({ status: 127, stdout: '', stderr: 'sh: lspic: not found\n' });
  });
});
