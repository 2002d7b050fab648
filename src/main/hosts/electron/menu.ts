import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newSession(): void;
  openSession(): void;
  exportSession(): void;
  toggleTheme(): void;
  showShortcuts(): void;
  openSpecification(): void;
  about(): void;
}

export const EDU_SPEC_URL = 'https://www.qemu.org/docs/master/specs/edu.html';

/** The application menu: File, Edit (for copy and paste in the console), View, Help. */
export function menuTemplate(actions: MenuActions, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        { label: '&New Session', accelerator: 'CmdOrCtrl+N', click: () => actions.newSession() },
        { label: '&Open Session…', accelerator: 'CmdOrCtrl+O', click: () => actions.openSession() },
        { label: '&Export Session…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportSession() },
        { type: 'separator' },
        { role: mac ? 'close' : 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'resetZoom' },
        { type: 'separator' },
        { label: 'Toggle &Theme', accelerator: 'CmdOrCtrl+Shift+T', click: () => actions.toggleTheme() },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Help',
      submenu: [
        { label: '&Keyboard Shortcuts', accelerator: 'F1', click: () => actions.showShortcuts() },
        { label: 'edu Device &Specification (qemu.org)', click: () => actions.openSpecification() },
        { type: 'separator' },
        { label: '&About edu-lab', click: () => actions.about() },
      ],
    },
  ];
}
