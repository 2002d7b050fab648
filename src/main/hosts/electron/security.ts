import type { Session, WebContents } from 'electron';

/** Sites the app's links may open in the user's browser: the projects the lessons refer to. */
export const EXTERNAL_ALLOW_LIST: readonly string[] = [
  'www.qemu.org',
  'qemu.org',
  'gitlab.com',
  'github.com',
  'docs.kernel.org',
  'www.kernel.org',
  'www.electronjs.org',
];

/** Only https, and only the allow-listed hosts (parsed, never by string prefix). */
export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_ALLOW_LIST.includes(u.hostname) && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Whether `url` is the app's own page (same file, or same origin for a dev server). */
export function isAppUrl(url: string, appUrl: string): boolean {
  try {
    const u = new URL(url);
    const app = new URL(appUrl);
    if (app.protocol === 'file:') return u.protocol === 'file:' && u.pathname === app.pathname;
    return u.origin === app.origin;
  } catch {
    return false;
  }
}

/**
 * Lock a window's contents to the app: no navigation away, no new windows (allow-listed links go to
 * the system browser instead), no <webview>.
 */
export function hardenWebContents(contents: WebContents, appUrl: string, openExternal: (url: string) => void): void {
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The lab needs no camera, microphone, geolocation, notifications…: every request is refused. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
