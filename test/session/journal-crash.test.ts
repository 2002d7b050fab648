/**
 * Crash recovery for real: a child process records an interrupt storm into a journaled recorder and
 * prints its progress; the test SIGKILLs it (no exit handler runs, nothing is flushed) and recovers
 * the journal. Every event recorded more than a second before the kill must come back identical.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findRecoverableSession, recoverSession } from '../../src/main/session/journal';
import { EventDigest } from './digest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Progress {
  readonly from: number;
  readonly recorded: number;
  readonly vns: number;
  readonly digest: string;
  /** When the test read the line (performance.now()): the events were recorded before. */
  readonly at: number;
}

async function runAndKill(chunkSize: number, runMs: number): Promise<{ dir: string; journal: string; progress: Progress[]; killedAt: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'edu-lab-crash-'));
  dirs.push(dir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/session/journal-child.ts', dir, String(chunkSize)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const progress: Progress[] = [];
  let journal = '';
  let firstAt = 0;
  const lines = createInterface({ input: child.stdout });
  const enough = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      const at = performance.now();
      const value = JSON.parse(line) as Record<string, unknown>;
      if (typeof value.journal === 'string') journal = value.journal;
      else progress.push({ ...(value as unknown as Omit<Progress, 'at'>), at });
      if (progress.length === 1) firstAt = at;
      if (progress.length > 0 && at - firstAt >= runMs) resolve();
    });
    void exited.then(() => reject(new Error(`the child exited early: ${stderr}`)));
  });
  try {
    await enough;
  } finally {
    const killedAt = performance.now();
    child.kill('SIGKILL');
    await exited;
    lines.close();
    // eslint-disable-next-line no-unsafe-finally
    return { dir, journal, progress, killedAt };
  }
}

async function checkRecovery(chunkSize: number): Promise<void> {
  const run = await runAndKill(chunkSize, 3000);
  const found = await findRecoverableSession(run.dir);
  expect(found?.path).toBe(run.journal);
  const s = await recoverSession(found!.path);
  expect(s.closed).toBe(false);
  expect(s.header.app).toBe('edu-lab crash test');
  const safe = run.progress.filter((p) => p.at < run.killedAt - 1000);
  expect(safe.length).toBeGreaterThan(10);
  // Everything reported more than a second before the kill is there...
  expect(s.log.recorded).toBeGreaterThanOrEqual(safe.at(-1)!.recorded);
  // ...and identical, as is every later run of events that made it.
  const digest = new EventDigest();
  let checked = 0;
  for (const p of run.progress) {
    if (p.recorded > s.log.recorded) break;
    expect(digest.of(s.log.events(p.from), p.recorded), `events ${p.from}..${p.recorded - 1}`).toBe(p.digest);
    expect(s.log.get(p.recorded - 1)!.vns).toBe(p.vns);
    checked = p.recorded;
  }
  expect(checked).toBeGreaterThanOrEqual(safe.at(-1)!.recorded);
  const last = run.progress.at(-1)!;
  console.log(
    `chunkSize ${chunkSize}: ${last.recorded.toLocaleString('en-US')} events reported, ${s.log.recorded.toLocaleString('en-US')} recovered` +
      ` (${s.stopped ?? 'journal ended cleanly at a record boundary'})`,
  );
}

describe('crash recovery (SIGKILL)', () => {
  it('recovers every event recorded more than 1 s before the kill (default chunks: the head flush)', async () => {
    await checkRecovery(65_536);
  }, 60_000);

  it('recovers every event recorded more than 1 s before the kill (small chunks: seal writes)', async () => {
    await checkRecovery(2048);
  }, 60_000);
});
