/**
 * `edu`: the user-space side of the edu driver. Each subcommand is one request to /dev/edu0 (see
 * drivers/edu/uapi.ts); `edu selftest` runs the sequence public edu self-tests use, once with INTx and
 * once with MSI, reloading the module for each and restoring the user's parameters afterwards.
 */
import { formatLine } from './hexdump';
import { EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE } from '../../../common/edu/datasheet';
import {
  EDU_DEVICE_PATH,
  eduIoctl,
  type EduDmaResult,
  type EduInfo,
  type EduIrqMode,
  type EduWaitMode,
} from '../drivers/edu/uapi';
import { ERRNO_TEXT, Interrupted, KernelError } from '../kernel/errors';
import { formatTimestamp } from '../kernel/printk';
import type { CharDevNode } from '../kernel/vfs';
import type { Tool, ToolContext } from './tool';

const USAGE = `Usage: edu COMMAND [ARGS]
Talk to QEMU's edu device through its driver (${EDU_DEVICE_PATH}; load it with: modprobe edu).

  edu info                      the device, its interrupt, DMA buffer and module parameters
  edu live VALUE                write VALUE to the liveness register and read back its inverse
  edu fact N [--irq|--poll]     compute N! on the device (default: wait for its interrupt)
  edu raise VALUE               raise an interrupt with status VALUE; show what the handler saw
  edu dma to-dev (--data STRING | --pattern BYTE|inc --count N | --from-ram ADDR --count N)
                 [--offset OFF] [--irq|--poll]
                                copy into the device's ${EDU_DMA_BUF_SIZE}-byte buffer at OFF (default 0)
  edu dma from-dev --count N [--offset OFF] [--to-ram ADDR] [--irq|--poll]
                                copy out of the device buffer and dump what came back
  edu selftest                  liveness, 10! polled, 5! by interrupt, raise 0xdeadbeef and a
                                2048-byte DMA round trip, with INTx then MSI (reloads the module)

Numbers are decimal or 0x hex. Times are virtual time (the machine's clock).`;

const NOT_LOADED = `${EDU_DEVICE_PATH}: No such file or directory (is the edu module loaded? try: modprobe edu)`;

/** Bad arguments: message, usage, status 2. */
class UsageError extends Error {}
/** A failure the tool explains itself: `edu: message`, status 1. */
class ToolError extends Error {}

// ---- formatting -----------------------------------------------------------------------------------

export const hex8 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');
const hexAddr = (n: bigint): string => '0x' + n.toString(16).padStart(8, '0');

/** Virtual time: `850 ns`, `12.345 us`, `100.000 ms`, `3.100 s`. */
export function formatDuration(ns: number): string {
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)} ns`;
  if (abs < 1e6) return `${(ns / 1e3).toFixed(3)} us`;
  if (abs < 1e9) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e9).toFixed(3)} s`;
}

const modeWord = (mode: EduWaitMode): string => (mode === 'irq' ? 'interrupt' : 'polling');

/** `hexdump -C`: offset, 16 bytes in two groups of 8, the printable characters; repeats folded into `*`. */
export function hexdumpC(data: Uint8Array, base = 0): string[] {
  // The lines are hexdump's own; folding here works on one buffer rather than a stream of files.
  const lines: string[] = [];
  let previous: string | undefined;
  let folded = false;
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    const key = Array.from(row).join(',');
    if (row.length === 16 && key === previous) {
      if (!folded) lines.push('*');
      folded = true;
      continue;
    }
    previous = key;
    folded = false;
    lines.push(formatLine(base + off, row, true));
  }
  lines.push((base + data.length).toString(16).padStart(8, '0'));
  return lines;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib computes it). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function describe(error: unknown): string {
  if (error instanceof KernelError) {
    const text = ERRNO_TEXT[error.errno];
    return error.message && error.message !== text ? `${text} (${error.message})` : text;
  }
  return error instanceof Error ? error.message : String(error);
}

function isInterrupted(error: unknown): boolean {
  return error instanceof Interrupted || (error instanceof Error && error.name === 'Interrupted');
}

// ---- argument parsing -----------------------------------------------------------------------------

const NUMBER = /^(0x[0-9a-f]+|[0-9]+)$/i;

function parseU32(s: string | undefined, what: string): number {
  if (s === undefined) throw new UsageError(`missing ${what}`);
  if (!NUMBER.test(s)) throw new UsageError(`${what} '${s}' is not a number (decimal or 0x hex)`);
  const n = Number(s);
  if (n > 0xffffffff) throw new UsageError(`${what} '${s}' does not fit in 32 bits`);
  return n;
}

function parseCount(s: string | undefined, what: string, max: number): number {
  const n = parseU32(s, what);
  if (n > max) throw new UsageError(`${what} ${s} is larger than ${max}`);
  return n;
}

function parseAddr(s: string | undefined, what: string): bigint {
  if (s === undefined) throw new UsageError(`missing ${what}`);
  if (!NUMBER.test(s)) throw new UsageError(`${what} '${s}' is not a number (decimal or 0x hex)`);
  const n = BigInt(s);
  if (n >= 1n << 64n) throw new UsageError(`${what} '${s}' does not fit in 64 bits`);
  return n;
}

/** Options of the form `--name value` or `--name=value`, and flags. */
function parseOptions(args: readonly string[], withValue: readonly string[], flags: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (flags.includes(name) && eq < 0) {
      out.set(name, '');
    } else if (withValue.includes(name)) {
      const value = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`option ${name} needs a value`);
      out.set(name, value);
    } else {
      throw new UsageError(a.startsWith('-') ? `unknown option '${a}'` : `unexpected argument '${a}'`);
    }
  }
  return out;
}

function waitMode(opts: Map<string, string>): EduWaitMode {
  if (opts.has('--irq') && opts.has('--poll')) throw new UsageError('--irq and --poll exclude each other');
  return opts.has('--poll') ? 'poll' : 'irq';
}

function noMoreArgs(args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
}

// ---- the device -----------------------------------------------------------------------------------

function openEdu(ctx: ToolContext): CharDevNode {
  let node;
  try {
    node = ctx.kernel.vfs.lookup(EDU_DEVICE_PATH, ctx.cwd);
  } catch (error) {
    if (error instanceof KernelError && error.errno === 'ENOENT') throw new ToolError(NOT_LOADED);
    throw error;
  }
  if (node.kind !== 'chardev' || !node.ioctl) throw new ToolError(`${EDU_DEVICE_PATH}: not the edu device`);
  return node;
}

// ---- subcommands ----------------------------------------------------------------------------------

function maskBits(mask: bigint): string {
  const bits = mask.toString(2);
  return /^1+$/.test(bits) ? `${bits.length} bits` : 'not contiguous';
}

function infoLines(ctx: ToolContext, info: EduInfo): string[] {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  const end = info.bar0.start + info.bar0.size - 1;
  const irq = `${info.irq} (${info.mode}${info.mode === 'INTx' ? ', shared' : ''})${info.irqDisabled ? ', disabled by the kernel (see dmesg)' : ''}`;
  const p = info.params;
  const flag = (b: boolean) => (b ? 1 : 0);
  const s = info.interrupts;
  let last = '';
  if (s.lastStatus !== undefined && s.lastNs !== undefined) {
    last = `; last status ${hex8(s.lastStatus)} at ${formatTimestamp(s.lastNs - ctx.kernel.bootNs)}`;
  }
  return [
    `edu ${info.device}: edu device ${info.version} (id ${hex8(info.id)}) [${hex4(info.vendor)}:${hex4(info.deviceId)}] rev 0x${info.revision.toString(16)}`,
    `BAR0:        ${info.bar0.start.toString(16).padStart(8, '0')}-${end.toString(16).padStart(8, '0')} (${info.bar0.size / 1024 / 1024} MiB)`,
    `irq:         ${irq}`,
    `bus master:  ${info.busMaster ? 'on' : 'off'}`,
    `DMA mask:    0x${info.dmaMask.toString(16).padStart(8, '0')} (${maskBits(info.dmaMask)})`,
    `DMA buffer:  ${hexAddr(info.dmaBuffer.bus)}, ${info.dmaBuffer.size} bytes`,
    `params:      use_msi=${flag(p.use_msi)} no_master=${flag(p.no_master)} no_ack=${flag(p.no_ack)} no_mask=${flag(p.no_mask)}`,
    `interrupts:  ${s.calls} (factorial ${s.fact}, DMA ${s.dma}, raised ${s.other}, unhandled ${s.none})${last}`,
    `irq status:  ${hex8(info.irqStatus)}`,
  ];
}

async function cmdInfo(ctx: ToolContext, args: readonly string[]): Promise<number> {
  noMoreArgs(args);
  const info = await eduIoctl(openEdu(ctx), 'INFO', undefined, ctx.signal);
  for (const line of infoLines(ctx, info)) ctx.stdout.write(line + '\n');
  return 0;
}

async function cmdLive(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const value = parseU32(args[0], 'VALUE');
  noMoreArgs(args.slice(1));
  const read = await eduIoctl(openEdu(ctx), 'LIVE', value, ctx.signal);
  const want = ~value >>> 0;
  const ok = read === want;
  ctx.stdout.write(`liveness: wrote ${hex8(value)}, read ${hex8(read)}: ${ok ? 'ok (inverted)' : `MISMATCH (expected ${hex8(want)})`}\n`);
  return ok ? 0 : 1;
}

async function cmdFact(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const n = parseU32(args[0], 'N');
  const mode = waitMode(parseOptions(args.slice(1), [], ['--irq', '--poll']));
  const r = await eduIoctl(openEdu(ctx), 'FACT', { n, mode }, ctx.signal);
  ctx.stdout.write(`${r.n}! = ${r.result} (${hex8(r.result)}) in ${formatDuration(r.ns)} (${modeWord(r.mode)})\n`);
  return 0;
}

async function cmdRaise(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const value = parseU32(args[0], 'VALUE');
  noMoreArgs(args.slice(1));
  if (value === 0) throw new UsageError('VALUE must not be 0 (raising 0 sets no status bit: no interrupt)');
  const r = await eduIoctl(openEdu(ctx), 'RAISE', value, ctx.signal);
  ctx.stdout.write(`raise ${hex8(r.value)}: handler saw ${hex8(r.statusSeenInHandler)} after ${formatDuration(r.latencyNs)} (irq ${r.irq}, ${r.mode})\n`);
  if (r.statusAfter !== 0) ctx.stdout.write(`interrupt status is still ${hex8(r.statusAfter)}: not acknowledged\n`);
  return 0;
}

function patternBytes(spec: string, count: number): Uint8Array {
  if (spec === 'inc') return Uint8Array.from({ length: count }, (_, i) => i & 0xff);
  const byte = parseU32(spec, 'BYTE');
  if (byte > 0xff) throw new UsageError(`BYTE '${spec}' is larger than 0xff`);
  return new Uint8Array(count).fill(byte);
}

function dmaLine(r: EduDmaResult): string {
  const dev = hexAddr(BigInt(EDU_DMA_BUF_ADDR + r.offset));
  const ram = `RAM ${hexAddr(r.ramAddr)}${r.coherent ? '' : ' (given)'}`;
  const [from, to] = r.direction === 'to-dev' ? [ram, `device ${dev}`] : [`device ${dev}`, ram];
  return `dma ${r.direction}: ${r.count} bytes from ${from} to ${to} in ${formatDuration(r.ns)} (${modeWord(r.mode)})`;
}

async function cmdDmaToDev(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const opts = parseOptions(args, ['--data', '--pattern', '--count', '--from-ram', '--offset'], ['--irq', '--poll']);
  const mode = waitMode(opts);
  const offset = opts.has('--offset') ? parseCount(opts.get('--offset'), 'OFF', EDU_DMA_BUF_SIZE - 1) : 0;
  const sources = ['--data', '--pattern', '--from-ram'].filter((o) => opts.has(o));
  if (sources.length !== 1) throw new UsageError('dma to-dev needs exactly one of --data, --pattern, --from-ram');
  const node = openEdu(ctx);
  let r: EduDmaResult;
  if (opts.has('--data')) {
    if (opts.has('--count')) throw new UsageError('--count goes with --pattern or --from-ram, not --data');
    const data = new TextEncoder().encode(opts.get('--data')!);
    if (data.length === 0) throw new UsageError('--data is empty');
    r = await eduIoctl(node, 'DMA_TO_DEV', { data, offset, mode }, ctx.signal);
  } else {
    if (!opts.has('--count')) throw new UsageError(`${sources[0]} needs --count N`);
    const count = parseCount(opts.get('--count'), 'N', EDU_DMA_BUF_SIZE);
    if (opts.has('--pattern')) {
      r = await eduIoctl(node, 'DMA_TO_DEV', { data: patternBytes(opts.get('--pattern')!, count), offset, mode }, ctx.signal);
    } else {
      const ramAddr = parseAddr(opts.get('--from-ram'), 'ADDR');
      r = await eduIoctl(node, 'DMA_TO_DEV', { ramAddr, count, offset, mode }, ctx.signal);
    }
  }
  ctx.stdout.write(dmaLine(r) + '\n');
  return 0;
}

async function cmdDmaFromDev(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const opts = parseOptions(args, ['--count', '--offset', '--to-ram'], ['--irq', '--poll']);
  const mode = waitMode(opts);
  if (!opts.has('--count')) throw new UsageError('dma from-dev needs --count N');
  const count = parseCount(opts.get('--count'), 'N', EDU_DMA_BUF_SIZE);
  const offset = opts.has('--offset') ? parseCount(opts.get('--offset'), 'OFF', EDU_DMA_BUF_SIZE - 1) : 0;
  const ramAddr = opts.has('--to-ram') ? parseAddr(opts.get('--to-ram'), 'ADDR') : undefined;
  const r = await eduIoctl(openEdu(ctx), 'DMA_FROM_DEV', { count, offset, mode, ...(ramAddr === undefined ? {} : { ramAddr }) }, ctx.signal);
  ctx.stdout.write(dmaLine(r) + '\n');
  if (r.data) for (const line of hexdumpC(r.data, offset)) ctx.stdout.write(line + '\n');
  else ctx.stdout.write(`(RAM at ${hexAddr(r.ramAddr)} is beyond the end of memory: nothing to show)\n`);
  return 0;
}

async function cmdDma(ctx: ToolContext, args: readonly string[]): Promise<number> {
  const direction = args[0];
  if (direction === 'to-dev') return cmdDmaToDev(ctx, args.slice(1));
  if (direction === 'from-dev') return cmdDmaFromDev(ctx, args.slice(1));
  throw new UsageError(direction === undefined ? 'dma needs to-dev or from-dev' : `unknown dma direction '${direction}'`);
}

// ---- selftest -------------------------------------------------------------------------------------

const SELFTEST_LIVENESS = 0x12345678;
const SELFTEST_RAISE = 0xdeadbeef;
const SELFTEST_DMA_BYTES = 2048;

/** A step's check did not hold. */
class StepFailed extends Error {}

function check(ok: boolean, message: string): void {
  if (!ok) throw new StepFailed(message);
}

interface Tally {
  passed: number;
  failed: number;
}

/** Run one step: one PASS/FAIL line with its virtual time and what it saw. */
async function step(ctx: ToolContext, tally: Tally, mode: EduIrqMode, name: string, body: () => Promise<string>): Promise<boolean> {
  const timers = ctx.kernel.timers;
  const t0 = timers.now();
  let ok = true;
  let detail: string;
  try {
    detail = await body();
  } catch (error) {
    if (isInterrupted(error)) throw error;
    ok = false;
    detail = describe(error);
  }
  const ns = timers.now() - t0;
  if (ok) tally.passed++;
  else tally.failed++;
  ctx.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${mode.padEnd(4)}  ${name.padEnd(20)} ${formatDuration(ns).padStart(11)}  ${detail}\n`);
  return ok;
}

function paramArgs(params: Readonly<Record<string, number | boolean>>, defaults: ReadonlyMap<string, number | boolean>): string[] {
  return Object.entries(params)
    .filter(([name, v]) => defaults.get(name) !== v)
    .map(([name, v]) => `${name}=${typeof v === 'boolean' ? (v ? 1 : 0) : v}`);
}

function modprobeLine(args: readonly string[]): string {
  return ['modprobe edu', ...args].join(' ');
}

async function selftestMode(ctx: ToolContext, tally: Tally, mode: EduIrqMode): Promise<void> {
  const k = ctx.kernel;
  const args = mode === 'MSI' ? ['use_msi=1'] : [];
  let node: CharDevNode | undefined;
  const loaded = await step(ctx, tally, mode, 'load', async () => {
    if (k.modules.isLoaded('edu')) await k.modules.unload('edu');
    await k.modules.load('edu', args);
    try {
      node = openEdu(ctx);
    } catch {
      throw new StepFailed(`${modprobeLine(args)}: no ${EDU_DEVICE_PATH} (probe failed: see dmesg)`);
    }
    const info = await eduIoctl(node, 'INFO', undefined, ctx.signal);
    check(info.mode === mode, `${modprobeLine(args)}: got ${info.mode}, wanted ${mode}`);
    return `${modprobeLine(args)}: irq ${info.irq} (${info.mode})`;
  });
  if (!loaded || !node) return;
  const dev = node;

  await step(ctx, tally, mode, 'liveness', async () => {
    const read = await eduIoctl(dev, 'LIVE', SELFTEST_LIVENESS, ctx.signal);
    const detail = `wrote ${hex8(SELFTEST_LIVENESS)}, read ${hex8(read)}`;
    check(read === ~SELFTEST_LIVENESS >>> 0, `${detail}, expected ${hex8(~SELFTEST_LIVENESS)}`);
    return detail;
  });

  for (const [n, want, how] of [[10, 3628800, 'poll'], [5, 120, 'irq']] as const) {
    await step(ctx, tally, mode, `${n}! by ${how === 'poll' ? 'polling' : 'interrupt'}`, async () => {
      const r = await eduIoctl(dev, 'FACT', { n, mode: how }, ctx.signal);
      const detail = `${r.result} (${hex8(r.result)})`;
      check(r.result === want, `${detail}, expected ${want}`);
      return detail;
    });
  }

  await step(ctx, tally, mode, `raise ${hex8(SELFTEST_RAISE)}`, async () => {
    const r = await eduIoctl(dev, 'RAISE', SELFTEST_RAISE, ctx.signal);
    const detail = `handler saw ${hex8(r.statusSeenInHandler)}, status after ack ${hex8(r.statusAfter)}`;
    check(r.statusSeenInHandler === SELFTEST_RAISE && r.statusAfter === 0, detail);
    return detail;
  });

  await step(ctx, tally, mode, `DMA ${SELFTEST_DMA_BYTES} bytes`, async () => {
    const sent = Uint8Array.from({ length: SELFTEST_DMA_BYTES }, (_, i) => (i * 7 + 3) & 0xff);
    await eduIoctl(dev, 'DMA_TO_DEV', { data: sent, mode: 'irq' }, ctx.signal);
    const r = await eduIoctl(dev, 'DMA_FROM_DEV', { count: SELFTEST_DMA_BYTES, mode: 'irq' }, ctx.signal);
    const back = r.data ?? new Uint8Array(0);
    const detail = `crc32 sent ${hex8(crc32(sent))}, back ${hex8(crc32(back))}`;
    const diff = sent.findIndex((b, i) => back[i] !== b);
    const hex2 = (b: number | undefined) => (b === undefined ? '--' : '0x' + b.toString(16).padStart(2, '0'));
    check(diff < 0 && back.length === sent.length, `${detail}; first difference at byte ${diff} (sent ${hex2(sent[diff])}, back ${hex2(back[diff])})`);
    return detail;
  });
}

/** Put the module back as the user had it (loaded with their parameters, or not loaded). */
async function selftestRestore(ctx: ToolContext, original: { params: Readonly<Record<string, number | boolean>> } | undefined): Promise<void> {
  const k = ctx.kernel;
  if (k.modules.isLoaded('edu')) await k.modules.unload('edu');
  if (!original) {
    ctx.stdout.write('restored: edu not loaded\n');
    return;
  }
  const defaults = new Map((k.modules.info('edu')?.params ?? []).map((p) => [p.name, p.default] as const));
  const args = paramArgs(original.params, defaults);
  await k.modules.load('edu', args);
  ctx.stdout.write(`restored: ${modprobeLine(args)}\n`);
}

async function cmdSelftest(ctx: ToolContext, args: readonly string[]): Promise<number> {
  noMoreArgs(args);
  const k = ctx.kernel;
  if (!k.modules.info('edu')) throw new ToolError('selftest: module edu not found');
  const original = k.modules.list().find((m) => m.name === 'edu');
  const tally: Tally = { passed: 0, failed: 0 };
  try {
    for (const mode of ['INTx', 'MSI'] as const) await selftestMode(ctx, tally, mode);
  } finally {
    await selftestRestore(ctx, original);
  }
  const total = tally.passed + tally.failed;
  ctx.stdout.write(`selftest: ${tally.passed}/${total} passed${tally.failed ? `, ${tally.failed} FAILED` : ''}\n`);
  return tally.failed ? 1 : 0;
}

// ---- the tool -------------------------------------------------------------------------------------

const COMMANDS: Readonly<Record<string, (ctx: ToolContext, args: readonly string[]) => Promise<number>>> = {
  info: cmdInfo,
  live: cmdLive,
  fact: cmdFact,
  raise: cmdRaise,
  dma: cmdDma,
  selftest: cmdSelftest,
};

export const eduTool: Tool = {
  name: 'edu',
  summary: 'talk to the edu device through its driver (/dev/edu0)',
  usage: USAGE,
  options: ['info', 'live', 'fact', 'raise', 'dma', 'to-dev', 'from-dev', 'selftest', '--irq', '--poll', '--data', '--pattern', '--count', '--offset', '--from-ram', '--to-ram'],
  async run(ctx: ToolContext): Promise<number> {
    const [, command, ...args] = ctx.argv;
    if (command === 'help' || command === '-h' || command === '--help') {
      ctx.stdout.write(USAGE + '\n');
      return 0;
    }
    try {
      const run = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
      if (!run) throw new UsageError(command === undefined ? 'missing command' : `unknown command '${command}'`);
      return await run(ctx, args);
    } catch (error) {
      if (error instanceof UsageError) {
        ctx.stderr.write(`edu: ${error.message}\n${USAGE}\n`);
        return 2;
      }
      if (isInterrupted(error)) return 130;
      if (error instanceof ToolError) {
        ctx.stderr.write(`edu: ${error.message}\n`);
        return 1;
      }
      ctx.stderr.write(`edu: ${command}: ${describe(error)}\n`);
      return 1;
    }
  },
};
