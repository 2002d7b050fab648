import { describe, expect, it } from 'vitest';
import type { EduProfileName } from '../../../src/main/machine/devices/edu/edu-profiles';
import type { Machine } from '../../../src/main/machine/machine';
import {
  bootedEdu,
  EDU_GSI,
  enableMsi,
  hex,
  logLines,
  type Mmio,
  pattern,
  recordLines,
  recordMsi,
  startDma,
  waitFor,
} from '../../support/edu';
import { programLikeSeaBios, setEduConfig } from '../../support/pci';

const BUF = 0x40000n;
const MS = 1_000_000;
const RAM_A = 0x100000;
const RAM_B = 0x200000;

/** A machine whose virtual clock stands still until the test steps it. */
const bootPaused = (profile: EduProfileName = 'upstream', master = true) => bootedEdu({ paused: true, profile, master });

function buffer(machine: Machine, from = 0, length = 4096): number[] {
  return [...machine.edu.dmaBufferContents().subarray(from, from + length)];
}

/** Fill the device buffer through the engine itself (RAM to device), as a driver would. */
function fillBuffer(machine: Machine, r: Mmio, data: Uint8Array): void {
  machine.ram.writeBytes(0x300000, data);
  startDma(r, { src: 0x300000n, dst: BUF, cnt: BigInt(data.length), cmd: 0x1n });
  machine.step();
}

describe('edu DMA timing (virtual clock)', () => {
  it('runs 100 ms of virtual time after RUN: the command reads 5 before and 4 after, with status 0x100 [7.2]', async () => {
    const { machine, r } = await bootPaused();
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 8n, cmd: 0x5n });
    expect(machine.edu.snapshot().dmaDeadline).toBe(100 * MS);
    machine.clock.warpTo(50 * MS);
    expect(hex(r.readl(0x98)), 'at 50 ms').toBe('0x5');
    expect(hex(r.readl(0x24)), 'at 50 ms').toBe('0x0');
    machine.clock.warpTo(100 * MS - 1);
    machine.timers.runDue();
    expect(hex(r.readl(0x98)), '1 ns before the deadline').toBe('0x5');
    expect(machine.step()).toBe(100 * MS);
    expect(hex(r.readl(0x98)), 'at 100 ms').toBe('0x4');
    expect(hex(r.readl(0x24))).toBe('0x100');
  });

  it('sets the deadline at floor(now in ms) + 100 ms', async () => {
    const { machine, r } = await bootPaused();
    machine.clock.warpTo(12.7 * MS);
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 8n, cmd: 0x1n });
    expect(machine.edu.snapshot().dmaDeadline).toBe(112 * MS);
    machine.clock.warpTo(112 * MS - 1);
    machine.timers.runDue();
    expect(hex(r.readl(0x98))).toBe('0x1');
    expect(machine.step()).toBe(112 * MS);
    expect(hex(r.readl(0x98))).toBe('0x0');
  });

  it('completes by itself in deterministic mode, exactly at the deadline', async () => {
    const { machine, r } = await bootedEdu({ deterministic: true });
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 8n, cmd: 0x5n });
    await waitFor(() => r.readl(0x98) === 0x4, 'the transfer to complete');
    expect(machine.clock.now()).toBe(100 * MS);
    expect(hex(r.readl(0x24))).toBe('0x100');
  });
});

describe('edu DMA transfers', () => {
  it('copies RAM to the device buffer (direction 0): the device side is the destination', async () => {
    const { machine, r } = await bootPaused();
    const data = pattern(4096, 3);
    machine.ram.writeBytes(RAM_A, data);
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 4096n, cmd: 0x1n });
    expect(buffer(machine).every((b) => b === 0), 'nothing moves before the deadline').toBe(true);
    machine.step();
    expect(buffer(machine)).toEqual([...data]);
    expect(hex(r.readl(0x98))).toBe('0x0');
  });

  it('copies the device buffer to RAM (direction 1): the device side is the source', async () => {
    const { machine, r } = await bootPaused();
    const data = pattern(4096, 9);
    fillBuffer(machine, r, data);
    startDma(r, { src: BUF, dst: BigInt(RAM_B), cnt: 4096n, cmd: 0x3n });
    machine.step();
    expect([...machine.ram.readBytes(RAM_B, 4096)]).toEqual([...data]);
    expect(hex(r.readl(0x98))).toBe('0x2');
  });

  it('moves part of the buffer at an offset, leaving the rest alone', async () => {
    const { machine, r } = await bootPaused();
    machine.ram.writeBytes(RAM_A, pattern(16, 100));
    startDma(r, { src: BigInt(RAM_A), dst: BUF + 0xff0n, cnt: 16n, cmd: 0x1n });
    machine.step();
    expect(buffer(machine, 0xff0, 16)).toEqual([...pattern(16, 100)]);
    expect(buffer(machine, 0, 0xff0).every((b) => b === 0)).toBe(true);
    startDma(r, { src: BUF + 0xff8n, dst: BigInt(RAM_B + 1), cnt: 8n, cmd: 0x3n });
    machine.step();
    expect([...machine.ram.readBytes(RAM_B, 10)]).toEqual([0, ...pattern(16, 100).subarray(8), 0]);
  });

  it('does a driver-style round trip with 4-byte register writes, interrupting with 0x100 when bit 0x4 is set', async () => {
    const { machine, r } = await bootPaused();
    const lines = recordLines(machine);
    const data = pattern(256, 42);
    machine.ram.writeBytes(RAM_A, data);
    r.writel(0x80, RAM_A);
    r.writel(0x88, 0x40000);
    r.writel(0x90, 256);
    r.writel(0x98, 0x5);
    machine.step();
    expect(hex(r.readl(0x24))).toBe('0x100');
    expect(lines).toEqual([{ gsi: EDU_GSI, level: true }]);
    r.writel(0x64, 0x100);
    r.writel(0x80, 0x40000);
    r.writel(0x88, RAM_B);
    r.writel(0x98, 0x7);
    machine.step();
    expect(hex(r.readl(0x98)), 'a command of 7 reads back 6').toBe('0x6');
    expect(hex(r.readl(0x24))).toBe('0x100');
    expect([...machine.ram.readBytes(RAM_B, 256)]).toEqual([...data]);
  });

  it('raises nothing without bit 0x4', async () => {
    const { machine, r } = await bootPaused();
    const lines = recordLines(machine);
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 4n, cmd: 0x1n });
    machine.step();
    expect(r.readl(0x24)).toBe(0);
    expect(lines).toEqual([]);
  });

  it('sends one MSI on completion when MSI is enabled', async () => {
    const { machine, r } = await bootPaused();
    enableMsi(machine);
    const msi = recordMsi(machine);
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 4n, cmd: 0x5n });
    expect(msi).toHaveLength(0);
    machine.step();
    expect(msi).toHaveLength(1);
  });

  it('ignores writes to 0x80-0x98 while a transfer is pending, including a second RUN', async () => {
    const { machine, r } = await bootPaused();
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 16n, cmd: 0x1n });
    machine.clock.warpTo(50 * MS);
    r.writeq(0x80, 0x5000n);
    r.writel(0x88, 0x40100);
    r.writeq(0x90, 1n);
    r.writeq(0x98, 0x7n);
    expect(machine.edu.snapshot().dma).toEqual({ src: BigInt(RAM_A), dst: BUF, cnt: 16n, cmd: 1n });
    expect(machine.edu.snapshot().dmaDeadline, 'not rescheduled').toBe(100 * MS);
    machine.step();
    r.writeq(0x80, 0x5000n);
    expect(r.readq(0x80), 'unlocked once done').toBe(0x5000n);
  });

  it('ignores a command written without RUN: the previous command reads back', async () => {
    const { machine, r } = await bootPaused();
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 4n, cmd: 0x5n });
    machine.step();
    expect(hex(r.readl(0x98))).toBe('0x4');
    r.writel(0x98, 0x2);
    expect(hex(r.readl(0x98))).toBe('0x4');
    expect(machine.edu.snapshot().dmaDeadline).toBeUndefined();
  });
});

describe('edu DMA address mask (dma_mask)', () => {
  it('defaults to 0x0FFFFFFF (28 bits)', async () => {
    const { machine } = await bootPaused();
    expect(hex(machine.edu.snapshot().dmaMask)).toBe('0xfffffff');
  });

  it("clamps the RAM side to dma_mask and logs it as a guest error ('upstream')", async () => {
    const { machine, r } = await bootPaused();
    machine.ram.writeBytes(RAM_A, pattern(8, 5));
    startDma(r, { src: 0x1_0010_0000n, dst: BUF, cnt: 8n, cmd: 0x1n });
    machine.step();
    expect(logLines(machine, 'guest-error')).toEqual(['EDU: clamping DMA 0x0000000100100000 to 0x0000000000100000!']);
    expect(buffer(machine, 0, 8)).toEqual([...pattern(8, 5)]);
    startDma(r, { src: BUF, dst: 0xf020_0000n, cnt: 8n, cmd: 0x3n });
    machine.step();
    expect(logLines(machine, 'guest-error')[1]).toBe('EDU: clamping DMA 0x00000000f0200000 to 0x0000000000200000!');
    expect([...machine.ram.readBytes(RAM_B, 8)]).toEqual([...pattern(8, 5)]);
  });

  it('does not clamp the device side: a masked buffer address is still checked as written', async () => {
    const { machine, r } = await bootPaused();
    startDma(r, { src: BigInt(RAM_A), dst: 0x1_0004_0000n, cnt: 8n, cmd: 0x1n });
    machine.step();
    expect(logLines(machine, 'guest-error')).toEqual([
      'EDU: DMA range 0x0000000100040000-0x0000000100040007 out of bounds (0x0000000000040000-0x0000000000040fff)!',
    ]);
  });

  it("prints the clamp message on stdout in 'qemu-7.2' (C's %#.16x: zero has no 0x)", async () => {
    const { machine, r } = await bootPaused('qemu-7.2');
    startDma(r, { src: 0x1000_0000n, dst: BUF, cnt: 8n, cmd: 0x1n });
    machine.step();
    expect(logLines(machine, 'stdout')).toEqual(['EDU: clamping DMA 0x0000000010000000 to 0000000000000000!']);
    expect(logLines(machine, 'guest-error')).toEqual([]);
  });

  it('is settable at run time (machine.edu.setDmaMask) and at creation', async () => {
    const { machine, r } = await bootPaused();
    machine.edu.setDmaMask(0xffffn);
    expect(hex(machine.edu.snapshot().dmaMask)).toBe('0xffff');
    machine.ram.writeBytes(0x1234, pattern(4, 77));
    startDma(r, { src: BigInt(RAM_A + 0x1234), dst: BUF, cnt: 4n, cmd: 0x1n });
    machine.step();
    expect(logLines(machine, 'guest-error')).toEqual(['EDU: clamping DMA 0x0000000000101234 to 0x0000000000001234!']);
    expect(buffer(machine, 0, 4)).toEqual([...pattern(4, 77)]);

    machine.edu.setDmaMask(0xffffffffffffffffn);
    startDma(r, { src: BigInt(RAM_A + 0x1234), dst: BUF, cnt: 4n, cmd: 0x1n });
    machine.step();
    expect(logLines(machine, 'guest-error'), 'a full mask clamps nothing').toHaveLength(1);

    const other = await bootedEdu({ paused: true, dmaMask: 0xfffffn });
    expect(hex(other.machine.edu.snapshot().dmaMask)).toBe('0xfffff');
  });
});

describe("edu DMA range check, profile 'upstream' (logged, no copy, RUN cleared, IRQ still raised)", () => {
  const line = (range: string) => `EDU: DMA range ${range} out of bounds (0x0000000000040000-0x0000000000040fff)!`;
  const rejected: [string, bigint, bigint, string][] = [
    ['past the end', 0x40001n, 4096n, line('0x0000000000040001-0x0000000000041000')],
    ['below 0x40000', 0x3ffffn, 1n, line('0x000000000003ffff-0x000000000003ffff')],
    ['at 0', 0x0n, 16n, line('0x0000000000000000-0x000000000000000f')],
    ['64-bit overflow of start + count', 0x40000n, 0xffffffffffffffffn, line('0x0000000000040000-0x000000000003fffe')],
    ['overflow from a huge start', 0xfffffffffffff000n, 0x41001n, line('0xfffffffffffff000-0x0000000000040000')],
    ['one byte too many', 0x40800n, 0x801n, line('0x0000000000040800-0x0000000000041000')],
  ];

  it.each(rejected)('rejects a transfer %s, RAM to device', async (_what, start, count, message) => {
    const { machine, r } = await bootPaused();
    const lines = recordLines(machine);
    machine.ram.writeBytes(RAM_A, pattern(4096, 1));
    startDma(r, { src: BigInt(RAM_A), dst: start, cnt: count, cmd: 0x5n });
    machine.step();
    expect(logLines(machine, 'guest-error')).toEqual([message]);
    expect(buffer(machine).every((b) => b === 0), 'no copy').toBe(true);
    expect(hex(r.readl(0x98)), 'RUN cleared').toBe('0x4');
    expect(hex(r.readl(0x24)), 'DMA_IRQ raised').toBe('0x100');
    expect(lines).toEqual([{ gsi: EDU_GSI, level: true }]);
    expect(machine.state).toBe('paused');
  });

  it.each(rejected)('rejects a transfer %s, device to RAM', async (_what, start, count, message) => {
    const { machine, r } = await bootPaused();
    fillBuffer(machine, r, pattern(4096, 1));
    startDma(r, { src: start, dst: BigInt(RAM_B), cnt: count, cmd: 0x7n });
    machine.step();
    expect(logLines(machine, 'guest-error')).toEqual([message]);
    expect(machine.ram.readBytes(RAM_B, 4096).every((b) => b === 0), 'no copy').toBe(true);
    expect(hex(r.readl(0x98))).toBe('0x6');
    expect(hex(r.readl(0x24))).toBe('0x100');
  });

  it('does not clamp (or log a clamp) for a transfer it rejects', async () => {
    const { machine, r } = await bootPaused();
    startDma(r, { src: 0x1_0000_0000n, dst: 0x3f000n, cnt: 16n, cmd: 0x1n });
    machine.step();
    expect(logLines(machine, 'guest-error')).toHaveLength(1);
    expect(logLines(machine, 'guest-error')[0]).toMatch(/^EDU: DMA range /);
  });

  const accepted: [string, bigint, bigint][] = [
    ['in range', 0x40010n, 32n],
    ['of the full 4096 bytes', 0x40000n, 4096n],
    ['ending exactly at the end of the buffer', 0x40ff0n, 16n],
    ['of count 0 (a no-op)', 0x40000n, 0n],
    ['of count 0 just past the buffer (a no-op)', 0x41000n, 0n],
  ];

  it.each(accepted)('accepts a transfer %s', async (_what, start, count) => {
    const { machine, r } = await bootPaused();
    const data = pattern(4096, 11);
    machine.ram.writeBytes(RAM_A, data);
    startDma(r, { src: BigInt(RAM_A), dst: start, cnt: count, cmd: 0x5n });
    machine.step();
    expect(logLines(machine, 'guest-error')).toEqual([]);
    const at = Number(start - BUF);
    const expected = new Uint8Array(4096);
    expected.set(data.subarray(0, Number(count)), at);
    expect(buffer(machine)).toEqual([...expected]);
    expect(hex(r.readl(0x98))).toBe('0x4');
    expect(hex(r.readl(0x24))).toBe('0x100');
  });
});

describe.each<EduProfileName>(['qemu-7.2', 'qemu-4.0'])("edu DMA range check, profile '%s' (hardware error)", (profile) => {
  const aborting: [string, bigint, bigint, string][] = [
    ['of the full 4096 bytes', 0x40000n, 4096n, '0x0000000000040000-0x0000000000040fff'],
    ['of count 0', 0x40000n, 0n, '0x0000000000040000-0x000000000003ffff'],
    ['past the end', 0x40800n, 0x1000n, '0x0000000000040800-0x00000000000417ff'],
    ['below 0x40000', 0x3fff0n, 16n, '0x000000000003fff0-0x000000000003ffff'],
  ];

  it.each(aborting)('aborts the machine on a transfer %s', async (_what, start, count, range) => {
    const { machine, r } = await bootPaused(profile);
    const lines = recordLines(machine);
    machine.ram.writeBytes(RAM_A, pattern(16, 1));
    startDma(r, { src: BigInt(RAM_A), dst: start, cnt: count, cmd: 0x5n });
    machine.step();
    expect(machine.state).toBe('aborted');
    expect(logLines(machine, 'stderr')).toEqual([
      `qemu: hardware error: EDU: DMA range ${range} out of bounds (0x0000000000040000-0x0000000000040fff)!`,
    ]);
    expect(buffer(machine).every((b) => b === 0), 'no copy').toBe(true);
    expect(r.readl(0x24), 'no interrupt').toBe(0);
    expect(lines).toEqual([]);
  });

  it('prints the exact [7.2] line for a full-buffer transfer and stays stopped until reset', async () => {
    const { machine, r } = await bootPaused(profile);
    startDma(r, { src: BigInt(RAM_A), dst: BUF, cnt: 4096n, cmd: 0x1n });
    machine.step();
    expect(machine.state).toBe('aborted');
    expect(logLines(machine, 'stderr')).toContain(
      'qemu: hardware error: EDU: DMA range 0x0000000000040000-0x0000000000040fff out of bounds (0x0000000000040000-0x0000000000040fff)!',
    );
    expect(() => machine.resume()).toThrow(/hardware error/);
    expect(() => machine.step()).toThrow(/hardware error/);
    expect(machine.clock.isRunning, 'the clock stands still').toBe(false);
    expect(machine.state).toBe('aborted');

    machine.reset();
    expect(machine.state).toBe('running');
    // Restarted like a new QEMU process: device registers are back at power-on.
    expect(machine.edu.snapshot().dma).toEqual({ src: 0n, dst: 0n, cnt: 0n, cmd: 0n });
    programLikeSeaBios(machine);
    expect(hex(r.readl(0x00))).toBe('0x10000ed');
  });

  it('accepts a transfer strictly inside the buffer', async () => {
    const { machine, r } = await bootPaused(profile);
    machine.ram.writeBytes(RAM_A, pattern(16, 1));
    startDma(r, { src: BigInt(RAM_A), dst: 0x40100n, cnt: 16n, cmd: 0x5n });
    machine.step();
    expect(machine.state).toBe('paused');
    expect(buffer(machine, 0x100, 16)).toEqual([...pattern(16, 1)]);
    expect(hex(r.readl(0x24))).toBe('0x100');
  });
});

describe('edu DMA without bus mastering (command MASTER clear) [7.2]', () => {
  it('fills the buffer with zeros from RAM, and still completes and interrupts', async () => {
    const { machine, r } = await bootPaused();
    fillBuffer(machine, r, pattern(4096, 1));
    machine.ram.writeBytes(RAM_A, pattern(4096, 2));
    setEduConfig(machine, 0x04, 2, 0x0103);
    startDma(r, { src: BigInt(RAM_A), dst: BUF + 0x100n, cnt: 0x100n, cmd: 0x5n });
    machine.step();
    expect(buffer(machine, 0x100, 0x100).every((b) => b === 0), 'zeros where the transfer landed').toBe(true);
    expect(buffer(machine, 0, 0x100)).toEqual([...pattern(4096, 1).subarray(0, 0x100)]);
    expect(hex(r.readl(0x98))).toBe('0x4');
    expect(hex(r.readl(0x24))).toBe('0x100');
  });

  it('writes nothing to RAM, and still completes and interrupts', async () => {
    const { machine, r } = await bootPaused();
    fillBuffer(machine, r, pattern(64, 1));
    setEduConfig(machine, 0x04, 2, 0x0103);
    startDma(r, { src: BUF, dst: BigInt(RAM_B), cnt: 64n, cmd: 0x7n });
    machine.step();
    expect(machine.ram.readBytes(RAM_B, 64).every((b) => b === 0)).toBe(true);
    expect(hex(r.readl(0x98))).toBe('0x6');
    expect(hex(r.readl(0x24))).toBe('0x100');
  });

  it('still clamps and logs the RAM address', async () => {
    const { machine, r } = await bootPaused('upstream', false);
    startDma(r, { src: 0x1000_0010n, dst: BUF, cnt: 4n, cmd: 0x1n });
    machine.step();
    expect(logLines(machine, 'guest-error')).toEqual(['EDU: clamping DMA 0x0000000010000010 to 0x0000000000000010!']);
  });
});
