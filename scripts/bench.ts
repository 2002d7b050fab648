/**
 * `npm run bench`: measures the figures the issues set goals for and prints a table, or with `--json`
 * one JSON object. Goals are checked here and reported, never asserted in tests.
 *   npm run bench                 all benchmarks, table
 *   npm run bench -- --json       all benchmarks, JSON on stdout (progress on stderr)
 *   npm run bench -- --only timers,fact
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { measureExport } from '../test/bench/export';
import { measureCFactorial, measureWorkerFactorial } from '../test/bench/factorial';
import { measureImport } from '../test/bench/import';
import { measureMmio } from '../test/bench/mmio';
import { measureStream } from '../test/bench/stream';
import { measureTimers } from '../test/bench/timers';

type Figures = Record<string, number>;

interface Bench {
  readonly name: string;
  run(): Promise<Figures>;
}

interface Goal {
  readonly label: string;
  met(f: Figures): boolean | undefined;
}

/** Benchmarks that drive Chromium run in their own process (their figures come back as JSON). */
async function inChildProcess(script: string): Promise<Figures> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { maxBuffer: 1 << 24, timeout: 600_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Figures;
}

const benches: Bench[] = [
  { name: 'mmio', run: async () => ({ ...(await measureMmio()) }) },
  { name: 'timers', run: async () => ({ ...(await measureTimers()) }) },
  { name: 'rtt', run: () => inChildProcess('test/e2e/bench/rtt.ts') },
  { name: 'stream', run: async () => ({ ...(await measureStream()) }) },
  { name: 'ui', run: () => inChildProcess('test/e2e/bench/ui.ts') },
  { name: 'export', run: async () => ({ ...(await measureExport()) }) },
  { name: 'import', run: () => measureImport() },
  {
    name: 'fact',
    run: async () => ({ fact_ffffffff_s: await measureWorkerFactorial(), c_fact_ffffffff_s: measureCFactorial() }),
  },
];

const has = (f: Figures, ...keys: string[]) => keys.every((k) => typeof f[k] === 'number');
const goals: Goal[] = [
  { label: 'mmio_ops_per_s_recorded >= 5,000,000', met: (f) => (has(f, 'mmio_ops_per_s_recorded') ? f.mmio_ops_per_s_recorded! >= 5e6 : undefined) },
  { label: 'bytes_per_event <= 32', met: (f) => (has(f, 'bytes_per_event') ? f.bytes_per_event! <= 32 : undefined) },
  {
    label: 'timer_p99_us <= settimeout_p99_us / 4',
    met: (f) => (has(f, 'timer_p99_us', 'settimeout_p99_us') ? f.timer_p99_us! <= f.settimeout_p99_us! / 4 : undefined),
  },
  { label: 'timer_early == 0', met: (f) => (has(f, 'timer_early') ? f.timer_early === 0 : undefined) },
  {
    label: 'ui_register_read_rtt_us <= qtest_readl_rtt_us',
    met: (f) => (has(f, 'ui_register_read_rtt_us', 'qtest_readl_rtt_us') ? f.ui_register_read_rtt_us! <= f.qtest_readl_rtt_us! : undefined),
  },
  {
    label: 'export_1m_s_<format> <= 2 (each format)',
    met: (f) => {
      const v = Object.entries(f).filter(([k]) => k.startsWith('export_1m_s_')).map(([, x]) => x);
      return v.length ? v.every((x) => x <= 2) : undefined;
    },
  },
  { label: 'import_1m_s <= 3', met: (f) => (has(f, 'import_1m_s') ? f.import_1m_s! <= 3 : undefined) },
  {
    label: 'import_peak_rss_mb <= 2 x import_file_mb',
    met: (f) => (has(f, 'import_peak_rss_mb', 'import_file_mb') ? f.import_peak_rss_mb! <= 2 * f.import_file_mb! : undefined),
  },
  { label: 'load_to_prompt_ms <= 1500', met: (f) => (has(f, 'load_to_prompt_ms') ? f.load_to_prompt_ms! <= 1500 : undefined) },
  { label: 'console_echo_ms_during_storm <= 50', met: (f) => (has(f, 'console_echo_ms_during_storm') ? f.console_echo_ms_during_storm! <= 50 : undefined) },
  { label: 'timeline_frame_p95_ms <= 16', met: (f) => (has(f, 'timeline_frame_p95_ms') ? f.timeline_frame_p95_ms! <= 16 : undefined) },
  {
    label: 'fact_ffffffff_s <= 1.2 x c_fact_ffffffff_s',
    met: (f) => (has(f, 'fact_ffffffff_s', 'c_fact_ffffffff_s') ? f.fact_ffffffff_s! <= 1.2 * f.c_fact_ffffffff_s! : undefined),
  },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const onlyArg = args.find((a) => a.startsWith('--only'));
  const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1])?.split(',') : undefined;
  const unknown = only?.filter((n) => !benches.some((b) => b.name === n));
  if (unknown?.length) {
    console.error(`bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }

  const figures: Figures = {};
  for (const bench of benches) {
    if (only && !only.includes(bench.name)) continue;
    process.stderr.write(`bench: ${bench.name}...\n`);
    Object.assign(figures, await bench.run());
  }

  if (json) {
    process.stdout.write(JSON.stringify(figures) + '\n');
    return;
  }
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(width)}  ${v}`);
  console.log('');
  for (const goal of goals) {
    const met = goal.met(figures);
    if (met !== undefined) console.log(`${met ? 'met    ' : 'MISSED '} ${goal.label}`);
  }
}

await main();
