/**
 * The commit: staged files move into the destination and the workspace root's
 * manifest is edited in place, or every step is undone. Nothing that was not
 * ours is overwritten or removed on the way:
 * - a new directory is one rename of the staging folder;
 * - in an existing directory each file is hard-linked into place (link(2)
 *   fails when a name appeared meanwhile, where rename(2) would overwrite it),
 *   a file it replaces (--force) first moved aside into staging;
 * - after each file, its folder is checked to still be the destination's (a
 *   folder swapped for a link during the write would send files elsewhere);
 * - undo removes a name only while it is still our file (same inode).
 * The same steps finish the commit of a run killed halfway (see recovery.ts).
 */
import {
  closeSync, constants, fstatSync, ftruncateSync, fsyncSync, linkSync, lstatSync, openSync, readFileSync, realpathSync as realpathSyncInJs, renameSync, rmdirSync, rmSync, unlinkSync, writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Journal } from './journal.js';
import { makeFolders } from './staging.js';

const realpathSync = realpathSyncInJs.native;

/** A file or link that appeared where the commit was writing: the commit stops and undoes its own steps. */
export class CommitConflict extends Error {
  readonly code = 'EEXIST';
  constructor(readonly path: string, reason: string) {
    super(reason);
  }
}

const sameFile = (a: string, b: { dev: number; ino: number }) => {
  try {
    const stats = lstatSync(a);
    return stats.dev === b.dev && stats.ino === b.ino;
  } catch {
    return false;
  }
};

/** link(2), or on a file system without hard links a rename after checking the name is free. */
function placeWithoutOverwriting(from: string, to: string): void {
  try {
    linkSync(from, to);
    unlinkSync(from);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CommitConflict(to, 'appeared while writing');
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw error;
    if (lstatExists(to)) throw new CommitConflict(to, 'appeared while writing');
    renameSync(from, to);
  }
}

const lstatExists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

/** Refuses a folder of the destination that no longer resolves to itself: a link swapped in. */
function refuseMovedFolder(destination: string, folder: string): void {
  const expected = join(destination, folder);
  let real: string;
  try {
    real = realpathSync(expected);
  } catch {
    throw new CommitConflict(expected, 'disappeared while writing');
  }
  if (real !== expected) throw new CommitConflict(expected, 'was replaced by a link while writing');
}

/** Moves one staged file into the destination; pushes its undo steps. Skips a file an earlier, killed run moved already. */
function moveOne(journal: Journal, file: string, undo: (() => void)[]): void {
  const staged = join(journal.staging, 'new', file);
  if (!lstatExists(staged)) return;
  const stagedStats = lstatSync(staged);
  const target = join(journal.destination, file);
  const folder = dirname(file);
  try {
    for (const made of makeFolders(journal.destination, folder)) undo.push(() => rmdirSync(made));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new CommitConflict((error as NodeJS.ErrnoException).path ?? target, 'was replaced by a file or link while writing');
    throw error;
  }
  if (folder !== '.') refuseMovedFolder(journal.destination, folder);
  if (sameFile(target, stagedStats)) {
    unlinkSync(staged); // linked by a killed run, the staged name not yet removed
    return;
  }
  const backup = join(journal.staging, 'old', file);
  let replaced: { dev: number; ino: number } | undefined;
  const existing = (() => {
    try {
      return lstatSync(target);
    } catch {
      return undefined;
    }
  })();
  if (existing) {
    // Only a file that was there when the destination was checked is replaced (--force); any other appeared since.
    if (!existing.isFile() || !journal.replaced.includes(file) || lstatExists(backup)) throw new CommitConflict(target, 'appeared while writing');
    makeFolders(journal.staging, `old/${folder}`);
    renameSync(target, backup);
    replaced = existing;
    undo.push(() => {
      if (!lstatExists(target) && sameFile(backup, replaced!)) placeWithoutOverwriting(backup, target);
    });
  }
  placeWithoutOverwriting(staged, target);
  undo.push(() => {
    if (sameFile(target, stagedStats)) unlinkSync(target);
  });
  if (folder !== '.') refuseMovedFolder(journal.destination, folder);
}

/** Writes `bytes` over the file at `path` in place (through a link; hard links, owner and mode kept). */
export function overwriteInPlace(path: string, bytes: Buffer): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL', path });
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written);
    ftruncateSync(fd, bytes.length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The manifest as a killed in-place write can leave it: `after` up to some
 * byte, `before` from there on (the edit only grows the file). True when
 * `current` is such a mix, or either text whole.
 */
export function isPartialRewrite(current: Buffer, before: Buffer, after: Buffer): boolean {
  let common = 0;
  while (common < current.length && common < after.length && current[common] === after[common]) common += 1;
  if (common === current.length && current.length >= before.length) return current.length <= after.length;
  return current.subarray(common).equals(before.subarray(common)) && current.length === Math.max(before.length, common);
}

/** Moves the staged project in and edits the manifest; on any failure undoes every step and rethrows. */
export function commit(journal: Journal): void {
  const undo: (() => void)[] = [];
  try {
    if (journal.mode === 'new') {
      if (lstatExists(journal.destination)) throw new CommitConflict(journal.destination, 'appeared while writing');
      renameSync(journal.staging, journal.destination);
      undo.push(() => renameSync(journal.destination, journal.staging));
    } else {
      for (const file of journal.files) moveOne(journal, file, undo);
    }
    if (journal.manifest) {
      const { path } = journal.manifest;
      const before = Buffer.from(journal.manifest.before, 'base64');
      const after = Buffer.from(journal.manifest.after, 'base64');
      const current = readFileSync(path);
      if (!current.equals(before)) throw new CommitConflict(path, 'was changed by another program while writing');
      undo.push(() => overwriteInPlace(path, before));
      overwriteInPlace(path, after);
    }
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Best effort; the caller reports the failure itself.
      }
    }
    throw error;
  }
}

/** Finishes the commit of a killed run; returns a line for what could not be finished, if anything. */
export function rollForward(journal: Journal): string | undefined {
  const problems: string[] = [];
  if (journal.mode === 'new') {
    if (lstatExists(journal.staging)) {
      if (lstatExists(journal.destination)) problems.push(`${journal.destination} exists now, so the interrupted project stays in ${journal.staging}`);
      else renameSync(journal.staging, journal.destination);
    }
  } else {
    for (const file of journal.files) {
      try {
        moveOne(journal, file, []);
      } catch (error) {
        problems.push(`${join(journal.destination, file)}: ${(error as Error).message}`);
      }
    }
  }
  if (journal.manifest) {
    const { path } = journal.manifest;
    const before = Buffer.from(journal.manifest.before, 'base64');
    const after = Buffer.from(journal.manifest.after, 'base64');
    const current = readFileSync(path);
    if (!current.equals(after)) {
      if (isPartialRewrite(current, before, after)) overwriteInPlace(path, after);
      else problems.push(`${path} was changed since; add "${journal.destination}" to its workspace.members by hand`);
    }
  }
  if (journal.mode === 'in-place' && problems.length === 0) rmSync(journal.staging, { recursive: true, force: true });
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Undoes a run killed before its commit point: its staging and the folders it created (when still empty). */
export function discardStaging(journal: Journal): void {
  rmSync(journal.staging, { recursive: true, force: true });
  for (const folder of [...journal.createdFolders].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      // Not empty: someone else's now.
    }
  }
}
