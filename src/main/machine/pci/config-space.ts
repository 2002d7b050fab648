import { PCI_CONFIG_SPACE_SIZE } from '../../../common/pci';

/**
 * 256 bytes of configuration space with the two masks QEMU's PCI core keeps: `wmask` (bits software
 * may write) and `w1cmask` (bits software clears by writing 1). Raw accessors are for the device model;
 * `guestWrite` is what a configuration cycle does.
 */
export class PciConfigSpace {
  readonly bytes = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly wmask = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly w1cmask = new Uint8Array(PCI_CONFIG_SPACE_SIZE);

  /** Bytes past the end read 0 (a dword read at 0xFF sees one byte, as in QEMU). */
  get8(offset: number): number {
    return this.bytes[offset] ?? 0;
  }
  get16(offset: number): number {
    return this.bytes[offset]! | (this.bytes[offset + 1]! << 8);
  }
  get32(offset: number): number {
    return (this.get16(offset) | (this.get16(offset + 2) << 16)) >>> 0;
  }
  /** Little-endian read of 1, 2 or 4 bytes. */
  read(offset: number, size: 1 | 2 | 4): number {
    return size === 1 ? this.get8(offset) : size === 2 ? this.get16(offset) : this.get32(offset);
  }

  set8(offset: number, value: number): void {
    this.bytes[offset] = value & 0xff;
  }
  set16(offset: number, value: number): void {
    this.set8(offset, value);
    this.set8(offset + 1, value >>> 8);
  }
  set32(offset: number, value: number): void {
    this.set16(offset, value);
    this.set16(offset + 2, value >>> 16);
  }

  setWmask16(offset: number, mask: number): void {
    this.wmask[offset] = mask & 0xff;
    this.wmask[offset + 1] = (mask >>> 8) & 0xff;
  }
  setWmask32(offset: number, mask: number): void {
    this.setWmask16(offset, mask);
    this.setWmask16(offset + 2, mask >>> 16);
  }
  setW1cmask16(offset: number, mask: number): void {
    this.w1cmask[offset] = mask & 0xff;
    this.w1cmask[offset + 1] = (mask >>> 8) & 0xff;
  }

  /** A configuration write: only writable bits change; write-1-to-clear bits clear where 1 is written. */
  guestWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size && offset + i < PCI_CONFIG_SPACE_SIZE; i++) {
      const at = offset + i;
      const byte = (value >>> (8 * i)) & 0xff;
      const wm = this.wmask[at]!;
      const w1c = this.w1cmask[at]!;
      const old = this.bytes[at]!;
      this.bytes[at] = ((old & ~wm) | (byte & wm)) & ~(byte & w1c);
    }
  }

  /** Clear the given bits of a 16-bit register (reset helpers). */
  clear16(offset: number, bits: number): void {
    this.set16(offset, this.get16(offset) & ~bits);
  }
}
