import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LabError, toLabError } from '../../../common/api/lab-api';
import { encodeStreamFrame, MAX_CLIENT_MESSAGE_BYTES, WEB_API_PATH, type ServerMessage } from '../../../common/api/wire';
import type { Lab } from '../../lab/lab';
import { LabService } from '../../lab/service';
import { LabStream } from '../../lab/stream';
import { Downloads, DOWNLOADS_PATH } from './downloads';
import { staticFile } from './static-files';

export interface WebHostOptions {
  readonly lab: Lab;
  /** The built renderer (out/renderer). */
  readonly rendererRoot: string;
  /** 127.0.0.1 unless the user asked for another address. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Defaults to a fresh random token. */
  readonly token?: string;
}

const COOKIE = 'edu_lab_token';
/**
 * After a call, keep the event loop polling (without sleeping in the kernel) this long: a window that
 * reads registers in a loop sends its next call within microseconds, and an idle process on a small VM
 * takes ~0.1 ms to wake up for it. The cost is this much CPU after each burst of calls.
 */
const LINGER_MS = 2;
/** Snapshots a window's resyncs can cause: at most one per this many ms (its stream sends the rest). */
const RESYNC_MIN_MS = 250;
/** A window whose socket has this much unsent data gets no more events until it catches up. */
const CONGESTED_BYTES = 8 * 1024 * 1024;

/**
 * The web host: the renderer and the LabApi over a WebSocket, for browsers (and the end-to-end tests,
 * which cannot start Electron here). Loopback only by default; every request needs the per-run token
 * (in the URL once, then as a same-site cookie); WebSocket upgrades from another origin are refused.
 */
export class WebHost {
  private readonly service: LabService;
  private readonly sockets = new Set<WebSocket>();
  private lingerUntil = 0;
  private lingering = false;
  private readonly downloads = new Downloads();

  private constructor(
    private readonly options: WebHostOptions,
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly token: string,
  ) {
    this.service = new LabService(options.lab);
    options.lab.exports.setTarget(this.downloads);
  }

  static async start(options: WebHostOptions): Promise<WebHost> {
    const token = options.token ?? randomBytes(24).toString('base64url');
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * MAX_CLIENT_MESSAGE_BYTES });
    const host = new WebHost(options, server, wss, token);
    server.on('request', (req, res) => void host.serveHttp(req, res));
    server.on('upgrade', (req, socket, head) => {
      const refusal = host.refuseUpgrade(req);
      if (refusal) {
        socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refusal}\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => host.attach(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return host;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The address to open, with the token. */
  get url(): string {
    return `http://${this.hostInUrl()}:${this.port}/?token=${this.token}`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.options.lab.exports.setTarget(undefined);
    await this.downloads.dispose();
  }

  // ---- HTTP ------------------------------------------------------------------------------------------

  private async serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.reply(res, 405, 'method not allowed');
    const fromQuery = url.searchParams.get('token');
    if (!this.validToken(fromQuery ?? cookieToken(req))) {
      return this.reply(res, 403, 'edu-lab: this address needs the token `npm run serve` printed (open the URL it shows).');
    }
    if (url.pathname.startsWith(DOWNLOADS_PATH)) {
      if (await this.downloads.serve(url.pathname, res, this.securityHeaders(), req.method === 'HEAD')) return;
      return this.reply(res, 404, 'no such export');
    }
    const file = await staticFile(this.options.rendererRoot, url.pathname);
    if (!file) return this.reply(res, 404, 'not found');
    const headers: Record<string, string> = { 'Content-Type': file.type, ...this.securityHeaders() };
    if (fromQuery) headers['Set-Cookie'] = `${COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  private reply(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...this.securityHeaders() });
    res.end(text + '\n');
  }

  private securityHeaders(): Record<string, string> {
    return {
      'Content-Security-Policy':
        `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; ` +
        `connect-src 'self' ws://${this.hostInUrl()}:${this.port}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      // Cross-origin isolation: nothing from elsewhere may embed or be embedded, and the page gets
      // precise timers (performance.now at microseconds) for its measurements.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
  }

  /** The listening address as a URL writes it (an IPv6 address in brackets). */
  private hostInUrl(): string {
    const host = this.options.host ?? '127.0.0.1';
    return host.includes(':') ? `[${host}]` : host;
  }

  // ---- WebSocket ---------------------------------------------------------------------------------------

  /** Why an upgrade is refused, or undefined to accept it. */
  private refuseUpgrade(req: IncomingMessage): string | undefined {
    const url = requestUrl(req);
    if (url.pathname !== WEB_API_PATH) return 'no such endpoint';
    if (!this.validToken(url.searchParams.get('token') ?? cookieToken(req))) return 'missing or wrong token';
    const origin = req.headers.origin;
    // Browsers always send Origin: it must be this server. Tools without one (curl, tests) have the token.
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return `foreign origin ${origin}`;
    return undefined;
  }

  private attach(ws: WebSocket): void {
    this.sockets.add(ws);
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const openStream = () => {
      const s = new LabStream(this.options.lab, (message) => {
        const frame = encodeStreamFrame(message);
        if (!frame) return send({ type: 'stream', message });
        if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
      }, {
        congested: () => ws.bufferedAmount > CONGESTED_BYTES,
      });
      s.start();
      return s;
    };
    let stream = openStream();
    let openedAt = performance.now();
    let restartTimer: ReturnType<typeof setTimeout> | undefined;
    const restart = () => {
      restartTimer = undefined;
      stream.close();
      stream = openStream();
      openedAt = performance.now();
    };
    // A new stream sends its snapshot at once. Resyncs that come quicker than RESYNC_MIN_MS are served
    // together by one snapshot once that time is up (taken after all of them): a window that asks in a
    // loop still gets about a frame rate of messages.
    const resync = () => {
      if (restartTimer) return;
      const wait = openedAt + RESYNC_MIN_MS - performance.now();
      if (wait <= 0) restart();
      else restartTimer = setTimeout(restart, wait);
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send({ type: 'error', id: null, error: new LabError('bad-request', 'binary messages are not part of the protocol').toJSON() });
      void this.handle(rawText(data), send, resync, (seq) => stream.acknowledge(seq));
    });
    ws.on('close', () => {
      clearTimeout(restartTimer);
      stream.close();
      this.sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  }

  private linger(): void {
    this.lingerUntil = performance.now() + LINGER_MS;
    if (this.lingering) return;
    this.lingering = true;
    const poll = () => {
      if (performance.now() < this.lingerUntil) setImmediate(poll);
      else this.lingering = false;
    };
    setImmediate(poll);
  }

  private async handle(text: string, send: (m: ServerMessage) => void, resync: () => void, ack: (seq: number) => void): Promise<void> {
    const id = guessId(text);
    if (Buffer.byteLength(text) > MAX_CLIENT_MESSAGE_BYTES) {
      return send({ type: 'error', id, error: new LabError('too-large', `messages are limited to ${MAX_CLIENT_MESSAGE_BYTES} bytes`).toJSON() });
    }
    let message: { type?: unknown; id?: unknown; method?: unknown; args?: unknown; seq?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return send({ type: 'error', id, error: new LabError('bad-request', 'not JSON').toJSON() });
    }
    if (message?.type === 'resync') return resync();
    if (message?.type === 'ack') {
      if (typeof message.seq === 'number' && Number.isSafeInteger(message.seq)) return ack(message.seq);
      return send({ type: 'error', id: null, error: new LabError('bad-request', 'expected {"type":"ack","seq":N} with an integer N').toJSON() });
    }
    if (message?.type !== 'call' || typeof message.id !== 'number' || !Number.isSafeInteger(message.id)) {
      // Parsed: the id is what the message says, or none (a guess could reject another pending call).
      const callId = typeof message?.id === 'number' && Number.isSafeInteger(message.id) ? message.id : null;
      return send({ type: 'error', id: callId, error: new LabError('bad-request', 'expected {"type":"call","id":N,"method":…,"args":[…]}, {"type":"resync"} or {"type":"ack","seq":N}').toJSON() });
    }
    this.linger();
    try {
      send({ type: 'result', id: message.id, result: (await this.service.call(message.method, message.args)) ?? null });
    } catch (error) {
      send({ type: 'error', id: message.id, error: toLabError(error).toJSON() });
    }
  }

  private validToken(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/**
 * The request target as a URL. Not `new URL(req.url, base)`: that reads `//name/x` as a URL of host
 * `name` and path `/x`, so `//secret.txt` would serve index.html and `//x/api` would reach the API.
 */
function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  return new URL(`http://localhost${target.startsWith('/') ? target : '/'}`);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** The call id of a message too large or too broken to parse, so the error still reaches its caller. */
function guessId(text: string): number | null {
  // A whole integer only: "id":1.5 or "id":1e3 is no call's id.
  const m = /"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(text.slice(0, 256));
  return m ? Number(m[1]) : null;
}
