import type { DecodedBatch } from '../api/event-batch';
import { forEachBatchEvent } from './events';
import type { CheckDef, Lesson, LessonEvent, LessonStep, Text, Watcher } from './types';

export interface LessonRunOptions {
  /** Checks that already hold (saved progress): they stay ticked and are not watched. */
  readonly passed?: Iterable<string>;
  /** Events before this sequence number happened before the lesson started: ignored. */
  readonly fromSeq?: number;
}

/**
 * One lesson followed on a session: every check's state machine is fed each event once, in sequence
 * order, from the lesson's start. A check that holds stays ticked; one that does not may carry the hint
 * for the last mistake its watcher recognised.
 */
export class LessonRun {
  private readonly watchers = new Map<string, Watcher>();
  private readonly checks = new Map<string, CheckDef>();
  private readonly passedSet = new Set<string>();
  private readonly hintIds = new Map<string, string>();
  /** Each check's step (its index in the lesson). */
  private readonly stepOf = new Map<string, number>();
  /** The index of the step to work on (steps.length once every required check holds). */
  private current = 0;
  /** The next sequence number to take (anything below has been seen, or precedes the lesson). */
  private next: number;

  constructor(
    readonly lesson: Lesson,
    options: LessonRunOptions = {},
  ) {
    this.next = options.fromSeq ?? 0;
    const saved = new Set(options.passed ?? []);
    lesson.steps.forEach((step, index) => {
      for (const check of step.checks) {
        this.checks.set(check.id, check);
        this.stepOf.set(check.id, index);
        if (saved.has(check.id)) this.passedSet.add(check.id);
        else this.watchers.set(check.id, check.watch());
      }
    });
    this.current = this.findCurrent();
  }

  /** Where the run is in the session: the next event it will take. */
  get nextSeq(): number {
    return this.next;
  }

  /**
   * Take one event; true if a check ticked or a hint changed. Events already seen are skipped. Every
   * check watches from the start (steps done early still count), but a mistake only gives a hint once
   * the learner has reached the check's step: before, the same event is usually an earlier step's work.
   */
  feed(e: LessonEvent): boolean {
    if (e.seq < this.next) return false;
    this.next = e.seq + 1;
    let changed = false;
    const current = this.current;
    for (const [id, w] of this.watchers) {
      const out = w.feed(e);
      if (out === undefined) continue;
      if (out === 'pass') {
        this.watchers.delete(id);
        this.passedSet.add(id);
        this.hintIds.delete(id);
        changed = true;
      } else if (this.stepOf.get(id)! > current) {
        continue;
      } else if (out.hint === null) {
        changed = this.hintIds.delete(id) || changed;
      } else if (this.hintIds.get(id) !== out.hint) {
        this.hintIds.set(id, out.hint);
        changed = true;
      }
    }
    if (changed) this.current = this.findCurrent();
    return changed;
  }

  private findCurrent(): number {
    const i = this.lesson.steps.findIndex((s) => !this.stepDone(s));
    return i < 0 ? this.lesson.steps.length : i;
  }

  /** Take a decoded stream batch (events before `nextSeq` skipped); true if anything changed. */
  feedBatch(batch: DecodedBatch): boolean {
    if (this.watchers.size === 0 || batch.fromSeq + batch.count <= this.next) {
      this.next = Math.max(this.next, batch.fromSeq + batch.count);
      return false;
    }
    let changed = false;
    forEachBatchEvent(batch, this.next, (e) => {
      changed = this.feed(e) || changed;
    });
    return changed;
  }

  /** Take events in order (node tests: `lab.recorder.events()` mapped with lessonEventOf). */
  feedAll(events: Iterable<LessonEvent>): boolean {
    let changed = false;
    for (const e of events) changed = this.feed(e) || changed;
    return changed;
  }

  /** Move past a stretch of events that will never arrive (a gap in the stream). */
  skipTo(seq: number): void {
    this.next = Math.max(this.next, seq);
  }

  isPassed(checkId: string): boolean {
    return this.passedSet.has(checkId);
  }

  get passed(): readonly string[] {
    return [...this.passedSet];
  }

  /** The hint currently shown for a check that does not hold yet. */
  hintFor(checkId: string): Text | undefined {
    const id = this.hintIds.get(checkId);
    return id === undefined ? undefined : this.checks.get(checkId)?.hints?.[id];
  }

  /** Hint ids by check (for tests and saving). */
  get hints(): ReadonlyMap<string, string> {
    return this.hintIds;
  }

  stepDone(step: LessonStep): boolean {
    return step.checks.every((c) => c.optional || this.passedSet.has(c.id));
  }

  /** The first step with a required check still open (the step to work on), or undefined when done. */
  get currentStep(): LessonStep | undefined {
    return this.lesson.steps[this.current];
  }

  /** Its index (steps.length when the lesson is complete). */
  get currentIndex(): number {
    return this.current;
  }

  /** Every required check holds. */
  get complete(): boolean {
    return this.current >= this.lesson.steps.length;
  }
}

/** Every check of a lesson, in order. */
export function checksOf(lesson: Lesson): CheckDef[] {
  return lesson.steps.flatMap((s) => s.checks);
}
