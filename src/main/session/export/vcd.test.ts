import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventKind, Source } from '../../../common/trace/schema';
import { labAfter } from '../../../../test/support/lab-session';
import { everyLaneScript, EventScript, testHeader } from '../../../../test/support/trace-events';
import { gtkwaveRoundTrip, parseVcd, requireTool, sigrokRead, transitions, type ParsedVcd } from '../../../../test/support/vcd-tools';
import { encodeSession, exportSession } from './index';
import { vcdIdentifier } from './vcd';

const dir = () => mkdtempSync(join(tmpdir(), 'edu-lab-vcd-'));
const us = 1000;

/** Rules every file must follow, whichever the variant. */
function expectWellFormed(text: string, vcd: ParsedVcd): void {
  expect(text.endsWith('\n')).toBe(true);
  expect(vcd.sections.slice(0, 4)).toEqual(['$date', '$version', '$comment', '$timescale']);
  expect(vcd.timescale).toBe('1 us');
  expect(vcd.sections.at(-1)).toBe('$enddefinitions');
  // `#0` first, then $dumpvars with a value for every signal.
  expect(text).toMatch(/\$enddefinitions \$end\n#0\n\$dumpvars\n/);
  expect(vcd.times[0]).toBe(0);
  expect(vcd.changes.filter((c) => c.t === 0).map((c) => c.name).sort()).toEqual(vcd.vars.map((v) => v.name).sort());
  // Strictly increasing integer times, each signal at most once per time.
  for (let i = 1; i < vcd.times.length; i++) expect(vcd.times[i]).toBeGreaterThan(vcd.times[i - 1]!);
  const seen = new Set<string>();
  for (const c of vcd.changes) {
    const k = `${c.t}/${c.name}`;
    expect(seen.has(k), `${c.name} twice at #${c.t}`).toBe(false);
    seen.add(k);
  }
  // A final timestamp after the last change.
  const lastChange = vcd.changes.at(-1)!.t;
  expect(vcd.times.at(-1)).toBeGreaterThan(lastChange);
  expect(text.trimEnd().split('\n').at(-1)).toMatch(/^#\d+$/);
  // Identifiers: printable ASCII, unique.
  const ids = vcd.vars.map((v) => v.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[!-~]+$/);
}

/** Compare what a reader read with what was written: every transition of every signal it has. */
function expectSameTransitions(written: ParsedVcd, read: ParsedVcd, names: readonly string[]): void {
  const a = transitions(written, names);
  const b = transitions(read, names);
  for (const name of names) expect(b.get(name), name).toEqual(a.get(name));
}

describe('VCD export', () => {
  it('identifiers count in printable ASCII and never start a token like a time or keyword', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => vcdIdentifier(i));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe('!');
    for (const id of ids) expect(id).toMatch(/^[!"%-~]+$/);
  });

  it('writes a file GTKWave and PulseView accept: header, #0 before $dumpvars, increasing times, a final time', () => {
    for (const variant of ['vcd', 'vcd-pulseview'] as const) {
      const text = encodeSession(variant, testHeader(), everyLaneScript().events, { from: 0 });
      const vcd = parseVcd(text);
      expectWellFormed(text, vcd);
      const widths = new Map(vcd.vars.map((v) => [v.name, v.width]));
      if (variant === 'vcd') {
        expect(widths.get('irq_status')).toBe(32);
        expect(widths.get('mmio_addr')).toBe(20);
        expect(text).toMatch(/\nb1 \S+\n/);
      } else {
        expect([...widths.values()].every((w) => w === 1)).toBe(true);
        expect(text).not.toMatch(/\nb[01]/);
      }
      // Lanes first seen late in the stream are declared too (the header is written last).
      expect([...widths.keys()]).toEqual(expect.arrayContaining(['fact_busy', 'dma_busy', 'intx_11', 'handler_11', 'handler_24', 'irq_fact', 'irq_dma', 'irq_bit31', 'clock_paused', 'msi', 'mmio_guest', 'mmio_ui', 'mmio_test']));
    }
  });

  it('records the levels of every lane at the right microseconds', () => {
    const vcd = parseVcd(encodeSession('vcd', testHeader(), everyLaneScript().events, { from: 0 }));
    const t = transitions(vcd);
    expect(t.get('fact_busy')).toEqual([[0, 0], [10, 1], [40, 0]]);
    expect(t.get('intx_11')).toEqual([[0, 0], [40, 1], [50, 0]]);
    expect(t.get('irq_status')).toEqual([[0, 0], [40, 1], [50, 0], [170, 0x100], [180, 0], [210, 0x8000_0000], [220, 0]]);
    expect(t.get('irq_fact')).toEqual([[0, 0], [40, 1], [50, 0]]);
    expect(t.get('irq_dma')).toEqual([[0, 0], [170, 1], [180, 0]]);
    expect(t.get('irq_bit31')).toEqual([[0, 0], [210, 1], [220, 0]]);
    expect(t.get('handler_11')).toEqual([[0, 0], [45, 1], [55, 0]]);
    expect(t.get('handler_24')).toEqual([[0, 0], [175, 1], [185, 0]]);
    expect(t.get('dma_busy')).toEqual([[0, 0], [70, 1], [170, 0], [230, 1], [240, 0]]);
    expect(t.get('dma_error')).toEqual([[0, 0], [240, 1], [241, 0]]);
    expect(t.get('msi')).toEqual([[0, 0], [170, 1], [171, 0], [212, 1], [213, 0]]);
    expect(t.get('msi_dropped')).toEqual([[0, 0], [212, 1], [213, 0]]);
    expect(t.get('msi_data')).toEqual([[0, 0], [170, 0x4041]]);
    expect(t.get('irq_raise')).toEqual([[0, 0], [40, 1], [41, 0], [170, 1], [171, 0], [210, 1], [211, 0]]);
    expect(t.get('irq_disabled')).toEqual([[0, 0], [250, 1], [251, 0]]);
    // Zero-width in virtual time, still one microsecond wide in the file.
    expect(t.get('clock_paused')).toEqual([[0, 0], [200, 1], [201, 0]]);
    expect(t.get('mmio_guest')).toEqual([[0, 0], [2, 1], [3, 0], [5, 1], [6, 0], [10, 1], [11, 0], [47, 1], [48, 0], [50, 1], [51, 0]]);
    expect(t.get('mmio_ui')).toEqual([[0, 0], [70, 1], [71, 0]]);
    expect(t.get('mmio_addr')).toEqual([[0, 0], [5, 0x20], [10, 0x08], [47, 0x24], [50, 0x64], [70, 0x98]]);
    expect(t.get('mmio_we')).toEqual([[0, 0], [5, 1], [47, 0], [50, 1]]);
    // The last event (a shell command at 260 us) ends the file one microsecond later.
    expect(vcd.times.at(-1)).toBe(261);
  });

  it('keeps changes that collapse onto one microsecond visible: pulses are stretched to the next microsecond', () => {
    const s = new EventScript()
      // Raise and ack 300 ns apart: the status goes 0 -> 1 -> 0 inside microsecond 10.
      .add(EventKind.IrqRaise, 10_100, { addr: 1, value: 1 })
      .add(EventKind.IrqAck, 10_400, { addr: 0, value: 1 })
      // Two MMIO strobes in one microsecond merge into one pulse.
      .add(EventKind.MmioRead, 20_100, { source: Source.Guest, addr: 0 })
      .add(EventKind.MmioRead, 20_900, { source: Source.Guest, addr: 4 })
      // A level that ends where it started plus a change: the last value of the microsecond wins.
      .add(EventKind.IntxLevel, 30_000, { addr: 11, value: 1 })
      .add(EventKind.IntxLevel, 30_500, { addr: 11, value: 0 })
      .add(EventKind.IntxLevel, 30_900, { addr: 11, value: 1 })
      // A pulse right before another change of the same signal in the next microsecond.
      .add(EventKind.HandlerEnter, 40_100, { addr: 11, value: 11 })
      .add(EventKind.HandlerExit, 40_200, { addr: 11, value: 1 })
      .add(EventKind.HandlerEnter, 41_500, { addr: 11, value: 11 })
      .add(EventKind.HandlerExit, 45_000, { addr: 11, value: 1 });
    const text = encodeSession('vcd', testHeader(), s.events, { from: 0 });
    const vcd = parseVcd(text);
    expectWellFormed(text, vcd);
    const t = transitions(vcd);
    expect(t.get('irq_status')).toEqual([[0, 0], [10, 1], [11, 0]]);
    expect(t.get('irq_fact')).toEqual([[0, 0], [10, 1], [11, 0]]);
    expect(t.get('irq_raise')).toEqual([[0, 0], [10, 1], [11, 0]]);
    expect(t.get('irq_ack')).toEqual([[0, 0], [10, 1], [11, 0]]);
    expect(t.get('mmio_guest')).toEqual([[0, 0], [20, 1], [21, 0]]);
    expect(t.get('mmio_addr')).toEqual([[0, 0], [20, 4]]);
    expect(t.get('intx_11')).toEqual([[0, 0], [30, 1]]);
    // 40.1-40.2 us: in and out, stretched (back out at 41); 41.5 us: in again, shown at 42; 45 us: out.
    expect(t.get('handler_11')).toEqual([[0, 0], [40, 1], [41, 0], [42, 1], [45, 0]]);
  });

  it('a pulse in the last microsecond still returns before the final time (and the tools see both edges)', () => {
    const s = new EventScript()
      .add(EventKind.MmioWrite, 3_000, { source: Source.Ui, addr: 0x60, value: 1 })
      .add(EventKind.IrqRaise, 3_000, { source: Source.Ui, addr: 1, value: 1 })
      .add(EventKind.ClockPause, 9_200, { source: Source.Ui })
      .add(EventKind.ClockResume, 9_200, { source: Source.Ui });
    const text = encodeSession('vcd-pulseview', testHeader(), s.events, { from: 0 });
    const vcd = parseVcd(text);
    expectWellFormed(text, vcd);
    expect(transitions(vcd).get('clock_paused')).toEqual([[0, 0], [9, 1], [10, 0]]);
    expect(vcd.times.at(-1)).toBe(11);
    const d = dir();
    writeFileSync(join(d, 'last.vcd'), text);
    expectSameTransitions(vcd, parseVcd(sigrokRead(join(d, 'last.vcd')).vcd), vcd.vars.map((v) => v.name));
    const gtk = encodeSession('vcd', testHeader(), s.events, { from: 0 });
    writeFileSync(join(d, 'last-gtk.vcd'), gtk);
    expectSameTransitions(parseVcd(gtk), parseVcd(gtkwaveRoundTrip(join(d, 'last-gtk.vcd'), join(d, 'last.fst')).vcd), ['clock_paused', 'irq_status']);
  });

  it('a session whose virtual time stands still (deterministic mode) still shows each pulse', async () => {
    const lab = await labAfter([{ line: 'modprobe edu && edu fact 5', until: '120' }]);
    const text = encodeSession('vcd', lab.sessionHeader(), lab.recorder.events());
    const vcd = parseVcd(text);
    expectWellFormed(text, vcd);
    const t = transitions(vcd);
    expect(t.get('mmio_guest')!.length).toBeGreaterThanOrEqual(2);
    expect(t.get('mmio_guest')!.at(-1)![1]).toBe(0);
  });

  it('GTKWave reads every change, the last one included (vcd2fst, fst2vcd)', () => {
    requireTool('vcd2fst');
    requireTool('fst2vcd');
    const d = dir();
    const path = join(d, 'lanes.vcd');
    const text = encodeSession('vcd', testHeader(), everyLaneScript().events, { from: 0 });
    writeFileSync(path, text);
    const written = parseVcd(text);
    const { vcd } = gtkwaveRoundTrip(path, join(d, 'lanes.fst'));
    const read = parseVcd(vcd);
    expect(read.vars.map((v) => [v.name, v.width])).toEqual(written.vars.map((v) => [v.name, v.width]));
    expectSameTransitions(written, read, written.vars.map((v) => v.name));
    // The last change in the file is there.
    const last = written.changes.at(-1)!;
    expect(read.changes).toContainEqual(last);
  });

  it('PulseView (libsigrok) imports the pulseview variant with every transition of every wire', () => {
    requireTool('sigrok-cli');
    const d = dir();
    const path = join(d, 'lanes.vcd');
    const text = encodeSession('vcd-pulseview', testHeader(), everyLaneScript().events, { from: 0 });
    writeFileSync(path, text);
    const written = parseVcd(text);
    const { vcd, stderr } = sigrokRead(path);
    expect(stderr).not.toMatch(/Unsupported|error/i);
    const read = parseVcd(vcd);
    expect(read.vars.map((v) => v.name)).toEqual(written.vars.map((v) => v.name));
    expectSameTransitions(written, read, written.vars.map((v) => v.name));
    // Among them the very last change (dma_error / irq_disabled back to 0), which needs the final time.
    const lastT = written.changes.at(-1)!.t;
    expect(read.changes.some((c) => c.t === lastT)).toBe(true);
  });

  it('exports a range: the state at `from` comes from earlier events, nothing before it is written', async () => {
    const d = dir();
    const path = join(d, 'range.vcd');
    // From 45 us (handler 11 and INTx high, factorial done) to 175 us (DMA completed, second handler entered).
    const n = await exportSession(path, 'vcd', testHeader(), everyLaneScript().events, { from: 45 * us, to: 175 * us });
    const events = everyLaneScript().events.filter((e) => e.vns >= 45 * us && e.vns <= 175 * us);
    expect(n).toBe(events.length);
    const text = readFileSync(path, 'utf8');
    const vcd = parseVcd(text);
    expectWellFormed(text, vcd);
    expect(text).toContain('time 0 = 45000 ns of virtual time');
    const t = transitions(vcd);
    // Initial values at #0: what was true at 45 us.
    expect(t.get('intx_11')).toEqual([[0, 1], [5, 0]]);
    expect(t.get('irq_status')).toEqual([[0, 1], [5, 0], [125, 0x100]]);
    expect(t.get('fact_busy')).toEqual([[0, 0]]);
    expect(t.get('handler_11')).toEqual([[0, 1], [10, 0]]);
    expect(t.get('dma_busy')).toEqual([[0, 0], [25, 1], [125, 0]]);
    expect(t.get('handler_24')).toEqual([[0, 0], [130, 1]]);
    // Nothing from before the range (the factorial's MMIO writes) and nothing after it.
    expect(t.get('mmio_guest')).toEqual([[0, 0], [2, 1], [3, 0], [5, 1], [6, 0]]);
    expect(t.get('irq_bit31')).toBeUndefined();
    expect(vcd.times.at(-1)).toBe(131);
  });

  it('exports a real session (edu fact 10 --irq) that both tools read completely', async () => {
    // Real time (deterministic mode warps only when idle: the whole run would fit in a microsecond).
    const lab = await labAfter(
      [
        { line: 'modprobe edu', until: 'root@edu-lab' },
        { line: 'edu fact 10 --irq', until: '3628800' },
      ],
      { deterministic: false },
    );
    const d = dir();
    for (const format of ['vcd', 'vcd-pulseview'] as const) {
      const path = join(d, `${format}.vcd`);
      const n = await exportSession(path, format, lab.sessionHeader(), lab.recorder.events());
      expect(n).toBe(lab.recorder.recorded);
      const text = readFileSync(path, 'utf8');
      const written = parseVcd(text);
      expectWellFormed(text, written);
      const t = transitions(written);
      // The factorial ran, raised bit 0, INTx 11 went high, the handler ran and acknowledged it.
      expect(t.get('fact_busy')!.map((x) => x[1])).toEqual([0, 1, 0]);
      expect(t.get('irq_fact')!.map((x) => x[1])).toEqual([0, 1, 0]);
      expect(t.get('intx_11')!.map((x) => x[1])).toEqual([0, 1, 0]);
      expect(t.get('handler_11')!.map((x) => x[1])).toEqual([0, 1, 0]);
      const [raise, ack] = [t.get('irq_fact')![1]![0], t.get('irq_fact')![2]![0]];
      expect(t.get('handler_11')![1]![0]).toBeGreaterThanOrEqual(raise);
      expect(t.get('handler_11')![2]![0]).toBeGreaterThanOrEqual(ack);
      const names = written.vars.map((v) => v.name);
      const read = format === 'vcd' ? parseVcd(gtkwaveRoundTrip(path, join(d, 'real.fst')).vcd) : parseVcd(sigrokRead(path).vcd);
      expectSameTransitions(written, read, names);
    }
  });
});
