import type { ReplayInfo } from '../../common/api/session';
import {
  LabError,
  MAX_EVENTS_PER_CALL,
  validateCall,
  type DriverParams,
  type LabApi,
  type LabArgs,
  type LabResults,
} from '../../common/api/lab-api';
import { Source } from '../../common/trace/schema';
import { KernelError } from '../guest/kernel/errors';
import type { ModuleLoader } from '../guest/kernel/modules';
import { EDU_SLOT } from '../machine/machine';
import type { NarrowSize } from '../machine/memory/region';
import { importJsonl, SessionImportError } from '../session/import';
import type { Lab } from './lab';
import { clockState, driverStatus, encodeBase64, eventBatch, hex, machineStatus, snapshot } from './state';

const MODULE = 'edu';

/** Calls that act on the live machine or guest: refused while a recorded session is replayed. */
const LIVE_ONLY: ReadonlySet<string> = new Set([
  'consoleInput', 'readRegister', 'writeRegister', 'readConfig', 'writeConfig', 'clockRun', 'clockPause', 'clockStep',
  'clockSetSpeed', 'clockSetDeterministic', 'machineReset', 'machineSetProfile', 'machineSetDmaMask', 'machineSetFactDelay',
  'driverLoad', 'driverUnload', 'readMemory',
]);
/** Firmware and kernel boot in microseconds; this only catches a guest that never comes back. */
const REBOOT_TIMEOUT_MS = 10_000;

/**
 * The LabApi, implemented on one Lab. Hosts hand it untrusted calls through `call()`, which checks them
 * against the contract first: a bad call gets a LabError and changes nothing.
 */
export class LabService implements LabApi {
  private driverBusy = false;
  /** Resets whose guest reboot has not finished yet. */
  private rebooting = 0;

  constructor(private readonly lab: Lab) {}

  /** Validate and run one call from a window. Always resolves to the result or rejects with a LabError. */
  async call(method: unknown, args: unknown): Promise<unknown> {
    const checked = validateCall(method, args);
    if (this.lab.replay && LIVE_ONLY.has(checked.method)) {
      throw new LabError('read-only', `${checked.method}: a recorded session is shown (replay, read-only); close it to use the live lab`);
    }
    try {
      const fn = this[checked.method] as (...a: unknown[]) => Promise<unknown>;
      return await fn.apply(this, checked.args as unknown as unknown[]);
    } catch (error) {
      if (error instanceof LabError) throw error;
      throw new LabError('internal', `${checked.method} failed: ${(error as Error).message}`);
    }
  }

  // ---- console ----------------------------------------------------------------------------------

  async consoleInput(data: string): Promise<void> {
    this.lab.guest.console.input(new TextEncoder().encode(data));
  }

  async consoleResize(cols: number, rows: number): Promise<void> {
    this.lab.guest.console.resize(cols, rows);
  }

  // ---- the device's registers, as the UI's probe sees them (straight to the device, not via the bus) ---

  async readRegister(...[offset, size]: LabArgs<'readRegister'>): Promise<LabResults['readRegister']> {
    this.checkInside(offset, size, 'BAR0');
    const region = this.bar0();
    return hex(size === 8 ? region.read64(offset, Source.Ui) : region.read(offset, size, Source.Ui));
  }

  async writeRegister(...[offset, size, value]: LabArgs<'writeRegister'>): Promise<void> {
    this.checkInside(offset, size, 'BAR0');
    const v = BigInt(value);
    if (v >> BigInt(8 * size) !== 0n) throw new LabError('bad-request', `${value} does not fit in ${size} byte${size > 1 ? 's' : ''}`);
    const region = this.bar0();
    if (size === 8) region.write64(offset, v, Source.Ui);
    else region.write(offset, size, Number(v), Source.Ui);
  }

  // ---- configuration space of 00:04.0 -------------------------------------------------------------

  async readConfig(...[offset, size]: LabArgs<'readConfig'>): Promise<number> {
    this.checkConfig(offset, size);
    return this.lab.machine.pci.configRead(EDU_SLOT, 0, offset, size, Source.Ui);
  }

  async writeConfig(...[offset, size, value]: LabArgs<'writeConfig'>): Promise<void> {
    this.checkConfig(offset, size);
    if (size < 4 && value >= 2 ** (8 * size)) throw new LabError('bad-request', `0x${value.toString(16)} does not fit in ${size} byte${size > 1 ? 's' : ''}`);
    this.lab.machine.pci.configWrite(EDU_SLOT, 0, offset, size, value, Source.Ui);
  }

  // ---- clock -------------------------------------------------------------------------------------

  async clockRun(): Promise<LabResults['clockRun']> {
    this.notAborted();
    this.lab.machine.resume();
    return clockState(this.lab);
  }

  async clockPause(): Promise<LabResults['clockPause']> {
    this.lab.machine.pause();
    return clockState(this.lab);
  }

  async clockStep(): Promise<LabResults['clockStep']> {
    this.notAborted();
    const m = this.lab.machine;
    if (m.state === 'running' && !m.clock.deterministic) throw new LabError('busy', 'pause the clock before stepping');
    if (m.timers.nextDeadline() === undefined) throw new LabError('failed', 'no timer is pending: nothing to step to');
    m.step();
    return clockState(this.lab);
  }

  async clockSetSpeed(...[speed]: LabArgs<'clockSetSpeed'>): Promise<LabResults['clockSetSpeed']> {
    this.lab.machine.setSpeed(speed);
    return clockState(this.lab);
  }

  async clockSetDeterministic(...[on]: LabArgs<'clockSetDeterministic'>): Promise<LabResults['clockSetDeterministic']> {
    this.lab.machine.setDeterministic(on);
    return clockState(this.lab);
  }

  // ---- machine -------------------------------------------------------------------------------------

  async machineReset(): Promise<LabResults['machineReset']> {
    const guest = this.lab.guest;
    const before = guest.running ? guest.kernel : undefined;
    this.rebooting++;
    try {
      this.lab.machine.reset();
      // The guest reboots on the reset, a few microtasks later. Answer once it has: a caller that waits
      // for the answer finds the guest up, and a driver call that arrives before it gets 'busy' instead
      // of running on the kernel about to be shut down.
      await until(() => guest.running && guest.kernel !== before, REBOOT_TIMEOUT_MS, 'the guest did not boot again after the reset');
    } finally {
      this.rebooting--;
    }
    return machineStatus(this.lab);
  }

  async machineSetProfile(...[name]: LabArgs<'machineSetProfile'>): Promise<LabResults['machineSetProfile']> {
    this.lab.machine.edu.setProfile(name);
    return machineStatus(this.lab);
  }

  async machineSetDmaMask(...[mask]: LabArgs<'machineSetDmaMask'>): Promise<LabResults['machineSetDmaMask']> {
    this.lab.machine.edu.setDmaMask(BigInt(mask));
    return machineStatus(this.lab);
  }

  async machineSetFactDelay(...[ms]: LabArgs<'machineSetFactDelay'>): Promise<LabResults['machineSetFactDelay']> {
    this.lab.machine.edu.setFactDelayMs(ms);
    return machineStatus(this.lab);
  }

  // ---- the guest's driver ---------------------------------------------------------------------------

  /** modprobe edu with these parameters (reloading it if it is loaded). */
  async driverLoad(...[params]: LabArgs<'driverLoad'>): Promise<LabResults['driverLoad']> {
    return this.withDriver(async (modules) => {
      if (modules.isLoaded(MODULE)) await modules.unload(MODULE);
      await modules.load(MODULE, moduleArgs(params));
    });
  }

  async driverUnload(): Promise<LabResults['driverUnload']> {
    return this.withDriver(async (modules) => {
      if (modules.isLoaded(MODULE)) await modules.unload(MODULE);
    });
  }

  // ---- state ---------------------------------------------------------------------------------------

  async getSnapshot(): Promise<LabResults['getSnapshot']> {
    return snapshot(this.lab);
  }

  async getEvents(...[from, to]: LabArgs<'getEvents'>): Promise<LabResults['getEvents']> {
    if (to < from) throw new LabError('bad-request', `the range ends (${to}) before it starts (${from})`);
    if (to - from > MAX_EVENTS_PER_CALL) throw new LabError('too-large', `at most ${MAX_EVENTS_PER_CALL} events per call`);
    const r = this.lab.events();
    return eventBatch(this.lab, Math.max(from, r.firstSeq), Math.min(to, r.recorded));
  }

  async readMemory(...[addr, length]: LabArgs<'readMemory'>): Promise<LabResults['readMemory']> {
    return encodeBase64(this.lab.machine.memory.readBytes(BigInt(addr), length, Source.Ui));
  }

  // ---- sessions: export, import, replay ----------------------------------------------------------------

  async sessionExport(...[request]: LabArgs<'sessionExport'>): Promise<LabResults['sessionExport']> {
    return this.lab.exports.start(request);
  }

  async sessionExportCancel(...[id]: LabArgs<'sessionExportCancel'>): Promise<LabResults['sessionExportCancel']> {
    return this.lab.exports.cancel(id);
  }

  async sessionImportBegin(...[name, size]: LabArgs<'sessionImportBegin'>): Promise<number> {
    return this.lab.uploads.begin(name, size);
  }

  async sessionImportChunk(...[id, base64]: LabArgs<'sessionImportChunk'>): Promise<number> {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) throw new LabError('bad-request', 'a chunk must be base64');
    return this.lab.uploads.chunk(id, base64);
  }

  async sessionImportEnd(...[id]: LabArgs<'sessionImportEnd'>): Promise<ReplayInfo> {
    const { path, name } = await this.lab.uploads.finish(id);
    try {
      return await openReplayFile(this.lab, path, name);
    } finally {
      await this.lab.uploads.discard(path);
    }
  }

  async sessionImportAbort(...[id]: LabArgs<'sessionImportAbort'>): Promise<void> {
    await this.lab.uploads.abort(id);
  }

  async replayStateAt(...[vns]: LabArgs<'replayStateAt'>): Promise<LabResults['replayStateAt']> {
    const replay = this.lab.replay;
    if (!replay) throw new LabError('failed', 'no recorded session is open');
    return replay.stateAt(vns);
  }

  async replayClose(): Promise<void> {
    this.lab.closeReplay();
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private bar0() {
    return this.lab.machine.edu.barRegion(0)!;
  }

  private checkInside(offset: number, size: number, what: string): void {
    const limit = this.bar0().size;
    if (offset + size > limit) throw new LabError('bad-request', `${size} bytes at 0x${offset.toString(16)} run past the end of ${what}`);
  }

  private checkConfig(offset: number, size: NarrowSize): void {
    if (offset % size !== 0) throw new LabError('bad-request', `a ${size}-byte config access must be aligned (0x${offset.toString(16)} is not)`);
    if (offset + size > 256) throw new LabError('bad-request', `${size} bytes at 0x${offset.toString(16)} run past config space`);
  }

  private notAborted(): void {
    if (this.lab.machine.state === 'aborted') throw new LabError('machine-stopped', 'the machine stopped on a hardware error: reset it first');
  }

  private async withDriver(work: (modules: ModuleLoader) => Promise<void>): Promise<LabResults['driverLoad']> {
    this.notAborted();
    if (this.rebooting > 0 || !this.lab.guest.running) throw new LabError('busy', 'the guest is rebooting');
    if (this.driverBusy) throw new LabError('busy', 'the driver is already being loaded or unloaded');
    this.driverBusy = true;
    try {
      await work(this.lab.guest.kernel.modules);
    } catch (error) {
      if (error instanceof KernelError) throw new LabError('failed', `modprobe ${MODULE}: ${error.message} (see dmesg)`);
      throw error;
    } finally {
      this.driverBusy = false;
    }
    return driverStatus(this.lab);
  }
}

/**
 * Import a session file and show it in place of the live lab. A file that is not a valid session gets
 * LabError('failed') whose message names the line; nothing in it runs.
 */
export async function openReplayFile(lab: Lab, path: string, name: string, options: { allowTruncatedTail?: boolean } = {}): Promise<ReplayInfo> {
  try {
    const session = await importJsonl(path, options);
    return lab.openReplay(session, name).info;
  } catch (error) {
    if (error instanceof SessionImportError) throw new LabError('failed', `${name}: ${error.message}`);
    throw new LabError('failed', `${name}: ${(error as Error).message}`);
  }
}

function moduleArgs(p: DriverParams): string[] {
  const flags: [keyof DriverParams, string][] = [['useMsi', 'use_msi'], ['noMaster', 'no_master'], ['noAck', 'no_ack'], ['noMask', 'no_mask']];
  return flags.filter(([key]) => p[key]).map(([, name]) => `${name}=1`);
}

/** Resolve once `done()` holds, checked on every turn of the event loop; LabError('internal') after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs: number, failure: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new LabError('internal', failure);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
