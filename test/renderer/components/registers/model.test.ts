import { describe, expect, it } from 'vitest';
import { EDU_REGISTERS, EduReg, eduRegisterAt, type RegisterInfo } from '../../../../src/common/edu/datasheet';
import { Source } from '../../../../src/common/trace/schema';
import {
  accessSize,
  accessSizes,
  canRead,
  canWrite,
  decodeRegister,
  isRecent,
  lastAccessOf,
  registerValue,
  sourceId,
  writeBits,
  type Access,
} from '../../../../src/renderer/src/components/registers/model';
import { POWER_ON_REGISTERS } from './fixtures';

const reg = (offset: number): RegisterInfo => eduRegisterAt(offset)!;

describe('register values', () => {
  it('reads 32-bit registers as numbers and 64-bit ones from hex strings', () => {
    const regs = { ...POWER_ON_REGISTERS, liveness: 0xedcba987, dmaSrc: '0x1ffff0000', dmaCmd: '0x7' };
    expect(registerValue(regs, reg(EduReg.Id))).toBe(0x010000edn);
    expect(registerValue(regs, reg(EduReg.Liveness))).toBe(0xedcba987n);
    expect(registerValue(regs, reg(EduReg.DmaSrc))).toBe(0x1ffff0000n);
    expect(registerValue(regs, reg(EduReg.DmaCmd))).toBe(7n);
  });

  it('has no value for write-only registers, or before data', () => {
    expect(registerValue(POWER_ON_REGISTERS, reg(EduReg.IrqRaise))).toBeNull();
    expect(registerValue(POWER_ON_REGISTERS, reg(EduReg.IrqAck))).toBeNull();
    expect(registerValue(null, reg(EduReg.Id))).toBeNull();
  });
});

describe('access', () => {
  it('takes 4 bytes below 0x80 and 4 or 8 from the DMA registers on', () => {
    expect(accessSizes(reg(EduReg.Status))).toEqual([4]);
    expect(accessSizes(reg(EduReg.DmaCount))).toEqual([4, 8]);
    expect(accessSize(reg(EduReg.Status), 8)).toBe(4);
    expect(accessSize(reg(EduReg.DmaCount), 8)).toBe(8);
    expect(accessSize(reg(EduReg.DmaCount), 4)).toBe(4);
  });

  it('writes as many bits as the access carries', () => {
    expect(writeBits(reg(EduReg.Liveness), 4)).toBe(32);
    expect(writeBits(reg(EduReg.DmaSrc), 8)).toBe(64);
    expect(writeBits(reg(EduReg.DmaSrc), 4)).toBe(32);
  });

  it('knows the read-only and write-only registers', () => {
    const ro = EDU_REGISTERS.filter((r) => !canWrite(r)).map((r) => r.offset);
    const wo = EDU_REGISTERS.filter((r) => !canRead(r)).map((r) => r.offset);
    expect(ro).toEqual([EduReg.Id, EduReg.IrqStatus]);
    expect(wo).toEqual([EduReg.IrqRaise, EduReg.IrqAck]);
  });
});

describe('decodeRegister', () => {
  const flags = (offset: number, value: bigint) =>
    Object.fromEntries(decodeRegister(reg(offset), value).flatMap((c) => (c.kind === 'flag' ? [[c.name, c.on]] : [])));

  it('decodes status COMPUTING and IRQFACT', () => {
    expect(flags(EduReg.Status, 0n)).toEqual({ COMPUTING: false, IRQFACT: false });
    expect(flags(EduReg.Status, 0x01n)).toEqual({ COMPUTING: true, IRQFACT: false });
    expect(flags(EduReg.Status, 0x80n)).toEqual({ COMPUTING: false, IRQFACT: true });
    expect(flags(EduReg.Status, 0x81n)).toEqual({ COMPUTING: true, IRQFACT: true });
  });

  it('decodes the DMA command: RUN, IRQ, then the direction', () => {
    const chips = decodeRegister(reg(EduReg.DmaCmd), 0x5n);
    expect(chips.map((c) => c.kind)).toEqual(['flag', 'flag', 'direction']);
    expect(flags(EduReg.DmaCmd, 0x5n)).toEqual({ RUN: true, IRQ: true });
    expect(chips[2]).toEqual({ kind: 'direction', toRam: false });
    expect(decodeRegister(reg(EduReg.DmaCmd), 0x6n)).toContainEqual({ kind: 'direction', toRam: true });
    expect(flags(EduReg.DmaCmd, 0x6n)).toEqual({ RUN: false, IRQ: true });
  });

  it('decodes the interrupt status, with any other raised bits', () => {
    expect(flags(EduReg.IrqStatus, 0x101n)).toEqual({ FACT: true, DMA: true });
    expect(decodeRegister(reg(EduReg.IrqStatus), 0xdeadbeefn)).toContainEqual({ kind: 'other', value: 0xdeadbeefn & ~0x101n });
    expect(decodeRegister(reg(EduReg.IrqStatus), 0x100n).some((c) => c.kind === 'other')).toBe(false);
  });

  it('reads the version out of the identification', () => {
    expect(decodeRegister(reg(EduReg.Id), 0x010000edn)).toEqual([{ kind: 'version', major: 1, minor: 0 }]);
  });

  it('has nothing to decode for plain values and missing ones', () => {
    expect(decodeRegister(reg(EduReg.Factorial), 120n)).toEqual([]);
    expect(decodeRegister(reg(EduReg.Status), null)).toEqual([]);
  });
});

describe('last access', () => {
  const a = (vns: number, source: number = Source.Guest, write = false): Access => ({ source, write, vns, value: 0n });

  it('takes the newest access to either half of a 64-bit register', () => {
    const map = new Map([
      [0x80, a(10)],
      [0x84, a(20, Source.Ui, true)],
      [0x04, a(5)],
    ]);
    expect(lastAccessOf(map, reg(EduReg.DmaSrc))).toEqual(a(20, Source.Ui, true));
    expect(lastAccessOf(map, reg(EduReg.Liveness))).toEqual(a(5));
    expect(lastAccessOf(map, reg(EduReg.Factorial))).toBeUndefined();
  });

  it('names who accessed', () => {
    expect(sourceId(Source.Ui)).toBe('ui');
    expect(sourceId(Source.Guest)).toBe('guest');
    expect(sourceId(Source.Firmware)).toBe('firmware');
    expect(sourceId(99)).toBe('unknown');
  });

  it('flashes only recent changes', () => {
    expect(isRecent(1000, 1500)).toBe(true);
    expect(isRecent(1000, 2500)).toBe(false);
    expect(isRecent(undefined, 0)).toBe(false);
  });
});
