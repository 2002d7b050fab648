import type { StreamMessage } from '../../src/common/api/stream';
import { Source } from '../../src/common/trace/schema';
import { defaultUserland } from '../../src/main/guest/userland';
import { Lab } from '../../src/main/lab/lab';
import { LabStream } from '../../src/main/lab/stream';
import { testWorkers } from '../support/workers';

const RAISES = 1_000_000;
const RAISES_PER_TURN = 5_000;

/**
 * Events a window's stream delivers per second while an interrupt storm records them: 1,000,000 raises
 * (three events each), the stream drained by a window that only counts, from the first raise to the
 * last event delivered.
 */
export async function measureStream(): Promise<{ stream_events_per_s: number; stream_messages: number }> {
  const lab = await Lab.create({ workers: testWorkers, guest: defaultUserland, interactive: false });
  try {
    let delivered = 0;
    let messages = 0;
    const stream = new LabStream(lab, (m: StreamMessage) => {
      messages++;
      delivered += m.events?.count ?? 0;
    });
    stream.start();
    const bar0 = lab.machine.edu.barAddress(0)!;
    const first = lab.recorder.recorded;
    const start = performance.now();
    for (let done = 0; done < RAISES; done += RAISES_PER_TURN) {
      for (let i = 0; i < RAISES_PER_TURN; i++) lab.machine.memory.write(bar0 + 0x60, 4, 1, Source.Test);
      await new Promise((r) => setImmediate(r));
    }
    const total = lab.recorder.recorded - first;
    while (delivered < total) await new Promise((r) => setTimeout(r, 1));
    const seconds = (performance.now() - start) / 1000;
    stream.close();
    return { stream_events_per_s: Math.round(total / seconds), stream_messages: messages };
  } finally {
    await lab.destroy();
  }
}
