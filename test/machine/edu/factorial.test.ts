import { describe, expect, it } from 'vitest';
import { EventFlag } from '../../../src/common/trace/schema';
import { factorial } from '../../../src/main/machine/devices/edu/fact-shared';
import { programLikeSeaBios } from '../../support/pci';
import { bootedEdu, EDU_GSI, factorialViaDevice, hex, nextFactFinish, recordLines, waitFor } from '../../support/edu';

/** n! mod 2^32 by exact arithmetic: the oracle for the table. */
function exact(n: number): number {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return Number(f % (1n << 32n));
}

describe('edu factorial (register 0x08, computed by the factorial thread)', () => {
  const table: [number, number][] = [
    [0, 1],
    [1, 1],
    [5, 120],
    [10, 3628800],
    [12, 479001600],
    [13, 0x7328cc00], // [7.2]
    [20, 0x82b40000], // [7.2]
    [32, 0x80000000],
    [33, 0x80000000],
    [34, 0], // and every n >= 34
  ];

  it.each(table)('%i! reads back %i', async (n, expected) => {
    expect(exact(n), 'the table itself').toBe(expected);
    const { machine, r } = await bootedEdu();
    expect(hex(await factorialViaDevice(machine, r, n))).toBe(hex(expected));
    expect(hex(r.readl(0x20)), 'COMPUTING is clear once done').toBe('0x0');
  });

  it('computes one input after another on the same thread, and n >= 34 keeps giving 0', async () => {
    const { machine, r } = await bootedEdu();
    for (const n of [35, 100, 6, 1000]) {
      expect(hex(await factorialViaDevice(machine, r, n)), `${n}!`).toBe(hex(exact(Math.min(n, 34))));
    }
  });

  it('multiplies in wrapping 32-bit arithmetic with no shortcut (the thread function itself)', () => {
    for (let n = 0; n <= 40; n++) expect(factorial(n), `${n}!`).toBe(exact(n));
    expect(factorial(0x10000)).toBe(0);
  });

  it('reads the input back while COMPUTING, then the result', async () => {
    const { machine, r } = await bootedEdu();
    const finished = nextFactFinish(machine);
    r.writel(0x08, 12);
    // The thread may already be done; either way the register holds the input or the result.
    expect([12, 479001600]).toContain(r.readl(0x08));
    await finished;
    expect(r.readl(0x08)).toBe(479001600);
  });

  it('raises nothing without IRQFACT', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    await factorialViaDevice(machine, r, 6);
    expect(r.readl(0x24)).toBe(0);
    expect(lines).toEqual([]);
  });

  it('with IRQFACT set before the write, raises FACT_IRQ (0x1) on INTx IRQ 11; acking 1 lowers it [7.2]', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    r.writel(0x20, 0x80);
    expect(await factorialViaDevice(machine, r, 6)).toBe(720);
    expect(hex(r.readl(0x24))).toBe('0x1');
    expect(lines).toEqual([{ gsi: EDU_GSI, level: true }]);
    r.writel(0x64, 0x1);
    expect(lines).toEqual([
      { gsi: EDU_GSI, level: true },
      { gsi: EDU_GSI, level: false },
    ]);
  });

  it('keeps IRQFACT set across computations: every completion raises again', async () => {
    const { machine, r } = await bootedEdu();
    r.writel(0x20, 0x80);
    for (const n of [5, 10]) {
      const done = nextFactFinish(machine);
      r.writel(0x08, n);
      const report = await done;
      expect(report.flags & EventFlag.IrqRequested, `${n}!: the thread saw IRQFACT`).toBe(EventFlag.IrqRequested);
      expect(hex(r.readl(0x24)), `${n}!`).toBe('0x1');
      expect(hex(r.readl(0x20)), `status after ${n}!`).toBe('0x80');
      r.writel(0x64, 0x1);
    }
  });

  it('looks at IRQFACT only on completion: setting it afterwards raises nothing', async () => {
    const { machine, r } = await bootedEdu();
    const lines = recordLines(machine);
    await factorialViaDevice(machine, r, 10);
    r.writel(0x20, 0x80);
    // Give a late interrupt every chance to show up: another computation's report comes after it.
    r.writel(0x20, 0x00);
    await factorialViaDevice(machine, r, 3);
    expect(r.readl(0x24)).toBe(0);
    expect(lines).toEqual([]);
  });

  it('clears IRQFACT with a status write without 0x80 (no interrupt on the next completion)', async () => {
    const { machine, r } = await bootedEdu();
    r.writel(0x20, 0x80);
    r.writel(0x20, 0x00);
    await factorialViaDevice(machine, r, 4);
    expect(r.readl(0x24)).toBe(0);
  });

  it(
    'runs 0xffffffff for seconds: COMPUTING and the input stay visible, a second write and a reset do not ' +
      'disturb it, IRQFACT set meanwhile interrupts at the end, and the result is 0',
    async () => {
      const { machine, r } = await bootedEdu();
      const lines = recordLines(machine);
      const finished = nextFactFinish(machine, 'the factorial of 0xffffffff (about 4.3 billion multiplications)', 100_000);
      r.writel(0x08, 0xffffffff);
      expect(hex(r.readl(0x20)), 'COMPUTING').toBe('0x1');
      expect(hex(r.readl(0x08)), 'the input while computing').toBe('0xffffffff');

      r.writel(0x08, 5);
      expect(hex(r.readl(0x08)), 'a second write while computing is dropped').toBe('0xffffffff');

      r.writel(0x20, 0x81);
      // COMPUTING still set after IRQFACT went in means the thread has not looked at IRQFACT yet.
      expect(hex(r.readl(0x20)), 'IRQFACT set during the computation (must still be computing)').toBe('0x81');

      // A system reset mid-computation resets config space only; the thread keeps going.
      machine.reset();
      expect(hex(machine.edu.snapshot().status), 'status after reset').toBe('0x81');
      expect(hex(machine.edu.snapshot().factorial), 'factorial register after reset').toBe('0xffffffff');
      // Firmware runs again after a reset.
      programLikeSeaBios(machine);

      await waitFor(() => (r.readl(0x20) & 0x1) === 0, 'COMPUTING to clear', 100_000);
      expect(hex(r.readl(0x08)), 'result: 0xffffffff! mod 2^32').toBe('0x0');
      await finished;
      expect(hex(r.readl(0x24)), 'FACT_IRQ raised because IRQFACT was set before completion').toBe('0x1');
      expect(lines).toEqual([{ gsi: EDU_GSI, level: true }]);
      expect(hex(r.readl(0x20)), 'IRQFACT stays set').toBe('0x80');
    },
    120_000,
  );

  it('can sleep a random time before each computation (teaching knob, off by default)', async () => {
    const { machine, r } = await bootedEdu();
    expect(machine.edu.snapshot().factDelayMs).toBe(0);
    machine.edu.setFactDelayMs(20);
    expect(machine.edu.snapshot().factDelayMs).toBe(20);
    expect(await factorialViaDevice(machine, r, 7)).toBe(5040);
  });
});
