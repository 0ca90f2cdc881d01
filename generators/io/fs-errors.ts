/**
 * File-system failures as one line naming the fix. A Node error carries an
 * errno code and the path it was about; users get neither a stack trace nor
 * a bare code.
 */
import { UsageError } from '../core/errors.js';
import { showText } from '../core/shell.js';

/** A path printed on one line, whatever characters it holds: quoted, with every control character escaped (a newline, ESC, DEL, C1), so a name cannot forge lines or drive the terminal. */
export const showPath = (path: string): string => showText(path);

const fixes: Record<string, (path: string) => string> = {
  EACCES: (path) => `${path}: permission denied; choose a directory you can write to, or change its permissions`,
  EPERM: (path) => `${path}: operation not permitted (read-only or immutable?); choose a directory you can write to`,
  EROFS: (path) => `${path} is on a read-only file system; choose a writable location`,
  ENOTDIR: (path) => `${path}: a part of this path is a file, not a directory; choose another path`,
  EISDIR: (path) => `${path} is a directory where a file belongs; move it away or choose another directory`,
  ENAMETOOLONG: (path) => `${path.slice(0, 80)}…: the path or one of its names is too long; choose a shorter one`,
  ENOSPC: (path) => `no space left on the device holding ${path}; free some space and retry`,
  EDQUOT: (path) => `disk quota exceeded writing ${path}; free some space and retry`,
  ELOOP: (path) => `${path}: too many levels of symbolic links; choose another path`,
  EXDEV: (path) => `${path} is on another file system than its staging folder; choose a directory on one file system`,
  EEXIST: (path) => `${path} appeared while writing (another program is writing there); retry`,
  ENOENT: (path) => `${path} disappeared while writing (another program removed it); retry`,
  ENOTEMPTY: (path) => `${path} was filled while writing (another program is writing there); retry`,
  EBUSY: (path) => `${path} is busy (a mount point?); choose another directory`,
  EINVAL: (path) => `${path} cannot be written here; choose another directory`,
  EMFILE: (path) => `too many open files while writing ${path}; close some programs and retry`,
  EIO: (path) => `input/output error writing ${path}; check the disk and retry`,
};

/** The one-line message for a file-system error, or undefined when `error` is not one. */
export function describeFsError(error: unknown): string | undefined {
  const { code, path, dest } = (error ?? {}) as { code?: unknown; path?: unknown; dest?: unknown };
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  const where = showPath(typeof dest === 'string' && code === 'EEXIST' ? dest : typeof path === 'string' ? path : 'a file');
  return fixes[code]?.(where) ?? `${where}: ${code} from the file system; choose another directory or retry`;
}

/** `error` as a UsageError when it is a file-system error; other errors are returned unchanged (they are bugs). */
export function asUsageError(error: unknown): unknown {
  if (error instanceof UsageError) return error;
  const message = describeFsError(error);
  return message === undefined ? error : new UsageError(message);
}
