import { cfgRead, cfgWrite, DRIVER_MISSING, EDU_GSI, ev, F, K, machine, mmioRead, once, S, withHints } from '../checks';
import type { Lesson, LessonEvent, Outcome } from '../types';

/** Unhandled handler runs in a row that make "a storm" (Linux gives up after 99,900 of 100,000). */
export const STORM_RUNS = 1000;

/** The CPU side as events show it: inside a handler or not, and which irq; the edu INTx level. */
class Cpu {
  inHandler = false;
  irq = -1;
  level = 0;

  see(e: LessonEvent): void {
    if (e.kind === K.HandlerEnter) {
      this.inHandler = true;
      this.irq = e.addr;
    } else if (e.kind === K.HandlerExit) this.inHandler = false;
    else if (e.kind === K.IntxLevel && e.addr === EDU_GSI) this.level = e.lo;
  }
}

/** A watcher that sees each event with the CPU state found before it. */
function cpu<S extends object>(init: () => S, step: (c: Cpu, s: S, e: LessonEvent) => Outcome) {
  return machine(
    () => ({ c: new Cpu(), s: init() }),
    ({ c, s }, e) => {
      const out = step(c, s, e);
      c.see(e);
      return out;
    },
  );
}

const DRIVER_HINT = { en: 'The edu driver is not loaded: run `modprobe edu` first.', 'zh-CN': 'edu 驱动没有加载：先执行 `modprobe edu`。' };
const RELOAD_NOTE = {
  en: '(`modprobe` does nothing for a module that is already loaded: `rmmod edu` first.)',
  'zh-CN': '（模块已加载时 `modprobe` 什么也不做：先执行 `rmmod edu`。）',
};

export const lessonInterrupts: Lesson = {
  id: 'interrupts',
  number: 4,
  title: { en: 'Interrupts: INTx and MSI', 'zh-CN': '中断：INTx 与 MSI' },
  summary: {
    en: 'Raise and acknowledge, see INTx as a level and MSI as messages, and cause a storm by forgetting the acknowledge.',
    'zh-CN': '产生并确认中断，看清 INTx 是电平、MSI 是消息，再通过"忘记确认"制造一场中断风暴。',
  },
  steps: [
    {
      id: 'raise',
      title: { en: 'Raise and acknowledge', 'zh-CN': '产生与确认' },
      body: {
        en: `Writing a value to 0x60 ORs it into the interrupt status (0x24) and interrupts the CPU; writing bits to 0x64 clears them. A handler reads 0x24 to learn why the device interrupted and writes exactly those bits to 0x64. On a shared INTx line a status of 0 means "not mine": the handler returns IRQ_NONE and the kernel asks the next handler.

\`edu raise\` writes 0x60 and reports what the handler saw. In the timeline: IrqRaise, the INTx level going up, HandlerEnter, the read of 0x24, the write to 0x64, the level going down, HandlerExit.`,
        'zh-CN': `向 0x60 写入一个值，会把它按位或进中断状态寄存器（0x24）并中断 CPU；向 0x64 写入某些位则清除它们。处理函数读 0x24 得知设备为什么中断，再把这些位原样写入 0x64。在共享的 INTx 线上，状态为 0 表示"不是我的"：处理函数返回 IRQ_NONE，内核去问下一个处理函数。

\`edu raise\` 写 0x60，并报告处理函数看到了什么。时间线上依次是：IrqRaise、INTx 电平升高、HandlerEnter、读 0x24、写 0x64、电平降低、HandlerExit。`,
      },
      commands: [{ text: 'modprobe edu' }, { text: 'edu raise 0xdeadbeef' }],
      checks: [
        {
          id: 'raise',
          label: { en: 'You raised 0xdeadbeef by writing 0x60', 'zh-CN': '你通过写 0x60 产生了 0xdeadbeef' },
          hints: { driver: DRIVER_HINT },
          watch: withHints(once(ev({ kind: K.IrqRaise, lo: 0xdeadbeef, source: S.Guest })), [
            { output: DRIVER_MISSING, hint: 'driver' },
          ]),
        },
        {
          id: 'handler-read',
          label: {
            en: 'The handler read 0x24 between HandlerEnter and HandlerExit',
            'zh-CN': '处理函数在 HandlerEnter 与 HandlerExit 之间读了 0x24',
          },
          watch: cpu(
            () => ({}),
            (c, _s, e) => (c.inHandler && mmioRead(0x24, 4, { test: (x) => x.lo !== 0 })(e) ? 'pass' : undefined),
          ),
        },
        {
          id: 'handler-ack',
          label: {
            en: 'The handler acknowledged every bit it saw: status back to 0',
            'zh-CN': '处理函数确认了它看到的所有位：状态回到 0',
          },
          hints: {
            'no-ack': {
              en: `The handler returned without acknowledging: the driver was loaded with no_ack=1. Reload it without: \`rmmod edu\`, \`modprobe edu\`.`,
              'zh-CN': '处理函数没有确认就返回了：驱动是带 no_ack=1 加载的。不带该参数重新加载：`rmmod edu`、`modprobe edu`。',
            },
          },
          watch: cpu(
            () => ({}),
            (c, _s, e) => {
              if (c.inHandler && ev({ kind: K.IrqAck, source: S.Guest, addr: 0 })(e)) return 'pass';
              if (e.kind === K.HandlerExit && e.lo === 0) return { hint: 'no-ack' };
              return undefined;
            },
          ),
        },
        {
          id: 'intx',
          label: { en: 'INTx line 11 went up, then down again', 'zh-CN': 'INTx 线 11 先升高，然后又降低' },
          hints: {
            msi: {
              en: `The interrupt came as an MSI message: the driver was loaded with use_msi=1. This step is about INTx: \`rmmod edu\`, \`modprobe edu\`.`,
              'zh-CN': '中断是以 MSI 消息送达的：驱动是带 use_msi=1 加载的。这一步讲的是 INTx：`rmmod edu`、`modprobe edu`。',
            },
          },
          watch: withHints(
            machine(
              () => ({ up: false }),
              (s, e) => {
                if (!ev({ kind: K.IntxLevel, addr: EDU_GSI })(e)) return undefined;
                if (e.lo) s.up = true;
                else if (s.up) return 'pass';
                return undefined;
              },
            ),
            [{ when: ev({ kind: K.MsiMessage }), hint: 'msi' }],
          ),
        },
      ],
    },
    {
      id: 'level',
      title: { en: 'INTx is a level', 'zh-CN': 'INTx 是电平' },
      body: {
        en: `Unload the driver so that nobody acknowledges, then raise twice by hand. The first raise pulls line 11 up; the second only adds a bit: a level has no second edge. The config STATUS register shows the line in bit 3 ("interrupt status"): \`0018\` while it is up. Acknowledging both bits brings it down. (With no handler registered on IRQ 11, the IO-APIC keeps the line masked, so the CPU is not disturbed.)`,
        'zh-CN': `卸载驱动，让没有人来确认，然后手动产生两次中断。第一次把线 11 拉高；第二次只是多置了一位：电平没有"第二个边沿"。配置空间的 STATUS 寄存器在位 3（"中断状态"）反映这条线：线为高时读出 \`0018\`。确认这两位后线才降低。（IRQ 11 上没有注册处理函数时，IO-APIC 让这条线保持屏蔽，CPU 不会被打扰。）`,
      },
      commands: [
        { text: 'rmmod edu' },
        { text: 'devmem 0xfea00060 32 0x1; devmem 0xfea00060 32 0x2' },
        { text: 'setpci -s 00:04.0 STATUS' },
        { text: 'devmem 0xfea00064 32 0x3' },
        { text: 'setpci -s 00:04.0 STATUS' },
      ],
      checks: [
        {
          id: 'no-edge',
          label: {
            en: 'A second raise while line 11 was up: no new edge, the level just stayed up',
            'zh-CN': '线 11 为高时再次产生中断：没有新的边沿，电平只是保持为高',
          },
          hints: {
            driver: {
              en: 'The driver is still loaded: its handler acknowledged each raise at once, so the line never stayed up. Run `rmmod edu` first.',
              'zh-CN': '驱动还在：它的处理函数立刻确认了每次中断，线从未保持为高。先执行 `rmmod edu`。',
            },
          },
          watch: cpu(
            () => ({ raised: false }),
            (c, s, e) => {
              if (ev({ kind: K.IrqRaise, source: S.Guest })(e)) {
                if (c.level === 1) return 'pass';
                s.raised = true;
              } else if (s.raised && e.kind === K.HandlerEnter) {
                s.raised = false;
                return { hint: 'driver' };
              }
              return undefined;
            },
          ),
        },
        {
          id: 'cfg-status',
          label: {
            en: 'Config STATUS read with bit 3 (interrupt status) set: 0x0018',
            'zh-CN': '读配置空间 STATUS 时位 3（中断状态）为 1：0x0018',
          },
          hints: {
            low: {
              en: 'STATUS bit 3 was clear: the line was down (nothing pending, or a handler acknowledged). Raise with the driver unloaded, then read STATUS before acknowledging.',
              'zh-CN': 'STATUS 的位 3 为 0：线是低的（没有待处理的中断，或已被处理函数确认）。在驱动卸载的情况下产生中断，并在确认之前读 STATUS。',
            },
          },
          watch: withHints(
            once(cfgRead(0x06, { source: S.Guest, test: (e) => (e.lo & 0x08) !== 0 })),
            [{ when: cfgRead(0x06, { source: S.Guest, test: (x) => (x.lo & 0x08) === 0 }), hint: 'low' }],
          ),
        },
        {
          id: 'level-drop',
          label: {
            en: 'Your write to 0x64 acknowledged the last bits and brought the line down',
            'zh-CN': '你对 0x64 的写操作确认了剩余的位，线随之降低',
          },
          watch: cpu(
            () => ({ cleared: false }),
            (c, s, e) => {
              if (e.kind === K.IrqAck) s.cleared = !c.inHandler && e.source === S.Guest && e.addr === 0 && c.level === 1;
              else if (s.cleared && ev({ kind: K.IntxLevel, addr: EDU_GSI, lo: 0 })(e)) return 'pass';
              return undefined;
            },
          ),
        },
      ],
    },
    {
      id: 'msi',
      title: { en: 'MSI: one message per raise', 'zh-CN': 'MSI：每次产生一条消息' },
      body: {
        en: `With MSI the device holds no line. Each raise makes it write a message (data \`0x40xx\`, the vector, to address \`0xfee00000\`) to the interrupt controller: two raises, two messages, nothing to bring down. The message is a memory write by the device, a DMA, so bus mastering must be on. The driver enables the MSI capability (control register at 0x42) when loaded with use_msi=1; /proc/interrupts then shows \`PCI-MSI\` instead of \`IO-APIC\`.`,
        'zh-CN': `使用 MSI 时设备不占用中断线。每次产生中断，设备都会向中断控制器写一条消息（把数据 \`0x40xx\`，即向量号，写到地址 \`0xfee00000\`）：产生两次，就有两条消息，也没有需要"降低"的电平。这条消息是设备发起的内存写，也就是一次 DMA，所以必须打开总线主控。带 use_msi=1 加载时，驱动会使能 MSI capability（控制寄存器在 0x42）；/proc/interrupts 中显示的也从 \`IO-APIC\` 变为 \`PCI-MSI\`。`,
      },
      commands: [{ text: 'modprobe edu use_msi=1' }, { text: 'edu raise 0x1; edu raise 0x2' }, { text: 'cat /proc/interrupts' }],
      checks: [
        {
          id: 'msi-enable',
          label: { en: 'The driver enabled MSI: control register 0x42, bit 0', 'zh-CN': '驱动使能了 MSI：控制寄存器 0x42 的位 0' },
          watch: once(cfgWrite(0x42, { test: (e) => (e.lo & 1) !== 0 })),
        },
        {
          id: 'msi-two',
          label: { en: 'Two raises sent two MSI messages, none dropped', 'zh-CN': '两次产生中断发出了两条 MSI 消息，没有被丢弃' },
          hints: {
            dropped: {
              en: `An MSI message was dropped: bus mastering is off (no_master=1?), and a message is a DMA write. Reload: \`rmmod edu\`, \`modprobe edu use_msi=1\`.`,
              'zh-CN': '有 MSI 消息被丢弃：总线主控关闭了（no_master=1？），而消息本身就是一次 DMA 写。重新加载：`rmmod edu`、`modprobe edu use_msi=1`。',
            },
            intx: {
              en: `The interrupt came on INTx: the driver is still loaded without use_msi=1. ${RELOAD_NOTE.en}`,
              'zh-CN': `中断来自 INTx：驱动仍以不带 use_msi=1 的方式加载着。${RELOAD_NOTE['zh-CN']}`,
            },
          },
          watch: machine(
            () => ({ enabled: false, sent: 0 }),
            (s, e) => {
              if (cfgWrite(0x42)(e)) {
                s.enabled = (e.lo & 1) !== 0;
                s.sent = 0;
              } else if (e.kind === K.MsiMessage) {
                if (e.flags & F.Dropped) return { hint: 'dropped' };
                if (s.enabled && ++s.sent >= 2) return 'pass';
              } else if (ev({ kind: K.IntxLevel, addr: EDU_GSI, lo: 1 })(e)) return { hint: 'intx' };
              return undefined;
            },
          ),
        },
        {
          id: 'msi-handler',
          label: {
            en: 'The MSI handler ran (its own irq, not 11) and read 0x24',
            'zh-CN': 'MSI 处理函数运行了（使用自己的 irq，而不是 11），并读了 0x24',
          },
          watch: cpu(
            () => ({}),
            (c, _s, e) => (c.inHandler && c.irq !== EDU_GSI && mmioRead(0x24, 4, { test: (x) => x.lo !== 0 })(e) ? 'pass' : undefined),
          ),
        },
      ],
    },
    {
      id: 'storm',
      title: { en: 'A storm from a missing acknowledge', 'zh-CN': '忘记确认引发的中断风暴' },
      body: {
        en: `\`no_ack=1\` makes the handler "forget" to write 0x64. On INTx the line stays up, so as soon as the handler returns the CPU takes the interrupt again. The handler finds no news and returns IRQ_NONE, as a handler on a shared line must when the interrupt is not its own. Linux counts such interrupts: after 99,900 unhandled out of 100,000 it prints "irq 11: nobody cared" and disables the line (that takes a while; watch the timeline fill up meanwhile).

Then reload the driver normally: on removal it acknowledges whatever is pending, and the line goes down.`,
        'zh-CN': `\`no_ack=1\` 让处理函数"忘记"写 0x64。在 INTx 下线一直为高，所以处理函数一返回，CPU 就会再次响应这个中断。处理函数发现没有新情况，于是返回 IRQ_NONE，这正是共享线上的处理函数在中断不属于自己时应有的做法。Linux 会统计这类中断：10 万次中有 99,900 次无人处理时，它打印 "irq 11: nobody cared" 并禁用这条线（这需要一段时间，期间可以看时间线被填满）。

然后正常地重新加载驱动：卸载时驱动会确认所有待处理的中断，线随之降低。`,
      },
      commands: [
        { text: 'rmmod edu' },
        { text: 'modprobe edu no_ack=1' },
        { text: 'edu raise 0x10' },
        { text: 'cat /proc/interrupts' },
        { text: 'rmmod edu' },
        { text: 'modprobe edu' },
      ],
      checks: [
        {
          id: 'storm',
          label: {
            en: `The line stayed up: the handler ran again and again returning IRQ_NONE (${STORM_RUNS} times and counting)`,
            'zh-CN': `线一直为高：处理函数一次又一次地运行并返回 IRQ_NONE（已超过 ${STORM_RUNS} 次）`,
          },
          hints: {
            acked: {
              en: `The handler acknowledged the raise, so there was no storm: the driver is loaded without no_ack=1. ${RELOAD_NOTE.en}`,
              'zh-CN': `处理函数确认了这次中断，所以没有风暴：驱动没有带 no_ack=1 加载。${RELOAD_NOTE['zh-CN']}`,
            },
            msi: {
              en: 'With MSI there is no line to stay up: each message is taken once. Load with INTx: `rmmod edu`, `modprobe edu no_ack=1`.',
              'zh-CN': '使用 MSI 时没有会保持为高的线：每条消息只被处理一次。请用 INTx 加载：`rmmod edu`、`modprobe edu no_ack=1`。',
            },
          },
          watch: cpu(
            () => ({ unhandled: 0 }),
            (c, s, e) => {
              if (ev({ kind: K.HandlerExit, addr: EDU_GSI })(e)) {
                s.unhandled = e.lo === 0 && c.level === 1 ? s.unhandled + 1 : 0;
                if (s.unhandled >= STORM_RUNS) return 'pass';
              } else if (c.inHandler && ev({ kind: K.IrqAck, source: S.Guest, test: (x) => (x.lo & 0x10) !== 0 })(e)) return { hint: 'acked' };
              else if (c.inHandler && c.irq !== EDU_GSI && mmioRead(0x24, 4, { test: (x) => (x.lo & 0x10) !== 0 })(e)) return { hint: 'msi' };
              return undefined;
            },
          ),
        },
        {
          id: 'nobody-cared',
          optional: true,
          label: { en: 'The kernel gave up: "nobody cared", IRQ 11 disabled', 'zh-CN': '内核放弃了："nobody cared"，IRQ 11 被禁用' },
          watch: once(ev({ kind: K.IrqDisabled })),
        },
        {
          id: 'storm-over',
          label: {
            en: 'The storm ended: the pending status was acknowledged and the line went down',
            'zh-CN': '风暴结束：待处理的状态被确认，线降低了',
          },
          watch: cpu(
            () => ({ unhandled: 0, stormed: false }),
            (c, s, e) => {
              if (ev({ kind: K.HandlerExit, addr: EDU_GSI })(e)) {
                s.unhandled = e.lo === 0 && c.level === 1 ? s.unhandled + 1 : 0;
                if (s.unhandled >= STORM_RUNS) s.stormed = true;
              } else if (s.stormed && ev({ kind: K.IntxLevel, addr: EDU_GSI, lo: 0 })(e)) return 'pass';
              return undefined;
            },
          ),
        },
      ],
    },
  ],
  wrapUp: {
    en: 'You saw both ways an interrupt travels, why a handler reads and acknowledges the status, and what happens when it does not. Next: DMA.',
    'zh-CN': '你看到了中断传递的两种方式，明白了处理函数为什么要读取并确认状态，以及不这样做会发生什么。下一课：DMA。',
  },
};
