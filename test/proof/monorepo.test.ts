/**
 * The plop pack where its users stand: a monorepo made by `npm init -y` (npm 11
 * writes "type": "commonjs"), plop (and tsx, for a plopfile.ts on Node 20)
 * installed from the npm registry, this package as its packed tarball, each of
 * the README's plopfiles run by the real `npx plop` with answers as arguments.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot, scratch } from '../support/cli.js';

// Pinned: plop 4.0.5 runs on Node 20 (engines >=18); tsx is plop's own advice for a plopfile.ts before Node 22.18.
const plopVersion = '4.0.5';
const tsxVersion = '4.23.15';

const tmp = scratch('cf-monorepo-');
afterAll(tmp.cleanup);
const monorepo = join(tmp.dir, 'monorepo');
const home = join(tmp.dir, 'home');

/** The README's plopfile whose first line names `file`. */
function readmePlopfile(file: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].map((match) => match[1]).find((code) => code.startsWith(`// ${file},`) || code.startsWith(`// ${file} `));
  if (!block) throw new Error(`README.md has no plopfile block starting "// ${file}"`);
  return block;
}

beforeAll(async () => {
  const tarball = inject('tarball');
  mkdirSync(monorepo);
  mkdirSync(home);
  await execa('npm', ['init', '-y'], { cwd: monorepo });
  await execa('npm', ['install', '--save-dev', `plop@${plopVersion}`, `tsx@${tsxVersion}`, tarball, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: monorepo });
  // The pack's own behaviour is tested through the plainest plopfile; the README's are tested as written below.
  writeFileSync(join(monorepo, 'pack.mjs'), "export default async function (plop) {\n  await plop.load('create-freestanding');\n}\n");
  mkdirSync(join(monorepo, 'freestanding-templates', 'project'), { recursive: true });
  writeFileSync(join(monorepo, 'freestanding-templates', 'project', 'README.md.hbs'), '# {{name}}, from the monorepo\'s templates\n');
}, 300_000);

/** `npx plop` in the monorepo, as its user types it; stdout and stderr together (plop's spinner writes to stderr). */
function plop(args: string[], env: Record<string, string> = {}) {
  return execa('npx', ['plop', ...args], {
    cwd: monorepo, reject: false, stdin: 'ignore', all: true,
    env: { HOME: home, npm_config_update_notifier: 'false', ...env },
  });
}

const answers = (directory: string, name: string) => ['freestanding', directory, name, 'linux', 'minimal', '2024', 'none'];
/** Through the plainest plopfile that loads the pack. */
const pack = (args: string[]) => plop(['--plopfile', 'pack.mjs', ...args]);

describe('a monorepo made by npm init -y, with plop from the registry', () => {
  it('is CommonJS, as npm 11 makes it', () => {
    expect(JSON.parse(readFileSync(join(monorepo, 'package.json'), 'utf8')).type).toBe('commonjs');
  });

  it('runs the README\'s plopfile.js (found by plop itself)', async () => {
    writeFileSync(join(monorepo, 'plopfile.js'), readmePlopfile('plopfile.js'));
    const run = await plop(answers('crates/js', 'js'));
    expect(run.exitCode, run.all).toBe(0);
    expect(readFileSync(join(monorepo, 'crates/js/Cargo.toml'), 'utf8')).toContain('name = "js"');
  });

  it('runs the README\'s plopfile.mjs, with its templates', async () => {
    writeFileSync(join(monorepo, 'plopfile.mjs'), readmePlopfile('plopfile.mjs'));
    const run = await plop(['--plopfile', 'plopfile.mjs', ...answers('crates/mjs', 'mjs')]);
    expect(run.exitCode, run.all).toBe(0);
    expect(readFileSync(join(monorepo, 'crates/mjs/README.md'), 'utf8')).toBe('# mjs, from the monorepo\'s templates\n');
  });

  it('runs the README\'s plopfile.ts through tsx, with its templates, and the plopfile type-checks', async () => {
    writeFileSync(join(monorepo, 'plopfile.ts'), readmePlopfile('plopfile.ts'));
    const run = await plop(['--plopfile', 'plopfile.ts', ...answers('crates/ts', 'ts')], { NODE_OPTIONS: '--import tsx' });
    expect(run.exitCode, run.all).toBe(0);
    expect(readFileSync(join(monorepo, 'crates/ts/README.md'), 'utf8')).toBe('# ts, from the monorepo\'s templates\n');

    // In this CommonJS project, as a user's tsconfig for node would have it; no skipLibCheck.
    const tsconfig = (file: string) => JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, types: [] }, files: [file] });
    writeFileSync(join(monorepo, 'tsconfig.json'), tsconfig('plopfile.ts'));
    const tsc = await execa(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: monorepo, reject: false });
    expect(tsc.exitCode, tsc.stdout).toBe(0);
    // The check can fail: an option the pack does not have is refused.
    writeFileSync(join(monorepo, 'bad-plopfile.ts'), readmePlopfile('plopfile.ts').replace('templates:', 'templats:'));
    writeFileSync(join(monorepo, 'tsconfig.json'), tsconfig('bad-plopfile.ts'));
    const bad = await execa(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: monorepo, reject: false });
    expect(bad.stdout).toMatch(/bad-plopfile\.ts.*error TS2561: .*'templats' does not exist in type 'PackOptions'/);
  });

  describe('plop --force reaches the pack loaded by plop.load', () => {
    const kernel = (n: number) => `crates/kernel${n}`;
    const nonEmpty = (n: number) => {
      mkdirSync(join(monorepo, kernel(n)), { recursive: true });
      writeFileSync(join(monorepo, kernel(n), 'notes.txt'), 'mine');
    };
    const forms: [string, (n: number) => string[]][] = [
      ['--force before the generator', (n) => ['--force', ...answers(kernel(n), 'kernel')]],
      ['-f before the generator', (n) => ['-f', ...answers(kernel(n), 'kernel')]],
      ['--force after the generator name', (n) => ['freestanding', '--force', ...answers(kernel(n), 'kernel').slice(1)]],
      ['-f after every answer', (n) => [...answers(kernel(n), 'kernel'), '-f']],
    ];

    it('refuses a non-empty directory without it, in plop\'s words, writing nothing', async () => {
      nonEmpty(0);
      const run = await pack(answers(kernel(0), 'kernel'));
      expect(run.exitCode).toBe(1);
      expect(run.all).toContain(`${join(monorepo, kernel(0))} is not empty; choose a new directory, or run plop with --force`);
      expect(existsSync(join(monorepo, kernel(0), 'Cargo.toml'))).toBe(false);
    });

    forms.forEach(([form, args], index) => {
      it(`writes with ${form}, keeping the file it does not generate`, async () => {
        nonEmpty(index + 1);
        const run = await pack(args(index + 1));
        expect(run.exitCode, run.all).toBe(0);
        expect(readFileSync(join(monorepo, kernel(index + 1), 'notes.txt'), 'utf8')).toBe('mine');
        expect(readFileSync(join(monorepo, kernel(index + 1), 'Cargo.toml'), 'utf8')).toContain('name = "kernel"');
      });
    });
  });

  it('checks the directory at its prompt: a non-empty one is refused before the crate name is asked', async () => {
    mkdirSync(join(monorepo, 'crates/full'), { recursive: true });
    writeFileSync(join(monorepo, 'crates/full/notes.txt'), 'mine');
    // Only the directory given: the next prompt would read the closed stdin.
    const run = await pack(['freestanding', 'crates/full']);
    expect(run.exitCode).toBe(1);
    expect(run.all).toContain(`${join(monorepo, 'crates/full')} is not empty; choose a new directory, or run plop with --force`);
    expect(run.all).not.toContain('Crate name');
    expect(readFileSync(join(monorepo, 'crates/full/notes.txt'), 'utf8')).toBe('mine');
  });

  it('expands ~ and ~/x as the directory to the home folder, creating no "~" folder', async () => {
    const run = await pack(answers('~/px', 'px'));
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toContain(`files in ${join(home, 'px')}`);
    expect(readFileSync(join(home, 'px', 'Cargo.toml'), 'utf8')).toContain('name = "px"');
    expect(existsSync(join(monorepo, '~'))).toBe(false);
  });

  it('checks the directory and the crate name as they are answered, before any action', async () => {
    const name = await pack(answers('crates/bad', 'my crate'));
    expect(name.exitCode).toBe(1);
    expect(name.all).toMatch(/invalid crate name: "my crate" contains " "/);
    expect(name.all).not.toContain('files in');
    const directory = await pack(answers(' ', 'fine'));
    expect(directory.exitCode).toBe(1);
    expect(directory.all).toContain('the project directory cannot be empty');
    expect(existsSync(join(monorepo, 'crates/bad'))).toBe(false);
  });
});
