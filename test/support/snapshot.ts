/** Every path under a folder with its bytes or link target: compared before and after, byte for byte. */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) out[path] = `-> ${readlinkSync(path)}`;
      else if (stats.isDirectory()) (out[path] = 'dir', walk(path));
      else out[path] = readFileSync(path).toString('base64');
    }
  };
  walk(root);
  return out;
}
