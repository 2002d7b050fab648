import { defineStore } from 'pinia';
import { computed, markRaw, onScopeDispose, ref, shallowRef, watch } from 'vue';
import { decodeEventBatch, type DecodedBatch } from '../../../common/api/event-batch';
import type { ExportFormat } from '../../../common/api/session';
import { LESSONS, LessonRun, lessonById, type ActionCall, type Lesson, type Text } from '../../../common/lessons';
import { onEventBatch } from '../session';
import { useLab } from './lab';

const KEY = 'edu-lab.lessons';
/** Events fetched per getEvents call while catching up (a storm records millions). */
const CATCH_UP_PAGE = 65_536;

/** One lesson's saved progress. */
export interface LessonProgress {
  /** Checks that hold (they stay ticked across reloads and restarts). */
  readonly passed: readonly string[];
  readonly completed: boolean;
  /** The session event the lesson started after: its sequence number and virtual time (to recognise the session). */
  readonly anchor: { readonly seq: number; readonly vns: number } | null;
  /** Virtual time when it started and when it was completed (the session log to offer for export). */
  readonly startVns: number;
  readonly endVns: number | null;
}

interface Saved {
  readonly open: string | null;
  readonly lessons: Readonly<Record<string, LessonProgress>>;
}

function load(): Saved {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Saved>;
    const lessons: Record<string, LessonProgress> = {};
    for (const [id, p] of Object.entries(raw.lessons ?? {})) {
      if (!lessonById(id) || !p || !Array.isArray(p.passed)) continue;
      lessons[id] = {
        passed: p.passed.filter((c): c is string => typeof c === 'string'),
        completed: p.completed === true,
        anchor: p.anchor && typeof p.anchor.seq === 'number' && typeof p.anchor.vns === 'number' ? { seq: p.anchor.seq, vns: p.anchor.vns } : null,
        startVns: typeof p.startVns === 'number' ? p.startVns : 0,
        endVns: typeof p.endVns === 'number' ? p.endVns : null,
      };
    }
    const open = typeof raw.open === 'string' && lessonById(raw.open) ? raw.open : null;
    return { open, lessons };
  } catch {
    return { open: null, lessons: {} };
  }
}

/** What a lesson's session log export asks for: the virtual-time range the lesson covered. */
export interface LessonExport {
  readonly lessonId: string;
  readonly format: ExportFormat;
  readonly from: number;
  readonly to: number | undefined;
}
export type LessonExportHandler = (request: LessonExport) => void | Promise<void>;

/** What the panel shows for the open lesson. */
export interface LessonView {
  readonly lesson: Lesson;
  readonly passed: ReadonlySet<string>;
  readonly hints: ReadonlyMap<string, Text>;
  /** Index of the step to work on (steps.length once complete). */
  readonly current: number;
  readonly complete: boolean;
  /** Still fetching what happened before the window followed the lesson. */
  readonly catchingUp: boolean;
}

/**
 * Guided lessons in this window: which lesson is open, progress saved in localStorage (so it survives
 * reloads and works offline), and the open lesson's checks following the session's events as they
 * arrive. A lesson that was open before a reload catches up with the events it missed (getEvents);
 * if the lab is a new session since, its checks start watching from now and keep what was ticked.
 */
export const useLessons = defineStore('lessons', () => {
  const lab = useLab();
  const saved = load();
  const openId = ref<string | null>(saved.open);
  const progress = ref<Record<string, LessonProgress>>({ ...saved.lessons });
  const version = shallowRef(0);
  const catchingUp = ref(false);
  let run: LessonRun | undefined;
  /** Live batches that arrived while catching up, taken after. */
  let queued: DecodedBatch[] = [];
  /** The newest event the stream brought: where "now" is. */
  let newest: { seq: number; vns: number } | undefined;
  let following = 0;
  const exportHandlers = new Set<LessonExportHandler>();

  const unsubscribe = onEventBatch((batch) => {
    // A recorded session shown instead of the live lab is not the learner's work.
    if (lab.replay) return;
    if (batch.count > 0) {
      const last = batch.count - 1;
      if (!newest || batch.fromSeq + last > newest.seq) newest = { seq: batch.fromSeq + last, vns: batch.vns[last]! };
    }
    if (!run) return;
    if (catchingUp.value) queued.push(batch);
    else take(batch);
  });

  onScopeDispose(() => {
    unsubscribe();
    following++;
  });

  function take(batch: DecodedBatch): void {
    if (!run) return;
    // The stream brings every event in order; one beyond what we expect means we were not listening.
    if (batch.fromSeq > run.nextSeq) run.skipTo(batch.fromSeq);
    if (run.feedBatch(batch)) changed(batch.count > 0 ? batch.vns[batch.count - 1]! : null);
  }

  function changed(vns: number | null): void {
    const r = run;
    if (!r) return;
    const id = r.lesson.id;
    const before = progress.value[id];
    const completed = r.complete;
    progress.value = {
      ...progress.value,
      [id]: {
        passed: r.passed,
        completed,
        anchor: before?.anchor ?? null,
        startVns: before?.startVns ?? 0,
        endVns: completed ? (before?.endVns ?? vns ?? newest?.vns ?? null) : null,
      },
    };
    version.value++;
    persist();
  }

  function persist(): void {
    try {
      localStorage.setItem(KEY, JSON.stringify({ open: openId.value, lessons: progress.value } satisfies Saved));
    } catch {
      // not remembered: the lesson still works in this window
    }
  }

  /**
   * The newest recorded event (sequence number, virtual time): asked of the lab, since the stream may
   * still be bringing older events (after a reload); what the stream brought if the lab cannot say.
   */
  async function now(): Promise<{ seq: number; vns: number }> {
    const api = lab.api;
    try {
      const s = api ? await api.getSnapshot() : undefined;
      if (s && s.eventsRecorded > 0) {
        const seq = s.eventsRecorded - 1;
        const batch = await api!.getEvents(seq, seq + 1);
        if (batch && batch.count === 1) return { seq, vns: decodeEventBatch(batch).vns[0]! };
        return { seq, vns: s.clock.vns };
      }
      if (s) return { seq: -1, vns: 0 };
    } catch {
      // fall through
    }
    return newest ?? { seq: -1, vns: 0 };
  }

  /** Is the anchor event still the one this lesson started after (same session)? Unsure counts as yes. */
  async function sameSession(anchor: { seq: number; vns: number }): Promise<boolean> {
    if (anchor.seq < 0 || !lab.api) return true;
    try {
      const batch = await lab.api.getEvents(anchor.seq, anchor.seq + 1);
      if (!batch) return true;
      if (batch.count !== 1) return false;
      const d = decodeEventBatch(batch);
      return d.fromSeq === anchor.seq && d.vns[0] === anchor.vns;
    } catch {
      return true;
    }
  }

  /** The lab answers once the window has its first snapshot. */
  function connected(): Promise<void> {
    if (lab.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const stop = watch(
        () => lab.connected,
        (c) => {
          if (!c) return;
          stop();
          resolve();
        },
      );
    });
  }

  /** Start following `lesson` on the session: fresh, or where it left off (catching up on what it missed). */
  async function follow(lesson: Lesson): Promise<void> {
    const token = ++following;
    await connected();
    if (token !== following) return;
    const p = progress.value[lesson.id];
    let anchor = p?.anchor ?? null;
    if (!p || !anchor || !(await sameSession(anchor))) {
      anchor = await now();
      if (token !== following) return;
      progress.value = {
        ...progress.value,
        [lesson.id]: { passed: p?.passed ?? [], completed: p?.completed ?? false, anchor, startVns: anchor.vns, endVns: p?.endVns ?? null },
      };
      persist();
    }
    if (token !== following) return;
    run = markRaw(new LessonRun(lesson, { passed: progress.value[lesson.id]!.passed, fromSeq: anchor.seq + 1 }));
    queued = [];
    catchingUp.value = true;
    version.value++;
    try {
      await catchUp(token);
    } finally {
      if (token === following) {
        catchingUp.value = false;
        const pending = queued;
        queued = [];
        for (const b of pending) take(b);
        changed(null);
      }
    }
  }

  /** Fetch and feed the events recorded since the lesson's start that this window has not fed yet. */
  async function catchUp(token: number): Promise<void> {
    const api = lab.api;
    if (!api || lab.replay) return;
    for (;;) {
      const r = run;
      if (!r || token !== following) return;
      let batch;
      try {
        batch = await api.getEvents(r.nextSeq, r.nextSeq + CATCH_UP_PAGE);
      } catch {
        return;
      }
      if (!batch || batch.count === 0 || token !== following) return;
      r.skipTo(batch.fromSeq);
      r.feedBatch(decodeEventBatch(batch));
    }
  }

  // ---- what the panel does --------------------------------------------------------------------------

  /** Open a lesson (starting it if new; resuming it otherwise). */
  async function open(id: string): Promise<void> {
    const lesson = lessonById(id);
    if (!lesson) return;
    openId.value = id;
    persist();
    await follow(lesson);
  }

  /** Back to the list (progress stays). */
  function close(): void {
    openId.value = null;
    following++;
    run = undefined;
    catchingUp.value = false;
    version.value++;
    persist();
  }

  /** Forget a lesson's progress; if it is open, it starts over from now. */
  async function reset(id: string): Promise<void> {
    const next = { ...progress.value };
    delete next[id];
    progress.value = next;
    persist();
    const lesson = lessonById(id);
    if (lesson && openId.value === id) {
      run = undefined;
      await follow(lesson);
    }
  }

  /** Type a command into the guest console and press Enter (whatever was half-typed is cleared first). */
  function runCommand(text: string): Promise<unknown> {
    return lab.call('consoleInput', `\x05\x15${text}\r`);
  }

  /** Put a command on the console's line without running it. */
  function pasteCommand(text: string): Promise<unknown> {
    return lab.call('consoleInput', text);
  }

  function runAction(call: ActionCall): Promise<unknown> {
    const fn = lab.call as (method: string, ...args: readonly unknown[]) => Promise<unknown>;
    return fn(call.method, ...call.args);
  }

  /**
   * Someone who can save files handles "export this lesson's session" (the window's export flow). With
   * nobody registered, the lab is asked directly for the lesson's time range.
   */
  function onExport(handler: LessonExportHandler): () => void {
    exportHandlers.add(handler);
    return () => exportHandlers.delete(handler);
  }

  /** Export a lesson's session log; false if it could not start (the lab said why, as a notice). */
  async function exportLesson(id: string, format: ExportFormat = 'jsonl'): Promise<boolean> {
    const p = progress.value[id];
    if (!p) return false;
    const request: LessonExport = { lessonId: id, format, from: p.startVns, to: p.endVns ?? undefined };
    if (exportHandlers.size > 0) {
      for (const h of exportHandlers) await h(request);
      return true;
    }
    const job = await lab.call('sessionExport', { format, from: request.from, ...(request.to === undefined ? {} : { to: request.to }) });
    return job !== undefined;
  }

  // ---- what the panel shows -------------------------------------------------------------------------

  const openLesson = computed(() => (openId.value ? (lessonById(openId.value) ?? null) : null));

  const view = computed<LessonView | null>(() => {
    void version.value;
    const lesson = openLesson.value;
    const r = run;
    if (!lesson) return null;
    if (!r || r.lesson !== lesson) {
      const passed = new Set(progress.value[lesson.id]?.passed ?? []);
      const current = lesson.steps.findIndex((s) => s.checks.some((c) => !c.optional && !passed.has(c.id)));
      return { lesson, passed, hints: new Map(), current: current < 0 ? lesson.steps.length : current, complete: current < 0, catchingUp: true };
    }
    const hints = new Map<string, Text>();
    for (const id of r.hints.keys()) {
      const h = r.hintFor(id);
      if (h) hints.set(id, h);
    }
    return { lesson, passed: new Set(r.passed), hints, current: r.currentIndex, complete: r.complete, catchingUp: catchingUp.value };
  });

  /** Ticked and required checks of a lesson (for the list). */
  function tally(lesson: Lesson): { done: number; total: number; completed: boolean } {
    const p = progress.value[lesson.id];
    const passed = new Set(p?.passed ?? []);
    const required = lesson.steps.flatMap((s) => s.checks.filter((c) => !c.optional));
    return { done: required.filter((c) => passed.has(c.id)).length, total: required.length, completed: p?.completed ?? false };
  }

  // A lesson left open before a reload picks up where it was.
  if (openLesson.value) void follow(openLesson.value);

  return {
    lessons: LESSONS,
    openId,
    progress,
    view,
    catchingUp,
    open,
    close,
    reset,
    runCommand,
    pasteCommand,
    runAction,
    onExport,
    exportLesson,
    tally,
  };
});
