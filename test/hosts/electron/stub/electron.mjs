// A stand-in for the `electron` package, for loading the built main bundle under plain Node. It records
// what the app asks of Electron and prints it as JSON once the window has loaded its page.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const report = { singleInstanceLock: false, windows: [], handles: [], listeners: [], menu: null, permissionHandler: false, hardening: [] };
const userData = mkdtempSync(join(tmpdir(), 'edu-lab-electron-stub-'));
const noop = () => {};

function finish() {
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(0);
}

export const app = {
  requestSingleInstanceLock: () => (report.singleInstanceLock = true),
  whenReady: () => Promise.resolve(),
  getPath: () => userData,
  getVersion: () => '0.0.0-stub',
  on: noop,
  quit: noop,
};

let nextId = 1;
export class BrowserWindow {
  static windows = [];
  static getAllWindows = () => BrowserWindow.windows;
  constructor(options) {
    report.windows.push({ options, preloadExists: existsSync(options.webPreferences.preload) });
    const mainFrame = { url: '' };
    this.webContents = {
      id: nextId++,
      mainFrame,
      on: (name) => report.hardening.push(`on:${name}`),
      setWindowOpenHandler: () => report.hardening.push('setWindowOpenHandler'),
      postMessage: noop,
    };
    BrowserWindow.windows.push(this);
  }
  once = noop;
  on = noop;
  maximize = noop;
  async loadFile(file) {
    report.loaded = { file, exists: existsSync(file) };
    setTimeout(finish, 50);
  }
}

export const ipcMain = {
  handle: (channel) => report.handles.push(channel),
  on: (channel) => report.listeners.push(channel),
  removeHandler: noop,
  removeAllListeners: noop,
};

export const Menu = {
  buildFromTemplate: (template) => template,
  setApplicationMenu: (menu) => (report.menu = menu.map((m) => m.label ?? m.role)),
};

export class MessageChannelMain {
  port1 = { postMessage: noop, start: noop, close: noop };
  port2 = {};
}

export const session = {
  defaultSession: {
    setPermissionRequestHandler: () => (report.permissionHandler = true),
    setPermissionCheckHandler: noop,
  },
};
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const dialog = { showMessageBox: async () => ({ response: 0 }) };
export const shell = { openExternal: async () => {} };
export const contextBridge = { exposeInMainWorld: noop };
export const ipcRenderer = { on: noop, send: noop, invoke: async () => undefined };
export default { app, BrowserWindow, ipcMain, Menu, MessageChannelMain, session, screen, dialog, shell };
