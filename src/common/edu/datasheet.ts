/**
 * The edu device's datasheet: identity, register map, bits and constants, as documented for QEMU's
 * educational PCI device. The device model implements behaviour from these numbers; the UI and the
 * guest's tools describe registers with the same words. Behaviour itself lives in the device model.
 */

export const EDU_VENDOR_ID = 0x1234;
export const EDU_DEVICE_ID = 0x11e8;
export const EDU_REVISION = 0x10;
/** Base class 0x00, subclass 0xff, prog-if 0x00: "Unclassified device [00ff]". */
export const EDU_CLASS_CODE = 0x00ff00;
export const EDU_SUBSYSTEM_VENDOR_ID = 0x1af4;
export const EDU_SUBSYSTEM_ID = 0x1100;

/** Identification register value: major 1, minor 0, and the 0xed signature. */
export const EDU_ID = 0x010000ed;
export const EDU_BAR0_SIZE = 1 << 20;

export const EduReg = {
  Id: 0x00,
  Liveness: 0x04,
  Factorial: 0x08,
  Status: 0x20,
  IrqStatus: 0x24,
  IrqRaise: 0x60,
  IrqAck: 0x64,
  DmaSrc: 0x80,
  DmaDst: 0x88,
  DmaCount: 0x90,
  DmaCmd: 0x98,
} as const;
export type EduRegOffset = (typeof EduReg)[keyof typeof EduReg];

/** Offsets below this act on 4-byte accesses only; from here on 8-byte accesses reach 64-bit registers. */
export const EDU_DMA_REGS_START = 0x80;

export const EduStatus = { Computing: 0x01, IrqFact: 0x80 } as const;
export const EduIrq = { Fact: 0x001, Dma: 0x100 } as const;
export const EduDmaCmd = { Run: 0x1, ToRam: 0x2, Irq: 0x4 } as const;

export const EDU_DMA_BUF_ADDR = 0x40000;
export const EDU_DMA_BUF_SIZE = 4096;
export const EDU_DMA_DELAY_MS = 100;
export const EDU_DEFAULT_DMA_MASK = (1n << 28n) - 1n;

export type RegisterAccess = 'RO' | 'RW' | 'WO';

export interface BitField {
  readonly mask: number;
  readonly name: string;
  readonly description: string;
}

export interface RegisterInfo {
  readonly offset: EduRegOffset;
  readonly name: string;
  readonly access: RegisterAccess;
  /** Register width in bits; 64-bit registers also accept 4-byte accesses to their low half. */
  readonly width: 32 | 64;
  readonly description: string;
  readonly bits?: readonly BitField[];
}

export const EDU_REGISTERS: readonly RegisterInfo[] = [
  { offset: EduReg.Id, name: 'ID', access: 'RO', width: 32,
    description: 'Identification: 0x010000ED, major version 1, minor 0.' },
  { offset: EduReg.Liveness, name: 'LIVENESS', access: 'RW', width: 32,
    description: 'Liveness check: reads back the bitwise inverse of the last value written.' },
  { offset: EduReg.Factorial, name: 'FACTORIAL', access: 'RW', width: 32,
    description: 'Write n to compute n! on the device thread; reads n until done, then n! mod 2^32. Ignored while computing.' },
  { offset: EduReg.Status, name: 'STATUS', access: 'RW', width: 32,
    description: 'Bit 0 COMPUTING (read-only) is set while the factorial runs; bit 7 IRQFACT asks for an interrupt when it ends.',
    bits: [
      { mask: EduStatus.Computing, name: 'COMPUTING', description: 'The factorial thread is busy (read-only).' },
      { mask: EduStatus.IrqFact, name: 'IRQFACT', description: 'Raise interrupt 0x1 when a factorial finishes.' },
    ] },
  { offset: EduReg.IrqStatus, name: 'IRQ_STATUS', access: 'RO', width: 32,
    description: 'Interrupt status: why the device is interrupting (0x1 factorial, 0x100 DMA, or any raised value).',
    bits: [
      { mask: EduIrq.Fact, name: 'FACT', description: 'A factorial finished with IRQFACT set.' },
      { mask: EduIrq.Dma, name: 'DMA', description: 'A DMA transfer finished with its IRQ bit set.' },
    ] },
  { offset: EduReg.IrqRaise, name: 'IRQ_RAISE', access: 'WO', width: 32,
    description: 'Raise: the written bits are ORed into the interrupt status and an interrupt is sent.' },
  { offset: EduReg.IrqAck, name: 'IRQ_ACK', access: 'WO', width: 32,
    description: 'Acknowledge: the written bits are cleared from the interrupt status; INTx drops when none remain.' },
  { offset: EduReg.DmaSrc, name: 'DMA_SRC', access: 'RW', width: 64,
    description: 'DMA source address (guest RAM, or the device buffer at 0x40000 when copying to RAM).' },
  { offset: EduReg.DmaDst, name: 'DMA_DST', access: 'RW', width: 64,
    description: 'DMA destination address (the device buffer at 0x40000, or guest RAM when copying to RAM).' },
  { offset: EduReg.DmaCount, name: 'DMA_COUNT', access: 'RW', width: 64,
    description: 'DMA transfer size in bytes (the device buffer holds 4096).' },
  { offset: EduReg.DmaCmd, name: 'DMA_CMD', access: 'RW', width: 64,
    description: 'DMA command: bit 0 RUN starts a transfer 100 ms later, bit 1 direction (1: device to RAM), bit 2 raise IRQ 0x100 when done.',
    bits: [
      { mask: EduDmaCmd.Run, name: 'RUN', description: 'Start; cleared by the device when the transfer completes.' },
      { mask: EduDmaCmd.ToRam, name: 'TO_RAM', description: 'Direction: 0 copies RAM to the device buffer, 1 the buffer to RAM.' },
      { mask: EduDmaCmd.Irq, name: 'IRQ', description: 'Raise interrupt 0x100 on completion.' },
    ] },
];

export function eduRegisterAt(offset: number): RegisterInfo | undefined {
  return EDU_REGISTERS.find((r) => r.offset === offset);
}
