import { PciReg } from '../../../src/common/pci';
import type { WebHost } from '../../../src/main/hosts/web/server';
import { QEMU_ARGS, waitForFirmware } from '../../differential/harness';
import { QtestClient } from '../../differential/qtest-client';
import { newPage } from '../browser';
import { withWebLab } from './web-lab';
import { round } from '../../bench/stats';

const CALLS = 10_000;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export interface RttFigures {
  ui_register_read_rtt_us: number;
  /** The same call from a Node WebSocket client: the host's share without the browser's. */
  node_register_read_rtt_us: number;
  /** A bare WebSocket echo from the same Chromium: the browser's floor on this machine. */
  chromium_ws_echo_rtt_us: number;
  qtest_readl_rtt_us: number;
}

/**
 * Round trips of one register read: from headless Chromium through the web host (the UI's path), and
 * QEMU's qtest `readl` over a pipe, in the same run. Medians of 10,000 sequential calls.
 */
export async function measureRtt(): Promise<RttFigures> {
  return withWebLab(async ({ host, browser }) => {
    const page = await newPage(browser);
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=machine-state]');
    const ui = await page.evaluate(async (calls) => {
      const lab = window.lab!;
      const times: number[] = [];
      for (let i = 0; i < 500; i++) await lab.readRegister(0, 4);
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        await lab.readRegister(0, 4);
        times.push(performance.now() - t);
      }
      return times;
    }, CALLS);
    const echo = await page.evaluate(async (port) => {
      // A bare WebSocket to the same host (the API refuses non-protocol messages fast: each answer is an error).
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api`);
      await new Promise((r) => (ws.onopen = r));
      let resolve = () => {};
      ws.onmessage = (e) => {
        if (String(e.data).includes('"type":"error"')) resolve();
      };
      const once = () => new Promise<void>((r) => ((resolve = r), ws.send('x')));
      for (let i = 0; i < 200; i++) await once();
      const times: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const t = performance.now();
        await once();
        times.push(performance.now() - t);
      }
      ws.close();
      return times;
    }, host.port);
    const node = await nodeClientRtt(host);
    return {
      ui_register_read_rtt_us: round(median(ui) * 1000, 1),
      node_register_read_rtt_us: node,
      chromium_ws_echo_rtt_us: round(median(echo) * 1000, 1),
      qtest_readl_rtt_us: await qtestRtt(),
    };
  });
}

async function nodeClientRtt(host: WebHost): Promise<number> {
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
  await new Promise((r) => ws.once('open', r));
  let resolve = () => {};
  ws.on('message', (data) => {
    if (String(data).startsWith('{"type":"result"')) resolve();
  });
  const call = (id: number) => new Promise<void>((r) => ((resolve = r), ws.send(JSON.stringify({ type: 'call', id, method: 'readRegister', args: [0, 4] }))));
  for (let i = 0; i < 500; i++) await call(i);
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await call(i);
    times.push(performance.now() - t);
  }
  ws.close();
  return round(median(times) * 1000, 1);
}

async function qtestRtt(): Promise<number> {
  const client = await QtestClient.start({ args: QEMU_ARGS });
  try {
    await waitForFirmware(client);
    await client.outl(0xcf8, 0x80000000 | (4 << 11) | PciReg.Bar0);
    const bar0 = ((await client.inl(0xcfc)) & 0xfffffff0) >>> 0;
    for (let i = 0; i < 500; i++) await client.readl(bar0);
    const times: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now();
      await client.readl(bar0);
      times.push(performance.now() - t);
    }
    return round(median(times) * 1000, 1);
  } finally {
    await client.close();
  }
}

// Run on its own (the benchmark runner starts it as a child process): prints one JSON object.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  process.stdout.write(JSON.stringify(await measureRtt()) + '\n');
}
