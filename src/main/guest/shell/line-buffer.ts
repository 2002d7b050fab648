import { charWidth, splitClusters } from './wcwidth';

const isSpace = (c: string): boolean => c === ' ' || c === '\t';
/** Word characters for Alt-B/Alt-F/Ctrl-Left/Ctrl-Right, as readline has them: letters and digits. */
const isWordChar = (c: string): boolean => /^[\p{L}\p{N}]/u.test(c);

/**
 * The line being edited: a list of clusters (a character with its combining marks, the unit the cursor
 * moves over) and a cursor index between them. Pure data, no terminal output.
 */
export class LineBuffer {
  private clusters: string[] = [];
  private position = 0;

  get text(): string {
    return this.clusters.join('');
  }

  get cursor(): number {
    return this.position;
  }

  get length(): number {
    return this.clusters.length;
  }

  /** The clusters, for drawing. */
  get cells(): readonly string[] {
    return this.clusters;
  }

  /** The text before the cursor. */
  get beforeCursor(): string {
    return this.clusters.slice(0, this.position).join('');
  }

  set(text: string): void {
    this.clusters = splitClusters(text);
    this.position = this.clusters.length;
  }

  /** Insert at the cursor. A combining mark joins the character before the cursor (none: dropped). */
  insert(text: string): void {
    for (const ch of text) {
      if (charWidth(ch.codePointAt(0)!) === 0) {
        if (this.position > 0) this.clusters[this.position - 1] += ch;
        continue;
      }
      this.clusters.splice(this.position, 0, ch);
      this.position++;
    }
  }

  /** Delete the cluster before the cursor. */
  backspace(): boolean {
    if (this.position === 0) return false;
    this.clusters.splice(this.position - 1, 1);
    this.position--;
    return true;
  }

  /** Delete the cluster under the cursor. */
  deleteForward(): boolean {
    if (this.position >= this.clusters.length) return false;
    this.clusters.splice(this.position, 1);
    return true;
  }

  moveTo(index: number): boolean {
    const target = Math.max(0, Math.min(this.clusters.length, index));
    if (target === this.position) return false;
    this.position = target;
    return true;
  }

  /** Remove the text between `from` and `to` (cluster indices); the cursor follows. Returns it. */
  remove(from: number, to: number): string {
    const lo = Math.max(0, Math.min(from, to));
    const hi = Math.min(this.clusters.length, Math.max(from, to));
    const removed = this.clusters.splice(lo, hi - lo).join('');
    if (this.position > hi) this.position -= hi - lo;
    else if (this.position > lo) this.position = lo;
    return removed;
  }

  /** Where Ctrl-W stops: back over blanks, then over non-blanks. */
  previousBlankWord(): number {
    let i = this.position;
    while (i > 0 && isSpace(this.clusters[i - 1]!)) i--;
    while (i > 0 && !isSpace(this.clusters[i - 1]!)) i--;
    return i;
  }

  /** Start of the word before the cursor (letters and digits). */
  previousWord(): number {
    let i = this.position;
    while (i > 0 && !isWordChar(this.clusters[i - 1]!)) i--;
    while (i > 0 && isWordChar(this.clusters[i - 1]!)) i--;
    return i;
  }

  /** End of the word after the cursor (letters and digits). */
  nextWord(): number {
    let i = this.position;
    while (i < this.clusters.length && !isWordChar(this.clusters[i]!)) i++;
    while (i < this.clusters.length && isWordChar(this.clusters[i]!)) i++;
    return i;
  }
}
