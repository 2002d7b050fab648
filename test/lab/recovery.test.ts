import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultUserland } from '../../src/main/guest/userland';
import { Lab } from '../../src/main/lab/lab';
import { discardPreviousSession, findPreviousSession, recoverPreviousSession } from '../../src/main/lab/recovery';
import { testWorkers } from '../support/workers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.destroy();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Run a journaled lab in a child process, wait until it printed, let a second and a half pass, kill it. */
async function crashedLab(): Promise<{ dir: string; recorded: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'edu-lab-recovery-'));
  dirs.push(dir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/lab/crashed-lab-child.ts', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const recorded = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => resolve(Number(line.split(' ')[1])));
    void exited.then(() => reject(new Error(`the lab exited early: ${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGKILL');
  await exited;
  return { dir, recorded };
}

describe('recovering a session after a crash', () => {
  it('offers the killed lab\'s session, saves it as JSON Lines and replays it, with everything up to a second before the kill', async () => {
    const { dir, recorded } = await crashedLab();
    const previous = await findPreviousSession(dir);
    expect(previous, 'the journal a killed lab left behind').toBeDefined();
    const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, journalDir: dir });
    labs.push(lab);
    // The running lab's own journal is never offered.
    expect((await findPreviousSession(dir))?.path).toBe(previous!.path);
    const { info, savedAs } = await recoverPreviousSession(lab, previous!, dir);
    expect(existsSync(previous!.path)).toBe(false);
    expect(readFileSync(savedAs, 'utf8').split('\n', 1)[0]).toMatch(/^\{"format":"edu-lab-session"/);
    expect(info.events).toBeGreaterThanOrEqual(recorded);
    expect(lab.replay!.stateAt(info.to).console).toContain('before-the-crash');
    expect(await findPreviousSession(dir)).toBeUndefined();
  });

  it('removes its journal when it closes cleanly, and a discarded session is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edu-lab-recovery-'));
    dirs.push(dir);
    const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, journalDir: dir });
    expect(lab.journalPath && existsSync(lab.journalPath)).toBe(true);
    await lab.destroy();
    expect(readdirSync(dir)).toEqual([]);
    const crashed = await crashedLab();
    const previous = (await findPreviousSession(crashed.dir))!;
    await discardPreviousSession(previous);
    expect(await findPreviousSession(crashed.dir)).toBeUndefined();
  });
});
