import { KernelError } from './errors';
import type { KernelLog } from './printk';

export type ParamType = 'bool' | 'int' | 'uint';

export interface ModuleParam {
  readonly name: string;
  readonly type: ParamType;
  readonly description: string;
  readonly default: number | boolean;
}

export type ParamValues = Readonly<Record<string, number | boolean>>;

/** A loadable module: its parameters, and init/exit (module_init/module_exit). */
export interface KernelModule {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ModuleParam[];
  /** PCI ids the module drives (its MODULE_DEVICE_TABLE), for `lspci -k`. */
  readonly ids?: readonly { readonly vendor: number; readonly device: number }[];
  init(params: ParamValues): Promise<void>;
  exit(): Promise<void>;
}

interface Loaded {
  readonly module: KernelModule;
  readonly params: ParamValues;
}

/**
 * modprobe and rmmod: the kernel's module loader over the modules built into this guest. Parameters
 * are `name=value` words, parsed as the kernel does: unknown ones are ignored with a warning, malformed
 * values refuse the load.
 */
export class ModuleLoader {
  private readonly available = new Map<string, KernelModule>();
  private readonly loaded = new Map<string, Loaded>();

  constructor(private readonly log: KernelLog) {}

  provide(module: KernelModule): void {
    this.available.set(module.name, module);
  }

  names(): string[] {
    return [...this.available.keys()].sort();
  }

  info(name: string): KernelModule | undefined {
    return this.available.get(name);
  }

  isLoaded(name: string): boolean {
    return this.loaded.has(name);
  }

  list(): { name: string; params: ParamValues }[] {
    return [...this.loaded.values()].map((l) => ({ name: l.module.name, params: l.params }));
  }

  async load(name: string, args: readonly string[]): Promise<void> {
    const module = this.available.get(name);
    if (!module) throw new KernelError('ENOENT', `Module ${name} not found`);
    if (this.loaded.has(name)) throw new KernelError('EEXIST', `Module ${name} is already loaded`);
    const params = this.parseParams(module, args);
    await module.init(params);
    this.loaded.set(name, { module, params });
  }

  async unload(name: string): Promise<void> {
    const loaded = this.loaded.get(name);
    if (!loaded) throw new KernelError('ENOENT', `Module ${name} is not currently loaded`);
    this.loaded.delete(name);
    await loaded.module.exit();
  }

  /** Unload everything (shutdown and reboot). */
  async unloadAll(): Promise<void> {
    for (const name of [...this.loaded.keys()].reverse()) await this.unload(name);
  }

  private parseParams(module: KernelModule, args: readonly string[]): ParamValues {
    const values: Record<string, number | boolean> = {};
    for (const p of module.params) values[p.name] = p.default;
    for (const arg of args) {
      const eq = arg.indexOf('=');
      const key = eq < 0 ? arg : arg.slice(0, eq);
      const raw = eq < 0 ? undefined : arg.slice(eq + 1);
      const param = module.params.find((p) => p.name === key);
      if (!param) {
        this.log.warn(`${module.name}: unknown parameter '${key}' ignored`);
        continue;
      }
      const value = parseValue(param.type, raw);
      if (value === undefined) {
        this.log.warn(`${module.name}: \`${raw ?? ''}' invalid for parameter \`${key}'`);
        throw new KernelError('EINVAL', `invalid value for parameter ${key}`);
      }
      values[key] = value;
    }
    return values;
  }
}

function parseValue(type: ParamType, raw: string | undefined): number | boolean | undefined {
  if (type === 'bool') {
    // A bare name means true, as for kernel bool parameters.
    if (raw === undefined || ['1', 'y', 'Y'].includes(raw)) return true;
    if (['0', 'n', 'N'].includes(raw)) return false;
    return undefined;
  }
  if (raw === undefined || !/^-?(0x[0-9a-f]+|\d+)$/i.test(raw)) return undefined;
  const n = Number(raw.startsWith('-') ? -Number(raw.slice(1)) : Number(raw));
  if (!Number.isSafeInteger(n) || (type === 'uint' && n < 0)) return undefined;
  return n;
}
