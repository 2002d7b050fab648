import type { LineBuffer } from './line-buffer';
import { splitClusters, stringWidth } from './wcwidth';

/** A screen position relative to the prompt's first row. */
export interface Pos {
  readonly row: number;
  readonly col: number;
}

const CSI = '\x1b[';
export const CLEAR_SCREEN = `${CSI}H${CSI}2J`;
const CLEAR_TO_END_OF_SCREEN = `${CSI}J`;
const CLEAR_TO_END_OF_LINE = `${CSI}K`;

/**
 * Where a character of `width` columns lands after `pos`, the way xterm places it: one that does not
 * fit on the row wraps to the next (a wide character at the last column leaves it blank). `next.col`
 * may equal `cols`: the terminal then waits with the cursor on the last column ("pending wrap").
 */
export function advance(pos: Pos, width: number, cols: number): { start: Pos; next: Pos } {
  let { row, col } = pos;
  if (width > 0 && col + width > cols) {
    row++;
    col = 0;
  }
  return { start: { row, col }, next: { row, col: col + width } };
}

/** The position a cursor in "pending wrap" really stands for: the start of the next row. */
function settle(pos: Pos, cols: number): Pos {
  return pos.col >= cols ? { row: pos.row + 1, col: 0 } : pos;
}

/** Relative cursor movement from one position to another (no absolute addressing: we do not know the row). */
export function cursorMove(from: Pos, to: Pos): string {
  let s = '';
  if (to.row < from.row) s += `${CSI}${from.row - to.row}A`;
  else if (to.row > from.row) s += `${CSI}${to.row - from.row}B`;
  if (to.col !== from.col) {
    if (to.col === 0) s += '\r';
    else if (to.col > from.col) s += `${CSI}${to.col - from.col}C`;
    else s += `${CSI}${from.col - to.col}D`;
  }
  return s;
}

/**
 * Draws the prompt and the line being edited on a dumb terminal, with only relative cursor movement:
 * it knows where the cursor is relative to the prompt's first row, and redraws from the start of the
 * input across wrapped rows. Output accumulates until take().
 */
export class TerminalView {
  private out = '';
  private prompt = '';
  /** Where the input starts (just after the prompt). */
  private inputStart: Pos = { row: 0, col: 0 };
  /** Where the terminal's cursor is now. */
  private at: Pos = { row: 0, col: 0 };

  constructor(private readonly columns: () => number) {}

  private get cols(): number {
    return Math.max(2, Math.floor(this.columns()) || 80);
  }

  /** The output produced since the last call. */
  take(): string {
    const out = this.out;
    this.out = '';
    return out;
  }

  /** Draw `prompt` at the start of the current row, then the line. */
  showPrompt(prompt: string, line: LineBuffer): void {
    this.prompt = prompt;
    const cols = this.cols;
    let pos: Pos = { row: 0, col: 0 };
    for (const cell of splitClusters(prompt)) pos = advance(pos, stringWidth(cell), cols).next;
    this.out += prompt;
    this.inputStart = this.settleCursor(pos, cols);
    this.at = this.inputStart;
    this.redraw(line);
  }

  /** Redraw the input from its start, clear what is left of an older, longer line, place the cursor. */
  redraw(line: LineBuffer): void {
    const cols = this.cols;
    const { starts, end } = this.layout(line, cols);
    this.out += cursorMove(this.at, this.inputStart);
    this.out += line.text;
    const settled = this.settleCursor(end, cols);
    this.out += CLEAR_TO_END_OF_SCREEN;
    this.at = settled;
    this.place(line.cursor < starts.length ? starts[line.cursor]! : settled);
  }

  /** The last cluster of the line was just typed at its end: echo it alone. */
  appendLast(line: LineBuffer): void {
    const cols = this.cols;
    const cells = line.cells;
    const last = cells[cells.length - 1];
    if (last === undefined || line.cursor !== cells.length) return this.redraw(line);
    const next = advance(this.at, stringWidth(last), cols).next;
    this.out += last;
    this.at = this.settleCursor(next, cols);
  }

  /** Move the terminal's cursor to the line's cursor. */
  moveCursor(line: LineBuffer): void {
    this.place(this.cursorPos(line));
  }

  /** Enter: leave the cursor on a fresh row below the input. */
  finishLine(line: LineBuffer): void {
    const end = this.endPos(line);
    this.place(end);
    // A line that exactly fills its last row already left the cursor at the start of a fresh row.
    if (!(end.col === 0 && end.row > 0)) this.out += '\r\n';
    this.at = { row: 0, col: 0 };
  }

  /** Ctrl-C at the prompt: ^C after the input, and a fresh row. */
  interrupt(line: LineBuffer): void {
    this.place(this.endPos(line));
    this.out += '^C\r\n';
    this.at = { row: 0, col: 0 };
  }

  /** Something else wrote over the line: draw the prompt and the line again on a fresh row. */
  reprint(line: LineBuffer, atLineStart: boolean): void {
    if (!atLineStart) this.out += '\r\n';
    this.at = { row: 0, col: 0 };
    this.showPrompt(this.prompt, line);
  }

  /**
   * The terminal's width changed from `oldCols`. A prompt and line that fit on one row at both widths
   * were not rewrapped, so every position still holds: nothing to draw. Otherwise the terminal reflowed
   * them its own way; returns true when the caller should draw them afresh.
   */
  needsReprintAfterResize(line: LineBuffer, oldCols: number): boolean {
    if (this.inputStart.row !== 0) return true;
    let width = this.inputStart.col;
    for (const cell of line.cells) width += stringWidth(cell);
    return width >= Math.min(oldCols, this.cols);
  }

  /** Ctrl-L: clear the screen, then the prompt and the line at the top. */
  clearScreen(line: LineBuffer): void {
    this.out += CLEAR_SCREEN;
    this.at = { row: 0, col: 0 };
    this.showPrompt(this.prompt, line);
  }

  /** Show `rows` of text below the input (completion candidates), then the prompt and line again. */
  showBelow(rows: readonly string[], line: LineBuffer): void {
    this.finishLine(line);
    for (const r of rows) this.out += r + '\r\n';
    this.showPrompt(this.prompt, line);
  }

  private place(target: Pos): void {
    this.out += cursorMove(this.at, target);
    this.at = target;
  }

  /** After drawing up to `pos`: a cursor in pending wrap is moved to the next row for real. */
  private settleCursor(pos: Pos, cols: number): Pos {
    if (pos.col < cols) return pos;
    // The space wraps to the next row (scrolling if needed); CR comes back over it; the row is cleared.
    this.out += ' \r' + CLEAR_TO_END_OF_LINE;
    return settle(pos, cols);
  }

  private layout(line: LineBuffer, cols: number): { starts: Pos[]; end: Pos } {
    const starts: Pos[] = [];
    let pos = this.inputStart;
    for (const cell of line.cells) {
      const step = advance(pos, stringWidth(cell), cols);
      starts.push(step.start);
      pos = step.next;
    }
    return { starts, end: pos };
  }

  private endPos(line: LineBuffer): Pos {
    const cols = this.cols;
    return settle(this.layout(line, cols).end, cols);
  }

  private cursorPos(line: LineBuffer): Pos {
    const cols = this.cols;
    const { starts, end } = this.layout(line, cols);
    return line.cursor < starts.length ? starts[line.cursor]! : settle(end, cols);
  }
}
