/**
 * Issue 13, the course's part: what `course`, `course verify` and `check` read
 * is data. Each attack from the issue, run with the built CLI on real files,
 * real git and real cargo: a course that names files outside its folder, huge
 * or ill-typed manifests, FIFOs, git config that runs commands, cargo
 * subcommands a course has no business running, links in a --force
 * destination, signals during `--emit git`, two runs on one destination.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const env = { CARGO_TARGET_DIR: join(repoRoot, 'node_modules', '.cache', 'cf-trust-course-target') };
const rustup = () => missingTools(toolchainNeeds.rustup);
const git = () => missingTools([{ command: 'git', args: ['--version'], install: 'apt-get install git' }]);

let work: { dir: string; cleanup: () => void };
/** This file's private state folder (journals, the course's git builds), apart from the user's. */
let stateFolder: string;
beforeAll(() => {
  work = scratch('cf-trust-course-');
  process.env.XDG_STATE_HOME = join(work.dir, 'state');
  stateFolder = join(work.dir, 'state', 'create-freestanding');
});
afterAll(() => work.cleanup());

let counter = 0;
/** A fresh folder under the scratch folder. */
function fresh(name: string): string {
  const dir = join(work.dir, `${name}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** One line on stderr starting "create-freestanding: ", exit 1, no stack trace. */
function expectOneLine(result: { exitCode?: number; stderr: unknown }, pattern: RegExp): void {
  const stderr = String(result.stderr);
  expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
  expect(stderr).toMatch(/^create-freestanding: /);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr).toMatch(pattern);
  expect(result.exitCode, stderr).toBe(1);
}

/** A two-step author course; `step1` and `step2` are TOML lines added to each step. */
function course(dir: string, options: { head?: string; step1?: string; step2?: string; files?: Record<string, string> } = {}): string {
  mkdirSync(join(dir, 'files'), { recursive: true });
  writeFileSync(join(dir, 'course.toml'), `[course]
title = "Trust"
${options.head ?? ''}

[[steps]]
id = "start"
title = "a library"
command = "cargo build"
expect = "pass"
files = { "Cargo.toml" = "files/Cargo.toml.hbs", "src/lib.rs" = "files/lib.rs" }
why = "A library needs no entry point."
hint = "Change it."
${options.step1 ?? ''}

[[steps]]
id = "second"
title = "another library"
command = "cargo build"
expect = "pass"
files = { "src/lib.rs" = "files/lib2.rs" }
why = "Still a library."
hint = "Done."
${options.step2 ?? ''}
`);
  writeFileSync(join(dir, 'files', 'Cargo.toml.hbs'), '[package]\nname = "{{name}}"\nversion = "0.1.0"\nedition = "{{edition}}"\n');
  writeFileSync(join(dir, 'files', 'lib.rs'), '#![no_std]\n');
  writeFileSync(join(dir, 'files', 'lib2.rs'), '#![no_std]\n\npub fn two() -> u32 {\n    2\n}\n');
  for (const [path, contents] of Object.entries(options.files ?? {})) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  return dir;
}

/** Everything under `dir`, as relative paths (links not followed). */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? [`${entry.name}/`, ...tree(join(dir, entry.name)).map((path) => `${entry.name}/${path}`)] : [entry.name]);
}

describe('a course read with --from is data: confined to its folder', () => {
  it('refuses files values outside the course: ../, absolute, a link leading out', async () => {
    const base = fresh('escape');
    writeFileSync(join(base, 'secret.txt'), 'SECRET\n');
    for (const template of ['../secret.txt', '../../../../../../../../etc/hostname', '/etc/hostname', 'files/link.rs']) {
      const dir = course(join(base, `course-${template.replace(/\W/g, '_')}`), { step2: '' });
      symlinkSync(join(base, 'secret.txt'), join(dir, 'files', 'link.rs'));
      writeFileSync(join(dir, 'course.toml'), readFileSync(join(dir, 'course.toml'), 'utf8').replace('"files/lib2.rs"', JSON.stringify(template)));
      for (const emit of ['folders', 'git']) {
        const out = join(base, `out-${counter++}`);
        const result = await runCli(['course', out, '--from', dir, '--emit', emit, '--yes']);
        expectOneLine(result, /outside the course folder|symbolic link/);
        expect(existsSync(out), `${template} ${emit}`).toBe(false);
      }
    }
  });

  it('refuses a readme outside the course, and a recording that is a link leading out', async () => {
    const base = fresh('readme');
    writeFileSync(join(base, 'secret.txt'), 'SECRET\n');
    const dir = course(join(base, 'c'), { head: 'readme = "../secret.txt"' });
    const out = join(base, 'out');
    expectOneLine(await runCli(['course', out, '--from', dir, '--yes']), /readme.*outside the course folder/);
    expect(existsSync(out)).toBe(false);

    // A recording is read into each step's README: a link out must not bring the secret in.
    const linked = course(join(base, 'c2'));
    mkdirSync(join(linked, 'recorded', 'linux-rust-lld'), { recursive: true });
    symlinkSync(join(base, 'secret.txt'), join(linked, 'recorded', 'linux-rust-lld', 'start.txt'));
    const out2 = join(base, 'out2');
    const result = await runCli(['course', out2, '--from', linked, '--yes', '--os', 'linux']);
    expectOneLine(result, /symbolic link/);
    expect(tree(out2)).toEqual([]);
    // The whole recorded/ folder as a link out.
    const folder = course(join(base, 'c3'));
    mkdirSync(join(base, 'elsewhere', 'linux-rust-lld'), { recursive: true });
    writeFileSync(join(base, 'elsewhere', 'linux-rust-lld', 'start.txt'), 'SECRET\n');
    symlinkSync(join(base, 'elsewhere'), join(folder, 'recorded'));
    expectOneLine(await runCli(['course', join(base, 'out3'), '--from', folder, '--yes', '--os', 'linux']), /symbolic link/);
  });

  it('refuses step files under .git/ (any case) or outside the step folder', async () => {
    const base = fresh('dotgit');
    for (const key of ['.git/config', '.GIT/hooks/post-commit', 'sub/.Git/config', '.git./config', 'GIT~1/config', '../up.txt', 'a/../../up.txt', '/abs.txt', 'a//b.txt', './x.txt']) {
      const dir = course(join(base, `c${counter++}`), { files: { 'files/evil': 'x\n' } });
      writeFileSync(join(dir, 'course.toml'), readFileSync(join(dir, 'course.toml'), 'utf8').replace('{ "src/lib.rs" = "files/lib2.rs" }', `{ "src/lib.rs" = "files/lib2.rs", ${JSON.stringify(key)} = "files/evil" }`));
      const out = join(base, `out${counter++}`);
      const result = await runCli(['course', out, '--from', dir, '--emit', 'both', '--yes']);
      expectOneLine(result, /files\.".*"/);
      expect(existsSync(out), key).toBe(false);
      expect(existsSync(join(base, 'up.txt'))).toBe(false);
    }
  });
});

describe('limits and types end in one line', () => {
  it('a 30,000-line step file, a file over the byte limit, 20,000 steps', async () => {
    const base = fresh('limits');
    const long = course(join(base, 'long'), { files: { 'files/lib2.rs': Array.from({ length: 30_000 }, (_, i) => `// line ${i}`).join('\n') } });
    const started = Date.now();
    expectOneLine(await runCli(['course', join(base, 'o1'), '--from', long, '--yes'], { timeout: 60_000 }), /lines|bytes/);
    expect(Date.now() - started).toBeLessThan(30_000);

    const big = course(join(base, 'big'), { files: { 'files/lib2.rs': `// ${'x'.repeat(3_000_000)}\n` } });
    expectOneLine(await runCli(['course', join(base, 'o2'), '--from', big, '--yes'], { timeout: 60_000 }), /bytes/);

    const many = course(join(base, 'many'));
    const step = (n: number) => `[[steps]]\nid = "s${n}"\ntitle = "t"\ncommand = "cargo build"\nexpect = "pass"\nfiles = { "src/lib.rs" = "files/lib${n % 2 ? '2' : ''}.rs" }\nwhy = "w"\nhint = "h"\n`;
    const text = readFileSync(join(many, 'course.toml'), 'utf8');
    writeFileSync(join(many, 'course.toml'), text + Array.from({ length: 20_000 }, (_, n) => step(n)).join('\n'));
    expectOneLine(await runCli(['course', join(base, 'o3'), '--from', many, '--yes'], { timeout: 60_000 }), /over the limit/);
    // Under the byte limit, the step limit.
    writeFileSync(join(many, 'course.toml'), text + Array.from({ length: 1_000 }, (_, n) => step(n)).join('\n'));
    expectOneLine(await runCli(['course', join(base, 'o4'), '--from', many, '--yes'], { timeout: 60_000 }), /1002 steps, over the limit of 200 steps/);
    expect(readdirSync(base).filter((name) => name.startsWith('o'))).toEqual([]);
  });

  it('wrong types in course.toml', async () => {
    const base = fresh('types');
    const cases: [string, (text: string) => string, RegExp][] = [
      ['variants a string', (text) => text.replace('hint = "Done."', 'hint = "Done."\nvariants = "linux"'), /variants/],
      ['variants of strings', (text) => text.replace('hint = "Done."', 'hint = "Done."\nvariants = ["linux"]'), /variants/],
      ['steps of numbers', () => 'steps = [1, 2]\n[course]\ntitle = "x"\n', /steps\[0\]: must be a table \(got a number\)/],
      ['course a string', (text) => text.replace('[course]\ntitle = "Trust"', 'course = "x"'), /course/],
      ['diagnostics of strings', (text) => text.replace('expect = "pass"\nfiles = { "src/lib.rs"', 'expect = "fail"\ndiagnostics = ["x"]\nfiles = { "src/lib.rs"'), /diagnostics/],
      ['a file value a number', (text) => text.replace('"files/lib2.rs"', '5'), /files/],
      ['links a string', (text) => text.replace('hint = "Done."', 'hint = "Done."\nlinks = "yes"'), /links/],
      ['when an array', (text) => text.replace('hint = "Done."', 'hint = "Done."\n[[steps.variants]]\nwhen = []\nexpect = "pass"'), /when/],
      ['deep nesting', (text) => text.replace('hint = "Done."', `hint = "Done."\nx = ${'['.repeat(5000)}${']'.repeat(5000)}`), /course\.toml/],
    ];
    for (const [name, edit, pattern] of cases) {
      const dir = course(join(base, name.replace(/\W/g, '_')));
      writeFileSync(join(dir, 'course.toml'), edit(readFileSync(join(dir, 'course.toml'), 'utf8')));
      const result = await runCli(['course', join(base, `out-${name.replace(/\W/g, '_')}`), '--from', dir, '--yes']);
      expectOneLine(result, pattern);
    }
    expect(readdirSync(base).filter((name) => name.startsWith('out'))).toEqual([]);
  });

  it('FIFOs and devices are refused before opening (no hang); an empty --from or --templates is refused', async () => {
    const base = fresh('fifo');
    const dir = course(join(base, 'c'));
    rmSync(join(dir, 'files', 'lib2.rs'));
    execaSync('mkfifo', [join(dir, 'files', 'lib2.rs')]);
    expectOneLine(await runCli(['course', join(base, 'o1'), '--from', dir, '--yes'], { timeout: 20_000 }), /not a regular file/);

    const manifest = course(join(base, 'c2'));
    rmSync(join(manifest, 'course.toml'));
    execaSync('mkfifo', [join(manifest, 'course.toml')]);
    expectOneLine(await runCli(['course', join(base, 'o2'), '--from', manifest, '--yes'], { timeout: 20_000 }), /not a regular file/);
    expectOneLine(await runCli(['course', 'verify', '--from', manifest], { timeout: 20_000 }), /not a regular file/);

    const overlay = join(base, 'overlay');
    mkdirSync(join(overlay, 'files'), { recursive: true });
    execaSync('mkfifo', [join(overlay, 'files', 'main.std.rs')]);
    expectOneLine(await runCli(['course', join(base, 'o3'), '--templates', overlay, '--yes'], { timeout: 20_000 }), /not a regular file/);

    expectOneLine(await runCli(['course', join(base, 'o4'), '--templates', '', '--yes']), /--templates/);
    expectOneLine(await runCli(['course', join(base, 'o5'), '--from', '', '--yes']), /--from/);
    expect(readdirSync(base).filter((name) => name.startsWith('o'))).toEqual(['overlay']);
  });
});

describe('git runs no command from any config', () => {
  it('an author\'s .git/config with an fsmonitor command is refused and never runs', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    const base = fresh('gitconfig');
    const marker = join(base, 'MARKER');
    const dir = course(join(base, 'c'), { files: { 'files/gitconfig': `[core]\n\tfsmonitor = "touch ${marker}; false"\n\thooksPath = hooks\n` } });
    writeFileSync(join(dir, 'course.toml'), readFileSync(join(dir, 'course.toml'), 'utf8').replace('"src/lib.rs" = "files/lib.rs"', '"src/lib.rs" = "files/lib.rs", ".git/config" = "files/gitconfig"'));
    for (const emit of ['git', 'both', 'folders']) {
      const result = await runCli(['course', join(base, `out-${emit}`), '--from', dir, '--emit', emit, '--yes']);
      expectOneLine(result, /\.git/);
    }
    // The same course.toml in a --templates overlay of the built-in course.
    const overlaid = await runCli(['course', join(base, 'out-overlay'), '--templates', dir, '--emit', 'git', '--yes']);
    expectOneLine(overlaid, /a course never writes into \.git/);
    expect(readdirSync(base).sort()).toEqual(['c']);
    expect(existsSync(marker)).toBe(false);
  });

  it('global, system, environment and template-dir config run nothing: no fsmonitor, hooks or filters', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    const base = fresh('gitenv');
    const home = join(base, 'home');
    const hooks = join(base, 'hooks');
    const templateDir = join(base, 'template');
    mkdirSync(home);
    mkdirSync(hooks);
    mkdirSync(join(templateDir, 'hooks'), { recursive: true });
    const markers = ['fsmonitor', 'hook', 'filter', 'template-hook', 'env-fsmonitor'].map((name) => join(base, `MARKER-${name}`));
    const [fsmonitor, hook, filter, templateHook, envMonitor] = markers;
    writeFileSync(join(home, '.gitconfig'), `[core]\n\tfsmonitor = "touch ${fsmonitor}; false"\n\thooksPath = ${hooks}\n[filter "evil"]\n\tclean = "touch ${filter}; cat"\n\tsmudge = "touch ${filter}; cat"\n`);
    for (const [folder, made] of [[hooks, hook], [join(templateDir, 'hooks'), templateHook]]) {
      for (const name of ['pre-commit', 'post-commit', 'commit-msg']) {
        writeFileSync(join(folder, name), `#!/bin/sh\ntouch ${made}\n`);
        chmodSync(join(folder, name), 0o755);
      }
    }
    // The course brings a .gitattributes naming the filter the global config defines.
    const dir = course(join(base, 'c'), { files: { 'files/attributes': '* filter=evil\n' } });
    writeFileSync(join(dir, 'course.toml'), readFileSync(join(dir, 'course.toml'), 'utf8').replace('"src/lib.rs" = "files/lib.rs"', '"src/lib.rs" = "files/lib.rs", ".gitattributes" = "files/attributes"'));
    // Proof that this git would run them: a plain commit with the same environment does.
    const probe = join(base, 'probe');
    mkdirSync(probe);
    const gitEnv = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_TEMPLATE_DIR: templateDir };
    await execa('git', ['init', '-q'], { cwd: probe, env: gitEnv });
    writeFileSync(join(probe, '.gitattributes'), '* filter=evil\n');
    await execa('git', ['add', '.'], { cwd: probe, env: gitEnv });
    await execa('git', ['-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qm', 'x'], { cwd: probe, env: gitEnv, reject: false });
    expect(existsSync(fsmonitor) && existsSync(hook) && existsSync(filter)).toBe(true);
    for (const made of markers) rmSync(made, { force: true });

    const result = await runCli(['course', join(base, 'out'), '--from', dir, '--emit', 'git', '--yes'], {
      env: { ...gitEnv, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.fsmonitor', GIT_CONFIG_VALUE_0: `touch ${envMonitor}; false` },
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(markers.filter((made) => existsSync(made)).map((made) => made.split('MARKER-')[1])).toEqual([]);
    const log = await execa('git', ['-C', join(base, 'out'), 'tag', '--list'], { env: { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
    expect(String(log.stdout).split('\n')).toEqual(['step-01-start', 'step-02-second']);
    // The repository's own config is git's fresh one: nothing of the author's or the user's.
    expect(readFileSync(join(base, 'out', '.git', 'config'), 'utf8')).not.toMatch(/fsmonitor|hooksPath|filter/);
  });
});

describe('course verify runs only the cargo a course may use', () => {
  /** A PATH whose cargo and rustc leave a marker: nothing may run before the refusal. */
  function trapPath(base: string): { PATH: string; marker: string } {
    const bin = join(base, 'bin');
    const marker = join(base, 'RAN');
    mkdirSync(bin, { recursive: true });
    for (const name of ['cargo', 'rustc']) {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "$0 $*" >> ${marker}\nexit 1\n`);
      chmodSync(join(bin, name), 0o755);
    }
    return { PATH: `${bin}:${process.env.PATH}`, marker };
  }

  it('refuses cargo install, a +toolchain and options that leave the step folder, before running anything', async () => {
    const base = fresh('subcommand');
    const { PATH, marker } = trapPath(base);
    const commands: [string, RegExp][] = [
      ['cargo install --root /elsewhere ripgrep', /build, rustc, test, run, check/],
      ['cargo +nightly build', /build, rustc, test, run, check/],
      ['cargo publish', /build, rustc, test, run, check/],
      ['cargo build --target-dir /elsewhere', /--target-dir/],
      ['cargo build --manifest-path=/elsewhere/Cargo.toml', /--manifest-path/],
      ['cargo build --config build.rustc-wrapper="/bin/evil"', /--config/],
      ['cargo rustc -- -o /elsewhere/out', /-o/],
    ];
    for (const [command, pattern] of commands) {
      const dir = course(join(base, `c${counter++}`));
      writeFileSync(join(dir, 'course.toml'), readFileSync(join(dir, 'course.toml'), 'utf8').replace('command = "cargo build"\nexpect = "pass"\nfiles = { "src/lib.rs"', `command = ${JSON.stringify(command)}\nexpect = "pass"\nfiles = { "src/lib.rs"`));
      const result = await runCli(['course', 'verify', '--from', dir], { env: { PATH } });
      expectOneLine(result, pattern);
      expect(existsSync(marker), `${command}: ${existsSync(marker) ? readFileSync(marker, 'utf8') : ''}`).toBe(false);
    }
    expect(existsSync('/elsewhere')).toBe(false);
  });

  it('--record refuses a target or recorded/ folder that leads outside the course', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const base = fresh('record');
    const inside = join(base, 'deep', 'er');
    const dir = course(join(inside, 'c'), { step2: 'target = "../../../../escaped"' });
    const result = await runCli(['course', 'verify', '--from', dir, '--record'], { env, timeout: 300_000 });
    expectOneLine(result, /target/);
    expect(tree(base).filter((path) => path.includes('escaped'))).toEqual([]);

    // recorded/ as a link out: nothing is written through it.
    const linked = course(join(base, 'c2'));
    const outside = join(base, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(linked, 'recorded'));
    const recorded = await runCli(['course', 'verify', '--from', linked, '--record', '--step', 'start'], { env, timeout: 300_000 });
    expectOneLine(recorded, /symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('check says what it runs, and runs no configured wrapper', () => {
  it('does not run a rustc-wrapper from the crate\'s config or the environment; --help says build.rs runs', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const base = fresh('check');
    const marker = join(base, 'WRAPPED');
    const wrapper = join(base, 'wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\ntouch ${marker}\nexec "$@"\n`);
    chmodSync(wrapper, 0o755);
    const crate = join(base, 'crate');
    mkdirSync(join(crate, 'src'), { recursive: true });
    mkdirSync(join(crate, '.cargo'));
    writeFileSync(join(crate, 'Cargo.toml'), '[package]\nname = "wrapped"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(join(crate, 'src', 'main.rs'), 'fn main() {\n    println!("Hello, world!");\n}\n');
    writeFileSync(join(crate, '.cargo', 'config.toml'), `[build]\nrustc-wrapper = "${wrapper}"\nrustc-workspace-wrapper = "${wrapper}"\n`);
    // Proof that cargo would run it.
    await execa('cargo', ['build', '--quiet'], { cwd: crate, env: { CARGO_TARGET_DIR: join(base, 'probe-target') } });
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);

    const result = await runCli(['check', crate, '--json'], { env: { RUSTC_WRAPPER: wrapper, CARGO_TARGET_DIR: join(base, 'target') }, timeout: 300_000 });
    expect(JSON.parse(result.stdout).step?.number, result.stderr).toBe(1);
    expect(existsSync(marker)).toBe(false);

    const help = await runCli(['check', '--help']);
    expect(help.stdout).toMatch(/build scripts \(build\.rs\)/);
    expect(help.stdout).not.toMatch(/never run it\)/);
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toMatch(/`check` builds the crate with cargo, which runs its build scripts/);
  });
});

describe('course --force never writes through links', () => {
  it('README.md -> victim.txt and steps -> victimdir/ are refused; the victims are unchanged', async () => {
    const base = fresh('force');
    const victim = join(base, 'victim.txt');
    const victimDir = join(base, 'victimdir');
    writeFileSync(victim, 'mine\n');
    mkdirSync(victimDir);
    const dest = join(base, 'dest');
    mkdirSync(dest);
    writeFileSync(join(dest, 'keep.txt'), 'keep\n');
    symlinkSync(victim, join(dest, 'README.md'));
    const first = await runCli(['course', dest, '--force', '--yes']);
    expectOneLine(first, /README\.md is a symbolic link; .*\(nothing was written\)$/);
    expect(readFileSync(victim, 'utf8')).toBe('mine\n');
    expect(tree(dest).sort()).toEqual(['README.md', 'keep.txt']);

    rmSync(join(dest, 'README.md'));
    symlinkSync(victimDir, join(dest, 'steps'));
    const second = await runCli(['course', dest, '--force', '--yes']);
    expectOneLine(second, /steps is a symbolic link; .*\(nothing was written\)$/);
    expect(readdirSync(victimDir)).toEqual([]);

    // A link deeper down, and in git mode the files of the last step.
    rmSync(join(dest, 'steps'));
    mkdirSync(join(dest, 'steps', '01-std-hello'), { recursive: true });
    symlinkSync(victimDir, join(dest, 'steps', '01-std-hello', 'src'));
    expectOneLine(await runCli(['course', dest, '--force', '--yes']), /src is a symbolic link/);
    expect(readdirSync(victimDir)).toEqual([]);
    const gitDest = join(base, 'gitdest');
    mkdirSync(gitDest);
    symlinkSync(victim, join(gitDest, 'Cargo.toml'));
    expectOneLine(await runCli(['course', gitDest, '--force', '--yes', '--emit', 'git']), /Cargo\.toml is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('mine\n');
    expect(tree(gitDest)).toEqual(['Cargo.toml']);
    // No staging left beside any of them.
    expect(readdirSync(base).sort()).toEqual(['dest', 'gitdest', 'victim.txt', 'victimdir']);

    // Without links, --force writes the course and keeps the user's file.
    rmSync(join(dest, 'steps'), { recursive: true });
    const ok = await runCli(['course', dest, '--force', '--yes']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(readFileSync(join(dest, 'keep.txt'), 'utf8')).toBe('keep\n');
    expect(readFileSync(join(dest, 'steps', '01-std-hello', 'src', 'main.rs'), 'utf8')).toContain('println!');
  });
});

/** Waits until `parent` holds an entry `match` accepts; returns its name. */
async function waitForEntry(parent: string, match: (name: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const found = existsSync(parent) ? readdirSync(parent).find(match) : undefined;
    if (found) return found;
    await new Promise((done) => setTimeout(done, 5));
  }
  throw new Error(`nothing appeared in ${parent}`);
}

/** Waits until the course's git build in the private folder has staged files; returns the build's name. */
async function gitStarted(timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const build = existsSync(stateFolder) ? readdirSync(stateFolder).find((name) => courseBuild.test(name)) : undefined;
    if (build && existsSync(join(stateFolder, build, 'repo', '.git', 'index'))) return build;
    await new Promise((done) => setTimeout(done, 5));
  }
  throw new Error(`git never started in ${stateFolder}`);
}

const courseBuild = /^course-git-\d+-[0-9a-f]{8}$/;
const builds = () => (existsSync(stateFolder) ? readdirSync(stateFolder).filter((name) => courseBuild.test(name)) : []);

describe('signals during course --emit git', () => {
  it('SIGINT, SIGTERM and SIGHUP stop the git build, remove it and say nothing was written (exit 130/143/129)', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const base = fresh(`signal-${signal}`);
      const dest = join(base, 'course');
      const child = execa('node', [cliPath, 'course', dest, '--emit', 'git', '--yes'], { reject: false, stdin: 'ignore' });
      await gitStarted();
      child.kill(signal);
      const result = await child;
      expect(result.exitCode, String(result.stderr)).toBe(code);
      expect(String(result.stderr).trim()).toBe('create-freestanding: interrupted; nothing was written');
      expect(readdirSync(base)).toEqual([]);
      expect(builds()).toEqual([]);
    }
  });

  it('a git build a killed run left is removed by the next run; names in the destination\'s folder are not touched', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    const base = fresh('killed');
    const child = execa('node', [cliPath, 'course', join(base, 'first'), '--emit', 'git', '--yes'], { reject: false, stdin: 'ignore' });
    const build = await gitStarted();
    child.kill('SIGKILL');
    await child;
    expect(builds()).toContain(build);

    // Look-alikes of staging, a link among them: the course never removes a name it finds in a folder.
    const dead = build.split('-')[2];
    const decoys = {
      old: `.create-freestanding-course-${dead}-0000000a`,
      file: `.create-freestanding-${dead}-0000000b`,
      link: `.create-freestanding-${dead}-0000000c`,
      planted: `.create-freestanding-${dead}-0000000f`,
    };
    const victim = join(base, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'kept.txt'), 'kept\n');
    mkdirSync(join(base, decoys.old));
    writeFileSync(join(base, decoys.file), 'x');
    symlinkSync(victim, join(base, decoys.link));
    mkdirSync(join(base, decoys.planted));
    writeFileSync(join(base, decoys.planted, 'theirs.txt'), 'theirs\n');

    const next = await runCli(['course', join(base, 'second'), '--yes', '--emit', 'git']);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(builds()).toEqual([]);
    const left = readdirSync(base).sort();
    for (const name of Object.values(decoys)) expect(left, name).toContain(name);
    expect(readFileSync(join(victim, 'kept.txt'), 'utf8')).toBe('kept\n');
    expect(readFileSync(join(base, decoys.planted, 'theirs.txt'), 'utf8')).toBe('theirs\n');
  });
});

describe('one lock per destination', () => {
  it('of two course runs on one destination, exactly one writes it (10 pairs)', async () => {
    const base = fresh('lock');
    let both = 0;
    for (let pair = 0; pair < 10; pair++) {
      const dest = join(base, `dest-${pair}`);
      const results = await Promise.all([0, 1].map(() => runCli(['course', dest, '--yes'])));
      const ok = results.filter((result) => result.exitCode === 0);
      if (ok.length !== 1) both++;
      for (const result of results.filter((r) => r.exitCode !== 0)) expectOneLine(result, /another create-freestanding|not empty/);
    }
    expect(both).toBe(0);
  }, 120_000);

  it('a lock another live run holds stops the course in one line', async () => {
    // The first run is stopped (SIGSTOP) while its write is under way, so it holds the lock for
    // as long as the other two take, however fast it is; a run that finished before it could be
    // stopped is tried again, and one that never was stopped inside fails the test.
    let held: { base: string; dest: string; first: ReturnType<typeof execa> } | undefined;
    for (let attempt = 0; attempt < 5 && !held; attempt++) {
      const base = fresh('held');
      const dest = join(base, 'dest');
      const first = execa('node', [cliPath, 'course', dest, '--yes', '--emit', 'git'], { reject: false, stdin: 'ignore' });
      await waitForEntry(base, (name) => name !== 'dest');
      first.kill('SIGSTOP');
      if (readdirSync(base).some((name) => name !== 'dest')) held = { base, dest, first };
      else { first.kill('SIGCONT'); await first; }
    }
    expect(held, 'the first run was stopped inside its write').toBeDefined();
    const { dest, first } = held!;
    try {
      const second = await runCli(['course', dest, '--yes']);
      expectOneLine(second, /another create-freestanding \(pid \d+\) is writing to /);
      // The create command takes the same lock.
      const create = await runCli([dest, '-y', '-t', 'linux']);
      expectOneLine(create, /another create-freestanding \(pid \d+\) is writing to /);
    } finally {
      first.kill('SIGCONT');
    }
    expect((await first).exitCode).toBe(0);
  });
});

describe('a step marker is data', () => {
  it('a FIFO, a link or a wrong shape is ignored (content decides, no hang); a course folder it names that is not one is one line', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const base = fresh('marker');
    expect((await runCli(['course', join(base, 'c'), '--yes', '--name', 'marked'], { env })).exitCode).toBe(0);
    const step = join(base, 'c', 'steps', '07-bare-metal');
    const marker = join(step, '.freestanding-course.json');
    const good = readFileSync(marker, 'utf8');
    const check = () => runCli(['check', step, '--json'], { env, timeout: 300_000 });
    expect(JSON.parse(String((await check()).stdout)).step.number, 'the marker names step 7').toBe(7);
    // By content, step 7 (only the command changed) is step 6: each of these falls back to it.
    const elsewhere = join(base, 'marker.json');
    writeFileSync(elsewhere, good);
    rmSync(marker);
    symlinkSync(elsewhere, marker);
    expect(JSON.parse(String((await check()).stdout)).step.number, 'a link is not followed').toBe(6);
    rmSync(marker);
    await execa('mkfifo', [marker]);
    const fifo = await check();
    expect(JSON.parse(String(fifo.stdout)).step.number, 'a FIFO is not opened for reading (no hang)').toBe(6);
    rmSync(marker);
    for (const shape of ['[]', '{"course": 1}', JSON.stringify({ ...JSON.parse(good), from: 'relative/dir' }), `${' '.repeat(5000)}${good}`]) {
      writeFileSync(marker, shape);
      expect(JSON.parse(String((await check()).stdout)).step.number, shape.slice(0, 40)).toBe(6);
    }
    // A folder that holds no course (or a file there): one line, naming --from; nothing else read.
    writeFileSync(marker, JSON.stringify({ ...JSON.parse(good), from: '/proc/self' }));
    expectOneLine(await runCli(['check', step], { env }), /this step's marker \(\.freestanding-course\.json\) names the course at \/proc\/self, which cannot be read .*; pass --from <your course folder>$/);
  }, 300_000);
});
