import { EventKind } from '../../common/trace/schema';
import type { GuestPlatform } from '../machine/platform';
import { SerialConsole } from './console';
import { firmwareBanner, runFirmware } from './firmware/bios';
import { Kernel } from './kernel/kernel';
import type { KernelModule } from './kernel/modules';
import { Shell, type ScriptIo } from './shell/shell';
import type { Tool } from './tools/tool';

export interface GuestOptions {
  /** The userland: commands the shell can run. */
  readonly tools: readonly Tool[];
  /** Loadable modules built for this kernel (drivers), created per boot. */
  readonly modules: readonly ((kernel: Kernel) => KernelModule)[];
  /** Run the interactive shell on the serial console (the desktop app); off for headless scripts. */
  readonly interactive?: boolean;
  /** The serial console to use, so a host can listen from the first byte the firmware prints. */
  readonly console?: SerialConsole;
}

/**
 * Everything that runs inside the VM: firmware, kernel, modules and the shell on ttyS0. It boots when
 * started and again after every machine reset, as a real guest would.
 */
export class Guest {
  readonly console: SerialConsole;
  private current: { kernel: Kernel; shell: Shell } | undefined;
  private booting: Promise<void> | undefined;
  private readonly unsubscribeReset: () => void;
  private stopped = false;

  private constructor(
    private readonly platform: GuestPlatform,
    private readonly options: GuestOptions,
  ) {
    this.console = options.console ?? new SerialConsole(platform.trace);
    this.unsubscribeReset = platform.onReset(() => void this.reboot());
  }

  static async start(platform: GuestPlatform, options: GuestOptions): Promise<Guest> {
    const guest = new Guest(platform, options);
    await guest.boot();
    return guest;
  }

  /** False between a machine reset and the end of the next boot. */
  get running(): boolean {
    return this.current !== undefined;
  }

  get kernel(): Kernel {
    if (!this.current) throw new Error('the guest is not running');
    return this.current.kernel;
  }

  get shell(): Shell {
    if (!this.current) throw new Error('the guest is not running');
    return this.current.shell;
  }

  /** Run a script the way `sh SCRIPT` would, on this guest, outside the interactive console. */
  runScript(text: string, io: ScriptIo): Promise<number> {
    return this.shell.runScript(text, io);
  }

  /** Stop the shell and the kernel (the machine itself is the caller's to destroy). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribeReset();
    await this.booting;
    this.halt();
  }

  private boot(): Promise<void> {
    this.booting = (async () => {
      const platform = this.platform;
      platform.trace.event(EventKind.GuestBoot, 0, 0);
      const devices = runFirmware(platform);
      for (const line of firmwareBanner(devices)) this.console.write(line + '\r\n');
      const kernel = Kernel.boot(platform, (text) => this.console.write(text));
      for (const create of this.options.modules) kernel.modules.provide(create(kernel));
      const shell = new Shell(kernel, this.console, { tools: this.options.tools });
      this.current = { kernel, shell };
      if (this.options.interactive ?? true) void shell.run();
    })();
    return this.booting;
  }

  private halt(): void {
    if (!this.current) return;
    this.current.shell.stop();
    this.current.kernel.shutdown();
    this.current = undefined;
    this.console.reset();
  }

  private async reboot(): Promise<void> {
    if (this.stopped) return;
    await this.booting;
    this.halt();
    this.console.write('\r\n');
    await this.boot();
  }
}
