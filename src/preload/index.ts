/**
 * The window's only door to the main process: `window.lab`, the LabApi (one function per method) and
 * the event stream. Nothing else crosses: no ipcRenderer, no IPC event objects, no Node.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { LAB_METHOD_NAMES } from '../common/api/lab-api';
import { callChannel, IPC, type IpcReply } from '../common/api/ipc';
import type { StreamListener, StreamMessage } from '../common/api/stream';

const listeners = new Set<StreamListener>();
let port: MessagePort | undefined;

ipcRenderer.on(IPC.streamPort, (event) => {
  port?.close();
  port = event.ports[0];
  if (!port) return;
  port.onmessage = (e: MessageEvent<StreamMessage>) => {
    for (const listener of listeners) listener(e.data);
  };
  port.start();
});

const lab: Record<string, unknown> = {
  host: 'electron',
  onStream(listener: StreamListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  resync(): void {
    ipcRenderer.send(IPC.streamOpen);
  },
  ack(seq: number): void {
    port?.postMessage({ type: 'ack', seq });
  },
};

for (const method of LAB_METHOD_NAMES) {
  lab[method] = async (...args: unknown[]): Promise<unknown> => {
    const reply = (await ipcRenderer.invoke(callChannel(method), ...args)) as IpcReply;
    if (reply.ok) return reply.result;
    // A plain object crosses the bridge intact; the renderer turns it back into a LabError.
    throw { name: 'LabError', code: reply.error.code, message: reply.error.message };
  };
}

contextBridge.exposeInMainWorld('lab', Object.freeze(lab));
ipcRenderer.send(IPC.streamOpen);
