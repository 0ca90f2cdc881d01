/**
 * Issue 13, part 4: a workspace root is read as cargo reads it and stays
 * buildable. Each case was an attack on the old planner: a colliding member
 * added, a member taken as covered when cargo says it is not, a root cargo
 * accepts refused (BOM, quoted headers) or rewritten (bytes outside the edit),
 * an ancestor FIFO that hung the run, `--force` replacing a root manifest.
 * Every verdict is checked against the real cargo.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const work = scratch('cf-trust-ws-');
afterAll(() => work.cleanup());

const profiles = '\n[profile.dev]\npanic = "abort"\n\n[profile.release]\npanic = "abort"\n';
let count = 0;

/** A fresh workspace root holding `manifest` (a string or raw bytes). */
function root(manifest: string | Buffer): string {
  const dir = join(work.dir, `root-${(count += 1)}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'Cargo.toml'), manifest);
  return dir;
}

/** A package at `path` below `dir`: a library, and a binary when `bin`. */
function makePackage(dir: string, path: string, name: string, extra = '', bin = false): void {
  mkdirSync(join(dir, path, 'src'), { recursive: true });
  writeFileSync(join(dir, path, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`);
  writeFileSync(join(dir, path, 'src', 'lib.rs'), '');
  if (bin) writeFileSync(join(dir, path, 'src', 'main.rs'), 'fn main() {}\n');
}

const cargo = (cwd: string, args: string[]) => execa('cargo', args, { cwd, reject: false, env: { CARGO_TERM_COLOR: 'never' } });
const metadata = (cwd: string) => cargo(cwd, ['metadata', '--offline', '--no-deps', '--format-version', '1']);
const packageNames = (stdout: string) => (JSON.parse(stdout) as { packages: { name: string }[] }).packages.map((pkg) => pkg.name).sort();

/** A refusal as the rules want it: exit 1, one line naming the fix, no stack trace. */
function expectRefusal(result: { exitCode?: number; stderr: unknown }, pattern: RegExp): void {
  const stderr = String(result.stderr);
  expect(result.exitCode, stderr).toBe(1);
  expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
  expect(stderr).toMatch(/^create-freestanding: /);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** True when `before` is `after` with only insertions: every byte of the user's kept, in order. */
function onlyInsertions(before: Buffer, after: Buffer): boolean {
  let index = 0;
  for (const byte of after) if (index < before.length && byte === before[index]) index += 1;
  return index === before.length;
}

describe('members that would break the workspace are refused before anything is written', () => {
  it('refuses tools/kernel beside crates/kernel (two packages named kernel), dry run too', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const manifest = `[workspace]\nresolver = "2"\nmembers = ["crates/kernel"]\n${profiles}`;
    const dir = root(manifest);
    makePackage(dir, 'crates/kernel', 'kernel');
    for (const extra of [[], ['--dry-run']]) {
      const result = await runCli([join(dir, 'tools', 'kernel'), '-y', '-t', 'linux', ...extra]);
      expectRefusal(result, /package named "kernel".*crates\/kernel.*choose another/);
      expect(existsSync(join(dir, 'tools'))).toBe(false);
      expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(manifest);
    }
    expect((await metadata(dir)).exitCode).toBe(0);
  });

  it('refuses my_os beside my-os (the same library file, libmy_os.rlib)', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const manifest = `[workspace]\nresolver = "2"\nmembers = ["my-os"]\n${profiles}`;
    const dir = root(manifest);
    makePackage(dir, 'my-os', 'my-os');
    const result = await runCli([join(dir, 'my_os'), '-y', '-t', 'linux']);
    expectRefusal(result, /librar.*my_os.*my-os.*choose another/);
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(manifest);
    const build = await cargo(dir, ['build', '--offline']);
    expect(build.exitCode, build.stderr).toBe(0);
    expect(build.stderr).not.toMatch(/collision/);
  });

  it('refuses a crate whose binary has the name of a member\'s [[bin]]', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const manifest = `[workspace]\nresolver = "2"\nmembers = ["tools"]\n${profiles}`;
    const dir = root(manifest);
    makePackage(dir, 'tools', 'tools', '\n[[bin]]\nname = "loader"\npath = "src/main.rs"\n', true);
    const result = await runCli([join(dir, 'crates', 'loader'), '-y', '-t', 'linux']);
    expectRefusal(result, /binary named "loader".*tools.*choose another/);
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(manifest);
  });

  it('expands globs as cargo does, minus exclude: an excluded kernel does not collide, a globbed one does', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const manifest = `[workspace]\nresolver = "2"\nmembers = ["crates/*"]\nexclude = ["crates/old"]\n${profiles}`;
    const dir = root(manifest);
    makePackage(dir, 'crates/old', 'kernel');
    makePackage(dir, 'crates/util', 'util');
    const accepted = await runCli([join(dir, 'tools', 'kernel'), '-y', '-t', 'linux']);
    expect(accepted.exitCode, String(accepted.stderr)).toBe(0);
    const listed = await metadata(dir);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(packageNames(listed.stdout)).toEqual(['kernel', 'util']);
    const refused = await runCli([join(dir, 'other', 'util'), '-y', '-t', 'linux']);
    expectRefusal(refused, /package named "util".*crates\/util/);
    expect((await metadata(dir)).exitCode).toBe(0);
  });
  it('refuses a crate named like a member\'s path dependency, which cargo makes a member too', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const manifest = `[workspace]\nresolver = "2"\nmembers = ["crates/app"]\n\n[workspace.dependencies]\nloader = { path = "libs/loader" }\n${profiles}`;
    const dir = root(manifest);
    makePackage(dir, 'crates/app', 'app', '\n[dependencies]\nloader = { workspace = true }\n\n[target.\'cfg(unix)\'.dependencies]\nkernel = { path = "../../libs/kernel" }\n');
    makePackage(dir, 'libs/kernel', 'kernel');
    makePackage(dir, 'libs/loader', 'loader');
    const listed = await metadata(dir);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(packageNames(listed.stdout)).toEqual(['app', 'kernel', 'loader']);
    for (const name of ['kernel', 'loader']) {
      const result = await runCli([join(dir, 'tools', name), '-y', '-t', 'linux']);
      expectRefusal(result, new RegExp(`package named "${name}" \\(libs/${name}\\)`));
      expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(manifest);
    }
  });

  it('refuses a crate named like the root package', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const manifest = `[package]\nname = "monorepo"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\nresolver = "2"\nmembers = []\n${profiles}`;
    const dir = root(manifest);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'lib.rs'), '');
    const result = await runCli([join(dir, 'crates', 'monorepo'), '-y', '-t', 'linux']);
    expectRefusal(result, /package named "monorepo" \(the root package\)/);
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(manifest);
  });
});

describe('members matched as cargo matches them', () => {
  it('passes over a root that excludes the crate and joins the workspace above it, as cargo does', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const dir = root(`[workspace]\nresolver = "2"\nmembers = []\n${profiles}`);
    mkdirSync(join(dir, 'inner'));
    writeFileSync(join(dir, 'inner', 'Cargo.toml'), '[workspace]\nresolver = "2"\nexclude = ["new"]\n');
    const result = await runCli([join(dir, 'inner', 'new'), '-y', '-t', 'linux']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect((parse(readFileSync(join(dir, 'Cargo.toml'), 'utf8')) as any).workspace.members).toEqual(['inner/new']);
    const build = await cargo(join(dir, 'inner', 'new'), ['build', '--offline']);
    expect(build.exitCode, build.stderr).toBe(0);
  });

  it('takes a path a glob covers but exclude names as excluded (globs are not explicit members): the crate builds alone', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const manifest = '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\nexclude = ["crates/new"]\n';
    const dir = root(manifest);
    const result = await runCli([join(dir, 'crates', 'new'), '-y', '-t', 'linux']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(manifest);
    const build = await cargo(join(dir, 'crates', 'new'), ['build', '--offline']);
    expect(build.exitCode, build.stderr).toBe(0);
  });

  it.skipIf(process.platform === 'win32')('writes a folder name with DEL (which TOML forbids raw) as an escape cargo reads', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const dir = root(`[workspace]\nresolver = "2"\nmembers = []\n${profiles}`);
    const result = await runCli([join(dir, 'odd\x7fname'), '-y', '-t', 'linux', '--name', 'odd']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toContain('members = ["odd\\u007fname"]');
    const fromMember = await metadata(join(dir, 'odd\x7fname'));
    expect(fromMember.exitCode, fromMember.stderr).toBe(0);
  });

  it.skipIf(process.platform === 'win32')('adds a\\b although "a/b" is listed: on Unix a backslash is part of the name', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const dir = root(`[workspace]\nresolver = "2"\nmembers = ["a/b"]\n${profiles}`);
    makePackage(dir, 'a/b', 'ab');
    const result = await runCli([join(dir, 'a\\b'), '-y', '-t', 'linux', '--name', 'backslash']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect((parse(readFileSync(join(dir, 'Cargo.toml'), 'utf8')) as any).workspace.members).toEqual(['a/b', 'a\\b']);
    const fromMember = await metadata(join(dir, 'a\\b'));
    expect(fromMember.exitCode, fromMember.stderr).toBe(0);
    expect(packageNames(fromMember.stdout)).toEqual(['ab', 'backslash']);
  });
});

describe('root manifests cargo accepts are edited byte for byte; what cargo refuses is refused', () => {
  const accepted: [string, Buffer][] = [
    ['a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`[workspace]\nresolver = "2"\nmembers = ["crates/a"]\n${profiles}`)])],
    ['["workspace"]', Buffer.from(`["workspace"]\nresolver = "2"\nmembers = ["crates/a"]\n${profiles}`)],
    ["['workspace']", Buffer.from(`['workspace']\nresolver = "2"\n${profiles}`)],
    ['[ "workspace" ]', Buffer.from(`# root\n[ "workspace" ] # quoted\nresolver = "2"\nmembers = [ ]\n${profiles}`)],
    ['spaces inside a one-line array', Buffer.from(`[workspace]\nresolver = "2"\nmembers = [ "crates/a" ,  ]   # kept\n${profiles}`)],
    ['tabs, CRLF, UTF-8 comments, no final newline', Buffer.from(`# racine: café ☕\r\n[workspace]\t# é\r\nresolver = "2"\r\nmembers = [\t"crates/a"\t]\t\r\n${profiles.replaceAll('\n', '\r\n')}# fin`)],
    ['"workspace".members dotted and quoted', Buffer.from(`"workspace".resolver = "2"\n"workspace".members = ["crates/a"]\n${profiles}`)],
  ];
  it.for(accepted)('%s: the crate is added, every other byte kept, cargo reads it', async ([, manifest], { skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const dir = root(manifest);
    if (manifest.includes('crates/a')) makePackage(dir, 'crates/a', 'a');
    const before = await metadata(dir);
    expect(before.exitCode, `cargo accepts the root as given: ${before.stderr}`).toBe(0);
    const result = await runCli([join(dir, 'crates', 'new'), '-y', '-t', 'linux', '--name', 'new']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const after = readFileSync(join(dir, 'Cargo.toml'));
    expect(onlyInsertions(manifest, after), after.toString()).toBe(true);
    expect(after.subarray(0, 3).equals(manifest.subarray(0, 3))).toBe(true);
    const listed = await metadata(join(dir, 'crates', 'new'));
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(packageNames(listed.stdout)).toContain('new');
  });

  it('refuses a root with a non-UTF-8 byte in a comment, as cargo does, and leaves it as it was', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const manifest = Buffer.concat([Buffer.from('[workspace]\n# caf'), Buffer.from([0xe9]), Buffer.from(`\nmembers = []\n${profiles}`)]);
    const dir = root(manifest);
    const theirs = await metadata(dir);
    expect(theirs.exitCode).not.toBe(0);
    expect(theirs.stderr).toMatch(/not valid utf-8/i);
    for (const extra of [[], ['--dry-run']]) {
      const result = await runCli([join(dir, 'crates', 'new'), '-y', '-t', 'linux', ...extra]);
      expectRefusal(result, /not valid UTF-8.*line 2/);
      expect(readFileSync(join(dir, 'Cargo.toml')).equals(manifest)).toBe(true);
      expect(existsSync(join(dir, 'crates'))).toBe(false);
    }
  });
});

describe('an ancestor Cargo.toml that is not a regular file', () => {
  const quick = { timeout: 20_000, killSignal: 'SIGKILL' as const };

  it.skipIf(process.platform === 'win32')('a FIFO is refused at once, not waited on (run and dry run)', async () => {
    const dir = join(work.dir, 'fifo');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'Cargo.toml')]);
    for (const extra of [[], ['--dry-run']]) {
      const result = await runCli([join(dir, 'crates', 'new'), '-y', '-t', 'linux', ...extra], quick);
      expect(result.timedOut).toBe(false);
      expectRefusal(result, /Cargo\.toml is a FIFO, not a regular file/);
      expect(existsSync(join(dir, 'crates'))).toBe(false);
    }
  });

  it.skipIf(process.platform === 'win32')('a link to a device and a socket are refused; a link to a regular root is followed', async ({ skip }) => {
    const device = join(work.dir, 'device');
    mkdirSync(device);
    symlinkSync('/dev/zero', join(device, 'Cargo.toml'));
    const zero = await runCli([join(device, 'new'), '-y', '-t', 'linux', '--dry-run'], quick);
    expect(zero.timedOut).toBe(false);
    expectRefusal(zero, /Cargo\.toml is a character device, not a regular file/);

    const socketDir = join(work.dir, 'socket');
    mkdirSync(socketDir);
    const server = createServer();
    await new Promise<void>((done) => server.listen(join(socketDir, 'Cargo.toml'), done));
    try {
      const socket = await runCli([join(socketDir, 'new'), '-y', '-t', 'linux'], quick);
      expectRefusal(socket, /Cargo\.toml is a socket, not a regular file/);
    } finally {
      server.close();
    }

    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const real = root(`[workspace]\nresolver = "2"\nmembers = []\n${profiles}`);
    const linked = join(work.dir, 'linked');
    mkdirSync(linked);
    symlinkSync(join(real, 'Cargo.toml'), join(linked, 'Cargo.toml'));
    const result = await runCli([join(linked, 'new'), '-y', '-t', 'linux', '--dry-run'], quick);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stdout).toContain('Would add "new" to workspace.members');
  });

  it('a root manifest over 4 MiB is refused in one line', async () => {
    const dir = root(`[workspace]\nmembers = []\n${'#'.repeat(5 * 1024 * 1024)}\n`);
    const result = await runCli([join(dir, 'new'), '-y', '-t', 'linux', '--dry-run'], quick);
    expectRefusal(result, /Cargo\.toml is 5\.0 MiB.*4 MiB/);
  });
});

describe('--force at a workspace root', () => {
  it('refuses to generate into the root itself, run and dry run, and keeps its manifest and README', async () => {
    const manifest = `[workspace]\nresolver = "2"\nmembers = ["crates/kernel"]\n${profiles}`;
    const dir = root(manifest);
    makePackage(dir, 'crates/kernel', 'kernel');
    writeFileSync(join(dir, 'README.md'), '# the monorepo\n');
    for (const extra of [[], ['--dry-run']]) {
      const result = await runCli(['.', '-y', '--force', '-t', 'linux', '--name', 'rooted', ...extra], { cwd: dir });
      expectRefusal(result, /is a Cargo workspace root; generate into a member folder such as .*crates\/rooted /);
      expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toBe(manifest);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# the monorepo\n');
      expect(existsSync(join(dir, 'src'))).toBe(false);
    }
  });
});
