import { KernelError } from '../../../src/main/guest/kernel/errors';
import { IrqReturn } from '../../../src/main/guest/kernel/irq';
import type { Kernel } from '../../../src/main/guest/kernel/kernel';
import type { KernelModule } from '../../../src/main/guest/kernel/modules';
import type { PciDev, PciDriver } from '../../../src/main/guest/kernel/pci';

export interface FakeDriverOptions {
  readonly name?: string;
  /** Ask for MSI (else INTx). */
  readonly msi?: boolean;
  /** Make probe fail with this errno. */
  readonly failProbe?: 'ENODEV' | 'EIO';
}

/** A minimal PCI driver for 1234:11e8 that does what a real one does in probe: enable, master, irq. */
export function fakeEduDriver(kernel: Kernel, options: FakeDriverOptions = {}): PciDriver {
  const cookie = {};
  let irq = 0;
  return {
    name: options.name ?? 'edu',
    ids: [{ vendor: 0x1234, device: 0x11e8 }],
    probe(dev: PciDev) {
      if (options.failProbe) throw new KernelError(options.failProbe);
      kernel.pci.enableDevice(dev);
      kernel.pci.setMaster(dev);
      kernel.pci.requestRegion(dev, 0, options.name ?? 'edu');
      irq = kernel.pci.allocIrqVector(dev, { msi: options.msi ?? false, intx: true });
      kernel.irq.requestIrq(irq, () => IrqReturn.None, { name: options.name ?? 'edu', dev: cookie, shared: !options.msi });
    },
    remove(dev: PciDev) {
      kernel.irq.freeIrq(irq, cookie);
      kernel.pci.freeIrqVectors(dev);
      kernel.pci.releaseRegion(dev, 0);
      kernel.pci.clearMaster(dev);
      kernel.pci.disableDevice(dev);
    },
  };
}

/**
 * A loadable module wrapping the fake driver, with the parameters a real edu module might have. Init
 * fails with ENODEV when no device was bound, as pci_register_driver-based modules often do.
 */
export function fakeEduModule(options: { name?: string; failProbe?: 'ENODEV' | 'EIO' } = {}) {
  return (kernel: Kernel): KernelModule => {
    let driver: PciDriver | undefined;
    return {
      name: options.name ?? 'edu',
      description: 'a fake edu driver for tool tests',
      params: [
        { name: 'use_msi', type: 'bool', description: 'use MSI', default: false },
        { name: 'dma_size', type: 'uint', description: 'DMA buffer size', default: 4096 },
      ],
      async init(params) {
        kernel.log.info(`${options.name ?? 'edu'}: loading (use_msi=${params.use_msi ? 1 : 0})`);
        driver = fakeEduDriver(kernel, { name: options.name, msi: params.use_msi === true, failProbe: options.failProbe });
        const bound = await kernel.pci.registerDriver(driver);
        if (bound === 0) {
          await kernel.pci.unregisterDriver(driver);
          throw new KernelError('ENODEV');
        }
      },
      async exit() {
        if (driver) await kernel.pci.unregisterDriver(driver);
        kernel.log.info(`${options.name ?? 'edu'}: unloaded`);
      },
    };
  };
}
