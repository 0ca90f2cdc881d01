/**
 * Issue 15.3: the installed package is read-only to the tool. A copy of the
 * package as npm installs it (bin/, dist/, templates/, package.json; no .git)
 * is made read-only (a read-only bind mount as root, whose writes fail with
 * EROFS even for root; chmod a-w otherwise), and every course command runs
 * from it with real cargo and git: `course` (folders, both), `course init`,
 * `course verify` (with and without --record), `check`. Recordings land only in
 * the author's folder (--from) or --out; the package is unchanged byte for byte.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, scratch } from '../support/cli.js';
import { inCi, missingTools, requireTools, toolchainNeeds } from '../support/tools.js';
import { snapshot } from '../support/snapshot.js';

const work = scratch('cf-course-ro-');
const pkg = join(work.dir, 'node_modules', 'create-freestanding');
const env = { XDG_STATE_HOME: join(work.dir, 'state'), CARGO_TARGET_DIR: join(repoRoot, 'node_modules', '.cache', 'cf-course-ro-target') };
let mounted = false;
let readOnly: string | undefined;


beforeAll(async () => {
  mkdirSync(pkg, { recursive: true });
  for (const entry of ['bin', 'dist', 'templates', 'package.json']) cpSync(join(repoRoot, entry), join(pkg, entry), { recursive: true });
  if (process.getuid?.() === 0) {
    const bind = await execa('mount', ['--bind', pkg, pkg], { reject: false });
    const remount = bind.exitCode === 0 ? await execa('mount', ['-o', 'remount,bind,ro', pkg], { reject: false }) : bind;
    mounted = bind.exitCode === 0;
    if (remount.exitCode !== 0) readOnly = `mount -o remount,bind,ro failed: ${remount.stderr}`;
  } else {
    await execa('chmod', ['-R', 'a-w', pkg]);
  }
});
afterAll(async () => {
  if (mounted) await execa('umount', [pkg], { reject: false });
  else if (existsSync(pkg)) await execa('chmod', ['-R', 'u+w', pkg], { reject: false });
  work.cleanup();
});

const run = (args: string[], cwd = work.dir) => execa('node', [join(pkg, 'bin', 'create-freestanding.cjs'), ...args], { reject: false, stdin: 'ignore', cwd, env, timeout: 600_000 });

function oneLine(result: { exitCode?: number; stderr: unknown }, pattern: RegExp): void {
  const stderr = String(result.stderr);
  expect(result.exitCode, stderr).toBe(1);
  expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
  expect(stderr).toMatch(pattern);
}

describe('a read-only installed package', () => {
  it('runs every course command; --record writes only into the author\'s folder or --out', async ({ skip }) => {
    if (readOnly !== undefined) {
      if (inCi) throw new Error(`CI=true and the package folder cannot be made read-only: ${readOnly}`);
      console.warn(`SKIPPED (not CI): ${readOnly}`);
      return skip(readOnly);
    }
    if (!requireTools(missingTools([...toolchainNeeds.rustup, { command: 'git', args: ['--version'], install: 'apt-get install git' }]), skip)) return;
    const before = snapshot(pkg);
    // Proof that it is read-only: a write into it fails.
    const probe = await execa('touch', [join(pkg, 'templates', 'probe')], { reject: false });
    expect(probe.exitCode, 'the package folder must refuse writes').not.toBe(0);

    const folders = await run(['course', 'c-folders', '--yes']);
    expect(folders.exitCode, folders.stderr).toBe(0);
    const both = await run(['course', 'c-both', '--yes', '--emit', 'both']);
    expect(both.exitCode, both.stderr).toBe(0);
    const dry = await run(['course', 'c-dry', '--yes', '--dry-run', '--json']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const init = await run(['course', 'init', 'mine']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(readdirSync(join(work.dir, 'mine')).sort()).toEqual(['.github', 'course.schema.json', 'course.toml', 'files', 'recorded']);
    // The course's CI workflow, rendered from the package's templates/course-ci/, here and in the repository of --emit both.
    expect(readdirSync(join(work.dir, 'mine', '.github', 'workflows'))).toEqual(['course.yml']);
    expect(readdirSync(join(work.dir, 'c-both', 'repo', '.github', 'workflows'))).toEqual(['course.yml']);

    const verify = await run(['course', 'verify', '--step', 'no-std', '--json']);
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(JSON.parse(String(verify.stdout)).steps[0]).toMatchObject({ id: 'no-std', status: 'ok', wording: 'same' });
    // No --from: refused before building anything, naming the way out.
    oneLine(await run(['course', 'verify', '--step', 'no-std', '--record']), /never into the installed package: pass --from <dir> \(create-freestanding course init <dir> makes an editable copy\) or --out <dir>/);
    // --from or --out aimed into the package: refused too (not only failing on EROFS).
    oneLine(await run(['course', 'verify', '--step', 'no-std', '--record', '--from', join(pkg, 'templates', 'course')]), /installed package/);
    oneLine(await run(['course', 'verify', '--step', 'no-std', '--record', '--out', join(pkg, 'recorded')]), /inside the installed package/);

    const recorded = await run(['course', 'verify', '--step', 'no-std', '--record', '--from', 'mine']);
    expect(recorded.exitCode, recorded.stderr).toBe(0);
    expect(String(recorded.stdout)).toMatch(/no-std .* recorded$/m);
    expect(readFileSync(join(work.dir, 'mine', 'recorded', 'linux-rust-lld', 'no-std.txt'), 'utf8')).toMatch(/^# rustc /m);
    const out = await run(['course', 'verify', '--step', 'no-std', '--record', '--out', 'recordings']);
    expect(out.exitCode, out.stderr).toBe(0);
    expect(existsSync(join(work.dir, 'recordings', 'linux-rust-lld', 'no-std.txt'))).toBe(true);

    const check = await run(['check', join(work.dir, 'c-folders', 'steps', '02-no-std')]);
    expect(String(check.stdout), check.stderr).toMatch(/step 2 of 11/);

    expect(snapshot(pkg)).toEqual(before);
    if (!mounted) chmodSync(pkg, 0o555);
  }, 600_000);
});

describe('steps that cannot be built here', () => {
  it('are "not built: needs …", not mismatches, and exit 3 (a mismatch exits 1)', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const result = await execa('node', [join(repoRoot, 'bin', 'create-freestanding.cjs'), 'course', 'verify', '--os', 'windows', '--step', 'no-std', '--step', 'no-main'], { reject: false, env });
    expect(result.exitCode, String(result.stderr)).toBe(3);
    expect(String(result.stdout)).toMatch(/^6\s+no-main .* not built\s+-$/m);
    expect(String(result.stdout)).toContain('step 6 no-main: not built: needs a cargo that builds for x86_64-pc-windows-msvc (--cargo <command>)');
    expect(String(result.stdout)).toMatch(/all 1 steps built match; 1 not built here \(exit 3\)$/);
    const json = await execa('node', [join(repoRoot, 'bin', 'create-freestanding.cjs'), 'course', 'verify', '--os', 'windows', '--step', 'no-main', '--json'], { reject: false, env });
    expect(json.exitCode).toBe(3);
    expect(JSON.parse(String(json.stdout))).toMatchObject({ ok: false, exitCode: 3, notBuilt: [{ id: 'no-main', needs: expect.stringContaining('x86_64-pc-windows-msvc') }] });
  }, 300_000);
});
