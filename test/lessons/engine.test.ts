import { describe, expect, it } from 'vitest';
import { BYTES_PER_EVENT, columnsOf } from '../../src/common/trace/columns';
import { EventFlag, EventKind, Source } from '../../src/common/trace/schema';
import { LessonRun, stripControl, type Lesson, type LessonEvent } from '../../src/common/lessons';
import { ConsoleTail, ev, inOrder, once, output, withHints } from '../../src/common/lessons/checks';
import { lessonInterrupts, STORM_RUNS } from '../../src/common/lessons/content/l4-interrupts';

let seq = 0;
function e(kind: EventKind, fields: Partial<Omit<LessonEvent, 'kind'>> = {}): LessonEvent {
  return { seq: seq++, vns: 0, kind, source: Source.Guest, size: 4, flags: 0, addr: 0, lo: 0, hi: 0, text: undefined, ...fields };
}
const out = (text: string) => e(EventKind.ConsoleOutput, { text, flags: EventFlag.Text });

/** Two steps: the second has a check with a hint. */
const toy: Lesson = {
  id: 'toy',
  number: 99,
  title: { en: 'Toy', 'zh-CN': '玩具' },
  summary: { en: 'Toy', 'zh-CN': '玩具' },
  wrapUp: { en: 'Done', 'zh-CN': '完成' },
  steps: [
    {
      id: 'one',
      title: { en: 'One', 'zh-CN': '一' },
      body: { en: 'x', 'zh-CN': '一' },
      checks: [
        { id: 'read-id', label: { en: 'read 0', 'zh-CN': '读 0' }, watch: once(ev({ kind: EventKind.MmioRead, addr: 0, lo: 0x010000ed })) },
        { id: 'bonus', optional: true, label: { en: 'bonus', 'zh-CN': '附加' }, watch: once(ev({ kind: EventKind.IrqDisabled })) },
      ],
    },
    {
      id: 'two',
      title: { en: 'Two', 'zh-CN': '二' },
      body: { en: 'y', 'zh-CN': '二' },
      checks: [
        {
          id: 'write-then-read',
          label: { en: 'w then r', 'zh-CN': '先写后读' },
          hints: { narrow: { en: 'narrow', 'zh-CN': '窄' } },
          watch: withHints(inOrder(ev({ kind: EventKind.MmioWrite, addr: 4 }), ev({ kind: EventKind.MmioRead, addr: 4 })), [
            { when: ev({ kind: EventKind.MmioRead, addr: 4, size: 1 }), hint: 'narrow' },
            { clearWhen: ev({ kind: EventKind.MmioWrite, addr: 4 }) },
          ]),
        },
      ],
    },
  ],
};

describe('a lesson run', () => {
  it('ticks checks in any order, skips events before its start and events seen twice', () => {
    seq = 0;
    const early = e(EventKind.MmioRead, { addr: 0, lo: 0x010000ed });
    const run = new LessonRun(toy, { fromSeq: 1 });
    expect(run.feed(early)).toBe(false);
    expect(run.isPassed('read-id')).toBe(false);
    // Step two's work done first still counts.
    run.feed(e(EventKind.MmioWrite, { addr: 4 }));
    const read = e(EventKind.MmioRead, { addr: 4 });
    expect(run.feed(read)).toBe(true);
    expect(run.isPassed('write-then-read')).toBe(true);
    expect(run.currentStep?.id).toBe('one');
    const id = e(EventKind.MmioRead, { addr: 0, lo: 0x010000ed });
    run.feed(id);
    expect(run.feed(id)).toBe(false);
    // The optional check is not needed to finish.
    expect(run.complete).toBe(true);
    expect(run.isPassed('bonus')).toBe(false);
    expect(run.currentStep).toBeUndefined();
  });

  it('gives a hint only once the learner has reached the step, and takes it back when it no longer applies', () => {
    seq = 0;
    const run = new LessonRun(toy);
    run.feed(e(EventKind.MmioRead, { addr: 4, size: 1 }));
    expect(run.hints.size).toBe(0);
    run.feed(e(EventKind.MmioRead, { addr: 0, lo: 0x010000ed }));
    expect(run.currentIndex).toBe(1);
    run.feed(e(EventKind.MmioRead, { addr: 4, size: 1 }));
    expect(run.hints.get('write-then-read')).toBe('narrow');
    expect(run.hintFor('write-then-read')?.['zh-CN']).toBe('窄');
    run.feed(e(EventKind.MmioWrite, { addr: 4 }));
    expect(run.hints.has('write-then-read')).toBe(false);
  });

  it('keeps saved ticks without watching them', () => {
    const run = new LessonRun(toy, { passed: ['read-id'] });
    expect(run.isPassed('read-id')).toBe(true);
    expect(run.currentStep?.id).toBe('two');
  });

  it('takes stream batches the same way, from where it is', () => {
    seq = 0;
    const events = [e(EventKind.MmioWrite, { addr: 4 }), e(EventKind.MmioRead, { addr: 4 }), e(EventKind.MmioRead, { addr: 0, lo: 0x010000ed }), out('hello')];
    const cols = columnsOf(new ArrayBuffer(events.length * BYTES_PER_EVENT), events.length);
    events.forEach((x, i) => {
      cols.kind[i] = x.kind;
      cols.addr[i] = x.addr;
      cols.valueLo[i] = x.text === undefined ? x.lo : 7;
      cols.flags[i] = x.flags;
      cols.size[i] = x.size;
      cols.source[i] = x.source;
    });
    const batch = { ...cols, fromSeq: 0, count: events.length, strings: new Map([[7, 'hello']]) };
    const seen: string[] = [];
    const run = new LessonRun(
      { ...toy, steps: [{ ...toy.steps[0]!, checks: [{ id: 'o', label: toy.title, watch: () => ({ feed: (x) => (seen.push(x.text ?? ''), x.text === 'hello' ? 'pass' : undefined) }) }] }] },
      { fromSeq: 1 },
    );
    expect(run.feedBatch(batch)).toBe(true);
    expect(seen).toEqual(['', '', 'hello']);
    expect(run.nextSeq).toBe(4);
    expect(run.feedBatch(batch)).toBe(false);
  });
});

describe('the console as checks read it', () => {
  it('strips terminal control and matches across output chunks, once', () => {
    expect(stripControl('devme \r\x1b[Km 0x1\r\n\x1b[1;32mok\x1b[0m')).toBe('devme m 0x1\nok');
    const tail = new ConsoleTail();
    seq = 0;
    tail.push(out('00:04.0 Unclassified dev'));
    tail.push(out('ice [00ff]\r\n'));
    expect(tail.find(/Unclassified device \[00ff\]/)).not.toBeNull();
    expect(tail.find(/Unclassified device/)).toBeNull();
    const w = output(/size=1M/)();
    expect(w.feed(e(EventKind.MmioRead))).toBeUndefined();
    expect(w.feed(out('[size=1M]'))).toBe('pass');
  });
});

describe('the storm checks, on recorded patterns', () => {
  it('count unhandled runs while the line stays up; the kernel disabling it is a bonus', () => {
    seq = 0;
    const run = new LessonRun(lessonInterrupts, { passed: ['raise', 'handler-read', 'handler-ack', 'intx', 'no-edge', 'cfg-status', 'level-drop', 'msi-enable', 'msi-two', 'msi-handler'] });
    run.feed(e(EventKind.IntxLevel, { addr: 11, lo: 1 }));
    for (let i = 0; i < STORM_RUNS - 1; i++) {
      run.feed(e(EventKind.HandlerEnter, { addr: 11, lo: 11 }));
      run.feed(e(EventKind.MmioRead, { addr: 0x24, lo: 0x10 }));
      run.feed(e(EventKind.HandlerExit, { addr: 11, lo: 0 }));
    }
    expect(run.isPassed('storm')).toBe(false);
    run.feed(e(EventKind.HandlerEnter, { addr: 11, lo: 11 }));
    run.feed(e(EventKind.HandlerExit, { addr: 11, lo: 0 }));
    expect(run.isPassed('storm')).toBe(true);
    run.feed(e(EventKind.IrqDisabled, { addr: 11 }));
    expect(run.isPassed('nobody-cared')).toBe(true);
    expect(run.complete).toBe(false);
    run.feed(e(EventKind.IntxLevel, { addr: 11, lo: 0 }));
    expect(run.complete).toBe(true);
  });
});
