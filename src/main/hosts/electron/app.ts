import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, screen, session, shell } from 'electron';
import type { UiCommand } from '../../../common/api/stream';
import { defaultUserland } from '../../guest/userland';
import { Lab } from '../../lab/lab';
import { findPreviousSession } from '../../lab/recovery';
import { builtWorkers } from '../workers';
import { appFrameCheck, LabIpc } from './ipc';
import { EDU_SPEC_URL, menuTemplate } from './menu';
import { denyPermissions, hardenWebContents, isAllowedExternal } from './security';
import { mainWindowOptions } from './window';
import { offerRecovery, openSessionWithDialog, saveDialogTarget } from './sessions';
import { loadWindowState, saveWindowState } from './window-state';

const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererIndex = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const appUrl = pathToFileURL(rendererIndex).href;

/** Journals of running sessions (crash safety) and the sessions recovered from them. */
const sessionsDir = (): string => join(app.getPath('userData'), 'sessions');

function createLab(): Promise<Lab> {
  return Lab.create({ workers: builtWorkers, guest: defaultUserland, journalDir: sessionsDir() });
}

function openExternal(url: string): void {
  if (isAllowedExternal(url)) void shell.openExternal(url);
}

/** The desktop app: one lab, one window, the LabApi over IPC. */
export async function startDesktopApp(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  denyPermissions(session.defaultSession);

  await mkdir(sessionsDir(), { recursive: true });
  // Looked for before this run's own journal exists.
  const previous = await findPreviousSession(sessionsDir());
  let lab = await createLab();
  const ipc = new LabIpc(lab, ipcMain, () => new MessageChannelMain(), appFrameCheck(appUrl, () => BrowserWindow.getAllWindows().map((w) => w.webContents.mainFrame)));
  ipc.register();

  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const saved = loadWindowState(stateFile, screen.getAllDisplays().map((d) => d.workArea));
  const window = new BrowserWindow(mainWindowOptions(preloadPath, saved.bounds));
  if (saved.maximized) window.maximize();
  const contentsId = window.webContents.id;
  hardenWebContents(window.webContents, appUrl, openExternal);
  window.once('ready-to-show', () => window.show());
  window.on('close', () => saveWindowState(stateFile, { bounds: window.getNormalBounds(), maximized: window.isMaximized() }));
  window.on('closed', () => ipc.closeWindow(contentsId));

  const ui = (command: UiCommand) => ipc.sendUi(contentsId, command);
  const exportTarget = saveDialogTarget(dialog, () => (window.isDestroyed() ? undefined : window));
  lab.exports.setTarget(exportTarget);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        newSession: async () => {
          const old = lab;
          lab = await createLab();
          lab.exports.setTarget(exportTarget);
          ipc.replaceLab(lab);
          await old.destroy();
        },
        openSession: () => openSessionWithDialog(lab, dialog, window),
        // The window asks for the format and range, then calls sessionExport (a save dialog follows).
        exportSession: () => ui('export-session'),
        toggleTheme: () => ui('toggle-theme'),
        showShortcuts: () => ui('show-shortcuts'),
        openSpecification: () => openExternal(EDU_SPEC_URL),
        about: () =>
          void dialog.showMessageBox(window, {
            type: 'info',
            title: 'About edu-lab',
            message: `edu-lab ${app.getVersion()}`,
            detail: "A virtual-hardware lab around QEMU's educational PCI device.",
          }),
      }),
    ),
  );

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  // Quit only once the lab is down: its journal is closed (and removed), so the next start does not
  // take a clean exit for a crash.
  let quitting = false;
  app.on('will-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    ipc.dispose();
    void lab.destroy().finally(() => app.exit(0));
  });
  await window.loadFile(rendererIndex);
  if (previous) await offerRecovery(lab, previous, sessionsDir(), dialog, window);
}
