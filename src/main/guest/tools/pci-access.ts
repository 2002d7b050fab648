import { PCI_CONFIG_SPACE_SIZE } from '../../../common/pci';
import type { Kernel } from '../kernel/kernel';
import type { PciDev } from '../kernel/pci';

/**
 * A function's configuration space as pciutils sees it through sysfs `config`: bytes are fetched on
 * demand and kept, and each fetch is split the way the kernel's sysfs read splits it (a byte, a word,
 * then dwords, then a word and a byte), so the config cycles a tool causes are the real ones. This is a
 * conventional function: reads past 256 bytes return nothing.
 */
export class ConfigView {
  private readonly bytes = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  private readonly present = new Uint8Array(PCI_CONFIG_SPACE_SIZE);

  constructor(
    private readonly kernel: Kernel,
    readonly dev: PciDev,
  ) {}

  /** Make bytes [pos, pos+len) available; false if they lie past the config space (sysfs read fails). */
  fetch(pos: number, len: number): boolean {
    while (len > 0 && pos < PCI_CONFIG_SPACE_SIZE && this.present[pos]) {
      pos++;
      len--;
    }
    while (len > 0 && pos + len <= PCI_CONFIG_SPACE_SIZE && this.present[pos + len - 1]) len--;
    if (len === 0) return true;
    if (pos + len > PCI_CONFIG_SPACE_SIZE) return false;
    readConfigBlock(this.kernel, this.dev, pos, len, this.bytes);
    this.present.fill(1, pos, pos + len);
    return true;
  }

  has(pos: number, len = 1): boolean {
    for (let i = pos; i < pos + len; i++) if (!this.present[i]) return false;
    return true;
  }

  byte(pos: number): number {
    return this.bytes[pos] ?? 0;
  }
  word(pos: number): number {
    return this.byte(pos) | (this.byte(pos + 1) << 8);
  }
  long(pos: number): number {
    return (this.word(pos) | (this.word(pos + 2) << 16)) >>> 0;
  }
}

/** What a sysfs `config` read of [pos, pos+len) does: naturally aligned accesses, widest first. */
export function readConfigBlock(kernel: Kernel, dev: PciDev, pos: number, len: number, into: Uint8Array): void {
  const put = (at: number, value: number, size: number) => {
    for (let i = 0; i < size; i++) into[at + i] = (value >>> (8 * i)) & 0xff;
  };
  if (pos & 1 && len > 0) {
    put(pos, kernel.pci.configRead(dev, pos, 1), 1);
    pos++;
    len--;
  }
  if (pos & 3 && len >= 2) {
    put(pos, kernel.pci.configRead(dev, pos, 2), 2);
    pos += 2;
    len -= 2;
  }
  while (len >= 4) {
    put(pos, kernel.pci.configRead(dev, pos, 4), 4);
    pos += 4;
    len -= 4;
  }
  if (len >= 2) {
    put(pos, kernel.pci.configRead(dev, pos, 2), 2);
    pos += 2;
    len -= 2;
  }
  if (len > 0) put(pos, kernel.pci.configRead(dev, pos, 1), 1);
}

/** libpci's device filter: -s [[[domain]:]bus:][slot][.[func]] and -d [vendor]:[device][:class[:progif]]. */
export interface PciFilter {
  domain: number;
  bus: number;
  slot: number;
  func: number;
  vendor: number;
  device: number;
  deviceClass: number;
  classMask: number;
  progIf: number;
}

export function newFilter(): PciFilter {
  return { domain: -1, bus: -1, slot: -1, func: -1, vendor: -1, device: -1, deviceClass: -1, classMask: 0xffffffff, progIf: -1 };
}

function defined(field: string | undefined): field is string {
  return field !== undefined && field !== '' && field !== '*';
}

/** A hex field with an upper bound (and 'x' wildcard digits where a mask is wanted); undefined = invalid. */
function hexField(text: string | undefined, max: number, withMask = false): { value: number; mask: number } | undefined | 'default' {
  if (!defined(text)) return 'default';
  let value = 0;
  let mask = 0xffffffff;
  let bound = 0;
  for (const c of text) {
    if ((c === 'x' || c === 'X') && withMask) {
      value = (value << 4) >>> 0;
      bound = ((bound << 4) | 1) >>> 0;
      mask = (mask << 4) >>> 0;
    } else {
      const d = parseInt(c, 16);
      if (Number.isNaN(d)) return undefined;
      value = ((value << 4) | d) >>> 0;
      bound = ((bound << 4) | d) >>> 0;
      mask = ((mask << 4) | 0xf) >>> 0;
    }
    if (bound > max) return undefined;
  }
  return { value, mask };
}

/** Parse -s; returns libpci's message on error. */
export function parseSlotFilter(f: PciFilter, text: string): string | undefined {
  if (text.length >= 64) return 'Expression too long';
  const fields = text.split(':');
  if (fields.length > 3) return 'Too many fields';
  let i = 0;
  if (fields.length === 3) {
    const d = hexField(fields[0], 0x7fffffff);
    if (d === undefined) return 'Invalid domain number';
    if (d !== 'default') f.domain = d.value;
    i++;
  }
  if (fields.length - i === 2) {
    const b = hexField(fields[i], 0xff);
    if (b === undefined) return 'Invalid bus number';
    if (b !== 'default') f.bus = b.value;
    i++;
  }
  const devfn = fields[i];
  if (defined(devfn)) {
    const parts = devfn.split('.');
    if (parts.length > 2) return 'Invalid slot/function number';
    const s = hexField(parts[0], 0x1f);
    if (s === undefined) return 'Invalid slot number';
    if (s !== 'default') f.slot = s.value;
    const fn = hexField(parts[1], 7);
    if (fn === undefined) return 'Invalid function number';
    if (fn !== 'default') f.func = fn.value;
  }
  return undefined;
}

/** Parse -d; returns libpci's message on error. */
export function parseIdFilter(f: PciFilter, text: string): string | undefined {
  if (text.length >= 64) return 'Expression too long';
  const fields = text.split(':');
  if (fields.length > 4) return 'Too many fields';
  if (fields.length < 2) return 'At least two fields must be given';
  const v = hexField(fields[0], 0xffff);
  if (v === undefined) return 'Invalid vendor ID';
  if (v !== 'default') f.vendor = v.value;
  const d = hexField(fields[1], 0xffff);
  if (d === undefined) return 'Invalid device ID';
  if (d !== 'default') f.device = d.value;
  const c = hexField(fields[2], 0xffff, true);
  if (c === undefined) return 'Invalid class code';
  if (c !== 'default') {
    f.deviceClass = c.value;
    f.classMask = c.mask;
  }
  const p = hexField(fields[3], 0xff);
  if (p === undefined) return 'Invalid programming interface code';
  if (p !== 'default') f.progIf = p.value;
  return undefined;
}

export function filterMatches(f: PciFilter, dev: PciDev): boolean {
  if ((f.domain >= 0 && f.domain !== 0) || (f.bus >= 0 && f.bus !== 0)) return false;
  if ((f.slot >= 0 && f.slot !== dev.slot) || (f.func >= 0 && f.func !== dev.fn)) return false;
  if ((f.vendor >= 0 && f.vendor !== dev.vendor) || (f.device >= 0 && f.device !== dev.device)) return false;
  if (f.deviceClass >= 0 && ((f.deviceClass ^ (dev.classCode >> 8)) & f.classMask) !== 0) return false;
  if (f.progIf >= 0 && f.progIf !== (dev.classCode & 0xff)) return false;
  return true;
}

/** The devices sysfs lists, in bus order. */
export function pciDevices(kernel: Kernel): PciDev[] {
  return [...kernel.pci.devices()].sort((a, b) => a.slot - b.slot || a.fn - b.fn);
}
