/** Destinations as users type them: `~` and `~/x` mean the home folder, the rest is relative to the current one. */
import { homedir } from 'node:os';
import { resolve } from 'node:path';

/** The absolute path `input` names (`~`, `~/x` expanded, as a shell would; `./~` is left alone). */
export function resolveDestination(input: string): string {
  if (input === '~') return homedir();
  if (input.startsWith('~/')) return resolve(homedir(), input.slice(2));
  return resolve(input);
}
