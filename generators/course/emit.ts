/**
 * Writing a course: folders (steps/NN-id/, each a complete project) and/or a
 * git repository with one commit per step, tagged step-NN-id, so that
 * `git diff step-04-….step-05-…` is exactly that step's change.
 *
 * As the create command writes: under the destination's lock, into a staging
 * folder of ours (`.create-freestanding-course-<pid>-<8 hex>`), files created
 * exclusively and never through a link, then moved into place; nothing is
 * written through a link in the destination; a signal removes the staging
 * and says so; staging a killed run left is removed by the next run.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { UsageError } from '../core/errors.js';
import { showPath } from '../io/fs-errors.js';
import { acquireLock, processAlive, randomHex } from '../io/lock.js';
import { makeFolders, writeExclusive } from '../io/staging.js';
import { stateFolder } from '../io/state.js';
import type { StepState } from './steps.js';
import { lstatMaybe } from '../io/paths.js';

export const emitModes = ['folders', 'git', 'both'] as const;
export type EmitMode = (typeof emitModes)[number];

export interface PlannedFile {
  path: string;
  contents: string;
}

function stepFiles(state: StepState): PlannedFile[] {
  return [...state.files].map(([path, contents]) => ({ path, contents })).concat({ path: 'README.md', contents: state.readme });
}

function overview(title: string, states: StepState[], mode: EmitMode): string {
  const where = (state: StepState) => (mode === 'git' ? `tag \`step-${state.slug}\`` : `\`steps/${state.slug}/\``);
  return [`# ${title}`, '', 'Each step is a complete cargo project: the one before it plus one small change.', '',
    ...states.map((state) => `${state.number}. ${state.spec.title}: ${where(state)}, \`${state.spec.command}\``),
    '', 'Where am I? Run `npx create-freestanding check` in your own crate.', ''].join('\n');
}

/** The files the folders mode writes (also what --dry-run lists). */
export function folderFiles(title: string, states: StepState[], mode: EmitMode): PlannedFile[] {
  const files = states.flatMap((state) => stepFiles(state).map((file) => ({ path: `steps/${state.slug}/${file.path}`, contents: file.contents })));
  return [{ path: 'README.md', contents: overview(title, states, mode) }, ...files];
}

/** What a mode puts in the destination: files written one by one, and a repository folder moved in whole. */
function plan(title: string, states: StepState[], mode: EmitMode): { files: PlannedFile[]; repository?: string } {
  if (mode === 'git') return { files: stepFiles(states.at(-1)!), repository: '.git' };
  return { files: folderFiles(title, states, mode), repository: mode === 'both' ? 'repo' : undefined };
}

// --- The destination -------------------------------------------------------


interface Place {
  /** Canonical absolute path: the real path of the existing part, then the missing names. */
  path: string;
  shown: string;
  exists: boolean;
  /** The nearest existing folder at or above the destination (real path). */
  existing: string;
}

/** Where `directory` is, links in its existing part resolved (the user named it); refused when it cannot be a folder. */
function locate(directory: string): Place {
  const requested = resolve(directory);
  const shown = showPath(directory);
  let existing = requested;
  let stats = lstatMaybe(existing);
  while (!stats) {
    existing = dirname(existing);
    stats = lstatMaybe(existing);
  }
  let real: string;
  try {
    real = realpathSync.native(existing);
  } catch {
    throw new UsageError(`${showPath(existing)} is a symbolic link to a path that does not exist; remove the link or choose another directory`);
  }
  if (!lstatSync(real).isDirectory()) {
    throw new UsageError(existing === requested ? `${shown} exists and is not a directory; choose another name` : `${showPath(existing)} is a file, so ${shown} cannot be created inside it; choose another directory`);
  }
  return { path: join(real, relative(existing, requested)), shown, exists: existing === requested, existing: real };
}

/**
 * Refuses a non-empty destination without --force, and with it anything the
 * course would write through: a link, a file where a folder goes, a folder
 * where a file goes, an existing repository. Never deletes anything there.
 */
function checkPlace(place: Place, force: boolean, planned: { files: PlannedFile[]; repository?: string }): void {
  if (!place.exists) return;
  const entries = readdirSync(place.path);
  if (entries.length === 0) return;
  if (!force) throw new UsageError(`${place.shown} is not empty; choose another directory or pass --force`);
  if (planned.repository && lstatMaybe(join(place.path, planned.repository))) {
    throw new UsageError(`${place.shown} already has ${planned.repository === '.git' ? 'a git repository' : 'a repo/ folder'}; choose another directory (nothing was written)`);
  }
  const checked = new Set<string>();
  for (const file of planned.files) {
    const parts = file.path.split('/');
    let current = place.path;
    for (const [index, part] of parts.entries()) {
      current = join(current, part);
      const last = index === parts.length - 1;
      if (!last && checked.has(current)) continue;
      const stats = lstatMaybe(current);
      if (!stats) break;
      const shown = showPath(current);
      if (stats.isSymbolicLink()) {
        throw new UsageError(`${shown} is a symbolic link; the course is never written through links, so replace it with a ${last ? 'file' : 'folder'} or choose another directory (nothing was written)`);
      }
      if (!last && !stats.isDirectory()) throw new UsageError(`${shown} is a file where the folder ${parts.slice(0, index + 1).join('/')}/ must go; move it away or choose another directory (nothing was written)`);
      if (last && !stats.isFile()) throw new UsageError(`${shown} is not a regular file where the course writes ${file.path}; move it away or choose another directory (nothing was written)`);
      if (!last) checked.add(current);
    }
  }
}

/** The checks a dry run makes (no lock: it writes nothing). */
export function checkDestination(directory: string, force: boolean, title: string, states: StepState[], mode: EmitMode): void {
  checkPlace(locate(directory), force, plan(title, states, mode));
}

// --- Staging ---------------------------------------------------------------

const stagingPattern = /^\.create-freestanding-course-(\d+-[0-9a-f]{8})$/;
const recordPattern = /^course-((\d+)-[0-9a-f]{8})\.staging$/;

/**
 * Staging is recorded in this user's private folder (io/state.ts) before it
 * is made, so that a killed run's staging is known by the record, never by
 * its name: a folder named like ours in a clone or a shared folder is someone
 * else's and stays.
 */
function recordStaging(staging: string): string {
  const id = stagingPattern.exec(basename(staging))![1];
  const record = join(stateFolder(), `course-${id}.staging`);
  writeExclusive(record, staging, 0o600);
  return record;
}

/**
 * Removes the staging of killed course runs recorded for `folder`: only a
 * folder of the recorded name, owned by this user, not a link, whose process
 * is gone. Anything else stays.
 */
function sweepStaging(folder: string): void {
  const state = stateFolder();
  for (const entry of readdirSync(state)) {
    const match = recordPattern.exec(entry);
    if (!match || processAlive(Number(match[2]))) continue;
    const record = join(state, entry);
    try {
      const staging = readFileSync(record, 'utf8');
      if (dirname(staging) !== folder || basename(staging) !== `.create-freestanding-course-${match[1]}`) continue;
      try {
        const stats = lstatSync(staging);
        if (stats.isDirectory() && (!process.getuid || stats.uid === process.getuid())) rmSync(staging, { recursive: true, force: true });
      } catch {
        // Gone already.
      }
      unlinkSync(record);
    } catch {
      // Removed by another run.
    }
  }
}

/** Writes files under `root`, folders made one at a time and files created exclusively, never through a link. */
function writeAll(root: string, files: PlannedFile[]): void {
  const made = new Set<string>();
  for (const file of files) {
    const folder = dirname(file.path);
    if (!made.has(folder)) {
      makeFolders(root, folder);
      made.add(folder);
    }
    writeExclusive(join(root, file.path), file.contents);
  }
}

// --- Signals ---------------------------------------------------------------

const exitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type HandledSignal = keyof typeof exitCodes;

/** Interrupted by a signal: exit 130/143/129, saying what is on disk. */
export class CourseInterruptedError extends UsageError {
  override readonly exitCode: number;
  constructor(signal: HandledSignal) {
    super('interrupted; nothing was written');
    this.exitCode = exitCodes[signal];
  }
}

/** While a course is written, a signal is recorded and the running git killed; the write then removes its staging and stops. */
interface Hold {
  signal?: HandledSignal;
  child?: ResultPromise;
  /** Stops if a signal came. */
  check(): void;
}

/**
 * Takes over SIGINT/SIGTERM/SIGHUP from the command's own handler (which
 * would exit at once, leaving the staging and saying nothing was written).
 */
function holdSignals(): { hold: Hold; end: (written?: string) => void } {
  const saved = (Object.keys(exitCodes) as HandledSignal[]).map((signal) => [signal, process.listeners(signal)] as const);
  const hold: Hold = {
    check() {
      if (hold.signal) throw new CourseInterruptedError(hold.signal);
    },
  };
  const onSignal = (signal: HandledSignal) => {
    hold.signal ??= signal;
    hold.child?.kill('SIGKILL');
  };
  for (const [signal] of saved) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
  const end = (written?: string) => {
    for (const [signal, listeners] of saved) {
      process.removeListener(signal, onSignal);
      // Once written, the old handler's "nothing was written" would be untrue: say what is there.
      if (written) {
        process.on(signal, () => {
          process.stderr.write(`create-freestanding: interrupted; the course was written completely to ${written}\n`);
          process.exit(exitCodes[signal]);
        });
      } else {
        for (const listener of listeners) process.on(signal, listener as NodeJS.SignalsListener);
      }
    }
  };
  return { hold, end };
}

// --- git -------------------------------------------------------------------

/**
 * git with nothing from any config but its own defaults: no system or global
 * config, none from the environment, no hooks, no fsmonitor, no attributes
 * file, no transport; so no filter driver, hook or monitor can be defined,
 * and an author's course can name none.
 */
const gitConfig = [
  '-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'core.attributesFile=/dev/null',
  '-c', 'core.sshCommand=false', '-c', 'protocol.allow=never', '-c', 'commit.gpgSign=false', '-c', 'tag.gpgSign=false',
  '-c', 'core.untrackedCache=false', '-c', 'init.templateDir=',
];

function gitEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_') && value !== undefined) env[key] = value;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_ATTR_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'create-freestanding', GIT_AUTHOR_EMAIL: 'course@create-freestanding.invalid',
    GIT_COMMITTER_NAME: 'create-freestanding', GIT_COMMITTER_EMAIL: 'course@create-freestanding.invalid',
  };
}

async function git(cwd: string, args: string[], hold: Hold): Promise<string> {
  const child = execa('git', [...gitConfig, ...args], { cwd, reject: false, extendEnv: false, env: gitEnvironment() });
  hold.child = child;
  const result = await child;
  hold.child = undefined;
  hold.check();
  if (result.exitCode !== 0) throw new UsageError(`git ${args.join(' ')} failed in ${showPath(cwd)}: ${String(result.stderr).split('\n')[0]}`);
  return String(result.stdout);
}

/** A git history of the steps in `repo` (a new folder): step N's tree is exactly step N's files. */
async function writeGit(repo: string, states: StepState[], hold: Hold): Promise<void> {
  mkdirSync(repo);
  // --template= : no hooks or config copied from a template folder.
  await git(repo, ['init', '--quiet', '--template=', '--initial-branch=main'], hold);
  for (const state of states) {
    for (const entry of readdirSync(repo)) if (entry !== '.git') rmSync(join(repo, entry), { recursive: true, force: true });
    writeAll(repo, stepFiles(state));
    await git(repo, ['add', '--all'], hold);
    await git(repo, ['commit', '--quiet', '--no-verify', '--allow-empty', '-m', `Step ${state.number}: ${state.spec.title}`, '-m', state.spec.why], hold);
    await git(repo, ['tag', `step-${state.slug}`], hold);
  }
}

// --- Writing ---------------------------------------------------------------

/**
 * Moves staged files into an existing destination, one rename each (a rename
 * replaces a name, never writes through it); the files replaced are kept in
 * `old` until the end, and put back should a move fail.
 */
function moveIntoPlace(tree: string, old: string, destination: string, files: string[], repository?: string): void {
  const undo: (() => void)[] = [];
  try {
    for (const file of files) {
      for (const folder of makeFolders(destination, dirname(file))) undo.push(() => rmdirSync(folder));
      const target = join(destination, file);
      if (lstatMaybe(target)) {
        makeFolders(old, dirname(file));
        renameSync(target, join(old, file));
        undo.push(() => renameSync(join(old, file), target));
      }
      renameSync(join(tree, file), target);
      undo.push(() => renameSync(target, join(tree, file)));
    }
    if (repository) {
      if (lstatMaybe(join(destination, repository))) throw new UsageError(`${showPath(join(destination, repository))} appeared while writing (another program is writing there); retry`);
      renameSync(join(tree, repository), join(destination, repository));
    }
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Best effort: the error below is what the user sees.
      }
    }
    throw error;
  }
}

/**
 * Writes the course. Rendered in memory first; written to a staging folder
 * (beside a missing destination, inside an existing one) and moved into
 * place, so a failure or a signal leaves nothing half-written.
 */
export async function emitCourse(directory: string, title: string, states: StepState[], mode: EmitMode, force: boolean): Promise<string[]> {
  // A run began when its process did: a prompt's wait counts, as another run may finish meanwhile.
  const startedAt = Date.now() - process.uptime() * 1000;
  const place = locate(directory);
  const planned = plan(title, states, mode);
  const lock = acquireLock(place.path, `to ${place.shown}`, startedAt);
  const { hold, end } = holdSignals();
  let wrote = false;
  let staging: string | undefined;
  let record: string | undefined;
  try {
    checkPlace(place, force, planned);
    const stagingParent = place.exists ? place.path : place.existing;
    sweepStaging(stagingParent);
    if (!place.exists && place.existing === dirname(place.path)) sweepStaging(place.existing);
    staging = join(stagingParent, `.create-freestanding-course-${process.pid}-${randomHex(8)}`);
    record = recordStaging(staging);
    mkdirSync(staging, { mode: 0o700 });
    const tree = join(staging, 'tree');
    if (mode === 'git') {
      await writeGit(tree, states, hold);
    } else {
      mkdirSync(tree);
      writeAll(tree, planned.files);
      if (mode === 'both') await writeGit(join(tree, 'repo'), states, hold);
    }
    hold.check();
    // The commit: synchronous, so no signal comes between its renames.
    if (!place.exists) {
      const created = makeFolders(place.existing, relative(place.existing, dirname(place.path)));
      try {
        renameSync(tree, place.path);
      } catch (error) {
        for (const folder of created.reverse()) rmdirSync(folder);
        throw error;
      }
    } else {
      moveIntoPlace(tree, join(staging, 'old'), place.path, planned.files.map((file) => file.path), planned.repository);
    }
    wrote = true;
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
    if (record) rmSync(record, { force: true });
    lock.release(wrote);
    end(wrote ? place.shown : undefined);
  }
  const written = planned.files.map((file) => file.path);
  return mode === 'git' ? ['.git', ...written] : mode === 'both' ? [...written, 'repo/.git'] : written;
}
