import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A client for QEMU's qtest protocol over the process's stdin/stdout (`-qtest stdio`).
 *
 * The protocol is line based: every command line gets exactly one reply line, `OK`, `OK <value>` or
 * `FAIL <reason>` (a few commands answer `ERR <reason>`), in the order the commands were sent. Lines
 * `IRQ raise N` / `IRQ lower N` are asynchronous: once `irq_intercept_in` is active QEMU writes one
 * whenever an intercepted input line changes level, between or before replies. They are taken out
 * of the stream in arrival order and kept in a queue, so a reply is never confused with them and the
 * order of interrupt edges relative to replies is preserved.
 */

export const QEMU_BINARY = process.env['QEMU_SYSTEM_X86_64'] ?? 'qemu-system-x86_64';

/** One intercepted interrupt-line edge. `afterReplies` counts the replies received before it. */
export interface IrqEvent {
  readonly line: number;
  readonly level: boolean;
  readonly afterReplies: number;
}

export interface QtestStartOptions {
  readonly binary?: string;
  readonly args: readonly string[];
  /** How long one command may wait for its reply (ms). */
  readonly commandTimeoutMs?: number;
  /** How long QEMU may take to answer the first command (ms). */
  readonly startTimeoutMs?: number;
}

export class QtestError extends Error {
  override readonly name = 'QtestError';
}

interface Pending {
  readonly command: string;
  readonly resolve: (value: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const STDERR_KEEP = 4096;
const SETPRIV = '/usr/bin/setpriv';
const IRQ_LINE = /^IRQ (raise|lower) (\d+)$/;

/** Every QEMU started by this process, so none outlives it even if a test run is torn down abruptly. */
const liveProcesses = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveProcesses) child.kill('SIGKILL');
  });
}

function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}

export class QtestClient {
  private readonly pending: Pending[] = [];
  private readonly irqQueue: IrqEvent[] = [];
  private readonly unexpected: string[] = [];
  private stdoutRest = '';
  private stderrTail = '';
  private replies = 0;
  private broken: Error | undefined;
  private exitInfo: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly commandLine: string,
    private readonly commandTimeoutMs: number,
  ) {
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_KEEP);
    });
    // A write after QEMU died surfaces through the exit handler; do not crash on EPIPE.
    child.stdin.on('error', () => {});
    child.on('error', (error) => this.fail(new QtestError(`QEMU process error: ${error.message}`)));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        liveProcesses.delete(child);
        this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
        this.fail(new QtestError(`QEMU ${this.exitInfo}${this.stderrSuffix()}`));
        resolve();
      });
    });
  }

  /**
   * Start QEMU and wait until it answers on the qtest stream. Rejects with an explanation when the
   * binary is missing or QEMU exits early (its stderr is included).
   */
  static async start(options: QtestStartOptions): Promise<QtestClient> {
    const binary = options.binary ?? QEMU_BINARY;
    const commandLine = [binary, ...options.args].join(' ');
    // QEMU does not exit when its qtest stdin closes. Where util-linux's setpriv is available, QEMU is
    // started through it with a parent-death signal, so even a test process killed outright (no exit
    // handlers run) takes its QEMU along.
    const [file, args] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', binary, ...options.args]]
      : [binary, [...options.args]];
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    installExitHook();
    liveProcesses.add(child);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error: NodeJS.ErrnoException) => {
        liveProcesses.delete(child);
        if (error.code === 'ENOENT') {
          reject(
            new QtestError(
              `${binary} was not found. The differential tests compare our machine with a real ` +
                "QEMU 7.2 and cannot run without it: install Debian 12's qemu-system-x86 package " +
                '(or point QEMU_SYSTEM_X86_64 at the binary).',
            ),
          );
        } else {
          reject(new QtestError(`could not start ${binary}: ${error.message}`));
        }
      });
    });
    const client = new QtestClient(child, commandLine, options.commandTimeoutMs ?? 5000);
    try {
      // `endianness` is a harmless command: its answer proves the qtest stream is up.
      const answer = await client.command('endianness', options.startTimeoutMs ?? 15000);
      if (answer !== 'little') throw new QtestError(`unexpected target endianness '${answer}'`);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** Send one command line and resolve with the text after `OK` (empty for a bare `OK`). */
  command(line: string, timeoutMs = this.commandTimeoutMs): Promise<string> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.unexpected.length) {
      const lines = this.unexpected.splice(0);
      return Promise.reject(new QtestError(`QEMU wrote unexpected lines on the qtest stream: ${JSON.stringify(lines)}`));
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Replies are matched by order, so after a lost reply the stream cannot be trusted any more.
        this.fail(new QtestError(`no reply from QEMU within ${timeoutMs} ms to '${line}'${this.stderrSuffix()}`));
      }, timeoutMs);
      this.pending.push({ command: line, resolve, reject, timer });
      this.child.stdin.write(line + '\n');
    });
  }

  // ---- port I/O -----------------------------------------------------------------------------------

  async outb(port: number, value: number): Promise<void> {
    await this.command(`outb ${hex(port)} ${hex(value)}`);
  }
  async outw(port: number, value: number): Promise<void> {
    await this.command(`outw ${hex(port)} ${hex(value)}`);
  }
  async outl(port: number, value: number): Promise<void> {
    await this.command(`outl ${hex(port)} ${hex(value >>> 0)}`);
  }
  async inb(port: number): Promise<number> {
    return this.number(await this.command(`inb ${hex(port)}`));
  }
  async inw(port: number): Promise<number> {
    return this.number(await this.command(`inw ${hex(port)}`));
  }
  async inl(port: number): Promise<number> {
    return this.number(await this.command(`inl ${hex(port)}`));
  }

  // ---- memory (the CPU's address space) ----------------------------------------------------------

  async readb(addr: number): Promise<number> {
    return this.number(await this.command(`readb ${hex(addr)}`));
  }
  async readw(addr: number): Promise<number> {
    return this.number(await this.command(`readw ${hex(addr)}`));
  }
  async readl(addr: number): Promise<number> {
    return this.number(await this.command(`readl ${hex(addr)}`));
  }
  async readq(addr: number): Promise<bigint> {
    return this.bigint(await this.command(`readq ${hex(addr)}`));
  }
  async writeb(addr: number, value: number): Promise<void> {
    await this.command(`writeb ${hex(addr)} ${hex(value & 0xff)}`);
  }
  async writew(addr: number, value: number): Promise<void> {
    await this.command(`writew ${hex(addr)} ${hex(value & 0xffff)}`);
  }
  async writel(addr: number, value: number): Promise<void> {
    await this.command(`writel ${hex(addr)} ${hex(value >>> 0)}`);
  }
  async writeq(addr: number, value: bigint): Promise<void> {
    await this.command(`writeq ${hex(addr)} ${hex(BigInt.asUintN(64, value))}`);
  }

  /** Read `length` (> 0) bytes: `read ADDR SIZE` answers `OK 0x` and two hex digits per byte. */
  async read(addr: number, length: number): Promise<Uint8Array> {
    if (!(length > 0)) throw new RangeError('qtest cannot read 0 bytes');
    const answer = await this.command(`read ${hex(addr)} ${hex(length)}`);
    const digits = answer.startsWith('0x') ? answer.slice(2) : '';
    if (digits.length !== 2 * length || !/^[0-9a-f]*$/i.test(digits)) {
      throw new QtestError(`malformed reply to 'read ${hex(addr)} ${length}': '${answer.slice(0, 80)}'`);
    }
    return Uint8Array.from(Buffer.from(digits, 'hex'));
  }

  /** Write bytes (at least one): `write ADDR SIZE 0x<hex>`. */
  async write(addr: number, data: Uint8Array): Promise<void> {
    if (data.length === 0) throw new RangeError('qtest cannot write 0 bytes');
    await this.command(`write ${hex(addr)} ${hex(data.length)} 0x${Buffer.from(data).toString('hex')}`);
  }

  async memset(addr: number, length: number, byte: number): Promise<void> {
    await this.command(`memset ${hex(addr)} ${hex(length)} ${hex(byte & 0xff)}`);
  }

  // ---- interrupts ---------------------------------------------------------------------------------

  /** Report level changes of a device's GPIO inputs (`ioapic` on the pc machine) as IRQ lines. */
  async irqInterceptIn(qomPath: string): Promise<void> {
    await this.command(`irq_intercept_in ${qomPath}`);
  }

  /** The interrupt edges received so far, oldest first; the queue is emptied. */
  takeIrqEvents(): IrqEvent[] {
    return this.irqQueue.splice(0);
  }

  /** Replies received so far (for placing IRQ events between replies). */
  get replyCount(): number {
    return this.replies;
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Terminate QEMU (SIGTERM, then SIGKILL after a grace period) and wait until it is gone. */
  async close(graceMs = 2000): Promise<void> {
    if (this.exitInfo === undefined) {
      this.child.stdin.end();
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.fail(new QtestError('the qtest client is closed'));
  }

  // ---- internals ----------------------------------------------------------------------------------

  private onStdout(chunk: string): void {
    const text = this.stdoutRest + chunk;
    const lines = text.split('\n');
    this.stdoutRest = lines.pop()!;
    for (const raw of lines) this.onLine(raw.replace(/\r$/, ''));
  }

  private onLine(line: string): void {
    const irq = IRQ_LINE.exec(line);
    if (irq) {
      this.irqQueue.push({ line: Number(irq[2]), level: irq[1] === 'raise', afterReplies: this.replies });
      return;
    }
    const pending = this.pending.shift();
    if (!pending) {
      // Anything else without a command waiting (e.g. a device printing to stdout) corrupts the
      // stream; remember it and fail the next command with it.
      if (line.length) this.unexpected.push(line);
      return;
    }
    clearTimeout(pending.timer);
    this.replies++;
    if (line === 'OK' || line.startsWith('OK ')) pending.resolve(line.slice(3));
    else pending.reject(new QtestError(`QEMU refused '${pending.command}': ${line}`));
  }

  private number(answer: string): number {
    const value = Number(answer);
    if (!answer.startsWith('0x') || !Number.isSafeInteger(value)) throw new QtestError(`not a number: '${answer}'`);
    return value;
  }

  private bigint(answer: string): bigint {
    if (!/^0x[0-9a-f]+$/i.test(answer)) throw new QtestError(`not a number: '${answer}'`);
    return BigInt(answer);
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(new QtestError(`${error.message} (while waiting for the reply to '${p.command}')`));
    }
  }

  private stderrSuffix(): string {
    const tail = this.stderrTail.trim();
    return tail ? `; QEMU's stderr ends with:\n${tail}` : '';
  }
}
