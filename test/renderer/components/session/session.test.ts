import { flushPromises, mount } from '@vue/test-utils';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IMPORT_CHUNK_BYTES, type ExportJob, type ReplayInfo, type ReplayState } from '../../../../src/common/api/session';
import ExportDialog from '../../../../src/renderer/src/components/session/ExportDialog.vue';
import ReplayBar from '../../../../src/renderer/src/components/session/ReplayBar.vue';
import { uploadSession, type SessionImportApi } from '../../../../src/renderer/src/components/session/upload';
import { consoleBus } from '../../../../src/renderer/src/console-bus';
import { setLanguage } from '../../../../src/renderer/src/i18n';
import { timeline } from '../../../../src/renderer/src/session';
import { useLab } from '../../../../src/renderer/src/stores/lab';
import { fakeLab, setupStores, snapshot } from '../shell/support';

beforeAll(() => {
  // jsdom's <dialog> may lack showModal: a no-op is enough to mount the dialog.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});
beforeEach(() => {
  setLanguage('en');
  timeline.reset({ markers: true });
});

const file = (bytes: Uint8Array, name = 's.jsonl') => ({
  name,
  size: bytes.length,
  slice: (a: number, b: number) => ({ arrayBuffer: async () => bytes.slice(a, b).buffer }),
});

const REPLAY: ReplayInfo = { name: 'old.jsonl', app: 'edu-lab 0.1.0', createdAt: '2026-11-01T10:00:00Z', profile: 'upstream', events: 1234, from: 1000, to: 9_000_000, droppedLine: null };

describe('uploading a session file', () => {
  it('sends it in chunks of at most IMPORT_CHUNK_BYTES, reporting progress, then ends the upload', async () => {
    const bytes = new Uint8Array(IMPORT_CHUNK_BYTES * 2 + 10).map((_, i) => i & 0xff);
    const chunks: string[] = [];
    const api: SessionImportApi = {
      sessionImportBegin: vi.fn(async () => 7),
      sessionImportChunk: vi.fn(async (_id: number, b64: string) => chunks.push(b64)),
      sessionImportEnd: vi.fn(async () => REPLAY),
      sessionImportAbort: vi.fn(async () => {}),
    };
    const progress: number[] = [];
    expect(await uploadSession(api, file(bytes), (f) => progress.push(f))).toBe(REPLAY);
    expect(api.sessionImportBegin).toHaveBeenCalledWith('s.jsonl', bytes.length);
    expect(chunks.map((c) => atob(c).length)).toEqual([IMPORT_CHUNK_BYTES, IMPORT_CHUNK_BYTES, 10]);
    expect(Uint8Array.from(atob(chunks[2]!), (c) => c.charCodeAt(0))).toEqual(bytes.slice(-10));
    expect(progress.at(-1)).toBe(1);
    expect(api.sessionImportEnd).toHaveBeenCalledWith(7);
  });

  it('abandons the upload on the lab when a chunk is refused', async () => {
    const api: SessionImportApi = {
      sessionImportBegin: async () => 3,
      sessionImportChunk: async () => {
        throw new Error('disk full');
      },
      sessionImportEnd: vi.fn(),
      sessionImportAbort: vi.fn(async () => {}),
    };
    await expect(uploadSession(api, file(new Uint8Array(5)))).rejects.toThrow('disk full');
    expect(api.sessionImportAbort).toHaveBeenCalledWith(3);
    expect(api.sessionImportEnd).not.toHaveBeenCalled();
  });
});

describe('the export dialog', () => {
  it('exports the chosen format over the chosen range, and shows progress with Cancel', async () => {
    const { lab, calls } = fakeLab();
    setupStores(lab);
    const w = mount(ExportDialog, { attachTo: document.body });
    expect((w.get('[data-testid=export-range-cursors]').element as HTMLInputElement).disabled).toBe(true);
    await w.get('[data-testid=export-format-vcd]').setValue(true);
    await w.get('[data-testid=export-start]').trigger('click');
    timeline.cursors.set('a', 2_000);
    timeline.cursors.set('b', 1_000);
    // The dialog reads the cursors as it opens (and whenever the timeline's data changes).
    w.unmount();
    const w2 = mount(ExportDialog, { attachTo: document.body });
    await w2.get('[data-testid=export-format-perfetto]').setValue(true);
    await w2.get('[data-testid=export-range-cursors]').setValue(true);
    await w2.get('[data-testid=export-start]').trigger('click');
    expect(calls).toEqual([
      { method: 'sessionExport', args: [{ format: 'vcd' }] },
      { method: 'sessionExport', args: [{ format: 'perfetto', from: 1_000, to: 2_000 }] },
    ]);
    const job: ExportJob = { id: 4, format: 'perfetto', state: 'running', written: 50, total: 200, file: 'x.json', download: null, error: null };
    useLab().applyMessage({ seq: 1, exports: [job] });
    await flushPromises();
    expect(w2.get('[data-testid=export-job-4]').text()).toContain('x.json: 50 of 200 events');
    await w2.get('[data-testid=export-cancel-4]').trigger('click');
    expect(calls.at(-1)).toEqual({ method: 'sessionExportCancel', args: [4] });
    useLab().applyMessage({ seq: 2, exports: [{ ...job, state: 'failed', error: 'disk full' }] });
    await flushPromises();
    expect(w2.get('[data-testid=export-job-4]').attributes('data-state')).toBe('failed');
    expect(w2.get('[data-testid=export-job-4]').text()).toContain('failed (disk full)');
    w2.unmount();
  });
});

describe('the replay bar', () => {
  it('says what is replayed, shows the state at cursor A, and goes back to the live lab', async () => {
    const state = (liveness: number, text: string): ReplayState => ({
      vns: 0,
      registers: { id: 0x010000ed, liveness, factorial: 0, status: 0, irqStatus: 0, dmaSrc: '0x0', dmaDst: '0x0', dmaCount: '0x0', dmaCmd: '0x0', dmaDeadlineNs: null },
      config: null,
      console: text,
    });
    const answers: Record<string, unknown> = { replayStateAt: state(5, 'at the end') };
    const { lab, calls } = fakeLab(answers);
    setupStores(lab, snapshot({ replay: REPLAY }));
    const screens: string[] = [];
    const off = consoleBus.onReset((t) => screens.push(t));
    vi.useFakeTimers();
    const w = mount(ReplayBar);
    await vi.advanceTimersByTimeAsync(0);
    expect(w.get('[data-testid=replay-name]').text()).toBe('Replay of old.jsonl');
    expect(w.text()).toContain('1234 events');
    expect(calls[0]).toEqual({ method: 'replayStateAt', args: [REPLAY.to] });
    expect(useLab().registers?.liveness).toBe(5);
    expect(screens.at(-1)).toBe('at the end');
    answers.replayStateAt = state(0, 'early');
    timeline.cursors.set('a', 5_000);
    await vi.advanceTimersByTimeAsync(250);
    expect(calls.at(-1)).toEqual({ method: 'replayStateAt', args: [5_000] });
    expect(useLab().registers?.liveness).toBe(0);
    expect(screens.at(-1)).toBe('early');
    await w.get('[data-testid=replay-close]').trigger('click');
    expect(calls.at(-1)).toEqual({ method: 'replayClose', args: [] });
    vi.useRealTimers();
    off();
    w.unmount();
  });
});
