import { afterEach, describe, expect, it, vi } from 'vitest';
import { LAB_METHOD_NAMES } from '../../../src/common/api/lab-api';
import { callChannel, IPC, type IpcReply } from '../../../src/common/api/ipc';
import type { StreamMessage } from '../../../src/common/api/stream';
import { defaultUserland } from '../../../src/main/guest/userland';
import { Lab } from '../../../src/main/lab/lab';
import { testWorkers } from '../../support/workers';

vi.mock('electron', () => ({}));
const { appFrameCheck, LabIpc } = await import('../../../src/main/hosts/electron/ipc');

const APP = 'file:///opt/edu-lab/out/renderer/index.html';

/** ipcMain as far as the host uses it. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<IpcReply>>();
  const listeners = new Map<string, (event: unknown) => void>();
  return {
    handlers,
    listeners,
    handle: (channel: string, h: (event: unknown, ...args: unknown[]) => Promise<IpcReply>) => handlers.set(channel, h),
    on: (channel: string, l: (event: unknown) => void) => listeners.set(channel, l),
    removeHandler: (channel: string) => handlers.delete(channel),
    removeAllListeners: (channel: string) => listeners.delete(channel),
  };
}

/** A MessageChannelMain whose port1 keeps what the stream posts; `fromWindow` posts as the window would. */
function fakeChannel(received: StreamMessage[], fromWindow: { post?: (data: unknown) => void }) {
  return () => ({
    port1: {
      postMessage: (m: StreamMessage) => received.push(m),
      on: (_event: 'message', listener: (e: { data: unknown }) => void) => (fromWindow.post = (data) => listener({ data })),
      start: () => {},
      close: () => {},
    },
    port2: { name: 'port2' },
  });
}

const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.destroy();
});

async function setup() {
  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, interactive: false, deterministic: true });
  labs.push(lab);
  const mainFrame = { url: APP };
  const ipcMain = fakeIpcMain();
  const received: StreamMessage[] = [];
  const fromWindow: { post?: (data: unknown) => void } = {};
  const ipc = new LabIpc(lab, ipcMain as never, fakeChannel(received, fromWindow) as never, appFrameCheck(APP, () => [mainFrame as never]));
  const channels = ipc.register();
  const posted: { channel: string; ports: unknown[] }[] = [];
  const sender = { id: 7, postMessage: (channel: string, _m: unknown, ports: unknown[]) => posted.push({ channel, ports }) };
  const invoke = (method: string, frame: unknown, ...args: unknown[]) => ipcMain.handlers.get(callChannel(method as never))!({ senderFrame: frame, sender }, ...args);
  return { lab, ipc, ipcMain, channels, mainFrame, received, posted, sender, invoke, fromWindow };
}

describe('LabApi over Electron IPC', () => {
  it('registers exactly one invoke channel per LabApi method', async () => {
    const { channels, ipcMain } = await setup();
    expect(channels).toEqual(LAB_METHOD_NAMES.map((m) => `lab:call:${m}`));
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...channels].sort());
    expect([...ipcMain.listeners.keys()]).toEqual([IPC.streamOpen]);
  });

  it('answers the app main frame, with results and typed errors', async () => {
    const { invoke, mainFrame } = await setup();
    expect(await invoke('readConfig', mainFrame, 0, 4)).toEqual({ ok: true, result: 0x11e81234 });
    await invoke('writeRegister', mainFrame, 4, 4, '0x1');
    expect(await invoke('readRegister', mainFrame, 4, 4)).toEqual({ ok: true, result: '0xfffffffe' });
    expect(await invoke('readConfig', mainFrame, 300, 4)).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'readConfig[0]: expected an integer from 0 to 255, got number 300' },
    });
  });

  it('refuses other frames, navigated frames and destroyed frames, and changes nothing', async () => {
    const { invoke, lab } = await setup();
    const before = lab.machine.edu.snapshot().liveness;
    for (const frame of [null, { url: APP }, { url: 'https://evil.example/' }]) {
      expect(await invoke('writeRegister', frame, 4, 4, '0x12345678')).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'this frame may not use the lab' },
      });
    }
    expect(lab.machine.edu.snapshot().liveness).toBe(before);
  });

  it('gives each window its stream on a MessagePort, starting with a snapshot', async () => {
    const { ipcMain, mainFrame, sender, posted, received, ipc } = await setup();
    ipcMain.listeners.get(IPC.streamOpen)!({ senderFrame: mainFrame, sender });
    expect(posted).toEqual([{ channel: IPC.streamPort, ports: [{ name: 'port2' }] }]);
    expect(received[0]!.seq).toBe(0);
    expect(received[0]!.snapshot?.config.slice(0, 4)).toEqual([0x34, 0x12, 0xe8, 0x11]);
    ipc.sendUi(sender.id, 'toggle-theme');
    await vi.waitFor(() => expect(received.some((m) => m.ui?.includes('toggle-theme'))).toBe(true));
    ipc.closeWindow(sender.id);
  });

  it('holds events back for a window that acknowledges, until it acknowledges them', async () => {
    const { ipcMain, mainFrame, sender, received, lab, ipc, fromWindow } = await setup();
    ipcMain.listeners.get(IPC.streamOpen)!({ senderFrame: mainFrame, sender });
    fromWindow.post!({ type: 'ack', seq: 0 }); // the window says it acknowledges
    fromWindow.post!('not an ack'); // anything else on the port is ignored
    const bar0 = lab.machine.edu.barAddress(0)!;
    const withEvents = () => received.filter((m) => m.events);
    for (let round = 0; round < 4; round++) {
      lab.machine.memory.write(bar0 + 0x04, 4, round, 3);
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(withEvents()).toHaveLength(2);
    fromWindow.post!({ type: 'ack', seq: withEvents()[1]!.seq });
    await vi.waitFor(() => expect(withEvents()).toHaveLength(3));
    ipc.closeWindow(sender.id);
  });

  it('does not open a stream for a foreign frame', async () => {
    const { ipcMain, sender, posted } = await setup();
    ipcMain.listeners.get(IPC.streamOpen)!({ senderFrame: { url: 'https://evil.example/' }, sender });
    expect(posted).toEqual([]);
  });

  it('removes its handlers when disposed', async () => {
    const { ipc, ipcMain } = await setup();
    ipc.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.listeners.size).toBe(0);
  });
});
