/** Destinations as users type them: `~` and `~/x` mean the home folder, the rest is relative to the current one. */
import { lstatSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { expandHome } from '../core/answers.js';

/** The absolute path `input` names (`~`, `~/x` expanded, as a shell would; `./~` is left alone). */
export function resolveDestination(input: string): string {
  return resolve(expandHome(input));
}

/** What is at `path`, not following a link there; undefined when nothing is (or a part of it is a file). */
export function lstatMaybe(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
