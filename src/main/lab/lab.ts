import { SerialConsole } from '../guest/console';
import { Guest, type GuestOptions } from '../guest/guest';
import type { WorkerFactory } from '../machine/device-host';
import type { EduProfileName } from '../machine/devices/edu/edu-profiles';
import { Machine } from '../machine/machine';
import { SESSION_FORMAT, SESSION_FORMAT_VERSION, writeJsonl, type SessionHeader, type WriteOptions } from '../session/export/jsonl';
import { clockTimeSource, Recorder } from '../session/recorder';
import { ConsoleTranscript } from './console-transcript';

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
}

/**
 * One lab: the machine, the guest running on it, and the session recording everything. The hosts
 * (desktop app, web server, command line) talk to this object only.
 */
export class Lab {
  private constructor(
    readonly machine: Machine,
    readonly recorder: Recorder,
    readonly guest: Guest,
    /** The console's output since boot (bounded), for windows that attach later. */
    readonly transcript: ConsoleTranscript,
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
      const console = new SerialConsole(machine.platform.trace);
      const transcript = new ConsoleTranscript(console);
      machine.resume();
      const guest = await Guest.start(machine.platform, { ...options.guest, console, interactive: options.interactive ?? true });
      return new Lab(machine, recorder, guest, transcript);
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
    };
  }

  /** Save the recorded events as JSON Lines. */
  exportJsonl(path: string, options?: WriteOptions): Promise<number> {
    return writeJsonl(path, this.sessionHeader(), this.recorder.events(), options);
  }

  async destroy(): Promise<void> {
    this.transcript.dispose();
    await this.guest.stop();
    await this.machine.destroy();
  }
}
