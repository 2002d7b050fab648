import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lessonPci } from '../../../../src/common/lessons/content';
import { EventKind, Source } from '../../../../src/common/trace/schema';
import LessonsPane from '../../../../src/renderer/src/components/LessonsPane.vue';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { useLab } from '../../../../src/renderer/src/stores/lab';
import { useLessons } from '../../../../src/renderer/src/stores/lessons';
import { labWith, setup, stream, type Ev } from './support';

const LSPCI = '00:04.0 Unclassified device [00ff]: Device [1234:11e8] (rev 10)\r\n';
const out = (text: string): Ev => ({ kind: EventKind.ConsoleOutput, text });
const cfg = (kind: EventKind, offset: number, value: number, source: Source = Source.Guest): Ev => ({ kind, addr: 0x2000 | offset, value, source, size: offset === 0x04 ? 2 : 4 });

beforeEach(() => {
  localStorage.clear();
  setLanguage('en');
});
afterEach(() => {
  useLessons().$dispose();
});

async function openPci(recorded = 10) {
  const { lab, calls } = labWith([], recorded);
  setup(lab, recorded);
  const w = mount(LessonsPane, { attachTo: document.body });
  await w.get('[data-testid=lesson-open-pci-discovery]').trigger('click');
  await flushPromises();
  return { w, calls };
}

describe('the lesson panel', () => {
  it('lists the six lessons, in English and in Chinese', async () => {
    const { lab } = labWith();
    setup(lab);
    const w = mount(LessonsPane);
    const items = w.findAll('[data-testid^=lesson-item-]');
    expect(items.map((i) => i.attributes('data-testid'))).toEqual([
      'lesson-item-pci-discovery',
      'lesson-item-mmio',
      'lesson-item-factorial',
      'lesson-item-interrupts',
      'lesson-item-dma',
      'lesson-item-device-model',
    ]);
    expect(items[0]!.text()).toContain('PCI discovery');
    expect(items[0]!.attributes('data-state')).toBe('new');
    expect(w.get('[data-testid=lesson-open-pci-discovery]').text()).toBe('Start');
    setLanguage('zh-CN');
    await w.vm.$nextTick();
    expect(w.get('[data-testid=lesson-item-pci-discovery]').text()).toContain('PCI 设备发现');
    expect(w.get('[data-testid=lesson-open-pci-discovery]').text()).toBe('开始');
  });

  it('opens a lesson on its first step; Run types the command and Enter, Paste only the command', async () => {
    const { w, calls } = await openPci();
    expect(w.get('[data-testid=lesson-title]').text()).toContain('PCI discovery');
    expect(w.get('[data-testid=lesson-step-find]').attributes('data-state')).toBe('current');
    expect(w.get('[data-testid=lesson-step-header]').attributes('data-state')).toBe('upcoming');
    expect(w.get('[data-testid=lesson-command-find-0]').text()).toBe('lspci -nn');
    await w.get('[data-testid=lesson-run-find-0]').trigger('click');
    await w.get('[data-testid=lesson-paste-find-0]').trigger('click');
    expect(calls.filter((c) => c.method === 'consoleInput').map((c) => c.args[0])).toEqual(['\x05\x15lspci -nn\r', 'lspci -nn']);
  });

  it('ticks a check from the live stream and moves on to the next step; events from before the start do not count', async () => {
    const { w } = await openPci(10);
    // Seq 5 happened before the lesson started (the session had 10 events).
    await stream(5, [out(LSPCI)]);
    expect(w.get('[data-testid=lesson-check-lspci]').attributes('data-state')).toBe('open');
    await stream(10, [out('lspci -nn\r\n'), out(LSPCI), out('root@edu-lab:~# ')]);
    expect(w.get('[data-testid=lesson-check-lspci]').attributes('data-state')).toBe('passed');
    expect(w.get('[data-testid=lesson-step-find]').attributes('data-state')).toBe('done');
    expect(w.get('[data-testid=lesson-step-header]').attributes('data-state')).toBe('current');
    expect(w.get('[data-testid=lesson-progress]').text()).toBe('1 of 10 checks');
  });

  it('shows a hint when a step goes wrong, only once the learner is on that step', async () => {
    const { w } = await openPci(0);
    // A BAR0 read before any sizing write, while on step 1: no hint yet.
    await stream(0, [cfg(EventKind.ConfigRead, 0x10, 0xfea00000)]);
    expect(w.find('[data-testid=lesson-hint-size-read]').exists()).toBe(false);
    await stream(1, [out(LSPCI), out('Region 0: Memory at fea00000 (32-bit, non-prefetchable) [size=1M]\n')]);
    await stream(3, [cfg(EventKind.ConfigRead, 0x04, 0x0103), out('0103\r\n')]);
    expect(w.get('[data-testid=lesson-step-sizing]').attributes('data-state')).toBe('current');
    await stream(5, [cfg(EventKind.ConfigRead, 0x10, 0xfea00000)]);
    const hint = w.get('[data-testid=lesson-hint-size-read]');
    expect(hint.text()).toMatch(/Write ffffffff first/);
    expect(w.get('[data-testid=lesson-check-size-read]').attributes('data-state')).toBe('open');
    setLanguage('zh-CN');
    await w.vm.$nextTick();
    expect(w.get('[data-testid=lesson-hint-size-read]').text()).toMatch(/先写 ffffffff/);
  });

  it('keeps progress across a reload, and a reset starts the lesson over', async () => {
    const first = await openPci(10);
    await stream(10, [out(LSPCI)]);
    first.w.unmount();
    useLessons().$dispose();
    const saved = JSON.parse(localStorage.getItem('edu-lab.lessons')!);
    expect(saved.open).toBe('pci-discovery');
    expect(saved.lessons['pci-discovery'].passed).toEqual(['lspci']);

    // A new window on the same session: the lesson is open again, its tick kept.
    const { lab } = labWith([], 11);
    setup(lab, 11);
    const w = mount(LessonsPane);
    await flushPromises();
    expect(w.get('[data-testid=lesson-check-lspci]').attributes('data-state')).toBe('passed');
    await w.get('[data-testid=lesson-reset]').trigger('click');
    await w.get('[data-testid=lesson-reset-yes]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid=lesson-check-lspci]').attributes('data-state')).toBe('open');
    expect(JSON.parse(localStorage.getItem('edu-lab.lessons')!).lessons['pci-discovery'].passed).toEqual([]);
    await w.get('[data-testid=lesson-back]').trigger('click');
    expect(w.get('[data-testid=lesson-item-pci-discovery]').attributes('data-state')).toBe('started');
  });

  it('catches up with events recorded while the window was not following', async () => {
    // The lesson started after event 1 of this session; events 2 and 3 arrived before this window followed.
    localStorage.setItem(
      'edu-lab.lessons',
      JSON.stringify({ open: 'pci-discovery', lessons: { 'pci-discovery': { passed: [], completed: false, anchor: { seq: 1, vns: 1000 }, startVns: 1000, endVns: null } } }),
    );
    const events: Ev[] = [out('boot\r\n'), out('x'), out('lspci -nn\r\n'), out(LSPCI)];
    const { lab } = labWith(events);
    setup(lab, events.length);
    const w = mount(LessonsPane);
    await flushPromises();
    expect(w.get('[data-testid=lesson-check-lspci]').attributes('data-state')).toBe('passed');
  });

  it('a new session (the anchor event is not there) keeps the ticks and watches from now', async () => {
    localStorage.setItem(
      'edu-lab.lessons',
      JSON.stringify({ open: 'pci-discovery', lessons: { 'pci-discovery': { passed: ['lspci'], completed: false, anchor: { seq: 500, vns: 9 }, startVns: 9, endVns: null } } }),
    );
    const { lab } = labWith([out('old'), out(LSPCI)], 2);
    setup(lab, 2);
    const w = mount(LessonsPane);
    await flushPromises();
    expect(w.get('[data-testid=lesson-check-lspci]').attributes('data-state')).toBe('passed');
    expect(w.get('[data-testid=lesson-step-header]').attributes('data-state')).toBe('current');
    // Watching from event 2 on: this one counts.
    await stream(2, [out('Region 0: Memory at fea00000 (32-bit, non-prefetchable) [size=1M]\n')]);
    expect(w.get('[data-testid=lesson-check-region]').attributes('data-state')).toBe('passed');
  });

  it('a replayed session shown instead of the live lab does not tick anything', async () => {
    const { w } = await openPci(0);
    useLab().replay = { name: 'old.jsonl', app: 'edu-lab 0.1.0', createdAt: '', profile: 'upstream', events: 3, from: 0, to: 1, droppedLine: null };
    await stream(0, [out(LSPCI)]);
    expect(w.get('[data-testid=lesson-check-lspci]').attributes('data-state')).toBe('open');
    useLab().replay = null;
    await stream(1, [out(LSPCI)]);
    expect(w.get('[data-testid=lesson-check-lspci]').attributes('data-state')).toBe('passed');
  });

  it('runs a step\'s lab action', async () => {
    const { w, calls } = await openPci();
    await w.get('[data-testid=lesson-step-firmware] .head').trigger('click');
    await w.get('[data-testid=lesson-action-firmware-reset]').trigger('click');
    expect(calls.some((c) => c.method === 'machineReset')).toBe(true);
  });

  it('offers the session log for export when the lesson is complete', async () => {
    const all = lessonPci.steps.flatMap((s) => s.checks.map((c) => c.id)).filter((id) => id !== 'irq-line');
    localStorage.setItem(
      'edu-lab.lessons',
      JSON.stringify({ open: 'pci-discovery', lessons: { 'pci-discovery': { passed: all, completed: false, anchor: { seq: 3, vns: 3000 }, startVns: 3000, endVns: null } } }),
    );
    const job = { id: 1, format: 'jsonl', state: 'running', written: 0, total: 10, file: 'edu-lab.jsonl', download: null, error: null };
    const { lab, calls } = labWith([out('a'), out('b'), out('c'), out('d')], 4, { sessionExport: job });
    setup(lab, 4);
    const w = mount(LessonsPane);
    await flushPromises();
    expect(w.find('[data-testid=lesson-complete]').exists()).toBe(false);
    await stream(4, [out('setpci -s 00:04.0 INTERRUPT_LINE INTERRUPT_PIN\r\n'), out('0b\r\n01\r\n'), { kind: EventKind.ConsoleOutput, text: 'root@edu-lab:~# ', vns: 77_000 }]);
    expect(w.get('[data-testid=lesson]').attributes('data-complete')).toBe('true');
    expect(w.get('[data-testid=lesson-complete]').text()).toContain('Lesson complete');

    // Without a handler the lab is asked for the lesson's time range...
    await w.get('[data-testid=lesson-export]').trigger('click');
    await flushPromises();
    const exportCall = calls.find((c) => c.method === 'sessionExport');
    expect(exportCall?.args[0]).toMatchObject({ format: 'jsonl', from: 3000 });
    expect(w.find('[data-testid=lesson-export-started]').exists()).toBe(true);

    // ...and with one (the window's export flow), it gets the request instead.
    const requests: unknown[] = [];
    useLessons().onExport((r) => void requests.push(r));
    await w.get('[data-testid=lesson-export]').trigger('click');
    await flushPromises();
    expect(requests).toEqual([{ lessonId: 'pci-discovery', format: 'jsonl', from: 3000, to: expect.any(Number) }]);
    expect(calls.filter((c) => c.method === 'sessionExport')).toHaveLength(1);
    await w.get('[data-testid=lesson-back]').trigger('click');
    expect(w.get('[data-testid=lesson-item-pci-discovery]').attributes('data-state')).toBe('completed');
    expect(w.get('[data-testid=lesson-open-pci-discovery]').text()).toBe('Review');
  });
});
