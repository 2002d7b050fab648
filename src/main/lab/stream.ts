import type { DeviceLogEntry } from '../../common/api/lab-api';
import { STREAM_EVENTS_IN_FLIGHT, STREAM_MAX_RATE, type StreamMessage, type UiCommand } from '../../common/api/stream';
import type { Lab } from './lab';
import { clockState, encodeBase64, configBytes, driverStatus, eduRegisters, rawEvents, machineStatus, snapshot } from './state';

export interface StreamOptions {
  /** Milliseconds between messages at most (default: one display frame at STREAM_MAX_RATE). */
  readonly intervalMs?: number;
  /** Events per message at most; the rest follow in the next messages. */
  readonly maxEventsPerMessage?: number;
  /** Events per message at most while the console is in use, to a window that acknowledges (see INTERACTIVE_MAX_EVENTS). */
  readonly interactiveMaxEvents?: number;
  /** The transport is backed up (a slow window): events wait, small changes still go. */
  readonly congested?: () => boolean;
}

const DEFAULT_MAX_EVENTS = 65_536;
/**
 * While the console is in use, a window that acknowledges gets smaller batches. It is sent at most
 * STREAM_EVENTS_IN_FLIGHT event messages beyond what it took in, and the console output it is waiting
 * for comes behind those on the way (the transport delivers in order, and reading a message takes the
 * window's main thread time): 8,192 events a message (256 KiB) keep an echo within a frame or two of
 * the guest's output during an interrupt storm, and still carry ~490,000 events a second, more than a
 * window ingests during one. Otherwise (nobody typing: a backlog to catch up with) full batches go.
 */
const INTERACTIVE_MAX_EVENTS = 8_192;
/** Console output this recent (ms) means the console is in use. */
const CONSOLE_ACTIVE_MS = 2000;

/**
 * One window's event stream: a snapshot first, then at most one message per frame with whatever
 * changed (console output, recorded events, registers, config space, clock, machine, driver, DMA
 * buffer, device log). Never one message per device event: an interrupt storm is a few batches a frame.
 */
export class LabStream {
  private seq = 0;
  private nextEvent = 0;
  private consoleText = '';
  private readonly decoder = new TextDecoder();
  private logEntries: DeviceLogEntry[] = [];
  private uiCommands: UiCommand[] = [];
  private last = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly maxEvents: number;
  private readonly interactiveMaxEvents: number;
  /** When the guest last wrote to the console (performance.now()). */
  private consoleAt = -Infinity;
  /** Seqs of sent messages with events the window has not acknowledged, oldest first. */
  private readonly unacked: number[] = [];
  /** The window acknowledges (so it gets flow control); windows that never do are sent events freely. */
  private acknowledging = false;
  private exportsChanged = false;
  private restart = false;

  constructor(
    private readonly lab: Lab,
    private readonly send: (message: StreamMessage) => void,
    private readonly options: StreamOptions = {},
  ) {
    this.maxEvents = options.maxEventsPerMessage ?? DEFAULT_MAX_EVENTS;
    this.interactiveMaxEvents = Math.min(this.maxEvents, options.interactiveMaxEvents ?? INTERACTIVE_MAX_EVENTS);
  }

  /** Send the snapshot and start following the lab. */
  start(): void {
    this.sendSnapshot();
    this.unsubscribe.push(
      this.lab.guest.console.onOutput((bytes) => {
        this.consoleText += this.decoder.decode(bytes, { stream: true });
        this.consoleAt = performance.now();
      }),
      this.lab.machine.log.onLine((l) => this.logEntries.push({ channel: l.channel, text: l.text, vns: l.vns })),
      this.lab.exports.onChange(() => (this.exportsChanged = true)),
      // A replay opened or closed: the window starts over from a snapshot of what it now shows.
      this.lab.onReplayChange(() => (this.restart = true)),
    );
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? Math.ceil(1000 / STREAM_MAX_RATE));
  }

  private sendSnapshot(): void {
    const snap = snapshot(this.lab);
    this.restart = false;
    this.exportsChanged = false;
    this.consoleText = '';
    this.logEntries = [];
    this.unacked.length = 0;
    this.nextEvent = snap.eventsRecorded;
    this.remember('registers', snap.registers);
    this.remember('config', snap.config);
    this.remember('clock', snap.clock);
    this.remember('machine', snap.machine);
    this.remember('driver', snap.driver);
    this.remember('dmaBuffer', snap.dmaBuffer);
    this.emit({ seq: this.seq++, snapshot: snap });
  }

  /** A command for the window (from the app menu), delivered with the next message. */
  pushUi(command: UiCommand): void {
    this.uiCommands.push(command);
  }

  /** The window has taken in the events of message `seq` (and of every earlier one). */
  acknowledge(seq: number): void {
    if (!Number.isSafeInteger(seq)) return;
    this.acknowledging = true;
    while (this.unacked.length > 0 && this.unacked[0]! <= seq) this.unacked.shift();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Build and send the next message, if anything changed. Public for tests that drive time themselves. */
  tick(): void {
    const lab = this.lab;
    if (this.restart) return this.sendSnapshot();
    const message: { -readonly [K in keyof StreamMessage]: StreamMessage[K] } = { seq: this.seq };
    let changed = false;
    const put = <K extends keyof StreamMessage>(key: K, value: StreamMessage[K]) => {
      message[key] = value;
      changed = true;
    };

    if (lab.replay) {
      // The live machine, paused behind a replay, is not shown; the replay changes nothing after its snapshot.
      this.consoleText = '';
      this.logEntries = [];
    }
    if (this.consoleText) {
      put('console', this.consoleText);
      this.consoleText = '';
    }
    if (this.logEntries.length) {
      put('deviceLog', this.logEntries);
      this.logEntries = [];
    }
    if (this.uiCommands.length) {
      put('ui', this.uiCommands);
      this.uiCommands = [];
    }
    if (this.exportsChanged) {
      put('exports', lab.exports.list());
      this.exportsChanged = false;
    }
    if (lab.replay) {
      if (changed) this.emit({ ...message, seq: this.seq++ });
      return;
    }
    const windowFull = this.acknowledging && this.unacked.length >= STREAM_EVENTS_IN_FLIGHT;
    if (!windowFull && !this.options.congested?.()) this.takeEvents(put);
    this.putIfChanged('registers', eduRegisters(lab), put);
    this.putIfChanged('config', configBytes(lab), put);
    this.putIfChanged('clock', clockState(lab), put);
    this.putIfChanged('machine', machineStatus(lab), put);
    this.putIfChanged('driver', driverStatus(lab), put);
    this.putIfChanged('dmaBuffer', encodeBase64(lab.machine.edu.dmaBufferContents()), put);

    if (!changed) return;
    this.seq++;
    if (message.events) this.unacked.push(message.seq);
    this.emit(message);
  }

  private takeEvents(put: <K extends keyof StreamMessage>(key: K, value: StreamMessage[K]) => void): void {
    const recorder = this.lab.events();
    if (recorder.firstSeq > this.nextEvent) {
      // The recorder let these go before this window got them: say so, the window can resynchronise.
      put('gap', { from: this.nextEvent, to: recorder.firstSeq });
      this.nextEvent = recorder.firstSeq;
    }
    const interactive = this.acknowledging && performance.now() - this.consoleAt < CONSOLE_ACTIVE_MS;
    const end = Math.min(recorder.recorded, this.nextEvent + (interactive ? this.interactiveMaxEvents : this.maxEvents));
    if (end <= this.nextEvent) return;
    const batch = rawEvents(this.lab, this.nextEvent, end);
    put('events', batch);
    this.nextEvent = batch.fromSeq + batch.count;
  }

  private putIfChanged<K extends keyof StreamMessage>(key: K, value: StreamMessage[K], put: (key: K, value: StreamMessage[K]) => void): void {
    const text = JSON.stringify(value);
    if (this.last.get(key) === text) return;
    this.last.set(key, text);
    put(key, value);
  }

  private remember(key: string, value: unknown): void {
    this.last.set(key, JSON.stringify(value));
  }

  private emit(message: StreamMessage): void {
    try {
      this.send(message);
    } catch {
      // The window went away mid-send: its host closes the stream.
    }
  }
}
