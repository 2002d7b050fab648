import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LAB_METHOD_NAMES } from '../../../src/common/api/lab-api';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

/**
 * The built desktop entry (out/main/index.js) loaded under plain Node with a stub in place of the
 * `electron` package: it must create its one window with the checklist's options and register every
 * LabApi handler. (The real Electron binary cannot be downloaded here.)
 */
describe('the built Electron main bundle', () => {
  it('creates the window and registers a handler for every LabApi method', async () => {
    if (!existsSync(`${root}out/main/index.js`)) throw new Error('out/main/index.js is missing: run `npm run build` first (npm test does)');
    const { stdout } = await run(process.execPath, ['--import', './test/hosts/electron/stub/register.mjs', 'out/main/index.js'], { cwd: root, timeout: 30_000 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(report.singleInstanceLock).toBe(true);
    expect(report.windows).toHaveLength(1);
    expect(report.windows[0].preloadExists, 'the preload path points at out/preload/index.cjs').toBe(true);
    expect(report.windows[0].options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(report.loaded.exists, 'the renderer page exists').toBe(true);
    expect(report.handles.sort()).toEqual(LAB_METHOD_NAMES.map((m) => `lab:call:${m}`).sort());
    expect(report.listeners).toEqual(['lab:stream-open']);
    expect(report.menu).toEqual(['&File', 'editMenu', '&View', '&Help']);
    expect(report.permissionHandler).toBe(true);
    expect(report.hardening).toEqual(expect.arrayContaining(['on:will-navigate', 'on:will-redirect', 'setWindowOpenHandler']));
  });
});
