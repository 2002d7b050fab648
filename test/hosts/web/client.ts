import { decodeStreamFrame } from '../../../src/common/api/wire';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { decodeEventBatch } from '../../../src/common/api/event-batch';
import { LabError, toLabError, type LabArgs, type LabMethod, type LabResults, type LabSnapshot } from '../../../src/common/api/lab-api';
import type { StreamMessage } from '../../../src/common/api/stream';
import { WEB_API_PATH, type ServerMessage } from '../../../src/common/api/wire';
import { defaultUserland } from '../../../src/main/guest/userland';
import { WebHost } from '../../../src/main/hosts/web/server';
import { Lab, type LabOptions } from '../../../src/main/lab/lab';
import { testWorkers } from '../../support/workers';

/**
 * What the contract tests need of the web host: a lab served from a temporary renderer directory, and a
 * small Node client speaking the wire protocol over a real WebSocket (calls by id, the stream collected
 * and checked as a window would follow it, resync).
 */

export const INDEX_HTML = '<!doctype html><title>edu-lab test</title><script src="/assets/app.js"></script>\n';
export const ASSET_JS = 'console.log("edu-lab test asset");\n';

export interface Served {
  readonly lab: Lab;
  readonly host: WebHost;
  /** The renderer directory; a file `secret.txt` lies next to it (outside it). */
  readonly root: string;
  /** ws://127.0.0.1:PORT/api?token=… */
  readonly wsUrl: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** Connect a client with the token in the URL (as the renderer does). */
  connect(options?: ConnectOptions): Promise<TestClient>;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A lab (interactive guest, like `npm run serve`) behind a WebHost on a free loopback port; torn down after the test. */
export async function serveLab(options: Partial<LabOptions> = {}): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'edu-lab-web-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'renderer');
  writeFileSync(join(dir, 'secret.txt'), 'not for the browser\n');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX_HTML);
  writeFileSync(join(root, 'assets', 'app.js'), ASSET_JS);

  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, ...options });
  cleanups.push(() => lab.destroy());
  const host = await WebHost.start({ lab, rendererRoot: root, port: 0 });
  const clients: TestClient[] = [];
  cleanups.push(async () => {
    for (const c of clients) c.close();
    await host.close();
  });
  const origin = `http://127.0.0.1:${host.port}`;
  const wsUrl = `ws://127.0.0.1:${host.port}${WEB_API_PATH}?token=${host.token}`;
  return {
    lab,
    host,
    root,
    wsUrl,
    origin,
    connect: async (o) => {
      const c = await TestClient.connect(wsUrl, o);
      clients.push(c);
      return c;
    },
  };
}

// ---- HTTP -----------------------------------------------------------------------------------------------

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A raw HTTP request: the path goes out exactly as written (no normalisation of `..`, no re-encoding). */
export function http(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

// ---- the WebSocket client ------------------------------------------------------------------------------

export interface ConnectOptions {
  /** Sent as the Origin header (a browser always sends one). */
  readonly origin?: string;
  readonly headers?: Record<string, string>;
}

/** Why an upgrade failed: the HTTP status the server answered with, if it answered. */
export class RefusedUpgrade extends Error {
  constructor(
    readonly status: number | undefined,
    readonly body: string,
  ) {
    super(`upgrade refused (${status ?? 'no status'}): ${body.trim()}`);
  }
}

type ErrorReply = Extract<ServerMessage, { type: 'error' }>;

/**
 * One window's connection. Replies settle calls by id; stream messages feed `follower`, which checks
 * them the way a renderer relies on them.
 */
export class TestClient {
  readonly follower = new StreamFollower();
  /** Error replies the server could not address to a call (id null). */
  readonly unaddressed: ErrorReply['error'][] = [];
  /** Replies to ids nobody is waiting for. */
  readonly stray: ServerMessage[] = [];
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: LabError): void }>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        // A stream message with events in it: length, JSON, bytes (see encodeStreamFrame).
        const buffer = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        const copy = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
        return this.receive(decodeStreamFrame(copy));
      }
      this.receive(JSON.parse(data.toString()) as ServerMessage);
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const [, p] of this.pending) p.reject(new LabError('disconnected', `socket closed (${code})`));
      this.pending.clear();
      this.notify();
    });
  }

  static connect(url: string, options: ConnectOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { origin: options.origin, headers: options.headers });
      // Stream messages may arrive right after the upgrade, before 'open' resolves: listen at once.
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(new RefusedUpgrade(res.statusCode, body)));
        res.on('error', () => reject(new RefusedUpgrade(res.statusCode, body)));
      });
      ws.once('error', (e) => reject(e));
    });
  }

  /** A typed LabApi call; rejects with the LabError the server sent. */
  call<M extends LabMethod>(method: M, ...args: LabArgs<M>): Promise<LabResults[M]> {
    return this.callRaw(method, args) as Promise<LabResults[M]>;
  }

  /** A call with anything as method and arguments. */
  callRaw(method: unknown, args: unknown): Promise<unknown> {
    const id = this.nextId++;
    return this.sendCall({ type: 'call', id, method, args }, id);
  }

  /** Send `message` (which must carry `id`) and settle with the reply to that id. */
  sendCall(message: unknown, id: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify(message));
    });
  }

  /** A reply to a raw text frame that carries id `id`. */
  sendTextFor(id: number, text: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(text);
    });
  }

  /** Send a text frame and wait for the error the server cannot address to a call. */
  async sendUnaddressed(data: string | Buffer, binary = false): Promise<ErrorReply['error']> {
    const before = this.unaddressed.length;
    this.ws.send(data, { binary });
    await this.until(() => this.unaddressed.length > before, 'an error reply with id null');
    return this.unaddressed[before]!;
  }

  /** Ask for a fresh stream; resolves with its snapshot. */
  async resync(): Promise<LabSnapshot> {
    const streams = this.follower.streams;
    this.ws.send(JSON.stringify({ type: 'resync' }));
    await this.until(() => this.follower.streams > streams, 'the snapshot of a new stream');
    return this.follower.snapshot!;
  }

  /** Wait until `condition` holds, re-checked on every message from the server. */
  until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (condition()) {
          done();
          resolve();
        } else if (this.closed) {
          done();
          reject(new Error(`socket closed (${this.closed.code}) while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; console so far:\n${this.follower.console.slice(-2000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Wait for the console (as the stream delivered it) to match. */
  async console(pattern: RegExp | string, what = String(pattern)): Promise<string> {
    const test = () => (typeof pattern === 'string' ? this.follower.console.includes(pattern) : pattern.test(this.follower.console));
    await this.until(test, `console output ${what}`);
    return this.follower.console;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }

  /** Resolves once the server has closed or confirmed the close. */
  async closeAndWait(): Promise<void> {
    this.close();
    await this.until(() => this.closed !== undefined, 'the socket to close');
  }

  private receive(message: ServerMessage): void {
    if (message.type === 'stream') {
      this.follower.accept(message.message);
    } else if (message.id === null) {
      if (message.type === 'error') this.unaddressed.push(message.error);
      else this.stray.push(message);
    } else {
      const p = this.pending.get(message.id);
      if (!p) this.stray.push(message);
      else {
        this.pending.delete(message.id);
        if (message.type === 'result') p.resolve(message.result);
        else p.reject(toLabError(message.error));
      }
    }
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

// ---- following a stream -----------------------------------------------------------------------------

/**
 * A window's picture of the lab, built only from stream messages, with every rule of the stream
 * checked on the way: a stream starts with a snapshot numbered 0, numbers then go up by one, and
 * recorded events continue exactly where the previous batch (or a gap) ended.
 */
export class StreamFollower {
  readonly messages: StreamMessage[] = [];
  /** When each message arrived (performance.now()). */
  readonly arrivals: number[] = [];
  /** Broken promises of the stream; tests expect none. */
  readonly problems: string[] = [];
  /** How many streams (snapshots) this window has seen. */
  streams = 0;
  snapshot: LabSnapshot | undefined;
  state: Partial<Omit<LabSnapshot, 'console' | 'deviceLog' | 'eventsRecorded' | 'eventsFirstSeq'>> = {};
  console = '';
  /** One past the newest event received (or declared lost). */
  nextEvent: number | undefined;
  eventsReceived = 0;
  gaps: { from: number; to: number }[] = [];
  /** Event kinds received, by kind number. */
  readonly kinds = new Map<number, number>();
  private lastSeq = -1;

  accept(m: StreamMessage): void {
    this.messages.push(m);
    this.arrivals.push(performance.now());
    if (m.snapshot) {
      if (m.seq !== 0) this.problems.push(`a snapshot numbered ${m.seq}`);
      this.streams++;
      this.snapshot = m.snapshot;
      const { console, deviceLog: _log, eventsRecorded, eventsFirstSeq: _first, ...state } = m.snapshot;
      this.state = { ...state };
      this.console = console;
      this.nextEvent = eventsRecorded;
    } else {
      if (this.streams === 0) this.problems.push(`message ${m.seq} before any snapshot`);
      if (m.seq !== this.lastSeq + 1) this.problems.push(`message ${m.seq} after ${this.lastSeq}`);
    }
    this.lastSeq = m.seq;
    if (m.console !== undefined) this.console += m.console;
    for (const key of ['registers', 'config', 'clock', 'machine', 'driver', 'dmaBuffer'] as const) {
      if (m[key] !== undefined) (this.state as Record<string, unknown>)[key] = m[key];
    }
    if (m.gap) {
      if (m.gap.from !== this.nextEvent || m.gap.to <= m.gap.from) this.problems.push(`gap ${m.gap.from}-${m.gap.to} when ${this.nextEvent} was next`);
      this.gaps.push(m.gap);
      this.nextEvent = m.gap.to;
    }
    if (m.events) {
      if (m.events.fromSeq !== this.nextEvent) this.problems.push(`events from ${m.events.fromSeq} when ${this.nextEvent} was next`);
      if (m.events.count === 0) this.problems.push(`an empty event batch in message ${m.seq}`);
      const batch = decodeEventBatch(m.events);
      for (let i = 0; i < batch.count; i++) this.kinds.set(batch.kind[i]!, (this.kinds.get(batch.kind[i]!) ?? 0) + 1);
      this.eventsReceived += batch.count;
      this.nextEvent = m.events.fromSeq + m.events.count;
    }
  }
}

/** Resolve after `ms` of real time. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export { mostInWindow } from '../../support/most-in-window';
