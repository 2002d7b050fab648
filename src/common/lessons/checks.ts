/**
 * The pieces lesson checks are built from: event predicates, the console's output as text, and small
 * state machines (this happened, then that; this happened while that held). A check is specific: it
 * names the register, the value and the order that show the learner did the step, so doing the step
 * wrong leaves it unticked, and the mistakes it recognises give a hint.
 */
import { EventFlag, EventKind, Source } from '../trace/schema';
import type { LessonEvent, Outcome, Watcher } from './types';

export { EventFlag as F, EventKind as K, Source as S };

/** Config-space addresses of 00:04.0 as events record them: slot << 11 | function << 8 | register. */
export const EDU_CFG = 4 << 11;
/** Where firmware puts BAR0 (and where the lessons' devmem commands point). */
export const BAR0 = 0xfea00000;
/** The edu device's INTx line on this machine. */
export const EDU_GSI = 11;

export type Pred = (e: LessonEvent) => boolean;

export interface Match {
  readonly kind: number;
  readonly addr?: number;
  readonly size?: number;
  /** The value's low 32 bits. */
  readonly lo?: number;
  readonly source?: number;
  /** Flags that must all be set. */
  readonly flags?: number;
  /** Flags that must all be clear. */
  readonly noFlags?: number;
  /** Anything else. */
  readonly test?: Pred;
}

/** A predicate from a description of the event. */
export function ev(m: Match): Pred {
  return (e) =>
    e.kind === m.kind &&
    (m.addr === undefined || e.addr === m.addr) &&
    (m.size === undefined || e.size === m.size) &&
    (m.lo === undefined || e.lo === m.lo >>> 0) &&
    (m.source === undefined || e.source === m.source) &&
    (m.flags === undefined || (e.flags & m.flags) === m.flags) &&
    (m.noFlags === undefined || (e.flags & m.noFlags) === 0) &&
    (m.test === undefined || m.test(e));
}

export const any =
  (...ps: readonly Pred[]): Pred =>
  (e) =>
    ps.some((p) => p(e));

// ---- common events ----------------------------------------------------------------------------------

/** A valid (not Invalid) BAR0 access at `addr` (any offset if undefined) of `size` bytes. */
export const mmioRead = (addr: number | undefined, size = 4, more: Partial<Match> = {}): Pred =>
  ev({ kind: EventKind.MmioRead, addr, size, noFlags: EventFlag.Invalid, ...more });
export const mmioWrite = (addr: number | undefined, size = 4, more: Partial<Match> = {}): Pred =>
  ev({ kind: EventKind.MmioWrite, addr, size, noFlags: EventFlag.Invalid, ...more });
/** A config access to 00:04.0 at `offset` (any size unless given). */
export const cfgRead = (offset: number, more: Partial<Match> = {}): Pred => ev({ kind: EventKind.ConfigRead, addr: EDU_CFG | offset, ...more });
export const cfgWrite = (offset: number, more: Partial<Match> = {}): Pred => ev({ kind: EventKind.ConfigWrite, addr: EDU_CFG | offset, ...more });
export const textIs = (kind: number, re: RegExp): Pred => (e) => e.kind === kind && e.text !== undefined && re.test(e.text);
export const propertyChange = (re: RegExp): Pred => textIs(EventKind.PropertyChange, re);
export const dmesg = (re: RegExp): Pred => textIs(EventKind.Dmesg, re);

// ---- the console --------------------------------------------------------------------------------------

/** Terminal control sequences and carriage returns, which the learner never reads as text. */
const CONTROL = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>78]|[\r\x07\x08]/g;

export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

const TAIL_MAX = 16 * 1024;
const TAIL_KEEP = 8 * 1024;

/**
 * The guest console's recent output as plain text. `find` consumes what it matched, so the same line
 * is never counted twice. Note the shell echoes what is typed: match the program's output, not words
 * of the command line.
 */
export class ConsoleTail {
  private text = '';

  /** Take a ConsoleOutput event; true if it was one. */
  push(e: LessonEvent): boolean {
    if (e.kind !== EventKind.ConsoleOutput || e.text === undefined) return false;
    this.text += stripControl(e.text);
    if (this.text.length > TAIL_MAX) this.text = this.text.slice(-TAIL_KEEP);
    return true;
  }

  find(re: RegExp): RegExpExecArray | null {
    const m = re.exec(this.text);
    if (m) this.text = this.text.slice(m.index + m[0].length);
    return m;
  }
}

// ---- watchers -----------------------------------------------------------------------------------------

/** Holds on the first event matching `p`. */
export function once(p: Pred): () => Watcher {
  return () => ({ feed: (e) => (p(e) ? 'pass' : undefined) });
}

/** Holds once events matching each predicate have happened in this order (others may come between). */
export function inOrder(...ps: readonly Pred[]): () => Watcher {
  return () => {
    let i = 0;
    return {
      feed(e) {
        if (ps[i]!(e)) i++;
        return i === ps.length ? 'pass' : undefined;
      },
    };
  };
}

/** Holds when the console shows output matching `re`. */
export function output(re: RegExp): () => Watcher {
  return () => {
    const tail = new ConsoleTail();
    return { feed: (e) => (tail.push(e) && tail.find(re) ? 'pass' : undefined) };
  };
}

/** A mistake a hint explains: an event, or console output. */
export type HintRule = { readonly when: Pred; readonly hint: string } | { readonly output: RegExp; readonly hint: string } | { readonly clearWhen: Pred };

/** `inner`, plus hints for the mistakes `rules` describe (checked only while it does not hold). */
export function withHints(inner: () => Watcher, rules: readonly HintRule[]): () => Watcher {
  return () => {
    const w = inner();
    const tails = rules.map((r) => ('output' in r ? new ConsoleTail() : undefined));
    return {
      feed(e) {
        const r = w.feed(e);
        if (r === 'pass') return r;
        let out: Outcome = r;
        rules.forEach((rule, i) => {
          const tail = tails[i];
          if ('clearWhen' in rule) {
            if (rule.clearWhen(e)) out = { hint: null };
          } else if ('output' in rule) {
            if (tail!.push(e) && tail!.find(rule.output)) out = { hint: rule.hint };
          } else if (rule.when(e)) out = { hint: rule.hint };
        });
        return out;
      },
    };
  };
}

/** Several watchers on the same events: holds when one holds; otherwise the last hint any gave. */
export function combine(...parts: readonly (() => Watcher)[]): () => Watcher {
  return () => {
    const ws = parts.map((p) => p());
    return {
      feed(e) {
        let out: Outcome;
        for (const w of ws) {
          const r = w.feed(e);
          if (r === 'pass') return r;
          if (r !== undefined) out = r;
        }
        return out;
      },
    };
  };
}

/** A watcher written as a function of each event and a state object made fresh per watch. */
export function machine<S>(init: () => S, step: (s: S, e: LessonEvent) => Outcome): () => Watcher {
  return () => {
    const s = init();
    return { feed: (e) => step(s, e) };
  };
}

/**
 * An access a tool made and printed: `p` matches, and within the next few events the console shows
 * output matching `re` (the kernel's own accesses print nothing). Returns the outcome for each.
 */
export function printed(p: Pred, re: RegExp, outcome: Outcome = 'pass'): () => Watcher {
  return machine(
    () => ({ left: 0, tail: new ConsoleTail() }),
    (s, e) => {
      if (p(e)) {
        s.left = 4;
        s.tail = new ConsoleTail();
        return undefined;
      }
      if (s.left === 0) return undefined;
      s.left--;
      if (!s.tail.push(e) || !s.tail.find(re)) return undefined;
      s.left = 0;
      return outcome;
    },
  );
}

/** Output that says the edu driver is not loaded (the `edu` tool's own message). */
export const DRIVER_MISSING = /is the edu module loaded\?/;
