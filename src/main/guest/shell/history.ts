/** Lines kept, like bash's HISTSIZE. */
export const HISTORY_LIMIT = 1000;

/**
 * The command history of the console: what Up/Down recall and what the `history` builtin lists.
 * Blank lines and repeats of the previous line are not kept.
 */
export class History {
  private lines: string[] = [];
  /** The number the first kept line has (numbers keep counting when old lines fall off). */
  private base = 1;

  constructor(private readonly limit = HISTORY_LIMIT) {}

  get entries(): readonly string[] {
    return this.lines;
  }

  /** The number `history` shows for entries[0]. */
  get firstNumber(): number {
    return this.base;
  }

  add(line: string): void {
    if (line.trim() === '' || line === this.lines[this.lines.length - 1]) return;
    this.lines.push(line);
    const excess = this.lines.length - this.limit;
    if (excess > 0) {
      this.lines.splice(0, excess);
      this.base += excess;
    }
  }

  clear(): void {
    this.base += this.lines.length;
    this.lines = [];
  }

  /** A walk through the history for one line being edited (Up/Down). */
  browse(): HistoryBrowser {
    return new HistoryBrowser(this.lines);
  }
}

/**
 * Up/Down over a snapshot of the history plus the line being typed. Edits made to a recalled line are
 * kept while the walk lasts (until Enter), as readline keeps them.
 */
export class HistoryBrowser {
  private readonly lines: string[];
  private index: number;

  constructor(entries: readonly string[]) {
    this.lines = [...entries, ''];
    this.index = this.lines.length - 1;
  }

  /** The older line, after saving `current` as the text at this step; undefined at the oldest. */
  up(current: string): string | undefined {
    if (this.index === 0) return undefined;
    this.lines[this.index] = current;
    return this.lines[--this.index];
  }

  /** The newer line; undefined when already at the line being typed. */
  down(current: string): string | undefined {
    if (this.index >= this.lines.length - 1) return undefined;
    this.lines[this.index] = current;
    return this.lines[++this.index];
  }
}
