import { describe, expect, it, vi } from 'vitest';
import { LAB_METHOD_NAMES, LabError, toLabError } from '../../../src/common/api/lab-api';
import { callChannel, IPC } from '../../../src/common/api/ipc';

const exposed: Record<string, unknown> = {};
const sent: string[] = [];
const portListeners = new Map<string, (event: { ports: unknown[] }) => void>();
const invoked: { channel: string; args: unknown[] }[] = [];

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => {
      exposed[key] = value;
    },
  },
  ipcRenderer: {
    on: (channel: string, listener: (event: { ports: unknown[] }) => void) => portListeners.set(channel, listener),
    send: (channel: string) => sent.push(channel),
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args });
      if (channel === callChannel('readConfig')) return { ok: true, result: 0x11e81234 };
      return { ok: false, error: { code: 'bad-request', message: 'nope' } };
    },
  },
}));

await import('../../../src/preload/index');

describe('preload', () => {
  const lab = exposed.lab as Record<string, (...a: unknown[]) => unknown>;

  it('exposes exactly window.lab: the LabApi methods, the stream subscription and the host name', () => {
    expect(Object.keys(exposed)).toEqual(['lab']);
    expect(Object.keys(lab).sort()).toEqual([...LAB_METHOD_NAMES, 'ack', 'host', 'onStream', 'resync'].sort());
    expect(lab.host).toBe('electron');
    expect(Object.isFrozen(lab)).toBe(true);
    expect(Object.values(lab).some((v) => v && typeof v === 'object'), 'no objects such as ipcRenderer').toBe(false);
  });

  it('asks for its stream at load, and again on resync', () => {
    expect(sent).toEqual([IPC.streamOpen]);
    lab.resync!();
    expect(sent).toEqual([IPC.streamOpen, IPC.streamOpen]);
  });

  it('turns each method into one invoke, and failures into { code, message }', async () => {
    expect(await lab.readConfig!(0, 4)).toBe(0x11e81234);
    expect(invoked.at(-1)).toEqual({ channel: 'lab:call:readConfig', args: [0, 4] });
    const error = await (lab.writeConfig!(0, 4, 1) as Promise<unknown>).catch((e: unknown) => e);
    expect(toLabError(error)).toEqual(new LabError('bad-request', 'nope'));
  });

  it('delivers stream messages from the MessagePort to every subscriber', () => {
    const got: unknown[] = [];
    const off = (lab.onStream as (l: (m: unknown) => void) => () => void)((m) => got.push(m));
    const port = { onmessage: null as null | ((e: { data: unknown }) => void), start: vi.fn(), close: vi.fn(), postMessage: vi.fn() };
    portListeners.get(IPC.streamPort)!({ ports: [port] });
    expect(port.start).toHaveBeenCalled();
    port.onmessage!({ data: { seq: 0 } });
    off();
    port.onmessage!({ data: { seq: 1 } });
    expect(got).toEqual([{ seq: 0 }]);
    // Acknowledgements go back on the same port.
    (lab.ack as (seq: number) => void)(1);
    expect(port.postMessage).toHaveBeenCalledWith({ type: 'ack', seq: 1 });
  });
});
