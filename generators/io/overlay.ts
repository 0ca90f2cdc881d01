/**
 * An author's templates folder (`--templates`), read once, as data, for the
 * core's renderer (core/render.ts lays it over the built-in templates). A
 * symbolic link is refused (one line naming it) rather than followed even
 * when it stays inside: a link is resolved again at every open, so "inside"
 * checked now is not "inside" when read, and copying the file is all an author
 * needs. FIFOs, sockets and devices are refused before any open. Limits keep a
 * folder from exhausting memory (a 600 MB sparse file) or time. `.git` is skipped.
 */
import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Overlay, OverlayFile } from '../core/render.js';
import { showText } from '../core/shell.js';
import { readRegularFile, UnreadableFile } from './read-file.js';

/** What an author's templates folder may hold: enough for any course, too little to exhaust memory or time. */
export const overlayLimits = {
  /** Bytes in one file. */
  fileBytes: 1024 * 1024,
  /** Files and folders in the whole folder. */
  entries: 2000,
  /** Bytes in all files together. */
  totalBytes: 32 * 1024 * 1024,
  /** Folders inside folders. */
  depth: 32,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function refuseOverlay(message: string): never {
  throw new UsageError(message);
}

/** One file of the folder, through the shared reader (io/read-file.ts), its failures worded for an author. */
function readOne(path: string, seen: Stats, limit: number): Buffer {
  const shown = showText(path);
  try {
    return readRegularFile(path, limit, { seen });
  } catch (error) {
    if (error instanceof UnreadableFile) {
      if (error.reason === 'link') refuseOverlay(`${shown} became a symbolic link while it was read; templates are read without following links: put the file itself there`);
      if (error.reason === 'too-large') refuseOverlay(`${shown} is larger than ${limit} bytes; templates hold at most ${overlayLimits.fileBytes} bytes a file and ${overlayLimits.totalBytes} in all: remove it or make it smaller`);
      if (error.reason === 'grew') refuseOverlay(`${shown} grew while it was read; retry when nothing writes to it`);
      refuseOverlay(`${shown} changed while it was read (it is no longer the regular file it was); retry`);
    }
    const code = (error as NodeJS.ErrnoException).code;
    return refuseOverlay(`${shown} cannot be read (${code ?? (error as Error).message}); fix its permissions or remove it from the templates folder`);
  }
}

function readFiles(root: string): Map<string, OverlayFile> {
  const files = new Map<string, OverlayFile>();
  let entries = 0;
  let total = 0;
  const walk = (dir: string, depth: number) => {
    if (depth > overlayLimits.depth) refuseOverlay(`${showText(dir)} is nested more than ${overlayLimits.depth} folders deep in the templates folder; flatten it`);
    for (const name of readdirSync(dir).sort()) {
      // A .git there is the folder's own repository, not project content, and .git/ is never a
      // destination (its config and hooks run commands). Any case: .GIT is .git on macOS and Windows.
      if (name.toLowerCase() === '.git') continue;
      const path = join(dir, name);
      if ((entries += 1) > overlayLimits.entries) refuseOverlay(`the templates folder ${showText(root)} holds more than ${overlayLimits.entries} files and folders; keep only the templates there`);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) refuseOverlay(`${showText(path)} is a symbolic link; templates are read without following links: put the file itself there`);
      if (stats.isDirectory()) {
        walk(path, depth + 1);
        continue;
      }
      if (!stats.isFile()) refuseOverlay(`${showText(path)} is not a regular file (a FIFO, socket or device); remove it from the templates folder`);
      const bytes = readOne(path, stats, Math.min(overlayLimits.fileBytes, overlayLimits.totalBytes - total));
      total += bytes.length;
      const relativePath = relative(root, path).split(sep).join('/');
      let text: string | undefined;
      try {
        text = utf8.decode(bytes);
      } catch {
        if (relativePath.endsWith('.hbs')) refuseOverlay(`${showText(path)} is not UTF-8 text, which a .hbs template must be; fix its encoding, or drop .hbs to copy it as it is`);
      }
      files.set(relativePath, text === undefined ? { bytes } : { text });
    }
  };
  walk(root, 0);
  return files;
}

/** The folder `overrides` names, read whole; refused in one line when it is not a folder or breaks a limit. */
export function readOverlay(overrides: string): Overlay {
  // resolve('') is the current directory: an empty path would lay it (and its .env) over the project.
  if (typeof overrides !== 'string' || overrides.trim() === '') refuseOverlay('the templates folder cannot be an empty path; name a folder, or leave it out for the built-in templates');
  const root = resolve(overrides);
  let stats: Stats;
  try {
    // The folder itself may be reached through a link (the user named it); what is inside may not.
    stats = statSync(root);
  } catch {
    refuseOverlay(`the templates folder ${showText(overrides)} does not exist or is not a folder`);
  }
  if (!stats.isDirectory()) refuseOverlay(`the templates folder ${showText(overrides)} does not exist or is not a folder`);
  return { root, files: readFiles(root) };
}
