import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file below `dir`, as a path relative to it with `/` separators, depth first. */
export function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, base) : [relative(base, path).replaceAll('\\', '/')];
  });
}
