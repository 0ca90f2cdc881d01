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

/** The private folder, created on first use; a UsageError when it is not private. */
export function stateFolder(): string {
  if (cached !== undefined) return cached;
  const xdg = process.env.XDG_STATE_HOME;
  const home = (() => {
    try {
      return homedir();
    } catch {
      return '';
    }
  })();
  const candidates = [
    ...(xdg && isAbsolute(xdg) ? [join(xdg, 'create-freestanding')] : []),
    ...(home && isAbsolute(home) ? [join(home, '.local', 'state', 'create-freestanding')] : []),
    join(tmpdir(), `create-freestanding-${uid() ?? 'user'}`),
  ];
  const folder = candidates.find(makePrivate);
  if (folder === undefined) throw new UsageError(`no private folder could be created for create-freestanding's records (tried ${candidates.map(showPath).join(', ')}); set XDG_STATE_HOME to a writable folder of yours`);
  refuseShared(folder);
  cached = folder;
  return folder;
}
