/**
 * Writing a course: folders (steps/NN-id/, each a complete project) and/or a
 * git repository with one commit per step, tagged step-NN-id, so that
 * `git diff step-04-….step-05-…` is exactly that step's change.
 *
 * Written by the create command's write path (io/write.ts), so the same
 * checks, lock, journal, staging, commit and signal handling apply: `.git`
 * alone counts as empty, nothing is written through a link, a killed run is
 * undone or finished by the next run of either command. The git history is
 * built first in a folder of this user's private state folder (io/state.ts),
 * read back as data and written with the rest; an existing repository is
 * never merged into (refused with or without --force).
 *
 * A repository of the built-in course gets its CI workflow (workflow.ts) in
 * one more commit on main after the last step, untagged: each tag's tree is
 * still exactly its step, and GitHub reads the workflow from main. It goes
 * where the repository is: the root (git) or repo/ (both), never into
 * steps/ (GitHub reads workflows only from a repository's root).
 */
import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../core/errors.js';
import type { RenderedFile } from '../core/render.js';
import { checkDestination as checkIoDestination } from '../io/destination.js';
import { showPath } from '../io/fs-errors.js';
import { processAlive, randomHex } from '../io/lock.js';
import { readRegularFile } from '../io/read-file.js';
import { InterruptedError, type Interruption } from '../io/signals.js';
import { makeFolders, writeExclusive } from '../io/staging.js';
import { stateFolder } from '../io/state.js';
import { checkCommand, stepMarkerPath, type StepState } from './steps.js';
import { workflowPath, workflowToolchains } from './workflow.js';

export const emitModes = ['folders', 'git', 'both'] as const;
export type EmitMode = (typeof emitModes)[number];

export interface PlannedFile {
  path: string;
  contents: string;
}

function stepFiles(state: StepState): PlannedFile[] {
  return [...state.files].map(([path, contents]) => ({ path, contents })).concat(
    { path: 'README.md', contents: state.readme },
    { path: stepMarkerPath, contents: `${JSON.stringify(state.marker, null, 2)}\n` },
  );
}

function overview(title: string, states: StepState[], mode: EmitMode): string {
  const where = (state: StepState) => (mode === 'git' ? `tag \`step-${state.slug}\`` : `\`steps/${state.slug}/\``);
  return [`# ${title}`, '', 'Each step is a complete cargo project: the one before it plus one small change.', '',
    ...states.map((state) => `${state.number}. ${state.spec.title}: ${where(state)}, \`${state.spec.command}\``),
    '', `Where am I? Run \`${checkCommand(states[0].marker.from)}\` in a step's folder or in your own crate.`, ''].join('\n');
}

/** The files the folders mode writes (also what --dry-run lists). */
export function folderFiles(title: string, states: StepState[], mode: EmitMode): PlannedFile[] {
  const files = states.flatMap((state) => stepFiles(state).map((file) => ({ path: `steps/${state.slug}/${file.path}`, contents: file.contents })));
  return [{ path: 'README.md', contents: overview(title, states, mode) }, ...files];
}

/** Where a mode puts the workflow: at its repository's root; folders have no repository. */
export function workflowFile(mode: EmitMode): string | undefined {
  return mode === 'git' ? workflowPath : mode === 'both' ? `repo/${workflowPath}` : undefined;
}

/** What a mode puts in the destination before its history: the files, and the folder the repository fills (which must be new). */
function plan(title: string, states: StepState[], mode: EmitMode, workflow?: string): { files: PlannedFile[]; repository?: string } {
  if (mode === 'git') return { files: [...stepFiles(states.at(-1)!), ...(workflow === undefined ? [] : [{ path: workflowPath, contents: workflow }])], repository: '.git' };
  return { files: folderFiles(title, states, mode), repository: mode === 'both' ? 'repo' : undefined };
}

/** The checks a dry run makes: those the write makes, before its lock. */
export function checkDestination(directory: string, force: boolean, title: string, states: StepState[], mode: EmitMode, workflow?: string): void {
  const planned = plan(title, states, mode, workflow);
  checkIoDestination(directory, planned.files, force, undefined, planned.repository);
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

/** Stops the build when a signal came: the write path then says nothing was written. */
function stopIfInterrupted(interruption: Interruption): void {
  if (interruption.signal) throw new InterruptedError(interruption.signal);
}

async function git(cwd: string, args: string[], interruption: Interruption): Promise<string> {
  const result = await execa('git', [...gitConfig, ...args], { cwd, reject: false, extendEnv: false, env: gitEnvironment() });
  // A terminal's Ctrl-C reaches git too: the signal, not git's failure, is what happened.
  stopIfInterrupted(interruption);
  if (result.exitCode !== 0) throw new UsageError(`git ${args.join(' ')} failed in ${showPath(cwd)}: ${String(result.stderr).split('\n')[0]}`);
  return String(result.stdout);
}

/** A git history of the steps in `repo` (a new folder): step N's tree is exactly step N's files; then the workflow's commit, if any. */
async function writeGit(repo: string, states: StepState[], interruption: Interruption, workflow?: string): Promise<void> {
  mkdirSync(repo);
  // --template= : no hooks or config copied from a template folder.
  await git(repo, ['init', '--quiet', '--template=', '--initial-branch=main'], interruption);
  for (const state of states) {
    for (const entry of readdirSync(repo)) if (entry !== '.git') rmSync(join(repo, entry), { recursive: true, force: true });
    const made = new Set<string>();
    for (const file of stepFiles(state)) {
      const folder = file.path.split('/').slice(0, -1).join('/');
      if (folder && !made.has(folder)) (makeFolders(repo, folder), made.add(folder));
      writeExclusive(join(repo, file.path), file.contents);
    }
    await git(repo, ['add', '--all'], interruption);
    await git(repo, ['commit', '--quiet', '--no-verify', '--allow-empty', '-m', `Step ${state.number}: ${state.spec.title}`, ...(state.spec.why ? ['-m', state.spec.why] : [])], interruption);
    await git(repo, ['tag', `step-${state.slug}`], interruption);
  }
  if (workflow === undefined) return;
  makeFolders(repo, workflowPath.split('/').slice(0, -1).join('/'));
  writeExclusive(join(repo, workflowPath), workflow);
  await git(repo, ['add', '--all'], interruption);
  await git(repo, ['commit', '--quiet', '--no-verify', '-m', `CI: course verify on ${workflowToolchains.join(', ')}`,
    '-m', `${workflowPath} verifies the course these steps were written from, on every push, every day and by hand. Not a step: the tags are the steps.`], interruption);
}

// --- The history, built in the private folder -----------------------------

const buildPattern = /^course-git-(\d+)-[0-9a-f]{8}$/;
/** A course's history is a few hundred small files; these bound what is read back. */
const historyLimits = { files: 5000, fileBytes: 8 * 1024 * 1024 };

/** Removes the git builds of this user's killed course runs (their pid gone); only folders of this user's, never a link. */
function sweepBuilds(state: string): void {
  for (const entry of readdirSync(state)) {
    const match = buildPattern.exec(entry);
    if (!match || processAlive(Number(match[1]))) continue;
    const path = join(state, entry);
    try {
      const stats = lstatSync(path);
      if (stats.isDirectory() && (!process.getuid || stats.uid === process.getuid())) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another run.
    }
  }
}

/** Every file under `root` (a folder this run made), as data: regular files only, read without following links. */
function readTree(root: string, prefix: string): RenderedFile[] {
  const files: RenderedFile[] = [];
  const walk = (dir: string, relative: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path, name);
      else {
        if (files.length >= historyLimits.files) throw new UsageError(`the course's git history has more than ${historyLimits.files} files; make a course of fewer steps`);
        files.push({ path: `${prefix}${name}`, contents: readRegularFile(path, historyLimits.fileBytes) });
      }
    }
  };
  walk(root, '');
  return files;
}

/** The repository of the steps (its work tree is the last step) as files under `prefix`. */
async function historyFiles(states: StepState[], prefix: string, interruption: Interruption, workflow?: string): Promise<RenderedFile[]> {
  const state = stateFolder();
  sweepBuilds(state);
  const build = join(state, `course-git-${process.pid}-${randomHex(8)}`);
  mkdirSync(build, { mode: 0o700 });
  try {
    const repo = join(build, 'repo');
    await writeGit(repo, states, interruption, workflow);
    return readTree(repo, prefix);
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}

// --- Writing ---------------------------------------------------------------

/**
 * Writes the course through the write path; returns the paths written, the
 * repository named as one entry. `startedAt`: when the run began (another run
 * that finished writing there since wins). `workflow`: the repository's CI
 * workflow (workflow.ts), committed after the steps; folders get none.
 */
export async function emitCourse(directory: string, title: string, states: StepState[], mode: EmitMode, force: boolean, startedAt = Date.now(), workflow?: string): Promise<string[]> {
  const planned = plan(title, states, mode, workflow);
  // Refused now, before the history is built, what the write would refuse.
  checkIoDestination(directory, planned.files, force, undefined, planned.repository);
  const { writeProject } = await import('../io/write.js');
  const files = mode === 'folders'
    ? planned.files
    : async (interruption: Interruption) => [
      ...(mode === 'both' ? planned.files : []),
      ...await historyFiles(states, mode === 'both' ? 'repo/' : '', interruption, workflow),
    ];
  await writeProject(directory, files, force, undefined, startedAt, { repository: planned.repository });
  const written = planned.files.map((file) => file.path);
  if (mode === 'git') return ['.git', ...written];
  return mode === 'both' ? [...written, 'repo/.git', ...(workflow === undefined ? [] : [workflowFile(mode)!])] : written;
}

// --- course init -------------------------------------------------------------

/** Every file of the built-in course (course.toml, files/, recorded/), read as data; what `course init` copies. */
export function builtInCourseFiles(courseDir: string): RenderedFile[] {
  return readTree(courseDir, '');
}

/** Writes an editable copy of the built-in course to `directory`, through the write path. */
export async function initCourse(directory: string, files: RenderedFile[], force: boolean, startedAt = Date.now()): Promise<string[]> {
  checkIoDestination(directory, files, force);
  const { writeProject } = await import('../io/write.js');
  await writeProject(directory, files, force, undefined, startedAt);
  return files.map((file) => file.path);
}
