import { SerialConsole } from '../guest/console';
import { Guest, type GuestOptions } from '../guest/guest';
import type { WorkerFactory } from '../machine/device-host';
import type { EduProfileName } from '../machine/devices/edu/edu-profiles';
import { EDU_SLOT, Machine } from '../machine/machine';
import type { TraceEvent } from '../../common/trace/schema';
import { SESSION_FORMAT, SESSION_FORMAT_VERSION, writeJsonl, type SessionHeader, type WriteOptions } from '../session/export/jsonl';
import type { ImportedSession } from '../session/import';
import { SessionJournal } from '../session/journal';
import { clockTimeSource, Recorder } from '../session/recorder';
import type { ChunkedLog } from '../session/recorder/chunked-log';
import { ConsoleTranscript } from './console-transcript';
import { ExportJobs, type ExportSource } from './export-jobs';
import { Replay, type RecordedConfig } from './replay';
import { SessionUploads } from './uploads';

export const APP_VERSION = '0.1.0';

export interface LabOptions {
  /** Device-thread workers (the built ones in the app, from source in tests). */
  readonly workers: Readonly<Record<string, WorkerFactory>>;
  /** The guest's userland and modules. */
  readonly guest: Omit<GuestOptions, 'interactive' | 'console'>;
  readonly profile?: EduProfileName;
  readonly deterministic?: boolean;
  readonly ramSize?: number;
  /** Run the shell on the serial console (the desktop app and `edu-lab shell`). */
  readonly interactive?: boolean;
  /**
   * Keep a journal of the session in this folder as it runs (the desktop app: userData/sessions), so a
   * crash loses at most the last second; a clean destroy() removes it.
   */
  readonly journalDir?: string;
}

/**
 * One lab: the machine, the guest running on it, and the session recording everything. The hosts
 * (desktop app, web server, command line) talk to this object only. It can show a recorded session
 * instead of the live one (a replay, read-only); the machine waits, paused, until the replay closes.
 */
export class Lab {
  readonly exports = new ExportJobs(() => this.exportSource());
  readonly uploads = new SessionUploads();
  private replaying: Replay | undefined;
  private resumeAfterReplay = false;
  private readonly replayListeners = new Set<() => void>();
  private journal: SessionJournal | undefined;

  private constructor(
    readonly machine: Machine,
    readonly recorder: Recorder,
    readonly guest: Guest,
    /** The console's output since boot (bounded), for windows that attach later. */
    readonly transcript: ConsoleTranscript,
    /** Config space of 00:04.0 at power-on and its write mask: what a replay starts from. */
    private readonly powerOnConfig: RecordedConfig,
  ) {}

  static async create(options: LabOptions): Promise<Lab> {
    // Created paused so the recorder sees everything from the first instruction on.
    const machine = await Machine.create({
      workers: options.workers,
      profile: options.profile,
      deterministic: options.deterministic,
      ramSize: options.ramSize,
      paused: true,
    });
    try {
      const recorder = new Recorder(clockTimeSource(machine.clock));
      machine.trace.attach(recorder);
      const edu = machine.pci.device(EDU_SLOT)!.config;
      const powerOnConfig = { initial: [...edu.bytes], writable: [...edu.wmask] };
      const console = new SerialConsole(machine.platform.trace);
      const transcript = new ConsoleTranscript(console);
      machine.resume();
      const guest = await Guest.start(machine.platform, { ...options.guest, console, interactive: options.interactive ?? true });
      const lab = new Lab(machine, recorder, guest, transcript, powerOnConfig);
      if (options.journalDir) {
        lab.journal = await SessionJournal.open(options.journalDir, recorder, lab.sessionHeader(), {
          // The session goes on in memory; only crash safety is lost, which the user should know.
          onError: (error) => void process.stderr.write(`edu-lab: the session journal stopped: ${error.message}\n`),
        });
      }
      return lab;
    } catch (error) {
      await machine.destroy();
      throw error;
    }
  }

  /** What a saved session says about where it was recorded. */
  sessionHeader(): SessionHeader {
    const edu = this.machine.edu.snapshot();
    return {
      format: SESSION_FORMAT,
      version: SESSION_FORMAT_VERSION,
      app: `edu-lab ${APP_VERSION}`,
      createdAt: new Date().toISOString(),
      profile: edu.profile,
      machine: {
        ramSize: this.machine.ram.size,
        dmaMask: '0x' + edu.dmaMask.toString(16),
        deterministic: this.machine.clock.deterministic,
        speed: this.machine.clock.speed,
      },
      firstSeq: this.recorder.firstSeq,
      config: this.powerOnConfig,
    };
  }

  /** The replayed session, while one is shown. */
  get replay(): Replay | undefined {
    return this.replaying;
  }

  /** Show a recorded session instead of the live lab; the machine pauses until closeReplay(). */
  openReplay(session: ImportedSession, name: string): Replay {
    if (!this.replaying) {
      this.resumeAfterReplay = this.machine.state === 'running';
      this.machine.pause();
    }
    this.replaying = new Replay(session, name);
    for (const l of this.replayListeners) l();
    return this.replaying;
  }

  closeReplay(): void {
    if (!this.replaying) return;
    this.replaying = undefined;
    if (this.resumeAfterReplay && this.machine.state === 'paused') this.machine.resume();
    for (const l of this.replayListeners) l();
  }

  onReplayChange(listener: () => void): () => void {
    this.replayListeners.add(listener);
    return () => this.replayListeners.delete(listener);
  }

  /** The events windows read and exports write: the replayed file's, or the live recording's. */
  events(): ChunkedLog {
    return this.replaying?.log ?? this.recorder;
  }

  private exportSource(): ExportSource {
    const replay = this.replaying;
    const header = replay ? replay.session.header : this.sessionHeader();
    const log = replay?.log;
    const recorder = this.recorder;
    return {
      header: () => header,
      events: (): Iterable<TraceEvent> => (log ? log.events() : recorder.events()),
      count: (from, to) => {
        const source = log ?? recorder;
        const first = from === undefined ? source.firstSeq : source.seqAtTime(from);
        const end = to === undefined ? source.recorded : source.seqAtTime(to + 1);
        return Math.max(0, end - first);
      },
    };
  }

  /** Save the recorded events as JSON Lines. */
  exportJsonl(path: string, options?: WriteOptions): Promise<number> {
    return writeJsonl(path, this.sessionHeader(), this.recorder.events(), options);
  }

  /** The journal file of this session, while one is kept. */
  get journalPath(): string | undefined {
    return this.journal?.path;
  }

  async destroy(): Promise<void> {
    await this.journal?.close();
    this.exports.cancelAll();
    await this.uploads.dispose();
    this.transcript.dispose();
    await this.guest.stop();
    await this.machine.destroy();
  }
}
