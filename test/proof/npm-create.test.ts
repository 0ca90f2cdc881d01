/**
 * `npm create freestanding` and `npx create-freestanding` as users type them,
 * run by the real npm against the packed tarball (installed into a scratch
 * project, where `npm exec` finds the bin without asking a registry for it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const tmp = scratch('cf-npm-create-');
afterAll(tmp.cleanup);
const project = join(tmp.dir, 'project');

const npm = (args: string[]) => execa('npm', args, {
  cwd: project, reject: false, stdin: 'ignore', env: { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
});

beforeAll(async () => {
  const pack = await execa('npm', ['pack', '--pack-destination', tmp.dir, '--silent'], { cwd: repoRoot });
  const tarball = join(tmp.dir, String(pack.stdout).trim().split('\n').at(-1)!);
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
    expect(ours).toEqual(['create-freestanding: npm kept the flags for itself and passed on only their values; put them after "--": npm create freestanding@latest eaten -- -t linux --template hello']);
    expect(existsSync(join(project, 'eaten'))).toBe(false);
  });

  it('says that npm took -y, and how to give it to us', async () => {
    const result = await npm(['create', 'freestanding', 'yes-eaten', '-y']);
    expect(result.exitCode).not.toBe(0);
    expect(String(result.stderr)).toContain('npm kept -y for itself; put it after "--": npm create freestanding@latest yes-eaten -- --yes');
    expect(existsSync(join(project, 'yes-eaten'))).toBe(false);
  });

  it('npx create-freestanding passes every flag through', async () => {
    const result = await npm(['exec', '--', 'create-freestanding', 'via-npx', '-y', '-t', 'thumbv7em-none-eabihf', '--template', 'minimal']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(readFileSync(join(project, 'via-npx', '.cargo', 'config.toml'), 'utf8')).toContain('target = "thumbv7em-none-eabihf"');
  });
});
