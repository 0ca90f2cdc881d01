/**
 * `npm create freestanding` and `npx create-freestanding` as users type them,
 * run by the real npm against the packed tarball (installed into a scratch
 * project, where `npm exec` finds the bin without asking a registry for it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const tmp = scratch('cf-npm-create-');
afterAll(tmp.cleanup);
const project = join(tmp.dir, 'project');

const npm = (args: string[]) => execa('npm', args, {
  cwd: project, reject: false, stdin: 'ignore', env: { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
});

beforeAll(async () => {
  const tarball = inject('tarball');
  await execa('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), '{ "name": "scratch", "private": true }\n');
  const install = await npm(['install', '--prefer-offline', tarball]);
  expect(install.exitCode, String(install.stderr)).toBe(0);
}, 300_000);

describe('npm create freestanding', () => {
  it('with the flags after "--" scaffolds a project that builds and runs', async ({ skip }) => {
    const result = await npm(['create', 'freestanding', 'my-os', '--', '-t', 'linux', '--template', 'hello', '--yes']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stdout).toContain('Created my-os in my-os: linux, hello, edition 2024');
    expect(readFileSync(join(project, 'my-os', 'Cargo.toml'), 'utf8')).toContain('name = "my-os"');
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const run = await execa('cargo', ['run', '--release', '--quiet'], { cwd: join(project, 'my-os'), reject: false, stripFinalNewline: false });
    expect(run.stdout, String(run.stderr)).toBe('Hello, world!\n');
  });

  it('says in one line how to pass flags npm kept for itself', async () => {
    const result = await npm(['create', 'freestanding', 'eaten', '-t', 'linux', '--template', 'hello']);
    expect(result.exitCode).not.toBe(0);
    const ours = String(result.stderr).split('\n').filter((line) => line.startsWith('create-freestanding:'));
    expect(ours).toEqual(['create-freestanding: npm kept -t, --template for itself and passed on only what follows "--"; put them after "--": npm create freestanding@latest eaten -- -t linux --template hello']);
    expect(existsSync(join(project, 'eaten'))).toBe(false);
  });

  // Each was written (or silently dropped) before: the flag never reached the tool, and nothing said so.
  it.each([
    ['a --dry-run before "--" (it wrote the project)', ['dry', '--dry-run', '--', '-t', 'linux', '-y'], 'dry', '--dry-run', 'npm create freestanding@latest dry -- --dry-run -t linux -y'],
    ['--name (the crate was named after the directory)', ['named', '--name', 'kernel', '--', '-t', 'linux', '-y'], 'named', '--name', 'npm create freestanding@latest named -- --name kernel -t linux -y'],
    ['--verify (dropped)', ['verified', '--verify', '--', '-y'], 'verified', '--verify', 'npm create freestanding@latest verified -- --verify -y'],
    ['--json (the result came as text)', ['json', '--json', '-t', 'linux', '--', '-y'], 'json', '-t, --json', 'npm create freestanding@latest json -- -t linux --json -y'],
    ['flags before the directory (the value was taken for the directory)', ['-t', 'linux', 'after', '--', '-y'], 'after', '-t', 'npm create freestanding@latest after -- -t linux -y'],
    ['--templates=<dir> (the overlay was left out)', ['laid', '--templates=./mine', '--', '-y'], 'laid', '--templates', 'npm create freestanding@latest laid -- --templates ./mine -y'],
  ])('refuses %s before writing anything, with the "--" form', async (_what, args, directory, flags, form) => {
    const result = await npm(['create', 'freestanding', ...args]);
    expect(result.exitCode).not.toBe(0);
    const ours = String(result.stderr).split('\n').filter((line) => line.startsWith('create-freestanding:'));
    expect(ours).toEqual([`create-freestanding: npm kept ${flags} for itself and passed on only what follows "--"; put ${flags.includes(',') ? 'them' : 'it'} after "--": ${form}`]);
    expect(existsSync(join(project, directory))).toBe(false);
  });

  it('refuses a --force npm kept, instead of asking for the --force that was typed', async () => {
    writeFileSync(join(project, 'README.keep'), 'mine');
    const result = await npm(['init', 'freestanding', '.', '--force', '--', '-t', 'linux', '-y', '--name', 'forced']);
    expect(String(result.stderr)).toContain('create-freestanding: npm kept --force for itself and passed on only what follows "--"; put it after "--": npm create freestanding@latest . -- --force -t linux -y --name forced');
    expect(String(result.stderr)).not.toContain('or pass --force');
    expect(existsSync(join(project, 'Cargo.toml'))).toBe(false);
  });

  it('npm exec keeps them too, and is told the npx form that passes every flag', async () => {
    const result = await npm(['exec', 'create-freestanding', 'exec-dry', '--dry-run', '-t', 'linux', '-y']);
    expect(result.exitCode).not.toBe(0);
    expect(String(result.stderr)).toContain('create-freestanding: npm kept -t, --dry-run, --yes for itself and passed on only what follows "--"; npx passes every flag: npx create-freestanding exec-dry -t linux --dry-run --yes');
    expect(existsSync(join(project, 'exec-dry'))).toBe(false);
  });

  it('says that npm took -y, and how to give it to us', async () => {
    const result = await npm(['create', 'freestanding', 'yes-eaten', '-y']);
    expect(result.exitCode).not.toBe(0);
    expect(String(result.stderr)).toContain('npm kept -y for itself; put it after "--": npm create freestanding@latest yes-eaten -- --yes');
    expect(existsSync(join(project, 'yes-eaten'))).toBe(false);
  });

  it('npx and npm create pass a literal "--" on, which is skipped', async () => {
    const npx = await npm(['exec', '--', 'create-freestanding', 'n1', '--', '-t', 'linux', '-y']);
    expect(npx.exitCode, String(npx.stderr)).toBe(0);
    expect(npx.stdout).toContain('Created n1 in n1: linux, hello');
    const twice = await npm(['create', 'freestanding', 'n2', '--', '--', '-t', 'linux', '-y']);
    expect(twice.exitCode, String(twice.stderr)).toBe(0);
    expect(twice.stdout).toContain('Created n2 in n2: linux, hello');
  });

  it('npx create-freestanding passes every flag through', async () => {
    const result = await npm(['exec', '--', 'create-freestanding', 'via-npx', '-y', '-t', 'thumbv7em-none-eabihf', '--template', 'minimal']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(readFileSync(join(project, 'via-npx', '.cargo', 'config.toml'), 'utf8')).toContain('target = "thumbv7em-none-eabihf"');
  });
});
