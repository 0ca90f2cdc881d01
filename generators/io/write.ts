/**
 * Rendered files → disk, all or nothing, inside the destination only:
 *
 * 1. lock the destination (and the workspace root), so one run writes there;
 * 2. recover this user's own killed runs there (recovery.ts);
 * 3. check the destination (destination.ts), as a dry run does;
 * 4. record the journal in the private folder, then write the files into a
 *    staging folder of ours beside (new) or inside (in place) the destination;
 * 5. the commit point: the journal says "commit"; the commit (commit.ts) moves
 *    the files in and edits the root manifest, synchronously, or undoes itself.
 *
 * A failure or signal before 5 leaves nothing; a kill after it leaves a
 * journal that the next run finishes. A signal during 4 rolls back; during 5
 * the commit completes and the run says so (signals.ts).
 */
import { accessSync, constants, mkdir, readFileSync, realpathSync as realpathSyncInJs, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { RenderedFile } from '../core/render.js';
import { commit, CommitConflict, discardStaging } from './commit.js';
import { checkDestination, checked, locateDestination, refuseUnwritable, type CheckedDestination } from './destination.js';
import { asUsageError, describeFsError, showPath } from './fs-errors.js';
import { recordJournal, removeJournal, type Journal } from './journal.js';
import { acquireLock, LockFolderUnwritable, type Lock } from './lock.js';
import { recoverKilledRuns } from './recovery.js';
import { beginWrite, endWrite, InterruptedError, letSignalsIn, type Interruption } from './signals.js';
import { makeFolders, stagingId, stagingName, writeExclusive } from './staging.js';
import { currentWorkspaceText, type WorkspaceEdit } from './workspace.js';

const realpathSync = realpathSyncInJs.native;

/** mkdir that yields to the event loop, so a signal is seen between steps (node:fs/promises costs a few ms to load). */
const mkdirAsync = (path: string) => new Promise<void>((done, fail) => mkdir(path, (error) => (error ? fail(error) : done())));

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
    await letSignalsIn(); // a signal is seen between files
  }
}

/** The files, or what makes them once the destination is locked and recovered (the course's git history). */
export type FilesToWrite = RenderedFile[] | ((interruption: Interruption) => Promise<RenderedFile[]>);

export interface WriteOptions {
  /**
   * A repository folder (`.git`, or one holding a `.git`) the files fill: the
   * destination must not have it yet, with or without force (destination.ts).
   */
  repository?: string;
}

export interface WriteResult {
  /** Where the files went. */
  path: string;
  /** What recovering earlier, killed runs could not do, one line each. */
  notes: string[];
}

/**
 * Writes the project (and the workspace root's new member). `startedAt` (ms
 * since the epoch) is when this run began: another run that finished writing
 * the same destination or root since then wins, and this one stops.
 */
export async function writeProject(
  directory: string, filesToWrite: FilesToWrite, force: boolean, workspace?: WorkspaceEdit, startedAt = Date.now(), options: WriteOptions = {},
): Promise<WriteResult> {
  const interruption = beginWrite();
  const locks: Lock[] = [];
  let written: string | undefined;
  try {
    const located = locateDestination(directory);
    // A destination closed to us is refused before its lock, which would only keep others out.
    if (located.state !== 'missing') checked(() => refuseUnwritable(located.path));
    const destinationLock = checked(() => acquireLock(located.path, `to ${showPath(located.path)}`, startedAt));
    locks.push(destinationLock);
    let manifest: string | undefined;
    if (workspace) {
      const root = checked(() => realpathSync(workspace.manifest));
      if (workspace.contents !== undefined) manifest = root;
      try {
        locks.push(acquireLock(root, `to the workspace root ${showPath(workspace.manifest)}`, startedAt));
      } catch (error) {
        // A root that lists the crate already is only read: a folder closed to us is no reason to stop.
        if (manifest !== undefined || !(error instanceof LockFolderUnwritable)) throw asUsageError(error);
      }
    }
    const notes = checked(() => recoverKilledRuns({ destination: located.path, manifest }));
    let files: RenderedFile[];
    if (typeof filesToWrite === 'function') {
      files = await filesToWrite(interruption);
      if (interruption.signal) throw new InterruptedError(interruption.signal);
    } else files = filesToWrite;
    const destination = checkDestination(directory, files, force, destinationLock.path, options.repository);
    if (manifest !== undefined) checked(() => accessSync(manifest, constants.W_OK));
    await write(destination, files, workspace, locks.map((lock) => lock.path), interruption);
    written = destination.path;
    await letSignalsIn(); // a signal sent during the synchronous commit is handled now, and reported
    if (interruption.signal) throw new InterruptedError(interruption.signal, destination.path);
    return { path: destination.path, notes };
  } finally {
    for (const lock of locks.reverse()) lock.release(written !== undefined);
    endWrite(interruption, written);
  }
}

async function write(destination: CheckedDestination, files: RenderedFile[], workspace: WorkspaceEdit | undefined, locks: string[], interruption: Interruption): Promise<void> {
  const id = stagingId();
  const inPlace = destination.state !== 'missing';
  const journal: Journal = {
    id,
    phase: 'staging',
    mode: inPlace ? 'in-place' : 'new',
    destination: destination.path,
    staging: join(inPlace ? destination.path : dirname(destination.path), stagingName(id)),
    files: files.map((file) => file.path),
    replaced: destination.replaced,
    createdFolders: destination.missingFolders.slice(0, -1),
    locks,
  };
  const created: string[] = [];
  let recorded = false;
  try {
    // Recorded before the first byte in the destination: a kill from here on is undone (or finished) by the next run.
    recordJournal(journal);
    recorded = true;
    for (const folder of journal.createdFolders) {
      await mkdirAsync(folder);
      created.push(folder);
    }
    if (inPlace) await mkdirAsync(journal.staging);
    await stageFiles(inPlace ? join(journal.staging, 'new') : journal.staging, files, interruption);
    if (workspace?.contents !== undefined) {
      // The edit is made again if the root changed since it was planned; read around it, so it is of these bytes.
      const before = readFileSync(workspace.manifest);
      const manifestText = await currentWorkspaceText(workspace);
      if (!readFileSync(workspace.manifest).equals(before)) throw new CommitConflict(workspace.manifest, 'was changed by another program while writing');
      if (manifestText !== undefined) {
        journal.manifest = { path: realpathSync(workspace.manifest), before: before.toString('base64'), after: Buffer.from(manifestText).toString('base64') };
      }
    }
    if (interruption.signal) throw new InterruptedError(interruption.signal);
    // The commit point, then the commit: synchronous from here on, so no signal handler runs in the middle.
    journal.phase = 'commit';
    recordJournal(journal);
    commit(journal);
    // Staging goes before the journal: a kill while it is removed leaves the journal, whose next run removes the rest.
    if (inPlace) rmSync(journal.staging, { recursive: true, force: true });
    removeJournal(id);
  } catch (error) {
    if (recorded) {
      discardStaging({ ...journal, createdFolders: created });
      removeJournal(id);
    }
    if (error instanceof UsageError) throw error;
    if (error instanceof CommitConflict) {
      throw new UsageError(`${showPath(error.path)} ${error.message}: another program is writing there, so this run took back what it had written (nothing was written)`);
    }
    // A failure inside our staging is reported as the destination's: that is the path the user knows.
    const failed = error as NodeJS.ErrnoException;
    if (failed && typeof failed === 'object' && (!failed.path || failed.path.includes('.create-freestanding-'))) failed.path = destination.path;
    const message = describeFsError(error);
    throw message === undefined ? error : new UsageError(`${message} (nothing was written)`);
  }
}
