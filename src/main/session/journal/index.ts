export { JOURNAL_VERSION } from './format';
export {
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_PENDING_BYTES,
  JOURNAL_EXTENSION,
  SessionJournal,
  type JournalOptions,
  type JournalStats,
} from './journal';
export {
  convertJournalToJsonl,
  discardSession,
  findRecoverableSession,
  findRecoverableSessions,
  JournalError,
  recoverSession,
  type RecoverableSession,
  type RecoveredSession,
  type RecoverOptions,
} from './recover';
