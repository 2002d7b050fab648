import { EventKind, type Source } from '../../common/trace/schema';

/**
 * Where trace events go. The machine only knows this interface (like QEMU's trace points); the Lab
 * connects the session's recorder, which stamps each event with virtual and host time.
 */
export interface TraceSink {
  record(kind: EventKind, source: Source, addr: number, size: number, flags: number, lo: number, hi: number): void;
  recordText(kind: EventKind, source: Source, addr: number, flags: number, text: string): void;
  /**
   * Events recorded until the matching endInstant() happen at one instant (one MMIO access with all
   * its effects, one timer callback): the sink may stamp them with a single clock read. Calls nest.
   */
  beginInstant?(): void;
  endInstant?(): void;
  /** Add flags to the newest event: the access a device is handling (one it ignores says so). */
  flagLast?(flags: number): void;
}

const TWO_POW_32 = 0x1_0000_0000;

/** The machine's tracing facade: cheap when nothing is attached. */
export class Tracer {
  private sink: TraceSink | undefined;

  get enabled(): boolean {
    return this.sink !== undefined;
  }

  attach(sink: TraceSink | undefined): void {
    this.sink = sink;
  }

  /** An event whose value fits in 32 bits (register values, access values of 1 to 4 bytes). */
  event(kind: EventKind, source: Source, addr: number, size: number, flags: number, value: number): void {
    this.sink?.record(kind, source, addr, size, flags, value >>> 0, 0);
  }

  /** An event whose value is a non-negative integer up to 2^53 (deadlines, lateness, counts). */
  eventWide(kind: EventKind, source: Source, addr: number, flags: number, value: number): void {
    this.sink?.record(kind, source, addr, 0, flags, value % TWO_POW_32, Math.floor(value / TWO_POW_32));
  }

  /** An event with a full 64-bit value. */
  event64(kind: EventKind, source: Source, addr: number, size: number, flags: number, value: bigint): void {
    if (!this.sink) return;
    this.sink.record(kind, source, addr, size, flags, Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn));
  }

  text(kind: EventKind, source: Source, addr: number, text: string, flags = 0): void {
    this.sink?.recordText(kind, source, addr, flags, text);
  }

  /**
   * Flag the access being handled (the newest event: the memory core traces an access just before
   * handing it to the device), e.g. EventFlag.Ignored for a write the device drops.
   */
  flagLast(flags: number): void {
    this.sink?.flagLast?.(flags);
  }

  /** Start an instant: everything traced until end() shares one timestamp. Always pair with end() in a finally. */
  begin(): void {
    this.sink?.beginInstant?.();
  }

  end(): void {
    this.sink?.endInstant?.();
  }
}

export { EventKind };
