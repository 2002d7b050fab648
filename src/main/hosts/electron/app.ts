import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, screen, session, shell } from 'electron';
import type { UiCommand } from '../../../common/api/stream';
import { defaultUserland } from '../../guest/userland';
import { Lab } from '../../lab/lab';
import { builtWorkers } from '../workers';
import { appFrameCheck, LabIpc } from './ipc';
import { EDU_SPEC_URL, menuTemplate } from './menu';
import { denyPermissions, hardenWebContents, isAllowedExternal } from './security';
import { mainWindowOptions } from './window';
import { loadWindowState, saveWindowState } from './window-state';

const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererIndex = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const appUrl = pathToFileURL(rendererIndex).href;

function createLab(): Promise<Lab> {
  return Lab.create({ workers: builtWorkers, guest: defaultUserland });
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
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        newSession: async () => {
          const old = lab;
          lab = await createLab();
          ipc.replaceLab(lab);
          await old.destroy();
        },
        openSession: async () => {
          const choice = await dialog.showOpenDialog(window, {
            title: 'Open a saved session',
            properties: ['openFile'],
            filters: [{ name: 'edu-lab session (JSON Lines)', extensions: ['jsonl'] }],
          });
          if (choice.canceled || !choice.filePaths[0]) return;
          // Replaying a saved session in the window comes with the session importer.
          dialog.showErrorBox('Open Session', `Replaying saved sessions is not available in this version (${choice.filePaths[0]}).`);
        },
        exportSession: async () => {
          const choice = await dialog.showSaveDialog(window, {
            title: 'Export the session',
            defaultPath: 'edu-lab-session.jsonl',
            filters: [{ name: 'edu-lab session (JSON Lines)', extensions: ['jsonl'] }],
          });
          if (choice.canceled || !choice.filePath) return;
          try {
            await lab.exportJsonl(choice.filePath);
          } catch (error) {
            dialog.showErrorBox('Export Session', `Could not write ${choice.filePath}: ${(error as Error).message}`);
          }
        },
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
  app.on('will-quit', () => {
    ipc.dispose();
    void lab.destroy();
  });
  await window.loadFile(rendererIndex);
}
