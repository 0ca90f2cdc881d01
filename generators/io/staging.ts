/**
 * Staging folders, temporary files and commit journals: short names we can
 * recognise (`.create-freestanding-<pid>-<8 hex>`, at most 40 bytes whatever
 * the destination is called), created exclusively and never through a link.
 * A run killed before its commit point leaves staging that the next run
 * removes; one killed after it leaves a journal that the next run completes.
 */
import {
  closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { processAlive, randomHex } from './lock.js';

const prefix = '.create-freestanding-';
const ownName = /^\.create-freestanding-(\d+)-([0-9a-f]{8})(\.journal|\.toml|\.tmp)?$/;
const staleAfterMs = 60 * 60 * 1000;

/** A fresh staging id for this process. */
export const stagingId = (): string => `${process.pid}-${randomHex(8)}`;
export const stagingName = (id: string, suffix = ''): string => `${prefix}${id}${suffix}`;
export const isStagingName = (name: string): boolean => ownName.test(name);

/** Creates `path` exclusively (never through a link) and writes `contents`; mode as the file it replaces, or the umask's. */
export function writeExclusive(path: string, contents: string | Buffer, mode = 0o666): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    const buffer = typeof contents === 'string' ? Buffer.from(contents) : contents;
    let written = 0;
    while (written < buffer.length) written += writeSync(fd, buffer, written);
  } finally {
    closeSync(fd);
  }
}

/** What a commit does, written down before it starts so that a killed run can be completed. */
export interface Journal {
  mode: 'new' | 'in-place';
  destination: string;
  /** New mode: the folder renamed into place. In place: holds `new/` (files to move in) and `old/` (replaced files). */
  staging: string;
  files: string[];
  manifest?: { path: string; temporary: string; member: string };
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

/** Moves the staged files of an in-place journal into the destination; returns the undo steps (most recent last). */
export function moveInPlace(journal: Journal, undo: (() => void)[] = []): (() => void)[] {
  for (const file of journal.files) {
    const staged = join(journal.staging, 'new', file);
    if (!existsSync(staged)) continue; // already moved by an earlier, killed run
    const target = join(journal.destination, file);
    for (const folder of makeFolders(journal.destination, dirname(file))) undo.push(() => rmdirSync(folder));
    let backup: string | undefined;
    try {
      if (!lstatSync(target).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR', path: target });
      backup = join(journal.staging, 'old', file);
      makeFolders(journal.staging, `old/${dirname(file)}`);
      renameSync(target, backup);
      const saved = backup;
      undo.push(() => renameSync(saved, target));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    renameSync(staged, target);
    undo.push(() => (backup ? renameSync(target, staged) : unlinkSync(target)));
  }
  return undo;
}

function readJournal(path: string): Journal | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Journal;
  } catch {
    return undefined;
  }
}

function ownerGone(folder: string, name: string): boolean {
  const match = ownName.exec(name);
  if (!match) return false;
  if (!processAlive(Number(match[1]))) return true;
  try {
    return Date.now() - lstatSync(join(folder, name)).mtimeMs > staleAfterMs;
  } catch {
    return false;
  }
}

/**
 * Cleans up after runs that died in `folders`: completes every committed
 * journal (with `addMember` for a workspace manifest whose temporary file is
 * gone), then removes the staging and temporary files left. Only names of our
 * pattern whose owner is dead (or that are over an hour old) are touched.
 */
export async function sweepStaging(folders: string[], addMember: (manifest: string, member: string) => Promise<void>): Promise<void> {
  const leftovers: string[] = [];
  const journals: string[] = [];
  for (const folder of new Set(folders)) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || !ownerGone(folder, name)) continue;
      (name.endsWith('.journal') ? journals : leftovers).push(join(folder, name));
    }
  }
  for (const path of journals) {
    const journal = readJournal(path);
    if (journal) {
      if (journal.mode === 'new') {
        if (existsSync(journal.staging) && !existsSync(journal.destination)) renameSync(journal.staging, journal.destination);
      } else {
        moveInPlace(journal);
      }
      if (journal.manifest) {
        if (existsSync(journal.manifest.temporary)) renameSync(journal.manifest.temporary, journal.manifest.path);
        else await addMember(journal.manifest.path, journal.manifest.member);
      }
      if (journal.mode === 'in-place') rmSync(journal.staging, { recursive: true, force: true });
    }
    unlinkSync(path);
  }
  for (const path of leftovers) rmSync(path, { recursive: true, force: true });
}
