import { PciCapId, PciCommand, PciReg, PciStatus } from '../../../common/pci';
import type { Kernel } from '../kernel/kernel';
import type { PciDev } from '../kernel/pci';
import { getopt } from './args';
import { ConfigView, filterMatches, newFilter, parseIdFilter, parseSlotFilter, pciDevices } from './pci-access';
import { className, deviceName, deviceOnlyName, progIfName, subDeviceName, subsystemName, vendorName, type NameMode } from './pci-ids';
import { defineTool, hex, Output } from './util';

const USAGE = `Usage: lspci [<switches>]

Basic display modes:
-mm\t\tProduce machine-readable output (single -m for an obsolete format)
-t\t\tShow bus tree

Display options:
-v\t\tBe verbose (-vv or -vvv for higher verbosity)
-k\t\tShow kernel drivers handling each device
-x\t\tShow hex-dump of the standard part of the config space
-xxx\t\tShow hex-dump of the whole config space (dangerous; root only)
-xxxx\t\tShow hex-dump of the 4096-byte extended config space (root only)
-b\t\tBus-centric view (addresses and IRQ's as seen by the bus)
-D\t\tAlways show domain numbers
-P\t\tDisplay bridge path in addition to bus and device number
-PP\t\tDisplay bus path in addition to bus and device number

Resolving of device ID's to names:
-n\t\tShow numeric ID's
-nn\t\tShow both textual and numeric ID's (names & numbers)

Selection of devices:
-s [[[[<domain>]:]<bus>]:][<slot>][.[<func>]]\tShow only devices in selected slots
-d [<vendor>]:[<device>][:<class>]\t\tShow only devices with specified ID's

Other options:
-i <file>\tUse specified ID database instead of /usr/share/misc/pci.ids
-p <file>\tLook up kernel modules in a given file instead of default modules.pcimap
-M\t\tEnable \`bus mapping' mode (dangerous; root only)
`;

const VERSION = '3.9.0';

/** PCI_IORESOURCE_* flags of sysfs `resource`, as libpci turns them back into BAR bits. */
const BAR_SPACE_IO = 0x01;
const BAR_MEM_TYPE_MASK = 0x06;
const BAR_MEM_TYPE_64 = 0x04;
const BAR_MEM_TYPE_1M = 0x02;
const BAR_MEM_PREFETCH = 0x08;

interface Options {
  verbose: number;
  names: NameMode;
  hexLevel: number;
  kernel: boolean;
  domains: boolean;
  machine: number;
  tree: boolean;
}

const flag = (value: number, bit: number) => ((value & bit) !== 0 ? '+' : '-');

function devsel(status: number): string {
  switch (status & PciStatus.DevselMask) {
    case 0x000:
      return 'fast';
    case 0x200:
      return 'medium';
    case 0x400:
      return 'slow';
    default:
      return '??';
  }
}

/** " [size=1M]": the largest unit that divides the size exactly. */
function sizeText(size: number): string {
  if (!size) return '';
  const units = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (i < units.length - 1 && size % 1024 === 0) {
    size /= 1024;
    i++;
  }
  return ` [size=${size}${units[i]}]`;
}

class Lister {
  constructor(
    private readonly k: Kernel,
    private readonly o: Options,
    private readonly out: Output,
  ) {}

  slotName(dev: PciDev): string {
    return `${this.o.domains ? '0000:' : ''}00:${hex(dev.slot, 2)}.${dev.fn}`;
  }

  terse(d: ConfigView): void {
    const dev = d.dev;
    let line = `${this.slotName(dev)} ${className(this.o.names, dev.classCode >> 8)}: ${deviceName(this.o.names, dev.vendor, dev.device)}`;
    if (dev.revision) line += ` (rev ${hex(dev.revision, 2)})`;
    if (this.o.verbose) {
      const progIf = dev.classCode & 0xff;
      const name = progIfName(dev.classCode >> 8, progIf);
      if (progIf || name) line += ` (prog-if ${hex(progIf, 2)}${name ? ` [${name}]` : ''})`;
    }
    this.out.line(line);
    if (this.o.verbose || this.o.kernel) {
      if (dev.subsystemVendor && dev.subsystemVendor !== 0xffff) {
        this.out.line(`\tSubsystem: ${subsystemName(this.o.names, dev.vendor, dev.device, dev.subsystemVendor, dev.subsystemDevice)}`);
      }
    }
  }

  verbose(d: ConfigView): void {
    const dev = d.dev;
    const o = this.o;
    this.terse(d);
    const htype = d.byte(PciReg.HeaderType) & 0x7f;
    const deviceClass = dev.classCode >> 8;
    let bist = 0;
    let maxLat = 0;
    let minGnt = 0;
    if (htype === 0) {
      if (deviceClass === 0x0604) this.out.line(`\t!!! Invalid class ${hex(deviceClass, 4)} for header type ${hex(htype, 2)}`);
      bist = d.byte(PciReg.Bist);
      maxLat = d.byte(PciReg.MaxLat);
      minGnt = d.byte(PciReg.MinGnt);
    } else if (htype === 1 || htype === 2) {
      if (deviceClass >> 8 !== 0x06) this.out.line(`\t!!! Invalid class ${hex(deviceClass, 4)} for header type ${hex(htype, 2)}`);
      bist = d.byte(PciReg.Bist);
    } else {
      this.out.line(`\t!!! Unknown header type ${hex(htype, 2)}`);
    }
    const known = htype <= 2;
    const cmd = d.word(PciReg.Command);
    const status = d.word(PciReg.Status);
    const irq = dev.irq;
    if (known && o.verbose > 1) {
      this.out.line(
        `\tControl: I/O${flag(cmd, PciCommand.Io)} Mem${flag(cmd, PciCommand.Memory)} BusMaster${flag(cmd, PciCommand.Master)}` +
          ` SpecCycle${flag(cmd, PciCommand.Special)} MemWINV${flag(cmd, PciCommand.Invalidate)} VGASnoop${flag(cmd, PciCommand.VgaPalette)}` +
          ` ParErr${flag(cmd, PciCommand.Parity)} Stepping${flag(cmd, PciCommand.Wait)} SERR${flag(cmd, PciCommand.Serr)}` +
          ` FastB2B${flag(cmd, PciCommand.FastBack)} DisINTx${flag(cmd, PciCommand.IntxDisable)}`,
      );
      this.out.line(
        `\tStatus: Cap${flag(status, PciStatus.CapList)} 66MHz${flag(status, PciStatus.Mhz66)} UDF${flag(status, PciStatus.Udf)}` +
          ` FastB2B${flag(status, PciStatus.FastBack)} ParErr${flag(status, PciStatus.Parity)} DEVSEL=${devsel(status)}` +
          ` >TAbort${flag(status, PciStatus.SigTargetAbort)} <TAbort${flag(status, PciStatus.RecTargetAbort)}` +
          ` <MAbort${flag(status, PciStatus.RecMasterAbort)} >SERR${flag(status, PciStatus.SigSystemError)}` +
          ` <PERR${flag(status, PciStatus.DetectedParity)} INTx${flag(status, PciStatus.Interrupt)}`,
      );
      if (cmd & PciCommand.Master) {
        let line = `\tLatency: ${d.byte(PciReg.LatencyTimer)}`;
        if (minGnt || maxLat) {
          const parts: string[] = [];
          if (minGnt) parts.push(`${minGnt * 250}ns min`);
          if (maxLat) parts.push(`${maxLat * 250}ns max`);
          line += ` (${parts.join(', ')})`;
        }
        const cacheLine = d.byte(PciReg.CacheLineSize);
        if (cacheLine) line += `, Cache Line Size: ${cacheLine * 4} bytes`;
        this.out.line(line);
      }
    }
    if (o.verbose > 1) {
      const pin = known ? d.byte(PciReg.InterruptPin) : 0;
      if (pin || irq) this.out.line(`\tInterrupt: pin ${pin ? String.fromCharCode(0x40 + pin) : '?'} routed to IRQ ${irq}`);
    }
    if (known && o.verbose <= 1) {
      let line = '\tFlags: ';
      if (cmd & PciCommand.Master) line += 'bus master, ';
      if (cmd & PciCommand.VgaPalette) line += 'VGA palette snoop, ';
      if (cmd & PciCommand.Wait) line += 'stepping, ';
      if (cmd & PciCommand.FastBack) line += 'fast Back2Back, ';
      if (status & PciStatus.Mhz66) line += '66MHz, ';
      if (status & PciStatus.Udf) line += 'user-definable features, ';
      line += `${devsel(status)} devsel`;
      if (cmd & PciCommand.Master) line += `, latency ${d.byte(PciReg.LatencyTimer)}`;
      if (irq) line += `, IRQ ${irq}`;
      this.out.line(line);
    }
    if (bist & 0x80) {
      if (bist & 0x40) this.out.line('\tBIST is running');
      else this.out.line(`\tBIST result: ${hex(bist & 0x0f, 2)}`);
    }
    if (htype === 0) {
      this.bases(d, 6);
      this.rom(d);
      this.caps(d);
    } else if (known) {
      this.bases(d, htype === 1 ? 2 : 1);
    }
  }

  /** Region lines: addresses and sizes from the kernel's resources (sysfs `resource`), as lspci takes them. */
  bases(d: ConfigView, n: number): void {
    const dev = d.dev;
    const cmd = d.word(PciReg.Command);
    for (let i = 0; i < n; i++) {
      const bar = dev.bars[i];
      const pos = bar?.start ?? 0;
      const len = bar?.size ?? 0;
      let flg = 0;
      if (bar) flg = bar.io ? BAR_SPACE_IO : (bar.is64 ? BAR_MEM_TYPE_64 : 0) | (bar.prefetch ? BAR_MEM_PREFETCH : 0);
      if (!pos && !flg && !len) continue;
      const hwLower = d.long(PciReg.Bar0 + 4 * i);
      let hwUpper = 0;
      let broken = false;
      let virtual = false;
      if (bar && (hwLower & BAR_SPACE_IO) === (flg & BAR_SPACE_IO)) {
        if (!bar.io && (hwLower & BAR_MEM_TYPE_MASK) === BAR_MEM_TYPE_64) {
          if (i >= n - 1) broken = true;
          else hwUpper = d.long(PciReg.Bar0 + 4 * i + 4);
        }
        if (pos && !hwLower && !hwUpper) virtual = true;
      }
      let line = this.o.verbose > 1 ? `\tRegion ${i}: ` : '\t';
      if (flg & BAR_SPACE_IO) {
        const a = pos & ~3;
        line += 'I/O ports at ';
        if (a || cmd & PciCommand.Io) line += hex(a, 4);
        else line += hwLower ? '<ignored>' : '<unassigned>';
        if (virtual) line += ' [virtual]';
        else if (!(cmd & PciCommand.Io)) line += ' [disabled]';
      } else {
        const t = flg & BAR_MEM_TYPE_MASK;
        const a = pos - (pos % 16);
        line += 'Memory at ';
        if (broken) line += '<broken-64-bit-slot>';
        else if (a) line += hex(a, 8);
        else line += hwLower || hwUpper ? '<ignored>' : '<unassigned>';
        const type = t === 0 ? '32-bit' : t === BAR_MEM_TYPE_64 ? '64-bit' : t === BAR_MEM_TYPE_1M ? 'low-1M' : 'type 3';
        line += ` (${type}, ${flg & BAR_MEM_PREFETCH ? '' : 'non-'}prefetchable)`;
        if (virtual) line += ' [virtual]';
        else if (!(cmd & PciCommand.Memory)) line += ' [disabled]';
      }
      this.out.line(line + sizeText(len));
    }
  }

  /** The kernel assigns no expansion ROMs here: only a value software wrote into the register shows. */
  rom(d: ConfigView): void {
    const flg = d.long(PciReg.RomAddress);
    if (!flg) return;
    const cmd = d.word(PciReg.Command);
    let line = '\tExpansion ROM at ';
    line += flg & 0xfffff800 ? '<ignored>' : '<unassigned>';
    if (!(flg & 1)) line += ' [disabled]';
    else if (!(cmd & PciCommand.Memory)) line += ' [disabled by cmd]';
    this.out.line(line);
  }

  caps(d: ConfigView): void {
    if (!(d.word(PciReg.Status) & PciStatus.CapList)) return;
    let where = d.byte(PciReg.CapabilityList) & ~3;
    const seen = new Set<number>();
    while (where) {
      let line = '\tCapabilities: ';
      if (!d.fetch(where, 4)) {
        this.out.line(line + '<access denied>');
        break;
      }
      const id = d.byte(where);
      const next = d.byte(where + 1) & ~3;
      const cap = d.word(where + 2);
      line += `[${hex(where, 2)}] `;
      if (seen.has(where)) {
        this.out.line(line + '<chain looped>');
        break;
      }
      seen.add(where);
      if (id === 0xff) {
        this.out.line(line + '<chain broken>');
        break;
      }
      switch (id) {
        case 0x00:
          this.out.line(line + 'Null');
          break;
        case 0x01:
          this.capPm(d, where, cap, line);
          break;
        case PciCapId.Msi:
          this.capMsi(d, where, cap, line);
          break;
        case 0x09:
          this.out.line(line + `Vendor Specific Information: Len=${hex(d.byte(where + 2), 2)} <?>`);
          break;
        case PciCapId.MsiX:
          this.capMsix(d, where, cap, line);
          break;
        default:
          this.out.line(line + `Capability ID 0x${id.toString(16)} [${hex(cap, 4)}]`);
      }
      where = next;
    }
  }

  capMsi(d: ConfigView, where: number, cap: number, line: string): void {
    this.out.line(
      line +
        `MSI: Enable${flag(cap, 0x0001)} Count=${1 << ((cap & 0x0070) >> 4)}/${1 << ((cap & 0x000e) >> 1)}` +
        ` Maskable${flag(cap, 0x0100)} 64bit${flag(cap, 0x0080)}`,
    );
    if (this.o.verbose < 2) return;
    const is64 = (cap & 0x0080) !== 0;
    if (!d.fetch(where + 4, (is64 ? 0x0c : 0x08) + 2 - 4)) return;
    let text = '\t\tAddress: ';
    let data: number;
    if (is64) {
      text += hex(d.long(where + 8), 8);
      data = d.word(where + 0x0c);
    } else {
      data = d.word(where + 0x08);
    }
    this.out.line(`${text}${hex(d.long(where + 4), 8)}  Data: ${hex(data, 4)}`);
    if (cap & 0x0100) {
      const maskAt = where + (is64 ? 0x10 : 0x0c);
      if (!d.fetch(maskAt, 8)) return;
      this.out.line(`\t\tMasking: ${hex(d.long(maskAt), 8)}  Pending: ${hex(d.long(maskAt + 4), 8)}`);
    }
  }

  capMsix(d: ConfigView, where: number, cap: number, line: string): void {
    this.out.line(line + `MSI-X: Enable${flag(cap, 0x8000)} Count=${(cap & 0x07ff) + 1} Masked${flag(cap, 0x4000)}`);
    if (this.o.verbose < 2 || !d.fetch(where + 4, 8)) return;
    const table = d.long(where + 4);
    const pba = d.long(where + 8);
    this.out.line(`\t\tVector table: BAR=${table & 7} offset=${hex((table & ~7) >>> 0, 8)}`);
    this.out.line(`\t\tPBA: BAR=${pba & 7} offset=${hex((pba & ~7) >>> 0, 8)}`);
  }

  capPm(d: ConfigView, where: number, cap: number, line: string): void {
    this.out.line(line + `Power Management version ${cap & 7}`);
    if (this.o.verbose < 2) return;
    const aux = [0, 55, 100, 160, 220, 270, 320, 375][(cap >> 6) & 7];
    this.out.line(
      `\t\tFlags: PMEClk${flag(cap, 0x0008)} DSI${flag(cap, 0x0020)} D1${flag(cap, 0x0200)} D2${flag(cap, 0x0400)}` +
        ` AuxCurrent=${aux}mA PME(D0${flag(cap, 0x0800)},D1${flag(cap, 0x1000)},D2${flag(cap, 0x2000)},D3hot${flag(cap, 0x4000)},D3cold${flag(cap, 0x8000)})`,
    );
    if (!d.fetch(where + 4, 4)) return;
    const t = d.word(where + 4);
    this.out.line(
      `\t\tStatus: D${t & 3} NoSoftRst${flag(t, 0x0008)} PME-Enable${flag(t, 0x0100)} DSel=${(t & 0x1e00) >> 9} DScale=${(t & 0x6000) >> 13} PME${flag(t, 0x8000)}`,
    );
  }

  /** Kernel driver in use (the sysfs `driver` link) and the modules whose ID tables match the device. */
  kernelInfo(dev: PciDev): void {
    if (dev.driver) this.out.line(`\tKernel driver in use: ${dev.driver.name}`);
    const modules = new Set<string>();
    for (const name of this.k.modules.names()) {
      const module = this.k.modules.info(name) as unknown as { ids?: readonly { vendor: number; device: number }[] } | undefined;
      if (module?.ids?.some((id) => id.vendor === dev.vendor && id.device === dev.device)) modules.add(name);
      else if (dev.driver?.name === name) modules.add(name);
    }
    if (modules.size) this.out.line(`\tKernel modules: ${[...modules].join(', ')}`);
  }

  hexDump(d: ConfigView): void {
    let cnt = 64;
    if (this.o.hexLevel >= 3 && d.fetch(64, 256 - 64)) cnt = 256;
    for (let i = 0; i < cnt; i += 16) {
      let line = `${hex(i, 2)}:`;
      for (let j = 0; j < 16; j++) line += ` ${hex(d.byte(i + j), 2)}`;
      this.out.line(line);
    }
  }

  show(d: ConfigView): void {
    if (this.o.verbose) this.verbose(d);
    else this.terse(d);
    if (this.o.kernel || this.o.verbose) this.kernelInfo(d.dev);
    if (this.o.hexLevel) this.hexDump(d);
    if (this.o.verbose || this.o.hexLevel) this.out.line();
  }

  /** -m / -mm */
  machine(d: ConfigView): void {
    const dev = d.dev;
    const names = this.o.names;
    const q = (s: string) => ` "${s.replace(/["\\]/g, '\\$&')}"`;
    if (this.o.verbose) {
      this.out.line(`${this.o.machine >= 2 ? 'Slot:' : 'Device:'}\t${this.slotName(dev)}`);
      this.out.line(`Class:\t${className(names, dev.classCode >> 8)}`);
      this.out.line(`Vendor:\t${vendorName(names, dev.vendor)}`);
      this.out.line(`Device:\t${deviceOnlyName(names, dev.vendor, dev.device)}`);
      if (dev.subsystemVendor && dev.subsystemVendor !== 0xffff) {
        this.out.line(`SVendor:\t${vendorName(names, dev.subsystemVendor, 'Unknown vendor')}`);
        this.out.line(`SDevice:\t${subDeviceName(names, dev.vendor, dev.device, dev.subsystemVendor, dev.subsystemDevice)}`);
      }
      if (dev.revision) this.out.line(`Rev:\t${hex(dev.revision, 2)}`);
      this.out.line(`ProgIf:\t${hex(dev.classCode & 0xff, 2)}`);
      if (this.o.kernel) {
        if (dev.driver) this.out.line(`Driver:\t${dev.driver.name}`);
      }
    } else {
      let line = this.slotName(dev);
      line += q(className(names, dev.classCode >> 8));
      line += q(vendorName(names, dev.vendor));
      line += q(deviceOnlyName(names, dev.vendor, dev.device));
      if (dev.revision) line += ` -r${hex(dev.revision, 2)}`;
      line += ` -p${hex(dev.classCode & 0xff, 2)}`;
      if (dev.subsystemVendor && dev.subsystemVendor !== 0xffff) {
        line += q(vendorName(names, dev.subsystemVendor, 'Unknown vendor'));
        line += q(subDeviceName(names, dev.vendor, dev.device, dev.subsystemVendor, dev.subsystemDevice));
      } else {
        line += ' "" ""';
      }
      this.out.line(line);
    }
    if (this.o.hexLevel) this.hexDump(d);
    if (this.o.verbose || this.o.hexLevel) this.out.line();
  }
}

export const lspci = defineTool({
  name: 'lspci',
  summary: 'list PCI devices',
  usage: USAGE,
  options: ['-n', '-nn', '-v', '-vv', '-vvv', '-k', '-x', '-xxx', '-xxxx', '-D', '-s', '-d', '-t', '-m', '-mm', '--version'],
  run(ctx) {
    const args = ctx.argv.slice(1);
    if (args.length === 1 && args[0] === '--version') {
      ctx.stdout.write(`lspci version ${VERSION}\n`);
      return 0;
    }
    const parsed = getopt('lspci', args, 'nvbxs:d:tPi:mgp:qkMDQA:O:GH:F:J');
    if (!parsed.ok) {
      ctx.stderr.write(`${parsed.message}\n${USAGE}`);
      return 1;
    }
    if (parsed.operands.length > 0) {
      ctx.stderr.write(USAGE);
      return 1;
    }
    const filter = newFilter();
    const opts: Options = { verbose: 0, names: 'names', hexLevel: 0, kernel: false, domains: false, machine: 0, tree: false };
    let numeric = 0;
    for (const o of parsed.options) {
      switch (o.key) {
        case 'n':
          numeric++;
          break;
        case 'v':
          opts.verbose++;
          break;
        case 'x':
          opts.hexLevel++;
          break;
        case 'k':
          opts.kernel = true;
          break;
        case 'D':
          opts.domains = true;
          break;
        case 'm':
          opts.machine++;
          break;
        case 's': {
          const err = parseSlotFilter(filter, o.value!);
          if (err) {
            ctx.stderr.write(`lspci: -s: ${err}\n`);
            return 1;
          }
          break;
        }
        case 'd': {
          const err = parseIdFilter(filter, o.value!);
          if (err) {
            ctx.stderr.write(`lspci: -d: ${err}\n`);
            return 1;
          }
          break;
        }
        case 'q':
        case 'Q':
          ctx.stderr.write('lspci: DNS queries are not available in this version\n');
          return 1;
        case 't':
          opts.tree = true;
          break;
        case 'M':
        case 'J':
          ctx.stderr.write(`lspci: -${o.key} is not supported by this lspci\n`);
          return 1;
        default:
          // -b, -P, -i, -p, -g and the access options change nothing on this machine.
          break;
      }
    }
    opts.names = numeric > 1 ? 'mixed' : numeric === 1 ? 'numeric' : 'names';
    const kernel = ctx.kernel;
    const out = new Output(ctx.stdout);
    const lister = new Lister(kernel, opts, out);
    // Scan first (64 bytes of every selected function, as lspci reads them), then show.
    const views = pciDevices(kernel)
      .filter((dev) => filterMatches(filter, dev))
      .map((dev) => {
        const view = new ConfigView(kernel, dev);
        view.fetch(0, 64);
        return view;
      });
    if (opts.tree) {
      // One bus, one root: -[0000:00]-+-00.0 ... \-04.0 (with -v, the device names).
      const entries = views.map((v) => `${hex(v.dev.slot, 2)}.${v.dev.fn}${opts.verbose ? `  ${deviceName(opts.names, v.dev.vendor, v.dev.device)}` : ''}`);
      const head = '-[0000:00]-';
      if (entries.length === 1) out.line(`${head}--${entries[0]}`);
      entries.forEach((entry, i) => {
        if (entries.length === 1) return;
        const branch = i === entries.length - 1 ? '\\-' : '+-';
        out.line(`${i === 0 ? head : ' '.repeat(head.length)}${branch}${entry}`);
      });
    } else {
      for (const view of views) {
        if (opts.machine) lister.machine(view);
        else lister.show(view);
      }
    }
    out.flush();
    return 0;
  },
});
