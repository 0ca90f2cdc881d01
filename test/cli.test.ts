/** The command's behaviour, through the real built CLI. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogue, templateNames } from '../generators/core/catalogue.js';
import { repoRoot, runCli, scratch } from './support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});
function tempDir() {
  const { dir, cleanup } = scratch();
  cleanups.push(cleanup);
  return dir;
}

describe('create-freestanding', () => {
  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--target <id>');
    const version = await runCli(['-v']);
    expect(version.stdout).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });

  it('lists the catalogue as JSON with the documented fields', async () => {
    const result = await runCli(['--list-targets', '--json']);
    expect(result.exitCode).toBe(0);
    const listed = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(listed.map((entry) => entry.id)).toEqual(catalogue.map((target) => target.id));
    for (const entry of listed) {
      expect(Object.keys(entry).sort()).toEqual(
        entry.kind === 'bare-metal'
          ? ['description', 'id', 'kind', 'runnable', 'triple']
          : ['description', 'id', 'kind', 'runnable'],
      );
      expect(['host', 'bare-metal']).toContain(entry.kind);
    }
  });

  // How fast it fails is measured by `npm run bench`, not asserted here.
  it('fails without a terminal when answers are missing, naming the flags', async () => {
    const dir = tempDir();
    const result = await runCli([join(dir, 'demo')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/missing --target, --template/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'demo'))).toBe(false);
  });

  it('with --yes takes the defaults: host, hello, edition 2024', async () => {
    const dir = tempDir();
    const result = await runCli([join(dir, 'my-os'), '--yes']);
    expect(result.exitCode, result.stderr).toBe(0);
    const manifest = readFileSync(join(dir, 'my-os', 'Cargo.toml'), 'utf8');
    expect(manifest).toContain('name = "my-os"');
    expect(manifest).toContain('edition = "2024"');
    expect(existsSync(join(dir, 'my-os', 'src', 'os', 'linux.rs'))).toBe(true);
    expect(existsSync(join(dir, 'my-os', 'src', 'os.rs'))).toBe(true);
    expect(result.stdout).toContain('cd ');
    expect(result.stdout).toContain('cargo run --release');
  });

  it('prints the one-time rustup step for bare-metal targets', async () => {
    const dir = tempDir();
    const result = await runCli([join(dir, 'fw'), '-y', '-t', 'thumbv7em-none-eabihf']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('rustup target add thumbv7em-none-eabihf');
  });

  it('refuses a non-empty directory and touches nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const result = await runCli([dir, '-y', '--name', 'demo']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/not empty.*--force/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('with --force overwrites generated files only and keeps the rest', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'extra.rs'), '// mine');
    writeFileSync(join(dir, 'Cargo.toml'), 'old');
    const result = await runCli([dir, '-y', '--force', '--name', 'demo']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'src', 'extra.rs'), 'utf8')).toBe('// mine');
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toContain('name = "demo"');
    expect(readdirSync(dir).filter((name) => name.includes('create-freestanding'))).toEqual([]);
  });

  it('--dry-run lists every file with its size and writes nothing', async () => {
    const dir = tempDir();
    const target = join(dir, 'demo');
    const text = await runCli([target, '-y', '--dry-run']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/Cargo\.toml {2}\(\d+ bytes\)/);
    const json = await runCli([target, '-y', '--dry-run', '--json']);
    const plan = JSON.parse(json.stdout) as { ok: boolean; dryRun: boolean; files: { path: string; size: number }[] };
    expect([plan.ok, plan.dryRun]).toEqual([true, true]);
    expect(plan.files.map((file) => file.path)).toContain('src/main.rs');
    expect(plan.files.every((file) => file.size > 0)).toBe(true);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--dry-run refuses a non-empty directory as the real run would', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const result = await runCli([dir, '-y', '--dry-run', '--name', 'demo']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/not empty; choose a new directory, or pass --force/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it.each([
    ['my os', /contains " ".*--name my-os/],
    ['1st', /starts with a digit.*--name app-1st/],
    ['fn', /Rust keyword/],
    ['test', /built-in test library/],
    ['héllo!', /contains "!"/],
  ])('rejects the crate name %j with a reason and a valid suggestion', async (name, message) => {
    const dir = tempDir();
    const result = await runCli([join(dir, 'x'), '-y', '--name', name]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('derives the crate name from the directory and rejects a bad one with a suggestion', async () => {
    const dir = tempDir();
    const result = await runCli([join(dir, 'My OS'), '-y']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/invalid crate name: "My OS" contains " ".*; use --name my-os$/m);
  });

  it.each([
    [['--target', 'nope'], /unknown target "nope"; choose one of: host, linux/],
    [['--edition', '2015'], /--edition must be one of 2018, 2021, 2024/],
    [['--template', 'big'], new RegExp(`--template must be one of ${templateNames.join(', ')} \\(got "big"\\)`)],
    [['--bogus'], /Unknown option '--bogus'; see --help/],
    [['-t', 'thumbv7em-none-eabihf', '--link-args', 'cargo-config'], /host targets only/],
    [['a', 'b'], /expected one directory/],
    // Did you mean: case, a prefix, a typo; an edition nobody is near gets the default, not the oldest.
    [['x', '-t', 'thumbv7em'], /unknown target "thumbv7em"; did you mean thumbv7em-none-eabi or thumbv7em-none-eabihf\? \(--list-targets/],
    [['x', '-t', 'Linux'], /unknown target "Linux"; did you mean linux\?/],
    [['x', '--template', 'helo'], new RegExp(`--template must be one of ${templateNames.join(', ')} \\(got "helo"\\); did you mean hello\\?$`)],
    [['x', '--edition', '2030'], /--edition must be one of 2018, 2021, 2024 \(got "2030"\); use --edition 2024$/],
    [['x', '--edition', '2o24'], /\(got "2o24"\); did you mean 2024\?$/],
    [['x', '--link-args', 'build-r'], /\(got "build-r"\); did you mean build-rs\?$/],
    [['doctor', '-t', 'riscv64'], /unknown target "riscv64"; did you mean riscv64gc-unknown-none-elf\?/],
  ])('rejects bad input %j in one line with exit 1', async (args, message) => {
    const result = await runCli([...args, '-y']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('takes "help" as the help; a directory named help is ./help', async () => {
    const dir = tempDir();
    const help = await runCli(['help'], { cwd: dir });
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: create-freestanding/);
    expect(help.stdout).toContain('a directory named help: ./help');
    expect(readdirSync(dir)).toEqual([]);
    const folder = await runCli(['./help', '-y'], { cwd: dir });
    expect(folder.exitCode, folder.stderr).toBe(0);
    expect(readFileSync(join(dir, 'help', 'Cargo.toml'), 'utf8')).toContain('name = "help"');
  });

  it('skips a first literal "--", as pnpm, yarn 4, bun and npx pass it on', async () => {
    const dir = tempDir();
    const result = await runCli(['p1', '--', '-t', 'linux', '-y'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Created p1 in p1: linux, hello');
  });

  it('without a terminal, a bad answer given is refused before a missing one is named', async () => {
    const dir = tempDir();
    const result = await runCli([join(dir, 'x'), '--name', 'fn']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('create-freestanding: invalid crate name: "fn" is a Rust keyword; use --name fn-app');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says where the tests of a project for another OS run, as it says where it runs', async () => {
    const dir = tempDir();
    for (const [target, where] of [['windows', 'on Windows'], ['macos', 'on macOS']] as const) {
      const result = await runCli([join(dir, target), '-y', '-t', target, '--dry-run', '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      // Its build.rs links for that OS only, so `cargo test` here would fail in build.rs.
      expect((JSON.parse(result.stdout) as { nextSteps: string[] }).nextSteps.slice(-2)).toEqual([`cargo run --release   # ${where}`, `cargo test   # ${where}`]);
    }
  });

  it('ends a final --json result with the files and next steps', async () => {
    const dir = tempDir();
    const result = await runCli([join(dir, 'demo'), '-y', '--json', '-t', 'riscv64gc-unknown-none-elf', '--template', 'minimal']);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ ok: true, created: true, name: 'demo', target: 'riscv64gc-unknown-none-elf', template: 'minimal', edition: '2024' });
    // Each answer once, and the directory as written: absolute.
    expect(summary.directory).toBe(join(dir, 'demo'));
    expect(summary).not.toHaveProperty('answers');
    expect(summary.nextSteps).toContain('rustup target add riscv64gc-unknown-none-elf   # once: this target\'s precompiled core');
  });
});

describe('the non-interactive path', () => {
  it('loads neither the prompt library, node-plop nor execa', async () => {
    const dir = tempDir();
    const imports = join(import.meta.dirname, 'support', 'trace-imports.mjs');
    const requires = join(import.meta.dirname, 'support', 'trace-requires.cjs');
    const result = await runCli([join(dir, 'fast'), '-y', '-t', 'linux'], { env: { NODE_OPTIONS: `--import ${imports} --require ${requires}` } });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stderr.split('\n');
    const loaded = [
      ...lines.filter((line) => line.startsWith('import: file:')).map((line) => fileURLToPath(line.slice('import: '.length))),
      ...lines.filter((line) => line.startsWith('require: ')).map((line) => line.slice('require: '.length)),
    ].filter((path) => path.startsWith(repoRoot) && !path.includes(`${sep}test${sep}support${sep}`));
    // The bundle names each package's code with a `// node_modules/<package>/…` line.
    const packagesIn = (path: string) => [...readFileSync(path, 'utf8').matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((match) => match[1]);
    // dist/start.cjs loads the command's bundle itself (through V8's code cache), not with require().
    const bundle = join(repoRoot, 'dist', 'cli.cjs');
    const packages = new Set([bundle, ...loaded].flatMap(packagesIn));
    expect(loaded).toContain(join(repoRoot, 'dist', 'start.cjs')); // the tracers work
    expect(packages.has('handlebars')).toBe(true); // and the markers
    expect([...packages].filter((name) => /inquirer|node-plop|execa|smol-toml/.test(name))).toEqual([]);
    expect(loaded.filter((path) => /inquirer|node-plop|execa|toml|prompts/.test(path))).toEqual([]);
  });
});
