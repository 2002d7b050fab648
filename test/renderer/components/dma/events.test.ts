import { describe, expect, it } from 'vitest';
import { EventFlag, EventKind } from '../../../../src/common/trace/schema';
import { createDmaActivity } from '../../../../src/renderer/src/components/dma/activity';
import { INITIAL_ACTIVITY, reduceDmaEvents } from '../../../../src/renderer/src/components/dma/events';
import { eventBatch } from './support';

const RANGE_LOG = 'EDU: DMA range 0x0000000000050000-0x000000000005000f out of bounds (0x0000000000040000-0x0000000000040fff)!';

describe('the DMA events', () => {
  it('program, start, completion and the DMA interrupt', () => {
    const s1 = reduceDmaEvents(
      INITIAL_ACTIVITY,
      eventBatch(10, [
        { kind: EventKind.DmaProgram, vns: 1e9, addr: 0x80, value: 0x1000 },
        { kind: EventKind.DmaProgram, vns: 1e9, addr: 0x88, value: 0x40000 },
        { kind: EventKind.DmaProgram, vns: 1e9, addr: 0x90, value: 16 },
        { kind: EventKind.DmaStart, vns: 1_000_400_000, addr: 1100, value: 5 },
        { kind: EventKind.DmaProgram, vns: 1_000_400_000, addr: 0x98, value: 5 },
      ]),
    );
    expect(s1.start).toEqual({ seq: 13, vns: 1_000_400_000, deadlineNs: 1_100_000_000, cmd: 5n });
    expect(s1.programSeq).toBe(14);
    expect(s1.outcome).toBeNull();

    const s2 = reduceDmaEvents(
      s1,
      eventBatch(15, [
        { kind: EventKind.MmioRead, vns: 1.05e9, addr: 0x98 },
        { kind: EventKind.DmaComplete, vns: 1.1e9, addr: 0x98, value: 16, flags: EventFlag.Clamped },
        { kind: EventKind.IrqRaise, vns: 1.1e9, addr: 0x100, value: 0x100 },
      ]),
    );
    expect(s2.outcome).toEqual({ seq: 16, vns: 1.1e9, flags: EventFlag.Clamped, bytes: 16, completed: true, errorText: null });
    expect(s2.start).toBeNull();
    expect(s2.irqRaise).toEqual({ seq: 17, vns: 1.1e9 });
  });

  it('programming a register again forgets the last outcome', () => {
    const done = reduceDmaEvents(INITIAL_ACTIVITY, eventBatch(0, [{ kind: EventKind.DmaComplete, vns: 5, value: 4 }]));
    expect(done.outcome?.completed).toBe(true);
    const again = reduceDmaEvents(done, eventBatch(1, [{ kind: EventKind.DmaProgram, addr: 0x80, value: 0x1000 }]));
    expect(again.outcome).toBeNull();
  });

  it('an upstream range error: the log line, then a completion that moved nothing', () => {
    const s = reduceDmaEvents(
      INITIAL_ACTIVITY,
      eventBatch(0, [
        { kind: EventKind.DmaError, vns: 2e9, addr: 0x88, text: RANGE_LOG },
        { kind: EventKind.DmaComplete, vns: 2e9, flags: EventFlag.OutOfRange, value: 0 },
      ]),
    );
    expect(s.outcome).toEqual({ seq: 1, vns: 2e9, flags: EventFlag.OutOfRange, bytes: 0, completed: true, errorText: RANGE_LOG });
  });

  it('the 7.2 abort: a range error that never completes, then the machine stops; a restart forgets it', () => {
    const abort = `qemu: hardware error: ${RANGE_LOG}`;
    const s = reduceDmaEvents(
      INITIAL_ACTIVITY,
      eventBatch(0, [
        { kind: EventKind.DmaStart, vns: 1e9, addr: 1100, value: 5 },
        { kind: EventKind.DmaError, vns: 1.1e9, text: RANGE_LOG },
        { kind: EventKind.MachineAbort, vns: 1.1e9, text: abort },
      ]),
    );
    expect(s.outcome).toMatchObject({ completed: false, flags: EventFlag.OutOfRange, errorText: RANGE_LOG });
    expect(s.abortText).toBe(abort);
    const reset = reduceDmaEvents(s, eventBatch(3, [{ kind: EventKind.MachineReset, vns: 1.2e9, value: 1 }]));
    expect(reset.outcome).toBeNull();
    expect(reset.start).toBeNull();
    expect(reset.abortText).toBeNull();
  });

  it('a plain system reset keeps the device’s state', () => {
    const done = reduceDmaEvents(INITIAL_ACTIVITY, eventBatch(0, [{ kind: EventKind.DmaComplete, vns: 5, value: 4 }]));
    expect(reduceDmaEvents(done, eventBatch(1, [{ kind: EventKind.MachineReset, value: 0 }])).outcome).toEqual(done.outcome);
  });

  it('only DMA_IRQ raises count, and unrelated batches change nothing', () => {
    const fact = reduceDmaEvents(INITIAL_ACTIVITY, eventBatch(0, [{ kind: EventKind.IrqRaise, addr: 1, value: 1 }]));
    expect(fact.irqRaise).toBeNull();
    const quiet = eventBatch(1, [
      { kind: EventKind.MmioWrite, addr: 0x60 },
      { kind: EventKind.TimerFire },
    ]);
    expect(reduceDmaEvents(fact, quiet)).toBe(fact);
    // A raise of several bits including 0x100.
    expect(reduceDmaEvents(fact, eventBatch(3, [{ kind: EventKind.IrqRaise, value: 0x101, vns: 7 }])).irqRaise).toEqual({ seq: 3, vns: 7 });
  });

  it('a completion count above 32 bits is read whole', () => {
    const s = reduceDmaEvents(INITIAL_ACTIVITY, eventBatch(0, [{ kind: EventKind.DmaComplete, value: 0x1_0000_0010n }]));
    expect(s.outcome?.bytes).toBe(0x1_0000_0010);
  });
});

describe('the tracker', () => {
  it('starts over when the stream replays the history', () => {
    const tracker = createDmaActivity();
    tracker.ingest(eventBatch(0, [{ kind: EventKind.DmaComplete, vns: 1, value: 8 }]));
    tracker.ingest(eventBatch(1, [{ kind: EventKind.DmaStart, vns: 2, addr: 100, value: 1 }]));
    expect(tracker.state.value.start?.seq).toBe(1);
    // A new snapshot: the history again, from an earlier sequence number (here only the completion).
    tracker.ingest(eventBatch(0, [{ kind: EventKind.DmaComplete, vns: 1, value: 8 }]));
    expect(tracker.state.value.start).toBeNull();
    expect(tracker.state.value.outcome?.seq).toBe(0);
    tracker.reset();
    expect(tracker.state.value).toBe(INITIAL_ACTIVITY);
  });

  it('keeps the same state object for batches without DMA events', () => {
    const tracker = createDmaActivity();
    tracker.ingest(eventBatch(0, [{ kind: EventKind.DmaComplete, vns: 1, value: 8 }]));
    const before = tracker.state.value;
    tracker.ingest(eventBatch(1, [{ kind: EventKind.MmioRead }]));
    expect(tracker.state.value).toBe(before);
  });
});
