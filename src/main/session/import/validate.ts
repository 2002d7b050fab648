/**
 * Checking what a session file says, field by field, with messages that name the line and the field.
 * Values are only compared and copied: nothing read from a file is executed, evaluated or used as a key
 * into anything but the two name maps below.
 */
import { EventFlag, EventKind, Source } from '../../../common/trace/schema';
import { SESSION_FORMAT, SESSION_FORMAT_VERSION, type SessionHeader } from '../export/jsonl';
import { SessionImportError, shown } from './errors';

/** Event kind names (as the exporter writes them) to their numbers. */
export const KIND_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(EventKind));
/** Source names (lower case, as the exporter writes them) to their numbers. */
export const SOURCE_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(Source).map(([name, id]) => [name.toLowerCase(), id]));
const SOURCE_LIST = [...SOURCE_BY_NAME.keys()].join(', ');

const HEX64 = /^0x[0-9a-fA-F]{1,16}$/;
const TWO_POW_32 = 0x1_0000_0000;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(line: number, detail: string): never {
  throw new SessionImportError(line, detail);
}

/** `"name" must be <what>`, or `"name" is missing`. */
function bad(line: number, name: string, value: unknown, what: string): never {
  if (value === undefined) fail(line, `"${name}" is missing`);
  fail(line, `"${name}" must be ${what} (got ${shown(value)})`);
}

function wantString(line: number, name: string, value: unknown, maxLength = 1024): string {
  if (typeof value !== 'string') bad(line, name, value, 'a string');
  if (value.length > maxLength) fail(line, `"${name}" is longer than ${maxLength} characters`);
  return value;
}

function wantInteger(line: number, name: string, value: unknown, min: number, max: number, range: string): number {
  if (typeof value !== 'number') bad(line, name, value, 'a number');
  if (!Number.isInteger(value) || value < min || value > max) bad(line, name, value, range);
  return value;
}

/**
 * The header on line 1: every field checked, rebuilt with exactly the fields the format defines (in the
 * exporter's order, so an imported session exports byte for byte as it came; other fields are dropped).
 */
export function readHeader(value: unknown): SessionHeader {
  const line = 1;
  if (!isObject(value)) fail(line, 'not an edu-lab session file (the first line is JSON but not an object)');
  if (value.format !== SESSION_FORMAT) {
    fail(line, `not an edu-lab session file ("format" is ${value.format === undefined ? 'missing' : shown(value.format)}, expected "${SESSION_FORMAT}")`);
  }
  const version = value.version;
  if (typeof version !== 'number') bad(line, 'version', version, 'a number');
  if (!Number.isInteger(version) || version < 1) bad(line, 'version', version, 'a positive integer');
  if (version > SESSION_FORMAT_VERSION) {
    fail(line, `this session was made by a newer edu-lab (version ${version}); this one reads version ${SESSION_FORMAT_VERSION}`);
  }
  const app = wantString(line, 'app', value.app);
  const createdAt = wantString(line, 'createdAt', value.createdAt);
  const profile = wantString(line, 'profile', value.profile);
  const machine = value.machine;
  if (!isObject(machine)) bad(line, 'machine', machine, 'an object');
  const ramSize = wantInteger(line, 'machine.ramSize', machine.ramSize, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
  const dmaMask = machine.dmaMask;
  if (typeof dmaMask !== 'string' || !HEX64.test(dmaMask)) bad(line, 'machine.dmaMask', dmaMask, 'a hex string like "0xfffffff"');
  const deterministic = machine.deterministic;
  if (typeof deterministic !== 'boolean') bad(line, 'machine.deterministic', deterministic, 'true or false');
  const speed = machine.speed;
  if (typeof speed !== 'number') bad(line, 'machine.speed', speed, 'a number');
  if (!(speed > 0) || speed === Infinity) bad(line, 'machine.speed', speed, 'a positive finite number');
  const firstSeq = wantInteger(line, 'firstSeq', value.firstSeq, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
  const config = value.config === undefined ? undefined : readConfig(line, value.config);
  return {
    format: SESSION_FORMAT,
    version,
    app,
    createdAt,
    profile,
    machine: { ramSize, dmaMask, deterministic, speed },
    firstSeq,
    ...(config && { config }),
  };
}

/** The optional config space record: 256 bytes at power-on and 256 bytes of write mask. */
function readConfig(line: number, value: unknown): NonNullable<SessionHeader['config']> {
  if (!isObject(value)) bad(line, 'config', value, 'an object');
  const bytes = (name: 'initial' | 'writable'): number[] => {
    const a = value[name];
    if (!Array.isArray(a) || a.length !== 256) bad(line, `config.${name}`, a, 'a list of 256 bytes');
    return a.map((b, i) => wantInteger(line, `config.${name}[${i}]`, b, 0, 255, 'a byte (0 to 255)'));
  };
  return { initial: bytes('initial'), writable: bytes('writable') };
}

/** Where one event's checks start from: the sequence number and virtual time it must follow. */
export interface EventCursor {
  /** The sequence number the event must have. */
  seq: number;
  /** The virtual time it must not go below. */
  vns: number;
  /** Whether the next event is the first (for the message when its seq does not match the header). */
  first: boolean;
}

/** A checked event, ready for the columns; `text` is set on text events (flags has Text). */
export interface CheckedEvent {
  vns: number;
  hns: number;
  kind: number;
  source: number;
  size: number;
  flags: number;
  addr: number;
  lo: number;
  hi: number;
  text: string | undefined;
}

/**
 * Check one event line's object against the format and the events before it. Fills `out` (one object
 * reused for every line, so the hot path allocates nothing of its own) or throws a SessionImportError.
 */
export function readEvent(value: unknown, line: number, at: EventCursor, out: CheckedEvent): void {
  if (!isObject(value)) fail(line, `an event must be a JSON object (got ${shown(value)})`);
  const seq = value.seq;
  if (seq !== at.seq) seqError(line, seq, at);
  const vns = value.vns;
  if (typeof vns !== 'number') bad(line, 'vns', vns, 'a number');
  if (!(vns >= 0 && vns < Infinity)) bad(line, 'vns', vns, 'a finite number of at least 0');
  if (vns < at.vns) fail(line, `"vns" must not be less than the previous event's (${at.vns}): virtual time never goes back (got ${vns})`);
  const hns = value.hns;
  if (typeof hns !== 'number') bad(line, 'hns', hns, 'a number');
  if (!(hns >= 0 && hns < Infinity)) bad(line, 'hns', hns, 'a finite number of at least 0');
  const kindName = value.kind;
  if (typeof kindName !== 'string') bad(line, 'kind', kindName, 'a string');
  const kind = KIND_BY_NAME.get(kindName);
  if (kind === undefined) fail(line, `"kind" must be the name of an event kind, such as "MmioWrite" (got ${shown(kindName)})`);
  const sourceName = value.source;
  if (typeof sourceName !== 'string') bad(line, 'source', sourceName, 'a string');
  const source = SOURCE_BY_NAME.get(sourceName);
  if (source === undefined) fail(line, `"source" must be one of ${SOURCE_LIST} (got ${shown(sourceName)})`);
  const size = value.size;
  if (typeof size !== 'number') bad(line, 'size', size, 'a number');
  if (!Number.isInteger(size) || size < 0 || size > 8) bad(line, 'size', size, 'an integer from 0 to 8');
  const flags = value.flags;
  if (typeof flags !== 'number') bad(line, 'flags', flags, 'a number');
  if (!Number.isInteger(flags) || flags < 0 || flags > 255) bad(line, 'flags', flags, 'an integer from 0 to 255');
  const addr = value.addr;
  if (typeof addr !== 'number') bad(line, 'addr', addr, 'a number');
  if (!Number.isInteger(addr) || addr < 0 || addr >= TWO_POW_32) bad(line, 'addr', addr, 'an integer from 0 to 0xffffffff');
  out.vns = vns;
  out.hns = hns;
  out.kind = kind;
  out.source = source;
  out.size = size;
  out.flags = flags;
  out.addr = addr;
  if ((flags & EventFlag.Text) !== 0) {
    const text = value.text;
    if (typeof text !== 'string') bad(line, 'text', text, 'a string (the event\'s flags include Text, 0x80)');
    out.text = text;
    out.lo = 0;
    out.hi = 0;
  } else {
    const v = value.value;
    if (typeof v !== 'string' || !HEX64.test(v)) bad(line, 'value', v, 'a hex string of at most 64 bits, like "0x1f"');
    out.text = undefined;
    if (v.length <= 10) {
      out.lo = parseInt(v, 16);
      out.hi = 0;
    } else {
      out.lo = parseInt(v.slice(-8), 16);
      out.hi = parseInt(v.slice(2, -8), 16);
    }
  }
}

function seqError(line: number, seq: unknown, at: EventCursor): never {
  if (typeof seq !== 'number') bad(line, 'seq', seq, 'a number');
  if (!Number.isSafeInteger(seq) || seq < 0) bad(line, 'seq', seq, 'a non-negative integer');
  if (at.first) fail(line, `"seq" must be ${at.seq}, the header's "firstSeq" (got ${seq})`);
  if (seq < at.seq) fail(line, `"seq" must be greater than the previous event's (${at.seq - 1}) (got ${seq})`);
  fail(line, `"seq" must be ${at.seq}: events are numbered without gaps (got ${seq})`);
}
