import { describe, expect, it, vi } from 'vitest';

// The Electron modules under test take electron's objects as parameters; the package itself must
// never load for real (it would try to download its binary).
vi.mock('electron', () => ({}));

const { mainWindowOptions } = await import('../../../src/main/hosts/electron/window');
const { hardenWebContents, isAllowedExternal, isAppUrl, denyPermissions } = await import('../../../src/main/hosts/electron/security');
const { menuTemplate } = await import('../../../src/main/hosts/electron/menu');

describe('main window options (Electron security checklist)', () => {
  const prefs = mainWindowOptions('/app/out/preload/index.cjs').webPreferences!;

  it('isolates the renderer: context isolation, sandbox, no Node anywhere', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and every risky feature off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('loads the CommonJS preload', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('restores saved bounds', () => {
    expect(mainWindowOptions('p', { x: 10, y: 20, width: 900, height: 700 })).toMatchObject({ x: 10, y: 20, width: 900, height: 700 });
  });
});

describe('navigation and links', () => {
  const app = 'file:///opt/edu-lab/out/renderer/index.html';

  it('recognises the app page by parsed URL, not by prefix', () => {
    expect(isAppUrl('file:///opt/edu-lab/out/renderer/index.html#x', app)).toBe(true);
    expect(isAppUrl('file:///opt/edu-lab/out/renderer/index.html.evil', app)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://example.com/', app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/x', 'http://127.0.0.1:5173/')).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5174/', 'http://127.0.0.1:5173/')).toBe(false);
  });

  it('opens only allow-listed https links outside', () => {
    expect(isAllowedExternal('https://www.qemu.org/docs/master/specs/edu.html')).toBe(true);
    expect(isAllowedExternal('http://www.qemu.org/')).toBe(false);
    expect(isAllowedExternal('https://www.qemu.org.evil.com/')).toBe(false);
    expect(isAllowedExternal('https://user:pw@www.qemu.org/')).toBe(false);
    expect(isAllowedExternal('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
  });

  it('blocks navigation away, denies every new window, sends allowed links to the browser', () => {
    const handlers = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, h: (event: { preventDefault(): void }, url?: string) => void) => handlers.set(name, h),
      setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    };
    const opened: string[] = [];
    hardenWebContents(contents as never, app, (url) => opened.push(url));
    const prevented = (name: string, url: string) => {
      let p = false;
      handlers.get(name)!({ preventDefault: () => (p = true) }, url);
      return p;
    };
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-navigate', app)).toBe(false);
    expect(prevented('will-redirect', 'https://example.com/')).toBe(true);
    expect(prevented('will-attach-webview', '')).toBe(true);
    expect(openHandler!({ url: 'https://www.qemu.org/' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://www.qemu.org/']);
  });

  it('refuses every permission request', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    denyPermissions({ setPermissionRequestHandler: (h: typeof request) => (request = h), setPermissionCheckHandler: (h: typeof check) => (check = h) } as never);
    const answers: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read']) request!(null, p, (ok) => answers.push(ok));
    expect(answers).toEqual([false, false, false, false]);
    expect(check!()).toBe(false);
  });
});

describe('application menu', () => {
  it('has File (new, open, export, quit), View (zoom, theme) and Help (shortcuts, specification, about)', () => {
    const calls: string[] = [];
    const actions = new Proxy({}, { get: (_t, name: string) => () => calls.push(name) }) as never;
    const menu = menuTemplate(actions, 'linux');
    const labels = (i: number) => (menu[i]!.submenu as { label?: string; role?: string }[]).map((m) => m.label ?? m.role ?? '-');
    expect(menu.map((m) => m.label ?? m.role)).toEqual(['&File', 'editMenu', '&View', '&Help']);
    expect(labels(0)).toEqual(['&New Session', '&Open Session…', '&Export Session…', '-', 'quit']);
    expect(labels(2)).toEqual(['zoomIn', 'zoomOut', 'resetZoom', '-', 'Toggle &Theme', '-', 'togglefullscreen']);
    expect(labels(3)).toEqual(['&Keyboard Shortcuts', 'edu Device &Specification (qemu.org)', '-', '&About edu-lab']);
    for (const section of [0, 2, 3]) {
      for (const item of menu[section]!.submenu as { click?: () => void }[]) item.click?.();
    }
    expect(calls).toEqual(['newSession', 'openSession', 'exportSession', 'toggleTheme', 'showShortcuts', 'openSpecification', 'about']);
  });
});
