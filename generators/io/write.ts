/**
 * Rendered files → disk, all or nothing. A new project is written into a
 * staging folder beside the destination and renamed into place in one step;
 * with --force each file is replaced atomically, and nothing else is touched.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { RenderedFile } from '../core/render.js';
import { applyWorkspaceEdit, type WorkspaceEdit } from './workspace.js';

export type DestinationState = 'missing' | 'empty' | 'non-empty';

export function destinationState(directory: string): DestinationState {
  if (!existsSync(directory)) return 'missing';
  if (!statSync(directory).isDirectory()) {
    throw new UsageError(`${directory} exists and is not a directory; choose another name`);
  }
  return readdirSync(directory).length === 0 ? 'empty' : 'non-empty';
}

/** Staging folders still on disk, removed if the process is interrupted. */
const inFlight = new Set<string>();

export function removeStagingFolders(): void {
  for (const folder of inFlight) rmSync(folder, { recursive: true, force: true });
  inFlight.clear();
}

function writeAll(root: string, files: RenderedFile[]): void {
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents);
  }
}

function writeFresh(directory: string, files: RenderedFile[], state: DestinationState): void {
  const parent = dirname(resolve(directory));
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(resolve(directory))}.create-freestanding-${process.pid}`);
  inFlight.add(staging);
  try {
    writeAll(staging, files);
    if (state === 'empty') rmdirSync(directory);
    renameSync(staging, directory);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    inFlight.delete(staging);
  }
}

function overwriteInPlace(directory: string, files: RenderedFile[]): void {
  for (const file of files) {
    const path = join(directory, file.path);
    if (existsSync(path) && statSync(path).isDirectory()) {
      throw new UsageError(`${path} is a directory where a generated file belongs; move it away and retry`);
    }
  }
  for (const file of files) {
    const path = join(directory, file.path);
    const temporary = `${path}.create-freestanding-${process.pid}`;
    mkdirSync(dirname(path), { recursive: true });
    inFlight.add(temporary);
    try {
      writeFileSync(temporary, file.contents);
      renameSync(temporary, path);
    } finally {
      rmSync(temporary, { force: true });
      inFlight.delete(temporary);
    }
  }
}

/** The destination's state, once it is known that `files` may be written there. */
export function checkDestination(directory: string, files: RenderedFile[], force: boolean): DestinationState {
  const state = destinationState(directory);
  if (state === 'non-empty' && !force) {
    throw new UsageError(
      `${directory} is not empty; choose a new directory, or pass --force to overwrite only the ${files.length} files it generates (nothing is deleted)`,
    );
  }
  return state;
}

/** Writes the project, then, when it lies in a Cargo workspace, the root manifest's new member. */
export function writeProject(directory: string, files: RenderedFile[], force: boolean, workspace?: WorkspaceEdit): void {
  const state = checkDestination(directory, files, force);
  if (state === 'non-empty') overwriteInPlace(directory, files);
  else writeFresh(directory, files, state);
  if (workspace) applyWorkspaceEdit(workspace);
}
