/**
 * Module `edu`: `modprobe edu [use_msi=1] [no_master=1] [no_ack=1] [no_mask=1]` registers the PCI
 * driver (which probes 00:04.0); `rmmod edu` unregisters it (which removes the device).
 */
import { EDU_DEVICE_ID, EDU_VENDOR_ID } from '../../../../common/edu/datasheet';
import type { Kernel } from '../../kernel/kernel';
import type { KernelModule, ModuleParam, ParamValues } from '../../kernel/modules';
import type { PciDriver } from '../../kernel/pci';
import { EDU_DRV_NAME, eduPciDriver } from './driver';
import type { EduParams } from './uapi';

export const EDU_MODULE_PARAMS: readonly ModuleParam[] = [
  { name: 'use_msi', type: 'bool', default: false, description: 'Use MSI instead of the shared INTx line' },
  {
    name: 'no_master',
    type: 'bool',
    default: false,
    description: 'Teaching: leave bus mastering off (DMA moves no data; MSI messages, being DMA writes, are lost)',
  },
  {
    name: 'no_ack',
    type: 'bool',
    default: false,
    description: 'Teaching: the interrupt handler does not acknowledge (INTx: interrupt storm; MSI: status stays set)',
  },
  {
    name: 'no_mask',
    type: 'bool',
    default: false,
    description: "Teaching: do not set the 28-bit DMA mask (with more than 256 MiB of RAM the buffer is out of the device's reach)",
  },
];

export function eduParams(values: ParamValues): EduParams {
  return {
    use_msi: values.use_msi === true,
    no_master: values.no_master === true,
    no_ack: values.no_ack === true,
    no_mask: values.no_mask === true,
  };
}

/** The edu driver as a loadable module of `kernel`. */
export function eduModule(kernel: Kernel): KernelModule {
  let driver: PciDriver | undefined;
  return {
    name: EDU_DRV_NAME,
    description: "Driver for QEMU's educational PCI device (edu, 1234:11e8)",
    params: EDU_MODULE_PARAMS,
    ids: [{ vendor: EDU_VENDOR_ID, device: EDU_DEVICE_ID }],
    async init(values: ParamValues): Promise<void> {
      driver = eduPciDriver(kernel, eduParams(values));
      await kernel.pci.registerDriver(driver);
    },
    async exit(): Promise<void> {
      if (driver) await kernel.pci.unregisterDriver(driver);
      driver = undefined;
    },
  };
}
