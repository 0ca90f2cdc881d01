/**
 * After a run of this user's was killed: undo its write when it died before
 * the commit point, finish it when it died after. Only journals from the
 * private folder (journal.ts), only those about the paths this run is about
 * to lock, and only after the checks there; anything else is left alone and
 * reported in one line.
 */
import { dirname } from 'node:path';
import { discardStaging, rollForward } from './commit.js';
import { killedRuns, removeJournal, type Journal } from './journal.js';
import { removeLockOf } from './lock.js';

export interface RecoveryScope {
  /** This run's canonical destination. */
  destination: string;
  /** The workspace root's manifest this run edits, if any. */
  manifest?: string;
}

const concerns = (scope: RecoveryScope) => (journal: Journal) => journal.destination === scope.destination
  || dirname(journal.destination) === dirname(scope.destination)
  || (scope.manifest !== undefined && journal.manifest?.path === scope.manifest);

/** Recovers this user's killed runs near `scope`; returns one line per thing it could not do. */
export function recoverKilledRuns(scope: RecoveryScope): string[] {
  const notes: string[] = [];
  for (const journal of killedRuns(concerns(scope), (line) => notes.push(line))) {
    if (journal.phase === 'staging') discardStaging(journal);
    else {
      const problem = rollForward(journal);
      if (problem) {
        notes.push(`an interrupted write could not be finished: ${problem}`);
        continue; // its journal stays, so that nothing it names is forgotten
      }
    }
    for (const lock of journal.locks) removeLockOf(lock, Number.parseInt(journal.id, 10));
    removeJournal(journal.id);
  }
  return notes;
}
