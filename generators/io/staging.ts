/**
 * Staging folders: where a run writes the project before its commit moves it
 * in. Short names (`.create-freestanding-<pid>-<8 hex>`, at most 40 bytes
 * whatever the destination is called), created exclusively and never through
 * a link. A staging folder is ours only when this user's private journal
 * names it (see journal.ts): a folder that merely has such a name is someone
 * else's and is never touched.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex } from './lock.js';

const prefix = '.create-freestanding-';
const ownName = /^\.create-freestanding-(\d+)-([0-9a-f]{8})$/;

/** A fresh staging id for this process. */
export const stagingId = (): string => `${process.pid}-${randomHex(8)}`;
export const stagingName = (id: string): string => `${prefix}${id}`;
export const isStagingId = (id: string): boolean => ownName.test(stagingName(id));

/** Creates `path` exclusively (never through a link) and writes `contents`; mode as the file it replaces, or the umask's. */
export function writeExclusive(path: string, contents: string | Uint8Array, mode = 0o666): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    const buffer = typeof contents === 'string' ? Buffer.from(contents) : contents;
    let written = 0;
    while (written < buffer.length) written += writeSync(fd, buffer, written);
  } finally {
    closeSync(fd);
  }
}

/** Creates every missing folder of `relativeDirectory` under `root`, one at a time and never through a link; returns those it created. */
export function makeFolders(root: string, relativeDirectory: string): string[] {
  const created: string[] = [];
  let current = root;
  for (const part of relativeDirectory.split('/').filter((segment) => segment !== '' && segment !== '.')) {
    current = join(current, part);
    try {
      mkdirSync(current);
      created.push(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lstatSync(current).isDirectory()) {
        throw Object.assign(new Error(`not a directory: ${current}`), { code: 'ENOTDIR', path: current });
      }
    }
  }
  return created;
}
