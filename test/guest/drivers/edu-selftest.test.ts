import { describe, expect, it, vi } from 'vitest';
import { bootEduGuest, edu, toolContext, until } from './edu-support';
import { eduTool } from '../../../src/main/guest/tools/edu';

const STEP = String.raw`(PASS|FAIL)  (INTx|MSI )  .{20} +\d+(\.\d{3})? (ns|us|ms|s)  .*`;

describe('edu selftest', () => {
  for (const deterministic of [true, false]) {
    it(`passes with INTx and with MSI (${deterministic ? 'deterministic' : 'real'} time); the module ends as it was: not loaded`, async () => {
      const { guest } = await bootEduGuest({ deterministic });
      const k = guest.kernel;
      const r = await edu(k, 'selftest');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(14);
      for (const line of lines.slice(0, 12)) expect(line).toMatch(new RegExp(`^${STEP}$`));
      const steps = lines.slice(0, 12).map((l) => l.slice(0, 32).trimEnd());
      const names = ['load', 'liveness', '10! by polling', '5! by interrupt', 'raise 0xdeadbeef', 'DMA 2048 bytes'];
      expect(steps).toEqual([...names.map((n) => `PASS  INTx  ${n}`), ...names.map((n) => `PASS  MSI   ${n}`)]);
      expect(lines[0]).toMatch(/  modprobe edu: irq 11 \(INTx\)$/);
      expect(lines[6]).toMatch(/  modprobe edu use_msi=1: irq \d+ \(MSI\)$/);
      expect(lines[1]).toMatch(/  wrote 0x12345678, read 0xedcba987$/);
      expect(lines[2]).toMatch(/  3628800 \(0x00375f00\)$/);
      expect(lines[3]).toMatch(/  120 \(0x00000078\)$/);
      expect(lines[4]).toMatch(/  handler saw 0xdeadbeef, status after ack 0x00000000$/);
      expect(lines[5]).toMatch(/  crc32 sent 0x([0-9a-f]{8}), back 0x\1$/);
      expect(lines[12]).toBe('restored: edu not loaded');
      expect(lines[13]).toBe('selftest: 12/12 passed');
      expect(k.modules.isLoaded('edu')).toBe(false);
    });
  }

  it("restores the user's parameters afterwards", async () => {
    const { guest } = await bootEduGuest();
    const k = guest.kernel;
    await k.modules.load('edu', ['no_ack=1', 'use_msi=1']);
    const r = await edu(k, 'selftest');
    expect(r.status).toBe(0); // the self-test runs without the teaching switch
    expect(r.stdout).toContain('\nrestored: modprobe edu use_msi=1 no_ack=1\n');
    expect(k.modules.list()).toEqual([{ name: 'edu', params: { use_msi: true, no_master: false, no_ack: true, no_mask: false } }]);
    expect((await edu(k, 'info')).stdout).toContain('params:      use_msi=1 no_master=0 no_ack=1 no_mask=0\n');
  });

  it('a failing device fails the self-test with a non-zero status', async () => {
    const { guest } = await bootEduGuest();
    const k = guest.kernel;
    const read = k.io.read.bind(k.io);
    vi.spyOn(k.io, 'read').mockImplementation((addr, size) => (addr === 0xfea00004 ? 0 : read(addr, size)));
    const r = await edu(k, 'selftest');
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^FAIL  INTx  load .*modprobe edu: no \/dev\/edu0 \(probe failed: see dmesg\)$/),
      expect.stringMatching(/^FAIL  MSI   load .*modprobe edu use_msi=1: no \/dev\/edu0 \(probe failed: see dmesg\)$/),
      'restored: edu not loaded',
      'selftest: 0/2 passed, 2 FAILED',
      '',
    ]);
  });

  it('Ctrl-C stops the self-test and still restores the module', async () => {
    // Real time, so the DMA step (200 ms) is still running when Ctrl-C comes.
    const { guest } = await bootEduGuest({ deterministic: false });
    const k = guest.kernel;
    await k.modules.load('edu', ['no_master=1']);
    const abort = new AbortController();
    const t = toolContext(k, ['edu', 'selftest'], abort.signal);
    const running = eduTool.run(t.ctx);
    await until(() => t.stdout().includes('raise 0xdeadbeef'), 'the self-test to reach the DMA step');
    abort.abort();
    expect(await running).toBe(130);
    expect(t.stdout()).toContain('restored: modprobe edu no_master=1\n');
    expect(t.stdout()).not.toContain('selftest:');
    expect(k.modules.list()).toEqual([{ name: 'edu', params: { use_msi: false, no_master: true, no_ack: false, no_mask: false } }]);
  });
});
