/**
 * Every launcher a user may type, installed from the npm registry into this
 * test's own folder, fetching create-freestanding from a one-package registry
 * on 127.0.0.1 that serves the packed tarball (test/support/registry.ts).
 *
 * What each passes on (measured with a probe package that printed its argv and environment):
 * npm create/init/exec keep every flag before "--" (values go on as words,
 * the flags as npm_config_* variables) and drop the "--"; npx, pnpm, yarn 4
 * and bunx pass every word, a "--" included; yarn 1 passes every word but the
 * "--"; bun create passes long flags and "--", and refuses short ones itself.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot, scratch } from '../support/cli.js';
import { serveTarball, type LocalRegistry } from '../support/registry.js';
import { inCi } from '../support/tools.js';

const work = scratch('cf-launchers-');
afterAll(work.cleanup);
const home = join(work.dir, 'home');
const tools = join(work.dir, 'tools');

/** Versions pinned so that a new release cannot change what is measured; each runs on Node 20 (engines checked). */
const installs = [
  { folder: 'main', packages: ['pnpm@12.23.0', '@yarnpkg/cli-dist@4.18.1', 'bun@1.4.5'] },
  { folder: 'pnpm10', packages: ['pnpm@10.34.9'] },
  { folder: 'yarn1', packages: ['yarn@1.22.22'] }, // its bin is named yarn, as yarn 4's is
];
const bin = {
  npm: 'npm',
  npx: 'npx',
  pnpm: join(tools, 'main', 'node_modules', '.bin', 'pnpm'),
  pnpm10: join(tools, 'pnpm10', 'node_modules', '.bin', 'pnpm'),
  yarn1: join(tools, 'yarn1', 'node_modules', '.bin', 'yarn'),
  yarn4: join(tools, 'main', 'node_modules', '.bin', 'yarn'),
  bun: join(tools, 'main', 'node_modules', '.bin', 'bun'),
  bunx: join(tools, 'main', 'node_modules', '.bin', 'bunx'),
} as const;
type Launcher = keyof typeof bin;

let registry: LocalRegistry | undefined;
let missing: string | undefined;

/** Nothing from the test runner's own npm (npm_command, npm_config_*) leaks into a launcher. */
function launcherEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH!,
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'), XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    // The real HOME's rustup, for --verify.
    CARGO_HOME: process.env.CARGO_HOME ?? join(homedir(), '.cargo'),
    RUSTUP_HOME: process.env.RUSTUP_HOME ?? join(homedir(), '.rustup'),
    npm_config_registry: `${registry!.url}/`,
    npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false',
    YARN_NPM_REGISTRY_SERVER: registry!.url, YARN_UNSAFE_HTTP_WHITELIST: '127.0.0.1', YARN_ENABLE_TELEMETRY: '0',
    BUN_CONFIG_REGISTRY: `${registry!.url}/`,
    TERM: 'dumb',
  };
}

function launch(launcher: Launcher, args: string[], cwd: string) {
  return execa(bin[launcher], args, { cwd, env: launcherEnv(), extendEnv: false, reject: false, stdin: 'ignore', timeout: 180_000, all: true });
}

beforeAll(async () => {
  const tarball = inject('tarball');
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; bin: unknown };
  registry = await serveTarball(tarball, { name: manifest.name, version: manifest.version, bin: manifest.bin });
  mkdirSync(home, { recursive: true });
  // pnpm 12 reads the registry from an .npmrc only, not from npm_config_registry.
  writeFileSync(join(home, '.npmrc'), `registry=${registry.url}/\n`);
  for (const { folder, packages } of installs) {
    const prefix = join(tools, folder);
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
    // From the public registry (the only one reached); bun's install script puts its platform binary (an optional dependency) in place.
    const install = await execa('npm', ['install', '--no-audit', '--no-fund', ...packages], { cwd: prefix, reject: false, all: true });
    if (install.exitCode !== 0) missing = `npm install ${packages.join(' ')} failed: ${String(install.all).split('\n').slice(-3).join(' | ')}`;
  }
  // An npm that holds back install scripts leaves bun's placeholder: its own script links the platform binary.
  if (missing === undefined && (await execa(bin.bun, ['--version'], { reject: false })).exitCode !== 0) {
    await execa('node', ['install.js'], { cwd: join(tools, 'main', 'node_modules', 'bun'), reject: false });
    const version = await execa(bin.bun, ['--version'], { reject: false, all: true });
    if (version.exitCode !== 0) missing = `bun does not run here: ${String(version.all).split('\n')[0]}`;
  }
}, 600_000);
afterAll(() => registry?.close());

/** Skips (not CI) or fails (CI) when the launchers could not be installed. */
function needLaunchers(skip: (note?: string) => void): boolean {
  if (missing === undefined) return true;
  if (inCi) throw new Error(`CI=true and the launchers are missing: ${missing}`);
  console.warn(`SKIPPED (not CI): ${missing}`);
  skip(missing);
  return false;
}

function freshDir(): string {
  return mkdtempSync(join(work.dir, 'run-'));
}

/** The tool's own lines (a launcher prints its own around them). */
const ours = (output: unknown) => String(output).split('\n').filter((line) => line.startsWith('create-freestanding:'));

/** The README's Usage block, line by line as a user would type it. */
function readmeLauncherLines(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'));
  const block = usage.slice(usage.indexOf('```sh') + 5, usage.indexOf('```', usage.indexOf('```sh') + 5));
  return block.split('\n').map((line) => line.replace(/#.*$/, '').trim()).filter(Boolean);
}

const everyFlag = ['-t', 'linux', '--template', 'minimal', '--edition', '2021', '--name', 'kernel', '--link-args', 'cargo-config',
  '--templates', 'overlay', '-y', '-f', '--dry-run', '--json'];
const everyFlagLong = ['--target', 'linux', '--template', 'minimal', '--edition', '2021', '--name', 'kernel', '--link-args', 'cargo-config',
  '--templates', 'overlay', '--yes', '--force', '--dry-run', '--json'];

/** A folder the run must not touch (--force lets it in; --dry-run keeps it as it is), and the overlay the flags name. */
function everyFlagFolder(): { cwd: string; target: string } {
  const cwd = freshDir();
  const target = join(cwd, 'full');
  mkdirSync(target);
  writeFileSync(join(target, 'notes.txt'), 'mine');
  mkdirSync(join(cwd, 'overlay'));
  writeFileSync(join(cwd, 'overlay', 'EXTRA.md'), 'from the overlay\n');
  return { cwd, target };
}

function expectEveryFlagArrived(result: { exitCode?: number; stdout: unknown; all?: unknown }, target: string) {
  expect(result.exitCode, String(result.all)).toBe(0);
  const json = String(result.stdout);
  const plan = JSON.parse(json.slice(json.indexOf('{'), json.lastIndexOf('}') + 1)) as Record<string, any>;
  expect(plan).toMatchObject({ dryRun: true, name: 'kernel', target: 'linux', template: 'minimal', edition: '2021', linkArgs: 'cargo-config' });
  expect(plan.files.map((file: { path: string }) => file.path)).toContain('EXTRA.md');
  expect(readdirSync(target)).toEqual(['notes.txt']);
}

/** Each launcher's create command, as in the README. */
const createWith: Record<Exclude<Launcher, 'npm'>, string[]> = {
  npx: ['create-freestanding'],
  pnpm: ['create', 'freestanding'],
  pnpm10: ['create', 'freestanding'],
  yarn1: ['create', 'freestanding'],
  yarn4: ['create', 'freestanding'],
  bun: ['create', 'freestanding'],
  bunx: ['create-freestanding'],
};
const passEverything = ['npx', 'pnpm', 'pnpm10', 'yarn1', 'yarn4', 'bunx'] as const;

describe('every README launcher line, as written', () => {
  it('the README lists each launcher, and each line runs', async ({ skip }) => {
    if (!needLaunchers(skip)) return;
    const lines = readmeLauncherLines();
    expect(lines.map((line) => line.split(' ')[0]).sort()).toEqual(expect.arrayContaining(['bun', 'npm', 'npx', 'pnpm', 'yarn']));
    for (const line of lines) {
      // "[--json]" is the README's way of saying optional: run both.
      const forms = line.includes('[--json]') ? [line.replace(' [--json]', ''), line.replace('[--json]', '--json')] : [line];
      for (const form of forms) {
        const [tool, ...args] = form.split(/\s+/);
        const launchers: Launcher[] = tool === 'yarn' ? ['yarn1', 'yarn4'] : tool === 'pnpm' ? ['pnpm', 'pnpm10'] : [tool as Launcher];
        for (const launcher of launchers) {
          const cwd = freshDir();
          const result = await launch(launcher, args, cwd);
          const shown = `${launcher}: ${form}\n${String(result.all)}`;
          const asks = !args.includes('-y') && !args.includes('--yes') && !args.includes('--list-targets') && !args.includes('doctor');
          // doctor exits 1 when this machine lacks what the target needs; it ran all the same.
          if (!args.includes('doctor')) expect(result.exitCode, shown).toBe(asks ? 1 : 0);
          if (args.includes('--list-targets')) {
            expect(String(result.stdout), shown).toContain('thumbv7em-none-eabihf');
            if (form.includes('--json')) expect(String(result.stdout), shown).toMatch(/^\[/m);
          } else if (args.includes('doctor')) {
            expect(String(result.all), shown).toContain('riscv64gc-unknown-none-elf');
          } else if (!args.includes('-y') && !args.includes('--yes')) {
            // "asks for what is missing": without a terminal it names the flags instead, and writes nothing.
            expect(ours(result.all), shown).toEqual([expect.stringMatching(/^create-freestanding: missing --target, --template and no terminal/)]);
            expect(readdirSync(cwd), shown).toEqual([]);
          } else {
            // The README's lines name their project my-<something>, and its target or board.
            const directory = args.find((word) => word.startsWith('my-'))!;
            const flag = ['-t', '--target', '--board'].find((name) => args.includes(name))!;
            const wanted = args[args.indexOf(flag) + 1];
            expect(readFileSync(join(cwd, directory, 'Cargo.toml'), 'utf8'), shown).toContain(`name = "${directory}"`);
            expect(String(result.stdout), shown).toContain(`Created ${directory} in ${directory}: ${wanted}`);
          }
        }
      }
    }
    // Each fetched the package from the tarball served here, not from elsewhere.
    expect(registry!.requests.filter((path) => path.endsWith('.tgz')).length).toBeGreaterThanOrEqual(5);
  });
});

describe('every flag through every launcher', () => {
  it.for(passEverything)('%s passes every flag, and a literal "--" before them', async (launcher, { skip }) => {
    if (!needLaunchers(skip)) return;
    const { cwd, target } = everyFlagFolder();
    expectEveryFlagArrived(await launch(launcher, [...createWith[launcher], 'full', ...everyFlag], cwd), target);
    const dashed = freshDir();
    const result = await launch(launcher, [...createWith[launcher], 'p1', '--', '-t', 'linux', '-y'], dashed);
    expect(result.exitCode, String(result.all)).toBe(0);
    expect(String(result.stdout)).toContain('Created p1 in p1: linux, hello');
    expect(readFileSync(join(dashed, 'p1', 'Cargo.toml'), 'utf8')).toContain('name = "p1"');
  });

  it.for(passEverything)('%s passes --verify and --list-targets', async (launcher, { skip }) => {
    if (!needLaunchers(skip)) return;
    const cwd = freshDir();
    const verify = await launch(launcher, [...createWith[launcher], 'v', '-t', 'linux', '--template', 'minimal', '-y', '--verify'], cwd);
    // Built with this machine's cargo, or "verify failed: missing cargo …": either way --verify arrived.
    expect(String(verify.all)).toMatch(/^(verified: v builds for linux|verify failed: )/m);
    const list = await launch(launcher, [...createWith[launcher], '--list-targets', '--json'], cwd);
    expect(list.exitCode, String(list.all)).toBe(0);
    expect(String(list.stdout)).toContain('"id": "thumbv7em-none-eabihf"');
  });

  it('bun create passes every long flag and a literal "--"; its short flags are refused by bun itself, before anything runs', async ({ skip }) => {
    if (!needLaunchers(skip)) return;
    const { cwd, target } = everyFlagFolder();
    expectEveryFlagArrived(await launch('bun', ['create', 'freestanding', 'full', ...everyFlagLong], cwd), target);
    const dashed = freshDir();
    const result = await launch('bun', ['create', 'freestanding', 'b1', '--', '-t', 'linux', '-y'], dashed);
    expect(result.exitCode, String(result.all)).toBe(0);
    expect(String(result.stdout)).toContain('Created b1 in b1: linux, hello');
    const short = freshDir();
    for (const flag of ['-t', '-y', '-f']) {
      const eaten = await launch('bun', ['create', 'freestanding', 'short', flag, 'linux'], short);
      expect(eaten.exitCode).not.toBe(0);
      expect(String(eaten.all)).toContain(`Invalid Argument '${flag}'`);
    }
    expect(readdirSync(short)).toEqual([]);
  });
});

describe('npm create, npm init and npm exec keep flags before "--"', () => {
  it.for([
    ['npm create', ['create', 'freestanding@latest']],
    ['npm init', ['init', 'freestanding@latest']],
  ] as const)('%s with every flag before "--" writes nothing and prints the "--" form that works', async ([, command], { skip }) => {
    if (!needLaunchers(skip)) return;
    const { cwd, target } = everyFlagFolder();
    // npm itself ends a --dry-run that would have to install: first put the package in npm's cache.
    expect((await launch('npm', [...command, '--', '--list-targets'], cwd)).exitCode).toBe(0);
    const result = await launch('npm', [...command, 'full', ...everyFlag], cwd);
    expect(result.exitCode).not.toBe(0);
    const lines = ours(result.all);
    expect(lines).toHaveLength(1);
    const form = /: (npm create freestanding@latest full -- .*)$/.exec(lines[0])?.[1];
    expect(form, lines[0]).toBeDefined();
    expect(readdirSync(target)).toEqual(['notes.txt']);
    // The form it prints works, as printed.
    const again = await launch('npm', form!.split(' ').slice(1), cwd);
    expectEveryFlagArrived(again, target);
  });
});
