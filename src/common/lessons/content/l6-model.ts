import { ev, F, inOrder, K, machine, mmioRead, once, output, S, withHints } from '../checks';
import type { Lesson } from '../types';

export const lessonModel: Lesson = {
  id: 'device-model',
  number: 6,
  title: { en: 'Reading the device model', 'zh-CN': '读懂设备模型' },
  summary: {
    en: 'Map realize, the MMIO handlers, the factorial thread and the DMA timer from the seed article to what the lab shows, and see what changed between the article\'s QEMU and today\'s.',
    'zh-CN': '把种子文章中的 realize、MMIO 处理函数、阶乘线程和 DMA 定时器与实验中看到的现象一一对应起来，并了解文章所用的 QEMU 与当前版本之间的变化。',
  },
  steps: [
    {
      id: 'realize',
      title: { en: 'realize: what the device sets up', 'zh-CN': 'realize：设备初始化了什么' },
      body: {
        en: `The article's \`pci_edu_realize\` does things you can see from the guest:
- \`pci_config_set_interrupt_pin(pci_conf, 1)\`: INTERRUPT_PIN reads 01 (INTA#). The line (11) is firmware's business, lesson 1.
- \`msi_init(pdev, 0, 1, true, false, errp)\`: an MSI capability with 1 vector, 64-bit, not maskable. Offset 0 means "anywhere": it landed at 0x40, and CAPABILITIES (0x34) points to it.
- \`memory_region_init_io(&edu->mmio, ..., &edu_mmio_ops, edu, "edu-mmio", 1 * MiB)\` then \`pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &edu->mmio)\`: BAR0, 1 MiB of 32-bit memory whose accesses go to edu_mmio_read/write.
- \`timer_init_ms\` and \`qemu_thread_create\`: the DMA timer and the factorial thread, steps 3 and 4.

The identity comes from \`edu_class_init\`: PCI_VENDOR_ID_QEMU (1234), 11e8, revision 0x10, PCI_CLASS_OTHERS (00ff). The Config tab shows all of it byte by byte.`,
        'zh-CN': `文章中的 \`pci_edu_realize\` 做的事情，在客户机里都看得到：
- \`pci_config_set_interrupt_pin(pci_conf, 1)\`：INTERRUPT_PIN 读出 01（INTA#）。中断线（11）则由固件决定，见第 1 课。
- \`msi_init(pdev, 0, 1, true, false, errp)\`：一个 MSI capability，1 个向量，64 位，不可屏蔽。偏移 0 表示"随便放"：它被放在 0x40，CAPABILITIES（0x34）指向它。
- \`memory_region_init_io(&edu->mmio, ..., &edu_mmio_ops, edu, "edu-mmio", 1 * MiB)\` 再加上 \`pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &edu->mmio)\`：BAR0，1 MiB 的 32 位内存空间，对它的访问交给 edu_mmio_read/write。
- \`timer_init_ms\` 和 \`qemu_thread_create\`：DMA 定时器和阶乘线程，见第 3、4 步。

设备身份来自 \`edu_class_init\`：PCI_VENDOR_ID_QEMU（1234）、11e8、修订号 0x10、PCI_CLASS_OTHERS（00ff）。"配置空间"标签页逐字节显示了这些内容。`,
      },
      commands: [{ text: 'setpci -s 00:04.0 INTERRUPT_PIN CAPABILITIES' }, { text: 'lspci -vvv -s 00:04.0' }],
      checks: [
        {
          id: 'pin-cap',
          label: {
            en: 'setpci read INTERRUPT_PIN 01 and CAPABILITIES 40',
            'zh-CN': 'setpci 读出 INTERRUPT_PIN 为 01，CAPABILITIES 为 40',
          },
          watch: output(/(?:^|\n)01\n40\n/),
        },
        {
          id: 'msi-cap',
          label: {
            en: 'lspci decoded the capability msi_init created: MSI, Count=1/1, Maskable-, 64bit+',
            'zh-CN': 'lspci 解码出 msi_init 创建的 capability：MSI，Count=1/1，Maskable-，64bit+',
          },
          watch: output(/Capabilities: \[40\] MSI: Enable[+-] Count=1\/1 Maskable- 64bit\+/),
        },
        {
          id: 'bar',
          label: { en: 'BAR0 is the 1 MiB "edu-mmio" region', 'zh-CN': 'BAR0 就是 1 MiB 的 "edu-mmio" 区域' },
          watch: output(/Region 0: Memory at [0-9a-f]{8} \(32-bit, non-prefetchable\) \[size=1M\]/),
        },
      ],
    },
    {
      id: 'mmio-ops',
      title: { en: 'edu_mmio_read and edu_mmio_write', 'zh-CN': 'edu_mmio_read 与 edu_mmio_write' },
      body: {
        en: `The two handlers are a switch on the offset; the Registers tab lists the same cases. Three lines of the article deserve a second look:
- \`if (size != 4) return val;\` (val = ~0): lesson 2 showed what this meant in QEMU 4.0 and what the memory core does today.
- \`case 0x08: if (... & EDU_STATUS_COMPUTING) break;\`: the dropped write of lesson 3.
- \`dma_rw(edu, false, &val, &edu->dma.src, false)\` for 0x80..0x98: in the article's QEMU the DMA registers could only be reached 4 bytes at a time, so a 64-bit access was split and the high half (0x84) was an unknown offset. Today they are real 64-bit registers.

Write a 64-bit address in both profiles and read it back.`,
        'zh-CN': `这两个处理函数就是对偏移量的一个 switch；"寄存器"标签页列出的正是这些 case。文章里有三行值得再看一遍：
- \`if (size != 4) return val;\`（val = ~0）：第 2 课已经展示了它在 QEMU 4.0 中的效果，以及如今内存核心的做法。
- \`case 0x08: if (... & EDU_STATUS_COMPUTING) break;\`：第 3 课中被丢弃的写入。
- 0x80..0x98 的 \`dma_rw(edu, false, &val, &edu->dma.src, false)\`：在文章所用的 QEMU 中，DMA 寄存器每次只能访问 4 字节，所以 64 位访问会被拆开，而高半部分（0x84）是一个未知偏移。如今它们是真正的 64 位寄存器。

在两个版本下分别写入一个 64 位地址，再读回来。`,
      },
      actions: [
        { id: 'v40', label: { en: 'Device profile: QEMU 4.0', 'zh-CN': '设备版本：QEMU 4.0' }, call: { method: 'machineSetProfile', args: ['qemu-4.0'] } },
        { id: 'upstream', label: { en: "Device profile: today's QEMU", 'zh-CN': '设备版本：当前 QEMU' }, call: { method: 'machineSetProfile', args: ['upstream'] } },
      ],
      commands: [{ text: 'devmem 0xfea00080 64 0x123456789' }, { text: 'devmem 0xfea00080 64' }],
      checks: [
        {
          id: 'v40-dma32',
          label: {
            en: 'QEMU 4.0: the 64-bit read of 0x80 came in two halves, and the high one (0x84) read all ones',
            'zh-CN': 'QEMU 4.0：对 0x80 的 64 位读被拆成两半，高半部分（0x84）读出全 1',
          },
          hints: {
            profile: {
              en: 'That was one 8-byte access: today\'s device. To see the article\'s, click "Device profile: QEMU 4.0" first.',
              'zh-CN': '这是一次完整的 8 字节访问：当前版本的设备。要看文章中的行为，先点击"设备版本：QEMU 4.0"。',
            },
          },
          watch: machine(
            () => ({ profile: '' }),
            (s, e) => {
              if (e.kind === K.PropertyChange && e.text?.startsWith('profile=')) s.profile = e.text.slice(8);
              else if (s.profile === 'qemu-4.0' && mmioRead(0x84, 4, { lo: 0xffffffff })(e)) return 'pass';
              else if (s.profile !== 'qemu-4.0' && mmioRead(0x80, 8, { source: S.Guest })(e)) return { hint: 'profile' };
              return undefined;
            },
          ),
        },
        {
          id: 'dma64',
          label: {
            en: "Today's QEMU: 0x80 kept all 64 bits (0x123456789)",
            'zh-CN': '当前 QEMU：0x80 保存了全部 64 位（0x123456789）',
          },
          watch: once(mmioRead(0x80, 8, { lo: 0x23456789, test: (e) => e.hi === 1 })),
        },
      ],
    },
    {
      id: 'thread',
      title: { en: 'The factorial thread', 'zh-CN': '阶乘线程' },
      body: {
        en: `\`qemu_thread_create(&edu->thread, "edu", edu_fact_thread, ...)\` starts a thread the article does not show. It sleeps on \`thr_cond\` until COMPUTING is set (or \`stopping\`), computes with no lock held, stores the result, clears COMPUTING, and only then takes the big QEMU lock to raise FACT_IRQ if IRQFACT is set: device state other than the shared registers belongs to the main loop. The lab runs the same design on a real worker thread; FactStart and FactFinish in the timeline are the thread waking and finishing, and the IrqRaise after FactFinish is the main loop acting for it.

\`pci_edu_uninit\` is the other end: set \`stopping\`, signal the condition, join the thread, delete the timer.`,
        'zh-CN': `\`qemu_thread_create(&edu->thread, "edu", edu_fact_thread, ...)\` 启动了一个文章没有展示的线程。它在 \`thr_cond\` 上睡眠，直到 COMPUTING 被置位（或 \`stopping\`），在不持锁的情况下计算，保存结果，清除 COMPUTING，之后才获取 QEMU 大锁，在 IRQFACT 置位时产生 FACT_IRQ：除共享寄存器之外的设备状态都归主循环所有。本实验在真实的工作线程上采用同样的设计；时间线上的 FactStart 和 FactFinish 就是线程被唤醒和完成的时刻，FactFinish 之后的 IrqRaise 是主循环替它完成的。

\`pci_edu_uninit\` 是另一端：置位 \`stopping\`，发信号唤醒，等待线程退出（join），删除定时器。`,
      },
      commands: [{ text: 'modprobe edu' }, { text: 'edu fact 12 --irq' }],
      checks: [
        {
          id: 'thread',
          label: {
            en: 'The thread woke (FactStart), finished with IRQFACT set, and the main loop raised 0x1',
            'zh-CN': '线程被唤醒（FactStart），在 IRQFACT 置位时完成，主循环随后产生了 0x1',
          },
          hints: { driver: { en: 'The edu driver is not loaded: run `modprobe edu` first.', 'zh-CN': 'edu 驱动没有加载：先执行 `modprobe edu`。' } },
          watch: withHints(
            inOrder(
              ev({ kind: K.FactStart }),
              ev({ kind: K.FactFinish, flags: F.IrqRequested }),
              ev({ kind: K.IrqRaise, source: S.Device, test: (e) => (e.lo & 1) !== 0 }),
            ),
            [{ output: /is the edu module loaded\?/, hint: 'driver' }],
          ),
        },
      ],
    },
    {
      id: 'timer',
      title: { en: 'The DMA timer', 'zh-CN': 'DMA 定时器' },
      body: {
        en: `The article says \`timer_init_ms\` registers a timer that keeps checking for DMA requests. It does not: \`timer_init_ms\` only initialises the timer. Nothing runs until a command with RUN is written; then \`dma_rw(..., timer = true)\` calls \`timer_mod(now + 100 ms)\`. The timer fires once and \`edu_dma_timer\` does the whole transfer and raises the interrupt. A command without RUN is ignored: no timer at all.

In the timeline: TimerArm at the command write, one TimerFire 100 ms of virtual time later, DmaComplete at the same instant.`,
        'zh-CN': `文章说 \`timer_init_ms\` 注册了一个不间断查看 DMA 请求的定时器。并非如此：\`timer_init_ms\` 只是初始化定时器。在写入带 RUN 位的命令之前什么都不会发生；写入后 \`dma_rw(..., timer = true)\` 调用 \`timer_mod(now + 100 ms)\`。定时器只触发一次，由 \`edu_dma_timer\` 完成整个传输并产生中断。不带 RUN 的命令会被忽略：根本不会设置定时器。

在时间线上：写命令时出现 TimerArm，100 ms 虚拟时间之后出现一次 TimerFire，同一时刻出现 DmaComplete。`,
      },
      commands: [{ text: 'edu dma to-dev --data timer' }],
      checks: [
        {
          id: 'timer-once',
          label: {
            en: 'One command armed the DMA timer once; it fired once, 100 ms later, and the copy happened then',
            'zh-CN': '一条命令只设置了一次 DMA 定时器；它在 100 ms 后只触发了一次，复制就发生在那一刻',
          },
          hints: {
            'no-run': {
              en: 'A command without RUN (bit 0) is ignored: no timer is armed. Write a command with bit 0 set.',
              'zh-CN': '不带 RUN（位 0）的命令会被忽略：不会设置定时器。请写入位 0 为 1 的命令。',
            },
          },
          watch: machine(
            () => ({ armed: -1, armedAt: -1, timer: -1, fires: 0 }),
            (s, e) => {
              if (e.kind === K.TimerArm) {
                s.armed = e.addr;
                s.armedAt = e.hi * 2 ** 32 + e.lo;
              } else if (e.kind === K.DmaStart) {
                s.timer = s.armedAt === e.addr * 1e6 ? s.armed : -1;
                s.fires = 0;
              } else if (e.kind === K.TimerFire && e.addr === s.timer) s.fires++;
              else if (e.kind === K.DmaComplete) {
                const once = s.timer >= 0 && s.fires === 1;
                s.timer = -1;
                if (once) return 'pass';
              } else if (ev({ kind: K.MmioWrite, addr: 0x98, test: (x) => (x.lo & 1) === 0 })(e)) return { hint: 'no-run' };
              return undefined;
            },
          ),
        },
      ],
    },
    {
      id: 'changes',
      title: { en: 'What changed since the article', 'zh-CN': '文章之后的变化' },
      body: {
        en: `The article's QEMU (4.0) and today's differ in ways the lab reproduces (the Device profile menu):
- Accesses below 0x80 that are not 4 bytes: the handler used to answer all ones (and 8-byte accesses were split in two); today 1- and 2-byte accesses read 0, 8-byte ones read all ones.
- DMA registers: 32-bit halves then, full 64 bits now.
- A DMA range violation: \`hw_error()\` stopped the VM up to QEMU 9.0 (and 7.2 also aborted on count 0 and on a full 4096-byte transfer). 9.1 to 11.0 only logged, but copied anyway, overrunning QEMU's own memory. Today: logged, nothing copied, RUN cleared, the interrupt still raised.
- The clamp message went from stdout to the guest-error log.
- The completion race: the thread could clear COMPUTING and read IRQFACT in an order that lost the interrupt; QEMU 8.0 added a memory barrier.
- The source itself was renamed around the same logic: \`atomic_*\` became \`qatomic_*\`, and the big lock's \`qemu_mutex_lock_iothread()\` became \`bql_lock()\`.`,
        'zh-CN': `文章所用的 QEMU（4.0）与当前版本有以下差别，本实验都能重现（"设备版本"菜单）：
- 0x80 以下非 4 字节的访问：过去处理函数返回全 1（8 字节访问还会被拆成两次）；如今 1、2 字节访问读出 0，8 字节访问读出全 1。
- DMA 寄存器：过去是 32 位的两半，如今是完整的 64 位。
- DMA 范围越界：直到 QEMU 9.0，\`hw_error()\` 都会让虚拟机停止（7.2 在长度为 0 和传满 4096 字节时也会中止）。9.1 到 11.0 只记录日志，却照样复制，越过了 QEMU 自己的内存。如今：记录日志，不复制，清除 RUN，仍然产生中断。
- 地址截断的消息从标准输出改到了 guest-error 日志。
- 完成时的竞争：线程清除 COMPUTING 与读取 IRQFACT 的顺序可能导致中断丢失；QEMU 8.0 加入了内存屏障。
- 同样的逻辑，源码中的名字也变了：\`atomic_*\` 改名为 \`qatomic_*\`，大锁的 \`qemu_mutex_lock_iothread()\` 改名为 \`bql_lock()\`。`,
      },
      checks: [],
    },
  ],
  wrapUp: {
    en: 'You can read edu.c now: every function in the article has a trace in the lab. The next step is yours: write a device of your own the same way.',
    'zh-CN': '现在你能读懂 edu.c 了：文章中的每个函数在实验里都留下了痕迹。下一步交给你：用同样的方式写一个自己的设备。',
  },
};
