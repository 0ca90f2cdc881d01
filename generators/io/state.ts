/**
 * This user's private folder: what a run must find again after it was killed
 * (commit journals) and the stamps of finished writes. A run trusts nothing it
 * finds in a destination, a clone or a shared folder as its own; only this
 * folder, which it creates 0700 and uses only while it is a directory (not a
 * link) owned by this user and closed to everyone else.
 *
 * Where: `$XDG_STATE_HOME/create-freestanding`, else
 * `~/.local/state/create-freestanding`; with no usable home, a folder of this
 * user's in the temporary directory (checked the same way).
 *
 * The cache folder (V8's code cache of the command, io/code-cache.ts) is
 * private the same way: `$XDG_CACHE_HOME/create-freestanding`, else
 * `~/.cache/create-freestanding`; with none, there is no cache.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { showPath } from './fs-errors.js';

let cached: string | undefined;

const uid = (): number | undefined => process.getuid?.();

/** Creates `folder` private (its parents as the umask says), or returns false when it cannot be created there. */
function makePrivate(folder: string): boolean {
  try {
    lstatSync(folder);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
  }
  try {
    mkdirSync(join(folder, '..'), { recursive: true });
    mkdirSync(folder, { mode: 0o700 });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EEXIST';
  }
}

/** Refuses a folder another user could write to or replace: it would let them plant a journal. */
function refuseShared(folder: string): void {
  const stats = lstatSync(folder);
  const owner = uid();
  if (stats.isSymbolicLink() || !stats.isDirectory()) {
    throw new UsageError(`${showPath(folder)} is not a folder (a link or a file); remove it, or set XDG_STATE_HOME to a private folder of yours`);
  }
  if (owner !== undefined && stats.uid !== owner) {
    throw new UsageError(`${showPath(folder)} belongs to another user (uid ${stats.uid}); set XDG_STATE_HOME to a private folder of yours`);
  }
  if (owner !== undefined && (stats.mode & 0o077) !== 0) {
    throw new UsageError(`${showPath(folder)} is open to other users (mode ${(stats.mode & 0o777).toString(8)}), so they could plant records in it; make it private with chmod 700 ${showPath(folder)}`);
  }
}

/** `$<xdg>/create-freestanding`, then `~/<inHome>/create-freestanding`: each only when absolute, as the XDG spec says. */
function xdgCandidates(xdgVariable: string, inHome: string[]): string[] {
  const xdg = process.env[xdgVariable];
  const home = (() => {
    try {
      return homedir();
    } catch {
      return '';
    }
  })();
  return [
    ...(xdg && isAbsolute(xdg) ? [join(xdg, 'create-freestanding')] : []),
    ...(home && isAbsolute(home) ? [join(home, ...inHome, 'create-freestanding')] : []),
  ];
}

/** The private folder, created on first use; a UsageError when it is not private. */
export function stateFolder(): string {
  if (cached !== undefined) return cached;
  const candidates = [...xdgCandidates('XDG_STATE_HOME', ['.local', 'state']), join(tmpdir(), `create-freestanding-${uid() ?? 'user'}`)];
  const folder = candidates.find(makePrivate);
  if (folder === undefined) throw new UsageError(`no private folder could be created for create-freestanding's records (tried ${candidates.map(showPath).join(', ')}); set XDG_STATE_HOME to a writable folder of yours`);
  refuseShared(folder);
  cached = folder;
  return folder;
}

/**
 * The private cache folder, created on first use; undefined where there is none
 * to trust: no owner to check (Windows), no home, or a folder another user
 * could write to (a code cache is code).
 */
export function cacheFolder(): string | undefined {
  if (uid() === undefined) return undefined;
  const folder = xdgCandidates('XDG_CACHE_HOME', ['.cache']).find(makePrivate);
  if (folder === undefined) return undefined;
  try {
    refuseShared(folder);
    return folder;
  } catch {
    return undefined;
  }
}
