import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { Machine } from '../../machine/machine';
import { builtWorkers } from '../workers';
import { mainWindowOptions } from './window';

const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererIndex = fileURLToPath(new URL('../renderer/index.html', import.meta.url));

/** Start the desktop app: one machine, one window. */
export async function startDesktopApp(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const machine = await Machine.create({ workers: builtWorkers });
  const window = new BrowserWindow(mainWindowOptions(preloadPath));
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  await window.loadFile(rendererIndex);

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void machine.destroy());
}
