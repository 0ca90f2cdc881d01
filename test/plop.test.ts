/** The plop pack: the same generator, run by node-plop, directly and through plop.load. */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { join } from 'node:path';
import nodePlop from 'node-plop';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../generators/scaffold.js';
import { repoRoot, scratch } from './support/cli.js';

let cleanup = () => {};
afterEach(() => cleanup());

const answers = { directory: 'crates/kernel', target: 'linux', template: 'hello', edition: '2021', name: 'kernel' };

describe('plop pack', () => {
  it('registers the freestanding generator, whose prompts come from the catalogue', async () => {
    const plop = await nodePlop(join(repoRoot, 'dist', 'plopfile.js'));
    expect(plop.getGeneratorList().map((g) => g.name)).toEqual(['freestanding']);
    const prompts = plop.getGenerator('freestanding').prompts as { name: string; choices?: { value: string }[] }[];
    expect(prompts.map((p) => p.name)).toEqual(['directory', 'name', 'target', 'template', 'edition', 'ci']);
    expect(prompts[2].choices!.map((c) => c.value)).toContain('thumbv7em-none-eabihf');
  });

  it('writes exactly the files the CLI writes, unescaped, relative to the destination', async () => {
    const tmp = scratch('cf-plop-');
    cleanup = tmp.cleanup;
    const plop = await nodePlop(join(repoRoot, 'dist', 'plopfile.js'), { destBasePath: tmp.dir, force: false });
    const result = await plop.getGenerator('freestanding').runActions(answers);
    expect(result.failures).toEqual([]);
    expect(result.changes[0].path).toContain('files in');
    const expected = generate({ ...answers, directory: join(tmp.dir, answers.directory) });
    for (const file of expected) {
      expect(readFileSync(join(tmp.dir, answers.directory, file.path), 'utf8')).toBe(file.contents);
    }
    expect(readFileSync(join(tmp.dir, answers.directory, 'Cargo.toml'), 'utf8')).toContain('name = "kernel"');
  });

  it('loads by package name from a monorepo plopfile (plop.load)', async () => {
    const tmp = scratch('cf-monorepo-');
    cleanup = tmp.cleanup;
    mkdirSync(join(tmp.dir, 'node_modules'));
    symlinkSync(repoRoot, join(tmp.dir, 'node_modules', 'create-freestanding'), 'dir');
    writeFileSync(join(tmp.dir, 'plopfile.js'), "export default async function (plop) {\n  await plop.load('create-freestanding');\n}\n");
    writeFileSync(join(tmp.dir, 'package.json'), '{ "type": "module", "private": true }\n');
    writeFileSync(join(tmp.dir, 'Cargo.toml'), '[workspace]\nmembers = []\n');
    const plop = await nodePlop(join(tmp.dir, 'plopfile.js'), { destBasePath: tmp.dir, force: false });
    const result = await plop.getGenerator('freestanding').runActions({ ...answers, target: 'thumbv7em-none-eabihf' });
    expect(result.failures).toEqual([]);
    expect(readFileSync(join(tmp.dir, 'crates/kernel/.cargo/config.toml'), 'utf8')).toContain('target = "thumbv7em-none-eabihf"');
    // Bare metal in a root that builds for the host: excluded, a workspace of its own (test/firmware-workspace.test.ts).
    expect(readFileSync(join(tmp.dir, 'Cargo.toml'), 'utf8')).toBe('[workspace]\nmembers = []\nexclude = ["crates/kernel"]\n');
    expect(result.changes[0].path).toContain('note: "crates/kernel" was added to workspace.exclude');
  });

  it('refuses a bad crate name with the reason', async () => {
    const tmp = scratch('cf-plop-');
    cleanup = tmp.cleanup;
    const plop = await nodePlop(join(repoRoot, 'dist', 'plopfile.js'), { destBasePath: tmp.dir, force: false });
    const result = await plop.getGenerator('freestanding').runActions({ ...answers, name: 'my crate' });
    expect(result.failures[0]).toMatchObject({ type: 'function' });
    expect((result.failures[0] as { error: string }).error).toMatch(/invalid crate name: "my crate" contains " "/);
  });
});

describe('force, when node-plop is run by a script rather than plop\'s command', () => {
  /** A script with `--force` among its own arguments, loading the pack by name, passing `force` to load() or not. */
  async function runScript(loadOptions: string) {
    const tmp = scratch('cf-plopscript-');
    cleanup = tmp.cleanup;
    mkdirSync(join(tmp.dir, 'node_modules'));
    symlinkSync(repoRoot, join(tmp.dir, 'node_modules', 'create-freestanding'), 'dir');
    writeFileSync(join(tmp.dir, 'package.json'), '{ "type": "module", "private": true }\n');
    writeFileSync(join(tmp.dir, 'plopfile.js'), `export default async function (plop, config) {\n  await plop.load('create-freestanding', ${loadOptions});\n}\n`);
    mkdirSync(join(tmp.dir, 'kernel'));
    writeFileSync(join(tmp.dir, 'kernel', 'notes.txt'), 'mine');
    writeFileSync(join(tmp.dir, 'script.mjs'), [
      `import nodePlop from ${JSON.stringify(join(repoRoot, 'node_modules', 'node-plop', 'src', 'index.js'))};`,
      "const plop = await nodePlop('plopfile.js', { destBasePath: process.cwd(), force: process.argv.includes('--go') });",
      "const result = await plop.getGenerator('freestanding').runActions({ directory: 'kernel', name: 'kernel', target: 'linux', template: 'minimal', edition: '2024' });",
      'console.log(JSON.stringify(result.failures.map((failure) => failure.error)));',
    ].join('\n'));
    const run = await execa('node', ['script.mjs', '--force', '-f', ...(loadOptions.includes('config') ? ['--go'] : [])], { cwd: tmp.dir, reject: false });
    return { failures: JSON.parse(run.stdout) as string[], written: existsSync(join(tmp.dir, 'kernel', 'Cargo.toml')) };
  }

  it('does not take the script\'s own --force for plop\'s', async () => {
    const { failures, written } = await runScript('{}');
    expect(failures[0]).toMatch(/kernel is not empty; choose a new directory, or run plop with --force/);
    expect(written).toBe(false);
  });

  it('takes the force the script gives node-plop when the plopfile passes it on to load()', async () => {
    const { failures, written } = await runScript('{ force: config.force }');
    expect(failures).toEqual([]);
    expect(written).toBe(true);
  });
});

/** plop's own CLI, as `npm run plop` and monorepo users run it. */
describe('the real plop binary', () => {
  const plopBin = join(repoRoot, 'node_modules', '.bin', 'plop');
  const runPlop = (dest: string, args: string[]) =>
    execa(plopBin, ['--plopfile', join(repoRoot, 'dist', 'plopfile.js'), '--dest', dest, ...args], { reject: false, stdin: 'ignore', all: true });
  const bypass = ['freestanding', 'crates/kernel', 'kernel', 'thumbv7em-none-eabihf', 'hello', '2021', 'none'];

  it('generates from bypassed answers and prints the next steps', async () => {
    const tmp = scratch('cf-plopcli-');
    cleanup = tmp.cleanup;
    const result = await runPlop(tmp.dir, bypass);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`files in ${join(tmp.dir, 'crates/kernel')}`);
    expect(result.stdout).toMatch(/next steps:\n\s+cd .*crates\/kernel\n\s+rustup target add thumbv7em-none-eabihf/);
    expect(result.stdout).toContain('cargo test --lib --target host-tuple');
    expect(readFileSync(join(tmp.dir, 'crates/kernel/Cargo.toml'), 'utf8')).toContain('name = "kernel"');
  });

  it('refuses a non-empty directory in plop\'s words, and honours plop --force', async () => {
    const tmp = scratch('cf-plopcli-');
    cleanup = tmp.cleanup;
    mkdirSync(join(tmp.dir, 'crates/kernel'), { recursive: true });
    writeFileSync(join(tmp.dir, 'crates/kernel/notes.txt'), 'mine');
    const refused = await runPlop(tmp.dir, bypass);
    expect(refused.exitCode).toBe(1);
    // Refused by the directory prompt's check (plop prints it on stderr), before any action.
    expect(refused.all).toMatch(/is not empty; choose a new directory, or run plop with --force/);
    expect(refused.all).not.toContain('pass --force');
    expect(existsSync(join(tmp.dir, 'crates/kernel/Cargo.toml'))).toBe(false);
    const forced = await runPlop(tmp.dir, ['--force', ...bypass]);
    expect(forced.exitCode, forced.stdout).toBe(0);
    expect(readFileSync(join(tmp.dir, 'crates/kernel/notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(tmp.dir, 'crates/kernel/Cargo.toml'), 'utf8')).toContain('name = "kernel"');
  });

  it('shows each target\'s description in its list', async () => {
    const plop = await nodePlop(join(repoRoot, 'dist', 'plopfile.js'));
    const prompts = plop.getGenerator('freestanding').prompts as { name: string; choices?: { name: string; value: string }[] }[];
    const targets = prompts.find((prompt) => prompt.name === 'target')!.choices!;
    expect(targets.find((choice) => choice.value === 'thumbv7em-none-eabihf')!.name).toContain('Cortex-M4F');
  });

  it('is what `npm run plop` runs: the script\'s command (after its build) generates into the folder it is run in', async () => {
    const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const [program, ...args] = scripts.plop.split('&&').at(-1)!.trim().split(/\s+/);
    expect(program).toBe('plop');
    const tmp = scratch('cf-plopscript-');
    cleanup = tmp.cleanup;
    // As npm runs it at the root, but in a scratch folder: the plopfile path made absolute, `--dest .` kept.
    const result = await execa(plopBin, [...args.map((arg) => (arg.startsWith('dist/') ? join(repoRoot, arg) : arg)), ...bypass], { cwd: tmp.dir, reject: false, stdin: 'ignore', all: true });
    expect(result.exitCode, result.all).toBe(0);
    expect(readFileSync(join(tmp.dir, 'crates', 'kernel', 'Cargo.toml'), 'utf8')).toMatch(/^name = "kernel"$/m);
  });
});
