import { PCI_CONFIG_SPACE_SIZE, PciReg, PciStatus } from '../../../common/pci';
import type { NarrowSize } from '../../machine/platform';
import type { Kernel } from '../kernel/kernel';
import type { PciDev } from '../kernel/pci';
import { filterMatches, newFilter, parseIdFilter, parseSlotFilter, pciDevices, type PciFilter } from './pci-access';
import { defineTool, hex, Output } from './util';

const USAGE = `Usage: setpci [<options>] (<device>+ <reg>[=<values>]*)*

General options:
-f\t\tDon't complain if there's nothing to do
-v\t\tBe verbose
-D\t\tList changes, don't commit them
-r\t\tUse raw access without bus scan if possible
--dumpregs\tDump all known register names and exit

Setting commands:
<device>:\t-s [[[<domain>]:][<bus>]:][<slot>][.[<func>]]
\t\t-d [<vendor>]:[<device>]
<reg>:\t\t<base>[+<offset>][.(B|W|L)][@<number>]
<base>:\t\t<address>
\t\t<named-register>
\t\t[E]CAP_<capability-name>
\t\t[E]CAP<capability-number>
<values>:\t<value>[,<value>...]
<value>:\t<hex>
\t\t<hex>:<mask>
`;

const VERSION = '3.9.0';

/** cap: 0 for a header register, 0x10000 | id for a capability, 0x20000 | id for an extended one. */
interface RegName {
  readonly cap: number;
  readonly offset: number;
  readonly width: number;
  /** Header types that have it (bit n: type n); 0 = all. */
  readonly hdrMask: number;
  readonly name: string;
}

const reg = (cap: number, offset: number, width: number, hdrMask: number, name: string): RegName => ({ cap, offset, width, hdrMask, name });

const REG_NAMES: readonly RegName[] = [
  reg(0, 0x00, 2, 0, 'VENDOR_ID'),
  reg(0, 0x02, 2, 0, 'DEVICE_ID'),
  reg(0, 0x04, 2, 0, 'COMMAND'),
  reg(0, 0x06, 2, 0, 'STATUS'),
  reg(0, 0x08, 1, 0, 'REVISION'),
  reg(0, 0x09, 1, 0, 'CLASS_PROG'),
  reg(0, 0x0a, 2, 0, 'CLASS_DEVICE'),
  reg(0, 0x0c, 1, 0, 'CACHE_LINE_SIZE'),
  reg(0, 0x0d, 1, 0, 'LATENCY_TIMER'),
  reg(0, 0x0e, 1, 0, 'HEADER_TYPE'),
  reg(0, 0x0f, 1, 0, 'BIST'),
  reg(0, 0x10, 4, 0x3, 'BASE_ADDRESS_0'),
  reg(0, 0x14, 4, 0x3, 'BASE_ADDRESS_1'),
  reg(0, 0x18, 4, 0x1, 'BASE_ADDRESS_2'),
  reg(0, 0x1c, 4, 0x1, 'BASE_ADDRESS_3'),
  reg(0, 0x20, 4, 0x1, 'BASE_ADDRESS_4'),
  reg(0, 0x24, 4, 0x1, 'BASE_ADDRESS_5'),
  reg(0, 0x28, 4, 0x1, 'CARDBUS_CIS'),
  reg(0, 0x2c, 2, 0x1, 'SUBSYSTEM_VENDOR_ID'),
  reg(0, 0x2e, 2, 0x1, 'SUBSYSTEM_ID'),
  reg(0, 0x30, 4, 0x1, 'ROM_ADDRESS'),
  reg(0, 0x34, 1, 0x3, 'CAPABILITIES'),
  reg(0, 0x3c, 1, 0x3, 'INTERRUPT_LINE'),
  reg(0, 0x3d, 1, 0x3, 'INTERRUPT_PIN'),
  reg(0, 0x3e, 1, 0x1, 'MIN_GNT'),
  reg(0, 0x3f, 1, 0x1, 'MAX_LAT'),
  reg(0, 0x18, 1, 0x2, 'PRIMARY_BUS'),
  reg(0, 0x19, 1, 0x2, 'SECONDARY_BUS'),
  reg(0, 0x1a, 1, 0x2, 'SUBORDINATE_BUS'),
  reg(0, 0x1b, 1, 0x2, 'SEC_LATENCY_TIMER'),
  reg(0, 0x1c, 1, 0x2, 'IO_BASE'),
  reg(0, 0x1d, 1, 0x2, 'IO_LIMIT'),
  reg(0, 0x1e, 2, 0x2, 'SEC_STATUS'),
  reg(0, 0x20, 2, 0x2, 'MEMORY_BASE'),
  reg(0, 0x22, 2, 0x2, 'MEMORY_LIMIT'),
  reg(0, 0x24, 2, 0x2, 'PREF_MEMORY_BASE'),
  reg(0, 0x26, 2, 0x2, 'PREF_MEMORY_LIMIT'),
  reg(0, 0x28, 4, 0x2, 'PREF_BASE_UPPER32'),
  reg(0, 0x2c, 4, 0x2, 'PREF_LIMIT_UPPER32'),
  reg(0, 0x30, 2, 0x2, 'IO_BASE_UPPER16'),
  reg(0, 0x32, 2, 0x2, 'IO_LIMIT_UPPER16'),
  reg(0, 0x38, 4, 0x2, 'BRIDGE_ROM_ADDRESS'),
  reg(0, 0x3e, 2, 0x2, 'BRIDGE_CONTROL'),
  reg(0, 0x10, 4, 0x4, 'CB_CARDBUS_BASE'),
  reg(0, 0x14, 2, 0x4, 'CB_CAPABILITIES'),
  reg(0, 0x16, 2, 0x4, 'CB_SEC_STATUS'),
  reg(0, 0x18, 1, 0x4, 'CB_BUS_NUMBER'),
  reg(0, 0x19, 1, 0x4, 'CB_CARDBUS_NUMBER'),
  reg(0, 0x1a, 1, 0x4, 'CB_SUBORDINATE_BUS'),
  reg(0, 0x1b, 1, 0x4, 'CB_CARDBUS_LATENCY'),
  reg(0, 0x1c, 4, 0x4, 'CB_MEMORY_BASE_0'),
  reg(0, 0x20, 4, 0x4, 'CB_MEMORY_LIMIT_0'),
  reg(0, 0x24, 4, 0x4, 'CB_MEMORY_BASE_1'),
  reg(0, 0x28, 4, 0x4, 'CB_MEMORY_LIMIT_1'),
  reg(0, 0x2c, 2, 0x4, 'CB_IO_BASE_0'),
  reg(0, 0x2e, 2, 0x4, 'CB_IO_BASE_0_HI'),
  reg(0, 0x30, 2, 0x4, 'CB_IO_LIMIT_0'),
  reg(0, 0x32, 2, 0x4, 'CB_IO_LIMIT_0_HI'),
  reg(0, 0x34, 2, 0x4, 'CB_IO_BASE_1'),
  reg(0, 0x36, 2, 0x4, 'CB_IO_BASE_1_HI'),
  reg(0, 0x38, 2, 0x4, 'CB_IO_LIMIT_1'),
  reg(0, 0x3a, 2, 0x4, 'CB_IO_LIMIT_1_HI'),
  reg(0, 0x40, 2, 0x4, 'CB_SUBSYSTEM_VENDOR_ID'),
  reg(0, 0x42, 2, 0x4, 'CB_SUBSYSTEM_ID'),
  reg(0, 0x44, 4, 0x4, 'CB_LEGACY_MODE_BASE'),
  ...[
    'PM', 'AGP', 'VPD', 'SLOTID', 'MSI', 'CHSWP', 'PCIX', 'HT', 'VNDR', 'DBG', 'CCRC', 'HOTPLUG', 'SSVID', 'AGP3', 'SECURE',
    'EXP', 'MSIX', 'SATA', 'AF', 'EA',
  ].map((name, i) => reg(0x10000 | (i + 1), 0, 0, 0, `CAP_${name}`)),
  ...(
    [
      [0x01, 'AER'], [0x02, 'VC'], [0x03, 'DSN'], [0x04, 'PB'], [0x05, 'RCLINK'], [0x06, 'RCILINK'], [0x07, 'RCEC'],
      [0x08, 'MFVC'], [0x09, 'VC2'], [0x0a, 'RBCB'], [0x0b, 'VNDR'], [0x0d, 'ACS'], [0x0e, 'ARI'], [0x0f, 'ATS'],
      [0x10, 'SRIOV'], [0x11, 'MRIOV'], [0x12, 'MCAST'], [0x13, 'PRI'], [0x15, 'REBAR'], [0x16, 'DPA'], [0x17, 'TPH'],
      [0x18, 'LTR'], [0x19, 'SECPCI'], [0x1a, 'PMUX'], [0x1b, 'PASID'], [0x1c, 'LNR'], [0x1d, 'DPC'], [0x1e, 'L1PM'],
      [0x1f, 'PTM'], [0x20, 'M_PCIE'], [0x21, 'FRS'], [0x22, 'RTR'], [0x23, 'DVSEC'], [0x24, 'VF_REBAR'], [0x25, 'DLNK'],
      [0x26, '16GT'], [0x27, 'LMR'], [0x28, 'HIER_ID'], [0x29, 'NPEM'], [0x2a, '32GT'], [0x30, 'IDE'], [0x31, '64GT'],
    ] as const
  ).map(([id, name]) => reg(0x20000 | id, 0, 0, 0, `ECAP_${name}`)),
];

const MAX_VALUE: Readonly<Record<number, number>> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

interface Value {
  readonly value: number;
  readonly mask: number;
}

interface Op {
  capType: 0 | 1 | 2;
  capId: number;
  name: string | undefined;
  hdrMask: number;
  addr: number;
  width: number;
  number: number;
  values: Value[];
}

interface Group {
  readonly filter: PciFilter;
  readonly ops: Op[];
}

/** A parse error: setpci prints it with a pointer to --help and exits 1. */
class ParseError extends Error {}
/** A run-time error (pciutils' die()): printed as `setpci: ...`, status 1. */
class Die extends Error {}

/** strtoul(s, &end, 16) over the whole word (or up to `stopAt`). */
function parseX32(text: string, allowStop = false): { value: number; rest: string } | undefined {
  const m = /^\s*(?:0[xX])?([0-9a-fA-F]+)/.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length);
  if (rest && !allowStop) return undefined;
  const value = parseInt(m[1]!, 16);
  if (!Number.isFinite(value) || value > 0xffffffff || m[1]!.replace(/^0+/, '').length > 8) return undefined;
  return { value, rest };
}

function parseRegister(op: Op, base: string): void {
  const direct = parseX32(base);
  if (direct) {
    op.addr = direct.value;
    return;
  }
  const named = REG_NAMES.find((r) => r.name.toLowerCase() === base.toLowerCase());
  if (named) {
    op.capType = named.cap >= 0x20000 ? 2 : named.cap >= 0x10000 ? 1 : 0;
    op.capId = named.cap & 0xffff;
    op.addr = named.offset;
    op.hdrMask = named.hdrMask;
    op.name = named.name;
    if (named.width && !op.width) op.width = named.width;
    return;
  }
  if (/^cap/i.test(base) && !/^cap_/i.test(base)) {
    const id = parseX32(base.slice(3));
    if (id && id.value < 0x100) {
      op.capType = 1;
      op.capId = id.value;
      op.addr = 0;
      return;
    }
  } else if (/^ecap/i.test(base)) {
    const id = parseX32(base.slice(4));
    if (id && id.value < 0x1000) {
      op.capType = 2;
      op.capId = id.value;
      op.addr = 0;
      return;
    }
  }
  throw new ParseError(`Unknown register "${base}"`);
}

function parseOp(text: string): Op {
  let base = text;
  let value: string | undefined;
  let number: string | undefined;
  let width: string | undefined;
  let offset: string | undefined;
  const cut = (sep: string): string | undefined => {
    const i = base.indexOf(sep);
    if (i < 0) return undefined;
    const rest = base.slice(i + 1);
    base = base.slice(0, i);
    return rest;
  };
  value = cut('=');
  number = cut('@');
  width = cut('.');
  offset = cut('+');
  let n = 0;
  if (value !== undefined) {
    if (!value) throw new ParseError('Missing value');
    n = value.split(',').length;
  }
  const op: Op = { capType: 0, capId: 0, name: undefined, hdrMask: 0, addr: 0, width: 0, number: 0, values: [] };
  if (width !== undefined) {
    if (width.length !== 1) throw new ParseError(`Invalid width "${width}"`);
    const w = { b: 1, w: 2, l: 4 }[width.toLowerCase() as 'b' | 'w' | 'l'];
    if (!w) throw new ParseError(`Invalid width "${width}"`);
    op.width = w;
  }
  if (number !== undefined) {
    const num = parseX32(number);
    if (!num || num.value > 0x7fffffff) throw new ParseError(`Invalid number "${number}"`);
    op.number = num.value;
  }
  parseRegister(op, base);
  if (!op.width) throw new ParseError('Missing width');
  if (offset !== undefined) {
    const off = parseX32(offset);
    if (!off || off.value >= 0x1000) throw new ParseError(`Invalid offset "${offset}"`);
    op.addr += off.value;
  }
  if (op.addr >= 0x1000 || op.addr + op.width * (n || 1) > 0x1000) throw new ParseError(`Register number ${hex(op.addr, 2)} out of range`);
  if (op.addr & (op.width - 1)) throw new ParseError(`Unaligned register address ${hex(op.addr, 2)}`);
  if (value !== undefined) {
    const lim = MAX_VALUE[op.width]!;
    for (const item of value.split(',')) {
      const v = parseX32(item, true);
      if (!v || (v.rest && !v.rest.startsWith(':'))) throw new ParseError(`Invalid value "${item}"`);
      if (v.value > lim && v.value < 0xffffffff - lim) throw new ParseError(`Value "${item}" is out of range`);
      if (v.rest) {
        const maskText = v.rest.slice(1);
        const m = parseX32(maskText);
        if (!m) throw new ParseError(`Invalid mask "${maskText}"`);
        if (m.value > lim && m.value < 0xffffffff - lim) throw new ParseError(`Mask "${maskText}" is out of range`);
        op.values.push({ value: (v.value & m.value) >>> 0, mask: m.value });
      } else {
        op.values.push({ value: v.value, mask: 0xffffffff });
      }
    }
  }
  return op;
}

interface Settings {
  verbose: number;
  force: boolean;
  demo: boolean;
}

function parseCommandLine(args: readonly string[]): { settings: Settings; groups: Group[] } {
  const settings: Settings = { verbose: 0, force: false, demo: false };
  let i = 0;
  // Leading option words (-v, -f, -D, -r); the first other letter starts the device selectors.
  options: while (i < args.length && args[i]!.startsWith('-')) {
    const word = args[i]!;
    for (let j = 1; j < word.length; j++) {
      const c = word[j]!;
      if (c === 'v') settings.verbose++;
      else if (c === 'f') settings.force = true;
      else if (c === 'D') settings.demo = true;
      else if (c === 'r') continue;
      else {
        if (j !== 1) throw new ParseError(`Invalid or misplaced option -${c}`);
        break options;
      }
    }
    i++;
  }
  const groups: Group[] = [];
  let group: Group | undefined;
  while (i < args.length) {
    const word = args[i++]!;
    if (word.startsWith('-')) {
      if (!group || group.ops.length > 0) groups.push((group = { filter: newFilter(), ops: [] }));
      const letter = word[1];
      if (!letter || !'sd'.includes(letter)) throw new ParseError(`Invalid option -${letter ?? ''}`);
      let arg: string;
      if (word.length > 2) arg = word[2] === '=' ? word.slice(3) : word.slice(2);
      else if (i < args.length) arg = args[i++]!;
      else throw new ParseError(`Option -${letter} requires an argument`);
      const err = letter === 's' ? parseSlotFilter(group.filter, arg) : parseIdFilter(group.filter, arg);
      if (err) throw new ParseError(`Unable to parse filter -${letter} ${err}`);
    } else {
      if (!group) throw new ParseError('Filter specification expected');
      group.ops.push(parseOp(word));
    }
  }
  if (!group) throw new ParseError('No operation specified');
  return { settings, groups };
}

/** Config space through sysfs `config`: accesses past 256 bytes fail (reads give all ones, with libpci's warning). */
class Access {
  constructor(
    private readonly kernel: Kernel,
    private readonly err: Output,
  ) {}

  read(dev: PciDev, addr: number, width: number): number {
    if (addr + width > PCI_CONFIG_SPACE_SIZE) {
      this.err.line(`Warning: sysfs_read: tried to read ${width} bytes at ${addr}, but only ${Math.max(0, PCI_CONFIG_SPACE_SIZE - addr)} succeeded`);
      return MAX_VALUE[width]!;
    }
    return this.kernel.pci.configRead(dev, addr, width as NarrowSize);
  }

  write(dev: PciDev, addr: number, width: number, value: number): void {
    if (addr + width > PCI_CONFIG_SPACE_SIZE) {
      this.err.line(`Warning: sysfs_write: tried to write ${width} bytes at ${addr}, but only ${Math.max(0, PCI_CONFIG_SPACE_SIZE - addr)} succeeded`);
      return;
    }
    this.kernel.pci.configWrite(dev, addr, width as NarrowSize, value);
  }

  /** The `nr`-th capability with this id (libpci's pci_find_cap_nr); `found` is how many there are. */
  findCap(dev: PciDev, type: 1 | 2, id: number, nr: number): { addr: number | undefined; found: number } {
    const all: number[] = [];
    if (type === 1) {
      if (this.read(dev, PciReg.Status, 2) & PciStatus.CapList) {
        let where = this.read(dev, PciReg.CapabilityList, 1) & ~3;
        const seen = new Set<number>();
        while (where && !seen.has(where)) {
          seen.add(where);
          const capId = this.read(dev, where, 1);
          if (capId === 0xff) break;
          if (capId === id) all.push(where);
          where = this.read(dev, where + 1, 1) & ~3;
        }
      }
    }
    // A conventional function has no extended configuration space: no extended capabilities.
    return { addr: all[nr], found: all.length };
  }
}

function execOp(access: Access, op: Op, dev: PciDev, s: Settings, out: Output): void {
  const slot = `0000:00:${hex(dev.slot, 2)}.${dev.fn}`;
  let trace = s.verbose ? `${slot} ` : '';
  let addr = 0;
  if (op.capType) {
    const { addr: at, found } = access.findCap(dev, op.capType, op.capId, op.number);
    const kind = op.capType === 1 ? 'Capability' : 'Extended capability';
    if (at === undefined) {
      out.text(trace);
      if (found === 0) throw new Die(`${slot}: Instance #${op.number} of ${kind} ${hex(op.capId, 4)} not found - there are no capabilities with that id.`);
      throw new Die(
        `${slot}: Instance #${op.number} of ${kind} ${hex(op.capId, 4)} not found - there ${found === 1 ? 'is' : 'are'} only ${found} ${found === 1 ? 'capability' : 'capabilities'} with that id.`,
      );
    }
    addr = at;
    if (s.verbose) trace += op.capType === 1 ? `(cap ${hex(op.capId, 2)} @${hex(addr, 2)}) ` : `(ecap ${hex(op.capId, 4)} @${hex(addr, 3)}) `;
  }
  addr += op.addr;
  if (s.verbose) trace += `@${hex(addr, 2)}`;
  const width = op.width;
  if (addr & (width - 1)) {
    out.text(trace);
    throw new Die(`${slot}: Unaligned access of width ${width} to register ${hex(addr, 4)}`);
  }
  if (addr + width > 0x1000) {
    out.text(trace);
    throw new Die(`${slot}: Access of width ${width} to register ${hex(addr, 4)} out of range`);
  }
  if (op.hdrMask) {
    const htype = access.read(dev, PciReg.HeaderType, 1) & 0x7f;
    if (htype > 2 || !((1 << htype) & op.hdrMask)) {
      out.text(trace);
      throw new Die(`${slot}: Does not have register ${op.name}.`);
    }
  }
  const max = MAX_VALUE[width]!;
  if (op.values.length) {
    for (const v of op.values) {
      let x: number;
      if ((v.mask & max) === max) {
        x = v.value;
        if (s.verbose) trace += ` ${hex(v.value, width * 2)}`;
      } else {
        const y = access.read(dev, addr, width);
        x = ((y & ~v.mask) | v.value) >>> 0;
        if (s.verbose) trace += ` ${hex(y, width * 2)}->(${hex(v.value, width * 2)}:${hex(v.mask, width * 2)})->${hex(x, width * 2)}`;
      }
      if (!s.demo) access.write(dev, addr, width, x & max);
      addr += width;
    }
    if (s.verbose) out.line(trace);
  } else {
    if (s.verbose) trace += ' = ';
    const x = access.read(dev, addr, width);
    out.line(trace + hex(x, width * 2));
  }
}

function dumpRegisters(out: Output): void {
  out.line('cap pos w name');
  for (const r of REG_NAMES) {
    const cap = r.cap >= 0x20000 ? hex(r.cap - 0x20000, 4) : r.cap ? `  ${hex(r.cap - 0x10000, 2)}` : '    ';
    out.line(`${cap} ${hex(r.offset, 2)} ${'-BW?L'[r.width]} ${r.name}`);
  }
}

export const setpci = defineTool({
  name: 'setpci',
  summary: 'read and write PCI configuration registers',
  usage: USAGE,
  options: ['-s', '-d', '-v', '-f', '-D', '--dumpregs', '--help', '--version'],
  run(ctx) {
    const args = ctx.argv.slice(1);
    const out = new Output(ctx.stdout);
    if (args.length === 1) {
      if (args[0] === '--help') {
        ctx.stderr.write(USAGE);
        return 0;
      }
      if (args[0] === '--version') {
        ctx.stdout.write(`setpci version ${VERSION}\n`);
        return 0;
      }
      if (args[0] === '--dumpregs') {
        dumpRegisters(out);
        out.flush();
        return 0;
      }
    }
    let parsed: { settings: Settings; groups: Group[] };
    try {
      parsed = parseCommandLine(args);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      ctx.stderr.write(`setpci: ${error.message}.\nTry \`setpci --help' for more information.\n`);
      return 1;
    }
    const errors = new Output(ctx.stderr);
    const access = new Access(ctx.kernel, errors);
    const devices = pciDevices(ctx.kernel);
    try {
      parsed.groups.forEach((group, index) => {
        const selected = devices.filter((dev) => filterMatches(group.filter, dev));
        if (selected.length === 0 && !parsed.settings.force) {
          errors.line(`setpci: Warning: No devices selected for operation group ${index + 1}.`);
        }
        for (const dev of selected) for (const op of group.ops) execOp(access, op, dev, parsed.settings, out);
      });
    } catch (error) {
      if (!(error instanceof Die)) throw error;
      out.flush();
      errors.line(`setpci: ${error.message}`);
      errors.flush();
      return 1;
    } finally {
      out.flush();
      errors.flush();
    }
    return 0;
  },
});
