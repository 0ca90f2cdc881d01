/**
 * The library API (`generate`, `scaffold`, `catalogue`) and author templates
 * (`--templates`, plop's `templates`, the API's `templates`), through the real
 * front ends where there is one.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodePlop from 'node-plop';
import { afterAll, describe, expect, it } from 'vitest';
import { AnswerError, catalogue, DestinationNotEmptyError, generate, scaffold, targetIds } from '../generators/index.js';
import { variablesDocument } from '../generators/core/variables.js';
import { repoRoot, runCli, scratch } from './support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from './support/tools.js';

const tmp = scratch('cf-api-');
afterAll(tmp.cleanup);
let counter = 0;
const fresh = () => join(tmp.dir, `p${(counter += 1)}`);

describe('targetIds', () => {
  it('is the catalogue\'s ids, in its order (the literal types a typed consumer checks against)', () => {
    expect([...targetIds]).toEqual(catalogue.map((target) => target.id));
  });
});

describe('generate', () => {
  it('returns the files in memory, the same the CLI writes, and writes nothing', async () => {
    const directory = fresh();
    const files = generate({ directory, target: 'riscv64gc-unknown-none-elf', template: 'minimal' });
    expect(existsSync(directory)).toBe(false);
    expect(files.map((file) => file.path)).toContain('link.x');
    const cli = await runCli([directory, '-y', '-t', 'riscv64gc-unknown-none-elf', '--template', 'minimal']);
    expect(cli.exitCode, cli.stderr).toBe(0);
    for (const file of files) expect(readFileSync(join(directory, file.path), 'utf8'), file.path).toBe(file.contents);
  });

  it('reports a bad answer as the field at fault with a suggestion, naming no CLI flag', () => {
    let error: unknown;
    try {
      generate({ directory: join(tmp.dir, 'My OS') });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AnswerError);
    expect(error).toMatchObject({ field: 'name', suggestion: 'my-os' });
    expect((error as Error).message).not.toMatch(/--/);
    expect(() => generate({ directory: 'x', target: 'pdp11' as never /* an untyped caller's value */ })).toThrow(expect.objectContaining({ field: 'target' }));
  });

  it('names the near targets of a mistyped one, as the CLI does, and the default only when none is near', () => {
    expect(() => generate({ directory: 'x', target: 'lnux' as never })).toThrow(expect.objectContaining({
      field: 'target', suggestion: undefined, message: 'unknown target "lnux"; did you mean linux?',
    }));
    expect(() => generate({ directory: 'x', target: 'pdp11' as never })).toThrow(expect.objectContaining({
      field: 'target', suggestion: 'host', message: `unknown target "pdp11"; choose one of: ${catalogue.map((target) => target.id).join(', ')}`,
    }));
  });

  it('takes an edition as a number, and suggests the default edition for a bad one', () => {
    const manifest = generate({ directory: 'x', edition: 2021 }).find((file) => file.path === 'Cargo.toml')!;
    expect(String(manifest.contents)).toContain('edition = "2021"');
    expect(() => generate({ directory: 'x', edition: '2030' as never })).toThrow(expect.objectContaining({ field: 'edition', suggestion: '2024' }));
    expect(() => generate({ directory: 'x', template: 'hallo' as never })).toThrow(expect.objectContaining({ field: 'template', suggestion: 'hello' }));
  });

  it('exposes the catalogue', () => {
    expect(catalogue.map((target) => target.id)).toContain('thumbv7em-none-eabihf');
  });
});

describe('scaffold', () => {
  it('writes, and returns the files, next steps and destination', async () => {
    const directory = fresh();
    const result = await scaffold({ directory, target: 'linux' });
    expect(result.written).toBe(true);
    expect(result.directory).toBe(directory);
    expect(result.nextSteps).toEqual([`cd ${directory}`, 'cargo run --release', 'cargo test']);
    expect(readdirSync(join(directory, 'src')).sort()).toEqual(['lib.rs', 'main.rs', 'os.rs']);
  });

  it('refuses a non-empty directory without force, with a typed error, and writes nothing', async () => {
    const directory = fresh();
    mkdirSync(directory);
    writeFileSync(join(directory, 'notes.txt'), 'mine');
    await expect(scaffold({ directory, name: 'demo' })).rejects.toBeInstanceOf(DestinationNotEmptyError);
    expect(readdirSync(directory)).toEqual(['notes.txt']);
    const dry = await scaffold({ directory, name: 'demo' }, { force: true, dryRun: true });
    expect(dry.written).toBe(false);
    expect(readdirSync(directory)).toEqual(['notes.txt']);
  });
});

function authorTemplates(readme: string): string {
  const dir = fresh();
  mkdirSync(join(dir, 'project'), { recursive: true });
  writeFileSync(join(dir, 'project', 'README.md.hbs'), readme);
  writeFileSync(join(dir, 'EXERCISES.md.hbs'), '# Exercises for {{name}}\n\n1. Change `{{libName}}::GREETING` and run `{{commands.test}}`.\n');
  return dir;
}

describe('author templates', () => {
  it('replace a built-in file and add their own, through the CLI, and the result verifies', async ({ skip }) => {
    const templates = authorTemplates('# {{name}}, our course edition\n\nBuild with `{{commands.build}}`.\n');
    const directory = fresh();
    const args = [directory, '-y', '-t', 'linux', '--templates', templates];
    const rustup = missingTools(toolchainNeeds.rustup) === undefined;
    const result = await runCli(rustup ? [...args, '--verify'] : args);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(directory, 'README.md'), 'utf8')).toBe(`# ${directory.split('/').at(-1)}, our course edition\n\nBuild with \`cargo build --release\`.\n`);
    expect(readFileSync(join(directory, 'EXERCISES.md'), 'utf8')).toContain('run `cargo test`');
    expect(existsSync(join(directory, 'EXERCISES.md.hbs'))).toBe(false);
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^verified: .* builds and runs on linux: Hello, world!$/);
  });

  it('that use a missing variable stop the run in one line naming the file and the variable, writing nothing', async () => {
    const templates = authorTemplates('# {{nmae}}\n');
    const directory = fresh();
    const result = await runCli([directory, '-y', '--templates', templates]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(`create-freestanding: cannot render ${join(templates, 'project/README.md.hbs')}: variable "nmae" is not defined (line 1, column 4)`);
    expect(existsSync(directory)).toBe(false);
  });

  it('reach the plop pack through plop.load options', async () => {
    const monorepo = fresh();
    mkdirSync(join(monorepo, 'node_modules'), { recursive: true });
    const { symlinkSync } = await import('node:fs');
    symlinkSync(repoRoot, join(monorepo, 'node_modules', 'create-freestanding'), 'dir');
    const templates = authorTemplates('# {{name}} from the monorepo\n');
    writeFileSync(join(monorepo, 'plopfile.js'), `export default async function (plop) {\n  await plop.load('create-freestanding', { templates: ${JSON.stringify(templates)} });\n}\n`);
    writeFileSync(join(monorepo, 'package.json'), '{ "type": "module", "private": true }\n');
    const plop = await nodePlop(join(monorepo, 'plopfile.js'), { destBasePath: monorepo, force: false });
    const run = await plop.getGenerator('freestanding').runActions({ directory: 'kernel', name: 'kernel', target: 'linux', template: 'hello', edition: '2024' });
    expect(run.failures).toEqual([]);
    expect(readFileSync(join(monorepo, 'kernel', 'README.md'), 'utf8')).toBe('# kernel from the monorepo\n');
    expect(existsSync(join(monorepo, 'kernel', 'EXERCISES.md'))).toBe(true);
  });

  it('have their variables documented from the typed context (npm run docs:variables)', () => {
    expect(readFileSync(join(repoRoot, 'docs', 'template-variables.md'), 'utf8')).toBe(variablesDocument());
  });
});
