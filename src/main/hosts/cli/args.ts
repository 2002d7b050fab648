import { EDU_PROFILE_NAMES, isEduProfileName, type EduProfileName } from '../../machine/devices/edu/edu-profiles';
import { EXPORT_FORMATS, isExportFormat, type ExportFormat } from '../../session/export';

export const USAGE = `Usage:
  edu-lab run [options] [-x] [--export FILE.jsonl] SCRIPT|-
                                        boot the lab, run SCRIPT in the guest like \`sh SCRIPT\`, exit with its status
  edu-lab shell [options]               the guest's serial console on this terminal (Ctrl-A X quits)
  edu-lab serve [options] [--host ADDR] [--port N]
                                        the lab in a web browser (prints the address to open)
  edu-lab export SESSION.jsonl --format FORMAT [--from T] [--to T] -o FILE
                                        convert a saved session: ${EXPORT_FORMATS.join(', ')}
  edu-lab --help | --version

Options:
  --profile NAME     device profile: ${EDU_PROFILE_NAMES.join(', ')} (default upstream)
  --deterministic    virtual time warps over idle periods: the same script gives the same times
  --ram SIZE         guest RAM, e.g. 256M (default) or 1G
  --device-log       print the device's guest-error messages (DMA range, clamping) on stderr
  -x                 (run) echo each command as \`+ cmd\` on stderr before running it
  --host ADDR        (serve) listen on ADDR instead of 127.0.0.1 (anyone who can reach it and has
                     the token controls the lab)
  --port N           (serve) listen on port N (default: any free port)
  --export FILE      (run) save the session as JSON Lines when the script ends
  --from T, --to T   (export) only events in this range of virtual time: 1.5s, 250ms, 40us, 100ns
                     (a bare number is seconds)
`;

export interface MachineFlags {
  readonly profile: EduProfileName;
  readonly deterministic: boolean;
  readonly ramSize: number;
  readonly deviceLog: boolean;
}

export type Command =
  | { readonly kind: 'run'; readonly script: string; readonly xtrace: boolean; readonly flags: MachineFlags; readonly export?: string }
  | { readonly kind: 'shell'; readonly flags: MachineFlags }
  | { readonly kind: 'serve'; readonly flags: MachineFlags; readonly host: string; readonly port: number }
  | {
      readonly kind: 'export';
      readonly input: string;
      readonly format: ExportFormat;
      readonly output: string;
      /** Virtual ns, inclusive. */
      readonly from?: number;
      readonly to?: number;
    }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

export class UsageError extends Error {}

const MIB = 1024 * 1024;

/** `256M`, `1G`, `524288K` or a byte count, as a whole number of 64 KiB pages between 16 MiB and 4 GiB. */
export function parseRamSize(text: string): number {
  const m = /^(\d+)([KMG]?)(i?B)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`invalid RAM size '${text}' (try 256M or 1G)`);
  const unit = { '': 1, K: 1024, M: MIB, G: 1024 * MIB }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  const bytes = Number(m[1]) * unit;
  if (bytes < 16 * MIB || bytes > 4096 * MIB || bytes % 65536 !== 0) {
    throw new UsageError(`RAM size must be between 16M and 4G, in whole 64K pages: '${text}'`);
  }
  return bytes;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`invalid port '${text}'`);
  return port;
}

function parseProfile(name: string): EduProfileName {
  if (!isEduProfileName(name)) throw new UsageError(`unknown profile '${name}' (one of ${EDU_PROFILE_NAMES.join(', ')})`);
  return name;
}

const TIME_UNITS: Record<string, number> = { '': 1e9, s: 1e9, ms: 1e6, us: 1e3, 'µs': 1e3, ns: 1 };

/** A virtual time such as `1.5s`, `250ms`, `40us` or `100ns` (a bare number is seconds), in ns. */
export function parseVirtualTime(text: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(s|ms|us|µs|ns)?$/.exec(text.trim());
  const ns = m ? Math.round(Number(m[1]) * TIME_UNITS[m[2] ?? '']!) : NaN;
  if (!Number.isSafeInteger(ns)) throw new UsageError(`invalid time '${text}' (try 1.5s, 250ms, 40us or 100ns)`);
  return ns;
}

function parseExport(rest: readonly string[]): Command {
  let format: ExportFormat | undefined;
  let output: string | undefined;
  let from: number | undefined;
  let to: number | undefined;
  const operands: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (name === '--format') {
      const f = value();
      if (!isExportFormat(f)) throw new UsageError(`unknown format '${f}' (one of ${EXPORT_FORMATS.join(', ')})`);
      format = f;
    } else if (name === '-o' || name === '--output') output = value();
    else if (name === '--from') from = parseVirtualTime(value());
    else if (name === '--to') to = parseVirtualTime(value());
    else if (arg === '-' || !arg.startsWith('-')) operands.push(arg);
    else throw new UsageError(`unknown option '${arg}'`);
  }
  if (operands.length !== 1) throw new UsageError('export needs exactly one SESSION file (JSON Lines)');
  if (!format) throw new UsageError(`export needs --format (one of ${EXPORT_FORMATS.join(', ')})`);
  if (!output) throw new UsageError('export needs -o FILE');
  if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from must not be later than --to');
  return { kind: 'export', input: operands[0]!, format, output, ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
}

export function parseArgs(argv: readonly string[]): Command {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') return { kind: 'help' };
  if (verb === '--version' || verb === '-V') return { kind: 'version' };
  if (verb === 'export') return parseExport(rest);
  if (verb !== 'run' && verb !== 'shell' && verb !== 'serve') throw new UsageError(`unknown command '${verb}'`);

  let profile: EduProfileName = 'upstream';
  let deterministic = false;
  let ramSize = 256 * MIB;
  let deviceLog = false;
  let xtrace = false;
  let host = '127.0.0.1';
  let port = 0;
  let exportPath: string | undefined;
  const operands: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--profile') profile = parseProfile(value());
    else if (arg.startsWith('--profile=')) profile = parseProfile(arg.slice('--profile='.length));
    else if (arg === '--ram') ramSize = parseRamSize(value());
    else if (arg.startsWith('--ram=')) ramSize = parseRamSize(arg.slice('--ram='.length));
    else if (arg === '--deterministic') deterministic = true;
    else if (arg === '--device-log') deviceLog = true;
    else if (arg === '-x' && verb === 'run') xtrace = true;
    else if (arg === '--host' && verb === 'serve') host = value();
    else if (arg === '--port' && verb === 'serve') port = parsePort(value());
    else if (arg === '--export' && verb === 'run') exportPath = value();
    else if (arg.startsWith('--export=') && verb === 'run') exportPath = arg.slice('--export='.length);
    else if (arg === '-' || !arg.startsWith('-')) operands.push(arg);
    else throw new UsageError(`unknown option '${arg}'`);
  }
  const flags: MachineFlags = { profile, deterministic, ramSize, deviceLog };
  if (verb === 'shell' || verb === 'serve') {
    if (operands.length) throw new UsageError(`${verb} takes no operands`);
    return verb === 'shell' ? { kind: 'shell', flags } : { kind: 'serve', flags, host, port };
  }
  if (operands.length !== 1) throw new UsageError('run needs exactly one SCRIPT (a file, or - for standard input)');
  return { kind: 'run', script: operands[0]!, xtrace, flags, ...(exportPath !== undefined && { export: exportPath }) };
}
