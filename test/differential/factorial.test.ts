import { describe, it } from 'vitest';
import { compare, usePair, type Script } from './harness';

async function factorial(s: Script, n: number): Promise<void> {
  await s.writel(0x08, n);
  await s.poll(0x20, 'COMPUTING clear', (v) => (v & 1) === 0);
  await s.readl(0x08);
  await s.readl(0x20);
}

describe('differential: factorial', () => {
  const pair = usePair();

  it('n! mod 2^32 for 0, 1, 5, 10, 12, 13, 20, 32, 33, 34 and a few larger n', async () => {
    await compare(pair(), async (s) => {
      await s.writel(0x20, 0);
      for (const n of [0, 1, 5, 10, 12, 13, 20, 32, 33, 34, 35, 100, 0x10000]) await factorial(s, n);
      await s.readl(0x24); // no interrupt without IRQFACT
    });
  });

  it('the same n twice in a row, and the liveness register is independent of it', async () => {
    await compare(pair(), async (s) => {
      await s.writel(0x04, 0x0f0f0f0f);
      await factorial(s, 7);
      await factorial(s, 7);
      await s.readl(0x04);
    });
  });

  it('IRQFACT stays set across computations; without it nothing is raised', async () => {
    await compare(pair(), async (s) => {
      await s.writel(0x20, 0x80);
      await s.writel(0x08, 4);
      await s.poll(0x24, 'FACT_IRQ set', (v) => (v & 1) !== 0);
      await s.readl(0x08);
      await s.readl(0x20);
      await s.writel(0x64, 1);
      await s.writel(0x08, 3);
      await s.poll(0x24, 'FACT_IRQ set', (v) => (v & 1) !== 0);
      await s.readl(0x08);
      await s.readl(0x20);
      await s.writel(0x64, 1);
      await s.writel(0x20, 0);
      await factorial(s, 6);
      await s.sleep(50);
      await s.readl(0x24);
    });
  });
});
