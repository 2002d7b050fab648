import { basename, join } from 'node:path';
import type { ReplayInfo } from '../../common/api/session';
import { convertJournalToJsonl, discardSession, findRecoverableSession, type RecoverableSession } from '../session/journal';
import type { Lab } from './lab';
import { openReplayFile } from './service';

export type { RecoverableSession };

/** The session a previous run left behind when it did not close cleanly (newest first), if any. */
export function findPreviousSession(journalDir: string): Promise<RecoverableSession | undefined> {
  return findRecoverableSession(journalDir);
}

/**
 * Recover a crashed session: save it as a JSON Lines file next to the journals (so nothing depends on
 * the journal any more), remove the journal, and show the saved file as a replay.
 */
export async function recoverPreviousSession(lab: Lab, session: RecoverableSession, saveDir: string): Promise<{ info: ReplayInfo; savedAs: string }> {
  const stamp = session.startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const savedAs = join(saveDir, `recovered-${stamp}.jsonl`);
  await convertJournalToJsonl(session.path, savedAs);
  await discardSession(session.path);
  const info = await openReplayFile(lab, savedAs, basename(savedAs));
  return { info, savedAs };
}

/** The user does not want it back. */
export function discardPreviousSession(session: RecoverableSession): Promise<void> {
  return discardSession(session.path);
}
