/**
 * Rendered files → disk, all or nothing, inside the destination only.
 *
 * Everything that can be checked is checked before the first byte: the path
 * (length, special file systems, files where folders must go, symbolic links
 * inside the destination), write permission, the workspace root. The files
 * are then written into a staging folder of ours, and a commit moves them in:
 * one rename for a new directory, one rename per file for an existing one
 * (written in place, never removed or renamed, so a shell inside it stays
 * there). A journal written just before the commit lets the next run finish
 * a commit that was killed halfway; a failure before it leaves nothing.
 * SIGINT/SIGTERM during the write either roll back or, past the commit point,
 * let it finish: never half a project.
 */
import {
  accessSync, constants, lstatSync, mkdir, readdirSync, realpathSync as realpathSyncInJs, renameSync, rmdirSync, rmSync, statfsSync, statSync, unlinkSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { DestinationNotEmptyError, UsageError } from '../core/errors.js';
import type { RenderedFile } from '../core/render.js';
import { asUsageError, describeFsError, showPath } from './fs-errors.js';
import { acquireLock, type Lock } from './lock.js';
import { resolveDestination } from './paths.js';
import {
  isStagingName, makeFolders, moveInPlace, stagingId, stagingName, sweepStaging, writeExclusive, type Journal,
} from './staging.js';
import { currentWorkspaceText, type WorkspaceEdit } from './workspace.js';

/** The system's realpath(3): one call, where Node's JavaScript one lstats every component of the path. */
const realpathSync = realpathSyncInJs.native;

export { resolveDestination } from './paths.js';

export type DestinationState = 'missing' | 'empty' | 'non-empty';

/** A destination that passed every check, ready to be written. */
export interface CheckedDestination {
  /** The absolute path written to (a symbolic link to a directory resolved to that directory). */
  path: string;
  state: DestinationState;
  /** Folders to create above a missing destination, outermost first. */
  missingFolders: string[];
}

/** Interrupted by a signal: exit 130 (SIGINT) or 143 (SIGTERM); the message says whether anything was written. */
export class InterruptedError extends UsageError {
  override readonly exitCode: number;
  constructor(signal: NodeJS.Signals, written?: string) {
    super(written ? `interrupted; the project was written completely to ${showPath(written)}` : 'interrupted; nothing was written');
    this.exitCode = signal === 'SIGTERM' ? 143 : 130;
  }
}

const refuse = (message: string): never => {
  throw new UsageError(message);
};

/** Runs a check, turning file-system errors into one-line usage errors. */
function checked<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw asUsageError(error);
  }
}

const lstatMaybe = (path: string) => {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
};

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

function refuseUnwritable(folder: string): void {
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') refuse(`${showPath(folder)} is on a read-only file system; choose a writable location`);
    if (code === 'EACCES' || code === 'EPERM') refuse(`${showPath(folder)} is not writable; choose a directory you can write to, or change its permissions`);
    throw error;
  }
}

/** Entries that make a directory "not empty": anything but `.git` and staging of ours. */
const userEntries = (directory: string) => readdirSync(directory).filter((name) => name !== '.git' && !isStagingName(name));

/** Refuses a generated path that passes through a link, a file where a folder must go, or a folder where a file must go. */
function refuseBlockedPaths(destination: string, files: RenderedFile[]): void {
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
      if (!last) refuseUnwritable(current);
    }
  }
}

/**
 * Every check that can be made before writing, for a run and for a dry run
 * alike: throws a one-line UsageError for a destination that cannot be written.
 */
export function checkDestination(directory: string, files: RenderedFile[], force: boolean): CheckedDestination {
  return checked(() => inspect(directory, { files, force }));
}

/** The destination's canonical path (links resolved) and nothing else checked but what makes it a possible one. */
function locateDestination(directory: string): CheckedDestination {
  return inspect(directory);
}

function inspect(directory: string, content?: { files: RenderedFile[]; force: boolean }): CheckedDestination {
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
      if (!content) return { path, state: 'non-empty', missingFolders: [] };
      const { files, force } = content;
      refuseUnwritable(path);
      const entries = userEntries(path);
      const state: DestinationState = entries.length === 0 ? 'empty' : 'non-empty';
      // The front end words it: `--force` for the CLI, plop's --force, the API's option.
      if (state === 'non-empty' && !force) throw new DestinationNotEmptyError(shown, files.length);
      refuseBlockedPaths(path, files);
      return { path, state, missingFolders: [] };
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
    return { path: real, state: 'missing', missingFolders: missingFolders.map((folder) => join(realExisting, relative(existing, folder))) };
  }
}

/** mkdir that yields to the event loop, so a signal is seen between steps (node:fs/promises costs a few ms to load). */
const mkdirAsync = (path: string) => new Promise<void>((done, fail) => mkdir(path, (error) => (error ? fail(error) : done())));

// --- Signals ---------------------------------------------------------------

/**
 * A write's record of a signal received while it runs. (Not an AbortController:
 * nothing here listens for the abort, and loading one costs ~0.4 ms of a start.)
 */
interface Interruption {
  /** The signal, once one came. */
  signal?: NodeJS.Signals;
}

/** Writes in progress, interrupted by a signal; each rolls back or, past its commit point, finishes first. */
const activeWrites = new Set<Interruption>();
let completedWrite: string | undefined;

/**
 * SIGINT → exit 130, SIGTERM → exit 143, with or without a terminal. Outside a
 * write, `exit` is called at once with what is on disk; during one, the write
 * ends first (rolled back, or complete) and rejects with InterruptedError.
 */
export function exitOnSignals(exit: (message: string, exitCode: number) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (activeWrites.size > 0) {
        for (const write of activeWrites) write.signal = signal;
        return;
      }
      const error = new InterruptedError(signal, completedWrite);
      exit(error.message, error.exitCode);
    });
  }
}

// --- Writing ---------------------------------------------------------------

/** Writes a manifest through a temporary file of ours renamed over it. */
export function writeManifest(manifest: string, text: string): void {
  const temporary = join(dirname(manifest), stagingName(stagingId(), '.toml'));
  writeExclusive(temporary, text, statSync(manifest).mode & 0o777);
  try {
    renameSync(temporary, manifest);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

async function stageFiles(root: string, files: RenderedFile[], interruption: Interruption): Promise<void> {
  await mkdirAsync(root);
  const made = new Set(['.']);
  for (const file of files) {
    if (interruption.signal) return;
    const folder = dirname(file.path);
    if (!made.has(folder)) {
      makeFolders(root, folder);
      made.add(folder);
    }
    writeExclusive(join(root, file.path), file.contents);
    await new Promise((resolve) => setImmediate(resolve)); // lets a signal in between files
  }
}

export interface WriteResult {
  /** Where the files went. */
  path: string;
  /** new: a directory created; in-place: an empty one filled; overwrite: --force into a non-empty one. */
  mode: 'new' | 'in-place' | 'overwrite';
  /** True when the workspace root's members were changed. */
  workspaceUpdated: boolean;
}

/** Writes the project and, when it lies in a Cargo workspace, the root manifest's new member: all of it, or nothing. */
/**
 * Writes the project (and the workspace root's new member). `startedAt` (ms
 * since the epoch) is when this run began: another run that finished writing
 * the same destination or root since then wins, and this one stops.
 */
export async function writeProject(
  directory: string, files: RenderedFile[], force: boolean, workspace?: WorkspaceEdit, startedAt = Date.now(),
): Promise<WriteResult> {
  const interruption: Interruption = {};
  activeWrites.add(interruption);
  const locks: Lock[] = [];
  let wrote = false;
  try {
    // Lock, then clean up after killed runs, then check: a refusal must not leave their staging behind.
    const first = checked(() => locateDestination(directory));
    locks.push(checked(() => acquireLock(`destination:${first.path}`, `to ${showPath(first.path)}`, startedAt)));
    if (workspace?.contents !== undefined) {
      locks.push(checked(() => acquireLock(`workspace:${realpathSync(workspace.manifest)}`, `to the workspace root ${showPath(workspace.manifest)}`, startedAt)));
    }
    const parent = dirname(first.path);
    const sweepFolders = [parent, first.path, ...(workspace ? [dirname(workspace.manifest)] : [])];
    await sweepStaging(sweepFolders, async () => {}).catch((error: unknown) => {
      throw asUsageError(error);
    });
    const destination = checked(() => checkDestination(directory, files, force));
    if (workspace?.contents !== undefined) {
      checked(() => refuseUnwritable(dirname(workspace.manifest)));
      checked(() => accessSync(workspace.manifest, constants.W_OK));
    }
    const result = await write(destination, files, workspace, interruption);
    wrote = true;
    completedWrite = result.path;
    if (interruption.signal) throw new InterruptedError(interruption.signal, result.path);
    return result;
  } finally {
    for (const lock of locks.reverse()) lock.release(wrote);
    activeWrites.delete(interruption);
  }
}

async function write(destination: CheckedDestination, files: RenderedFile[], workspace: WorkspaceEdit | undefined, interruption: Interruption): Promise<WriteResult> {
  const id = stagingId();
  const inPlace = destination.state !== 'missing';
  const created: string[] = [];
  const journalFolder = inPlace ? destination.path : dirname(destination.path);
  const staging = join(journalFolder, stagingName(id));
  const journalPath = join(journalFolder, stagingName(id, '.journal'));
  let manifestTemporary: string | undefined;
  /** Removes what this run wrote before its commit point. */
  const rollBack = () => {
    rmSync(staging, { recursive: true, force: true });
    if (manifestTemporary) rmSync(manifestTemporary, { force: true });
    rmSync(join(journalFolder, stagingName(id, '.tmp')), { force: true });
    rmSync(journalPath, { force: true });
    for (const folder of created.reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        // Not empty: someone else's now.
      }
    }
  };
  try {
    for (const folder of destination.missingFolders.slice(0, -1)) {
      await mkdirAsync(folder);
      created.push(folder);
    }
    if (inPlace) await mkdirAsync(staging);
    await stageFiles(inPlace ? join(staging, 'new') : staging, files, interruption);
    let manifestText: string | undefined;
    if (workspace?.contents !== undefined) {
      manifestText = await currentWorkspaceText(workspace);
      if (manifestText !== undefined) {
        manifestTemporary = join(dirname(workspace.manifest), stagingName(id, '.toml'));
        writeExclusive(manifestTemporary, manifestText, statSync(workspace.manifest).mode & 0o777);
      }
    }
    if (interruption.signal) throw new InterruptedError(interruption.signal);
    const journal: Journal = {
      mode: inPlace ? 'in-place' : 'new',
      destination: destination.path,
      staging,
      files: files.map((file) => file.path),
      ...(workspace && manifestTemporary ? { manifest: { path: workspace.manifest, temporary: manifestTemporary, member: workspace.member } } : {}),
    };
    const journalTemporary = join(journalFolder, stagingName(id, '.tmp'));
    writeExclusive(journalTemporary, JSON.stringify(journal));
    // The commit: synchronous from here on, so no signal handler runs in the middle.
    renameSync(journalTemporary, journalPath);
    commit(journal, journalPath);
    if (inPlace) rmSync(staging, { recursive: true, force: true });
    return { path: destination.path, mode: destination.state === 'missing' ? 'new' : destination.state === 'empty' ? 'in-place' : 'overwrite', workspaceUpdated: Boolean(manifestTemporary) };
  } catch (error) {
    rollBack();
    if (error instanceof UsageError) throw error;
    // A failure inside our staging is reported as the destination's: that is the path the user knows.
    const failed = error as NodeJS.ErrnoException;
    if (failed && typeof failed === 'object' && (!failed.path || failed.path.includes('.create-freestanding-'))) failed.path = destination.path;
    const message = describeFsError(error);
    throw message === undefined ? error : new UsageError(`${message} (nothing was written)`);
  }
}

/** Moves the staged project (and manifest) into place, or undoes every move and rethrows. */
function commit(journal: Journal, journalPath: string): void {
  const undo: (() => void)[] = [];
  try {
    if (journal.mode === 'new') {
      renameSync(journal.staging, journal.destination);
      undo.push(() => renameSync(journal.destination, journal.staging));
    } else {
      moveInPlace(journal, undo);
    }
    if (journal.manifest) renameSync(journal.manifest.temporary, journal.manifest.path);
    unlinkSync(journalPath);
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Best effort: the journal is removed by the caller; what cannot be undone is reported below.
      }
    }
    throw error;
  }
}
