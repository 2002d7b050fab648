import type { WorkerOptions } from 'node:worker_threads';
import { MSI_ADDRESS_BASE } from '../../common/pci';
import { EventKind, Source } from '../../common/trace/schema';
import { monotonicHostClock, type HostClock } from './clock/host-clock';
import type { HostWaker } from './clock/host-waker';
import { TimerQueue } from './clock/timer-queue';
import { VirtualClock } from './clock/virtual-clock';
import type { WorkerFactory } from './device-host';
import { DeviceLog, type DeviceLogChannel } from './device-log';
import { EduDevice } from './devices/edu/edu-device';
import type { EduProfileName } from './devices/edu/edu-profiles';
import { IoApic } from './interrupts/ioapic';
import { createMsiWindow, type MsiListener } from './interrupts/msi-window';
import { IoPortSpace } from './io/port-space';
import { AddressSpace } from './memory/address-space';
import { GuestRam } from './memory/guest-ram';
import { ConfigMechanism1, HostBridge } from './pci/host-bridge';
import { PciBus, pcIntxRouting } from './pci/pci-bus';
import type { PciDevice } from './pci/pci-device';
import type { BoardInfo, GuestPlatform, RunState } from './platform';
import { Tracer } from './trace';

export const DEFAULT_RAM_SIZE = 256 * 1024 * 1024;
/** Where QEMU's pc machine puts edu with `-device edu,addr=04.0`. */
export const EDU_SLOT = 4;
export const HOST_BRIDGE_SLOT = 0;

export type MachineState = RunState;

/**
 * What firmware knows of this board. The 32-bit PCI memory window ends where QEMU's default pc would
 * have put the standard VGA's registers (0xfeb00000-0xfebfffff), so edu's BAR lands at 0xfea00000 as
 * it does on a default QEMU pc.
 */
export const BOARD: BoardInfo = {
  intxRoute: pcIntxRouting,
  pciMmioWindow: { start: 0xe0000000, end: 0xfeb00000 },
  msiAddressBase: MSI_ADDRESS_BASE,
};

export interface MachineOptions {
  /** Device threads' workers by name; edu needs 'edu-fact'. */
  readonly workers: Readonly<Record<string, WorkerFactory>>;
  readonly ramSize?: number;
  readonly profile?: EduProfileName;
  readonly dmaMask?: bigint;
  /** Idle time warps to the next deadline; virtual time never follows the host. */
  readonly deterministic?: boolean;
  /** Create the machine paused (the clock stands still until resume()). */
  readonly paused?: boolean;
  readonly hostClock?: HostClock;
  /** Replaces the high-resolution host waker (tests). */
  readonly waker?: HostWaker;
}

export type MachineListener = (event: 'state' | 'reset') => void;

const LOG_CHANNEL_ADDR: Readonly<Record<DeviceLogChannel, number>> = { 'guest-error': 0, stdout: 1, stderr: 2 };

/**
 * A small PC: RAM, an I/O port space, PCI bus 0 with a host bridge at 00:00.0 and the edu device at
 * 00:04.0, an IO-APIC and the MSI window, all driven by one virtual clock. This is the whole hardware;
 * software (firmware, kernel, tools) reaches it through the CPU's view: ports, memory, interrupts.
 */
export class Machine {
  readonly trace = new Tracer();
  readonly clock: VirtualClock;
  readonly timers: TimerQueue;
  readonly log: DeviceLog;
  readonly ram: GuestRam;
  readonly memory: AddressSpace;
  readonly io = new IoPortSpace();
  readonly ioapic: IoApic;
  readonly pci: PciBus;
  readonly hostBridge = new HostBridge();
  readonly edu: EduDevice;
  private machineState: MachineState;
  private readonly listeners = new Set<MachineListener>();
  private readonly msiListeners = new Set<MsiListener>();
  private destroying: Promise<void> | undefined;
  private guestPlatform: GuestPlatform | undefined;

  private constructor(private readonly options: MachineOptions) {
    this.clock = new VirtualClock(options.hostClock ?? monotonicHostClock);
    this.timers = new TimerQueue(this.clock, this.trace, options.waker ? { waker: options.waker } : {});
    this.log = new DeviceLog(() => this.clock.now());
    this.log.onLine((line) => {
      if (line.channel !== 'stderr') this.trace.text(EventKind.GuestError, Source.Device, LOG_CHANNEL_ADDR[line.channel], line.text);
    });
    this.ram = new GuestRam(options.ramSize ?? DEFAULT_RAM_SIZE);
    this.memory = new AddressSpace('system', this.ram);
    this.memory.map(MSI_ADDRESS_BASE, createMsiWindow(MSI_ADDRESS_BASE, (m) => this.msiListeners.forEach((l) => l(m))));
    this.ioapic = new IoApic(this.trace);
    this.pci = new PciBus(this.memory, this.ioapic, this.trace);
    new ConfigMechanism1(this.pci).install(this.io);
    this.edu = new EduDevice({ profile: options.profile, dmaMask: options.dmaMask });
    this.clock.setDeterministic(options.deterministic ?? false);
    this.machineState = 'paused';
  }

  /** Build the machine and realize its devices (the factorial thread is running when this resolves). */
  static async create(options: MachineOptions): Promise<Machine> {
    const machine = new Machine(options);
    try {
      await machine.plug(machine.hostBridge, HOST_BRIDGE_SLOT);
      await machine.plug(machine.edu, EDU_SLOT);
    } catch (error) {
      await machine.destroy();
      throw error;
    }
    if (!options.paused) machine.resume();
    return machine;
  }

  get state(): MachineState {
    return this.machineState;
  }

  // ---- run control ----------------------------------------------------------------------------------

  pause(): void {
    if (this.machineState !== 'running') return;
    this.clock.pause();
    this.trace.event(EventKind.ClockPause, Source.Machine, 0, 0, 0, 0);
    this.setState('paused');
  }

  resume(): void {
    this.assertUsable();
    if (this.machineState === 'running') return;
    this.clock.resume();
    this.trace.event(EventKind.ClockResume, Source.Machine, 0, 0, 0, 0);
    this.setState('running');
  }

  /** While paused: advance virtual time to the next timer deadline and fire it. */
  step(): number | undefined {
    this.assertUsable();
    if (this.machineState === 'running' && !this.clock.deterministic) throw new Error('pause the machine before stepping');
    const before = this.clock.now();
    const to = this.timers.step();
    if (to !== undefined) this.trace.eventWide(EventKind.ClockStep, Source.Machine, 0, 0, to - before);
    return to;
  }

  setSpeed(speed: number): void {
    this.clock.setSpeed(speed);
    this.trace.event(EventKind.ClockSpeed, Source.Machine, 0, 0, 0, Math.round(speed * 1e6));
  }

  setDeterministic(on: boolean): void {
    this.clock.setDeterministic(on);
    this.trace.event(EventKind.ClockMode, Source.Machine, 0, 0, 0, on ? 1 : 0);
  }

  /**
   * System reset with QEMU's semantics: every PCI function's configuration state goes back to
   * power-on (command, BARs, MSI, INTx) but device registers, the DMA buffer and a running factorial
   * are kept. After a hardware error the machine is restarted instead, with fresh device registers,
   * as QEMU itself would have exited.
   */
  reset(): void {
    if (this.machineState === 'destroyed') throw new Error('the machine has been destroyed');
    const restart = this.machineState === 'aborted';
    this.pci.reset();
    if (restart) this.edu.powerOnReset();
    this.trace.event(EventKind.MachineReset, Source.Machine, 0, 0, 0, restart ? 1 : 0);
    this.listeners.forEach((l) => l('reset'));
    if (restart) {
      this.machineState = 'paused';
      this.resume();
    }
  }

  /** A device's fatal error: the machine stops, as QEMU's hw_error() aborts the process. */
  hwError(message: string): void {
    if (this.machineState === 'aborted' || this.machineState === 'destroyed') return;
    const line = `qemu: hardware error: ${message}`;
    this.log.write('stderr', line);
    this.trace.text(EventKind.MachineAbort, Source.Machine, 0, line);
    this.clock.pause();
    this.setState('aborted');
  }

  /** Stop the factorial thread, cancel timers, release everything. Every call waits for the same teardown. */
  destroy(): Promise<void> {
    this.destroying ??= this.teardown();
    return this.destroying;
  }

  private async teardown(): Promise<void> {
    this.clock.pause();
    this.setState('destroyed');
    this.timers.dispose();
    // Devices that were realized but never plugged (a failed create) are torn down too.
    for (const device of [this.hostBridge, this.edu]) await device.unrealize();
    this.listeners.clear();
    this.msiListeners.clear();
  }

  /** The CPU's view of this machine, for guest software. */
  get platform(): GuestPlatform {
    this.guestPlatform ??= this.createPlatform();
    return this.guestPlatform;
  }

  onChange(listener: MachineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** MSI messages that reach the APIC window (the guest's interrupt entry listens here). */
  onMsi(listener: MsiListener): () => void {
    this.msiListeners.add(listener);
    return () => this.msiListeners.delete(listener);
  }

  private async plug(device: PciDevice, slot: number): Promise<void> {
    await device.realize({
      clock: this.clock,
      timers: this.timers,
      trace: this.trace,
      log: this.log,
      hwError: (message) => this.hwError(message),
      spawnWorker: (thread: string, options?: WorkerOptions) => {
        const factory = this.options.workers[thread];
        if (!factory) throw new Error(`no worker registered for device thread '${thread}'`);
        return factory(options);
      },
    });
    this.pci.plug(device, slot);
  }

  private createPlatform(): GuestPlatform {
    const machine = this;
    const trace = this.trace;
    return {
      io: this.io,
      memory: this.memory,
      ramSize: this.ram.size,
      now: () => this.clock.now(),
      createTimer: (name, callback) => this.timers.create(name, callback),
      setCpuIdle: (idle) => this.timers.setCpuIdle(idle),
      onLineChange: (listener) => this.ioapic.onChange(listener),
      lineLevel: (gsi) => this.ioapic.level(gsi),
      onMsi: (listener) => this.onMsi(listener),
      get runState() {
        return machine.state;
      },
      onRunStateChange: (listener) => this.onChange((event) => event === 'state' && listener(this.state)),
      onReset: (listener) => this.onChange((event) => event === 'reset' && listener()),
      // A reset request is served by the main loop, after the instruction that asked for it.
      requestReset: () => setImmediate(() => this.state !== 'destroyed' && this.reset()),
      board: BOARD,
      trace: {
        event: (kind, addr, value) => trace.eventWide(kind, Source.Guest, addr, 0, value),
        text: (kind, addr, text) => trace.text(kind, Source.Guest, addr, text),
        begin: () => trace.begin(),
        end: () => trace.end(),
      },
    };
  }

  private assertUsable(): void {
    if (this.machineState === 'aborted') throw new Error('the machine stopped on a hardware error: reset it first');
    if (this.machineState === 'destroyed') throw new Error('the machine has been destroyed');
  }

  private setState(state: MachineState): void {
    this.machineState = state;
    this.listeners.forEach((l) => l('state'));
  }
}
