/**
 * A course's inputs read as data: paths inside their folder only, never
 * through a symbolic link, regular files only (a FIFO or device is refused
 * before it is opened, so nothing hangs), each under a size limit. Everything
 * here fails as one UsageError line.
 */
import { lstatSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import { showPath } from '../io/fs-errors.js';
import { lstatMaybe } from '../io/paths.js';
import { readRegularFile, UnreadableFile } from '../io/read-file.js';

/** Course files are a few dozen lines; these bound memory and the line diff (quadratic in lines). */
export const limits = {
  fileBytes: 256 * 1024,
  fileLines: 2_000,
  manifestBytes: 1024 * 1024,
  steps: 200,
  filesPerStep: 200,
};

/** Is `path` `root` itself or below it (both absolute)? */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}


/** Refuses a relative path that is absolute or climbs out of its folder; `what` names it in the message. */
export function refuseOutside(relativePath: string, what: string): void {
  if (relativePath === '' || isAbsolute(relativePath) || !isInside('/root', resolve('/root', relativePath))) {
    throw new UsageError(`${what} (${JSON.stringify(relativePath)}) is outside the course folder; name a file inside it, with a relative path`);
  }
}

/**
 * The entry `relativePath` names under `root`, walked one name at a time
 * without following links: undefined when it does not exist, refused when a
 * part of it is a symbolic link.
 */
export function lstatInside(root: string, relativePath: string, what: string): { path: string; stats: Stats } | undefined {
  refuseOutside(relativePath, what);
  let current = root;
  const parts = relative(root, resolve(root, relativePath)).split(sep).filter(Boolean);
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    const stats = lstatMaybe(current);
    if (!stats) return undefined;
    if (stats.isSymbolicLink()) {
      throw new UsageError(`${showPath(current)} is a symbolic link; a course's files are read only from inside its folder, never through links, so replace it with the ${index === parts.length - 1 ? 'file' : 'folder'} itself`);
    }
    if (index < parts.length - 1 && !stats.isDirectory()) return undefined;
    if (index === parts.length - 1) return { path: current, stats };
  }
  return { path: root, stats: lstatSync(root) };
}

/** A regular file's bytes (io/read-file.ts: never through a link, never blocking); at most `maxBytes`. */
export function readRegular(path: string, maxBytes: number, stats = lstatSync(path)): Buffer {
  try {
    return readRegularFile(path, maxBytes, { seen: stats });
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    if (error.reason === 'link') throw new UsageError(`${showPath(path)} is a symbolic link; a course reads files, never links`);
    if (error.reason === 'too-large') throw new UsageError(`${showPath(path)} is ${error.size} bytes, over the limit of ${maxBytes}; a course's files are small text files`);
    if (error.reason === 'not-regular') throw new UsageError(`${showPath(path)} is not a regular file (a FIFO, device, socket or folder); a course reads only regular files`);
    throw new UsageError(`${showPath(path)} changed while it was read; retry when nothing writes to it`);
  }
}

/** A text file of a course: a regular file inside `root`, under the byte and line limits; undefined when missing. */
export function readInside(root: string, relativePath: string, what: string, maxBytes = limits.fileBytes): { text: string; path: string } | undefined {
  const found = lstatInside(root, relativePath, what);
  if (!found) return undefined;
  const text = readRegular(found.path, maxBytes, found.stats).toString('utf8');
  refuseLongText(showPath(found.path), text);
  return { text, path: found.path };
}

/** Refuses a text of more lines than a step's diff can compare. */
export function refuseLongText(shown: string, text: string): void {
  let lines = 1;
  for (let index = text.indexOf('\n'); index !== -1 && lines <= limits.fileLines; index = text.indexOf('\n', index + 1)) lines++;
  if (lines > limits.fileLines) throw new UsageError(`${shown} has more than ${limits.fileLines} lines, over the limit for a course's file; split the step or shorten the file`);
}
