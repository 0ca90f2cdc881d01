/**
 * One writer per destination and per workspace root. A lock is a file in a
 * private folder of the user's temporary directory, named after the locked
 * path and holding the owner's pid: a second run finds it and stops with one
 * line; a lock whose owner died (killed, even with SIGKILL) is taken over.
 * Releasing leaves a `.done` stamp for a minute, so a run that started before
 * another finished writing the same path also stops: of two runs at once,
 * one wins even when their writes do not overlap.
 *
 * No node:crypto: loading it costs a scaffold more than all its writes. Names
 * only have to differ, and every file here is created exclusively, never
 * through a link, so a guessed name cannot redirect a write.
 */
import {
  closeSync, constants, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { showPath } from './fs-errors.js';

/** Older than this, a lock is stale whatever its pid says (the pid may have been reused). */
const staleAfterMs = 60 * 60 * 1000;
/** How long a finished write's stamp is kept: longer than any run takes from its start to taking its lock. */
const stampKeptMs = 60_000;

/** `digits` hex digits for a temporary name (see above for why not node:crypto). */
export function randomHex(digits: number): string {
  let hex = '';
  while (hex.length < digits) hex += Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  return hex.slice(0, digits);
}

/** FNV-1a, 64 bits: a lock's file name from its key. A collision would only make two paths share a lock. */
export function lockName(key: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(key)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

/** A stamp is `<lock name>.<when the write finished, ms since the epoch>.done`: its age is read from its name, with no stat. */
const stampName = /^([0-9a-f]+)\.(\d+)\.done$/;

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/** The folder holding this user's locks: created private, refused when it is not ours (a link or another user's). */
function lockFolder(): string {
  const uid = process.getuid?.() ?? 0;
  const folder = join(tmpdir(), `create-freestanding-${uid}`);
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stats = lstatSync(folder);
  if (!stats.isDirectory() || (process.getuid && stats.uid !== uid) || (stats.mode & 0o022) !== 0) {
    throw new UsageError(`${showPath(folder)} is not a private folder of this user; remove it and retry`);
  }
  return folder;
}

function readOwner(path: string): { pid: number; mtimeMs: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(64);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return { pid: Number.parseInt(buffer.subarray(0, length).toString('utf8'), 10), mtimeMs: fstatSync(fd).mtimeMs };
  } finally {
    closeSync(fd);
  }
}

const isStale = (owner: { pid: number; mtimeMs: number }) => !processAlive(owner.pid) || Date.now() - owner.mtimeMs >= staleAfterMs;

/** Moves a stale lock aside and deletes it; should another run have replaced it meanwhile, its fresh lock is put back. */
function removeStale(path: string, stalePid: number): void {
  try {
    const aside = `${path}.${randomHex(8)}.stale`;
    renameSync(path, aside);
    if (readOwner(aside)?.pid !== stalePid) {
      try {
        linkSync(aside, path);
      } catch {
        // A third run holds it now; ours is not taken either way.
      }
    }
    unlinkSync(aside);
  } catch {
    // Another run took it over first.
  }
}

export interface Lock {
  /** `wrote`: this run changed what the lock guards, which a run that started meanwhile must learn. */
  release(wrote: boolean): void;
}

/**
 * One pass over the lock folder, made once our lock is taken: clears what
 * runs left (locks of dead owners; after a minute stamps, drafts and set-aside
 * locks) and says when another run last finished writing under the lock
 * `name` (ms since the epoch), if within the last minute. Most entries are
 * fresh stamps, passed over on their name alone.
 */
function sweepFolder(folder: string, name: string): number | undefined {
  const now = Date.now();
  let finished: number | undefined;
  for (const entry of readdirSync(folder)) {
    try {
      const stamp = stampName.exec(entry);
      if (stamp) {
        if (now - Number(stamp[2]) > stampKeptMs) unlinkSync(`${folder}/${entry}`);
        else if (stamp[1] === name) finished = Math.max(finished ?? 0, Number(stamp[2]));
      } else if (entry.endsWith('.lock')) {
        const path = `${folder}/${entry}`;
        const owner = readOwner(path);
        if (owner && isStale(owner)) removeStale(path, owner.pid);
      } else if (/\.(draft|stale|done)$/.test(entry) && now - lstatSync(`${folder}/${entry}`).mtimeMs > stampKeptMs) {
        unlinkSync(`${folder}/${entry}`);
      }
    } catch {
      // Removed by another run.
    }
  }
  return finished;
}

/**
 * Takes the lock on `key` (a canonical path) for this process, or throws a
 * UsageError naming the running owner, or the run that finished writing after
 * `startedAt` (when this run began, ms since the epoch). `what` says what is
 * locked, for the message.
 */
export function acquireLock(key: string, what: string, startedAt?: number): Lock {
  const folder = lockFolder();
  const name = lockName(key);
  const path = join(folder, `${name}.lock`);
  const token = `${process.pid} ${randomHex(16)}\n`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    // The lock appears whole or not at all: written under a private name, then linked to its real one.
    const draft = `${path}.${randomHex(12)}.draft`;
    const fd = openSync(draft, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, token);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (!owner) continue; // released meanwhile
      if (!isStale(owner)) {
        throw new UsageError(`another create-freestanding (pid ${owner.pid}) is writing ${what}; wait for it to finish, then retry`);
      }
      removeStale(path, owner.pid); // its owner is gone; the next attempt takes it
      continue;
    } finally {
      unlinkSync(draft);
    }
    const release = (stamp: boolean) => {
      // Only our own lock is removed, never one a later run took over.
      const current = readOwner(path);
      if (current?.pid !== process.pid) return;
      try {
        if (stamp) closeSync(openSync(join(folder, `${name}.${Date.now()}.done`), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600));
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    };
    const finished = sweepFolder(folder, name);
    if (startedAt !== undefined && finished !== undefined && finished > startedAt) {
      release(false);
      throw new UsageError(`another create-freestanding wrote ${what} while this one was starting; run it again if you mean to write there too`);
    }
    return { release };
  }
  throw new UsageError(`another create-freestanding is writing ${what}; wait for it to finish, then retry`);
}
