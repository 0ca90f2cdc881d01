/**
 * The write path as a hostile or unlucky user meets it: nothing is written
 * through a link or outside the destination, every odd destination ends in
 * one line and exit 1 (or, for an empty directory, a project written in
 * place), and nothing is half-written.
 */
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, scratch } from './support/cli.js';
import { missingTools, requireTools } from './support/tools.js';
import { snapshot } from './support/snapshot.js';

const work = scratch('cf-write-');
chmodSync(work.dir, 0o755); // the unprivileged runs below must reach their folders
afterAll(() => work.cleanup());
let count = 0;
const fresh = (name = 'case') => {
  const dir = join(work.dir, `${name}-${(count += 1)}`);
  mkdirSync(dir, { mode: 0o755 });
  return dir;
};


/** One line on stderr, ours, no stack trace, exit 1. */
function expectOneLine(result: { exitCode?: number; stderr: unknown }, pattern: RegExp) {
  const stderr = String(result.stderr);
  expect(result.exitCode, stderr).toBe(1);
  expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
  expect(stderr).toMatch(/^create-freestanding: /);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr).toMatch(pattern);
}

const staging = (dir: string) => readdirSync(dir).filter((name) => name.includes('create-freestanding'));
const isRoot = process.getuid?.() === 0;

/** Runs the CLI as a user without write permission where root would have it (root ignores permission bits). */
function runUnprivileged(args: string[], cwd?: string) {
  if (!isRoot) return runCli(args, { cwd });
  return execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', cliPath, ...args], {
    reject: false, stdin: 'ignore', cwd, env: { HOME: '/nonexistent', TMPDIR: '/tmp' },
  });
}
/** As root: setpriv, and a checkout the unprivileged user can read (root's home often is not). */
const needSetpriv = (skip: (note?: string) => void) => !isRoot || requireTools(
  missingTools([
    { command: 'setpriv', args: ['--version'], install: 'apt-get install util-linux' },
    { command: 'setpriv', args: ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', cliPath], install: `read access for user nobody to ${cliPath} (chmod o+rx on its folders)` },
  ]),
  skip,
);

describe('never through a link, never outside', () => {
  it('refuses --force into a directory whose src is a link to elsewhere; the elsewhere is unchanged byte for byte', async () => {
    const outside = fresh('outside');
    writeFileSync(join(outside, 'lib.rs'), 'pub fn mine() {}\n');
    writeFileSync(join(outside, 'main.rs'), 'fn main() {}\n');
    const dest = fresh('dest');
    writeFileSync(join(dest, 'Cargo.toml'), '# mine\n');
    symlinkSync(outside, join(dest, 'src'));
    const before = { outside: snapshot(outside), dest: snapshot(dest) };
    const result = await runCli([dest, '-y', '--force', '--name', 'demo']);
    expectOneLine(result, /src is a symbolic link; generated files are never written through links/);
    expect({ outside: snapshot(outside), dest: snapshot(dest) }).toEqual(before);
  });

  it('refuses a generated file that is a link (Cargo.toml → a file elsewhere)', async () => {
    const outside = fresh('outside');
    writeFileSync(join(outside, 'secret'), 'do not touch\n');
    const dest = fresh('dest');
    symlinkSync(join(outside, 'secret'), join(dest, 'Cargo.toml'));
    const before = snapshot(work.dir);
    const result = await runCli([dest, '-y', '--force', '--name', 'demo']);
    expectOneLine(result, /Cargo\.toml is a symbolic link/);
    expect(snapshot(work.dir)).toEqual(before);
  });

  it('writes nothing through temporary links planted for the pids to come', async () => {
    const outside = fresh('outside');
    writeFileSync(join(outside, 'target'), 'outside\n');
    mkdirSync(join(outside, 'dir'));
    const parent = fresh('parent');
    const dest = join(parent, 'proj');
    mkdirSync(dest);
    writeFileSync(join(dest, 'Cargo.toml'), '# old\n');
    // Names temporary files were given before (file.create-freestanding-<pid>), for the next 300 pids.
    const last = Number(readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'));
    for (let pid = last + 1; pid <= last + 300; pid += 1) {
      for (const file of ['Cargo.toml', 'README.md', '.gitignore', 'build.rs']) symlinkSync(join(outside, 'target'), join(dest, `${file}.create-freestanding-${pid}`));
      symlinkSync(join(outside, 'dir'), join(parent, `.proj.create-freestanding-${pid}`));
    }
    const outsideBefore = snapshot(outside);
    for (const args of [[dest, '--force'], [join(parent, 'new')]]) {
      const result = await runCli([...args, '-y', '--name', 'demo']);
      expect(result.exitCode, result.stderr).toBe(0);
    }
    expect(snapshot(outside)).toEqual(outsideBefore);
    expect(lstatSync(join(dest, 'Cargo.toml')).isFile()).toBe(true);
    expect(readFileSync(join(dest, 'Cargo.toml'), 'utf8')).toContain('name = "demo"');
    expect(lstatSync(join(parent, 'new')).isDirectory()).toBe(true);
  });
});

describe('odd destinations: one line and exit 1', () => {
  it.for([
    ['a dangling symbolic link', (dir: string) => (symlinkSync(join(dir, 'nowhere'), join(dir, 'link')), join(dir, 'link')), /symbolic link to a path that does not exist/],
    ['f/sub where f is a file', (dir: string) => (writeFileSync(join(dir, 'f'), 'x'), join(dir, 'f', 'sub')), /f is a file, so .*sub cannot be created/],
    ['a path over 4096 bytes', (dir: string) => join(dir, ...Array.from({ length: 50 }, () => 'x'.repeat(90))), /bytes long, over what file systems allow/],
    ['/sys/x', () => '/sys/x', /on a kernel file system \(sys\)/],
    ['/proc/x', () => '/proc/x', /on a kernel file system \(proc\)/],
    ['/proc/self/x', () => '/proc/self/x', /on a kernel file system \(proc\)/],
    ['a 228-character name', (dir: string) => join(dir, 'n'.repeat(228)), /is 228 characters long; the files rustc names after it break the build beyond 227; use --name n{1,227}$/],
    ['a 255-character name', (dir: string) => join(dir, 'n'.repeat(255)), /is 255 characters long/],
    ['a 256-character name', (dir: string) => join(dir, 'n'.repeat(256)), /is 256 bytes long; file systems allow 255/],
  ] as const)('%s', async ([_title, make, pattern]) => {
    const dir = fresh();
    const destination = make(dir);
    const before = snapshot(dir);
    const result = await runCli([destination, '-y', ...(_title === 'a 256-character name' ? ['--name', 'demo'] : [])], { timeout: 20_000 });
    expectOneLine(result, pattern);
    expect(snapshot(dir)).toEqual(before);
  });

  it('writes a 255-character directory name when --name is given (staging names stay short)', async () => {
    const dir = fresh();
    const result = await runCli([join(dir, 'n'.repeat(255)), '-y', '--name', 'demo']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(['n'.repeat(255)]);
  });

  it('refuses --force when src is a regular file, before writing anything', async () => {
    const dest = fresh();
    writeFileSync(join(dest, 'Cargo.toml'), '# mine\n');
    writeFileSync(join(dest, 'src'), 'a file\n');
    const before = snapshot(dest);
    expectOneLine(await runCli([dest, '-y', '--force', '--name', 'demo']), /src is a file where the folder src\/ must go/);
    expect(snapshot(dest)).toEqual(before);
  });

  it('refuses a read-only parent', async ({ skip }) => {
    if (!needSetpriv(skip)) return;
    const parent = fresh('ro-parent');
    if (!isRoot) chmodSync(parent, 0o555);
    expectOneLine(await runUnprivileged([join(parent, 'proj'), '-y', '--name', 'demo']), /ro-parent-\d+ is not writable; choose a directory you can write to/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses a read-only directory with --force', async ({ skip }) => {
    if (!needSetpriv(skip)) return;
    const dest = fresh('ro-dest');
    writeFileSync(join(dest, 'Cargo.toml'), '# mine\n');
    if (!isRoot) chmodSync(dest, 0o555);
    const before = snapshot(dest);
    expectOneLine(await runUnprivileged([dest, '-y', '--force', '--name', 'demo']), /ro-dest-\d+ is not writable/);
    expect(snapshot(dest)).toEqual(before);
  });

  it('refuses an unwritable workspace root and leaves no crate behind', async ({ skip }) => {
    if (!needSetpriv(skip)) return;
    const root = fresh('ws');
    writeFileSync(join(root, 'Cargo.toml'), '[workspace]\nmembers = []\n', { mode: 0o644 });
    if (isRoot) chownSync(root, 65534, 65534); // nobody may write the crate's folder, not root's manifest
    else chmodSync(join(root, 'Cargo.toml'), 0o444);
    const before = snapshot(root);
    const result = await runUnprivileged([join(root, 'crate'), '-y', '--name', 'demo']);
    expectOneLine(result, /Cargo\.toml: permission denied/);
    expect(snapshot(root)).toEqual(before);
  });

  it('answers --json errors with JSON on stdout', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'f'), 'x');
    const result = await runCli([join(dir, 'f', 'sub'), '-y', '--json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: expect.stringMatching(/is a file, so/), exitCode: 1 });
    const version = await runCli(['--json', '--version']);
    expect(JSON.parse(version.stdout)).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(JSON.parse((await runCli(['--json', '--help'])).stdout).usage).toMatch(/^Usage: create-freestanding/);
  });
});

describe('empty directories are written in place, never removed or renamed', () => {
  const inode = (path: string) => statSync(path).ino;

  it.for([
    ['.', (dir: string) => ({ cwd: dir, arg: '.' })],
    ['./', (dir: string) => ({ cwd: dir, arg: './' })],
    ['$PWD (absolute)', (dir: string) => ({ cwd: dir, arg: dir })],
  ] as const)('%s in an empty directory', async ([_title, how]) => {
    const dir = fresh('empty');
    const before = inode(dir);
    const { cwd, arg } = how(dir);
    const result = await runCli([arg, '-y', '--name', 'demo'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(inode(dir)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['.gitignore', '.vscode', 'Cargo.toml', 'README.md', 'build.rs', 'debug.gdb', 'src']);
  });

  it('a symbolic link to an empty directory: the link stays, the files land in its target', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const result = await runCli([join(dir, 'link'), '-y', '--name', 'demo']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(dir, 'real'))).toContain('Cargo.toml');
  });

  it('a directory holding only .git counts as empty', async () => {
    const dir = fresh();
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const result = await runCli([dir, '-y', '--name', 'demo']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(dir, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(readdirSync(dir)).toContain('Cargo.toml');
  });

  it('an empty mount point', async ({ skip }) => {
    const dir = fresh('mnt');
    const mounted = isRoot && (await execa('mount', ['-t', 'tmpfs', 'tmpfs', dir], { reject: false })).exitCode === 0;
    if (!mounted) {
      if (process.env.CI === 'true' && isRoot) throw new Error('CI=true: could not mount a tmpfs to test an empty mount point');
      console.warn('SKIPPED: mounting a tmpfs needs root');
      skip('mounting a tmpfs needs root');
      return;
    }
    try {
      const result = await runCli([dir, '-y', '--name', 'demo']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(readdirSync(dir)).toContain('Cargo.toml');
    } finally {
      await execa('umount', [dir], { reject: false });
    }
  });

  it('a disk that fills up mid-write: one line, and what was staged is removed', async ({ skip }) => {
    const dir = fresh('full');
    const mounted = isRoot && (await execa('mount', ['-t', 'tmpfs', '-o', 'size=12k', 'tmpfs', dir], { reject: false })).exitCode === 0;
    if (!mounted) {
      if (process.env.CI === 'true' && isRoot) throw new Error('CI=true: could not mount a small tmpfs');
      console.warn('SKIPPED: mounting a tmpfs needs root');
      skip('mounting a tmpfs needs root');
      return;
    }
    try {
      writeFileSync(join(dir, 'filler'), Buffer.alloc(4096));
      expectOneLine(await runCli([join(dir, 'proj'), '-y', '--name', 'demo']), /no space left on the device .*\(nothing was written\)$/);
      expect(readdirSync(dir)).toEqual(['filler']);
    } finally {
      await execa('umount', [dir], { reject: false });
    }
  });

  it('~/x means the home folder', async () => {
    const home = fresh('home');
    const result = await runCli(['~/proj', '-y'], { env: { HOME: home } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(home, 'proj', 'Cargo.toml'), 'utf8')).toContain('name = "proj"');
    // The core expands ~ once, so every front end (prompts, plop, the API) means the same folder.
    expect(result.stdout).toContain(`cd ${join(home, 'proj')}\n`);
  });
});

/**
 * A killed run of this user's, as its journal in the private state folder
 * records it (each test has a state folder of its own, given as XDG_STATE_HOME).
 */
function killedRun(journal: Record<string, unknown> & { id: string }): string {
  const state = fresh('state');
  const folder = join(state, 'create-freestanding');
  mkdirSync(folder, { mode: 0o700 });
  writeFileSync(join(folder, `${journal.id}.journal`), JSON.stringify({ createdFolders: [], replaced: [], locks: [], ...journal }));
  return state;
}
const journalsIn = (state: string) => readdirSync(join(state, 'create-freestanding')).filter((name) => name.includes('.journal'));

describe('staging of ours left by killed runs', () => {
  it('is removed by the next run when its journal says it died before the commit; look-alike names are left alone', async () => {
    const parent = fresh();
    const dead = 2 ** 22 + 1; // above pid_max's default: never a live process
    const id = `${dead}-deadbeef`;
    mkdirSync(join(parent, `.create-freestanding-${id}`));
    writeFileSync(join(parent, `.create-freestanding-${id}`, 'Cargo.toml'), 'half');
    const state = killedRun({ id, phase: 'staging', mode: 'new', destination: join(parent, 'killed'), staging: join(parent, `.create-freestanding-${id}`), files: ['Cargo.toml'] });
    mkdirSync(join(parent, `.create-freestanding-${dead}-0badf00d`)); // our pattern, but no journal of ours names it
    mkdirSync(join(parent, '.create-freestanding-notes'));
    const result = await runCli([join(parent, 'proj'), '-y', '--name', 'demo'], { env: { XDG_STATE_HOME: state } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(staging(parent).sort()).toEqual([`.create-freestanding-${dead}-0badf00d`, '.create-freestanding-notes']);
    expect(journalsIn(state)).toEqual([]);
  });

  it('completes a commit whose journal was written before the kill', async () => {
    const parent = fresh();
    const dead = 2 ** 22 + 3;
    const id = `${dead}-feedf00d`;
    const stagingDir = join(parent, `.create-freestanding-${id}`);
    mkdirSync(join(stagingDir, 'src'), { recursive: true });
    writeFileSync(join(stagingDir, 'Cargo.toml'), '[package]\nname = "done"\n');
    writeFileSync(join(stagingDir, 'src', 'lib.rs'), '');
    const state = killedRun({ id, phase: 'commit', mode: 'new', destination: join(parent, 'done'), staging: stagingDir, files: ['Cargo.toml', 'src/lib.rs'] });
    const result = await runCli([join(parent, 'other'), '-y', '--name', 'demo'], { env: { XDG_STATE_HOME: state } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(parent, 'done', 'Cargo.toml'), 'utf8')).toContain('name = "done"');
    expect(staging(parent)).toEqual([]);
    expect(existsSync(join(parent, 'other', 'Cargo.toml'))).toBe(true);
    expect(journalsIn(state)).toEqual([]);
  });

  it('a journal whose staging is not beside its destination is left alone and reported in one line', async () => {
    const parent = fresh();
    const elsewhere = fresh('elsewhere');
    writeFileSync(join(elsewhere, 'keep.txt'), 'mine\n');
    const dead = 2 ** 22 + 7;
    const id = `${dead}-0ddba11a`;
    const state = killedRun({ id, phase: 'staging', mode: 'new', destination: join(parent, 'x'), staging: elsewhere, files: [] });
    const result = await runCli([join(parent, 'proj'), '-y', '--name', 'demo'], { env: { XDG_STATE_HOME: state } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(elsewhere, 'keep.txt'), 'utf8')).toBe('mine\n');
    expect(result.stderr).toMatch(/note: left alone the record .*\.journal of an interrupted run: staging is not/);
    expect(journalsIn(state)).toEqual([`${id}.journal`]);
  });
});

describe('a commit killed halfway through an existing directory', () => {
  it('is completed from its journal by the next run: moved files stay, the rest moves in, staging goes', async () => {
    const parent = fresh();
    const dest = join(parent, 'half');
    mkdirSync(dest);
    const dead = 2 ** 22 + 5;
    const id = `${dead}-abcdabcd`;
    const stagingDir = join(dest, `.create-freestanding-${id}`);
    mkdirSync(join(stagingDir, 'new', 'src'), { recursive: true });
    mkdirSync(join(stagingDir, 'old'), { recursive: true });
    writeFileSync(join(dest, 'notes.txt'), 'mine\n');
    // Cargo.toml was already swapped (the old one aside), src/lib.rs and README.md were not yet moved in.
    writeFileSync(join(dest, 'Cargo.toml'), 'new manifest\n');
    writeFileSync(join(stagingDir, 'old', 'Cargo.toml'), 'old manifest\n');
    writeFileSync(join(stagingDir, 'new', 'src', 'lib.rs'), 'new lib\n');
    writeFileSync(join(stagingDir, 'new', 'README.md'), 'new readme\n');
    writeFileSync(join(dest, 'README.md'), 'old readme\n');
    const state = killedRun({ id, phase: 'commit', mode: 'in-place', destination: dest, staging: stagingDir, files: ['Cargo.toml', 'src/lib.rs', 'README.md'], replaced: ['Cargo.toml', 'README.md'] });
    const result = await runCli([join(parent, 'other'), '-y', '--name', 'demo'], { env: { XDG_STATE_HOME: state } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(snapshot(dest)).toEqual({
      [join(dest, 'Cargo.toml')]: Buffer.from('new manifest\n').toString('base64'),
      [join(dest, 'README.md')]: Buffer.from('new readme\n').toString('base64'),
      [join(dest, 'notes.txt')]: Buffer.from('mine\n').toString('base64'),
      [join(dest, 'src')]: 'dir',
      [join(dest, 'src', 'lib.rs')]: Buffer.from('new lib\n').toString('base64'),
    });
    expect(journalsIn(state)).toEqual([]);
  });
});

describe('a failure inside the commit is undone', () => {
  const needStrace = (skip: (note?: string) => void) =>
    requireTools(missingTools([{ command: 'strace', args: ['-V'], install: 'scripts/setup-toolchain.sh (apt-get install strace)' }]), skip);
  /** The CLI under strace, the `when`-th call of `syscall` failing with EIO: a disk error at a chosen step of the commit. */
  const failing = (syscall: string, when: number, args: string[]) => execa('strace', [
    '-f', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:error=EIO:when=${when}`, 'node', cliPath, ...args,
  ], { reject: false, stdin: 'ignore' });

  it('the workspace root cannot be edited after the crate moved in: the crate is removed, the root unchanged', async ({ skip }) => {
    if (!needStrace(skip)) return;
    const root = fresh('ws-undo');
    writeFileSync(join(root, 'Cargo.toml'), '# root\n[workspace]\nmembers = []\n');
    const before = snapshot(root);
    // The root manifest is the only file written at an offset (pwrite64): the first one fails.
    const result = await failing('pwrite64', 1, [join(root, 'crates', 'k'), '-y', '--name', 'k']);
    expectOneLine(result, /input\/output error .*\(nothing was written\)$/);
    expect(snapshot(root)).toEqual(before);
  });

  it('--force: a file that cannot be moved in halfway through puts every replaced file back', async ({ skip }) => {
    if (!needStrace(skip)) return;
    const dest = fresh('force-undo');
    writeFileSync(join(dest, 'Cargo.toml'), '# mine\n');
    writeFileSync(join(dest, 'README.md'), 'my readme\n');
    writeFileSync(join(dest, 'notes.txt'), 'notes\n');
    const before = snapshot(dest);
    // Renames: the journal twice (staging, then commit), then each replaced file aside; links: each file in.
    for (const [syscall, when] of [['rename', 3], ['rename', 4], ['link', 1], ['link', 3], ['link', 6]] as const) {
      const result = await failing(syscall, when, [dest, '-y', '--force', '--name', 'demo']);
      expectOneLine(result, /input\/output error .*\(nothing was written\)$/);
      expect(snapshot(dest), `failing ${syscall} ${when}`).toEqual(before);
    }
  });
});

