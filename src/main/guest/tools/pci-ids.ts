/**
 * A tiny PCI ID table (the few entries of pci.ids this machine needs) and the name formatting of
 * libpci's pci_lookup_name(): plain names, numbers only (-n), or both (-nn).
 */

export type NameMode = 'names' | 'numeric' | 'mixed';

const VENDORS: ReadonlyMap<number, string> = new Map([
  [0x8086, 'Intel Corporation'],
  [0x1af4, 'Red Hat, Inc.'],
  [0x1b36, 'Red Hat, Inc.'],
  // 0x1234 (QEMU's "Technical Corp." placeholder) is not in pci.ids: lspci prints the number.
]);

const DEVICES: ReadonlyMap<string, string> = new Map([
  ['8086:1237', '440FX - 82441FX PMC [Natoma]'],
  ['8086:7000', '82371SB PIIX3 ISA [Natoma/Triton II]'],
  ['8086:7010', '82371SB PIIX3 IDE [Natoma/Triton II]'],
  ['8086:7113', '82371AB/EB/MB PIIX4 ACPI'],
]);

/** Per-device subsystem names: vendor:device:subvendor:subdevice. */
const SUBSYSTEMS: ReadonlyMap<string, string> = new Map([
  ['8086:1237:1af4:1100', 'Qemu virtual machine'],
  ['8086:7000:1af4:1100', 'Qemu virtual machine'],
  ['8086:7010:1af4:1100', 'Qemu virtual machine'],
  ['8086:7113:1af4:1100', 'Qemu virtual machine'],
]);

const CLASSES: ReadonlyMap<number, string> = new Map([
  [0x00, 'Unclassified device'],
  [0x01, 'Mass storage controller'],
  [0x02, 'Network controller'],
  [0x03, 'Display controller'],
  [0x04, 'Multimedia controller'],
  [0x05, 'Memory controller'],
  [0x06, 'Bridge'],
  [0x07, 'Communication controller'],
  [0x08, 'Generic system peripheral'],
  [0x09, 'Input device controller'],
  [0x0a, 'Docking station'],
  [0x0b, 'Processor'],
  [0x0c, 'Serial bus controller'],
  [0x0d, 'Wireless controller'],
  [0x0e, 'Intelligent controller'],
  [0x0f, 'Satellite communications controller'],
  [0x10, 'Encryption controller'],
  [0x11, 'Signal processing controller'],
  [0x12, 'Processing accelerators'],
  [0x13, 'Non-Essential Instrumentation'],
  [0x40, 'Coprocessor'],
  [0xff, 'Unassigned class'],
]);

const SUBCLASSES: ReadonlyMap<number, string> = new Map([
  [0x0000, 'Non-VGA unclassified device'],
  [0x0001, 'VGA compatible unclassified device'],
  [0x0005, 'Image coprocessor'],
  [0x0100, 'SCSI storage controller'],
  [0x0101, 'IDE interface'],
  [0x0106, 'SATA controller'],
  [0x0108, 'Non-Volatile memory controller'],
  [0x0200, 'Ethernet controller'],
  [0x0300, 'VGA compatible controller'],
  [0x0380, 'Display controller'],
  [0x0401, 'Multimedia audio controller'],
  [0x0403, 'Audio device'],
  [0x0500, 'RAM memory'],
  [0x0600, 'Host bridge'],
  [0x0601, 'ISA bridge'],
  [0x0604, 'PCI bridge'],
  [0x0680, 'Bridge'],
  [0x0700, 'Serial controller'],
  [0x0880, 'System peripheral'],
  [0x0c03, 'USB controller'],
  [0x0c05, 'SMBus'],
  [0x1200, 'Processing accelerators'],
]);

const h4 = (n: number) => n.toString(16).padStart(4, '0');

function formatName(mode: NameMode, name: string | undefined, num: string, unknown: string): string {
  if (mode === 'numeric') return num;
  if (!name) return mode === 'mixed' ? `${unknown} [${num}]` : `${unknown} ${num}`;
  return mode === 'mixed' ? `${name} [${num}]` : name;
}

function formatPair(mode: NameMode, v: string | undefined, d: string | undefined, num: string): string {
  if (mode === 'numeric') return num;
  if (mode === 'mixed') {
    if (v && d) return `${v} ${d} [${num}]`;
    if (!v) return `Device [${num}]`;
    return `${v} Device [${num}]`;
  }
  if (v && d) return `${v} ${d}`;
  if (!v) return `Device ${num}`;
  return `${v} Device ${num.slice(5)}`;
}

/** "Unclassified device [00ff]", "Host bridge" (-nn: "Host bridge [0600]"; -n: "0600"). */
export function className(mode: NameMode, deviceClass: number): string {
  let m = mode;
  let name = SUBCLASSES.get(deviceClass);
  if (!name) {
    name = CLASSES.get(deviceClass >> 8);
    // Only the base class is known: the full number goes along, as libpci does.
    if (name && m !== 'numeric') m = 'mixed';
  }
  return formatName(m, name, h4(deviceClass), 'Class');
}

/** "Intel Corporation 440FX - 82441FX PMC [Natoma]", "Device 1234:11e8". */
export function deviceName(mode: NameMode, vendor: number, device: number): string {
  return formatPair(mode, VENDORS.get(vendor), DEVICES.get(`${h4(vendor)}:${h4(device)}`), `${h4(vendor)}:${h4(device)}`);
}

/** "Red Hat, Inc. Device 1100", "Red Hat, Inc. Qemu virtual machine". */
export function subsystemName(mode: NameMode, vendor: number, device: number, subVendor: number, subDevice: number): string {
  let d = SUBSYSTEMS.get(`${h4(vendor)}:${h4(device)}:${h4(subVendor)}:${h4(subDevice)}`);
  if (!d && vendor === subVendor && device === subDevice) d = DEVICES.get(`${h4(vendor)}:${h4(device)}`);
  return formatPair(mode, VENDORS.get(subVendor), d, `${h4(subVendor)}:${h4(subDevice)}`);
}

/** The name of a programming interface, if pci.ids has one (none for these classes). */
export function progIfName(_deviceClass: number, _progIf: number): string | undefined {
  return undefined;
}

/** PCI_LOOKUP_VENDOR (-m output): "Intel Corporation", "Vendor 1234". */
export function vendorName(mode: NameMode, vendor: number, unknown = 'Vendor'): string {
  return formatName(mode, VENDORS.get(vendor), h4(vendor), unknown);
}

/** PCI_LOOKUP_DEVICE (-m output): "440FX - 82441FX PMC [Natoma]", "Device 11e8". */
export function deviceOnlyName(mode: NameMode, vendor: number, device: number): string {
  return formatName(mode, DEVICES.get(`${h4(vendor)}:${h4(device)}`), h4(device), 'Device');
}

/** PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE (-m output): "Qemu virtual machine", "Device 1100". */
export function subDeviceName(mode: NameMode, vendor: number, device: number, subVendor: number, subDevice: number): string {
  let d = SUBSYSTEMS.get(`${h4(vendor)}:${h4(device)}:${h4(subVendor)}:${h4(subDevice)}`);
  if (!d && vendor === subVendor && device === subDevice) d = DEVICES.get(`${h4(vendor)}:${h4(device)}`);
  return formatName(mode, d, h4(subDevice), 'Device');
}
