import type { Completion } from './completion';
import { formatColumns } from './completion';
import type { History, HistoryBrowser } from './history';
import { KeyDecoder, type Key } from './keys';
import { LineBuffer } from './line-buffer';
import { TerminalView } from './terminal-view';
import { splitClusters, stringWidth } from './wcwidth';

export interface EditorIo {
  /** The next chunk of input (throws when the shell stops). */
  read(): Promise<string>;
  write(text: string): void;
  /** The terminal's width now. */
  cols(): number;
}

export type EditorResult =
  | { readonly kind: 'line'; readonly text: string }
  /** Ctrl-C: the line was abandoned (^C is shown). */
  | { readonly kind: 'interrupt' }
  /** Ctrl-D on an empty line. */
  | { readonly kind: 'eof' };

/** Completion for the text before the cursor. */
export type Completer = (before: string) => Completion;

const CTRL_C = '\x03';

/**
 * The shell's line editor on a byte-stream terminal: it echoes, edits, recalls history and completes,
 * and hands back whole lines. Input beyond the line that ended (a paste of several lines) is kept for
 * the next call, so each line runs in turn.
 */
export class LineEditor {
  private readonly decoder = new KeyDecoder();
  /** Input received and not handled yet. */
  private pending = '';
  /** The last killed text (Ctrl-U, Ctrl-K, Ctrl-W), for Ctrl-Y; kills in a row add up. */
  private killed = '';
  private lastKeyKilled = false;
  /** The line being edited and its view, while readLine() runs. */
  private editing: { line: LineBuffer; view: TerminalView } | undefined;

  constructor(
    private readonly io: EditorIo,
    private readonly history: History,
    private readonly completer: Completer,
  ) {}

  /** Show `prompt`, then edit a line until Enter, Ctrl-C or Ctrl-D on an empty line. */
  async readLine(prompt: string): Promise<EditorResult> {
    const line = new LineBuffer();
    const view = new TerminalView(() => this.io.cols());
    const browser = this.history.browse();
    view.showPrompt(prompt, line);
    this.editing = { line, view };
    try {
      for (;;) {
        if (this.pending === '') {
          this.flush(view);
          this.pending = await this.io.read();
        }
        const result = this.consume(line, view, browser);
        if (result) return result;
      }
    } finally {
      this.editing = undefined;
      this.flush(view);
    }
  }

  /**
   * Other output (a kernel message) landed on the terminal while a line was being edited: the cursor
   * is no longer where the view thinks, so show the prompt and the line again below it.
   */
  redisplay(atLineStart: boolean): void {
    if (!this.editing) return;
    this.editing.view.reprint(this.editing.line, atLineStart);
    this.flush(this.editing.view);
  }

  /** The terminal got narrower or wider: draw the line again only if the terminal rewrapped it. */
  resized(oldCols: number): void {
    if (!this.editing || !this.editing.view.needsReprintAfterResize(this.editing.line, oldCols)) return;
    this.redisplay(false);
  }

  /**
   * Whether input typed ahead (after the line that is about to run) holds a Ctrl-C: if so, that input is
   * dropped up to the last Ctrl-C, as the terminal would have interrupted the command at once.
   */
  takeInterrupt(): boolean {
    const at = this.pending.lastIndexOf(CTRL_C);
    if (at < 0) return false;
    this.pending = this.pending.slice(at + 1);
    return true;
  }

  /** Forget typed-ahead input (a fresh session). */
  discardPending(): void {
    this.pending = '';
  }

  /** Input that arrived for the editor while it was not reading (handled after what it holds). */
  addPending(text: string): void {
    this.pending += text;
  }

  private flush(view: TerminalView): void {
    const out = view.take();
    if (out) this.io.write(out);
  }

  /** Handle pending input until a line ends (the rest stays pending) or it runs out. */
  private consume(line: LineBuffer, view: TerminalView, browser: HistoryBrowser): EditorResult | undefined {
    const input = this.pending;
    let i = 0;
    while (i < input.length) {
      const cp = input.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      i += ch.length;
      const key = this.decoder.push(ch);
      if (!key) continue;
      const result = this.handle(key, line, view, browser);
      if (result) {
        this.pending = input.slice(i);
        return result;
      }
    }
    this.pending = '';
    return undefined;
  }

  private handle(key: Key, line: LineBuffer, view: TerminalView, browser: HistoryBrowser): EditorResult | undefined {
    const killing = this.lastKeyKilled;
    this.lastKeyKilled = false;
    if (key.kind === 'text') {
      const atEnd = line.cursor === line.length;
      line.insert(key.text);
      if (atEnd && stringWidth(key.text) > 0) view.appendLast(line);
      else view.redraw(line);
      return undefined;
    }
    switch (key.name) {
      case 'enter':
        view.finishLine(line);
        return { kind: 'line', text: line.text };
      case 'interrupt':
        view.interrupt(line);
        return { kind: 'interrupt' };
      case 'eof':
        if (line.length === 0) return { kind: 'eof' };
        if (line.deleteForward()) view.redraw(line);
        return undefined;
      case 'backspace':
        if (line.backspace()) view.redraw(line);
        return undefined;
      case 'delete':
        if (line.deleteForward()) view.redraw(line);
        return undefined;
      case 'left':
        return this.move(line, view, line.cursor - 1);
      case 'right':
        return this.move(line, view, line.cursor + 1);
      case 'home':
        return this.move(line, view, 0);
      case 'end':
        return this.move(line, view, line.length);
      case 'word-left':
        return this.move(line, view, line.previousWord());
      case 'word-right':
        return this.move(line, view, line.nextWord());
      case 'up':
      case 'down': {
        const text = key.name === 'up' ? browser.up(line.text) : browser.down(line.text);
        if (text !== undefined) {
          line.set(text);
          view.redraw(line);
        }
        return undefined;
      }
      case 'kill-to-start':
        return this.kill(line, view, 0, line.cursor, killing);
      case 'kill-to-end':
        return this.kill(line, view, line.cursor, line.length, killing);
      case 'kill-word-back':
        return this.kill(line, view, line.previousBlankWord(), line.cursor, killing);
      case 'kill-word-forward':
        return this.kill(line, view, line.cursor, line.nextWord(), killing);
      case 'yank':
        if (this.killed) {
          line.insert(this.killed);
          view.redraw(line);
        }
        return undefined;
      case 'clear-screen':
        view.clearScreen(line);
        return undefined;
      case 'tab':
        this.complete(line, view);
        return undefined;
    }
  }

  private move(line: LineBuffer, view: TerminalView, to: number): undefined {
    if (line.moveTo(to)) view.moveCursor(line);
    return undefined;
  }

  private kill(line: LineBuffer, view: TerminalView, from: number, to: number, adding: boolean): undefined {
    this.lastKeyKilled = true;
    if (from === to) return undefined;
    const backward = from < line.cursor;
    const removed = line.remove(from, to);
    if (!adding) this.killed = removed;
    else this.killed = backward ? removed + this.killed : this.killed + removed;
    view.redraw(line);
    return undefined;
  }

  private complete(line: LineBuffer, view: TerminalView): void {
    const before = line.beforeCursor;
    let completion: Completion;
    try {
      completion = this.completer(before);
    } catch {
      return;
    }
    if (completion.replacement !== undefined) {
      const replaced = splitClusters(before.slice(completion.start)).length;
      line.remove(line.cursor - replaced, line.cursor);
      line.insert(completion.replacement);
      view.redraw(line);
    } else if (completion.candidates && completion.candidates.length > 0) {
      view.showBelow(formatColumns(completion.candidates, this.io.cols()), line);
    }
  }
}
