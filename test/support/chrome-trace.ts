/** A structural check of Chrome trace JSON (what Perfetto's and chrome://tracing's importers rely on). */

export interface ChromeEvent {
  ph: string;
  name?: string;
  pid?: number;
  tid?: number;
  ts?: number;
  dur?: number;
  s?: string;
  id?: number | string;
  bp?: string;
  bind_id?: number | string;
  flow_in?: boolean;
  flow_out?: boolean;
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit?: string;
  otherData?: Record<string, unknown>;
}

export interface TraceReport {
  readonly trace: ChromeTrace;
  readonly errors: string[];
  /** thread name by "pid:tid" */
  readonly threads: Map<string, string>;
  /** flow id -> [out event, in event] */
  readonly flows: Map<string, { out?: ChromeEvent; in?: ChromeEvent }>;
}

const key = (e: ChromeEvent) => `${e.pid}:${e.tid}`;

export function checkChromeTrace(text: string): TraceReport {
  const errors: string[] = [];
  const trace = JSON.parse(text) as ChromeTrace;
  if (!Array.isArray(trace.traceEvents)) throw new Error('no traceEvents array');
  const threads = new Map<string, string>();
  const processes = new Map<number, string>();
  const lastTs = new Map<string, number>();
  const stacks = new Map<string, ChromeEvent[]>();
  const counterTs = new Map<string, number>();
  const flows = new Map<string, { out?: ChromeEvent; in?: ChromeEvent }>();
  const v1 = new Map<string, { s?: ChromeEvent; f?: ChromeEvent }>();
  const used = new Set<string>();
  trace.traceEvents.forEach((e, i) => {
    const at = `event ${i} (${JSON.stringify(e).slice(0, 160)})`;
    if (typeof e.ph !== 'string') {
      errors.push(`${at}: no ph`);
      return;
    }
    if (typeof e.pid !== 'number') errors.push(`${at}: pid is not a number`);
    if (e.ph === 'M') {
      const name = e.args?.name;
      if (e.name === 'process_name' && typeof name === 'string') processes.set(e.pid!, name);
      else if (e.name === 'thread_name' && typeof name === 'string') threads.set(key(e), name);
      else if (e.name !== 'thread_sort_index' && e.name !== 'process_sort_index') errors.push(`${at}: unknown metadata`);
      return;
    }
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) errors.push(`${at}: ts must be a finite number >= 0`);
    if (e.ph === 'C') {
      const args = e.args;
      if (!args || typeof args !== 'object' || Object.keys(args).length === 0) errors.push(`${at}: counter without args`);
      else for (const [k, v] of Object.entries(args)) if (typeof v !== 'number' || !Number.isFinite(v)) errors.push(`${at}: counter arg ${k} is not a number`);
      const ck = `${e.pid}:${e.name}`;
      if ((counterTs.get(ck) ?? -Infinity) > e.ts!) errors.push(`${at}: counter ${e.name} goes back in time`);
      counterTs.set(ck, e.ts!);
      return;
    }
    if (!['B', 'E', 'X', 'i', 'I', 's', 't', 'f'].includes(e.ph)) {
      errors.push(`${at}: unexpected phase ${e.ph}`);
      return;
    }
    if (typeof e.tid !== 'number') errors.push(`${at}: tid is not a number`);
    const k = key(e);
    used.add(k);
    if (['B', 'E', 'X', 'i', 'I'].includes(e.ph)) {
      if ((lastTs.get(k) ?? -Infinity) > e.ts!) errors.push(`${at}: ts goes back on track ${k}`);
      lastTs.set(k, e.ts!);
    }
    const stack = stacks.get(k) ?? [];
    stacks.set(k, stack);
    switch (e.ph) {
      case 'B':
        if (typeof e.name !== 'string') errors.push(`${at}: B without a name`);
        stack.push(e);
        break;
      case 'E': {
        const b = stack.pop();
        if (!b) errors.push(`${at}: E without a B on ${k}`);
        else if (b.ts! > e.ts!) errors.push(`${at}: E before its B`);
        break;
      }
      case 'X':
        if (typeof e.dur !== 'number' || !(e.dur >= 0)) errors.push(`${at}: X needs dur >= 0`);
        break;
      case 'i':
      case 'I':
        if (e.s !== undefined && !['t', 'p', 'g'].includes(e.s)) errors.push(`${at}: bad instant scope`);
        break;
      case 's':
      case 'f': {
        const id = String(e.id);
        const f = v1.get(id) ?? {};
        if (f[e.ph]) errors.push(`${at}: flow id ${id} has two ${e.ph} events`);
        f[e.ph] = e;
        v1.set(id, f);
        break;
      }
    }
    if (e.bind_id !== undefined) {
      if (e.ph !== 'X' && e.ph !== 'B') errors.push(`${at}: bind_id on a ${e.ph} event (flows bind to slices)`);
      const id = String(e.bind_id);
      const f = flows.get(id) ?? {};
      if (e.flow_out) {
        if (f.out) errors.push(`${at}: two flow_out for ${id}`);
        f.out = e;
      }
      if (e.flow_in) {
        if (f.in) errors.push(`${at}: two flow_in for ${id}`);
        f.in = e;
      }
      if (!e.flow_in && !e.flow_out) errors.push(`${at}: bind_id without a direction`);
      flows.set(id, f);
    }
  });
  for (const [k, stack] of stacks) if (stack.length > 0) errors.push(`track ${k}: ${stack.length} B without E`);
  for (const [id, f] of flows) {
    if (!f.out || !f.in) errors.push(`flow ${id}: ${f.out ? 'no flow_in' : 'no flow_out'}`);
    else if (f.in.ts! < f.out.ts!) errors.push(`flow ${id}: ends before it starts`);
  }
  for (const [id, f] of v1) if (!f.s || !f.f) errors.push(`flow (v1) ${id}: unmatched`);
  for (const k of used) if (!threads.has(k)) errors.push(`track ${k} has no thread_name`);
  for (const k of used) if (!processes.has(Number(k.split(':')[0]))) errors.push(`process of ${k} has no process_name`);
  return { trace, errors, threads, flows };
}
