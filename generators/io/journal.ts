/**
 * Commit journals: what a run is about to do, written to this user's private
 * folder (state.ts) before it touches the destination, so that the next run
 * can undo a write killed before its commit point or finish one killed after
 * it. Never read from anywhere else: a journal in a destination, a clone or a
 * shared folder is just a file.
 *
 * A journal read back is checked as if hostile all the same (a bug or a hand
 * edit must not aim a rename elsewhere): every path must be absolute and
 * canonical, the staging folder must carry the journal's own name beside or
 * inside the destination, be a directory of this user's and not a link, and
 * every file must be a plain relative path inside the destination.
 */
import { lstatSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { processAlive } from './lock.js';
import { readRegularFile } from './read-file.js';
import { isStagingId, stagingName, writeExclusive } from './staging.js';
import { stateFolder } from './state.js';

export interface Journal {
  /** The run's staging id, `<pid>-<8 hex>`: it names the journal and the staging folder. */
  id: string;
  /** staging: files are being written to staging (undo = remove it); commit: they are moving in (redo = finish). */
  phase: 'staging' | 'commit';
  /** new: the staging folder is renamed to the destination; in-place: each file moves into an existing directory. */
  mode: 'new' | 'in-place';
  /** The destination's canonical absolute path. */
  destination: string;
  /** New mode: the folder renamed into place. In place: holds `new/` (files to move in) and `old/` (replaced files). */
  staging: string;
  /** The project's files, relative to the destination with forward slashes. */
  files: string[];
  /** Those of them that existed when the destination was checked (--force): the only names the commit may replace. */
  replaced: string[];
  /** Folders above a new destination that this run created (outermost first), removed when it is undone. */
  createdFolders: string[];
  /** The locks the run held (removed with its journal once it is dead). */
  locks: string[];
  /** The workspace root's manifest, edited in place: its bytes before and after (base64). */
  manifest?: { path: string; before: string; after: string };
}

const staleAfterMs = 60 * 60 * 1000;
const maxJournalBytes = 4 * 1024 * 1024;

const journalPath = (id: string) => join(stateFolder(), `${id}.journal`);

/** Writes (or replaces, atomically) the journal of this run. */
export function recordJournal(journal: Journal): void {
  const path = journalPath(journal.id);
  const temporary = `${path}.tmp`;
  writeExclusive(temporary, JSON.stringify(journal), 0o600);
  renameSync(temporary, path);
}

export function removeJournal(id: string): void {
  try {
    unlinkSync(journalPath(id));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

const isPlainRelative = (path: unknown): path is string => typeof path === 'string'
  && path.length > 0 && !path.startsWith('/') && !/[\\\0]/.test(path)
  && path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');

const isCanonical = (path: unknown): path is string => typeof path === 'string' && isAbsolute(path) && resolve(path) === path && !path.includes('\0');

const isAbove = (folder: string, path: string) => path !== folder && path.startsWith(folder === '/' ? '/' : `${folder}/`);

/** Why `value` is not a journal this run may act on, or undefined when it is one. */
export function journalProblem(value: unknown, id: string): string | undefined {
  const journal = value as Partial<Journal> | null;
  if (!journal || typeof journal !== 'object') return 'not a journal';
  if (journal.id !== id || !isStagingId(id)) return 'its id does not match its name';
  if (journal.phase !== 'staging' && journal.phase !== 'commit') return 'unknown phase';
  if (journal.mode !== 'new' && journal.mode !== 'in-place') return 'unknown mode';
  if (!isCanonical(journal.destination) || journal.destination === '/') return 'destination is not a canonical path';
  const stagingHome = journal.mode === 'new' ? dirname(journal.destination) : journal.destination;
  if (journal.staging !== join(stagingHome, stagingName(id))) return `staging is not ${stagingName(id)} ${journal.mode === 'new' ? 'beside' : 'inside'} the destination`;
  if (!Array.isArray(journal.files) || !journal.files.every(isPlainRelative)) return 'a file path leaves the destination';
  if (!Array.isArray(journal.replaced) || !journal.replaced.every((file) => journal.files!.includes(file))) return 'it replaces a file it does not write';
  if (!Array.isArray(journal.createdFolders) || !journal.createdFolders.every((folder) => isCanonical(folder) && isAbove(folder, journal.destination!))) {
    return 'a created folder is not above the destination';
  }
  if (!Array.isArray(journal.locks) || !journal.locks.every((lock) => isCanonical(lock) && /^\.create-freestanding-[0-9a-f]{16}\.lock$/.test(basename(lock)))) {
    return 'a lock is not one of ours';
  }
  const manifest = journal.manifest;
  if (manifest !== undefined) {
    if (!manifest || !isCanonical(manifest.path) || basename(manifest.path) !== 'Cargo.toml' || !isAbove(dirname(manifest.path), journal.destination)) {
      return 'the manifest is not a Cargo.toml above the destination';
    }
    if (typeof manifest.before !== 'string' || typeof manifest.after !== 'string') return 'the manifest texts are missing';
  }
  try {
    const stats = lstatSync(journal.staging);
    if (!stats.isDirectory() || (process.getuid && stats.uid !== process.getuid())) return 'its staging folder is not a directory of this user';
  } catch {
    // Gone: nothing to remove or move in from it.
  }
  return undefined;
}

/** Reads a regular file of at most `limit` bytes without following a link; undefined otherwise. */
function readSmallFile(path: string, limit: number): string | undefined {
  try {
    return readRegularFile(path, limit).toString('utf8');
  } catch {
    return undefined;
  }
}


/**
 * Journals of this user's runs that died (their pid is gone, or they are over
 * an hour old) and that concern `concerns(journal)`; `problem` is called for
 * each that fails the checks above and is left alone.
 */
export function killedRuns(concerns: (journal: Journal) => boolean, problem: (line: string) => void): Journal[] {
  const folder = stateFolder();
  const found: Journal[] = [];
  for (const entry of readdirSync(folder)) {
    const match = /^((\d+)-[0-9a-f]{8})\.journal(\.tmp)?$/.exec(entry);
    if (!match) continue;
    const path = join(folder, entry);
    if (match[3]) {
      // A journal killed while being written: the run had not started writing.
      if (!processAlive(Number(match[2]))) unlinkSync(path);
      continue;
    }
    let old = false;
    try {
      old = Date.now() - lstatSync(path).mtimeMs > staleAfterMs;
    } catch {
      continue;
    }
    if (processAlive(Number(match[2])) && !old) continue;
    const text = readSmallFile(path, maxJournalBytes);
    let value: unknown;
    try {
      value = text === undefined ? undefined : JSON.parse(text);
    } catch {
      value = undefined;
    }
    const why = journalProblem(value, match[1]);
    if (why !== undefined) {
      problem(`left alone the record ${path} of an interrupted run: ${why}`);
      continue;
    }
    if (concerns(value as Journal)) found.push(value as Journal);
  }
  return found;
}
