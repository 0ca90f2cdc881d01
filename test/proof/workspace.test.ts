/** Generating into a Cargo workspace: the crate joins workspace.members, the root keeps its comments, cargo builds it. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { addMember } from '../../generators/io/workspace.js';
import { runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

let cleanup = () => {};
afterEach(() => cleanup());

function workspace(manifest: string): string {
  const tmp = scratch('cf-ws-');
  cleanup = tmp.cleanup;
  writeFileSync(join(tmp.dir, 'Cargo.toml'), manifest);
  return tmp.dir;
}

const rootWithProfiles = `# The monorepo's workspace.
[workspace]
resolver = "2"
members = [
    "crates/tools", # host tools
]

[profile.dev]
panic = "abort"

[profile.release]
panic = "abort"
`;

describe('a Cargo workspace around the destination', () => {
  it('gets the new crate in workspace.members, comments kept, and cargo builds and runs it there', async ({ skip }) => {
    const root = workspace(rootWithProfiles);
    const result = await runCli([join(root, 'crates', 'kernel'), '-y', '-t', 'linux']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Added "crates/kernel" to workspace.members');
    expect(result.stderr).toBe('');
    const text = readFileSync(join(root, 'Cargo.toml'), 'utf8');
    expect(text).toBe(rootWithProfiles.replace('"crates/tools", # host tools\n', '"crates/tools", # host tools\n    "crates/kernel",\n'));
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    mkdirSync(join(root, 'crates', 'tools', 'src'), { recursive: true });
    writeFileSync(join(root, 'crates', 'tools', 'Cargo.toml'), '[package]\nname = "tools"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(join(root, 'crates', 'tools', 'src', 'lib.rs'), '');
    const run = await execa('cargo', ['run', '--release', '--quiet', '-p', 'kernel'], { cwd: root, reject: false, stripFinalNewline: false });
    expect(run.stdout, run.stderr).toBe('Hello, world!\n');
  });

  it('leaves a root whose glob already covers the crate untouched, and warns about missing panic = "abort"', async () => {
    const manifest = '[workspace]\nmembers = ["crates/*"]\n';
    const root = workspace(manifest);
    const result = await runCli([join(root, 'crates', 'kernel'), '-y', '-t', 'linux']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(root, 'Cargo.toml'), 'utf8')).toBe(manifest);
    expect(result.stderr).toMatch(/note: .*Cargo\.toml sets the profiles of every member: add a new \[profile\.dev\] table with panic = "abort" and a new \[profile\.release\] table with panic = "abort" there/);
  });

  it('tells a member the truth about profiles: its README and next steps give the root\'s lines, which make the printed cargo run --release work', async ({ skip }) => {
    const manifest = '[workspace]\nresolver = "2"\nmembers = []\n\n[profile.release]\nopt-level = 3\n';
    const root = workspace(manifest);
    const result = await runCli(['crates/kernel', '-y', '-t', 'linux'], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/add a new \[profile\.dev\] table with panic = "abort" and panic = "abort" under its \[profile\.release\] there, or builds of crates\/kernel fail with "unwinding panics are not supported without std"/);
    const steps = result.stdout.slice(result.stdout.indexOf('Next steps:')).split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
    expect(steps).toEqual([
      'cd ./crates/kernel', // ./ so that CDPATH cannot send it elsewhere
      '# first set panic = "abort" in [profile.dev] and [profile.release] of ../../Cargo.toml: members build with the root\'s profiles (README.md shows the lines)',
      'cargo run --release',
      'cargo test',
    ]);
    const readme = readFileSync(join(root, 'crates', 'kernel', 'README.md'), 'utf8');
    expect(readme).toContain('## In a workspace');
    expect(readme).toContain('whose root is `../../Cargo.toml`');
    expect(readme).toContain('When this crate was generated, `[profile.dev]` and `[profile.release]` of the root lacked it.');
    // No line claims the member's Cargo.toml carries the profiles.
    expect(readme).not.toMatch(/- `Cargo\.toml`: .*panic = "abort"/);
    expect(readme).not.toContain('(it is)');
    const block = /```toml\n([\s\S]*?)```/.exec(readme)![1];
    expect(parse(block)).toEqual({ profile: { dev: { panic: 'abort' }, release: { panic: 'abort' } } });
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const crate = join(root, 'crates', 'kernel');
    const run = () => execa('cargo', ['run', '--release', '--quiet'], { cwd: crate, reject: false, stripFinalNewline: false, env: { CARGO_TERM_COLOR: 'never' } });
    const before = await run();
    expect(before.stderr).toContain('unwinding panics are not supported without std');
    // As the README says: a new [profile.dev], the panic line under the existing [profile.release].
    const edited = readFileSync(join(root, 'Cargo.toml'), 'utf8');
    writeFileSync(join(root, 'Cargo.toml'), `${edited.replace('[profile.release]\n', '[profile.release]\npanic = "abort"\n')}\n[profile.dev]\npanic = "abort"\n`);
    const after = await run();
    expect(after.stdout, after.stderr).toBe('Hello, world!\n');
    expect(after.exitCode).toBe(0);
  });

  it('lists the edit in --dry-run and changes nothing', async () => {
    const root = workspace('[workspace]\nmembers = []\n');
    // A host crate: a bare-metal one goes into workspace.exclude (test/firmware-workspace.test.ts).
    const result = await runCli([join(root, 'fw'), '-y', '-t', 'linux', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Would add "fw" to workspace.members in');
    expect(readFileSync(join(root, 'Cargo.toml'), 'utf8')).toBe('[workspace]\nmembers = []\n');
  });

  it.each([
    ['[workspace]\nmembers = []\n', '[workspace]\nmembers = ["new"]\n'],
    ['[workspace]\nmembers = ["a", "b"]\n', '[workspace]\nmembers = ["a", "b", "new"]\n'],
    ['[workspace]\nmembers = ["a",]\n', '[workspace]\nmembers = ["a", "new"]\n'],
    ['[workspace]\nresolver = "2"\n', '[workspace]\nmembers = ["new"]\nresolver = "2"\n'],
    ['[workspace]\nmembers = [\n  "a" # x\n]\n[profile.dev]\n', '[workspace]\nmembers = [\n  "a", # x\n  "new",\n]\n[profile.dev]\n'],
  ])('adds a member to %j as data', (before, after) => {
    expect(addMember(before, 'new', parse)).toBe(after);
    expect((parse(after) as any).workspace.members).toContain('new');
  });
});
