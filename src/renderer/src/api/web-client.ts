import { LAB_METHOD_NAMES, LabError, toLabError, type LabApi, type LabMethod } from '../../../common/api/lab-api';
import type { LabConnection, StreamListener } from '../../../common/api/stream';
import { decodeStreamFrame, WEB_API_PATH, type ClientMessage, type ServerMessage } from '../../../common/api/wire';

interface Pending {
  resolve(value: unknown): void;
  reject(error: LabError): void;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 4000;

/**
 * The LabApi over the web host's WebSocket. Calls made while the socket is (re)connecting wait for it;
 * calls in flight when it drops fail with 'disconnected'. After a reconnect the server starts a new
 * stream, whose first message is a snapshot, so the window resynchronises by itself.
 */
export class WebLabClient implements LabConnection {
  readonly host = 'web' as const;
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queued: ClientMessage[] = [];
  private readonly listeners = new Set<StreamListener>();
  private retryMs = RETRY_MIN_MS;
  private closed = false;

  constructor(private readonly url: string) {
    this.connect();
  }

  onStream(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ask for a fresh stream (its first message is a snapshot). */
  resync(): void {
    this.post({ type: 'resync' });
  }

  /** The events of stream message `seq` are taken in (flow control). Dropped while disconnected. */
  ack(seq: number): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'ack', seq } satisfies ClientMessage));
  }

  call(method: LabMethod, args: readonly unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'call', id, method, args });
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private post(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
    else this.queued.push(message);
  }

  private connect(): void {
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = RETRY_MIN_MS;
      for (const m of this.queued.splice(0)) socket.send(JSON.stringify(m));
    };
    socket.onmessage = (event) =>
      this.receive(event.data instanceof ArrayBuffer ? decodeStreamFrame(event.data) : (JSON.parse(String(event.data)) as ServerMessage));
    socket.onclose = () => {
      for (const [, p] of this.pending) p.reject(new LabError('disconnected', 'the connection to the lab was lost; reconnecting'));
      this.pending.clear();
      if (this.closed) return;
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    };
  }

  private receive(message: ServerMessage): void {
    if (message.type === 'stream') {
      for (const l of this.listeners) l(message.message);
      return;
    }
    if (message.id === null) return;
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    if (message.type === 'result') p.resolve(message.result);
    else p.reject(toLabError(message.error));
  }
}

/** A LabApi whose methods are calls through `client`. */
export function webLab(client: WebLabClient): LabApi & LabConnection {
  const api: Record<string, unknown> = {
    host: client.host,
    onStream: (l: StreamListener) => client.onStream(l),
    resync: () => client.resync(),
    ack: (seq: number) => client.ack(seq),
  };
  for (const method of LAB_METHOD_NAMES) api[method] = (...args: unknown[]) => client.call(method, args);
  return api as unknown as LabApi & LabConnection;
}

export function webSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  return `${scheme}//${location.host}${WEB_API_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
