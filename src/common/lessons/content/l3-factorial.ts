import { DRIVER_MISSING, ev, F, inOrder, K, machine, mmioRead, mmioWrite, propertyChange, S, withHints } from '../checks';
import type { Lesson, LessonEvent, Outcome } from '../types';

/** A computation this long (n! for n this large) runs for seconds: the window a dropped write needs. */
const LONG_N = 0x10000000;

/** The factorial thread as events show it: busy from FactStart to FactFinish, with its input. */
class Fact {
  computing = false;
  input = 0;
  result: number | undefined;
  delayMs = 0;

  /** Track the thread; true if `e` was one of its events. */
  see(e: LessonEvent): boolean {
    if (e.kind === K.FactStart) {
      this.computing = true;
      this.input = e.lo;
      this.result = undefined;
    } else if (e.kind === K.FactFinish) {
      this.computing = false;
      this.result = e.lo;
    } else if (e.kind === K.PropertyChange && e.text?.startsWith('fact_delay_ms=')) {
      this.delayMs = Number(e.text.slice('fact_delay_ms='.length)) || 0;
    } else return false;
    return true;
  }
}

function fact<S extends object>(init: () => S, step: (f: Fact, s: S, e: LessonEvent) => Outcome) {
  return machine(
    () => ({ f: new Fact(), s: init() }),
    ({ f, s }, e) => {
      // The step sees the event before the tracker: a read while computing is judged by the state it found.
      const out = step(f, s, e);
      f.see(e);
      return out;
    },
  );
}

const readsResult = (f: Fact, e: LessonEvent) => !f.computing && f.result !== undefined && mmioRead(0x08, 4, { lo: f.result })(e);

export const lessonFactorial: Lesson = {
  id: 'factorial',
  number: 3,
  title: { en: 'The factorial thread', 'zh-CN': '阶乘线程' },
  summary: {
    en: 'Start a computation and poll its status, watch a second write get dropped while the thread works, get an interrupt on completion, and see why QEMU\'s source wishes the thread slept a random time.',
    'zh-CN': '启动一次计算并轮询状态，观察线程工作时第二次写入被丢弃，在完成时得到中断，并理解 QEMU 源码为什么希望线程随机睡一会儿。',
  },
  steps: [
    {
      id: 'poll',
      title: { en: 'Start a computation and poll', 'zh-CN': '启动计算并轮询' },
      body: {
        en: `Writing n to 0x08 stores it, sets COMPUTING (bit 0 of STATUS at 0x20) and wakes the device's factorial thread. The thread multiplies in 32-bit arithmetic, stores n! in 0x08 and clears COMPUTING. Software polls STATUS until bit 0 is clear, then reads the result: 12! = 479001600 = \`0x1C8CFC00\`.

In the timeline, FactStart and FactFinish mark the thread waking and finishing.`,
        'zh-CN': `向 0x08 写入 n 会保存它、置位 COMPUTING（0x20 处 STATUS 的位 0），并唤醒设备的阶乘线程。线程用 32 位算术连乘，把 n! 存入 0x08，然后清除 COMPUTING。软件轮询 STATUS 直到位 0 清零，再读取结果：12! = 479001600 = \`0x1C8CFC00\`。

在时间线上，FactStart 和 FactFinish 标出了线程被唤醒和完成的时刻。`,
      },
      commands: [{ text: 'devmem 0xfea00008 32 12' }, { text: 'devmem 0xfea00020' }, { text: 'devmem 0xfea00008' }],
      checks: [
        {
          id: 'start',
          label: { en: 'You wrote n to 0x08 and the thread woke (FactStart)', 'zh-CN': '你向 0x08 写入 n，线程被唤醒（FactStart）' },
          watch: inOrder(mmioWrite(0x08, 4, { source: S.Guest }), ev({ kind: K.FactStart, source: S.Guest })),
        },
        {
          id: 'status',
          label: { en: 'You read STATUS (0x20) after starting it', 'zh-CN': '启动后你读了 STATUS（0x20）' },
          watch: inOrder(ev({ kind: K.FactStart }), mmioRead(0x20, 4, { source: S.Guest })),
        },
        {
          id: 'result',
          label: {
            en: 'You read the result from 0x08 after COMPUTING cleared',
            'zh-CN': 'COMPUTING 清零后，你从 0x08 读到了结果',
          },
          watch: fact(
            () => ({}),
            (f, _s, e) => (readsResult(f, e) && e.source === S.Guest ? 'pass' : undefined),
          ),
        },
      ],
    },
    {
      id: 'dropped',
      title: { en: 'A write dropped while computing', 'zh-CN': '计算期间被丢弃的写入' },
      body: {
        en: `\`0xffffffff!\` takes about 4.3 billion multiplications: seconds of real work for the thread. Meanwhile STATUS reads COMPUTING, 0x08 still reads the input, and a second write to 0x08 is dropped: the write handler returns early while COMPUTING is set (\`if (atomic_read(&edu->status) & EDU_STATUS_COMPUTING) break;\` in the seed article).

The commands are on one line so that they all happen while the thread works. When it is done, 0x08 reads 0: every n ≥ 34 has 2^32 as a factor of n!.`,
        'zh-CN': `\`0xffffffff!\` 需要约 43 亿次乘法：线程要实实在在地算上几秒。在此期间，STATUS 读出 COMPUTING，0x08 仍读出输入值，而第二次写 0x08 会被丢弃：COMPUTING 置位时写处理函数直接返回（种子文章中的 \`if (atomic_read(&edu->status) & EDU_STATUS_COMPUTING) break;\`）。

这些命令写在同一行，保证它们都发生在线程工作期间。算完之后 0x08 读出 0：n ≥ 34 时，n! 含有因子 2^32。`,
      },
      commands: [
        { text: 'devmem 0xfea00008 32 0xffffffff; devmem 0xfea00020; devmem 0xfea00008 32 5; devmem 0xfea00008' },
        { text: 'devmem 0xfea00008' },
      ],
      checks: [
        {
          id: 'busy',
          label: { en: 'STATUS read COMPUTING (0x01) while the thread worked', 'zh-CN': '线程工作时 STATUS 读出 COMPUTING（0x01）' },
          watch: fact(
            () => ({}),
            (f, _s, e) => (f.computing && mmioRead(0x20, 4, { test: (x) => (x.lo & 1) !== 0 })(e) ? 'pass' : undefined),
          ),
        },
        {
          id: 'dropped',
          label: {
            en: 'You wrote 0x08 while COMPUTING was set, and the write was dropped',
            'zh-CN': '你在 COMPUTING 置位时写了 0x08，这次写入被丢弃了',
          },
          hints: {
            late: {
              en: 'Your second write came after the long computation had finished, so it started a new one. Paste the whole first line so the writes happen while the thread works.',
              'zh-CN': '你的第二次写入发生在长计算结束之后，于是启动了一次新的计算。请粘贴完整的第一行命令，让两次写入都发生在线程工作期间。',
            },
          },
          watch: fact(
            () => ({ lastN: 0 }),
            (_f, s, e) => {
              // The device flags the write it drops while its thread computes.
              if (mmioWrite(0x08, 4)(e) && e.flags & F.Ignored) return 'pass';
              if (e.kind === K.FactStart) {
                const late = s.lastN >= LONG_N;
                s.lastN = e.lo;
                if (late) return { hint: 'late' };
              }
              return undefined;
            },
          ),
        },
        {
          id: 'input',
          label: {
            en: 'Reading 0x08 while computing gave back the input, not a result',
            'zh-CN': '计算期间读 0x08 得到的是输入值，而不是结果',
          },
          watch: fact(
            () => ({}),
            (f, _s, e) => (f.computing && f.input >= LONG_N && mmioRead(0x08, 4, { lo: f.input })(e) ? 'pass' : undefined),
          ),
        },
        {
          id: 'wrapped',
          label: { en: 'The long run finished: 0xffffffff! mod 2^32 = 0', 'zh-CN': '长计算结束：0xffffffff! mod 2^32 = 0' },
          watch: inOrder(ev({ kind: K.FactStart, lo: 0xffffffff }), ev({ kind: K.FactFinish, lo: 0 })),
        },
      ],
    },
    {
      id: 'irq',
      title: { en: 'An interrupt on completion', 'zh-CN': '完成时的中断' },
      body: {
        en: `Set IRQFACT (0x80) in STATUS before starting, and the thread raises interrupt status bit 0x1 when it finishes. The driver does just that for \`edu fact N --irq\`: it writes 0x80 to 0x20, writes n to 0x08, and sleeps until its interrupt handler sees bit 0x1, which the handler acknowledges by writing it to 0x64.

Note the order inside the thread: it clears COMPUTING first and looks at IRQFACT only then. Setting IRQFACT after a computation has ended raises nothing.`,
        'zh-CN': `在启动前置位 STATUS 中的 IRQFACT（0x80），线程完成时就会置位中断状态位 0x1。驱动的 \`edu fact N --irq\` 正是这样做的：向 0x20 写 0x80，向 0x08 写 n，然后睡眠，直到中断处理函数看到位 0x1；处理函数把这一位写入 0x64 进行确认（ack）。

注意线程内部的顺序：它先清除 COMPUTING，之后才查看 IRQFACT。计算结束后再置位 IRQFACT，不会产生任何中断。`,
      },
      commands: [{ text: 'modprobe edu' }, { text: 'edu fact 10 --irq' }],
      checks: [
        {
          id: 'irqfact',
          label: { en: 'IRQFACT (0x80) was set in STATUS before the computation started', 'zh-CN': '计算开始前 STATUS 中的 IRQFACT（0x80）已置位' },
          watch: machine(
            () => ({ irqfact: false }),
            (s, e) => {
              if (mmioWrite(0x20, 4)(e)) s.irqfact = (e.lo & 0x80) !== 0;
              else if (e.kind === K.FactStart && s.irqfact) return 'pass';
              return undefined;
            },
          ),
        },
        {
          id: 'requested',
          label: {
            en: 'The thread finished with IRQFACT set and raised interrupt 0x1',
            'zh-CN': '线程在 IRQFACT 置位的情况下完成，并产生了中断 0x1',
          },
          hints: {
            poll: {
              en: 'That computation finished without IRQFACT, so no interrupt. `--poll` does not ask for one: run `edu fact 10 --irq`.',
              'zh-CN': '这次计算完成时 IRQFACT 没有置位，所以没有中断。`--poll` 不请求中断：请执行 `edu fact 10 --irq`。',
            },
            driver: { en: 'The edu driver is not loaded: run `modprobe edu` first.', 'zh-CN': 'edu 驱动没有加载：先执行 `modprobe edu`。' },
          },
          watch: withHints(inOrder(ev({ kind: K.FactFinish, flags: F.IrqRequested }), ev({ kind: K.IrqRaise, source: S.Device, test: (e) => (e.lo & 1) !== 0 })), [
            { when: ev({ kind: K.FactFinish, noFlags: F.IrqRequested }), hint: 'poll' },
            { output: DRIVER_MISSING, hint: 'driver' },
          ]),
        },
        {
          id: 'acked',
          label: { en: 'The handler acknowledged 0x1 by writing it to 0x64', 'zh-CN': '处理函数把 0x1 写入 0x64，确认了中断' },
          watch: inOrder(ev({ kind: K.FactFinish, flags: F.IrqRequested }), ev({ kind: K.IrqAck, source: S.Guest, test: (e) => (e.lo & 1) !== 0 })),
        },
      ],
    },
    {
      id: 'random',
      title: { en: 'Why QEMU wishes the thread slept', 'zh-CN': '为什么 QEMU 希望线程睡一会儿' },
      body: {
        en: `Here the thread starts at once, so 10! is ready before the next \`devmem\` can look: careless code that reads 0x08 right after writing it seems to work. QEMU's \`edu_fact_thread\` carries a comment saying the thread should sleep for a random period, so that students are forced to check the status properly. It does not sleep.

The lab can: turn on a random delay of up to 500 ms, read 0x08 straight after the write and see the input come back. Then do it properly: \`edu fact 10 --poll\` polls STATUS until COMPUTING clears. Turn the delay off when you are done.`,
        'zh-CN': `在这里线程立刻开始计算，所以下一个 \`devmem\` 还没来得及读，10! 就已经算好了：写完 0x08 立刻读结果的粗心代码看上去也能工作。QEMU 的 \`edu_fact_thread\` 里有一条注释：线程应该随机睡眠一段时间，迫使学生正确地检查状态。但它并没有睡眠。

本实验可以做到：打开最长 500 ms 的随机延迟，写完立刻读 0x08，会读回输入值。然后用正确的方式：\`edu fact 10 --poll\` 会轮询 STATUS，直到 COMPUTING 清零。做完后关闭延迟。`,
      },
      actions: [
        { id: 'delay-on', label: { en: 'Random delay: up to 500 ms', 'zh-CN': '随机延迟：最长 500 ms' }, call: { method: 'machineSetFactDelay', args: [500] } },
        { id: 'delay-off', label: { en: 'Random delay: off', 'zh-CN': '随机延迟：关闭' }, call: { method: 'machineSetFactDelay', args: [0] } },
      ],
      commands: [{ text: 'devmem 0xfea00008 32 10; devmem 0xfea00008; devmem 0xfea00020' }, { text: 'edu fact 10 --poll' }],
      checks: [
        {
          id: 'delay-input',
          label: {
            en: 'With the delay on, reading 0x08 right after the write gave back the input, not n!',
            'zh-CN': '打开延迟后，写完立刻读 0x08，读回的是输入值，而不是 n!',
          },
          hints: {
            off: {
              en: 'The delay is off, so the thread finished before your read. Click "Random delay: up to 500 ms" first.',
              'zh-CN': '延迟没有打开，所以线程在你读之前就算完了。先点击"随机延迟：最长 500 ms"。',
            },
            late: {
              en: 'You read 0x08 after the computation had finished. The delay is random: paste the whole line so the read follows the write at once.',
              'zh-CN': '你读 0x08 时计算已经结束。延迟是随机的：请粘贴整行命令，让读操作紧跟在写操作之后。',
            },
          },
          watch: fact(
            () => ({ started: false }),
            (f, s, e) => {
              if (e.kind === K.FactStart) s.started = true;
              if (!mmioRead(0x08, 4, { source: S.Guest })(e) || !s.started) return undefined;
              const gotInput = f.computing && e.lo === f.input;
              if (gotInput && f.delayMs > 0) return 'pass';
              // The result was there already (the thread's report may still be on its way: judge by the value).
              return { hint: f.delayMs > 0 ? 'late' : 'off' };
            },
          ),
        },
        {
          id: 'delay-poll',
          label: {
            en: 'Polling STATUS waited out the delay: it saw COMPUTING, then the result was read',
            'zh-CN': '轮询 STATUS 等过了延迟：先看到 COMPUTING，然后读取了结果',
          },
          watch: fact(
            () => ({ sawBusy: false, finished: false }),
            (f, s, e) => {
              if (e.kind === K.FactStart) s.sawBusy = s.finished = false;
              else if (f.computing && f.delayMs > 0 && mmioRead(0x20, 4, { test: (x) => (x.lo & 1) !== 0 })(e)) s.sawBusy = true;
              else if (e.kind === K.FactFinish) s.finished = s.sawBusy;
              else if (s.finished && readsResult(f, e)) return 'pass';
              return undefined;
            },
          ),
        },
        {
          id: 'delay-off',
          label: { en: 'You turned the random delay off again', 'zh-CN': '你重新关闭了随机延迟' },
          watch: inOrder(propertyChange(/^fact_delay_ms=[1-9]\d*$/), propertyChange(/^fact_delay_ms=0$/)),
        },
      ],
    },
  ],
  wrapUp: {
    en: 'You drove the factorial thread by polling and by interrupt, and saw the race a careless driver would lose. Next: interrupts in depth.',
    'zh-CN': '你用轮询和中断两种方式驱动了阶乘线程，也看到了粗心的驱动会输掉的竞争。下一课：深入中断。',
  },
};

