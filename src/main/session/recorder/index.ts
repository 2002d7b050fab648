export { BYTES_PER_EVENT, chunkData, columnsOf, restoreChunk, type ChunkColumns, type SealedChunk, type SealedChunkData } from './chunk';
export { decodeSlice, value64, type ColumnSlice } from './query';
export {
  clockTimeSource,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_EVENTS,
  Recorder,
  type ClockLike,
  type RecorderMemory,
  type RecorderOptions,
  type RecorderTimeSource,
} from './recorder';
