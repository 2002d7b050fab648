/**
 * The DOM side of drawing: sizing a canvas for the device pixel ratio, and the check that a real
 * CanvasRenderingContext2D is what drawTimeline() takes. The only file here that uses DOM types.
 */
import type { TimelineContext2D } from './draw';

/**
 * Gives the canvas a backing store of cssWidth × dpr by cssHeight × dpr device pixels, shown at
 * cssWidth × cssHeight CSS px, and returns its 2D context (null if the browser has none).
 * Call it when the element's size or the ratio (window.devicePixelRatio) changes.
 */
export function sizeCanvas(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number, dpr: number): CanvasRenderingContext2D | null {
  const w = Math.max(1, Math.round(cssWidth * dpr));
  const h = Math.max(1, Math.round(cssHeight * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  return canvas.getContext('2d', { alpha: false });
}

/** Compile-time check: the real context satisfies the structural one drawTimeline() draws on. */
export function asTimelineContext(ctx: CanvasRenderingContext2D): TimelineContext2D {
  return ctx;
}
