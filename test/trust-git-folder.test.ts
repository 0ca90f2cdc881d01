/**
 * `.git/` is never a destination: an overlay (`--templates`) that carries
 * `.git/config` (whose `core.fsmonitor` git runs as a command) or a hook is
 * refused before anything is written, also into a fresh clone, which holds
 * only `.git` and so counts as empty.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratch } from './support/cli.js';

const work = scratch('cf-trust-git-');
afterAll(() => work.cleanup());
const env = { XDG_STATE_HOME: join(work.dir, 'state') };

describe('an overlay that writes into .git/', () => {
  it.each(['.git/config', '.git/hooks/post-checkout', '.GIT/config'])('%s is refused in one line; the clone\'s .git is untouched', async (path) => {
    const clone = join(work.dir, `clone-${path.replace(/\W/g, '-')}`);
    await execa('git', ['init', '-q', clone]);
    const config = readFileSync(join(clone, '.git', 'config'), 'utf8');
    const overlay = join(work.dir, `overlay-${path.replace(/\W/g, '-')}`);
    mkdirSync(join(overlay, path, '..'), { recursive: true });
    writeFileSync(join(overlay, path), `[core]\n\tfsmonitor = "touch ${join(work.dir, 'ran')}"\n`);
    const result = await runCli(['.', '-y', '-t', 'linux', '--templates', overlay], { cwd: clone, env });
    expect(result.exitCode, result.stdout).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/is inside \.git\/, which holds git's own files and commands; remove it from your templates \(nothing was written\)$/);
    expect(readFileSync(join(clone, '.git', 'config'), 'utf8')).toBe(config);
    expect(existsSync(join(clone, 'Cargo.toml'))).toBe(false);
    await execa('git', ['status'], { cwd: clone });
    expect(existsSync(join(work.dir, 'ran'))).toBe(false);
  });
});
