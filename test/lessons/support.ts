/**
 * Lessons against a real lab: a booted Lab, the LabApi a window would call (LabService), and a
 * LessonRun fed exactly as the window feeds it (event batches from getEvents, decoded). Commands are
 * typed on the guest console and waited for until the prompt comes back.
 */
import { afterEach, expect } from 'vitest';
import { decodeEventBatch, type EventBatch } from '../../src/common/api/event-batch';
import { MAX_EVENTS_PER_CALL } from '../../src/common/api/lab-api';
import { checksOf, LessonRun, type ActionCall, type Lesson, type LessonStep } from '../../src/common/lessons';
import { defaultUserland } from '../../src/main/guest/userland';
import { Lab } from '../../src/main/lab/lab';
import { LabService } from '../../src/main/lab/service';
import { testWorkers } from '../support/workers';

const live = new Set<Lab>();

afterEach(async () => {
  for (const lab of live) await lab.destroy();
  live.clear();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PROMPT = 'root@edu-lab:~# ';

export interface ShOptions {
  /** Wait for this instead of the prompt (the machine may stop: 'abort'). */
  readonly until?: string | RegExp | 'abort';
  readonly timeoutMs?: number;
}

export class LessonLab {
  readonly service: LabService;
  run: LessonRun;

  private constructor(
    readonly lab: Lab,
    readonly lesson: Lesson,
  ) {
    this.service = new LabService(lab);
    this.run = new LessonRun(lesson, { fromSeq: lab.recorder.recorded });
  }

  /** A booted lab (deterministic time unless asked, or LESSONS_REAL_TIME=1) with `lesson` started now. */
  static async start(lesson: Lesson, options: { deterministic?: boolean } = {}): Promise<LessonLab> {
    const deterministic = options.deterministic ?? process.env.LESSONS_REAL_TIME !== '1';
    const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, deterministic });
    live.add(lab);
    const deadline = Date.now() + 10_000;
    while (!lab.transcript.text().includes(PROMPT)) {
      if (Date.now() > deadline) throw new Error('the guest never showed its prompt');
      await sleep(5);
    }
    await sleep(20);
    return new LessonLab(lab, lesson);
  }

  /** Start the lesson over from now, with the checks of the steps before `stepId` already ticked (saved progress). */
  resumeAt(stepId: string): void {
    const index = this.lesson.steps.findIndex((s) => s.id === stepId);
    if (index < 0) throw new Error(`no step ${stepId} in ${this.lesson.id}`);
    const passed = this.lesson.steps.slice(0, index).flatMap((s) => s.checks.map((c) => c.id));
    this.run = new LessonRun(this.lesson, { passed, fromSeq: this.lab.recorder.recorded });
  }

  step(id: string): LessonStep {
    const step = this.lesson.steps.find((s) => s.id === id);
    if (!step) throw new Error(`no step ${id} in ${this.lesson.id}`);
    return step;
  }

  /** Type a command line; wait for the prompt (or `until`); feed the lesson. Returns what the command printed. */
  async sh(line: string, options: ShOptions = {}): Promise<string> {
    const before = this.lab.transcript.text().length;
    await this.service.call('consoleInput', [line + '\r']);
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    const until = options.until ?? PROMPT;
    for (;;) {
      const text = this.lab.transcript.text().slice(before);
      const echoEnd = text.indexOf('\n');
      const after = echoEnd < 0 ? '' : text.slice(echoEnd + 1);
      if (until === 'abort' ? this.lab.machine.state === 'aborted' : typeof until === 'string' ? after.includes(until) : until.test(after)) break;
      if (Date.now() > deadline) throw new Error(`${JSON.stringify(line)} did not finish; the console shows:\n${text.slice(-1500)}`);
      await sleep(5);
    }
    await sleep(10);
    await this.sync();
    const out = this.lab.transcript.text().slice(before);
    return out.slice(out.indexOf('\n') + 1);
  }

  /** Every command of a step, in order. */
  async commands(stepId: string): Promise<void> {
    for (const c of this.step(stepId).commands ?? []) await this.sh(c.text);
  }

  /** Click a step's action button: the LabApi call it names. */
  async action(stepId: string, actionId: string): Promise<void> {
    const action = this.step(stepId).actions?.find((a) => a.id === actionId);
    if (!action) throw new Error(`no action ${actionId} in step ${stepId}`);
    await this.call(action.call);
    if (action.call.method === 'machineReset') {
      // The guest is back; let the shell print its prompt.
      const deadline = Date.now() + 10_000;
      while (!this.lab.transcript.text().endsWith(PROMPT) && !/root@edu-lab:~# \x1b\[J$/.test(this.lab.transcript.text())) {
        if (Date.now() > deadline) break;
        await sleep(5);
      }
    }
    await sleep(10);
    await this.sync();
  }

  async call(call: ActionCall): Promise<void> {
    await this.service.call(call.method, call.args);
  }

  /** Feed the lesson every event recorded since it last looked, through getEvents as a window would. */
  async sync(): Promise<void> {
    for (;;) {
      const from = this.run.nextSeq;
      const to = this.lab.recorder.recorded;
      if (from >= to) return;
      const batch = (await this.service.call('getEvents', [from, Math.min(to, from + MAX_EVENTS_PER_CALL)])) as EventBatch;
      if (batch.count === 0) {
        this.run.skipTo(to);
        return;
      }
      this.run.skipTo(batch.fromSeq);
      this.run.feedBatch(decodeEventBatch(batch));
    }
  }

  /** Feed events until `checkId` ticks (for things that take real time: the long factorial, a storm). */
  async waitFor(checkId: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.sync();
      if (this.run.isPassed(checkId)) return;
      if (Date.now() > deadline) throw new Error(`${checkId} never ticked (hints: ${JSON.stringify([...this.run.hints])})`);
      await sleep(20);
    }
  }

  /** The step's required checks all ticked (and say which did not). */
  expectStepDone(stepId: string): void {
    const open = this.step(stepId)
      .checks.filter((c) => !c.optional && !this.run.isPassed(c.id))
      .map((c) => c.id);
    expect(open, `${this.lesson.id}/${stepId}: checks still open (hints: ${JSON.stringify([...this.run.hints])})`).toEqual([]);
  }

  expectOpen(checkId: string, hint?: string): void {
    expect(this.run.isPassed(checkId), `${checkId} should not have ticked`).toBe(false);
    if (hint !== undefined) expect(this.run.hints.get(checkId), `${checkId}'s hint`).toBe(hint);
  }

  expectComplete(): void {
    const open = checksOf(this.lesson)
      .filter((c) => !c.optional && !this.run.isPassed(c.id))
      .map((c) => c.id);
    expect(open).toEqual([]);
    expect(this.run.complete).toBe(true);
  }
}
