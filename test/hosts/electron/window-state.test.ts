import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, saveWindowState } from '../../../src/main/hosts/electron/window-state';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window size and position are remembered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edu-lab-ws-'));

  it('saves and restores bounds and maximized state', () => {
    const file = join(dir, 'a.json');
    saveWindowState(file, { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true });
    expect(loadWindowState(file, screen)).toEqual({ bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true });
  });

  it('forgets bounds that would be off every display today', () => {
    const file = join(dir, 'b.json');
    saveWindowState(file, { bounds: { x: 5000, y: 50, width: 1000, height: 700 }, maximized: false });
    expect(loadWindowState(file, screen).bounds).toBeNull();
  });

  it('survives a missing or broken file', () => {
    expect(loadWindowState(join(dir, 'none.json'), screen)).toEqual({ bounds: null, maximized: false });
    const file = join(dir, 'c.json');
    writeFileSync(file, '{"bounds": {"x": "a"}');
    expect(loadWindowState(file, screen)).toEqual({ bounds: null, maximized: false });
    writeFileSync(file, JSON.stringify({ bounds: { x: 0, y: 0, width: 10, height: 10 } }));
    expect(loadWindowState(file, screen).bounds, 'too small to be a real window').toBeNull();
  });
});
