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
    expect(result.stderr).toMatch(/note: .*Cargo\.toml sets the profiles of every member: add panic = "abort" to \[profile\.dev\] and \[profile\.release\]/);
  });

  it('lists the edit in --dry-run and changes nothing', async () => {
    const root = workspace('[workspace]\nmembers = []\n');
    const result = await runCli([join(root, 'fw'), '-y', '-t', 'riscv64gc-unknown-none-elf', '--dry-run']);
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
