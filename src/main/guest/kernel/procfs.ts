import type { Kernel } from './kernel';
import { formatTimestamp } from './printk';
import { Directory, textFile } from './vfs';

/** /proc/interrupts as Linux prints it (one CPU). */
export function renderInterrupts(kernel: Kernel): string {
  const descs = kernel.irq.active();
  const width = Math.max(3, String(Math.max(0, ...descs.map((d) => d.irq))).length);
  const lines = [`${' '.repeat(width + 8)}${'CPU0'.padEnd(11)}`];
  for (const d of descs) {
    const names = d.actions.map((a) => a.name).join(', ');
    // "%*d: ", "%10u " per CPU, " %8s" chip, " %*lu" hwirq, "-%-8s" flow, "  %s" handlers
    const head = `${String(d.irq).padStart(width)}: ${String(d.count).padStart(10)}  ${d.chip.padStart(8)} ${String(d.hwirq).padStart(width)}-${d.flow.padEnd(8)}`;
    lines.push(names ? `${head}  ${names}` : head.trimEnd());
  }
  lines.push(`${'NMI'.padStart(width)}: ${'0'.padStart(10)}   Non-maskable interrupts`);
  lines.push(`${'ERR'.padStart(width)}: ${'0'.padStart(10)}`);
  return lines.join('\n') + '\n';
}

export function renderMeminfo(kernel: Kernel): string {
  const kb = (bytes: number) => `${String(Math.floor(bytes / 1024)).padStart(8)} kB`;
  const total = kernel.pages.totalBytes;
  const free = kernel.pages.freeBytes;
  return [
    `MemTotal:       ${kb(total)}`,
    `MemFree:        ${kb(free)}`,
    `MemAvailable:   ${kb(free)}`,
    `Buffers:        ${kb(0)}`,
    `Cached:         ${kb(0)}`,
    `SwapTotal:      ${kb(0)}`,
    `SwapFree:       ${kb(0)}`,
  ].join('\n') + '\n';
}

/** The /proc directory. */
export function createProcfs(kernel: Kernel): Directory {
  return new Directory()
    .add('interrupts', textFile(() => renderInterrupts(kernel)))
    .add('iomem', textFile(() => kernel.iomem.render(8).join('\n') + '\n'))
    .add('ioports', textFile(() => kernel.ioports.render(4).join('\n') + '\n'))
    .add('meminfo', textFile(() => renderMeminfo(kernel)))
    .add('version', textFile(() => `Linux version ${kernel.release} (root@edu-lab) (gcc 12.2.0) ${kernel.version}\n`))
    .add('cmdline', textFile(() => 'console=ttyS0 quiet\n'))
    .add('uptime', textFile(() => {
      const s = kernel.log.uptimeNs() / 1e9;
      return `${s.toFixed(2)} ${s.toFixed(2)}\n`;
    }))
    .add('cpuinfo', textFile(() => [
      'processor\t: 0',
      'vendor_id\t: edu-lab',
      'model name\t: edu-lab virtual CPU',
      'cpu MHz\t\t: 1000.000',
      '',
    ].join('\n') + '\n'))
    .add('modules', textFile(() => kernel.modules.list().map((m) => `${m.name} 16384 0 - Live 0xffffffffc0000000`).join('\n') + (kernel.modules.list().length ? '\n' : '')))
    .add('kmsg', textFile(() => kernel.log.records().map((r) => `${formatTimestamp(r.ns)} ${r.text}`).join('\n') + '\n'));
}
