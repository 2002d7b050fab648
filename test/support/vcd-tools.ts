/**
 * The VCD readers the exports are checked against (Debian packages `gtkwave` and `sigrok-cli`), and a
 * small VCD parser to compare what they read with what was written. A missing tool is an error with
 * the install line, never a skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';

const PACKAGES: Record<string, string> = { vcd2fst: 'gtkwave', fst2vcd: 'gtkwave', 'sigrok-cli': 'sigrok-cli' };

/** Throws (loudly) when a tool is not installed. */
export function requireTool(name: keyof typeof PACKAGES | string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0 || !found.stdout.trim()) {
    throw new Error(`${name} is not installed: the VCD exports are validated with it. Install it with: apt-get install -y ${PACKAGES[name] ?? name}`);
  }
}

function run(tool: string, args: string[]): string {
  requireTool(tool);
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (status ${r.status}): ${r.stderr}${r.stdout.slice(0, 2000)}`);
  return r.stdout;
}

/** vcd2fst then fst2vcd: the file as GTKWave's own tools read it. */
export function gtkwaveRoundTrip(vcdPath: string, fstPath: string): { vcd2fst: string; vcd: string } {
  const log = run('vcd2fst', [vcdPath, fstPath]);
  return { vcd2fst: log, vcd: run('fst2vcd', [fstPath]) };
}

/** The file as libsigrok (PulseView's importer) reads it, written back out as VCD by sigrok-cli. */
export function sigrokRead(vcdPath: string): { vcd: string; stderr: string } {
  requireTool('sigrok-cli');
  const r = spawnSync('sigrok-cli', ['-I', 'vcd', '-i', vcdPath, '-O', 'vcd'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`sigrok-cli -I vcd -i ${vcdPath} -O vcd failed (status ${r.status}): ${r.stderr}`);
  // sigrok-cli puts a "META samplerate: ..." line before the file.
  const start = r.stdout.indexOf('$');
  return { vcd: start < 0 ? r.stdout : r.stdout.slice(start), stderr: r.stderr };
}

export function toolVersion(tool: string): string {
  requireTool(tool);
  return execFileSync(tool, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
}

export interface VcdVar {
  readonly id: string;
  readonly name: string;
  readonly width: number;
}

export interface VcdChange {
  readonly t: number;
  readonly name: string;
  /** The value as a number ('x'/'z' bits read as 0). */
  readonly value: number;
}

export interface ParsedVcd {
  readonly timescale: string;
  readonly vars: VcdVar[];
  /** Every value written, in file order (the initial ones at the first time included). */
  readonly changes: VcdChange[];
  /** Every `#t`, in file order. */
  readonly times: number[];
  /** Header sections seen, in order ($date, $version, ..., $enddefinitions). */
  readonly sections: string[];
  /** Token index of `#0` relative to `$dumpvars` (negative: before). */
  readonly firstTimeBeforeDumpvars: boolean;
}

/** A tokenising VCD reader (enough for the files written here and by fst2vcd / sigrok-cli). */
export function parseVcd(text: string): ParsedVcd {
  const tokens = text.split(/\s+/).filter(Boolean);
  const vars: VcdVar[] = [];
  const byId = new Map<string, VcdVar>();
  const changes: VcdChange[] = [];
  const times: number[] = [];
  const sections: string[] = [];
  let timescale = '';
  let t = -1;
  let firstTimeBeforeDumpvars = false;
  let sawDumpvars = false;
  const num = (v: string) => parseInt(v.replace(/[xzXZ]/g, '0'), 2);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.startsWith('$')) {
      if (tok === '$dumpvars' || tok === '$dumpall' || tok === '$dumpon' || tok === '$dumpoff') {
        if (tok === '$dumpvars') {
          sawDumpvars = true;
          firstTimeBeforeDumpvars = times.length > 0;
        }
        continue; // values follow, up to $end
      }
      if (tok === '$end') continue;
      sections.push(tok);
      const end = tokens.indexOf('$end', i + 1);
      const body = tokens.slice(i + 1, end);
      if (tok === '$var') {
        const v = { width: Number(body[1]), id: body[2]!, name: body[3]! };
        vars.push(v);
        byId.set(v.id, v);
      } else if (tok === '$timescale') {
        timescale = body.join(' ');
      }
      i = end;
      continue;
    }
    if (tok.startsWith('#')) {
      t = Number(tok.slice(1));
      times.push(t);
      continue;
    }
    const c = tok[0]!;
    if (c === 'b' || c === 'B') {
      const id = tokens[++i]!;
      const v = byId.get(id);
      if (!v) throw new Error(`VCD: change of undeclared id ${id}`);
      changes.push({ t, name: v.name, value: num(tok.slice(1)) });
    } else if (c === 'r' || c === 'R') {
      i++;
    } else if ('01xzXZ'.includes(c)) {
      const v = byId.get(tok.slice(1));
      if (!v) throw new Error(`VCD: change of undeclared id ${tok.slice(1)}`);
      changes.push({ t, name: v.name, value: num(c) });
    } else {
      throw new Error(`VCD: unexpected token ${tok}`);
    }
  }
  if (!sawDumpvars) firstTimeBeforeDumpvars = true;
  return { timescale, vars, changes, times, sections, firstTimeBeforeDumpvars };
}

/**
 * Per signal, the times and values where its value differs from the one before (the first value at the
 * first time counts as a transition from nothing). `names` limits the signals.
 */
export function transitions(vcd: ParsedVcd, names?: readonly string[]): Map<string, [number, number][]> {
  const perTime = new Map<string, [number, number][]>();
  for (const v of vcd.vars) if (!names || names.includes(v.name)) perTime.set(v.name, []);
  for (const c of vcd.changes) {
    const list = perTime.get(c.name);
    if (!list) continue;
    const prev = list.at(-1);
    if (prev && prev[0] === c.t) prev[1] = c.value; // several values at one time: the last one counts
    else list.push([c.t, c.value]);
  }
  const out = new Map<string, [number, number][]>();
  for (const [name, list] of perTime) {
    const kept: [number, number][] = [];
    for (const x of list) if (kept.length === 0 || kept.at(-1)![1] !== x[1]) kept.push(x);
    out.set(name, kept);
  }
  return out;
}
