/**
 * The one way this package reads a file it did not write itself (a course's
 * files, an overlay, a journal, a workspace root, a git history it built):
 * only a regular file, under a size limit, without blocking. The name is
 * checked (lstat, or stat when links are followed), then opened with
 * O_NONBLOCK (a FIFO swapped in since opens at once instead of waiting for a
 * writer), O_NOCTTY, and O_NOFOLLOW unless links are followed (a link swapped
 * in since is refused), then what was opened is checked again (fstat), and
 * read to one byte past its size to see a file that grows meanwhile.
 *
 * Failures are typed (UnreadableFile.reason): each caller words them for what
 * it reads. Other errors (EACCES, ENOENT…) are thrown as they are.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export type UnreadableReason = 'link' | 'not-regular' | 'too-large' | 'changed' | 'grew';

export class UnreadableFile extends Error {
  constructor(readonly path: string, readonly reason: UnreadableReason, readonly size?: number) {
    super(`${path}: ${reason}`);
  }
}

export interface ReadOptions {
  /** Follow a symbolic link at the name (a workspace root's Cargo.toml may be one); default false. */
  follow?: boolean;
  /** What an earlier lstat saw: the file opened must be that one (same device and inode). */
  seen?: Stats;
}

/** The bytes of the regular file at `path`, at most `limit` of them. */
export function readRegularFile(path: string, limit: number, options: ReadOptions = {}): Buffer {
  const named = options.seen ?? (options.follow ? statSync(path) : lstatSync(path));
  if (named.isSymbolicLink()) throw new UnreadableFile(path, 'link');
  if (!named.isFile()) throw new UnreadableFile(path, 'not-regular');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0) | (options.follow ? 0 : (constants.O_NOFOLLOW ?? 0)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw new UnreadableFile(path, 'link');
    throw error;
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new UnreadableFile(path, 'not-regular');
    if (options.seen && (opened.dev !== options.seen.dev || opened.ino !== options.seen.ino)) throw new UnreadableFile(path, 'changed');
    if (opened.size > limit) throw new UnreadableFile(path, 'too-large', opened.size);
    const buffer = Buffer.alloc(opened.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const count = readSync(fd, buffer, length, buffer.length - length, null);
      if (count === 0) break;
      length += count;
    }
    if (length > opened.size) throw new UnreadableFile(path, 'grew');
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
