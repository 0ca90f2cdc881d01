/**
 * Is this destination one we may write? Everything that can be checked is
 * checked before the first byte, for a run and a dry run alike: the path
 * (length, special file systems, files where folders must go, symbolic links
 * inside the destination), write permission, emptiness.
 */
import { accessSync, constants, readdirSync, realpathSync as realpathSyncInJs, statfsSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { DestinationNotEmptyError, UsageError } from '../core/errors.js';
import type { RenderedFile } from '../core/render.js';
import { asUsageError, showPath } from './fs-errors.js';
import { lstatMaybe, resolveDestination } from './paths.js';

/** The system's realpath(3): one call, where Node's JavaScript one lstats every component of the path. */
const realpathSync = realpathSyncInJs.native;

export type DestinationState = 'missing' | 'empty' | 'non-empty';

/** A destination that passed every check, ready to be written. */
export interface CheckedDestination {
  /** The absolute path written to (a symbolic link to a directory resolved to that directory). */
  path: string;
  state: DestinationState;
  /** Folders to create above a missing destination, outermost first. */
  missingFolders: string[];
  /** Generated files that exist already (with --force): the only ones the commit may replace. */
  replaced: string[];
}

const refuse = (message: string): never => {
  throw new UsageError(message);
};

/** Runs a check, turning file-system errors into one-line usage errors. */
export function checked<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw asUsageError(error);
  }
}


// procfs, sysfs, devpts, cgroup, cgroup2, debugfs, tracefs, securityfs, bpf, binfmt_misc, pstore, configfs, efivarfs
const specialFileSystems = new Set([
  0x9fa0, 0x62656572, 0x1cd1, 0x27e0eb, 0x63677270, 0x64626720, 0x74726163, 0x73636673, 0xcafe4a11, 0x42494e4d, 0x6165676c, 0x62656570, 0xde5e81e4,
]);

function refuseSpecial(existing: string, destination: string): void {
  const real = realpathSync(existing);
  const special = /^\/(proc|sys)(\/|$)/.test(real) || specialFileSystems.has(Number(statfsSync(real).type));
  if (special) refuse(`${showPath(destination)} is on a kernel file system (${real.split('/')[1] || real}), not a disk; choose a directory in your home or project folders`);
}

function refuseLongPath(destination: string): void {
  if (Buffer.byteLength(destination) >= 4000) refuse(`the destination path is ${Buffer.byteLength(destination)} bytes long, over what file systems allow (4096 with the files inside); choose a shorter one`);
  const long = destination.split(sep).find((part) => Buffer.byteLength(part) > 255);
  if (long) refuse(`the folder name "${long.slice(0, 40)}…" is ${Buffer.byteLength(long)} bytes long; file systems allow 255; choose a shorter one`);
}

export function refuseUnwritable(folder: string): void {
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') refuse(`${showPath(folder)} is on a read-only file system; choose a writable location`);
    if (code === 'EACCES' || code === 'EPERM') refuse(`${showPath(folder)} is not writable; choose a directory you can write to, or change its permissions`);
    throw error;
  }
}

/**
 * Entries that make a directory "not empty": anything but `.git` and the lock
 * this run holds there. A name that only looks like our staging is someone
 * else's file and counts.
 */
const userEntries = (directory: string, ownLock?: string) => readdirSync(directory).filter((name) => name !== '.git' && join(directory, name) !== ownLock);

/**
 * Refuses a generated path that could leave the destination or reach into its
 * repository: absolute, with `..` or `.` segments, or under `.git/` (a file
 * there, such as `.git/config` or a hook, is a command git runs).
 */
function refuseUnsafePaths(files: RenderedFile[], repository?: string): void {
  for (const { path } of files) {
    const parts = path.split('/');
    if (path === '' || path.startsWith('/') || path.includes('\0') || parts.some((part) => part === '' || part === '.' || part === '..')) {
      refuse(`the generated path ${JSON.stringify(path)} would leave the destination; fix the template that names it (nothing was written)`);
    }
    // A repository this run made itself (the course's git history) may fill .git/, which must then be new.
    if (parts[0].toLowerCase() === '.git' && !(repository === '.git' && parts[0] === '.git')) refuse(`the generated path ${JSON.stringify(path)} is inside .git/, which holds git's own files and commands; remove it from your templates (nothing was written)`);
  }
}

/**
 * Refuses a generated path that passes through a link, a file where a folder
 * must go, or a folder where a file must go; returns the generated files that exist.
 */
function refuseBlockedPaths(destination: string, files: RenderedFile[]): string[] {
  const existing: string[] = [];
  for (const file of files) {
    const parts = file.path.split('/');
    let current = destination;
    for (const [index, part] of parts.entries()) {
      current = join(current, part);
      const stats = lstatMaybe(current);
      if (!stats) break;
      const last = index === parts.length - 1;
      const shown = showPath(current);
      if (stats.isSymbolicLink()) {
        refuse(`${shown} is a symbolic link; generated files are never written through links, so replace it with a ${last ? 'file' : 'folder'} or choose another directory (nothing was written)`);
      }
      if (!last && !stats.isDirectory()) refuse(`${shown} is a file where the folder ${parts.slice(0, index + 1).join('/')}/ must go; move it away or choose another directory (nothing was written)`);
      if (last && stats.isDirectory()) refuse(`${shown} is a folder where the generated file ${file.path} belongs; move it away or choose another directory (nothing was written)`);
      if (last && !stats.isFile()) refuse(`${shown} is not a regular file; move it away or choose another directory (nothing was written)`);
      if (last) existing.push(file.path);
      else refuseUnwritable(current);
    }
  }
  return existing;
}

/**
 * Every check that can be made before writing, for a run and for a dry run
 * alike: throws a one-line UsageError for a destination that cannot be written.
 */
export function checkDestination(directory: string, files: RenderedFile[], force: boolean, ownLock?: string, repository?: string): CheckedDestination {
  return checked(() => inspect(directory, { files, force, ownLock, repository }));
}

/**
 * Refuses a destination that has `repository` (`.git`, or a folder holding
 * one) already, with or without --force: a repository of ours is written
 * whole or not at all, never merged into one that is there (or through a link
 * named so). Checked before emptiness, so the message is the same both ways.
 */
function refuseExistingRepository(path: string, shown: string, repository: string): void {
  if (lstatMaybe(join(path, repository))) {
    refuse(`${shown} already has a git repository (${repository === '.git' ? '.git' : `${repository}/`}); a repository is written only where there is none: choose another directory (nothing was written)`);
  }
}

/** The destination's canonical path (links resolved) and nothing else checked but what makes it a possible one. */
export function locateDestination(directory: string): CheckedDestination {
  return checked(() => inspect(directory));
}

function inspect(directory: string, content?: { files: RenderedFile[]; force: boolean; ownLock?: string; repository?: string }): CheckedDestination {
  if (content) refuseUnsafePaths(content.files, content.repository);
  {
    const requested = resolveDestination(directory);
    refuseLongPath(requested);
    // The nearest existing path at or above the destination.
    let existing = requested;
    const missingFolders: string[] = [];
    let stats = lstatMaybe(existing);
    while (!stats) {
      missingFolders.unshift(existing);
      existing = dirname(existing);
      stats = lstatMaybe(existing);
    }
    const shown = showPath(requested);
    if (existing === requested) {
      let path = requested;
      if (stats.isSymbolicLink()) {
        const target = (() => {
          try {
            return statSync(requested);
          } catch {
            return undefined;
          }
        })();
        if (!target) refuse(`${shown} is a symbolic link to a path that does not exist; remove the link or choose another directory`);
        if (!target!.isDirectory()) refuse(`${shown} is a link to something that is not a directory; choose another name`);
        path = realpathSync(requested);
      } else if (!stats.isDirectory()) {
        refuse(`${shown} exists and is not a directory; choose another name`);
      }
      refuseSpecial(path, requested);
      if (!content) return { path, state: 'non-empty', missingFolders: [], replaced: [] };
      const { files, force } = content;
      refuseUnwritable(path);
      if (content.repository) refuseExistingRepository(path, shown, content.repository);
      const entries = userEntries(path, content.ownLock);
      const state: DestinationState = entries.length === 0 ? 'empty' : 'non-empty';
      // The front end words it: `--force` for the CLI, plop's --force, the API's option.
      if (state === 'non-empty' && !force) throw new DestinationNotEmptyError(shown, files.length);
      const replaced = refuseBlockedPaths(path, files);
      return { path, state, missingFolders: [], replaced };
    }
    // The destination is missing: its nearest existing ancestor must be a writable directory.
    let ancestor: ReturnType<typeof statSync> | undefined;
    try {
      ancestor = statSync(existing);
    } catch {
      refuse(`${showPath(existing)} is a symbolic link to a path that does not exist, so ${shown} cannot be created; choose another directory`);
    }
    if (!ancestor!.isDirectory()) refuse(`${showPath(existing)} is a file, so ${shown} cannot be created inside it; choose another directory`);
    refuseSpecial(existing, requested);
    if (content) refuseUnwritable(existing);
    const realExisting = realpathSync(existing);
    const real = join(realExisting, relative(existing, requested));
    return { path: real, state: 'missing', missingFolders: missingFolders.map((folder) => join(realExisting, relative(existing, folder))), replaced: [] };
  }
}
