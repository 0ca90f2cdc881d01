// The main job, end to end: scaffold a host project into a throwaway
// directory with the CLI, build it with cargo, run it. Run by `npm run demo`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = mkdtempSync(join(tmpdir(), 'create-freestanding-demo-'));
const project = join(root, 'hello-freestanding');
const step = (file, args, cwd) => {
  console.log(`\n$ ${[file, ...args].join(' ')}`);
  execFileSync(file, args, { cwd, stdio: 'inherit' });
};
try {
  step(process.execPath, [fileURLToPath(new URL('../bin/create-freestanding.cjs', import.meta.url)), project, '--yes'], root);
  step('cargo', ['build', '--release'], project);
  step('cargo', ['run', '--release', '--quiet'], project);
} finally {
  rmSync(root, { recursive: true, force: true });
}
