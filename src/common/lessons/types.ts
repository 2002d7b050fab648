/**
 * Guided lessons: what a lesson is made of (steps with bilingual explanations, commands to paste into
 * the guest console, lab actions, and checks), and the event a check watches. No DOM and no Node: the
 * same lessons and checks run in the window on the live stream and in node tests against a real Lab.
 */
import type { LabArgs } from '../api/lab-api';

/** The languages lesson text is written in (the UI's languages). */
export const LESSON_LANGUAGES = ['en', 'zh-CN'] as const;
export type LessonLanguage = (typeof LESSON_LANGUAGES)[number];

/** A piece of text in every UI language. */
export type Text = { readonly [L in LessonLanguage]: string };

/**
 * One recorded event as a check sees it: the trace schema's fields, with the 64-bit value split in two
 * halves (no bigint per event: a storm brings millions of them) and the text of text events.
 */
export interface LessonEvent {
  readonly seq: number;
  /** Virtual time in ns. */
  readonly vns: number;
  readonly kind: number;
  readonly source: number;
  readonly size: number;
  readonly flags: number;
  readonly addr: number;
  /** Low 32 bits of the value (for text events, the string id). */
  readonly lo: number;
  /** High 32 bits of the value. */
  readonly hi: number;
  /** The text of a text event (ConsoleOutput, Dmesg, GuestError, PropertyChange...). */
  readonly text: string | undefined;
}

/**
 * What a watcher says about one event: the check holds ('pass'), something went wrong and this hint
 * (an id in the check's `hints`) explains it, `{ hint: null }` the earlier hint no longer applies,
 * or nothing (undefined).
 */
export type Outcome = 'pass' | { readonly hint: string | null } | undefined;

/** A check's state machine, fed every event of the session from the lesson's start, in order. */
export interface Watcher {
  feed(e: LessonEvent): Outcome;
}

export interface CheckDef {
  /** Unique in its lesson; progress is saved by these ids. */
  readonly id: string;
  /** What the learner did, as a statement that ticks: "The handler read 0x24...". */
  readonly label: Text;
  /** Explanations for the mistakes the watcher recognises, by id. */
  readonly hints?: Readonly<Record<string, Text>>;
  /** A bonus: shown, ticked when it holds, not needed to finish the lesson. */
  readonly optional?: boolean;
  /** A fresh state machine (on start, on reset, when a window follows a session again). */
  readonly watch: () => Watcher;
}

/** A command for the guest's shell, pasted into the console with one click. */
export interface LessonCommand {
  readonly text: string;
  /** What it does, if the step's explanation does not say. */
  readonly note?: Text;
}

/** Lab operations a lesson may ask for (the window's toolbar has the same controls). */
export type ActionMethod =
  | 'machineSetProfile'
  | 'machineSetDmaMask'
  | 'machineSetFactDelay'
  | 'machineReset'
  | 'clockSetSpeed'
  | 'clockSetDeterministic';

export type ActionCall = { readonly [M in ActionMethod]: { readonly method: M; readonly args: LabArgs<M> } }[ActionMethod];

/** A button in a step that calls the lab (switch the device profile, reset the machine...). */
export interface LessonAction {
  readonly id: string;
  readonly label: Text;
  readonly call: ActionCall;
}

export interface LessonStep {
  /** Unique in its lesson. */
  readonly id: string;
  readonly title: Text;
  /**
   * The explanation: paragraphs separated by a blank line; `code` in backquotes; lines starting with
   * "- " form a list.
   */
  readonly body: Text;
  readonly commands?: readonly LessonCommand[];
  readonly actions?: readonly LessonAction[];
  readonly checks: readonly CheckDef[];
}

export interface Lesson {
  /** Stable id (saved progress uses it). */
  readonly id: string;
  /** 1-based position in the course. */
  readonly number: number;
  readonly title: Text;
  /** One or two sentences for the lesson list. */
  readonly summary: Text;
  readonly steps: readonly LessonStep[];
  /** Said once every required check holds. */
  readonly wrapUp: Text;
}
