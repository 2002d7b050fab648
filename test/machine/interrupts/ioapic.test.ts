import { describe, expect, it } from 'vitest';
import { EventKind } from '../../../src/common/trace/schema';
import { IoApic } from '../../../src/main/machine/interrupts/ioapic';
import { Tracer } from '../../../src/main/machine/trace';

function apic() {
  const trace = new Tracer();
  const levels: [number, bigint][] = [];
  trace.attach({
    record: (kind, _source, addr, _size, _flags, lo) => {
      if (kind === EventKind.IntxLevel) levels.push([addr, BigInt(lo)]);
    },
    recordText: () => {},
  });
  const ioapic = new IoApic(trace);
  const changes: string[] = [];
  ioapic.onChange((gsi, level) => changes.push(`${gsi}:${level ? 'high' : 'low'}`));
  return { ioapic, changes, levels };
}

describe('IoApic lines (level-sensitive, shared)', () => {
  it('has 24 lines, all low at start', () => {
    const { ioapic } = apic();
    expect(IoApic.LINES).toBe(24);
    for (let gsi = 0; gsi < 24; gsi++) expect(ioapic.level(gsi)).toBe(false);
  });

  it('reports a change of level once, not every drive', () => {
    const { ioapic, changes } = apic();
    const dev = {};
    ioapic.drive(11, dev, true);
    ioapic.drive(11, dev, true);
    ioapic.drive(11, dev, false);
    ioapic.drive(11, dev, false);
    expect(changes).toEqual(['11:high', '11:low']);
  });

  it('keeps a shared line high while any source drives it', () => {
    const { ioapic, changes } = apic();
    const a = {};
    const b = {};
    ioapic.drive(11, a, true);
    ioapic.drive(11, b, true);
    ioapic.drive(11, a, false);
    expect(ioapic.level(11)).toBe(true);
    ioapic.drive(11, b, false);
    expect(ioapic.level(11)).toBe(false);
    expect(changes).toEqual(['11:high', '11:low']);
  });

  it('keeps lines independent', () => {
    const { ioapic, changes } = apic();
    const dev = {};
    ioapic.drive(10, dev, true);
    ioapic.drive(11, dev, true);
    ioapic.drive(10, dev, false);
    expect(ioapic.level(11)).toBe(true);
    expect(changes).toEqual(['10:high', '11:high', '10:low']);
  });

  it('traces each change of level', () => {
    const { ioapic, levels } = apic();
    const dev = {};
    ioapic.drive(11, dev, true);
    ioapic.drive(11, dev, true);
    ioapic.drive(11, dev, false);
    expect(levels).toEqual([
      [11, 1n],
      [11, 0n],
    ]);
  });

  it('stops telling a listener that unsubscribed', () => {
    const { ioapic } = apic();
    const heard: number[] = [];
    const off = ioapic.onChange((gsi) => heard.push(gsi));
    ioapic.drive(3, {}, true);
    off();
    ioapic.drive(4, {}, true);
    expect(heard).toEqual([3]);
  });

  it('refuses lines that do not exist', () => {
    const { ioapic } = apic();
    expect(() => ioapic.drive(24, {}, true)).toThrow(RangeError);
    expect(() => ioapic.drive(-1, {}, true)).toThrow(RangeError);
    expect(ioapic.level(99)).toBe(false);
  });
});
