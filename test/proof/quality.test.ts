/**
 * What a user does on the host with rustup's stable toolchain: `cargo run`,
 * `cargo test`, `cargo fmt --check`, `cargo clippy -D warnings`, in every
 * edition and both link-argument modes; and clippy for each cross family.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogue, editions, findTarget, templateNames, type Target } from '../../generators/core/catalogue.js';
import { repoRoot, runCli, scratch } from '../support/cli.js';
import { has, missingTools, requireTools, toolchainNeeds, xcargo } from '../support/tools.js';

const projects = scratch('cf-quality-');
afterAll(projects.cleanup);
const rustupTargetDir = join(repoRoot, '.tmp', 'target-rustup');
const xcargoTargetDir = join(repoRoot, '.tmp', 'target-xcargo');

async function generate(name: string, args: string[]): Promise<string> {
  const dir = join(projects.dir, name);
  const result = await runCli([dir, ...args]);
  expect(result.exitCode, result.stderr).toBe(0);
  return dir;
}

const cargo = (args: string[], cwd: string) =>
  execa('cargo', args, { cwd, reject: false, stripFinalNewline: false, env: { CARGO_TARGET_DIR: rustupTargetDir, CARGO_TERM_COLOR: 'never' } });

const needRustup = (skip: (note?: string) => void) => requireTools(missingTools(toolchainNeeds.rustup), skip);
const needRustfmtClippy = (skip: (note?: string) => void) =>
  requireTools(has('cargo', ['fmt', '--version']) && has('cargo', ['clippy', '--version']) ? undefined : 'rustfmt/clippy missing; rustup component add rustfmt clippy', skip);

const runsHere = (target: Target) => target.kind === 'host' && target.oses.includes('linux') && process.platform === 'linux';

describe.each(catalogue.filter(runsHere))('$id with rustup stable on this machine', (target) => {
  describe.each(editions)('edition %s', (edition) => {
    it.for(templateNames)('%s: fmt and clippy are clean, cargo test runs the library tests', async (template, { skip }) => {
      if (!needRustup(skip) || !needRustfmtClippy(skip)) return;
      const dir = await generate(`q-${target.id}-${template}-${edition}`, ['-t', target.id, '--template', template, '--edition', edition]);
      const fmt = await cargo(['fmt', '--check'], dir);
      expect(fmt.exitCode, fmt.stdout + fmt.stderr).toBe(0);
      const clippy = await cargo(['clippy', '--release', '--', '-D', 'warnings'], dir);
      expect(clippy.exitCode, clippy.stderr).toBe(0);
      const test = await cargo(['test'], dir);
      expect(test.exitCode, test.stderr).toBe(0);
      // minimal has no library: nothing to test, and cargo test still passes.
      if (template === 'hello') expect(test.stdout).toMatch(/test result: ok\. 3 passed; 0 failed/);
      if (template === 'hello') {
        // Exactly what the README and the next steps say.
        const run = await cargo(['run', '--release', '--quiet'], dir);
        expect(run.stdout, run.stderr).toBe('Hello, world!\n');
        expect(run.exitCode).toBe(0);
        const dev = await cargo(['run', '--quiet'], dir);
        expect(dev.stdout, dev.stderr).toBe('Hello, world!\n');
      } else {
        const build = await cargo(['build'], dir);
        expect(build.exitCode, build.stderr).toBe(0);
      }
    });
  });

  it('builds and runs with --link-args cargo-config (the blog\'s .cargo/config.toml)', async ({ skip }) => {
    if (!needRustup(skip)) return;
    const dir = await generate(`q-${target.id}-cargo-config`, ['-t', target.id, '--template', 'hello', '--edition', '2021', '--link-args', 'cargo-config']);
    const run = await cargo(['run', '--release', '--quiet'], dir);
    expect(run.stdout, run.stderr).toBe('Hello, world!\n');
    expect(run.exitCode).toBe(0);
  });
});

/** One triple per cross family: clippy must be clean there too (Debian's clippy with build-std). */
const clippyTriples: { target: string; triple: string }[] = [
  { target: 'windows', triple: 'x86_64-pc-windows-msvc' },
  { target: 'macos', triple: 'aarch64-apple-darwin' },
  // Every CPU of src/os/linux.rs: each has its own `arch` module, which only its triple compiles.
  ...findTarget('linux')!.proofs.filter((proof) => proof.toolchain === 'xcargo').map((proof) => ({ target: 'linux', triple: proof.triple })),
  ...catalogue.flatMap((target) => (target.kind === 'bare-metal' ? [{ target: target.id, triple: target.triple }] : [])),
].filter((entry, index, all) => {
  // Bare-metal: one target per family is enough, clippy sees the same source;
  // but a UEFI main.rs has code per CPU (`cfg(target_arch)`), so each of its triples.
  const key = (id: string) => {
    const target = catalogue.find((t) => t.id === id)!;
    return target.family === 'uefi' ? id : target.family;
  };
  return key(entry.target) === 'host' || all.findIndex((other) => key(other.target) === key(entry.target)) === index;
});

describe.each(clippyTriples)('clippy for $target ($triple)', ({ target, triple }) => {
  it.for(templateNames)('%s: no warnings, and rustfmt-clean in every edition', async (template, { skip }) => {
    // The clippy that runs here is the one scripts/xcargo puts first on PATH (Debian's rust-web-clippy), not rustup's.
    const debianClippy = [{ command: '/usr/bin/cargo-clippy', args: ['--version'], install: 'scripts/setup-toolchain.sh (rust-web-clippy)' }];
    if (!requireTools(missingTools([...toolchainNeeds.xcargo, ...debianClippy]), skip) || !needRustfmtClippy(skip)) return;
    // One folder per triple: linux is checked for several.
    const dir = await generate(`c-${(target === triple ? target : `${target}-${triple}`).replace(/[^a-z0-9]+/g, '-')}-${template}`, ['-t', target, '--template', template, '--edition', '2024']);
    const clippy = await execa(xcargo, ['clippy', '--release', '--target', triple, '--', '-D', 'warnings'], {
      cwd: dir, reject: false, env: { CARGO_TARGET_DIR: xcargoTargetDir, CARGO_TERM_COLOR: 'never' },
    });
    expect(clippy.exitCode, String(clippy.stderr).slice(-4000)).toBe(0);
    for (const edition of editions) {
      // minimal has no src/lib.rs.
      const files = ['src/main.rs', 'src/lib.rs', 'build.rs'].filter((file) => existsSync(join(dir, file)));
      const fmt = await execa('rustfmt', ['--edition', edition, '--check', ...files], { cwd: dir, reject: false });
      expect(fmt.exitCode, fmt.stdout).toBe(0);
    }
  });
});

describe('the documented test command of bare-metal projects', () => {
  const oneTargetPerFamily = catalogue.filter((target, index, all) =>
    target.kind === 'bare-metal' && all.findIndex((other) => other.family === target.family) === index);

  it.for(oneTargetPerFamily)('runs the library tests of a $id project on this machine', async (target, { skip }) => {
    if (!needRustup(skip)) return;
    const dir = await generate(`t-${target.id.replace(/[^a-z0-9]+/g, '-')}`, ['-t', target.id, '--template', 'hello', '--edition', '2024']);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const command = readme.match(/^cargo test --lib --target .*$/m)?.[0];
    expect(command).toBeDefined();
    const result = await execa('sh', ['-c', command!], { cwd: dir, reject: false, env: { CARGO_TARGET_DIR: rustupTargetDir } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/test result: ok\. 3 passed; 0 failed/);
  });
});
