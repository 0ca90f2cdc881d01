/**
 * `.git/` is never a destination: an overlay (`--templates`) that carries
 * `.git/config` (whose `core.fsmonitor` git runs as a command) or a hook
 * does not reach a fresh clone's repository, which holds only `.git` and so
 * counts as empty. An overlay's own `.git` is its repository (authors keep
 * templates in git), so it is passed over, not copied.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDestination } from '../generators/io/destination.js';
import { runCli, scratch } from './support/cli.js';

const work = scratch('cf-trust-git-');
afterAll(() => work.cleanup());
const env = { XDG_STATE_HOME: join(work.dir, 'state') };

describe('an overlay that writes into .git/', () => {
  it.each(['.git/config', '.git/hooks/post-checkout', '.GIT/config'])('%s is not copied; the clone\'s .git is untouched', async (path) => {
    const clone = join(work.dir, `clone-${path.replace(/\W/g, '-')}`);
    await execa('git', ['init', '-q', clone]);
    const config = readFileSync(join(clone, '.git', 'config'), 'utf8');
    const overlay = join(work.dir, `overlay-${path.replace(/\W/g, '-')}`);
    mkdirSync(join(overlay, path, '..'), { recursive: true });
    writeFileSync(join(overlay, path), `[core]\n\tfsmonitor = "touch ${join(work.dir, 'ran')}"\n`);
    const result = await runCli(['.', '-y', '-t', 'linux', '--templates', overlay], { cwd: clone, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(clone, '.git', 'config'), 'utf8')).toBe(config);
    expect(existsSync(join(clone, '.git', 'hooks', 'post-checkout'))).toBe(false);
    expect(existsSync(join(clone, 'Cargo.toml'))).toBe(true);
    await execa('git', ['status'], { cwd: clone });
    expect(existsSync(join(work.dir, 'ran'))).toBe(false);
  });
});

describe('the destination check, for any renderer', () => {
  it.each(['.git/config', '.Git/hooks/pre-commit', '../out.txt', 'a/../../b', '/etc/passwd', 'a//b'])('refuses the generated path %s', (path) => {
    const dir = join(work.dir, 'check');
    expect(() => checkDestination(dir, [{ path, contents: '' }], false)).toThrow(/inside \.git\/|would leave the destination/);
  });
});
