import { createPinia, setActivePinia } from 'pinia';
import type { LabSnapshot } from '../../../../src/common/api/lab-api';
import type { Lab } from '../../../../src/renderer/src/api/lab';
import { useLab } from '../../../../src/renderer/src/stores/lab';

/** A snapshot of a freshly booted lab, as the stream's first message would carry it. */
export function snapshot(over: Partial<LabSnapshot> = {}): LabSnapshot {
  const config = new Array(256).fill(0);
  config.splice(0, 4, 0x34, 0x12, 0xe8, 0x11);
  return {
    machine: { state: 'running', profile: 'upstream', ramSize: 256 << 20, dmaMask: '0xfffffff', factDelayMs: 0, bar0: 0xfea00000, abortMessage: null },
    clock: { state: 'running', vns: 1_234_567_890, speed: 1, deterministic: false, nextDeadlineNs: null },
    registers: { id: 0x010000ed, liveness: 0, factorial: 0, status: 0, irqStatus: 0, dmaSrc: '0x0', dmaDst: '0x0', dmaCount: '0x0', dmaCmd: '0x0', dmaDeadlineNs: null },
    config,
    configWritable: new Array(256).fill(0),
    dmaBuffer: '',
    driver: { loaded: false, params: null, irq: null, mode: null },
    console: '',
    deviceLog: [],
    eventsRecorded: 0,
    eventsFirstSeq: 0,
    replay: null,
    exports: [],
    ...over,
  };
}

/** What a fake Lab's method answers: a value, an Error to throw, or a function called with the arguments. */
export type Answer = unknown | ((...args: unknown[]) => unknown);

/** A Lab whose methods record their calls and answer from `answers` (undefined otherwise). */
export function fakeLab(answers: Record<string, Answer> = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const lab = new Proxy({} as Record<string, unknown>, {
    get(_t, method: string) {
      if (method === 'host') return 'web';
      if (method === 'onStream') return () => () => {};
      if (method === 'resync' || method === 'ack') return () => {};
      return async (...args: unknown[]) => {
        calls.push({ method, args });
        const answer = answers[method];
        if (answer instanceof Error) throw answer;
        return typeof answer === 'function' ? (answer as (...a: unknown[]) => unknown)(...args) : answer;
      };
    },
  }) as unknown as Lab;
  return { lab, calls };
}

/** A fresh Pinia with the lab store attached to `lab` and filled from `snap`. */
export function setupStores(lab: Lab, snap: LabSnapshot = snapshot()) {
  setActivePinia(createPinia());
  const store = useLab();
  store.attach(lab);
  store.applySnapshot(snap);
  return store;
}
