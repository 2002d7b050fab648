import { basename } from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { ExportFormat } from '../../../common/api/session';
import type { ExportTarget } from '../../lab/export-jobs';
import type { Lab } from '../../lab/lab';
import { discardPreviousSession, recoverPreviousSession, type RecoverableSession } from '../../lab/recovery';
import { openReplayFile } from '../../lab/service';

const FILTERS: Readonly<Record<ExportFormat, { name: string; extensions: string[] }>> = {
  jsonl: { name: 'edu-lab session (JSON Lines)', extensions: ['jsonl'] },
  vcd: { name: 'Value Change Dump for GTKWave', extensions: ['vcd'] },
  'vcd-pulseview': { name: 'Value Change Dump for PulseView (1-bit wires)', extensions: ['vcd'] },
  perfetto: { name: 'Chrome trace JSON for Perfetto', extensions: ['json'] },
  csv: { name: 'CSV (one row per event)', extensions: ['csv'] },
};

/** Exports asked for by the window go where the user says, in a native save dialog. */
export function saveDialogTarget(dialog: Pick<Dialog, 'showSaveDialog'>, window: () => BrowserWindow | undefined): ExportTarget {
  return {
    async destination(format, suggestedName) {
      const w = window();
      const options = { title: 'Export the session', defaultPath: suggestedName, filters: [FILTERS[format]] };
      const choice = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return null;
      return { path: choice.filePath, file: choice.filePath, download: null };
    },
  };
}

/** File > Open Session: a native open dialog, then the session replaces the live view (read-only). */
export async function openSessionWithDialog(lab: Lab, dialog: Pick<Dialog, 'showOpenDialog' | 'showErrorBox'>, window: BrowserWindow): Promise<void> {
  const choice = await dialog.showOpenDialog(window, {
    title: 'Open a saved session',
    properties: ['openFile'],
    filters: [FILTERS.jsonl],
  });
  const path = choice.filePaths[0];
  if (choice.canceled || !path) return;
  try {
    await openReplayFile(lab, path, basename(path));
  } catch (error) {
    dialog.showErrorBox('Open Session', (error as Error).message);
  }
}

/**
 * At start-up, when the previous run did not close cleanly: offer its session back. Recovering saves
 * it as JSON Lines in `saveDir` and shows it as a replay; declining deletes the journal.
 */
export async function offerRecovery(
  lab: Lab,
  previous: RecoverableSession,
  saveDir: string,
  dialog: Pick<Dialog, 'showMessageBox' | 'showErrorBox'>,
  window: BrowserWindow,
): Promise<'recovered' | 'discarded' | 'failed'> {
  const { response } = await dialog.showMessageBox(window, {
    type: 'question',
    title: 'Recover the previous session?',
    message: 'edu-lab did not close properly last time.',
    detail: `A session started ${previous.startedAt.toLocaleString()} was still being recorded (${Math.ceil(previous.bytes / 1024)} KiB). Recover it? It is saved as JSON Lines in ${saveDir} and opened as a replay.`,
    buttons: ['Recover', 'Discard'],
    defaultId: 0,
    cancelId: 0,
  });
  try {
    if (response === 1) {
      await discardPreviousSession(previous);
      return 'discarded';
    }
    await recoverPreviousSession(lab, previous, saveDir);
    return 'recovered';
  } catch (error) {
    dialog.showErrorBox('Recover Session', `The previous session could not be recovered: ${(error as Error).message}`);
    return 'failed';
  }
}
