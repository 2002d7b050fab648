import { LabError } from '../../common/api/lab-api';
import type { ExportFormat, ExportJob, ExportRequest } from '../../common/api/session';
import type { TraceEvent } from '../../common/trace/schema';
import { EXPORT_EXTENSIONS, exportSession, type SessionHeader } from '../session/export';

/** Where an export goes, decided by the host (a save dialog, a download folder). */
export interface ExportDestination {
  readonly path: string;
  /** What the user sees as the file. */
  readonly file: string;
  /** A download address (the web host), or null. */
  readonly download: string | null;
}

export interface ExportTarget {
  /** Ask where to save; null when the user cancelled. */
  destination(format: ExportFormat, suggestedName: string, jobId: number): Promise<ExportDestination | null>;
}

/** What an export reads: the session's header and events (the live recording or a replayed file). */
export interface ExportSource {
  header(): SessionHeader;
  events(): Iterable<TraceEvent>;
  /** Events in the range, for the progress bar. */
  count(from?: number, to?: number): number;
}

/** Finished jobs kept for the stream (the newest ones). */
const KEEP_FINISHED = 5;

/**
 * The lab's exports: each runs in the background, streaming to disk with progress, and can be
 * cancelled; listeners (the windows' streams) hear of every change, throttled by the stream itself.
 */
export class ExportJobs {
  private nextId = 1;
  private readonly jobs = new Map<number, { job: ExportJob; abort: AbortController }>();
  private readonly listeners = new Set<() => void>();
  private target: ExportTarget | undefined;

  constructor(private readonly source: () => ExportSource) {}

  /** The host says where files go; without one, exports are refused. */
  setTarget(target: ExportTarget | undefined): void {
    this.target = target;
  }

  list(): ExportJob[] {
    return [...this.jobs.values()].map((j) => j.job);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(request: ExportRequest): Promise<ExportJob> {
    const { format, from, to } = request;
    if (from !== undefined && to !== undefined && from > to) throw new LabError('bad-request', `the range ends (${to}) before it starts (${from})`);
    if (!this.target) throw new LabError('failed', 'this host cannot save files');
    const id = this.nextId++;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const destination = await this.target.destination(format, `edu-lab-session-${stamp}.${EXPORT_EXTENSIONS[format]}`, id);
    if (!destination) throw new LabError('failed', 'export cancelled: no file was chosen');
    const source = this.source();
    const abort = new AbortController();
    let job: ExportJob = {
      id,
      format,
      state: 'running',
      written: 0,
      total: source.count(from, to),
      file: destination.file,
      download: null,
      error: null,
    };
    const update = (change: Partial<ExportJob>) => {
      job = { ...job, ...change };
      this.jobs.set(id, { job, abort });
      for (const l of this.listeners) l();
    };
    update({});
    this.prune();
    exportSession(destination.path, format, source.header(), source.events(), { from, to, signal: abort.signal, onProgress: (written) => update({ written }) }).then(
      (written) => update({ state: 'done', written, download: destination.download }),
      (error: unknown) => (abort.signal.aborted ? update({ state: 'cancelled' }) : update({ state: 'failed', error: (error as Error).message })),
    );
    return job;
  }

  cancel(id: number): ExportJob {
    const entry = this.jobs.get(id);
    if (!entry) throw new LabError('bad-request', `no export ${id}`);
    if (entry.job.state === 'running') entry.abort.abort();
    return entry.job;
  }

  /** Stop every running export (the lab is going away). */
  cancelAll(): void {
    for (const { job, abort } of this.jobs.values()) if (job.state === 'running') abort.abort();
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.job.state !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(old.job.id);
  }
}
