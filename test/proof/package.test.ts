/**
 * The published package as a user gets it: `npm pack`, then `npm install` of
 * the tarball into an empty folder. It must install alone, and its CLI, plop
 * pack and typed API must work from there.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import nodePlop from 'node-plop';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot, scratch } from '../support/cli.js';

const tmp = scratch('cf-package-');
afterAll(tmp.cleanup);
const project = join(tmp.dir, 'project');
let tarball = '';

beforeAll(async () => {
  tarball = inject('tarball');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  await execa('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project });
}, 180_000);

describe('the packed package', () => {
  it('installs exactly one package, with no dependencies declared', () => {
    const installed = readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['create-freestanding']);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'create-freestanding', 'package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
  });

  it('ships the licences of the code it bundles', async () => {
    const listing = await execa('tar', ['-tzf', tarball]);
    expect(listing.stdout.split('\n')).toContain('package/dist/THIRD-PARTY-NOTICES.md');
    const notices = readFileSync(join(project, 'node_modules', 'create-freestanding', 'dist', 'THIRD-PARTY-NOTICES.md'), 'utf8');
    for (const name of ['handlebars', '@inquirer/core', '@inquirer/input', '@inquirer/select', 'execa', 'smol-toml']) {
      expect(notices).toContain(`## ${name} `);
    }
    expect(notices).toContain('Copyright (C) 2011-2019 by Yehuda Katz');
    expect(notices).not.toMatch(/## (uglify-js|source-map|@inquirer\/editor|iconv-lite) /);
  });

  it('ships every file of this repository its README links to (docs/template-variables.md, docs/course-format.md)', async () => {
    const listing = (await execa('tar', ['-tzf', tarball])).stdout.split('\n');
    const readme = readFileSync(join(project, 'node_modules', 'create-freestanding', 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\((?!https?:|#)([^)#]+)\)/g)].map((match) => match[1]);
    expect(linked).toContain('docs/template-variables.md');
    expect(linked).toContain('docs/course-format.md');
    for (const path of linked) expect(listing, path).toContain(`package/${path}`);
  });

  it('is not committed by accident: the repository ignores packed tarballs', () => {
    expect(readFileSync(join(repoRoot, '.gitignore'), 'utf8').split('\n')).toContain('*.tgz');
  });

  it('runs its CLI from node_modules/.bin, with and without template overrides', async () => {
    const cli = join(project, 'node_modules', '.bin', 'create-freestanding');
    const plain = await execa(cli, ['hello', '-y', '-t', 'linux'], { cwd: project, reject: false });
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(readFileSync(join(project, 'hello', 'Cargo.toml'), 'utf8')).toContain('name = "hello"');

    mkdirSync(join(project, 'ours', 'project'), { recursive: true });
    writeFileSync(join(project, 'ours', 'project', 'README.md.hbs'), '# {{name}} from our templates\n');
    const overridden = await execa(cli, ['lesson', '-y', '-t', 'linux', '--templates', 'ours'], { cwd: project, reject: false });
    expect(overridden.exitCode, overridden.stderr).toBe(0);
    expect(readFileSync(join(project, 'lesson', 'README.md'), 'utf8')).toBe('# lesson from our templates\n');
    expect(readFileSync(join(project, 'lesson', 'src', 'main.rs'), 'utf8')).toContain('#![no_std]');

    const version = await execa(cli, ['--version'], { cwd: project });
    expect(version.stdout).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
  });

  it('loads as a plop pack from a plopfile there (plop.load)', async () => {
    writeFileSync(join(project, 'plopfile.js'), "export default async function (plop) {\n  await plop.load('create-freestanding');\n}\n");
    const plop = await nodePlop(join(project, 'plopfile.js'), { destBasePath: project, force: false });
    const result = await plop.getGenerator('freestanding').runActions({ directory: 'plopped', name: 'plopped', target: 'thumbv7em-none-eabihf', template: 'minimal', edition: '2024' });
    expect(result.failures).toEqual([]);
    expect(readFileSync(join(project, 'plopped', '.cargo', 'config.toml'), 'utf8')).toContain('target = "thumbv7em-none-eabihf"');
  });

  it('serves its typed API to import and to the TypeScript checker', async () => {
    writeFileSync(join(project, 'api.mjs'), [
      "import { generate, catalogue, scaffold } from 'create-freestanding';",
      "const files = generate({ directory: 'api', name: 'api', target: 'riscv64gc-unknown-none-elf', template: 'minimal' });",
      'console.log(JSON.stringify({ targets: catalogue.length, scaffold: typeof scaffold, paths: files.map((file) => file.path) }));',
    ].join('\n'));
    const run = await execa('node', ['api.mjs'], { cwd: project });
    const output = JSON.parse(run.stdout) as { targets: number; scaffold: string; paths: string[] };
    expect(output.targets).toBeGreaterThan(10);
    expect(output.scaffold).toBe('function');
    expect(output.paths).toContain('src/main.rs');
    expect(existsSync(join(project, 'api'))).toBe(false); // generate writes nothing

    writeFileSync(join(project, 'check.ts'), [
      "import { generate, type GeneratedFile } from 'create-freestanding';",
      "const files: GeneratedFile[] = generate({ directory: 'typed', target: 'linux' });",
      'export const paths: string[] = files.map((file) => file.path);',
      '// @ts-expect-error: a target is a string, not a number',
      "generate({ directory: 'typed', target: 42 });",
    ].join('\n'));
    // No skipLibCheck: the declarations name no package this one does not install (test/consumers.test.ts checks every resolution).
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: [] },
      files: ['check.ts'],
    }));
    const tsc = await execa(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, reject: false });
    expect(tsc.exitCode, tsc.stdout).toBe(0);
  });
});
