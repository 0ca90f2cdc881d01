/**
 * The course end to end, with the built CLI and real toolchains: every step
 * verified (rustup stable with rust-lld and GNU ld; the bare-metal step with
 * the cross cargo; Windows and macOS link steps with lld-link and ld64.lld),
 * `check` walked through the states the course writes, each side path
 * produced for real, an author's own course, a broken override, `--emit git`.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, runCli, scratch } from '../support/cli.js';
import { splitCommand } from '../../generators/course/command.js';
import { findTarget } from '../../generators/core/catalogue.js';
import { emulatorNeeds, missingTools, requireTools, toolchainNeeds, xcargo } from '../support/tools.js';

// One target directory per toolchain for every course test (verify adds "-cross" for the cross cargo),
// in this checkout: other checkouts on the machine run their own tests at the same time.
const env = { CARGO_TARGET_DIR: join(repoRoot, 'node_modules', '.cache', 'cf-course-target') };
const rustup = () => missingTools(toolchainNeeds.rustup);
const cross = () => missingTools([...toolchainNeeds.rustup, ...toolchainNeeds.xcargo, { command: 'lld-link', args: ['--version'], install: 'scripts/setup-toolchain.sh' }, { command: 'clang-16', args: ['--version'], install: 'scripts/setup-toolchain.sh' }]);
const git = () => missingTools([{ command: 'git', args: ['--version'], install: 'apt-get install git' }]);

let work: { dir: string; cleanup: () => void };
beforeAll(() => { work = scratch('cf-course-'); });
afterAll(() => work.cleanup());

function verifyRow(stdout: string, id: string): string {
  const row = stdout.split('\n').find((line) => new RegExp(`^\\d+\\s+${id}\\s`).test(line));
  if (!row) throw new Error(`no row for ${id} in:\n${stdout}`);
  return row;
}

describe('course verify', () => {
  it('proves every built-in step on Linux with rustup stable and rust-lld (the bare-metal step: E0463 without the target)', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const result = await runCli(['course', 'verify', '--os', 'linux', '--linker', 'rust-lld'], { env, timeout: 600_000 });
    expect(result.stdout).toContain('all 11 steps match');
    expect(result.exitCode).toBe(0);
    expect(verifyRow(result.stdout, 'no-main')).toMatch(/duplicate symbol: _start.*ok/);
    expect(verifyRow(result.stdout, 'bare-metal')).toMatch(/E0463.*ok/);
    expect(verifyRow(result.stdout, 'std-hello')).toMatch(/builds, runs\s+builds, runs\s+ok/);
    // The recordings in templates/course/recorded came from rustup 1.95.0: on that compiler a fresh
    // run (other folders, other hashes) must normalize to exactly the same text.
    const release = String((await execa('rustc', ['-vV'])).stdout).match(/^release: (.+)$/m)?.[1];
    if (release === '1.95.0') for (const row of result.stdout.split('\n').filter((line) => /^\d+\s/.test(line))) expect(row).toMatch(/ok\s+same$/);
    console.log(result.stdout);
  });

  it('proves the link steps with GNU ld (-C linker-features=-lld)', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const result = await runCli(['course', 'verify', '--linker', 'gnu-ld', '--step', 'no-main', '--step', 'nostartfiles', '--step', 'cargo-config'], { env, timeout: 600_000 });
    expect(result.stdout).toContain('all 3 steps match');
    expect(verifyRow(result.stdout, 'no-main')).toMatch(/linux-gnu-ld.*multiple definition of `_start'.*ok/);
    expect(result.exitCode).toBe(0);
  });

  it('builds the bare-metal step for thumbv7em-none-eabihf with the cross cargo', async (context) => {
    if (!requireTools(cross(), context.skip)) return;
    const result = await runCli(['course', 'verify', '--cargo', xcargo, '--step', 'bare-metal'], { env, timeout: 600_000 });
    expect(verifyRow(result.stdout, 'bare-metal')).toMatch(/thumbv7em-none-eabihf-core\s+builds\s+builds\s+ok/);
    expect(result.exitCode).toBe(0);
  });

  it('proves the Windows link steps with lld-link', async (context) => {
    if (!requireTools(cross(), context.skip)) return;
    const steps = ['no-main', 'entry', 'subsystem', 'cargo-config'].flatMap((id) => ['--step', id]);
    const result = await runCli(['course', 'verify', '--os', 'windows', '--cargo', xcargo, ...steps], { env, timeout: 900_000 });
    expect(result.stdout).toContain('all 4 steps match');
    expect(verifyRow(result.stdout, 'entry')).toMatch(/windows-lld-link.*subsystem must be defined.*ok/);
    expect(verifyRow(result.stdout, 'subsystem')).toMatch(/builds\s+builds\s+ok/);
    expect(result.stdout).toContain('not measured here: a subsystem can\'t be inferred and must be defined (the post');
    expect(result.exitCode).toBe(0);
  }, 900_000);

  it('proves the macOS link steps with ld64.lld', async (context) => {
    if (!requireTools(cross(), context.skip)) return;
    const steps = ['no-main', 'entry-symbol', 'static', 'nostartfiles-macos', 'cargo-config'].flatMap((id) => ['--step', id]);
    const result = await runCli(['course', 'verify', '--os', 'macos', '--cargo', xcargo, ...steps], { env, timeout: 900_000 });
    expect(result.stdout).toContain('all 5 steps match');
    expect(verifyRow(result.stdout, 'static')).toMatch(/macos-ld64.lld.*library not found for -lcrt0.o.*ok/);
    expect(verifyRow(result.stdout, 'no-main')).toMatch(/undefined symbol: main.*ok/);
    expect(result.stdout).toContain('not measured here: dynamic main executables must link with libSystem.dylib');
    expect(result.exitCode).toBe(0);

    // Apple silicon: the same link steps for aarch64-apple-darwin.
    const arm = await runCli(['course', 'verify', '--os', 'macos', '--cargo', xcargo, '--target', 'aarch64-apple-darwin', '--step', 'static', '--step', 'nostartfiles-macos'], { env, timeout: 900_000 });
    expect(arm.stdout).toContain('all 2 steps match');
    expect(arm.exitCode).toBe(0);
  }, 900_000);
});

/** The macOS steps that build, run as the matrix runs macOS hellos: under the Mach-O emulator (the catalogue's run method). */
describe('the macOS course under the Mach-O emulator', () => {
  const instructions = 1_000_000;
  const emulated = 'under a CPU emulator (Unicorn)';

  it('executes every macOS step that builds, for x86_64 and arm64, and its README says what was run', async (context) => {
    if (!requireTools(cross() ?? missingTools(emulatorNeeds), context.skip)) return;
    const out = join(work.dir, 'macos-course');
    const written = await runCli(['course', out, '--os', 'macos', '--emit', 'folders', '--yes', '--name', 'mc']);
    expect(written.exitCode, written.stderr).toBe(0);
    const steps = readdirSync(join(out, 'steps'));
    // The steps whose "What you should now see" says they were executed: exactly the ones run below.
    const told = steps.filter((step) => readFileSync(join(out, 'steps', step, 'README.md'), 'utf8').includes(emulated));
    expect(told.map((step) => step.replace(/^\d+-/, ''))).toEqual(['entry-symbol', 'nostartfiles-macos', 'cargo-config']);
    const transcript: string[] = [];
    for (const step of told) {
      const dir = join(out, 'steps', step);
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      expect(readme).toContain(`stopped after ${instructions} instructions`);
      const [, subcommand, ...rest] = splitCommand(readme.match(/Build this step with:\n\n```sh\n(.+)\n```/)![1]);
      for (const proof of findTarget('macos')!.proofs) {
        const split = rest.indexOf('--');
        const args = split === -1 ? [...rest, '--target', proof.triple] : [...rest.slice(0, split), '--target', proof.triple, ...rest.slice(split)];
        const build = await execa(xcargo, [subcommand, ...args], { cwd: dir, reject: false, env: { CARGO_TARGET_DIR: `${env.CARGO_TARGET_DIR}-cross`, CARGO_TERM_COLOR: 'never' } });
        expect(build.exitCode, String(build.stderr).slice(-3000)).toBe(0);
        const [python, script] = proof.run!.command!;
        const binary = join(`${env.CARGO_TARGET_DIR}-cross`, proof.triple, 'debug', 'mc');
        const run = await execa(python, [join(repoRoot, script), '--trace', '--max-instructions', String(instructions), binary], { reject: false, timeout: 120_000 });
        // 124: still running at the limit, with no fault, no system call and nothing written (`_start` is `loop {}`).
        expect(run.exitCode, run.stderr).toBe(124);
        expect(run.stderr).toContain(`still running after ${instructions} instructions`);
        expect(run.stdout).toBe('');
        transcript.push(`${step} ${proof.triple}:\n${run.stderr}`);
      }
    }
    console.log(transcript.join('\n'));
  }, 900_000);
});

describe('course verify --record', () => {
  it('saves normalized outputs with rustc -vV and shows the diff when the wording changed', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const records = join(work.dir, 'records');
    const first = await runCli(['course', 'verify', '--step', 'no-std', '--record', '--record-dir', records], { env, timeout: 300_000 });
    expect(first.exitCode).toBe(0);
    expect(verifyRow(first.stdout, 'no-std')).toMatch(/recorded$/);
    const file = join(records, 'linux-rust-lld', 'no-std.txt');
    const recorded = readFileSync(file, 'utf8');
    expect(recorded).toMatch(/^# rustc \d+\.\d+\.\d+/m);
    expect(recorded).toContain('error: cannot find macro `println` in this scope');
    expect(recorded).not.toMatch(/\/tmp\/|cf-course-/);
    const same = await runCli(['course', 'verify', '--step', 'no-std', '--record-dir', records], { env, timeout: 300_000 });
    expect(verifyRow(same.stdout, 'no-std')).toMatch(/ok\s+same$/);
    // As if an older compiler had said it differently.
    writeFileSync(file, recorded.replace('cannot find macro `println` in this scope', 'cannot find macro `println!` in this scope'));
    const changed = await runCli(['course', 'verify', '--step', 'no-std', '--record-dir', records], { env, timeout: 300_000 });
    expect(verifyRow(changed.stdout, 'no-std')).toMatch(/ok\s+changed$/);
    expect(changed.stdout).toContain("the compiler's wording changed since it was recorded:\n-error: cannot find macro `println!` in this scope\n+error: cannot find macro `println` in this scope");
  });
});

/** A small author course: its own main.rs and README template. */
function authorCourse(dir: string, expectation: string): void {
  mkdirSync(join(dir, 'files'), { recursive: true });
  writeFileSync(join(dir, 'course.toml'), `[course]
title = "Panics without std"

[[steps]]
id = "start"
title = "a no_std library"
command = "cargo build"
expect = "pass"
files = { "Cargo.toml" = "files/Cargo.toml.hbs", "src/lib.rs" = "files/lib.rs", "README.md" = "files/README.md.hbs" }
why = "A library needs no entry point."
hint = "Make it a binary."

[[steps]]
id = "binary"
title = "a no_std binary"
command = "cargo build"
expect = "fail"
files = { "src/main.rs" = "files/main.rs" }
why = "A binary without std needs a panic handler."
hint = "Add one."
[[steps.diagnostics]]
message = "${expectation}"
`);
  writeFileSync(join(dir, 'files', 'Cargo.toml.hbs'), '[package]\nname = "{{name}}"\nversion = "0.1.0"\nedition = "{{edition}}"\n');
  writeFileSync(join(dir, 'files', 'lib.rs'), '#![no_std]\n\npub fn answer() -> u32 {\n    42\n}\n');
  writeFileSync(join(dir, 'files', 'main.rs'), '#![no_std]\n\nfn main() {}\n');
  writeFileSync(join(dir, 'files', 'README.md.hbs'), '# {{course.title}}, step {{step.number}}: {{step.title}}\n\nMy own words. Run `{{step.command}}`.\n\n{{step.changed}}\n');
}

describe('author courses and overrides', () => {
  it('verifies an author course with its own main.rs and README, and fails one whose expectation is wrong', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const good = join(work.dir, 'author-good');
    authorCourse(good, '`#[panic_handler]` function required, but not found');
    const result = await runCli(['course', 'verify', '--from', good], { env, timeout: 300_000 });
    expect(result.stdout).toContain('all 2 steps match');
    expect(result.exitCode).toBe(0);

    const bad = join(work.dir, 'author-bad');
    authorCourse(bad, 'this text is not what rustc says');
    const failed = await runCli(['course', 'verify', '--from', bad], { env, timeout: 300_000 });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toContain('missing: "this text is not what rustc says"');

    const out = join(work.dir, 'author-out');
    const written = await runCli(['course', out, '--from', good, '--yes', '--name', 'mine']);
    expect(written.exitCode).toBe(0);
    expect(readFileSync(join(out, 'steps', '01-start', 'README.md'), 'utf8')).toBe('# Panics without std, step 1: a no_std library\n\nMy own words. Run `cargo build`.\n\nA new project: `Cargo.toml`, `src/lib.rs`.\n');
    expect(readFileSync(join(out, 'steps', '02-binary', 'README.md'), 'utf8')).toContain('+fn main() {}');
    expect(readFileSync(join(out, 'steps', '02-binary', 'src', 'lib.rs'), 'utf8')).toContain('42');
  });

  it('refuses a step that changes nothing, and a manifest that says something it cannot mean', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const noop = join(work.dir, 'author-noop');
    authorCourse(noop, '`#[panic_handler]` function required, but not found');
    const manifest = readFileSync(join(noop, 'course.toml'), 'utf8');
    writeFileSync(join(noop, 'course.toml'), manifest.replace('files = { "src/main.rs" = "files/main.rs" }', 'files = { "src/lib.rs" = "files/lib.rs" }').replace('expect = "fail"', 'expect = "pass"').replace(/\[\[steps\.diagnostics\]\][^]*$/, ''));
    const result = await runCli(['course', 'verify', '--from', noop], { env, timeout: 300_000 });
    expect(result.exitCode).toBe(1);
    expect(verifyRow(result.stdout, 'binary')).toContain('same files and command as the step before');

    writeFileSync(join(noop, 'course.toml'), manifest.replace('expect = "fail"', 'expect = "maybe"'));
    const bad = await runCli(['course', 'verify', '--from', noop]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^create-freestanding: .*course\.toml:\d+: steps\[1\]\.expect: must be one of "pass", "fail" \(got "maybe"\); see docs\/course-format\.md$/);
  });

  it('a --templates overlay replaces a built-in file; a missing variable names the file and the variable', async () => {
    const overlay = join(work.dir, 'overlay');
    mkdirSync(join(overlay, 'files'), { recursive: true });
    writeFileSync(join(overlay, 'files', 'main.std.rs'), 'fn main() {\n    println!("Hello from my course!");\n}\n');
    const out = join(work.dir, 'overlaid');
    const ok = await runCli(['course', out, '--templates', overlay, '--yes']);
    expect(ok.exitCode).toBe(0);
    expect(readFileSync(join(out, 'steps', '01-std-hello', 'src', 'main.rs'), 'utf8')).toContain('Hello from my course!');

    // course verify checks the overlaid course: the first step now prints something else.
    if (!requireTools(rustup(), () => {})) return;
    const verified = await runCli(['course', 'verify', '--templates', overlay, '--step', 'std-hello'], { env, timeout: 300_000 });
    expect(verified.exitCode).toBe(1);
    expect(verifyRow(verified.stdout, 'std-hello')).toContain('builds; run gave "Hello from my course!\\n" exit 0');

    writeFileSync(join(overlay, 'files', 'Cargo.std.toml.hbs'), '[package]\nname = "{{crate_name}}"\n');
    const broken = join(work.dir, 'broken');
    const failed = await runCli(['course', broken, '--templates', overlay, '--yes']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(/files\/Cargo\.std\.toml\.hbs: variable "crate_name" is not defined/);
    expect(() => readdirSync(broken)).toThrow();
  });

  it('refuses a missing directory without a terminal, a bad --os, and a non-empty directory', async () => {
    const none = await runCli(['course']);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('no directory given');
    const os = await runCli(['course', join(work.dir, 'x'), '--os', 'beos']);
    expect(os.stderr).toContain('--os must be one of linux, windows, macos');
    const full = join(work.dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const refused = await runCli(['course', full, '--yes']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('--force');
    const dry = await runCli(['course', join(work.dir, 'dry'), '--dry-run', '--json', '--os', 'macos']);
    expect(JSON.parse(dry.stdout).steps.map((step: { id: string }) => step.id)).toContain('nostartfiles-macos');
  });
});

describe('--emit git', () => {
  it('tags every step; each consecutive diff is exactly that step\'s change', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    const out = join(work.dir, 'both');
    const result = await runCli(['course', out, '--emit', 'both', '--yes', '--os', 'linux']);
    expect(result.exitCode).toBe(0);
    const repo = join(out, 'repo');
    const slugs = readdirSync(join(out, 'steps')).sort();
    const tags = String((await execa('git', ['tag', '--list'], { cwd: repo })).stdout).split('\n').sort();
    expect(tags).toEqual(slugs.map((slug) => `step-${slug}`));
    const filesOf = (slug: string) => {
      const list = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => entry.isDirectory() ? list(join(dir, entry.name)).map((path) => `${entry.name}/${path}`) : [entry.name]);
      return new Map(list(join(out, 'steps', slug)).map((path) => [path, readFileSync(join(out, 'steps', slug, path), 'utf8')]));
    };
    for (let index = 1; index < slugs.length; index++) {
      const before = filesOf(slugs[index - 1]);
      const after = filesOf(slugs[index]);
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path)).sort();
      const diff = await execa('git', ['diff', '--name-only', `step-${slugs[index - 1]}`, `step-${slugs[index]}`], { cwd: repo });
      expect(String(diff.stdout).split('\n').sort(), slugs[index]).toEqual(changed);
      // The tree at the tag is the step's folder, file for file.
      for (const [path, contents] of after) {
        expect(String((await execa('git', ['show', `step-${slugs[index]}:${path}`], { cwd: repo, stripFinalNewline: false })).stdout)).toBe(contents);
      }
    }
    const mainDiff = await execa('git', ['diff', 'step-04-panic-handler', 'step-05-panic-abort', '--', 'Cargo.toml'], { cwd: repo });
    expect(String(mainDiff.stdout)).toContain('+panic = "abort"');
  });
});

describe('check', () => {
  // With no marker (a crate that left the course), which step check names by content: a state that
  // changes only the command (bare metal, link arguments) is the state before it; a state whose
  // `cargo test` already fails is named by the step that shows that failure.
  const byContent: Record<string, number> = {
    '01-std-hello': 1, '02-no-std': 2, '03-empty-main': 3, '04-panic-handler': 4, '05-panic-abort': 5, '06-no-main': 6,
    '07-bare-metal': 6, '08-nostartfiles': 6, '09-cargo-config': 10, '10-cargo-test': 10, '11-tested': 11,
  };
  const number = (slug: string) => Number(slug.slice(0, 2));

  it('names the step of every emitted folder by its marker, with no flag; without the marker, by content', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const out = join(work.dir, 'walk');
    expect((await runCli(['course', out, '--yes', '--os', 'linux', '--name', 'walk'])).exitCode).toBe(0);
    for (const slug of readdirSync(join(out, 'steps')).sort()) {
      // Each crate its own target/: the steps share a package name and cargo keys path crates by
      // their path inside the workspace, so a shared target directory would call a fresh step built.
      const result = await runCli(['check', join(out, 'steps', slug), '--json'], { timeout: 300_000 });
      const report = JSON.parse(result.stdout);
      expect(report.step?.number, `${slug}: ${result.stdout}`).toBe(number(slug));
      expect(result.exitCode, slug).toBe(number(slug) === 11 ? 0 : 1);
      expect(readFileSync(join(out, 'steps', slug, 'README.md'), 'utf8')).toContain('\n```sh\nnpx create-freestanding check\n```\n');
      // The crate leaves the course: content alone decides, as before the marker.
      rmSync(join(out, 'steps', slug, '.freestanding-course.json'));
      const left = JSON.parse((await runCli(['check', join(out, 'steps', slug), '--json'], { timeout: 300_000 })).stdout);
      expect(left.step?.number, `${slug} without its marker`).toBe(byContent[slug]);
    }
    const text = await runCli(['check', join(out, 'steps', '06-no-main')]);
    expect(text.stdout).toMatch(/^step 6 of 11 \(#!\[no_main\] and _start\): cargo build fails: linking with `cc` failed/);
    expect(text.stdout).toContain('\n  rust-lld: error: duplicate symbol: _start\n');
    expect(text.stdout).toContain('next: Either build for a target without an operating system');
  });

  it('in an author\'s course (course init + an edit + course --from), check names that course\'s step and hint with no flag', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const mine = join(work.dir, 'my-course');
    expect((await runCli(['course', 'init', mine])).exitCode).toBe(0);
    const toml = readFileSync(join(mine, 'course.toml'), 'utf8');
    writeFileSync(join(mine, 'course.toml'), toml.replace('title = "A Freestanding Rust Binary"', 'title = "My Own Course"').replace(/^hint = "/gm, 'hint = "(mine) '));
    const out = join(work.dir, 'my-walk');
    const emitted = await runCli(['course', out, '--yes', '--os', 'linux', '--name', 'walk', '--from', mine]);
    expect(emitted.exitCode, emitted.stderr).toBe(0);
    for (const slug of readdirSync(join(out, 'steps')).sort()) {
      const result = await runCli(['check', join(out, 'steps', slug)], { timeout: 300_000 });
      expect(result.stdout, slug).toMatch(new RegExp(`^step ${number(slug)} of 11 `));
      if (number(slug) < 11) expect(result.stdout, slug).toMatch(/\nnext: \(mine\) /);
      expect(readFileSync(join(out, 'steps', slug, 'README.md'), 'utf8')).toContain(`npx create-freestanding check --from ${mine}`);
    }
    // A marker naming a course folder that is gone: one line naming --from.
    rmSync(mine, { recursive: true });
    const gone = await runCli(['check', join(out, 'steps', '02-no-std')]);
    expect(gone.exitCode).toBe(1);
    expect(String(gone.stderr)).toMatch(/^create-freestanding: this step's marker \(\.freestanding-course\.json\) names the course at .*; pass --from <your course folder>\n?$/);
  });

  function crate(name: string, files: Record<string, string>): string {
    const dir = join(work.dir, 'side', name);
    for (const [path, contents] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), contents);
    }
    return dir;
  }
  const cargoToml = (name: string, edition = '2021') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "${edition}"\n\n[profile.dev]\npanic = "abort"\n\n[profile.release]\npanic = "abort"\n`;
  const handler = 'use core::panic::PanicInfo;\n\n#[panic_handler]\nfn panic(_info: &PanicInfo) -> ! {\n    loop {}\n}\n';

  it('recognises the side paths: E0601, #[no_mangle] in edition 2024, E0152 under cargo test, E0463', async (context) => {
    if (!requireTools(rustup(), context.skip)) return;
    const sidePaths = async (dir: string) => JSON.parse((await runCli(['check', dir, '--json'], { timeout: 300_000 })).stdout).sidePaths.map((path: { id: string; advice: string }) => path);

    const noMainAttr = crate('no_main_missing', { 'Cargo.toml': cargoToml('no_main_missing'), 'src/main.rs': `#![no_std]\n\n${handler}\n#[unsafe(no_mangle)]\npub extern "C" fn _start() -> ! {\n    loop {}\n}\n` });
    expect(await sidePaths(noMainAttr)).toEqual([expect.objectContaining({ id: 'main-not-found', advice: expect.stringContaining('#![no_main]') })]);

    const plainNoMangle = crate('plain_no_mangle', { 'Cargo.toml': cargoToml('plain_no_mangle', '2024'), 'src/main.rs': `#![no_std]\n#![no_main]\n\n${handler}\n#[no_mangle]\npub extern "C" fn _start() -> ! {\n    loop {}\n}\n` });
    expect(await sidePaths(plainNoMangle)).toEqual([expect.objectContaining({ id: 'unsafe-no-mangle', advice: expect.stringContaining('#[unsafe(no_mangle)]') })]);

    const tests = crate('tests_collide', {
      'Cargo.toml': cargoToml('tests_collide'), '.cargo/config.toml': '[target.\'cfg(target_os = "linux")\']\nrustflags = ["-C", "link-arg=-nostartfiles"]\n',
      'src/main.rs': `#![no_std]\n#![no_main]\n\n${handler}\n#[unsafe(no_mangle)]\npub extern "C" fn _start() -> ! {\n    loop {}\n}\n`,
    });
    expect(await sidePaths(tests)).toEqual([expect.objectContaining({ id: 'duplicate-panic-impl', advice: expect.stringContaining('#[cfg(not(test))]') })]);

    const target = crate('no_target', {
      'Cargo.toml': cargoToml('no_target'), '.cargo/config.toml': '[build]\ntarget = "thumbv7em-none-eabihf"\n',
      'src/main.rs': `#![no_std]\n#![no_main]\n\n${handler}\n#[unsafe(no_mangle)]\npub extern "C" fn _start() -> ! {\n    loop {}\n}\n`,
    });
    const result = await runCli(['check', target], { timeout: 300_000 });
    expect(result.stdout).toContain('side path: `core` for thumbv7em-none-eabihf is not installed: run `rustup target add thumbv7em-none-eabihf`.');
    expect(result.exitCode).toBe(1);
  });
});

describe('course on a terminal', () => {
  it('asks for the directory, the OS and the output when they are missing', async (context) => {
    if (!requireTools(missingTools([{ command: 'script', args: ['--version'], install: 'apt-get install bsdutils' }, { command: 'git', args: ['--version'], install: 'apt-get install git' }]), context.skip)) return;
    const dir = join(work.dir, 'asked');
    mkdirSync(dir);
    const command = ['node', cliPath, 'course'].map((arg) => `'${arg}'`).join(' ');
    const child = execa('script', ['-qefc', command, '/dev/null'], { cwd: dir, reject: false, env: { TERM: 'xterm', COLUMNS: '120' } });
    const down = '\u001b[B';
    const answers = [
      { waitFor: 'Where should the course go?', keys: 'mine\r' },
      { waitFor: 'Link steps for which OS?', keys: `${down}\r` }, // windows
      { waitFor: 'Write the steps as', keys: `${down}\r` }, // git
    ];
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (answers.length && seen.includes(answers[0].waitFor)) {
        child.stdin!.write(answers.shift()!.keys);
        seen = '';
      }
    });
    const timer = setTimeout(() => child.kill(), 30_000);
    const result = await child;
    clearTimeout(timer);
    expect(result.exitCode, String(result.stdout)).toBe(0);
    const tags = String((await execa('git', ['tag', '--list'], { cwd: join(dir, 'mine') })).stdout);
    expect(tags).toContain('step-09-subsystem');
  });
});
