import { markRaw, shallowRef } from 'vue';
import type { DecodedBatch } from '../../common/api/event-batch';
import { Timeline } from './timeline';

/**
 * The window's copy of the session's events, as the timeline engine holds them. Deliberately outside
 * Vue's reactivity (a million events must not become a million proxies): views watch `timelineVersion`,
 * which the stream router bumps at most once per stream message.
 */
export const timeline = markRaw(new Timeline());
export const timelineVersion = shallowRef(0);

export function timelineChanged(): void {
  timelineVersion.value++;
}

type BatchListener = (batch: DecodedBatch) => void;
const batchListeners = new Set<BatchListener>();

/** Views that follow particular events as they arrive (the DMA animator) listen here. */
export function onEventBatch(listener: BatchListener): () => void {
  batchListeners.add(listener);
  return () => batchListeners.delete(listener);
}

/** @internal the stream router hands every batch it receives to the listeners. */
export function publishEventBatch(batch: DecodedBatch): void {
  for (const l of batchListeners) l(batch);
}
