/**
 * What the register and config view tests mount against: a lab snapshot shaped like the real device's
 * (00:04.0 after firmware, driver not loaded), a fake Lab whose methods record their calls, and a
 * Pinia whose lab store holds both.
 */
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { EduRegisters, LabApi, LabSnapshot } from '../../../../src/common/api/lab-api';
import type { Lab } from '../../../../src/renderer/src/api/lab';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { useLab } from '../../../../src/renderer/src/stores/lab';
import { snapshot as baseSnapshot } from '../shell/support';

/** Puts `value` little-endian in `size` bytes at `offset` of `bytes`. */
function littleEndianInto(bytes: number[]): (offset: number, size: number, value: number) => void {
  return (offset, size, value) => {
    for (let i = 0; i < size; i++) bytes[offset + i] = Math.floor(value / 256 ** i) & 0xff;
  };
}

/** 00:04.0's configuration space as the firmware leaves it (command 0x0103, BAR0 at 0xfea00000, IRQ 11). */
export function edu00040Config(): number[] {
  const c = new Array<number>(256).fill(0);
  const put = littleEndianInto(c);
  put(0x00, 2, 0x1234);
  put(0x02, 2, 0x11e8);
  put(0x04, 2, 0x0103);
  put(0x06, 2, 0x0010);
  put(0x08, 4, 0x00ff0010);
  put(0x10, 4, 0xfea00000);
  put(0x2c, 2, 0x1af4);
  put(0x2e, 2, 0x1100);
  put(0x34, 1, 0x40);
  put(0x3c, 1, 11);
  put(0x3d, 1, 1);
  put(0x40, 1, 0x05);
  put(0x41, 1, 0x00);
  put(0x42, 2, 0x0080);
  return c;
}

/** Its write mask, as the device declares it. */
export function edu00040Wmask(): number[] {
  const m = new Array<number>(256).fill(0);
  const put = littleEndianInto(m);
  put(0x04, 2, 0x0507);
  put(0x0c, 1, 0xff);
  put(0x10, 4, 0xfff00000);
  put(0x3c, 1, 0xff);
  put(0x42, 2, 0x0071);
  put(0x44, 4, 0xfffffffc);
  put(0x48, 4, 0xffffffff);
  put(0x4c, 2, 0xffff);
  for (let i = 0x4e; i < 256; i++) m[i] = 0xff;
  return m;
}

export const POWER_ON_REGISTERS: EduRegisters = {
  id: 0x010000ed,
  liveness: 0,
  factorial: 0,
  status: 0,
  irqStatus: 0,
  dmaSrc: '0x0',
  dmaDst: '0x0',
  dmaCount: '0x0',
  dmaCmd: '0x0',
  dmaDeadlineNs: null,
};

export function snapshot(over: Partial<LabSnapshot> = {}): LabSnapshot {
  return baseSnapshot({
    clock: { state: 'running', vns: 1_000_000_000, speed: 1, deterministic: false, nextDeadlineNs: null },
    registers: POWER_ON_REGISTERS,
    config: edu00040Config(),
    configWritable: edu00040Wmask(),
    ...over,
  });
}

export interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
}

/** A Lab whose operations record their calls and answer from `answers` (or with undefined). */
export function fakeLab(answers: Partial<Record<keyof LabApi, (...args: never[]) => unknown>> = {}): { lab: Lab; calls: Call[] } {
  const calls: Call[] = [];
  const lab = new Proxy({} as Record<string, unknown>, {
    get(_target, prop) {
      if (prop === 'host') return 'web';
      if (prop === 'onStream') return () => () => {};
      if (prop === 'resync') return () => {};
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      return (...args: unknown[]) => {
        calls.push({ method: prop, args });
        const answer = answers[prop as keyof LabApi] as ((...a: unknown[]) => unknown) | undefined;
        return Promise.resolve(answer ? answer(...args) : undefined);
      };
    },
  });
  return { lab: lab as unknown as Lab, calls };
}

/** A fresh Pinia with the lab store filled from a snapshot and attached to a fake Lab; English UI. */
export function labStore(snap: LabSnapshot = snapshot(), answers: Parameters<typeof fakeLab>[0] = {}): { pinia: Pinia; calls: Call[]; store: ReturnType<typeof useLab> } {
  setLanguage('en');
  const pinia = createPinia();
  setActivePinia(pinia);
  const store = useLab();
  store.applySnapshot(snap);
  const { lab, calls } = fakeLab(answers);
  store.attach(lab);
  return { pinia, calls, store };
}

/** Let the promises of a click's handler settle. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
