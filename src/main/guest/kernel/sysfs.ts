import { KernelError } from './errors';
import type { Kernel } from './kernel';
import type { PciDev } from './pci';
import { Directory, link, textFile, type Node } from './vfs';

const hex = (n: number, digits: number) => '0x' + n.toString(16).padStart(digits, '0');
const hex64 = (n: number) => '0x' + n.toString(16).padStart(16, '0');

/** IORESOURCE_MEM | IORESOURCE_SIZEALIGN (and PREFETCH), IORESOURCE_IO: the flags column of `resource`. */
function resourceFlags(bar: { io: boolean; prefetch: boolean }): number {
  if (bar.io) return 0x40101;
  return 0x40200 | (bar.prefetch ? 0x2000 : 0);
}

/** /sys/bus/pci/devices/<name>/: identity, resources, config space, enable, irq, msi_irqs, driver. */
function deviceDirectory(kernel: Kernel, dev: PciDev): Directory {
  const dir = new Directory(() => {
    const dynamic: [string, Node][] = [];
    if (dev.driver) dynamic.push(['driver', link(`../../../bus/pci/drivers/${dev.driver.name}`)]);
    if (dev.msiIrq !== undefined) {
      dynamic.push(['msi_irqs', new Directory().add(String(dev.msiIrq), textFile(() => 'msi\n'))]);
    }
    for (const bar of dev.bars) {
      if (bar) dynamic.push([`resource${bar.index}`, { kind: 'chardev', size: bar.size }]);
    }
    return dynamic;
  });
  dir
    .add('vendor', textFile(() => hex(dev.vendor, 4) + '\n'))
    .add('device', textFile(() => hex(dev.device, 4) + '\n'))
    .add('class', textFile(() => hex(dev.classCode, 6) + '\n'))
    .add('revision', textFile(() => hex(dev.revision, 2) + '\n'))
    .add('subsystem_vendor', textFile(() => hex(dev.subsystemVendor, 4) + '\n'))
    .add('subsystem_device', textFile(() => hex(dev.subsystemDevice, 4) + '\n'))
    .add('irq', textFile(() => `${dev.irq}\n`))
    .add('enable', textFile(
      () => `${dev.enableCount > 0 ? 1 : 0}\n`,
      (text) => {
        const v = text.trim();
        if (v === '1') kernel.pci.enableDevice(dev);
        else if (v === '0') kernel.pci.disableDevice(dev);
        else throw new KernelError('EINVAL');
      },
    ))
    .add('resource', textFile(() => {
      const lines: string[] = [];
      for (let i = 0; i < 7; i++) {
        const bar = dev.bars[i];
        lines.push(bar ? `${hex64(bar.start)} ${hex64(bar.start + bar.size - 1)} ${hex64(resourceFlags(bar))}` : `${hex64(0)} ${hex64(0)} ${hex64(0)}`);
      }
      return lines.join('\n') + '\n';
    }))
    .add('config', {
      kind: 'file',
      size: 256,
      read: () => {
        const bytes = new Uint8Array(256);
        for (let off = 0; off < 256; off += 4) {
          const v = kernel.pci.configRead(dev, off, 4);
          bytes.set([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24], off);
        }
        return bytes;
      },
      write: (data) => {
        for (let off = 0; off < Math.min(256, data.length); off++) kernel.pci.configWrite(dev, off, 1, data[off]!);
      },
    });
  return dir;
}

/** The /sys directory: PCI devices and drivers. */
export function createSysfs(kernel: Kernel): Directory {
  const devicesDir = new Directory(() => kernel.pci.devices().map((dev) => [dev.name, link(`../../../devices/pci0000:00/${dev.name}`)] as [string, Node]));
  const driversDir = new Directory(() => {
    const byDriver = new Map<string, Directory>();
    for (const dev of kernel.pci.devices()) {
      if (!dev.driver) continue;
      let d = byDriver.get(dev.driver.name);
      if (!d) byDriver.set(dev.driver.name, (d = new Directory()));
      d.add(dev.name, link(`../../../../devices/pci0000:00/${dev.name}`));
    }
    return byDriver;
  });
  const pciRoot = new Directory(() => kernel.pci.devices().map((dev) => [dev.name, deviceDirectory(kernel, dev)] as [string, Node]));
  return new Directory()
    .add('bus', new Directory().add('pci', new Directory().add('devices', devicesDir).add('drivers', driversDir)))
    .add('devices', new Directory().add('pci0000:00', pciRoot));
}
