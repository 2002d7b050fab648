import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  readonly bounds: Rect | null;
  readonly maximized: boolean;
}

const DEFAULT: WindowState = { bounds: null, maximized: false };
const MIN_VISIBLE = 100;

function isRect(v: unknown): v is Rect {
  const r = v as Rect;
  return !!r && ['x', 'y', 'width', 'height'].every((k) => Number.isFinite(r[k as keyof Rect])) && r.width >= 200 && r.height >= 150;
}

/** Whether enough of `r` lies on one of the displays for the user to grab it. */
function onScreen(r: Rect, displays: readonly Rect[]): boolean {
  return displays.some((d) => {
    const w = Math.min(r.x + r.width, d.x + d.width) - Math.max(r.x, d.x);
    const h = Math.min(r.y + r.height, d.y + d.height) - Math.max(r.y, d.y);
    return w >= MIN_VISIBLE && h >= MIN_VISIBLE;
  });
}

/** The saved window bounds, if the file is sound and the window would be visible on today's displays. */
export function loadWindowState(file: string, displays: readonly Rect[]): WindowState {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { bounds?: unknown; maximized?: unknown };
    const bounds = isRect(saved.bounds) && onScreen(saved.bounds, displays) ? saved.bounds : null;
    return { bounds, maximized: saved.maximized === true };
  } catch {
    return DEFAULT;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(state));
  } catch {
    // Not being able to remember the window's size is not worth bothering the user about.
  }
}
