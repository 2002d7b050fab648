import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, MessageChannelMain, WebFrameMain } from 'electron';
import { LAB_METHOD_NAMES, LabError, toLabError } from '../../../common/api/lab-api';
import { callChannel, IPC, type IpcReply } from '../../../common/api/ipc';
import type { UiCommand } from '../../../common/api/stream';
import type { Lab } from '../../lab/lab';
import { LabService } from '../../lab/service';
import { LabStream } from '../../lab/stream';
import { isAppUrl } from './security';

/** Whether an IPC message comes from the main frame of one of the app's own windows. */
export type SenderCheck = (frame: WebFrameMain | null) => boolean;

export function appFrameCheck(appUrl: string, mainFrames: () => Iterable<WebFrameMain>): SenderCheck {
  return (frame) => {
    if (!frame) return false; // the frame navigated away or was destroyed
    if (!isAppUrl(frame.url, appUrl)) return false;
    for (const main of mainFrames()) if (main === frame) return true;
    return false;
  };
}

/** The main process's end of a window's stream channel (MessagePortMain's shape). */
interface StreamPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  close(): void;
}

interface Streams {
  readonly stream: LabStream;
  readonly port: StreamPort;
}

/**
 * The LabApi over Electron IPC: one invoke handler per method, each refusing senders that are not the
 * app's main frame, and per window one event stream on a MessagePort. The lab can be replaced (a new
 * session); handlers always use the current one.
 */
export class LabIpc {
  private service: LabService;
  private readonly streams = new Map<number, Streams>();

  constructor(
    private lab: Lab,
    private readonly ipcMain: IpcMain,
    private readonly createChannel: () => MessageChannelMain,
    private readonly trusted: SenderCheck,
  ) {
    this.service = new LabService(lab);
  }

  /** The channels registered: one per LabApi method. */
  register(): string[] {
    const channels = LAB_METHOD_NAMES.map((method) => {
      const channel = callChannel(method);
      this.ipcMain.handle(channel, (event, ...args) => this.invoke(event, method, args));
      return channel;
    });
    this.ipcMain.on(IPC.streamOpen, (event) => this.openStream(event));
    return channels;
  }

  /** Use another lab (File > New Session): every window gets a fresh stream. */
  replaceLab(lab: Lab): void {
    this.lab = lab;
    this.service = new LabService(lab);
    for (const [id, s] of this.streams) {
      s.stream.close();
      this.startStream(id, s.port);
    }
  }

  /** Pass a menu command to a window, through its stream. */
  sendUi(webContentsId: number, command: UiCommand): void {
    this.streams.get(webContentsId)?.stream.pushUi(command);
  }

  closeWindow(webContentsId: number): void {
    const s = this.streams.get(webContentsId);
    if (!s) return;
    s.stream.close();
    s.port.close();
    this.streams.delete(webContentsId);
  }

  dispose(): void {
    for (const method of LAB_METHOD_NAMES) this.ipcMain.removeHandler(callChannel(method));
    this.ipcMain.removeAllListeners(IPC.streamOpen);
    for (const id of [...this.streams.keys()]) this.closeWindow(id);
  }

  private async invoke(event: IpcMainInvokeEvent, method: string, args: unknown[]): Promise<IpcReply> {
    if (!this.trusted(event.senderFrame)) {
      return { ok: false, error: new LabError('forbidden', 'this frame may not use the lab').toJSON() };
    }
    try {
      return { ok: true, result: await this.service.call(method, args) };
    } catch (error) {
      return { ok: false, error: toLabError(error).toJSON() };
    }
  }

  private openStream(event: IpcMainEvent): void {
    if (!this.trusted(event.senderFrame)) return;
    const id = event.sender.id;
    this.closeWindow(id);
    const { port1, port2 } = this.createChannel();
    event.sender.postMessage(IPC.streamPort, null, [port2]);
    // The window's only message on the port: it has taken in a stream message's events.
    port1.on('message', ({ data }) => {
      const ack = data as { type?: unknown; seq?: unknown } | null;
      if (ack?.type === 'ack' && typeof ack.seq === 'number') this.streams.get(id)?.stream.acknowledge(ack.seq);
    });
    port1.start();
    this.startStream(id, port1);
  }

  private startStream(id: number, port: Streams['port']): void {
    // Messages are structured-cloned; typed arrays inside are copied, never transferred.
    const stream = new LabStream(this.lab, (message) => port.postMessage(message));
    this.streams.set(id, { stream, port });
    stream.start();
  }
}
