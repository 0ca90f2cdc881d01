/**
 * Crate names against the real `cargo new --vcs none`: the same verdict (or a
 * stricter one only where the generated project cannot build, shown by
 * building it), a warning exactly where cargo warns, and every accepted
 * name's project generated into one workspace and built once.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCrateName, maxCrateNameLength } from '../../generators/core/crate-name.js';
import { runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const accepted = [
  'gen', 'core', 'std', 'alloc', 'proc_macro', 'proc-macro', 'con', 'nul', 'com1', 'lpt9', 'Aux', 'Main', 'my-os', 'x', '_a', 'a--b',
  'target', 'doc', 'main', 'lib', 'bin', 'src', 'a'.repeat(maxCrateNameLength),
];
const refusedByCargo = ['', 'test', 'deps', 'build', 'examples', 'incremental', 'async', 'self', 'Self', 'crate', 'fn', 'yield', '1a', 'a b', 'a.b', 'a+b', '-a'];
/** Cargo creates these, but the generated project (a library its binary uses) cannot build. */
const unbuildable = ['_', 'é', '日本', 'a'.repeat(maxCrateNameLength + 1)];

const work = scratch('cf-names-');
afterAll(() => work.cleanup());
const show = (name: string) => (name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : JSON.stringify(name));

async function cargoNew(name: string) {
  const dir = join(work.dir, 'cargo-new', String(Math.random()).slice(2));
  mkdirSync(dir, { recursive: true });
  const result = await execa('cargo', ['new', '--vcs', 'none', `--name=${name}`, join(dir, 'p')], { reject: false, env: { CARGO_TERM_COLOR: 'never' } });
  const warnings = result.stderr.split('\n').filter((line) => /^warning: .*(package name|reserved|confused|non-ASCII|snake_case)/.test(line));
  return { ok: result.exitCode === 0, warnings, stderr: result.stderr };
}

describe('crate names as cargo decides', () => {
  it('agrees with cargo new on every name of the corpus, warning where it warns', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const rows: string[] = [];
    for (const name of [...accepted, ...refusedByCargo, ...unbuildable]) {
      const cargo = await cargoNew(name);
      const ours = checkCrateName(name, { windows: false });
      rows.push(`${show(name)}: cargo ${cargo.ok ? 'accepts' : 'refuses'}${cargo.warnings.length ? ' (warns)' : ''}; ours ${ours.problem ? 'refuses' : 'accepts'}${ours.warning ? ' (warns)' : ''}`);
      if (accepted.includes(name)) {
        expect(cargo.ok, `${show(name)}: ${cargo.stderr}`).toBe(true);
        expect(ours.problem, show(name)).toBeUndefined();
        // A warning exactly where cargo warns (an ASCII name cargo calls not snake_case included).
        expect(Boolean(ours.warning), `${show(name)}: cargo said ${cargo.warnings.join(' | ') || 'nothing'}, we said ${ours.warning ?? 'nothing'}`).toBe(cargo.warnings.length > 0);
      } else if (refusedByCargo.includes(name)) {
        expect(cargo.ok, show(name)).toBe(false);
        expect(ours.problem, show(name)).toBeDefined();
      } else {
        expect(cargo.ok, show(name)).toBe(true);
        expect(ours.problem, show(name)).toBeDefined();
      }
      if (ours.problem) expect(checkCrateName(ours.suggestion, { windows: true }).problem, `suggestion for ${show(name)}`).toBeUndefined();
    }
    console.log(`crate-name corpus (${rows.length} names):\n  ${rows.join('\n  ')}`);
  });

  it('builds the project of every accepted name, all in one workspace', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const root = join(work.dir, 'accepted');
    mkdirSync(root);
    writeFileSync(join(root, 'Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = []\n\n[profile.dev]\npanic = "abort"\n\n[profile.release]\npanic = "abort"\n');
    for (const [index, name] of accepted.entries()) {
      const result = await runCli([join(root, `c${index}`), '-y', '-t', 'linux', '--name', name]);
      expect(result.exitCode, `${show(name)}: ${result.stderr}`).toBe(0);
      // One line of warning where cargo warns, nothing else.
      expect(result.stderr.split('\n').filter(Boolean).length, result.stderr).toBeLessThanOrEqual(1);
    }
    const build = await execa('cargo', ['build', '--workspace', '--quiet'], { cwd: root, reject: false });
    expect(build.exitCode, build.stderr.slice(-3000)).toBe(0);
  });

  it('refuses, with a buildable suggestion, the names cargo accepts but the project cannot build; the build proves it', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const template = join(work.dir, 'template');
    const made = await runCli([template, '-y', '-t', 'linux', '--name', 'placeholder']);
    expect(made.exitCode, made.stderr).toBe(0);
    for (const name of unbuildable) {
      const refused = await runCli([join(work.dir, 'refused'), '-y', '-t', 'linux', '--name', name]);
      expect(refused.exitCode, show(name)).toBe(1);
      expect(refused.stderr.trim().split('\n'), refused.stderr).toHaveLength(1);
      expect(refused.stderr).toMatch(/invalid crate name: .*; use --name \S+$/);
      // The same project under that name, built: it fails, as the refusal says.
      const project = join(work.dir, `unbuildable-${unbuildable.indexOf(name)}`);
      await execa('cp', ['-r', template, project]);
      for (const file of ['Cargo.toml', 'src/main.rs']) {
        const path = join(project, file);
        writeFileSync(path, readFileSync(path, 'utf8').replaceAll('"placeholder"', JSON.stringify(name)).replace('use placeholder as', `use ${name} as`));
      }
      const build = await execa('cargo', ['build', '--quiet'], { cwd: project, reject: false, env: { CARGO_TARGET_DIR: join(work.dir, 'unbuildable-target') } });
      expect(build.exitCode, `${show(name)} built although refused`).not.toBe(0);
    }
  });

  it('refuses Windows device names when the target includes Windows, and says why', async () => {
    for (const target of ['windows', 'host']) {
      const result = await runCli([join(work.dir, `win-${target}`), '-y', '-t', target, '--name', 'CON']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/^create-freestanding: invalid crate name: "CON" is a reserved Windows file name, and the target includes Windows; use --name con-app$/);
    }
  });

  it('says how to pass a name starting with "-"', async () => {
    const result = await runCli([join(work.dir, 'dash'), '-y', '--name', '-x']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('create-freestanding: Option \'--name\' argument is ambiguous; to pass a value starting with "-", write --name=<value>; see --help');
    const attached = await runCli([join(work.dir, 'dash'), '-y', '--name=-x']);
    expect(attached.stderr).toMatch(/invalid crate name: "-x" must start with a letter or "_"; use --name x$/);
  });
});
