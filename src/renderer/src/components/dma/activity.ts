import { shallowRef, type ShallowRef } from 'vue';
import type { DecodedBatch } from '../../../../common/api/event-batch';
import { onEventBatch } from '../../session';
import { INITIAL_ACTIVITY, reduceDmaEvents, type DmaActivity } from './events';

export interface DmaActivityTracker {
  readonly state: Readonly<ShallowRef<DmaActivity>>;
  ingest(batch: DecodedBatch): void;
  reset(): void;
}

/**
 * Follows the event batches and keeps the DMA state they describe. A batch that starts before the
 * last one ended is the stream starting over (a new snapshot replays the history): the state is
 * rebuilt from it.
 */
export function createDmaActivity(): DmaActivityTracker {
  const state = shallowRef<DmaActivity>(INITIAL_ACTIVITY);
  let nextSeq = 0;
  return {
    state,
    ingest(batch) {
      const base = batch.fromSeq < nextSeq ? INITIAL_ACTIVITY : state.value;
      nextSeq = batch.fromSeq + batch.count;
      const next = reduceDmaEvents(base, batch);
      if (next !== state.value) state.value = next;
    },
    reset() {
      nextSeq = 0;
      state.value = INITIAL_ACTIVITY;
    },
  };
}

/**
 * The window's tracker. It listens from the moment this module loads (App imports the animator), not
 * only while the DMA tab is open: a transfer that ended while another tab was shown is still known
 * when the tab opens.
 */
export const dmaActivity: DmaActivityTracker = createDmaActivity();
onEventBatch((batch) => dmaActivity.ingest(batch));
