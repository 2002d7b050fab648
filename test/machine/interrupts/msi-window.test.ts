import { describe, expect, it } from 'vitest';
import { MSI_ADDRESS_BASE, MSI_WINDOW_SIZE } from '../../../src/common/pci';
import { Source } from '../../../src/common/trace/schema';
import { createMsiWindow, type MsiMessage } from '../../../src/main/machine/interrupts/msi-window';
import { createMachine } from '../../support/machine';

const T = Source.Test;

function window() {
  const messages: MsiMessage[] = [];
  return { w: createMsiWindow(MSI_ADDRESS_BASE, (m) => messages.push(m)), messages };
}

describe('MSI window at 0xfee00000', () => {
  it('covers 0xfee00000-0xfeefffff', () => {
    expect(MSI_ADDRESS_BASE).toBe(0xfee00000);
    expect(MSI_WINDOW_SIZE).toBe(0x100000);
    expect(window().w.size).toBe(0x100000);
  });

  it('turns a dword write into a message with the written address and data', () => {
    const { w, messages } = window();
    w.write(0x1000, 4, 0x4023, T);
    expect(messages).toEqual([{ address: 0xfee01000, data: 0x4023 }]);
  });

  it('ignores byte and word writes', () => {
    const { w, messages } = window();
    w.write(0, 1, 0x23, T);
    w.write(0, 2, 0x4023, T);
    expect(messages).toEqual([]);
  });

  it('takes an 8-byte write as two dword messages (the APIC window accepts at most 4 bytes)', () => {
    const { w, messages } = window();
    w.write64(0, 0x0000002400004023n, T);
    expect(messages.map((m) => m.data)).toEqual([0x4023, 0x24]);
  });

  it('reads 0', () => {
    const { w } = window();
    expect(w.read(0, 4, T)).toBe(0);
  });

  it('is mapped in the machine: a CPU store there is a message too (machine.onMsi)', async () => {
    const m = await createMachine();
    const heard: MsiMessage[] = [];
    const off = m.onMsi((msg) => heard.push(msg));
    m.memory.write(0xfee00000, 4, 0x4041, T);
    off();
    m.memory.write(0xfee00000, 4, 0x4042, T);
    expect(heard).toEqual([{ address: 0xfee00000, data: 0x4041 }]);
  });
});
