import type { CpuIo } from './io';
import { Directory } from './vfs';

/**
 * /dev with the memory devices: /dev/mem is physical memory as the CPU sees it (RAM and MMIO alike;
 * device registers are read in aligned pieces of up to 4 bytes, as the memory core splits them),
 * /dev/null and /dev/zero. Drivers add their own nodes.
 */
export function createDevfs(io: CpuIo): Directory {
  return new Directory()
    .add('mem', {
      kind: 'chardev',
      major: 1,
      minor: 1,
      pread: (offset, length) => io.readBytes(BigInt(offset), length),
      pwrite: (offset, data) => io.writeBytes(BigInt(offset), data),
    })
    .add('null', { kind: 'chardev', major: 1, minor: 3, pread: () => new Uint8Array(0), pwrite: () => {} })
    .add('zero', { kind: 'chardev', major: 1, minor: 5, pread: (_offset, length) => new Uint8Array(length), pwrite: () => {} });
}
