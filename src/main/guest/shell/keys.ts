/**
 * Turns the terminal's input stream into keys: printable characters, control keys, and the escape
 * sequences xterm sends for cursor and editing keys. Sequences may arrive split across chunks: the
 * decoder keeps its state between calls.
 */

export type KeyName =
  | 'enter'
  | 'tab'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'up'
  | 'down'
  | 'word-left'
  | 'word-right'
  | 'kill-to-start'
  | 'kill-to-end'
  | 'kill-word-back'
  | 'kill-word-forward'
  | 'yank'
  | 'clear-screen'
  | 'interrupt'
  | 'eof';

export type Key = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'key'; readonly name: KeyName };

const ESC = 0x1b;
/** A CSI sequence longer than this is garbage: drop it. */
const MAX_SEQUENCE = 32;

const CONTROL_KEYS: Readonly<Record<number, KeyName>> = {
  0x01: 'home', // Ctrl-A
  0x02: 'left', // Ctrl-B
  0x03: 'interrupt', // Ctrl-C
  0x04: 'eof', // Ctrl-D
  0x05: 'end', // Ctrl-E
  0x06: 'right', // Ctrl-F
  0x08: 'backspace', // Ctrl-H
  0x09: 'tab',
  0x0b: 'kill-to-end', // Ctrl-K
  0x0c: 'clear-screen', // Ctrl-L
  0x0e: 'down', // Ctrl-N
  0x10: 'up', // Ctrl-P
  0x15: 'kill-to-start', // Ctrl-U
  0x17: 'kill-word-back', // Ctrl-W
  0x19: 'yank', // Ctrl-Y
  0x7f: 'backspace',
};

/** Final bytes of CSI sequences and of SS3 (ESC O x) sequences. */
const CURSOR_FINALS: Readonly<Record<string, KeyName>> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  M: 'enter', // keypad Enter in application mode
};

/** ESC [ n ~ */
const TILDE_KEYS: Readonly<Record<string, KeyName>> = {
  '1': 'home',
  '7': 'home',
  '4': 'end',
  '8': 'end',
  '3': 'delete',
};

/** ESC x (Alt-x, or Esc then x) */
const META_KEYS: Readonly<Record<string, KeyName>> = {
  b: 'word-left',
  f: 'word-right',
  d: 'kill-word-forward',
  '\x7f': 'kill-word-back',
  '\x08': 'kill-word-back',
};

/** `skip`: the rest of an overlong CSI sequence, ignored up to its final byte. */
type State = 'ground' | 'escape' | 'csi' | 'ss3' | 'skip';

export class KeyDecoder {
  private state: State = 'ground';
  private sequence = '';
  private afterCr = false;

  /** Whether a sequence is half read (the rest has not arrived yet). */
  get pending(): boolean {
    return this.state !== 'ground';
  }

  /** Feed one character (a whole code point); returns the key it completes, if any. */
  push(ch: string): Key | undefined {
    const cp = ch.codePointAt(0)!;
    const wasAfterCr = this.afterCr;
    this.afterCr = false;
    switch (this.state) {
      case 'ground':
        return this.ground(ch, cp, wasAfterCr);
      case 'escape':
        return this.escape(ch, cp);
      case 'csi':
        return this.csi(ch, cp);
      case 'skip':
        if (cp >= 0x20 && cp <= 0x3f) return undefined;
        this.state = 'ground';
        return cp >= 0x40 && cp <= 0x7e ? undefined : this.push(ch);
      case 'ss3':
        this.state = 'ground';
        // A control key cannot end the sequence: it was typed on its own (Ctrl-C after a stray ESC O).
        return cp < 0x20 ? this.ground(ch, cp, wasAfterCr) : named(CURSOR_FINALS[ch]);
    }
  }

  private ground(ch: string, cp: number, afterCr: boolean): Key | undefined {
    if (cp === ESC) {
      this.state = 'escape';
      return undefined;
    }
    if (cp === 0x0d) {
      this.afterCr = true;
      return named('enter');
    }
    // A terminal sends CR for Enter; a bare LF (pasted text, scripts typed in) is Enter too, but the LF
    // of a CR LF pair is not a second one.
    if (cp === 0x0a) return afterCr ? undefined : named('enter');
    const control = CONTROL_KEYS[cp];
    if (control) return named(control);
    if (cp < 0x20 || (cp >= 0x80 && cp < 0xa0)) return undefined;
    return { kind: 'text', text: ch };
  }

  private escape(ch: string, cp: number): Key | undefined {
    if (ch === '[') {
      this.state = 'csi';
      this.sequence = '';
      return undefined;
    }
    if (ch === 'O') {
      this.state = 'ss3';
      return undefined;
    }
    if (cp === ESC) return undefined; // Esc Esc: the second one starts the sequence
    this.state = 'ground';
    const meta = META_KEYS[ch];
    if (meta) return named(meta);
    // Esc then a control key (Enter, Ctrl-C...): the key counts; Alt with a letter we do not bind: nothing.
    return cp < 0x20 ? this.push(ch) : undefined;
  }

  private csi(ch: string, cp: number): Key | undefined {
    // Parameter bytes 0x30-0x3f, intermediate bytes 0x20-0x2f, final byte 0x40-0x7e.
    if (cp >= 0x20 && cp <= 0x3f) {
      this.sequence += ch;
      if (this.sequence.length > MAX_SEQUENCE) this.state = 'skip';
      return undefined;
    }
    this.state = 'ground';
    if (cp < 0x40 || cp > 0x7e) {
      // Not a CSI sequence after all: drop it and read this character afresh.
      return this.push(ch);
    }
    const params = this.sequence.split(';');
    if (ch === '~') return named(TILDE_KEYS[params[0]!]);
    const key = CURSOR_FINALS[ch];
    if (!key) return undefined;
    // ESC [ 1 ; 5 C is Ctrl-Right, ESC [ 1 ; 3 C Alt-Right: a word at a time.
    const modifier = Number(params[1] ?? '1') - 1;
    const word = (modifier & 0b110) !== 0; // Alt or Ctrl
    if (word && key === 'left') return named('word-left');
    if (word && key === 'right') return named('word-right');
    return named(key);
  }
}

function named(name: KeyName | undefined): Key | undefined {
  return name ? { kind: 'key', name } : undefined;
}
