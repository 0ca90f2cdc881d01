/**
 * Issue 15.4: the course is written by the create command's write path (io/write.ts): the same
 * destination checks (`.git` alone counts as empty, no write through a link), the same lock,
 * journal and staging, so a killed run's staging is swept by the next run of either command.
 * Spawns the built CLI with real git; no cargo.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratch } from './support/cli.js';
import { missingTools, requireTools } from './support/tools.js';
import { snapshot } from './support/snapshot.js';

const work = scratch('cf-course-write-');
chmodSync(work.dir, 0o755);
afterAll(() => work.cleanup());
/** This file's private state folder (journals, stamps), shared by its runs. */
const stateHome = join(work.dir, 'state');
const env = { XDG_STATE_HOME: stateHome };
const stateFolder = join(stateHome, 'create-freestanding');
let count = 0;
const fresh = (name = 'case') => {
  const dir = join(work.dir, `${name}-${(count += 1)}`);
  mkdirSync(dir, { mode: 0o755 });
  return dir;
};
const git = () => missingTools([{ command: 'git', args: ['--version'], install: 'apt-get install git' }]);
const course = (args: string[]) => runCli(['course', ...args, '--yes'], { env });

function expectOneLine(result: { exitCode?: number; stderr: unknown }, pattern: RegExp) {
  const stderr = String(result.stderr);
  expect(result.exitCode, stderr).toBe(1);
  expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
  expect(stderr).toMatch(/^create-freestanding: /);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr).toMatch(pattern);
}

const ours = (dir: string) => readdirSync(dir).filter((name) => name.includes('create-freestanding'));
const journals = () => (existsSync(stateFolder) ? readdirSync(stateFolder) : []).filter((name) => name.endsWith('.journal'));

/** A journal of a dead run, in this file's private folder. */
function killedRun(journal: Record<string, unknown> & { id: string }): void {
  mkdirSync(stateFolder, { recursive: true, mode: 0o700 });
  chmodSync(stateHome, 0o700);
  writeFileSync(join(stateFolder, `${journal.id}.journal`), JSON.stringify({ createdFolders: [], replaced: [], locks: [], ...journal }));
}

describe('the course meets the destination checks of the create command', () => {
  it('a directory holding only .git counts as empty (folders); its .git is kept', async () => {
    const dir = fresh();
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const result = await course([dir]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(dir, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(readdirSync(dir).sort()).toEqual(['.git', 'README.md', 'steps']);
  });

  it('an existing repository is never merged into, with or without --force: one message both ways', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    const dir = fresh();
    const first = await course([join(dir, 'c'), '--emit', 'git']);
    expect(first.exitCode, first.stderr).toBe(0);
    const before = snapshot(dir);
    const again = await course([join(dir, 'c'), '--emit', 'git']);
    const forced = await course([join(dir, 'c'), '--emit', 'git', '--force']);
    expectOneLine(again, /already has a git repository \(\.git\); a repository is written only where there is none: choose another directory/);
    expect(String(forced.stderr)).toBe(String(again.stderr));
    expect(snapshot(dir)).toEqual(before);
    // both: repo/ is the repository's folder, refused the same way.
    const both = await course([join(dir, 'b'), '--emit', 'both']);
    expect(both.exitCode, both.stderr).toBe(0);
    expectOneLine(await course([join(dir, 'b'), '--emit', 'both', '--force']), /already has a git repository \(repo\/\)/);
  });

  it('a .git that is a link, in git mode, is refused and its target untouched', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    const dir = fresh();
    const victim = join(dir, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'HEAD'), 'theirs\n');
    mkdirSync(join(dir, 'c'));
    symlinkSync(victim, join(dir, 'c', '.git'));
    const before = snapshot(dir);
    expectOneLine(await course([join(dir, 'c'), '--emit', 'git', '--force']), /already has a git repository/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('--force in a folder whose step README is a link: refused, the victim unchanged, nothing staged', async () => {
    const dir = fresh();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'mine\n');
    mkdirSync(join(dir, 'c', 'steps', '02-no-std'), { recursive: true });
    symlinkSync(victim, join(dir, 'c', 'steps', '02-no-std', 'README.md'));
    expectOneLine(await course([join(dir, 'c'), '--force']), /README\.md is a symbolic link; generated files are never written through links/);
    expect(readFileSync(victim, 'utf8')).toBe('mine\n');
    expect(ours(dir)).toEqual([]);
    expect(ours(join(dir, 'c'))).toEqual([]);
  });

  it('a dry run refuses exactly what the run refuses', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const dry = await course([dir, '--dry-run']);
    const real = await course([dir]);
    expectOneLine(real, /is not empty/);
    expect(String(dry.stderr)).toBe(String(real.stderr));
  });
});

describe('a killed run of either command is recovered by the next course run', () => {
  it('staging whose journal says it died before the commit is removed; look-alikes stay', async () => {
    const parent = fresh();
    const dead = 2 ** 22 + 11;
    const id = `${dead}-deadbee1`;
    mkdirSync(join(parent, `.create-freestanding-${id}`));
    writeFileSync(join(parent, `.create-freestanding-${id}`, 'README.md'), 'half');
    killedRun({ id, phase: 'staging', mode: 'new', destination: join(parent, 'killed'), staging: join(parent, `.create-freestanding-${id}`), files: ['README.md'] });
    mkdirSync(join(parent, `.create-freestanding-${dead}-0badf00d`)); // our pattern, named by no journal of ours
    mkdirSync(join(parent, `.create-freestanding-course-${dead}-0badf00d`)); // the old course staging name: someone else's now
    const result = await course([join(parent, 'course')]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(ours(parent).sort()).toEqual([`.create-freestanding-${dead}-0badf00d`, `.create-freestanding-course-${dead}-0badf00d`]);
    expect(journals()).toEqual([]);
  });

  it('a commit whose journal was written before the kill is completed', async () => {
    const parent = fresh();
    const dead = 2 ** 22 + 13;
    const id = `${dead}-feedf00e`;
    const staging = join(parent, `.create-freestanding-${id}`);
    mkdirSync(join(staging, 'steps'), { recursive: true });
    writeFileSync(join(staging, 'README.md'), '# done\n');
    killedRun({ id, phase: 'commit', mode: 'new', destination: join(parent, 'done'), staging, files: ['README.md'] });
    const result = await course([join(parent, 'other')]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(parent, 'done', 'README.md'), 'utf8')).toBe('# done\n');
    expect(ours(parent)).toEqual([]);
    expect(journals()).toEqual([]);
  });

  it('a git build a killed run left in the private folder is removed; a live one\'s stays', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    mkdirSync(stateFolder, { recursive: true, mode: 0o700 });
    const deadBuild = join(stateFolder, `course-git-${2 ** 22 + 17}-0000beef`);
    const liveBuild = join(stateFolder, `course-git-${process.pid}-0000beef`);
    mkdirSync(join(deadBuild, 'repo'), { recursive: true });
    mkdirSync(liveBuild);
    const result = await course([join(fresh(), 'c'), '--emit', 'git']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(deadBuild)).toBe(false);
    expect(existsSync(liveBuild)).toBe(true);
  });
});

describe('course and create take one lock', () => {
  it('of a course run and a create run on one destination, exactly one writes it (8 pairs)', async () => {
    const base = fresh('pairs');
    // What the create run alone writes, its top-level names: the reference for "it wrote it all".
    const reference = join(base, 'reference');
    expect((await runCli([reference, '-y', '-t', 'linux', '--name', 'demo'], { env })).exitCode).toBe(0);
    const created = readdirSync(reference).sort();
    for (let pair = 0; pair < 8; pair++) {
      const dest = join(base, `dest-${pair}`);
      const results = await Promise.all([course([dest]), runCli([dest, '-y', '-t', 'linux', '--name', 'demo'], { env })]);
      const ok = results.filter((result) => result.exitCode === 0);
      expect(ok, results.map((result) => result.stderr).join(' | ')).toHaveLength(1);
      for (const result of results.filter((r) => r.exitCode !== 0)) expectOneLine(result, /another create-freestanding|not empty/);
      const names = readdirSync(dest).sort();
      expect([['README.md', 'steps'], created]).toContainEqual(names);
    }
    expect(ours(base)).toEqual([]);
  }, 120_000);

  it('a SIGKILL while the course is written in place leaves a journal the next run finishes or undoes', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    const dir = fresh();
    const dest = join(dir, 'c');
    mkdirSync(dest);
    writeFileSync(join(dest, 'notes.txt'), 'mine\n');
    const child = execa('node', [join(import.meta.dirname, '..', 'bin', 'create-freestanding.cjs'), 'course', dest, '--emit', 'both', '--force', '--yes'], { reject: false, stdin: 'ignore', env });
    // Killed at the first staging folder of the write path inside the destination.
    const until = Date.now() + 20_000;
    while (Date.now() < until && !ours(dest).some((name) => /^\.create-freestanding-\d+-[0-9a-f]{8}$/.test(name)) && child.exitCode === null) await new Promise((done) => setTimeout(done, 1));
    child.kill('SIGKILL');
    await child;
    // Killed before the commit point: the next run undoes it and writes; after it: finishes it, and then finds repo/.
    const again = await course([dest, '--emit', 'both', '--force']);
    if (again.exitCode !== 0) expectOneLine(again, /already has a git repository \(repo\/\)/);
    expect(ours(dest)).toEqual([]);
    expect(journals()).toEqual([]);
    expect(readFileSync(join(dest, 'notes.txt'), 'utf8')).toBe('mine\n');
    const log = await execa('git', ['tag', '--list'], { cwd: join(dest, 'repo') });
    expect(String(log.stdout).split('\n')).toHaveLength(11);
  });
});

describe('course --templates', () => {
  it('adds new paths to every step (NOTES.md, files/NOTES.md, src/extra.rs.hbs rendered), replaces same paths', async () => {
    const dir = fresh();
    const overlay = join(dir, 'overlay');
    mkdirSync(join(overlay, 'files'), { recursive: true });
    mkdirSync(join(overlay, 'src'));
    writeFileSync(join(overlay, 'NOTES.md'), 'my notes\n');
    writeFileSync(join(overlay, 'files', 'NOTES.md'), 'more notes\n');
    writeFileSync(join(overlay, 'src', 'extra.rs.hbs'), '// step {{step.number}} of {{name}}\n');
    writeFileSync(join(overlay, 'files', 'main.std.rs'), 'fn main() { println!("mine"); }\n');
    const result = await course([join(dir, 'c'), '--templates', overlay, '--name', 'demo']);
    expect(result.exitCode, result.stderr).toBe(0);
    const steps = readdirSync(join(dir, 'c', 'steps')).sort();
    expect(steps).toHaveLength(11);
    for (const [index, slug] of steps.entries()) {
      const step = join(dir, 'c', 'steps', slug);
      expect(readFileSync(join(step, 'NOTES.md'), 'utf8'), slug).toBe('my notes\n');
      expect(readFileSync(join(step, 'files', 'NOTES.md'), 'utf8'), slug).toBe('more notes\n');
      expect(readFileSync(join(step, 'src', 'extra.rs'), 'utf8'), slug).toBe(`// step ${index + 1} of demo\n`);
    }
    expect(readFileSync(join(dir, 'c', 'steps', '01-std-hello', 'src', 'main.rs'), 'utf8')).toBe('fn main() { println!("mine"); }\n');
    // A link among the new paths is refused in one line, nothing written.
    symlinkSync('/etc/passwd', join(overlay, 'passwd'));
    expectOneLine(await course([join(dir, 'd'), '--templates', overlay]), /passwd is a symbolic link; templates are read without following links/);
    expect(existsSync(join(dir, 'd'))).toBe(false);
  });
});
