import { EduDmaCmd } from '../../edu/datasheet';
import { cfgWrite, ConsoleTail, DRIVER_MISSING, ev, F, inOrder, K, machine, once, propertyChange, S, textIs, withHints } from '../checks';
import type { Lesson, LessonEvent } from '../types';

const MS = 1_000_000;
const toRam = (cmd: number) => (cmd & EduDmaCmd.ToRam) !== 0;
const wantsIrq = (cmd: number) => (cmd & EduDmaCmd.Irq) !== 0;
const PROBLEMS = F.NoMaster | F.OutOfRange | F.Clamped;

/** The transfer in flight: its command, set at DmaStart, until DmaComplete. */
function transfers() {
  return { cmd: -1, startVns: 0, deadlineMs: 0 };
}

const NO_IRQ_HINT = {
  en: 'That transfer was started without the IRQ bit (0x4): the device finishes silently and software has to poll. Leave out `--poll`: the driver asks for the interrupt by default.',
  'zh-CN': '这次传输启动时没有设置 IRQ 位（0x4）：设备悄悄完成，软件只能轮询。去掉 `--poll`：驱动默认会请求中断。',
};

export const lessonDma: Lesson = {
  id: 'dma',
  number: 5,
  title: { en: 'DMA', 'zh-CN': 'DMA 传输' },
  summary: {
    en: 'A round trip through the device buffer, the 100 ms virtual timer, dma_mask clamping, the forgotten bus master, and out-of-range requests in today\'s QEMU and in QEMU 7.2.',
    'zh-CN': '经设备缓冲区的一次往返传输、100 ms 的虚拟定时器、dma_mask 截断、被遗忘的总线主控，以及越界请求在当前 QEMU 与 QEMU 7.2 中的不同结果。',
  },
  steps: [
    {
      id: 'round-trip',
      title: { en: 'A round trip', 'zh-CN': '一次往返' },
      body: {
        en: `The DMA engine has four 64-bit registers: source (0x80), destination (0x88), count (0x90) and command (0x98). The command's bits: RUN 0x1, direction 0x2 (0: RAM to device, 1: device to RAM), IRQ 0x4 (raise 0x100 when done). On the device side addresses are 0x40000-0x40fff, its 4 KiB buffer.

\`edu dma to-dev\` copies bytes from a kernel buffer into the device (command 0x5); \`from-dev\` copies them back (command 0x7) and dumps what arrived. The DMA tab animates both.`,
        'zh-CN': `DMA 引擎有四个 64 位寄存器：源地址（0x80）、目的地址（0x88）、长度（0x90）和命令（0x98）。命令的各位：RUN 0x1，方向 0x2（0：内存到设备，1：设备到内存），IRQ 0x4（完成时产生 0x100）。在设备一侧，地址范围是 0x40000-0x40fff，也就是它的 4 KiB 缓冲区。

\`edu dma to-dev\` 把内核缓冲区中的字节复制到设备（命令 0x5）；\`from-dev\` 再把它们复制回来（命令 0x7），并显示收到的内容。"DMA"标签页会以动画展示这两次传输。`,
      },
      commands: [{ text: 'modprobe edu' }, { text: 'edu dma to-dev --data hello-edu' }, { text: 'edu dma from-dev --count 9' }],
      checks: [
        {
          id: 'to-dev',
          label: {
            en: 'A RAM→device transfer started with RUN|IRQ (command 0x5) and completed cleanly',
            'zh-CN': '一次内存→设备的传输以 RUN|IRQ（命令 0x5）启动，并正常完成',
          },
          hints: { 'no-irq': NO_IRQ_HINT, driver: { en: 'The edu driver is not loaded: run `modprobe edu` first.', 'zh-CN': 'edu 驱动没有加载：先执行 `modprobe edu`。' } },
          watch: withHints(
            machine(transfers, (t, e) => {
              if (e.kind === K.DmaStart) t.cmd = e.lo;
              else if (e.kind === K.DmaComplete && t.cmd >= 0 && !toRam(t.cmd) && wantsIrq(t.cmd) && !(e.flags & PROBLEMS)) return 'pass';
              return undefined;
            }),
            [
              { when: ev({ kind: K.DmaStart, test: (e) => !wantsIrq(e.lo) }), hint: 'no-irq' },
              { output: DRIVER_MISSING, hint: 'driver' },
            ],
          ),
        },
        {
          id: 'from-dev',
          label: {
            en: 'A device→RAM transfer (command 0x7) brought the bytes back',
            'zh-CN': '一次设备→内存的传输（命令 0x7）把字节取了回来',
          },
          watch: machine(transfers, (t, e) => {
            if (e.kind === K.DmaStart) t.cmd = e.lo;
            else if (e.kind === K.DmaComplete && t.cmd >= 0 && toRam(t.cmd) && !(e.flags & PROBLEMS)) return 'pass';
            return undefined;
          }),
        },
        {
          id: 'dma-ack',
          label: { en: 'The handler acknowledged the DMA interrupt (0x100)', 'zh-CN': '处理函数确认了 DMA 中断（0x100）' },
          hints: { 'no-irq': NO_IRQ_HINT },
          watch: withHints(
            machine(
              () => ({ inHandler: false }),
              (s, e) => {
                if (e.kind === K.HandlerEnter) s.inHandler = true;
                else if (e.kind === K.HandlerExit) s.inHandler = false;
                else if (s.inHandler && ev({ kind: K.IrqAck, source: S.Guest, test: (x) => (x.lo & 0x100) !== 0 })(e)) return 'pass';
                return undefined;
              },
            ),
            [{ when: ev({ kind: K.DmaStart, test: (e) => !wantsIrq(e.lo) }), hint: 'no-irq' }],
          ),
        },
      ],
    },
    {
      id: 'timer',
      title: { en: '100 ms of virtual time', 'zh-CN': '100 ms 虚拟时间' },
      body: {
        en: `Writing the command moves no byte yet: it arms a timer on QEMU's virtual clock for \`floor(now in ms) + 100\` ms. The seed article reads \`timer_init_ms\` as a timer that "keeps checking for DMA requests"; in fact it only prepares the timer. \`dma_rw(..., timer = true)\` arms it once per command, it fires once, and \`edu_dma_timer\` does the whole copy then.

Program a transfer by hand (the driver is loaded, so bus mastering is on) and read the command register while it waits and after it ran. Virtual time stops when the machine is paused: pause right after the command and the transfer waits with it.`,
        'zh-CN': `写入命令时还不会搬运任何字节：它只是在 QEMU 的虚拟时钟上设置一个定时器，时刻为 \`floor(当前毫秒数) + 100\` ms。种子文章把 \`timer_init_ms\` 理解为"不间断地查看是否有 DMA 传送需求"的定时器；实际上它只是初始化定时器。\`dma_rw(..., timer = true)\` 每条命令设置一次定时器，定时器只触发一次，由 \`edu_dma_timer\` 在那时完成全部复制。

手动设置一次传输（驱动已加载，所以总线主控是打开的），在等待期间和完成之后分别读命令寄存器。机器暂停时虚拟时间也停止：发出命令后立即暂停，传输就会一直等着。`,
      },
      commands: [
        {
          text: 'devmem 0xfea00080 64 0x1000; devmem 0xfea00088 64 0x40000; devmem 0xfea00090 64 16; devmem 0xfea00098 64 1; devmem 0xfea00098; sleep 0.05; devmem 0xfea00098; sleep 0.1; devmem 0xfea00098',
        },
      ],
      checks: [
        {
          id: 'pending',
          label: { en: 'While the transfer waited, the command read back with RUN set', 'zh-CN': '传输等待期间，命令寄存器读回时 RUN 仍为 1' },
          watch: machine(transfers, (t, e) => {
            if (e.kind === K.DmaStart) t.cmd = e.lo;
            else if (e.kind === K.DmaComplete) t.cmd = -1;
            else if (t.cmd >= 0 && ev({ kind: K.MmioRead, addr: 0x98, source: S.Guest, test: (x) => (x.lo & 1) !== 0 })(e)) return 'pass';
            return undefined;
          }),
        },
        {
          id: 'after',
          label: { en: 'After it ran, RUN read back clear', 'zh-CN': '传输完成后，读回的 RUN 为 0' },
          watch: inOrder(ev({ kind: K.DmaComplete }), ev({ kind: K.MmioRead, addr: 0x98, source: S.Guest, test: (x) => (x.lo & 1) === 0 })),
        },
        {
          id: 'deadline',
          label: {
            en: 'The copy happened at floor(start in ms) + 100 ms of virtual time, not before',
            'zh-CN': '复制发生在虚拟时间 floor(启动时的毫秒数) + 100 ms，而不是更早',
          },
          watch: machine(transfers, (t, e) => {
            if (e.kind === K.DmaStart) {
              t.cmd = e.lo;
              t.startVns = e.vns;
              t.deadlineMs = e.addr;
            } else if (e.kind === K.DmaComplete && t.cmd >= 0) {
              t.cmd = -1;
              if (e.vns >= t.deadlineMs * MS && e.vns - t.startVns >= 99 * MS) return 'pass';
            }
            return undefined;
          }),
        },
      ],
    },
    {
      id: 'clamp',
      title: { en: 'dma_mask clamping', 'zh-CN': 'dma_mask 截断' },
      body: {
        en: `The device has a \`dma_mask\` property, 28 bits by default: it reaches the first 256 MiB. An address beyond the mask is not refused: the device uses \`address & dma_mask\` and logs "EDU: clamping DMA …" (see the Logs tab). That is why a driver calls \`dma_set_mask(dev, DMA_BIT_MASK(28))\`: the kernel then only hands it buffers it can reach.

Send a transfer to RAM address 0x10001000, beyond the mask: it lands at 0x1000. Optionally widen the mask to 32 bits and try again.`,
        'zh-CN': `设备有一个 \`dma_mask\` 属性，默认 28 位：只能访问最低的 256 MiB。超出掩码的地址不会被拒绝：设备使用 \`地址 & dma_mask\`，并记录日志 "EDU: clamping DMA …"（见"日志"标签页）。这就是驱动要调用 \`dma_set_mask(dev, DMA_BIT_MASK(28))\` 的原因：这样内核只会分配设备够得着的缓冲区。

向内存地址 0x10001000（超出掩码）发起一次传输：数据落在 0x1000。也可以把掩码放宽到 32 位再试一次。`,
      },
      actions: [
        { id: 'mask32', label: { en: 'dma_mask = 0xffffffff', 'zh-CN': '将 dma_mask 设为 0xffffffff' }, call: { method: 'machineSetDmaMask', args: ['0xffffffff'] } },
        { id: 'mask28', label: { en: 'dma_mask = 0x0fffffff (default)', 'zh-CN': '将 dma_mask 设为 0x0fffffff（默认）' }, call: { method: 'machineSetDmaMask', args: ['0xfffffff'] } },
      ],
      commands: [{ text: 'edu dma from-dev --count 16 --to-ram 0x10001000' }],
      checks: [
        {
          id: 'clamped',
          label: { en: 'A transfer completed with its RAM address clamped by dma_mask', 'zh-CN': '一次传输完成时，其内存地址被 dma_mask 截断' },
          watch: once(ev({ kind: K.DmaComplete, flags: F.Clamped })),
        },
        {
          id: 'clamp-log',
          label: {
            en: 'The device logged "EDU: clamping DMA 0x…10001000 to 0x…1000!"',
            'zh-CN': '设备记录了 "EDU: clamping DMA 0x…10001000 to 0x…1000!"',
          },
          watch: once(textIs(K.GuestError, /clamping DMA 0x0*10001000 to 0x0*1000!/)),
        },
        {
          id: 'wide-mask',
          optional: true,
          label: {
            en: 'With dma_mask 0xffffffff the same address was used as given',
            'zh-CN': 'dma_mask 为 0xffffffff 时，同一地址按原样使用',
          },
          watch: machine(
            () => ({ wide: false, far: false }),
            (s, e) => {
              const m = e.kind === K.PropertyChange && e.text ? /^dma_mask=0x([0-9a-f]+)$/.exec(e.text) : null;
              if (m) s.wide = BigInt('0x' + m[1]) >= 0xffffffffn;
              else if (e.kind === K.DmaProgram && e.addr === 0x88) s.far = e.lo === 0x10001000 && e.hi === 0;
              else if (e.kind === K.DmaComplete && s.wide && s.far && !(e.flags & F.Clamped)) return 'pass';
              return undefined;
            },
          ),
        },
      ],
    },
    {
      id: 'no-master',
      title: { en: 'The forgotten bus master', 'zh-CN': '被遗忘的总线主控' },
      body: {
        en: `DMA is the device mastering the bus, so COMMAND bit 2 (Bus Master) must be set; \`pci_set_master()\` in probe does it. \`no_master=1\` makes the driver skip that call. The device still "completes" the transfer and raises its interrupt, but RAM→device reads nothing (the buffer fills with zeros) and device→RAM writes nothing: the classic zero-filled buffer. Then reload the driver properly.`,
        'zh-CN': `DMA 是设备主动控制总线，所以 COMMAND 的位 2（Bus Master）必须置位；probe 中的 \`pci_set_master()\` 负责这件事。\`no_master=1\` 让驱动跳过这个调用。设备照样"完成"传输并产生中断，但内存→设备读不到任何数据（缓冲区被填成 0），设备→内存也写不进任何数据：这就是经典的"全零缓冲区"问题。之后请正常地重新加载驱动。`,
      },
      commands: [
        { text: 'rmmod edu' },
        { text: 'modprobe edu no_master=1' },
        { text: 'edu dma to-dev --data hello' },
        { text: 'edu dma from-dev --count 5' },
        { text: 'setpci -s 00:04.0 COMMAND' },
        { text: 'rmmod edu' },
        { text: 'modprobe edu' },
      ],
      checks: [
        {
          id: 'no-master',
          label: { en: 'A DMA completed with bus mastering off (NoMaster)', 'zh-CN': '一次 DMA 在总线主控关闭的情况下完成（NoMaster）' },
          hints: {
            'master-on': {
              en: 'That transfer ran with bus mastering on: the driver is still loaded without no_master=1 (`modprobe` ignores a loaded module). Run `rmmod edu` first.',
              'zh-CN': '这次传输时总线主控是打开的：驱动仍以不带 no_master=1 的方式加载着（模块已加载时 `modprobe` 不做任何事）。先执行 `rmmod edu`。',
            },
          },
          watch: withHints(once(ev({ kind: K.DmaComplete, flags: F.NoMaster })), [
            { when: ev({ kind: K.DmaComplete, noFlags: F.NoMaster | F.OutOfRange }), hint: 'master-on' },
          ]),
        },
        {
          id: 'zeros',
          label: {
            en: 'What came back from the device was zeros',
            'zh-CN': '从设备取回的是全零',
          },
          watch: machine(
            () => ({ noMaster: false, tail: new ConsoleTail() }),
            (s, e: LessonEvent) => {
              if (ev({ kind: K.DmaComplete, flags: F.NoMaster })(e)) s.noMaster = true;
              else if (s.noMaster && s.tail.push(e) && s.tail.find(/00000000 {2}00 00 00 00 00 +\|\.{5}\|/)) return 'pass';
              return undefined;
            },
          ),
        },
        {
          id: 'master-back',
          label: {
            en: 'You reloaded the driver: COMMAND has Bus Master again',
            'zh-CN': '你重新加载了驱动：COMMAND 的总线主控位又置上了',
          },
          watch: inOrder(ev({ kind: K.DmaComplete, flags: F.NoMaster }), cfgWrite(0x04, { source: S.Guest, test: (e) => (e.lo & 0x4) !== 0 })),
        },
      ],
    },
    {
      id: 'range',
      title: { en: 'Out of range, then and now', 'zh-CN': '越界请求：过去与现在' },
      body: {
        en: `The device checks the range on its own side: \`0x40000 ≤ start\` and \`start + count ≤ 0x41000\`. Today's QEMU logs "EDU: DMA range … out of bounds", copies nothing, and still finishes (RUN cleared, the interrupt raised if asked). QEMU 9.0 and older (7.2 in Debian 12, 4.0 in the article, whose \`edu_check_range\` calls \`hw_error()\`) stop the whole virtual machine.

Send the same request in both profiles: a destination of 0x41000 in the device is one past the buffer. After the abort, reset the machine and come back to today's QEMU.`,
        'zh-CN': `设备在自己一侧检查范围：\`0x40000 ≤ 起始地址\` 且 \`起始地址 + 长度 ≤ 0x41000\`。当前的 QEMU 会记录 "EDU: DMA range … out of bounds"，不复制任何数据，但仍然完成传输（清除 RUN，如有请求则产生中断）。QEMU 9.0 及更早的版本（Debian 12 中的 7.2、文章所用的 4.0，其 \`edu_check_range\` 调用 \`hw_error()\`）会让整个虚拟机停止。

在两个版本下发送同样的请求：设备一侧的目的地址 0x41000 恰好超出缓冲区一个字节。虚拟机中止后，复位机器并切回当前的 QEMU。`,
      },
      actions: [
        { id: 'v72', label: { en: 'Device profile: QEMU 7.2', 'zh-CN': '设备版本：QEMU 7.2' }, call: { method: 'machineSetProfile', args: ['qemu-7.2'] } },
        { id: 'reset', label: { en: 'Reset the machine', 'zh-CN': '复位机器' }, call: { method: 'machineReset', args: [] } },
        { id: 'upstream', label: { en: "Device profile: today's QEMU", 'zh-CN': '设备版本：当前 QEMU' }, call: { method: 'machineSetProfile', args: ['upstream'] } },
      ],
      commands: [{ text: 'devmem 0xfea00080 64 0x1000; devmem 0xfea00088 64 0x41000; devmem 0xfea00090 64 16; devmem 0xfea00098 64 1' }],
      checks: [
        {
          id: 'refused',
          label: {
            en: "Today's QEMU: the out-of-range transfer was refused, logged, and completed anyway",
            'zh-CN': '当前 QEMU：越界传输被拒绝并记录日志，但仍然"完成"了',
          },
          watch: inOrder(ev({ kind: K.DmaError }), ev({ kind: K.DmaComplete, flags: F.OutOfRange })),
        },
        {
          id: 'abort',
          label: {
            en: 'QEMU 7.2: the same request stopped the whole machine (hardware error)',
            'zh-CN': 'QEMU 7.2：同样的请求让整台机器停止（硬件错误）',
          },
          hints: {
            profile: {
              en: 'The device is still on today\'s profile, so it logged and went on. Click "Device profile: QEMU 7.2" first.',
              'zh-CN': '设备仍是当前版本，所以只记录日志并继续运行。先点击"设备版本：QEMU 7.2"。',
            },
          },
          watch: machine(
            () => ({ refused: 0 }),
            (s, e) => {
              if (e.kind === K.MachineAbort && /DMA range/.test(e.text ?? '')) return 'pass';
              if (ev({ kind: K.DmaComplete, flags: F.OutOfRange })(e) && ++s.refused > 1) return { hint: 'profile' };
              return undefined;
            },
          ),
        },
        {
          id: 'reset',
          label: { en: 'You reset the machine after the abort', 'zh-CN': '中止后你复位了机器' },
          watch: inOrder(ev({ kind: K.MachineAbort }), ev({ kind: K.MachineReset })),
        },
        {
          id: 'upstream',
          label: { en: "…and switched back to today's QEMU", 'zh-CN': '……并切回了当前的 QEMU' },
          watch: inOrder(propertyChange(/^profile=qemu-7\.2$/), propertyChange(/^profile=upstream$/)),
        },
      ],
    },
  ],
  wrapUp: {
    en: 'You moved bytes both ways, timed the engine, and met the three classic DMA mistakes: a missing mask, a missing bus master, a bad range. Next: the device model itself.',
    'zh-CN': '你完成了双向的数据搬运，测量了 DMA 引擎的时序，也见识了三个经典的 DMA 错误：缺少掩码、忘开总线主控、范围越界。下一课：设备模型本身。',
  },
};

