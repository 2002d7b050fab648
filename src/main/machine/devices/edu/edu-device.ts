import {
  EDU_BAR0_SIZE,
  EDU_CLASS_CODE,
  EDU_DEFAULT_DMA_MASK,
  EDU_DEVICE_ID,
  EDU_DMA_BUF_ADDR,
  EDU_DMA_BUF_SIZE,
  EDU_DMA_DELAY_MS,
  EDU_DMA_REGS_START,
  EDU_ID,
  EDU_REVISION,
  EDU_SUBSYSTEM_ID,
  EDU_SUBSYSTEM_VENDOR_ID,
  EDU_VENDOR_ID,
  EduDmaCmd,
  EduIrq,
  EduReg,
  EduStatus,
} from '../../../../common/edu/datasheet';
import { EventFlag, EventKind, Source } from '../../../../common/trace/schema';
import type { Timer } from '../../clock/timer-queue';
import { allOnes, MmioRegion, type NarrowSize } from '../../memory/region';
import { PciDevice } from '../../pci/pci-device';
import { dmaRangeMessage, EDU_PROFILES, type EduProfile, type EduProfileName } from './edu-profiles';
import type { FactDone } from './fact-shared';
import { FactThread } from './fact-thread';

const ALL_ONES_64 = (1n << 64n) - 1n;
const MSI_CAP_OFFSET = 0x40;
const BUF_START = BigInt(EDU_DMA_BUF_ADDR);

function low32(v: bigint): number {
  return Number(v & 0xffffffffn);
}

/** The DMA engine's registers (all 64-bit). */
export interface DmaRegisters {
  src: bigint;
  dst: bigint;
  cnt: bigint;
  cmd: bigint;
}

/** Everything a viewer may want to know about the device at one instant. */
export interface EduSnapshot {
  readonly profile: EduProfileName;
  readonly liveness: number;
  readonly factorial: number;
  readonly status: number;
  readonly irqStatus: number;
  readonly dma: Readonly<DmaRegisters>;
  readonly dmaMask: bigint;
  /** Virtual time (ns) at which the pending transfer runs, if one is scheduled. */
  readonly dmaDeadline: number | undefined;
  readonly factDelayMs: number;
}

export interface EduOptions {
  readonly profile?: EduProfileName;
  readonly dmaMask?: bigint;
}

/**
 * QEMU's educational PCI device (hw/misc/edu.c, docs/specs/edu.rst), reimplemented from its
 * specification: an ID and liveness register, a factorial computed on a device thread, interrupt
 * raise/acknowledge over INTx or MSI, and a DMA engine that moves up to 4 KiB between guest RAM and
 * an internal buffer 100 ms of virtual time after it is started.
 */
export class EduDevice extends PciDevice {
  // ---- state (EduState) -------------------------------------------------------------------------
  private liveness = 0;
  private irqStatus = 0;
  private readonly dma: DmaRegisters = { src: 0n, dst: 0n, cnt: 0n, cmd: 0n };
  private readonly dmaBuffer = new Uint8Array(EDU_DMA_BUF_SIZE);
  private dmaMask: bigint;
  private profile: EduProfile;
  /** Status and factorial registers live in memory shared with the thread. */
  private readonly fact = new FactThread({
    done: (report) => this.factDone(report),
    failed: (error) => this.host.hwError(`EDU: factorial thread died: ${error.message}`),
  });
  /** Holds deterministic time warps while the thread computes. */
  private factHold: (() => void) | undefined;
  /** Computations handed to the thread whose report has not arrived yet. */
  private factInFlight = 0;
  private dmaTimer!: Timer;
  private mmio!: MmioRegion;

  constructor(options: EduOptions = {}) {
    super('edu', {
      vendorId: EDU_VENDOR_ID,
      deviceId: EDU_DEVICE_ID,
      revision: EDU_REVISION,
      classCode: EDU_CLASS_CODE,
      subsystemVendorId: EDU_SUBSYSTEM_VENDOR_ID,
      subsystemId: EDU_SUBSYSTEM_ID,
      interruptPin: 1,
    });
    this.profile = EDU_PROFILES[options.profile ?? 'upstream'];
    this.dmaMask = options.dmaMask ?? EDU_DEFAULT_DMA_MASK;
  }

  // ---- realize / unrealize ------------------------------------------------------------------------

  protected async onRealize(): Promise<void> {
    this.msiInit(MSI_CAP_OFFSET);
    this.dmaTimer = this.host.timers.create('edu-dma', () => this.dmaTimerFired());
    this.mmio = new MmioRegion(
      'edu-mmio',
      EDU_BAR0_SIZE,
      {
        read: (offset, size) => this.mmioRead(offset, size),
        write: (offset, size, value, source) => this.mmioWrite(offset, size, value, source),
        read64: (offset) => this.mmioRead64(offset),
        write64: (offset, value, source) => this.mmioWrite64(offset, value, source),
      },
      this.profile.mmioRules,
      this.host.trace,
    );
    this.registerBar(0, this.mmio);
    await this.fact.start((options) => this.host.spawnWorker('edu-fact', options));
  }

  protected async onUnrealize(): Promise<void> {
    this.dmaTimer.del();
    this.releaseFactHold();
    await this.fact.stop();
  }

  // ---- MMIO handlers ------------------------------------------------------------------------------

  private mmioRead(offset: number, size: NarrowSize): number {
    // Only dword accesses reach registers (older releases let 1- and 2-byte reads get this far).
    if (size !== 4) return allOnes(size);
    switch (offset) {
      case EduReg.Id:
        return EDU_ID;
      case EduReg.Liveness:
        return this.liveness;
      case EduReg.Factorial:
        return this.fact.value;
      case EduReg.Status:
        return this.fact.status;
      case EduReg.IrqStatus:
        return this.irqStatus;
      case EduReg.DmaSrc:
      case EduReg.DmaDst:
      case EduReg.DmaCount:
      case EduReg.DmaCmd:
        return low32(this.dmaRegister(offset));
      default:
        return 0xffffffff;
    }
  }

  private mmioRead64(offset: number): bigint {
    switch (offset) {
      case EduReg.DmaSrc:
      case EduReg.DmaDst:
      case EduReg.DmaCount:
      case EduReg.DmaCmd:
        return this.dmaRegister(offset);
      default:
        return ALL_ONES_64;
    }
  }

  private mmioWrite(offset: number, size: NarrowSize, value: number, source: Source): void {
    if (size !== 4) return this.ignored();
    switch (offset) {
      case EduReg.Liveness:
        this.liveness = ~value >>> 0;
        this.registerChanged(EduReg.Liveness, this.liveness, source);
        break;
      case EduReg.Factorial:
        this.startFactorial(value, source);
        break;
      case EduReg.Status:
        this.writeStatus(value, source);
        break;
      case EduReg.IrqRaise:
        this.raiseIrq(value, source);
        break;
      case EduReg.IrqAck:
        this.lowerIrq(value, source);
        break;
      case EduReg.DmaSrc:
      case EduReg.DmaDst:
      case EduReg.DmaCount:
      case EduReg.DmaCmd:
        // A dword write stores the value zero-extended: the high half becomes 0.
        this.writeDmaRegister(offset, BigInt(value >>> 0), source);
        break;
      default:
        this.ignored(); // read-only or nothing there
    }
  }

  /** The write being handled changes nothing: the trace says so (a learner sees the dropped write). */
  private ignored(): void {
    this.host.trace.flagLast(EventFlag.Ignored);
  }

  private mmioWrite64(offset: number, value: bigint, source: Source): void {
    // Below 0x80 only dword accesses act; above, the DMA registers take all 64 bits.
    if (offset < EDU_DMA_REGS_START) return this.ignored();
    switch (offset) {
      case EduReg.DmaSrc:
      case EduReg.DmaDst:
      case EduReg.DmaCount:
      case EduReg.DmaCmd:
        this.writeDmaRegister(offset, value, source);
        break;
      default:
        this.ignored();
    }
  }

  // ---- factorial ----------------------------------------------------------------------------------

  private startFactorial(n: number, source: Source): void {
    if (!this.fact.submit(n)) return this.ignored(); // a second write while computing is dropped
    this.factInFlight++;
    this.factHold ??= this.host.timers.hold();
    this.host.trace.event(EventKind.FactStart, source, EduReg.Factorial, 4, 0, n);
    this.registerChanged(EduReg.Factorial, n >>> 0, source);
    this.registerChanged(EduReg.Status, this.fact.status, source);
  }

  private factDone({ result, irq }: FactDone): void {
    const trace = this.host.trace;
    trace.begin();
    try {
      trace.event(EventKind.FactFinish, Source.Device, EduReg.Factorial, 4, irq ? EventFlag.IrqRequested : 0, result);
      this.registerChanged(EduReg.Factorial, result, Source.Device);
      this.registerChanged(EduReg.Status, this.fact.status, Source.Device);
      if (irq) this.raiseIrq(EduIrq.Fact, Source.Device);
    } finally {
      trace.end();
    }
    // COMPUTING clears on the thread before its report arrives here, so the guest may already have
    // started the next computation: only the last report lets time warp again.
    this.factInFlight = Math.max(0, this.factInFlight - 1);
    if (this.factInFlight === 0) this.releaseFactHold();
  }

  private releaseFactHold(): void {
    this.factInFlight = 0;
    const release = this.factHold;
    this.factHold = undefined;
    release?.();
  }

  private writeStatus(value: number, source: Source): void {
    // Only IRQFACT is writable; COMPUTING belongs to the thread.
    this.fact.setIrqFact((value & EduStatus.IrqFact) !== 0);
    this.registerChanged(EduReg.Status, this.fact.status, source);
  }

  // ---- interrupts ---------------------------------------------------------------------------------

  /** Raise: OR bits into the status and interrupt (one MSI message per raise, or INTx held high). */
  private raiseIrq(bits: number, source: Source): void {
    this.irqStatus = (this.irqStatus | bits) >>> 0;
    this.host.trace.event(EventKind.IrqRaise, source, this.irqStatus, 4, 0, bits);
    this.registerChanged(EduReg.IrqStatus, this.irqStatus, source);
    if (this.irqStatus === 0) return;
    if (this.msiEnabled) this.msiNotify(0);
    else this.setIrq(true);
  }

  /** Acknowledge: clear bits; INTx drops once nothing is pending. */
  private lowerIrq(bits: number, source: Source): void {
    this.irqStatus = (this.irqStatus & ~bits) >>> 0;
    this.host.trace.event(EventKind.IrqAck, source, this.irqStatus, 4, 0, bits);
    this.registerChanged(EduReg.IrqStatus, this.irqStatus, source);
    if (this.irqStatus === 0 && !this.msiEnabled) this.setIrq(false);
  }

  // ---- DMA engine ---------------------------------------------------------------------------------

  private dmaRegister(offset: number): bigint {
    switch (offset) {
      case EduReg.DmaSrc:
        return this.dma.src;
      case EduReg.DmaDst:
        return this.dma.dst;
      case EduReg.DmaCount:
        return this.dma.cnt;
      default:
        return this.dma.cmd;
    }
  }

  private get dmaRunning(): boolean {
    return (this.dma.cmd & BigInt(EduDmaCmd.Run)) !== 0n;
  }

  private writeDmaRegister(offset: number, value: bigint, source: Source): void {
    if (this.dmaRunning) return this.ignored(); // the engine is locked while a transfer is pending
    if (offset === EduReg.DmaCmd) {
      if (!(value & BigInt(EduDmaCmd.Run))) return this.ignored();
      this.dma.cmd = value;
      this.scheduleDma(source);
    } else if (offset === EduReg.DmaSrc) this.dma.src = value;
    else if (offset === EduReg.DmaDst) this.dma.dst = value;
    else this.dma.cnt = value;
    this.host.trace.event64(EventKind.DmaProgram, source, offset, 8, 0, value);
    this.host.trace.event64(EventKind.RegisterChange, source, offset, 8, 0, value);
  }

  /** The transfer runs at the next whole millisecond of virtual time plus 100 ms. */
  private scheduleDma(source: Source): void {
    const deadlineMs = Math.floor(this.host.clock.now() / 1e6) + EDU_DMA_DELAY_MS;
    this.dmaTimer.mod(deadlineMs * 1e6);
    this.host.trace.event64(EventKind.DmaStart, source, deadlineMs, 8, 0, this.dma.cmd);
  }

  private dmaTimerFired(): void {
    if (!this.dmaRunning) return;
    const { src, dst, cnt, cmd } = this.dma;
    const toRam = (cmd & BigInt(EduDmaCmd.ToRam)) !== 0n;
    const deviceSide = toRam ? src : dst;
    let flags = 0;
    if (!this.profile.dmaRangeOk(deviceSide, cnt)) {
      const message = dmaRangeMessage(deviceSide, cnt);
      this.host.trace.text(EventKind.DmaError, Source.Device, toRam ? EduReg.DmaSrc : EduReg.DmaDst, message);
      if (this.profile.dmaRangeError === 'abort') {
        this.host.hwError(message); // the machine stops here, RUN still set, as QEMU's abort leaves it
        return;
      }
      this.host.log.write('guest-error', message);
      flags |= EventFlag.OutOfRange;
    } else {
      flags |= this.copy(toRam, deviceSide - BUF_START, toRam ? dst : src, Number(cnt));
    }
    this.dma.cmd = cmd & ~BigInt(EduDmaCmd.Run);
    this.host.trace.eventWide(EventKind.DmaComplete, Source.Device, EduReg.DmaCmd, flags, flags & EventFlag.OutOfRange ? 0 : Number(cnt));
    this.registerChanged64(EduReg.DmaCmd, this.dma.cmd);
    if (cmd & BigInt(EduDmaCmd.Irq)) this.raiseIrq(EduIrq.Dma, Source.Device);
  }

  /** Move `count` bytes between the buffer (at `bufOffset`) and guest memory; returns event flags. */
  private copy(toRam: boolean, bufOffset: bigint, ramAddr: bigint, count: number): number {
    const at = Number(bufOffset);
    const addr = this.clamp(ramAddr);
    let flags = addr === ramAddr ? 0 : EventFlag.Clamped;
    if (!this.busMaster) flags |= EventFlag.NoMaster;
    if (toRam) this.dmaWrite(addr, this.dmaBuffer.slice(at, at + count));
    else this.dmaBuffer.set(this.dmaRead(addr, count), at);
    return flags;
  }

  private clamp(addr: bigint): bigint {
    const clamped = addr & this.dmaMask;
    if (clamped !== addr) this.host.log.write(this.profile.clampChannel, this.profile.clampMessage(addr, clamped));
    return clamped;
  }

  // ---- properties, profile, snapshot --------------------------------------------------------------

  get profileName(): EduProfileName {
    return this.profile.name;
  }

  setProfile(name: EduProfileName): void {
    this.profile = EDU_PROFILES[name];
    this.mmio.rules = this.profile.mmioRules;
    this.host.trace.text(EventKind.PropertyChange, Source.Machine, 0, `profile=${name}`);
  }

  /** QEMU's `dma_mask` property, settable at run time. */
  setDmaMask(mask: bigint): void {
    this.dmaMask = BigInt.asUintN(64, mask);
    this.host.trace.text(EventKind.PropertyChange, Source.Machine, 0, `dma_mask=0x${this.dmaMask.toString(16)}`);
  }

  /** Teaching knob (off by default): the thread sleeps up to this long before each computation. */
  setFactDelayMs(ms: number): void {
    this.fact.delayMs = ms;
    this.host.trace.text(EventKind.PropertyChange, Source.Machine, 0, `fact_delay_ms=${this.fact.delayMs}`);
  }

  snapshot(): EduSnapshot {
    return {
      profile: this.profile.name,
      liveness: this.liveness,
      factorial: this.fact.value,
      status: this.fact.status,
      irqStatus: this.irqStatus,
      dma: { ...this.dma },
      dmaMask: this.dmaMask,
      dmaDeadline: this.dmaTimer.deadline,
      factDelayMs: this.fact.delayMs,
    };
  }

  /** A copy of the internal DMA buffer (not visible through the BAR). */
  dmaBufferContents(): Uint8Array {
    return this.dmaBuffer.slice();
  }

  /**
   * Back to power-on register values, as after restarting QEMU. A system reset does not do this (edu
   * has no reset handler); the machine uses it when it is restarted after a hardware error.
   */
  powerOnReset(): void {
    this.dmaTimer.del();
    this.liveness = 0;
    this.irqStatus = 0;
    this.dma.src = this.dma.dst = this.dma.cnt = this.dma.cmd = 0n;
    this.dmaBuffer.fill(0);
    if (!this.fact.computing) this.fact.clearRegisters();
    this.setIrq(false);
  }

  private registerChanged(offset: number, value: number, source: Source): void {
    this.host.trace.event(EventKind.RegisterChange, source, offset, 4, 0, value);
  }

  private registerChanged64(offset: number, value: bigint): void {
    this.host.trace.event64(EventKind.RegisterChange, Source.Device, offset, 8, 0, value);
  }
}
