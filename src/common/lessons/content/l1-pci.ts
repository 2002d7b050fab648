import { cfgRead, cfgWrite, combine, ConsoleTail, ev, inOrder, K, machine, once, output, printed, S, withHints } from '../checks';
import type { Lesson } from '../types';

const SIZED = 0xfff00000;
const ASSIGNED = 0xfea00000;

export const lessonPci: Lesson = {
  id: 'pci-discovery',
  number: 1,
  title: { en: 'PCI discovery', 'zh-CN': 'PCI 设备发现' },
  summary: {
    en: 'Find edu on the bus with lspci, read its configuration header, size BAR0 by hand with setpci, and watch what firmware did before Linux started.',
    'zh-CN': '用 lspci 在总线上找到 edu，读它的配置空间头，用 setpci 亲手探测 BAR0 的大小，再看固件在 Linux 启动前做了什么。',
  },
  steps: [
    {
      id: 'find',
      title: { en: 'Find the device', 'zh-CN': '找到设备' },
      body: {
        en: `Every PCI function has a 256-byte configuration space. Its first 64 bytes are a standard header: vendor and device IDs, the command and status registers, the class code, six base address registers (BARs), the interrupt pin and line. \`lspci\` walks the bus and reads those headers.

QEMU's edu device answers as vendor \`1234\` (QEMU), device \`11e8\`, revision \`10\`, class \`00ff\` ("unclassified"): exactly what \`edu_class_init\` sets in the seed article. On this machine it sits in slot 4: \`00:04.0\`.`,
        'zh-CN': `每个 PCI 功能都有 256 字节的配置空间，前 64 字节是标准头：厂商 ID 和设备 ID、命令和状态寄存器、类代码、六个基址寄存器（BAR）、中断引脚和中断线。\`lspci\` 遍历总线，读取这些头。

QEMU 的 edu 设备的厂商号是 \`1234\`（QEMU），设备号 \`11e8\`，修订号 \`10\`，类代码 \`00ff\`（"未分类"），正是种子文章里 \`edu_class_init\` 设置的值。在这台机器上它位于插槽 4：\`00:04.0\`。`,
      },
      commands: [{ text: 'lspci -nn' }],
      checks: [
        {
          id: 'lspci',
          label: {
            en: 'lspci listed 00:04.0 as an unclassified device [1234:11e8] (rev 10)',
            'zh-CN': 'lspci 列出了 00:04.0：未分类设备 [1234:11e8]（rev 10）',
          },
          watch: output(/00:04\.0 Unclassified device \[00ff\]: Device \[1234:11e8\] \(rev 10\)/),
        },
      ],
    },
    {
      id: 'header',
      title: { en: 'Read the configuration header', 'zh-CN': '读配置空间头' },
      body: {
        en: `\`lspci -vvv\` decodes the whole header. Look at three lines:
- Control: \`I/O+ Mem+ BusMaster-\`: the COMMAND register (offset 0x04). Firmware turned on memory decoding so BAR0 answers, but not bus mastering: only a driver that does DMA turns that on.
- Region 0: BAR0, 1 MiB of 32-bit, non-prefetchable memory: the device's registers.
- Interrupt: pin A (INTA#) routed to IRQ 11.

\`setpci\` reads (and writes) single registers by name. Read COMMAND yourself: \`0103\` means I/O space (bit 0), memory space (bit 1) and SERR# (bit 8) on, bus master (bit 2) off.`,
        'zh-CN': `\`lspci -vvv\` 会解码整个配置头。注意三行：
- Control：\`I/O+ Mem+ BusMaster-\`，即 COMMAND 寄存器（偏移 0x04）。固件打开了内存译码，所以 BAR0 能响应访问；但没有打开总线主控，只有做 DMA 的驱动才会打开它。
- Region 0：BAR0，1 MiB 的 32 位不可预取内存，也就是设备的寄存器。
- Interrupt：引脚 A（INTA#）路由到 IRQ 11。

\`setpci\` 按名字读写单个寄存器。自己读一下 COMMAND：\`0103\` 表示 I/O 空间（位 0）、内存空间（位 1）和 SERR#（位 8）打开，总线主控（位 2）关闭。`,
      },
      commands: [{ text: 'lspci -vvv -nn -s 00:04.0' }, { text: 'setpci -s 00:04.0 COMMAND' }],
      checks: [
        {
          id: 'region',
          label: {
            en: 'lspci -vvv decoded BAR0: memory at fea00000, 32-bit, non-prefetchable, 1 MiB',
            'zh-CN': 'lspci -vvv 解码出 BAR0：位于 fea00000 的 32 位不可预取内存，1 MiB',
          },
          watch: output(/Region 0: Memory at fea00000 \(32-bit, non-prefetchable\) \[size=1M\]/),
        },
        {
          id: 'command',
          label: {
            en: 'You read COMMAND (0x04) with setpci: 0x0103, bus mastering off as firmware left it',
            'zh-CN': '你用 setpci 读了 COMMAND（0x04）：0x0103，总线主控关闭，保持固件留下的状态',
          },
          hints: {
            master: {
              en: 'COMMAND has bus mastering on (0x0107): the edu driver is loaded and called pci_set_master(). Run `rmmod edu` and read it again to see what firmware left.',
              'zh-CN': 'COMMAND 的总线主控位是打开的（0x0107）：edu 驱动已加载并调用了 pci_set_master()。先执行 `rmmod edu`，再读一次，就能看到固件留下的值。',
            },
          },
          // setpci's read, not the kernel's (which reads COMMAND too when a driver enables the device).
          watch: combine(
            printed(cfgRead(0x04, { size: 2, lo: 0x0103, source: S.Guest }), /(?:^|\n)0103\n/),
            printed(cfgRead(0x04, { size: 2, source: S.Guest, test: (e) => (e.lo & 0x4) !== 0 }), /(?:^|\n)0[0-9a-f]{3}\n/, { hint: 'master' }),
          ),
        },
      ],
    },
    {
      id: 'sizing',
      title: { en: 'Size BAR0 by hand', 'zh-CN': '亲手探测 BAR0 的大小' },
      body: {
        en: `How does software learn how big a BAR is? It writes all ones to it and reads it back: the device keeps zero in the address bits it decodes itself. edu answers \`fff00000\`: the low 20 bits stay zero, so the region is 2^20 bytes = 1 MiB. (The lowest 4 bits are flags: bit 0 = 0 for memory, bits 1-2 = 00 for 32-bit, bit 3 = 0 for non-prefetchable.)

While BAR0 holds \`fff00000\` the registers are not at \`fea00000\` any more, so write the address back when you are done. (Enumeration code, Linux's for one, also turns memory decoding off in COMMAND while it sizes a BAR; for a quick look we skip that.)`,
        'zh-CN': `软件怎么知道一个 BAR 有多大？向它写全 1，再读回来：设备自己译码的那些地址位会保持为 0。edu 读回 \`fff00000\`：低 20 位是 0，所以这段区域是 2^20 字节 = 1 MiB。（最低 4 位是标志：位 0 为 0 表示内存空间，位 1-2 为 00 表示 32 位，位 3 为 0 表示不可预取。）

BAR0 的值是 \`fff00000\` 时，寄存器就不在 \`fea00000\` 了，所以探测完要把地址写回去。（枚举代码（比如 Linux 的）在探测 BAR 时还会先在 COMMAND 里关掉内存译码；这里只是看一看，省略了这一步。）`,
      },
      commands: [
        { text: 'setpci -s 00:04.0 BASE_ADDRESS_0=ffffffff' },
        { text: 'setpci -s 00:04.0 BASE_ADDRESS_0' },
        { text: 'setpci -s 00:04.0 BASE_ADDRESS_0=fea00000' },
        { text: 'setpci -s 00:04.0 BASE_ADDRESS_0' },
      ],
      checks: [
        {
          id: 'size-write',
          label: { en: 'You wrote 0xffffffff to BASE_ADDRESS_0 (0x10)', 'zh-CN': '你向 BASE_ADDRESS_0（0x10）写了 0xffffffff' },
          hints: {
            other: {
              en: 'You wrote something other than ffffffff to BAR0, so the BAR moved there. Sizing starts with all ones: BASE_ADDRESS_0=ffffffff.',
              'zh-CN': '你向 BAR0 写的不是 ffffffff，于是 BAR 被移到了那个地址。探测大小要先写全 1：BASE_ADDRESS_0=ffffffff。',
            },
          },
          watch: withHints(once(cfgWrite(0x10, { lo: 0xffffffff, source: S.Guest })), [
            { when: cfgWrite(0x10, { source: S.Guest, test: (e) => e.lo !== 0xffffffff && e.lo !== ASSIGNED }), hint: 'other' },
          ]),
        },
        {
          id: 'size-read',
          label: {
            en: 'BAR0 read back 0xfff00000: the low 20 bits stayed zero, so the BAR is 1 MiB',
            'zh-CN': 'BAR0 读回 0xfff00000：低 20 位保持为 0，所以 BAR 大小是 1 MiB',
          },
          hints: {
            before: {
              en: 'BAR0 read fea00000: that is the address firmware assigned, not the size. Write ffffffff first, then read it back.',
              'zh-CN': 'BAR0 读出的是 fea00000：这是固件分配的地址，不是大小。先写 ffffffff，再读回来。',
            },
          },
          watch: machine(
            () => ({ wrote: false }),
            (s, e) => {
              if (cfgWrite(0x10, { source: S.Guest })(e)) s.wrote = e.lo === 0xffffffff;
              else if (cfgRead(0x10, { source: S.Guest })(e)) {
                if (s.wrote && e.lo === SIZED) return 'pass';
                if (e.lo === ASSIGNED) return { hint: 'before' };
              }
              return undefined;
            },
          ),
        },
        {
          id: 'restore',
          label: {
            en: 'You wrote fea00000 back after sizing: the registers are where drivers expect them',
            'zh-CN': '探测后你把 fea00000 写了回去：寄存器回到了驱动认为的位置',
          },
          hints: {
            stale: {
              en: 'BAR0 still holds fff00000, so nothing answers at fea00000. Write the address back: BASE_ADDRESS_0=fea00000.',
              'zh-CN': 'BAR0 仍然是 fff00000，所以 fea00000 处没有设备响应。把地址写回去：BASE_ADDRESS_0=fea00000。',
            },
            elsewhere: {
              en: 'BAR0 now points somewhere other than fea00000. Firmware put it at fea00000 (and the kernel recorded that): write fea00000.',
              'zh-CN': 'BAR0 现在指向 fea00000 以外的地方。固件把它放在 fea00000（内核也记录了这个地址）：请写 fea00000。',
            },
          },
          watch: machine(
            () => ({ sized: false, tail: new ConsoleTail() }),
            (s, e) => {
              // Reading fff00000 a second time, or lspci showing it, means the learner moved on without restoring.
              if (cfgRead(0x10, { source: S.Guest, lo: SIZED })(e)) {
                const again = s.sized;
                s.sized = true;
                return again ? { hint: 'stale' } : undefined;
              }
              if (s.sized && s.tail.push(e) && s.tail.find(/Memory at fff00000/)) return { hint: 'stale' };
              if (s.sized && cfgWrite(0x10, { source: S.Guest })(e)) {
                if (e.lo === ASSIGNED) return 'pass';
                if (e.lo !== 0xffffffff) return { hint: 'elsewhere' };
              }
              return undefined;
            },
          ),
        },
      ],
    },
    {
      id: 'firmware',
      title: { en: 'What firmware did', 'zh-CN': '固件做了什么' },
      body: {
        en: `Before Linux ran, the firmware (SeaBIOS, as in QEMU) enumerated the bus exactly as you just did: for each function it sized every BAR, chose an address in the PCI memory hole (BAR0 → \`fea00000\`), wrote the INTERRUPT_LINE register from the slot's interrupt routing (slot 4, INTA# → IRQ 11), and set COMMAND to \`0103\`. Linux then read what firmware left (its dmesg line \`reg 0x10: [mem 0xfea00000-0xfeafffff]\`).

Reset the machine and watch it happen again: in the timeline the config writes of source "firmware" come first, then the kernel's. Then read INTERRUPT_LINE and INTERRUPT_PIN yourself.`,
        'zh-CN': `在 Linux 运行之前，固件（和 QEMU 一样是 SeaBIOS）已经像你刚才那样枚举过总线：对每个功能探测所有 BAR 的大小，在 PCI 内存空洞里为它们选地址（BAR0 → \`fea00000\`），根据插槽的中断路由写 INTERRUPT_LINE 寄存器（插槽 4 的 INTA# → IRQ 11），并把 COMMAND 设为 \`0103\`。随后 Linux 读取固件留下的配置（dmesg 里的 \`reg 0x10: [mem 0xfea00000-0xfeafffff]\` 一行）。

复位机器，再看一遍这个过程：在时间线上，来源为"固件"的配置写操作在前，内核的在后。然后自己读一下 INTERRUPT_LINE 和 INTERRUPT_PIN。`,
      },
      actions: [{ id: 'reset', label: { en: 'Reset the machine', 'zh-CN': '复位机器' }, call: { method: 'machineReset', args: [] } }],
      commands: [{ text: 'dmesg' }, { text: 'setpci -s 00:04.0 INTERRUPT_LINE INTERRUPT_PIN' }, { text: 'cat /proc/iomem' }],
      checks: [
        {
          id: 'fw-bar',
          label: {
            en: 'After the reset, firmware sized BAR0 (ffffffff) and assigned it 0xfea00000',
            'zh-CN': '复位后，固件探测了 BAR0（写 ffffffff）并把它分配到 0xfea00000',
          },
          watch: inOrder(
            ev({ kind: K.MachineReset }),
            cfgWrite(0x10, { source: S.Firmware, lo: 0xffffffff }),
            cfgWrite(0x10, { source: S.Firmware, lo: ASSIGNED }),
          ),
        },
        {
          id: 'fw-irq',
          label: { en: 'Firmware wrote INTERRUPT_LINE (0x3c) = 11', 'zh-CN': '固件写入了 INTERRUPT_LINE（0x3c）= 11' },
          watch: inOrder(ev({ kind: K.MachineReset }), cfgWrite(0x3c, { source: S.Firmware, lo: 11 })),
        },
        {
          id: 'kernel-bar',
          label: {
            en: 'Linux found BAR0 where firmware put it: reg 0x10: [mem 0xfea00000-0xfeafffff]',
            'zh-CN': 'Linux 在固件放置的位置找到了 BAR0：reg 0x10: [mem 0xfea00000-0xfeafffff]',
          },
          watch: output(/pci 0000:00:04\.0: reg 0x10: \[mem 0xfea00000-0xfeafffff\]/),
        },
        {
          id: 'irq-line',
          label: {
            en: 'setpci read INTERRUPT_LINE 0b (IRQ 11, set by firmware) and INTERRUPT_PIN 01 (INTA#, set by the device)',
            'zh-CN': 'setpci 读出 INTERRUPT_LINE 为 0b（IRQ 11，由固件设置），INTERRUPT_PIN 为 01（INTA#，由设备设置）',
          },
          watch: output(/(?:^|\n)0b\n01\n/),
        },
        {
          id: 'iomem',
          optional: true,
          label: {
            en: '/proc/iomem shows fea00000-feafffff claimed for 0000:00:04.0',
            'zh-CN': '/proc/iomem 显示 fea00000-feafffff 归属于 0000:00:04.0',
          },
          watch: output(/fea00000-feafffff : 0000:00:04\.0/),
        },
      ],
    },
  ],
  wrapUp: {
    en: 'You found the device, read its header, sized its BAR and saw firmware assign it. Next: talk to the registers behind BAR0.',
    'zh-CN': '你找到了设备，读了它的配置头，探测了 BAR 大小，也看到了固件如何分配它。下一课：访问 BAR0 背后的寄存器。',
  },
};
