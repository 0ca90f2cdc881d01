/**
 * Writing a course: folders (steps/NN-id/, each a complete project) and/or a
 * git repository with one commit per step, tagged step-NN-id, so that
 * `git diff step-04-….step-05-…` is exactly that step's change.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../core/errors.js';
import type { StepState } from './steps.js';

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

/** Refuses a non-empty directory unless --force; never deletes anything there. */
export function checkDestination(directory: string, force: boolean): void {
  if (!existsSync(directory)) return;
  if (readdirSync(directory).length > 0 && !force) {
    throw new UsageError(`${directory} is not empty; choose another directory or pass --force`);
  }
}

function writeAll(root: string, files: PlannedFile[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.contents);
  }
}

async function git(cwd: string, args: string[]): Promise<string> {
  const result = await execa('git', args, {
    cwd, reject: false,
    env: { GIT_AUTHOR_NAME: 'create-freestanding', GIT_AUTHOR_EMAIL: 'course@create-freestanding.invalid', GIT_COMMITTER_NAME: 'create-freestanding', GIT_COMMITTER_EMAIL: 'course@create-freestanding.invalid' },
  });
  if (result.exitCode !== 0) throw new UsageError(`git ${args.join(' ')} failed in ${cwd}: ${String(result.stderr).split('\n')[0]}`);
  return String(result.stdout);
}

/** A git history of the steps in `repo` (a new folder): step N's tree is exactly step N's files. */
async function writeGit(repo: string, states: StepState[]): Promise<void> {
  mkdirSync(repo, { recursive: true });
  await git(repo, ['init', '--quiet', '--initial-branch=main']);
  for (const state of states) {
    for (const entry of readdirSync(repo)) if (entry !== '.git') rmSync(join(repo, entry), { recursive: true, force: true });
    writeAll(repo, stepFiles(state));
    await git(repo, ['add', '--all']);
    await git(repo, ['commit', '--quiet', '--allow-empty', '-m', `Step ${state.number}: ${state.spec.title}`, '-m', state.spec.why]);
    await git(repo, ['tag', `step-${state.slug}`]);
  }
}

/**
 * Writes the course. Rendered in memory first; written to a staging folder
 * beside the destination and renamed into place, so a failure leaves nothing half-written.
 */
export async function emitCourse(directory: string, title: string, states: StepState[], mode: EmitMode, force: boolean): Promise<string[]> {
  const target = resolve(directory);
  checkDestination(target, force);
  const staging = join(dirname(target), `.${basename(target)}.course-staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const written: string[] = [];
  try {
    if (mode === 'folders' || mode === 'both') {
      const files = folderFiles(title, states, mode);
      writeAll(staging, files);
      written.push(...files.map((file) => file.path));
    }
    if (mode === 'git') {
      await writeGit(staging, states);
      written.push('.git', ...stepFiles(states.at(-1)!).map((file) => file.path));
    }
    if (mode === 'both') {
      await writeGit(join(staging, 'repo'), states);
      written.push('repo/.git');
    }
    if (!existsSync(target)) {
      mkdirSync(dirname(target), { recursive: true });
      renameSync(staging, target);
    } else {
      // --force into an existing folder: overwrite what the course writes, delete nothing else.
      if (mode !== 'folders' && existsSync(join(target, mode === 'git' ? '.git' : 'repo'))) {
        throw new UsageError(`${directory} already has a course repository; choose another directory`);
      }
      if (mode === 'git') {
        renameSync(join(staging, '.git'), join(target, '.git'));
        writeAll(target, stepFiles(states.at(-1)!));
      } else {
        writeAll(target, folderFiles(title, states, mode));
        if (mode === 'both') renameSync(join(staging, 'repo'), join(target, 'repo'));
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return written;
}
