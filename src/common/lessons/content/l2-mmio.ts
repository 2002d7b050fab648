import { EDU_DMA_BUF_ADDR, EDU_DMA_BUF_SIZE } from '../../edu/datasheet';
import { ev, F, inOrder, K, machine, mmioRead, mmioWrite, once, output, propertyChange, S, withHints } from '../checks';
import type { LessonEvent, Lesson } from '../types';

/** Offsets that hold something when read with 4 bytes (0x60/0x64 are write-only and read all ones). */
const KNOWN = new Set([0x00, 0x04, 0x08, 0x20, 0x24, 0x80, 0x84, 0x88, 0x8c, 0x90, 0x94, 0x98, 0x9c]);
const inDmaBuffer = (addr: number) => addr >= EDU_DMA_BUF_ADDR && addr < EDU_DMA_BUF_ADDR + EDU_DMA_BUF_SIZE;

/** The profile the latest PropertyChange named (undefined until one is seen). */
function profileOf(e: LessonEvent): string | undefined {
  if (e.kind !== K.PropertyChange || !e.text?.startsWith('profile=')) return undefined;
  return e.text.slice('profile='.length);
}

export const lessonMmio: Lesson = {
  id: 'mmio',
  number: 2,
  title: { en: 'MMIO: the registers behind BAR0', 'zh-CN': 'MMIO：BAR0 背后的寄存器' },
  summary: {
    en: 'Read the identification register, prove the device is alive, see what happens with 1-, 2- and 8-byte accesses (today and in the article\'s QEMU), and read offsets the device does not know.',
    'zh-CN': '读取标识寄存器，验证设备"活着"，观察 1、2、8 字节访问的结果（当前 QEMU 与文章所用的 QEMU），再读设备不认识的偏移。',
  },
  steps: [
    {
      id: 'id',
      title: { en: 'Identify the device', 'zh-CN': '识别设备' },
      body: {
        en: `BAR0 maps the device's registers into physical memory at \`0xfea00000\`. \`devmem\` (as in busybox) reads and writes physical memory through /dev/mem: no driver needed, every access shows in the timeline and the Registers tab.

Offset 0x00 is the identification register: \`0x010000ED\`, major version 1, minor 0, and the signature byte 0xED that drivers check in probe.`,
        'zh-CN': `BAR0 把设备寄存器映射到物理地址 \`0xfea00000\`。\`devmem\`（与 busybox 中的相同）通过 /dev/mem 读写物理内存：不需要驱动，每次访问都会出现在时间线和"寄存器"标签页中。

偏移 0x00 是标识寄存器：\`0x010000ED\`，主版本 1，次版本 0，以及驱动在 probe 中检查的签名字节 0xED。`,
      },
      commands: [{ text: 'devmem 0xfea00000' }],
      checks: [
        {
          id: 'id',
          label: { en: 'You read 0x010000ED from offset 0x00', 'zh-CN': '你从偏移 0x00 读到了 0x010000ED' },
          hints: {
            moved: {
              en: 'Nothing answered at 0xfea00000 as edu: is BAR0 still moved from lesson 1? Run `setpci -s 00:04.0 BASE_ADDRESS_0=fea00000`.',
              'zh-CN': '0xfea00000 处没有 edu 在响应：BAR0 是不是还停在第 1 课移动后的位置？执行 `setpci -s 00:04.0 BASE_ADDRESS_0=fea00000`。',
            },
          },
          watch: withHints(once(mmioRead(0x00, 4, { lo: 0x010000ed, source: S.Guest })), [
            { output: /devmem 0xfea00000\n0xFFFFFFFF\n/, hint: 'moved' },
          ]),
        },
      ],
    },
    {
      id: 'liveness',
      title: { en: 'Is it alive?', 'zh-CN': '它还活着吗？' },
      body: {
        en: `Offset 0x04 stores the bitwise NOT of what you write: write \`0x12345678\`, read \`0xEDCBA987\`. A driver uses this "liveness check" to prove that real registers answer (an empty address reads all ones, and memory would give back what was written).`,
        'zh-CN': `偏移 0x04 保存写入值的按位取反：写 \`0x12345678\`，读回 \`0xEDCBA987\`。驱动用这个"活性检查"证明确实有寄存器在响应（空地址读出全 1，普通内存则原样读回写入的值）。`,
      },
      commands: [{ text: 'devmem 0xfea00004 32 0x12345678' }, { text: 'devmem 0xfea00004' }],
      checks: [
        {
          id: 'inverted',
          label: {
            en: 'You wrote a value to 0x04 and read back its bitwise inverse',
            'zh-CN': '你向 0x04 写入一个值，读回了它的按位取反',
          },
          hints: {
            narrow: {
              en: 'That read was 1 or 2 bytes wide: registers below 0x80 answer only 4-byte accesses, narrower reads give 0. Read 32 bits: `devmem 0xfea00004`.',
              'zh-CN': '这次读是 1 或 2 字节宽：0x80 以下的寄存器只响应 4 字节访问，更窄的读返回 0。请读 32 位：`devmem 0xfea00004`。',
            },
            first: {
              en: 'Write a value first (`devmem 0xfea00004 32 0x12345678`), then read it back.',
              'zh-CN': '先写一个值（`devmem 0xfea00004 32 0x12345678`），再读回来。',
            },
          },
          watch: machine(
            () => ({ written: undefined as number | undefined }),
            (s, e) => {
              if (mmioWrite(0x04, 4, { source: S.Guest })(e)) s.written = e.lo;
              else if (mmioRead(0x04, 4, { source: S.Guest })(e)) {
                if (s.written === undefined) return { hint: 'first' };
                if (e.lo === ~s.written >>> 0) return 'pass';
              } else if (e.kind === K.MmioRead && e.addr === 0x04 && e.size < 4) return { hint: 'narrow' };
              return undefined;
            },
          ),
        },
      ],
    },
    {
      id: 'sizes',
      title: { en: 'Access sizes', 'zh-CN': '访问宽度' },
      body: {
        en: `Registers below 0x80 act only on 4-byte accesses. In today's QEMU a 1- or 2-byte access is refused before it reaches the device (reads give 0, writes are dropped); the timeline marks it "invalid". An 8-byte access below 0x80 reaches the device, which answers all ones and ignores writes. Only the DMA registers (0x80 and up) take 8 bytes.`,
        'zh-CN': `0x80 以下的寄存器只对 4 字节访问起作用。在当前的 QEMU 中，1 或 2 字节的访问在到达设备之前就被拒绝（读返回 0，写被丢弃），时间线会把它标为"无效"。0x80 以下的 8 字节访问会到达设备，设备返回全 1 并忽略写入。只有 DMA 寄存器（0x80 及以上）接受 8 字节访问。`,
      },
      commands: [{ text: 'devmem 0xfea00000 8' }, { text: 'devmem 0xfea00000 16' }, { text: 'devmem 0xfea00000 64' }],
      checks: [
        {
          id: 'narrow',
          label: {
            en: 'A 1- or 2-byte read of 0x00 was refused (invalid) and returned 0',
            'zh-CN': '对 0x00 的 1 或 2 字节读被拒绝（无效），返回 0',
          },
          watch: once(ev({ kind: K.MmioRead, addr: 0, flags: F.Invalid, lo: 0, test: (e) => e.size < 4 })),
        },
        {
          id: 'wide',
          label: { en: 'An 8-byte read of 0x00 returned all ones', 'zh-CN': '对 0x00 的 8 字节读返回全 1' },
          watch: once(mmioRead(0x00, 8, { lo: 0xffffffff, test: (e) => e.hi === 0xffffffff })),
        },
      ],
    },
    {
      id: 'article',
      title: { en: "The article's QEMU answered differently", 'zh-CN': '文章所用的 QEMU 的回答不同' },
      body: {
        en: `The seed article's \`edu_mmio_read\` begins with \`uint64_t val = ~0ULL; if (size != 4) return val;\`: in QEMU 4.0 a byte read reached the handler and returned 0xFF, and the memory core split an 8-byte access into two 4-byte ones (so the high half read the liveness register at 0x04). Switch the device to the QEMU 4.0 profile, repeat the reads, then switch back to today's QEMU.`,
        'zh-CN': `种子文章中的 \`edu_mmio_read\` 以 \`uint64_t val = ~0ULL; if (size != 4) return val;\` 开头：在 QEMU 4.0 中，字节读会到达处理函数并返回 0xFF；内存核心还会把 8 字节访问拆成两次 4 字节访问（所以高半部分读的是 0x04 处的活性寄存器）。把设备切换到 QEMU 4.0 版本，重复这些读操作，再切回当前的 QEMU。`,
      },
      actions: [
        { id: 'v40', label: { en: 'Device profile: QEMU 4.0', 'zh-CN': '设备版本：QEMU 4.0' }, call: { method: 'machineSetProfile', args: ['qemu-4.0'] } },
        { id: 'upstream', label: { en: "Device profile: today's QEMU", 'zh-CN': '设备版本：当前 QEMU' }, call: { method: 'machineSetProfile', args: ['upstream'] } },
      ],
      commands: [{ text: 'devmem 0xfea00000 8' }, { text: 'devmem 0xfea00000 64' }],
      checks: [
        {
          id: 'v40-byte',
          label: { en: 'With the QEMU 4.0 profile, the byte read of 0x00 returned 0xFF', 'zh-CN': '在 QEMU 4.0 版本下，对 0x00 的字节读返回 0xFF' },
          hints: {
            profile: {
              en: 'The device is not on the QEMU 4.0 profile, so the byte read still gave 0. Click "Device profile: QEMU 4.0" first.',
              'zh-CN': '设备不是 QEMU 4.0 版本，所以字节读仍返回 0。先点击"设备版本：QEMU 4.0"。',
            },
          },
          watch: machine(
            () => ({ profile: undefined as string | undefined }),
            (s, e) => {
              s.profile = profileOf(e) ?? s.profile;
              if (e.kind === K.MmioRead && e.addr === 0 && e.size === 1) {
                if (s.profile === 'qemu-4.0' && e.lo === 0xff) return 'pass';
                if (s.profile !== undefined) return { hint: 'profile' };
              }
              return undefined;
            },
          ),
        },
        {
          id: 'v40-split',
          label: {
            en: 'With the QEMU 4.0 profile, one 8-byte read became two 4-byte reads: 0x00, then 0x04',
            'zh-CN': '在 QEMU 4.0 版本下，一次 8 字节读变成了两次 4 字节读：先 0x00，再 0x04',
          },
          watch: machine(
            () => ({ profile: undefined as string | undefined, lowAt: -2 }),
            (s, e) => {
              s.profile = profileOf(e) ?? s.profile;
              if (s.profile !== 'qemu-4.0') return undefined;
              if (mmioRead(0x00, 4)(e)) s.lowAt = e.seq;
              else if (mmioRead(0x04, 4)(e) && e.seq === s.lowAt + 1) return 'pass';
              return undefined;
            },
          ),
        },
        {
          id: 'back',
          label: { en: "You switched back to today's QEMU", 'zh-CN': '你切换回了当前的 QEMU' },
          watch: inOrder(propertyChange(/^profile=qemu-4\.0$/), propertyChange(/^profile=upstream$/)),
        },
      ],
    },
    {
      id: 'unknown',
      title: { en: 'Offsets the device does not know', 'zh-CN': '设备不认识的偏移' },
      body: {
        en: `Every offset missing from the register map reads all ones and ignores writes: the read handler starts from \`~0\` and only the listed cases replace it. That includes 0x40000-0x40fff: the DMA buffer has that address on the device's side of a transfer, but it is not visible through BAR0.`,
        'zh-CN': `寄存器表之外的每个偏移都读出全 1、忽略写入：读处理函数的返回值从 \`~0\` 开始，只有列出的 case 才会替换它。0x40000-0x40fff 也是如此：DMA 缓冲区在传输时以这个地址作为设备一侧的地址，但通过 BAR0 是看不到它的。`,
      },
      commands: [{ text: 'devmem 0xfea00100' }, { text: 'devmem 0xfea40000' }],
      checks: [
        {
          id: 'unknown',
          label: { en: 'A read at an unknown offset returned 0xFFFFFFFF', 'zh-CN': '对未知偏移的读返回 0xFFFFFFFF' },
          watch: once(mmioRead(undefined, 4, { lo: 0xffffffff, test: (e) => !KNOWN.has(e.addr) && e.addr > 0x64 && !inDmaBuffer(e.addr) })),
        },
        {
          id: 'dma-buffer',
          label: {
            en: 'Offset 0x40000, the DMA buffer\'s device address, read all ones through the BAR',
            'zh-CN': '通过 BAR 读偏移 0x40000（DMA 缓冲区的设备地址），得到全 1',
          },
          watch: once(mmioRead(undefined, 4, { lo: 0xffffffff, test: (e) => inDmaBuffer(e.addr) })),
        },
        {
          id: 'printed',
          optional: true,
          label: { en: 'devmem printed 0xFFFFFFFF', 'zh-CN': 'devmem 打印出 0xFFFFFFFF' },
          watch: output(/(?:^|\n)0xFFFFFFFF\n/),
        },
      ],
    },
  ],
  wrapUp: {
    en: 'You know the register map from the outside: what answers, at which sizes, and what the article\'s QEMU did differently. Next: the factorial thread.',
    'zh-CN': '你已经从外部认识了寄存器表：哪些偏移会响应、用什么宽度访问，以及文章所用的 QEMU 有何不同。下一课：阶乘线程。',
  },
};
