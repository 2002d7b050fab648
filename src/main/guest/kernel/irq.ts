import { EventKind } from '../../../common/trace/schema';
import type { GuestPlatform, MsiMessageIn } from '../../machine/platform';
import type { Cpu } from './cpu';
import { KernelError } from './errors';
import type { KernelLog } from './printk';

export const IrqReturn = { None: 0, Handled: 1 } as const;
export type IrqReturn = (typeof IrqReturn)[keyof typeof IrqReturn];

/** An interrupt handler: runs with interrupts disabled and says whether the interrupt was its device's. */
export type IrqHandler = (irq: number) => IrqReturn;

export interface IrqAction {
  readonly handler: IrqHandler;
  readonly name: string;
  /** The handler's symbol as a stack trace shows it, e.g. `edu_irq [edu]`. */
  readonly symbol: string;
  /** Identifies the requester, for free_irq on a shared line. */
  readonly dev: object;
  readonly shared: boolean;
}

export type IrqChip = 'IO-APIC' | 'PCI-MSI';

/** One Linux interrupt (struct irq_desc): where it comes from, who handles it, and its counters. */
export class IrqDesc {
  readonly actions: IrqAction[] = [];
  /** Times the CPU took this interrupt (the /proc/interrupts column). */
  count = 0;
  /** Disabled by the spurious-interrupt detector ("nobody cared") or disable_irq(). */
  disabled = false;
  // note_interrupt() state
  irqCount = 0;
  unhandled = 0;
  lastUnhandledNs = -Infinity;
  /** Edge interrupts: a message is latched until the CPU takes it (an APIC IRR bit). */
  latched = false;

  constructor(
    readonly irq: number,
    readonly chip: IrqChip,
    readonly hwirq: number,
    readonly flow: 'fasteoi' | 'edge',
    /** The CPU vector the interrupt arrives on (MSI data bits 7:0). */
    readonly vector: number,
  ) {}
}

/** Linux's limits for the spurious-interrupt detector. */
const SPURIOUS_WINDOW = 100_000;
const SPURIOUS_LIMIT = 99_900;
const UNHANDLED_GAP_NS = 100_000_000; // HZ/10
/** Interrupts taken in a row before the host gets a turn (a storm must not freeze the lab). */
const DELIVERY_SLICE = 256;
const FIRST_DYNAMIC_IRQ = 24;
const FIRST_DEVICE_VECTOR = 0x23;
const LEGACY_LINES = 24;

export interface MsiAllocation {
  readonly irq: number;
  readonly address: number;
  readonly data: number;
}

/**
 * The kernel's interrupt layer: IO-APIC lines 0-23 as irqs 0-23 (level, fasteoi) and MSI irqs from 24
 * (edge). Lines are read as levels: a line that is still high after its handlers ran interrupts again,
 * which is how a missing acknowledge becomes a storm, until the spurious-interrupt detector disables it.
 */
export class IrqSubsystem {
  private readonly descs = new Map<number, IrqDesc>();
  private readonly byVector = new Map<number, IrqDesc>();
  private nextIrq = FIRST_DYNAMIC_IRQ;
  private nextVector = FIRST_DEVICE_VECTOR;
  private inInterrupt = false;
  private deliveryQueued = false;
  private continuation: ReturnType<typeof setImmediate> | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly platform: GuestPlatform,
    private readonly cpu: Cpu,
    private readonly log: KernelLog,
  ) {
    for (let gsi = 0; gsi < LEGACY_LINES; gsi++) this.descs.set(gsi, new IrqDesc(gsi, 'IO-APIC', gsi, 'fasteoi', 0x30 + gsi));
    this.unsubscribe.push(
      platform.onLineChange((_gsi, level) => level && this.queueDelivery()),
      platform.onMsi((message) => this.msiArrived(message)),
      platform.onRunStateChange((state) => state === 'running' && this.queueDelivery()),
    );
  }

  desc(irq: number): IrqDesc | undefined {
    return this.descs.get(irq);
  }

  /** Interrupts that have a handler or were ever taken, in irq order (for /proc/interrupts). */
  active(): IrqDesc[] {
    return [...this.descs.values()].filter((d) => d.actions.length > 0 || d.count > 0).sort((a, b) => a.irq - b.irq);
  }

  /** Whether we are running an interrupt handler (in_interrupt()). */
  get inIrq(): boolean {
    return this.inInterrupt;
  }

  requestIrq(irq: number, handler: IrqHandler, options: { name: string; dev: object; shared: boolean; symbol?: string }): void {
    const desc = this.descs.get(irq);
    if (!desc) throw new KernelError('EINVAL', `no irq ${irq}`);
    const sharing = desc.actions.length > 0;
    if (sharing && (!options.shared || desc.actions.some((a) => !a.shared))) {
      throw new KernelError('EBUSY', `irq ${irq} is taken and not shared`);
    }
    desc.actions.push({
      handler,
      name: options.name,
      symbol: options.symbol ?? options.name,
      dev: options.dev,
      shared: options.shared,
    });
    if (!sharing) {
      desc.disabled = false;
      desc.irqCount = desc.unhandled = 0;
    }
    this.queueDelivery();
  }

  freeIrq(irq: number, dev: object): void {
    const desc = this.descs.get(irq);
    const i = desc?.actions.findIndex((a) => a.dev === dev) ?? -1;
    if (!desc || i < 0) {
      this.log.warn(`Trying to free already-free IRQ ${irq}`);
      return;
    }
    desc.actions.splice(i, 1);
  }

  disableIrq(irq: number): void {
    const desc = this.descs.get(irq);
    if (desc) desc.disabled = true;
  }

  enableIrq(irq: number): void {
    const desc = this.descs.get(irq);
    if (!desc) return;
    desc.disabled = false;
    this.queueDelivery();
  }

  /** An MSI irq and the message that raises it (address 0xfee00000 | APIC 0, data 0x4000 | vector). */
  allocateMsi(hwirq: number): MsiAllocation {
    const irq = this.nextIrq++;
    const vector = this.nextVector++;
    const desc = new IrqDesc(irq, 'PCI-MSI', hwirq, 'edge', vector);
    this.descs.set(irq, desc);
    this.byVector.set(vector, desc);
    return { irq, address: this.platform.board.msiAddressBase, data: 0x4000 | vector };
  }

  freeMsi(irq: number): void {
    const desc = this.descs.get(irq);
    if (!desc || desc.chip !== 'PCI-MSI') return;
    this.descs.delete(irq);
    this.byVector.delete(desc.vector);
  }

  /**
   * Take pending interrupts now. Called after every access the CPU makes (an instruction boundary) and
   * whenever an interrupt arrives while guest code is not running.
   */
  poll(): void {
    if (this.inInterrupt || this.stopped || !this.cpu.running) return;
    for (let taken = 0; taken < DELIVERY_SLICE; taken++) {
      const desc = this.nextPending();
      if (!desc) return;
      this.take(desc);
    }
    // Still more: an interrupt storm. Give the host a turn (UI, Ctrl-C) and carry on.
    this.continuation ??= setImmediate(() => {
      this.continuation = undefined;
      this.poll();
    });
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribe) u();
    if (this.continuation) clearImmediate(this.continuation);
  }

  private queueDelivery(): void {
    if (this.deliveryQueued) return;
    this.deliveryQueued = true;
    queueMicrotask(() => {
      this.deliveryQueued = false;
      this.poll();
    });
  }

  private msiArrived(message: MsiMessageIn): void {
    const desc = this.byVector.get(message.data & 0xff);
    if (!desc) {
      this.log.warn(`spurious APIC interrupt through vector ${(message.data & 0xff).toString(16)} on CPU#0, should never happen.`);
      return;
    }
    desc.latched = true;
    this.queueDelivery();
  }

  private nextPending(): IrqDesc | undefined {
    for (const desc of this.byVector.values()) if (desc.latched && !desc.disabled) return desc;
    for (let gsi = 0; gsi < LEGACY_LINES; gsi++) {
      const desc = this.descs.get(gsi)!;
      // A line nobody requested stays masked at the IO-APIC.
      if (desc.actions.length > 0 && !desc.disabled && this.platform.lineLevel(gsi)) return desc;
    }
    return undefined;
  }

  private take(desc: IrqDesc): void {
    const trace = this.platform.trace;
    this.inInterrupt = true;
    desc.latched = false;
    desc.count++;
    trace.event(EventKind.HandlerEnter, desc.irq, desc.hwirq);
    let handled = false;
    try {
      for (const action of desc.actions) {
        try {
          if (action.handler(desc.irq) === IrqReturn.Handled) handled = true;
        } catch (error) {
          this.log.err(`BUG: irq handler ${action.name} for irq ${desc.irq} failed: ${(error as Error).message}`);
        }
      }
    } finally {
      trace.event(EventKind.HandlerExit, desc.irq, handled ? 1 : 0);
      this.inInterrupt = false;
    }
    this.noteInterrupt(desc, handled);
  }

  /** Linux's note_interrupt(): a line whose interrupts nobody handles gets disabled. */
  private noteInterrupt(desc: IrqDesc, handled: boolean): void {
    if (!handled) {
      const now = this.platform.now();
      desc.unhandled = now - desc.lastUnhandledNs > UNHANDLED_GAP_NS ? 1 : desc.unhandled + 1;
      desc.lastUnhandledNs = now;
    }
    if (++desc.irqCount < SPURIOUS_WINDOW) return;
    desc.irqCount = 0;
    if (desc.unhandled > SPURIOUS_LIMIT) this.nobodyCared(desc);
    desc.unhandled = 0;
  }

  private nobodyCared(desc: IrqDesc): void {
    this.log.err(`irq ${desc.irq}: nobody cared (try booting with the "irqpoll" option)`);
    this.log.warn('CPU: 0 PID: 0 Comm: swapper/0 Not tainted 6.1.0-edu-lab #1');
    this.log.warn('Call Trace:');
    this.log.warn(' <IRQ>');
    this.log.warn(' __report_bad_irq+0x35/0xa6');
    this.log.warn(' note_interrupt.cold+0xb/0x69');
    this.log.warn(' handle_irq_event+0x71/0x80');
    this.log.warn(' handle_fasteoi_irq+0x8b/0x1e0');
    this.log.warn(' </IRQ>');
    this.log.err('handlers:');
    for (const action of desc.actions) this.log.err(`[<00000000deadbeef>] ${action.symbol}`);
    this.log.err(`Disabling IRQ #${desc.irq}`);
    desc.disabled = true;
    this.platform.trace.event(EventKind.IrqDisabled, desc.irq, 0);
  }
}
