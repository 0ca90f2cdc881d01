/** Destinations as users type them: `~` and `~/x` mean the home folder, the rest is relative to the current one. */
import { resolve } from 'node:path';
import { expandHome } from '../core/answers.js';

/** The absolute path `input` names (`~`, `~/x` expanded, as a shell would; `./~` is left alone). */
export function resolveDestination(input: string): string {
  return resolve(expandHome(input));
}
