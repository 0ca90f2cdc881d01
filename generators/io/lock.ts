/**
 * One writer per destination and per workspace root, whoever runs it and
 * whatever TMPDIR says. A lock is a file beside what it guards (in the nearest
 * existing folder above it; inside it when that folder is not writable): a
 * symbolic link whose target is the owner's pid, so that it appears whole or
 * not at all (a file would exist empty until written, and a run killed in
 * between would leave a lock nobody can judge). A second run finds it and
 * stops with one line; a lock whose owner died (even by SIGKILL) is taken over.
 * Only someone who may write in that folder can hold a lock there, and they
 * could as well create the destination themselves.
 *
 * Releasing leaves a stamp in this user's private folder for a minute, so a
 * run that started before another finished writing the same path also stops:
 * of two runs at once, one wins even when their writes do not overlap.
 *
 * No node:crypto: loading it costs a scaffold more than all its writes. Names
 * only have to differ, and every file here is created exclusively, never
 * through a link, so a guessed name cannot redirect a write.
 */
import {
  accessSync, closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, renameSync, symlinkSync, unlinkSync, writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { fnv1a64 } from '../core/fnv.js';
import { showPath } from './fs-errors.js';
import { stateFolder } from './state.js';

/** Older than this, a lock is stale whatever its pid says (the pid may have been reused). */
const staleAfterMs = 60 * 60 * 1000;
/** A lock file (no links on this file system) still empty after this long was left by a run killed while creating it. */
const emptyStaleAfterMs = 10_000;
/** How long a finished write's stamp is kept: longer than any run takes from its start to taking its lock. */
const stampKeptMs = 60_000;

/** `digits` hex digits for a temporary name (see above for why not node:crypto). */
export function randomHex(digits: number): string {
  let hex = '';
  while (hex.length < digits) hex += Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  return hex.slice(0, digits);
}

/** A lock's file name from its path. A collision would only make two paths share a lock. */
export const lockName = (key: string): string => fnv1a64(key);

/** The lock file's name for a path: never one a generated file or our staging uses. */
export const lockFileName = (path: string): string => `.create-freestanding-${lockName(path)}.lock`;

/** A stamp is `<lock name>.<when the write finished, ms since the epoch>.done`: its age is read from its name, with no stat. */
const stampName = /^([0-9a-f]{16})\.(\d+)\.done$/;

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

const writable = (folder: string): boolean => {
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** No folder to hold the lock is writable (the write itself would fail too). */
export class LockFolderUnwritable extends UsageError {}

/** The nearest existing folder above `path`, if writable; else `path` itself when it is a writable folder. */
export function lockFolderFor(path: string): string {
  let above = dirname(path);
  for (;;) {
    try {
      if (lstatSync(above)) break;
    } catch {
      const parent = dirname(above);
      if (parent === above) break;
      above = parent;
    }
  }
  if (writable(above)) return above;
  let isFolder = false;
  try {
    isFolder = lstatSync(path).isDirectory();
  } catch {
    // Missing: the folder above decides.
  }
  if (isFolder && writable(path)) return path;
  throw new LockFolderUnwritable(`${showPath(isFolder ? path : above)} is not writable; choose a directory you can write to, or change its permissions`);
}

interface Owner { pid: number; uid?: number; mtimeMs: number }

function readOwner(path: string): Owner | undefined {
  try {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return { pid: Number.parseInt(readlinkSync(path), 10), uid: stats.uid, mtimeMs: stats.mtimeMs };
    return readFileOwner(path);
  } catch {
    return undefined;
  }
}

/** A lock written as a file, where the file system has no symbolic links. */
function readFileOwner(path: string): Owner | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { pid: Number.NaN, uid: stats.uid, mtimeMs: 0 };
    const buffer = Buffer.alloc(64);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return { pid: Number.parseInt(buffer.subarray(0, length).toString('utf8'), 10), uid: stats.uid, mtimeMs: stats.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** Creates the lock whole: a symbolic link holding `token`, or an exclusive file where links cannot be made. */
function createLock(path: string, token: string): void {
  try {
    symlinkSync(token, path);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  }
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    writeSync(fd, token);
  } finally {
    closeSync(fd);
  }
}

function isStale(owner: Owner): boolean {
  const age = Date.now() - owner.mtimeMs;
  if (Number.isNaN(owner.pid)) return age >= emptyStaleAfterMs;
  return !processAlive(owner.pid) || age >= staleAfterMs;
}

/**
 * Moves a stale lock aside and deletes it; should another run have replaced it
 * meanwhile, its fresh lock is put back. False when the folder does not let
 * us (a sticky folder and another user's lock).
 */
function removeStale(path: string, stalePid: number): boolean {
  const aside = `${path}.${randomHex(8)}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return !(code === 'EPERM' || code === 'EACCES');
  }
  try {
    const owner = readOwner(aside);
    if (owner && owner.pid !== stalePid && !Number.isNaN(stalePid)) {
      try {
        linkSync(aside, path);
      } catch {
        // A third run holds it now; ours is not taken either way.
      }
    }
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // Gone already.
    }
  }
  return true;
}

/** Removes the lock at `lockPath` if it is still that of `pid` and `pid` is gone: the lock of a killed run, named by its journal. */
export function removeLockOf(lockPath: string, pid: number): void {
  const owner = readOwner(lockPath);
  if (owner && owner.pid === pid && isStale(owner)) removeStale(lockPath, pid);
}

export interface Lock {
  /** `wrote`: this run changed what the lock guards, which a run that started meanwhile must learn. */
  release(wrote: boolean): void;
  /** The lock file's path (the destination check does not count it as content). */
  path: string;
}

/** Clears stamps older than a minute and says when another run last finished writing under `name`, if since. */
function lastFinished(folder: string, name: string): number | undefined {
  const now = Date.now();
  let finished: number | undefined;
  for (const entry of readdirSync(folder)) {
    const stamp = stampName.exec(entry);
    if (!stamp) continue;
    if (now - Number(stamp[2]) > stampKeptMs) {
      try {
        unlinkSync(join(folder, entry));
      } catch {
        // Removed by another run.
      }
    } else if (stamp[1] === name) finished = Math.max(finished ?? 0, Number(stamp[2]));
  }
  return finished;
}

/**
 * Takes the lock on `path` (a canonical absolute path: a destination, or a
 * workspace root's manifest) for this process, or throws a UsageError naming
 * the running owner, or the run that finished writing after `startedAt` (when
 * this run began, ms since the epoch). `what` says what is locked, for the message.
 */
export function acquireLock(path: string, what: string, startedAt?: number): Lock {
  const state = stateFolder();
  const name = lockName(path);
  const lockPath = join(lockFolderFor(path), lockFileName(path));
  const token = `${process.pid} ${randomHex(16)}`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      createLock(lockPath, token);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(lockPath);
      if (!owner) continue; // released meanwhile
      if (!isStale(owner)) {
        throw new UsageError(`another create-freestanding (pid ${owner.pid}) is writing ${what}; wait for it to finish, then retry`);
      }
      if (!removeStale(lockPath, owner.pid)) {
        throw new UsageError(`${showPath(lockPath)} is a lock left by a create-freestanding of user ${owner.uid} that is no longer running, and this folder lets only its owner remove it; ask them (or root) to remove it, or choose another directory`);
      }
      continue;
    }
    const ours = () => readOwner(lockPath)?.pid === process.pid;
    const release = (stamp: boolean) => {
      // Only our own lock is removed, never one a later run took over.
      try {
        if (!ours()) return;
        if (stamp) closeSync(openSync(join(state, `${name}.${Date.now()}.done`), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600));
        unlinkSync(lockPath);
      } catch {
        // Already gone.
      }
    };
    const finished = lastFinished(state, name);
    if (startedAt !== undefined && finished !== undefined && finished > startedAt) {
      release(false);
      throw new UsageError(`another create-freestanding wrote ${what} while this one was starting; run it again if you mean to write there too`);
    }
    return { release, path: lockPath };
  }
  throw new UsageError(`another create-freestanding is writing ${what}; wait for it to finish, then retry`);
}
