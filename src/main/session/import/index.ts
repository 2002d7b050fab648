export { SessionImportError } from './errors';
export { EVENT_LOG_CHUNK_SIZE, EventLog, type EventStore } from './event-log';
export { DEFAULT_MAX_IMPORT_EVENTS, DEFAULT_MAX_LINE_BYTES, importJsonl, type ImportedSession, type ImportOptions } from './jsonl';
