/**
 * Issue 14, part 2: a firmware crate generated into a monorepo of host crates.
 * Cargo builds every member for the root's target (a member's
 * `.cargo/config.toml` is read only in its folder), so a Cortex-M member broke
 * `cargo build` at the root ("invalid register 'r0'"). The crate now goes into
 * `workspace.exclude` with an empty `[workspace]` of its own: the root's cargo
 * commands are clean, and in its folder `cargo run` boots it in QEMU.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds, xcargo } from '../support/tools.js';

const work = scratch('cf-fw-ws-');
afterAll(() => work.cleanup());
/** Per checkout, kept between runs: `core` for the firmware is built from source once. */
const targetDir = join(repoRoot, 'node_modules', '.cache', 'cf-firmware-target');

const hostRoot = '# The monorepo: host tools, and firmware beside them.\n[workspace]\nresolver = "2"\nmembers = ["tools/cli"]\n';
let count = 0;

/** A workspace root with one host binary crate, tools/cli. */
function monorepo(manifest = hostRoot): string {
  const dir = join(work.dir, `repo-${(count += 1)}`);
  mkdirSync(join(dir, 'tools', 'cli', 'src'), { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), manifest);
  writeFileSync(join(dir, 'tools', 'cli', 'Cargo.toml'), '[package]\nname = "cli"\nversion = "0.1.0"\nedition = "2021"\n');
  writeFileSync(join(dir, 'tools', 'cli', 'src', 'main.rs'), 'fn main() {\n    println!("host tool");\n}\n');
  return dir;
}

const cargoAt = (cwd: string, args: string[], program = 'cargo', timeout = 300_000) => execa(program, args, {
  cwd, reject: false, timeout, stripFinalNewline: false,
  env: { CARGO_TERM_COLOR: 'never', CARGO_TARGET_DIR: join(targetDir, program === 'cargo' ? 'rustup' : 'xcargo') },
});

describe('a thumbv7em-none-eabihf crate generated beside host crates', () => {
  it('is excluded from the root and a workspace of its own, said in one note and its README; the root builds, tests, lints and documents clean; in its folder it runs in QEMU', async ({ skip }) => {
    const root = monorepo();
    const result = await runCli([join(root, 'crates', 'fw'), '-t', 'thumbv7em-none-eabihf', '-y']);
    expect(result.exitCode, result.stderr).toBe(0);
    // One line says what was done and why; nothing claims it became a member.
    const notes = result.stderr.trim().split('\n');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^create-freestanding: note: "crates\/fw" was added to workspace\.exclude in .*Cargo\.toml and is a workspace of its own .*builds every member for the root's target \(the host\), not thumbv7em-none-eabihf/);
    expect(result.stdout).not.toContain('workspace.members');
    // The root edit is one inserted line, byte-exact around it.
    expect(readFileSync(join(root, 'Cargo.toml'), 'utf8')).toBe(`${hostRoot}exclude = ["crates/fw"]\n`);
    const manifest = parse(readFileSync(join(root, 'crates', 'fw', 'Cargo.toml'), 'utf8')) as any;
    expect(manifest.workspace).toEqual({});
    expect(manifest.profile.dev.panic).toBe('abort');
    expect(manifest.profile.release.panic).toBe('abort');
    const readme = readFileSync(join(root, 'crates', 'fw', 'README.md'), 'utf8');
    expect(readme).toContain('## Beside a workspace');
    expect(readme).toMatch(/the root lists this folder in `workspace\.exclude`/);
    expect(readme).not.toContain('## In a workspace');

    if (!requireTools(missingTools([...toolchainNeeds.rustup, { command: 'cargo', args: ['clippy', '--version'], install: 'rustup component add clippy' }]), skip)) return;
    for (const args of [['build'], ['test'], ['clippy', '--workspace', '--', '-D', 'warnings'], ['doc']]) {
      const run = await cargoAt(root, args);
      expect(run.exitCode, `cargo ${args.join(' ')} at the root: ${run.stderr}`).toBe(0);
      expect(run.stderr, `cargo ${args.join(' ')} at the root`).not.toMatch(/warning|error/i);
      expect(run.stderr).not.toContain('fw v0.1.0');
    }

    if (!requireTools(missingTools([...toolchainNeeds.xcargo, { command: 'qemu-system-arm', args: ['--version'], install: 'scripts/setup-toolchain.sh' }]), skip)) return;
    const fw = join(root, 'crates', 'fw');
    const board = await cargoAt(fw, ['run', '--release', '--quiet'], xcargo, 600_000);
    expect(board.stdout, String(board.stderr).slice(-3000)).toBe('Hello, world!\n');
    expect(board.exitCode).toBe(0);
    const lint = await cargoAt(fw, ['clippy', '--release', '--', '-D', 'warnings'], xcargo, 600_000);
    expect(lint.exitCode, String(lint.stderr).slice(-3000)).toBe(0);
  }, 900_000);

  it('is excluded even where a glob of the root covers its folder, and cargo at the root then reads no firmware', async ({ skip }) => {
    const manifest = '[workspace]\nmembers = [\n    "tools/*",\n    "crates/*",\n]\n';
    const root = monorepo(manifest);
    const result = await runCli([join(root, 'crates', 'fw'), '-t', 'riscv64gc-unknown-none-elf', '-y', '--template', 'minimal']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(root, 'Cargo.toml'), 'utf8')).toBe(`${manifest}exclude = ["crates/fw"]\n`);
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const metadata = await cargoAt(root, ['metadata', '--no-deps', '--format-version', '1']);
    expect(metadata.exitCode, metadata.stderr).toBe(0);
    expect((JSON.parse(metadata.stdout) as { packages: { name: string }[] }).packages.map((pkg) => pkg.name)).toEqual(['cli']);
    const inCrate = await cargoAt(join(root, 'crates', 'fw'), ['metadata', '--no-deps', '--format-version', '1']);
    expect(inCrate.exitCode, inCrate.stderr).toBe(0);
    expect((JSON.parse(inCrate.stdout) as { workspace_root: string }).workspace_root).toBe(join(root, 'crates', 'fw'));
  });

  /** Root spellings cargo reads; the exclusion is inserted, checked by parsing, and cargo agrees. */
  const spellings: [string, string][] = [
    ['a [workspace] table with sub-tables after it', '[workspace]\nmembers = ["tools/cli"] # host\n\n[workspace.package]\nedition = "2021"\n'],
    ['a multi-line members array', '[workspace]\nmembers = [\n    "tools/cli", # ] not the end\n]\nresolver = "2"\n'],
    ['an existing exclude', '[workspace]\nmembers = ["tools/cli"]\nexclude = ["old"]\n'],
    ['an inline table', 'workspace = { members = ["tools/cli"] } # inline\n'],
    ['dotted keys', 'workspace.members = ["tools/cli"]\nworkspace.resolver = "2"\n'],
    ['CRLF line ends', '[workspace]\r\nmembers = ["tools/cli"]\r\n'],
  ];
  it.for(spellings)('adds the exclusion to %s by inserting only, and cargo at the root skips the crate', async ([, manifest], { skip }) => {
    const root = monorepo(manifest);
    const result = await runCli([join(root, 'crates', 'fw'), '-t', 'aarch64-unknown-none', '-y', '--template', 'minimal']);
    expect(result.exitCode, result.stderr).toBe(0);
    const after = readFileSync(join(root, 'Cargo.toml'), 'utf8');
    let index = 0;
    for (const ch of after) if (index < manifest.length && ch === manifest[index]) index += 1;
    expect(index, 'every character of the root kept, in order').toBe(manifest.length);
    const expected = parse(manifest) as any;
    expected.workspace.exclude = [...(expected.workspace.exclude ?? []), 'crates/fw'];
    expect(parse(after)).toEqual(expected);
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const metadata = await cargoAt(root, ['metadata', '--no-deps', '--format-version', '1']);
    expect(metadata.exitCode, metadata.stderr).toBe(0);
    expect((JSON.parse(metadata.stdout) as { packages: { name: string }[] }).packages.map((pkg) => pkg.name)).toEqual(['cli']);
  });

  it('says "would be added" in a dry run and writes nothing', async () => {
    const root = monorepo();
    const result = await runCli([join(root, 'crates', 'fw'), '-t', 'thumbv7em-none-eabihf', '-y', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/note: "crates\/fw" would be added to workspace\.exclude/);
    expect(readFileSync(join(root, 'Cargo.toml'), 'utf8')).toBe(hostRoot);
  });

  it('joins as a member where the root builds for its target (.cargo/config.toml at the root)', async () => {
    const root = monorepo('[workspace]\nmembers = []\n\n[profile.dev]\npanic = "abort"\n\n[profile.release]\npanic = "abort"\n');
    mkdirSync(join(root, '.cargo'));
    writeFileSync(join(root, '.cargo', 'config.toml'), '[build]\ntarget = "thumbv7em-none-eabihf"\n');
    const result = await runCli([join(root, 'crates', 'fw'), '-t', 'thumbv7em-none-eabihf', '-y']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Added "crates/fw" to workspace.members');
    expect((parse(readFileSync(join(root, 'crates', 'fw', 'Cargo.toml'), 'utf8')) as any).workspace).toBeUndefined();
  });

  it('a host crate still joins workspace.members', async () => {
    const root = monorepo();
    const result = await runCli([join(root, 'crates', 'kernel'), '-t', 'linux', '-y']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Added "crates/kernel" to workspace.members');
    expect((parse(readFileSync(join(root, 'Cargo.toml'), 'utf8')) as any).workspace).toEqual({ resolver: '2', members: ['tools/cli', 'crates/kernel'] });
  });
});
