/**
 * Guest RAM: a flat little-endian byte array of `size` bytes, allocated in pages only where written,
 * so a 256 MiB guest that touches a few pages costs a few pages. Reads of untouched memory return 0.
 */
export class GuestRam {
  static readonly PAGE_SHIFT = 16;
  static readonly PAGE_SIZE = 1 << GuestRam.PAGE_SHIFT;
  private static readonly PAGE_MASK = GuestRam.PAGE_SIZE - 1;

  private readonly pages: (Uint8Array | undefined)[];
  private readonly views: (DataView | undefined)[];
  private allocated = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size <= 0 || size % GuestRam.PAGE_SIZE !== 0) {
      throw new RangeError(`RAM size must be a positive multiple of ${GuestRam.PAGE_SIZE} bytes, got ${size}`);
    }
    const count = size / GuestRam.PAGE_SIZE;
    this.pages = new Array(count).fill(undefined);
    this.views = new Array(count).fill(undefined);
  }

  /** Bytes of host memory actually allocated. */
  get touchedBytes(): number {
    return this.allocated * GuestRam.PAGE_SIZE;
  }

  contains(addr: number, length: number): boolean {
    return addr >= 0 && length >= 0 && addr + length <= this.size;
  }

  /** Little-endian read of 1, 2 or 4 bytes. */
  read(addr: number, size: 1 | 2 | 4): number {
    const offset = addr & GuestRam.PAGE_MASK;
    if (offset + size <= GuestRam.PAGE_SIZE) {
      const view = this.views[Math.floor(addr / GuestRam.PAGE_SIZE)];
      if (!view) return 0;
      if (size === 4) return view.getUint32(offset, true);
      if (size === 2) return view.getUint16(offset, true);
      return view.getUint8(offset);
    }
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + this.readByte(addr + i);
    return value;
  }

  read64(addr: number): bigint {
    return BigInt(this.read(addr, 4)) | (BigInt(this.read(addr + 4, 4)) << 32n);
  }

  write(addr: number, size: 1 | 2 | 4, value: number): void {
    const offset = addr & GuestRam.PAGE_MASK;
    if (offset + size <= GuestRam.PAGE_SIZE) {
      const view = this.viewFor(addr);
      if (size === 4) view.setUint32(offset, value >>> 0, true);
      else if (size === 2) view.setUint16(offset, value & 0xffff, true);
      else view.setUint8(offset, value & 0xff);
      return;
    }
    for (let i = 0; i < size; i++) this.writeByte(addr + i, (value >>> (8 * i)) & 0xff);
  }

  write64(addr: number, value: bigint): void {
    this.write(addr, 4, Number(value & 0xffffffffn));
    this.write(addr + 4, 4, Number((value >> 32n) & 0xffffffffn));
  }

  readBytes(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = addr + done;
      const offset = a & GuestRam.PAGE_MASK;
      const n = Math.min(length - done, GuestRam.PAGE_SIZE - offset);
      const page = this.pages[Math.floor(a / GuestRam.PAGE_SIZE)];
      if (page) out.set(page.subarray(offset, offset + n), done);
      done += n;
    }
    return out;
  }

  writeBytes(addr: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = addr + done;
      const offset = a & GuestRam.PAGE_MASK;
      const n = Math.min(data.length - done, GuestRam.PAGE_SIZE - offset);
      this.pageFor(a).set(data.subarray(done, done + n), offset);
      done += n;
    }
  }

  fill(addr: number, length: number, byte: number): void {
    let done = 0;
    while (done < length) {
      const a = addr + done;
      const offset = a & GuestRam.PAGE_MASK;
      const n = Math.min(length - done, GuestRam.PAGE_SIZE - offset);
      const index = Math.floor(a / GuestRam.PAGE_SIZE);
      // Zero-filling an untouched page changes nothing: keep it unallocated.
      if (byte !== 0 || this.pages[index]) this.pageFor(a).fill(byte, offset, offset + n);
      done += n;
    }
  }

  private readByte(addr: number): number {
    const page = this.pages[Math.floor(addr / GuestRam.PAGE_SIZE)];
    return page ? page[addr & GuestRam.PAGE_MASK]! : 0;
  }

  private writeByte(addr: number, byte: number): void {
    this.pageFor(addr)[addr & GuestRam.PAGE_MASK] = byte;
  }

  private pageFor(addr: number): Uint8Array {
    const index = Math.floor(addr / GuestRam.PAGE_SIZE);
    let page = this.pages[index];
    if (!page) {
      page = new Uint8Array(GuestRam.PAGE_SIZE);
      this.pages[index] = page;
      this.views[index] = new DataView(page.buffer);
      this.allocated++;
    }
    return page;
  }

  private viewFor(addr: number): DataView {
    const index = Math.floor(addr / GuestRam.PAGE_SIZE);
    if (!this.views[index]) this.pageFor(addr);
    return this.views[index]!;
  }
}
