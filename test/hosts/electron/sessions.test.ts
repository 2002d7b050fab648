import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { defaultUserland } from '../../../src/main/guest/userland';
import { Lab } from '../../../src/main/lab/lab';
import { testWorkers } from '../../support/workers';

vi.mock('electron', () => ({}));
const recovery = vi.hoisted(() => ({ recover: vi.fn(), discard: vi.fn() }));
vi.mock('../../../src/main/lab/recovery', () => ({ recoverPreviousSession: recovery.recover, discardPreviousSession: recovery.discard }));
const { offerRecovery, openSessionWithDialog, saveDialogTarget } = await import('../../../src/main/hosts/electron/sessions');

const dir = mkdtempSync(join(tmpdir(), 'edu-lab-electron-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.destroy();
});

describe('sessions in the desktop app (electron mocked)', () => {
  it('asks where to save with the format filter, and treats Cancel as no file', async () => {
    const window = { id: 1 } as never;
    const showSaveDialog = vi.fn().mockResolvedValueOnce({ canceled: false, filePath: '/home/me/s.vcd' }).mockResolvedValueOnce({ canceled: true, filePath: '' });
    const target = saveDialogTarget({ showSaveDialog } as never, () => window);
    expect(await target.destination('vcd-pulseview', 'edu-lab-session.vcd', 1)).toEqual({ path: '/home/me/s.vcd', file: '/home/me/s.vcd', download: null });
    expect(showSaveDialog).toHaveBeenCalledWith(window, expect.objectContaining({ defaultPath: 'edu-lab-session.vcd', filters: [{ name: expect.stringMatching(/PulseView/), extensions: ['vcd'] }] }));
    expect(await target.destination('csv', 'x.csv', 2)).toBeNull();
  });

  it('opens a chosen session as a replay, and shows an error box for a broken one', async () => {
    const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, deterministic: true });
    labs.push(lab);
    const good = join(dir, 'good.jsonl');
    await lab.exportJsonl(good);
    const showErrorBox = vi.fn();
    const dialog = (path: string) => ({ showOpenDialog: vi.fn().mockResolvedValue({ canceled: false, filePaths: [path] }), showErrorBox });
    await openSessionWithDialog(lab, dialog(join(dir, 'missing.jsonl')) as never, {} as never);
    expect(showErrorBox).toHaveBeenCalledWith('Open Session', expect.stringMatching(/^missing\.jsonl: .*ENOENT/));
    expect(lab.replay).toBeUndefined();
    await openSessionWithDialog(lab, dialog(good) as never, {} as never);
    expect(lab.replay?.info.name).toBe('good.jsonl');
    await openSessionWithDialog(lab, { showOpenDialog: vi.fn().mockResolvedValue({ canceled: true, filePaths: [] }), showErrorBox } as never, {} as never);
    expect(showErrorBox).toHaveBeenCalledTimes(1);
  });

  it('offers the previous session at start-up: Recover saves and replays it, Discard deletes it, a failure says so', async () => {
    const previous = { path: '/x/1.edujournal', startedAt: new Date('2026-11-27T10:00:00Z'), bytes: 4096 } as never;
    const lab = {} as never;
    const window = {} as never;
    const showErrorBox = vi.fn();
    const answer = (response: number) => ({ showMessageBox: vi.fn().mockResolvedValue({ response }), showErrorBox });
    const recover = answer(0);
    expect(await offerRecovery(lab, previous, '/x', recover as never, window)).toBe('recovered');
    expect(recover.showMessageBox).toHaveBeenCalledWith(window, expect.objectContaining({ buttons: ['Recover', 'Discard'], message: 'edu-lab did not close properly last time.' }));
    expect(recovery.recover).toHaveBeenCalledWith(lab, previous, '/x');
    expect(await offerRecovery(lab, previous, '/x', answer(1) as never, window)).toBe('discarded');
    expect(recovery.discard).toHaveBeenCalledWith(previous);
    recovery.recover.mockRejectedValueOnce(new Error('cut short at byte 12'));
    expect(await offerRecovery(lab, previous, '/x', answer(0) as never, window)).toBe('failed');
    expect(showErrorBox).toHaveBeenCalledWith('Recover Session', 'The previous session could not be recovered: cut short at byte 12');
  });
});
