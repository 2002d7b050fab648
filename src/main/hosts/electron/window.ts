import type { BrowserWindowConstructorOptions } from 'electron';
import type { Rect } from './window-state';

/**
 * The main window's options: Electron's security checklist as data, so a test can hold it to the list.
 * Node stays out of every renderer context; only the preload's bridge crosses.
 */
export function mainWindowOptions(preloadPath: string, bounds: Rect | null = null): BrowserWindowConstructorOptions {
  return {
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 800,
    ...(bounds ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'edu-lab',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}
