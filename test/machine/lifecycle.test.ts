import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { EduDmaCmd, EduReg, EduStatus } from '../../src/common/edu/datasheet';
import { EventKind } from '../../src/common/trace/schema';
import type { WorkerFactory } from '../../src/main/machine/device-host';
import { Machine } from '../../src/main/machine/machine';
import { mmio, programLikeSeaBios } from '../support/pci';
import { testWorkers } from '../support/workers';

// Teardown must stop and join the factorial worker and cancel every timer, whatever the machine was
// doing. 1,000 create/destroy cycles, then: no worker still alive, no timer or handle left, memory
// not growing with the number of cycles.

const CYCLES = 1000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Counts the workers the machines start and which of them have exited, without keeping them alive. */
function trackedWorkers() {
  const live = new Set<Worker>();
  let spawned = 0;
  let exited = 0;
  const workers: Record<string, WorkerFactory> = {};
  for (const [name, factory] of Object.entries(testWorkers)) {
    workers[name] = (options) => {
      const worker = factory(options);
      spawned++;
      live.add(worker);
      worker.once('exit', () => {
        exited++;
        live.delete(worker);
      });
      return worker;
    };
  }
  return {
    workers,
    get spawned() {
      return spawned;
    },
    get exited() {
      return exited;
    },
    get live() {
      return live.size;
    },
  };
}

/** Active handles and requests by type ('Timeout', 'Immediate', 'MessagePort', ...). */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** Resource types of which there are more now than in `baseline` (vitest's own are in both). */
function leakedSince(baseline: Map<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [type, n] of activeResources()) if (n > (baseline.get(type) ?? 0)) extra[type] = n - (baseline.get(type) ?? 0);
  return extra;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function settleAndCollect(): Promise<void> {
  // WeakRefs are kept alive until the current job ends; handles close on the next turns.
  for (let i = 0; i < 3; i++) {
    await turn();
    gc();
  }
}

type Variant = 'idle' | 'long-factorial' | 'dma-pending' | 'deterministic-factorial';

function variantOf(cycle: number): Variant {
  if (cycle % 10 === 3) return 'long-factorial';
  if (cycle % 10 === 7) return 'dma-pending';
  if (cycle % 50 === 11) return 'deterministic-factorial';
  return 'idle';
}

/** Put the machine in the state the variant tears down from. */
function prepare(m: Machine, variant: Variant): void {
  if (variant === 'idle') return;
  programLikeSeaBios(m);
  const r = mmio(m);
  if (variant === 'dma-pending') {
    r.writeq(EduReg.DmaSrc, 0x1000n);
    r.writeq(EduReg.DmaDst, 0x40000n);
    r.writeq(EduReg.DmaCount, 64n);
    r.writeq(EduReg.DmaCmd, BigInt(EduDmaCmd.Run | EduDmaCmd.Irq));
    expect(m.edu.snapshot().dmaDeadline).toBeDefined();
    expect(m.timers.size).toBe(1);
    return;
  }
  r.writel(EduReg.Status, EduStatus.IrqFact);
  r.writel(EduReg.Factorial, 0xffffffff); // 4,294,967,295 multiplications: seconds of work
  expect(r.readl(EduReg.Status) & EduStatus.Computing).toBe(EduStatus.Computing);
}

describe('machine lifecycle', () => {
  it(`${CYCLES} create/destroy cycles leave no thread, timer or handle behind`, { timeout: 300_000 }, async () => {
    const tracker = trackedWorkers();

    // Warm up (the worker bundle is built on first use, modules are loaded), then take the baseline.
    await (await Machine.create({ workers: tracker.workers })).destroy();
    await settleAndCollect();
    const baseline = activeResources();
    const heapBefore = process.memoryUsage().heapUsed;

    const sampled: WeakRef<Machine>[] = [];
    const started = performance.now();
    let slowestDestroyMs = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const variant = variantOf(cycle);
      const m = await Machine.create({ workers: tracker.workers, deterministic: variant === 'deterministic-factorial' });
      prepare(m, variant);
      const t0 = performance.now();
      await m.destroy();
      slowestDestroyMs = Math.max(slowestDestroyMs, performance.now() - t0);
      // Joined: the worker has exited by the time destroy() resolves, and no timer is left pending.
      expect(tracker.live).toBe(0);
      expect(m.timers.size).toBe(0);
      if (cycle % 100 === 0) sampled.push(new WeakRef(m));
    }
    const elapsedS = (performance.now() - started) / 1000;

    await settleAndCollect();
    expect(tracker.spawned).toBe(CYCLES + 1);
    expect(tracker.exited).toBe(CYCLES + 1);
    expect(tracker.live).toBe(0);
    expect(leakedSince(baseline)).toEqual({});
    // Destroyed machines are garbage: nothing (a listener, a timer, a worker handle) still holds them.
    expect(sampled.filter((ref) => ref.deref() !== undefined).length).toBe(0);
    // Bounded, not proportional to the cycles: a leaked machine costs tens of KiB of heap at least.
    const growthMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(growthMiB).toBeLessThan(16);

    console.info(
      `lifecycle: ${CYCLES} cycles in ${elapsedS.toFixed(1)} s (${((elapsedS * 1000) / CYCLES).toFixed(1)} ms each), ` +
        `slowest destroy ${slowestDestroyMs.toFixed(1)} ms, heap growth ${growthMiB.toFixed(2)} MiB`,
    );
  });

  it('a destroyed machine runs no pending DMA and no timer afterwards', async () => {
    const m = await Machine.create({ workers: testWorkers });
    prepare(m, 'dma-pending');
    const deadline = m.edu.snapshot().dmaDeadline!;
    const events: number[] = [];
    await m.destroy();
    m.trace.attach({ record: (kind) => events.push(kind), recordText: (kind) => events.push(kind) });
    expect(m.edu.snapshot().dmaDeadline).toBeUndefined();
    // Past the 100 ms DMA deadline in host time: the transfer must not happen.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(m.clock.now()).toBeLessThan(deadline);
    expect(events.filter((k) => k === EventKind.TimerFire || k === EventKind.DmaComplete)).toEqual([]);
    expect(m.edu.snapshot().dma.cmd & BigInt(EduDmaCmd.Run)).toBe(BigInt(EduDmaCmd.Run));
  });

  it('destroy during a long factorial does not wait for it', async () => {
    const tracker = trackedWorkers();
    const m = await Machine.create({ workers: tracker.workers });
    prepare(m, 'long-factorial');
    await m.destroy();
    expect(tracker.live).toBe(0);
    expect(tracker.exited).toBe(1);
    await m.destroy(); // a second call is harmless
  });
});
