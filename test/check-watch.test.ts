/**
 * Issue 15.6, without cargo: `check --watch`'s arguments on the built CLI, and
 * the loop of generators/course/watch.ts with a stand-in check (a timer), on
 * real folder watches: saves debounced into one run, cargo's and git's churn
 * ignored, a save during a run queued as exactly one more, repeated editor
 * saves by rename all seen, a watch that cannot start falling back to
 * Enter. test/proof/check-watch.test.ts runs the real thing on a terminal.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../generators/core/errors.js';
import { runCli, scratch } from './support/cli.js';

const printed: string[] = [];
vi.mock('../generators/io/output.js', () => ({
  print: (text: string) => printed.push(...text.split('\n')),
  printError: (text: string) => printed.push(...text.split('\n')),
}));
const { debounceMs, watchCrate } = await import('../generators/course/watch.js');

const work = scratch('cf-check-watch-');
afterAll(() => work.cleanup());
const env = { XDG_STATE_HOME: join(work.dir, 'state') };
let count = 0;

/** A crate-shaped folder: Cargo.toml, src/main.rs, target/ and .git/. */
function crate(): string {
  const dir = join(work.dir, `crate-${(count += 1)}`);
  for (const folder of ['src', 'target/debug', '.git']) mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "c"\n');
  writeFileSync(join(dir, 'src', 'main.rs'), 'fn main() {}\n');
  return dir;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const headers = () => printed.filter((line) => /^check --(watch|manual): \d\d:\d\d:\d\d, run \d+: /.test(line)).map((line) => line.replace(/^.*?, run /, 'run '));

/** Waits until `count` runs have finished (their results printed), or fails with what was printed. */
async function results(count: number, within = 10_000): Promise<void> {
  const end = Date.now() + within;
  while (printed.filter((line) => line.startsWith('result ')).length < count) {
    if (Date.now() > end) throw new Error(`expected ${count} results, printed:\n${printed.join('\n')}`);
    await sleep(20);
  }
}

/** A check that takes `ms` and says how many ran, never two at once. */
function slowCheck(ms: number) {
  let active = 0;
  let runs = 0;
  const check = async () => {
    active += 1;
    expect(active).toBe(1);
    runs += 1;
    await sleep(ms);
    active -= 1;
    return `result ${runs}`;
  };
  return { check, runs: () => runs };
}

beforeEach(() => { printed.length = 0; });

describe('check --watch and --manual: arguments', () => {
  it('refuses --watch or --manual with --json in one line naming the fix', async () => {
    for (const flag of ['--watch', '--manual']) {
      const result = await runCli(['check', flag, '--json'], { env, cwd: work.dir });
      expect(result.exitCode, result.stderr).toBe(1);
      // With --json a failure is the command's one JSON line on stdout (cli/run.ts).
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 1, error: `${flag} prints each check as text, not JSON: drop --json (or run check --json after each change)` });
      expect(result.stderr).toBe('');
    }
  });

  it('says what --watch and --manual do in the help', async () => {
    const result = await runCli(['check', '--help'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/--watch {2,}check again after each save in the crate/);
    expect(result.stdout).toMatch(/--manual {2,}the same loop without watching files/);
  });

  it('ends with the first check\'s one line when there is no crate to watch', async () => {
    const result = await runCli(['check', '--watch', join(work.dir, 'nowhere')], { env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^create-freestanding: no Cargo\.toml \(a regular file\) in .*nowhere; run check in your crate's folder or name it$/);
    expect(result.stderr).not.toContain('cannot watch');
  });
});

describe('the watch loop (a stand-in check, real folder watches)', () => {
  it('checks once, then once per save: debounced, target/, .git/, Cargo.lock and swap files ignored, rename-saves seen every time', async () => {
    const dir = crate();
    const input = new PassThrough();
    const { check, runs } = slowCheck(50);
    const done = watchCrate(dir, { manual: false, check, input, stop: () => {} });
    await results(1);
    // Two files of one save, within the debounce: one run naming both.
    writeFileSync(join(dir, 'src', 'main.rs'), '#![no_std]\n');
    writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "c"\n\n[profile.dev]\n');
    await results(2);
    expect(headers()[1]).toBe('run 2: src/main.rs and Cargo.toml changed');
    // Cargo's, git's and an editor's own files: no run.
    writeFileSync(join(dir, 'target', 'debug', 'out'), 'x');
    mkdirSync(join(dir, 'target0aB9zQ'));
    writeFileSync(join(dir, 'Cargo.lock'), '# cargo\n');
    writeFileSync(join(dir, '.git', 'index'), 'x');
    writeFileSync(join(dir, 'src', '.main.rs.swp'), 'x');
    await sleep(debounceMs * 4);
    expect(runs()).toBe(2);
    // An editor's save: a new file renamed over the old one, three times (Node 20's recursive watch on Linux sees the first only).
    for (let save = 1; save <= 3; save += 1) {
      writeFileSync(join(dir, 'src', 'main.rs.tmp~'), `// save ${save}\n`);
      renameSync(join(dir, 'src', 'main.rs.tmp~'), join(dir, 'src', 'main.rs'));
      await results(2 + save);
      expect(headers()[1 + save]).toBe(`run ${2 + save}: src/main.rs changed`);
    }
    // A folder made after the start is watched too.
    mkdirSync(join(dir, 'src', 'arch'));
    await results(6);
    writeFileSync(join(dir, 'src', 'arch', 'mod.rs'), '// new\n');
    await results(7);
    expect(headers().at(-1)).toBe('run 7: src/arch/mod.rs changed');
    input.write('q\n');
    expect(await done).toBe(0);
    expect(runs()).toBe(7);
  });

  it('never runs two checks at once: saves during a run queue exactly one more', async () => {
    const dir = crate();
    const input = new PassThrough();
    const { check, runs } = slowCheck(1500);
    const done = watchCrate(dir, { manual: false, check, input, stop: () => {} });
    await sleep(debounceMs * 2);
    // Three saves, each after the debounce, all while run 1 is still going.
    for (let save = 1; save <= 3; save += 1) {
      writeFileSync(join(dir, 'src', 'main.rs'), `// ${save}\n`);
      await sleep(debounceMs * 2);
    }
    await results(2, 15_000);
    await sleep(debounceMs * 3);
    expect(runs()).toBe(2);
    expect(headers()).toEqual(['run 1: started in ' + headers()[0].slice('run 1: started in '.length), 'run 2: src/main.rs changed']);
    input.write('q\n');
    expect(await done).toBe(0);
  });

  it('q during a run stops it (the stand-in for cargo) and does not print its result', async () => {
    const dir = crate();
    const input = new PassThrough();
    let stopped = 0;
    const { check } = slowCheck(800);
    const done = watchCrate(dir, { manual: true, check, input, stop: () => { stopped += 1; } });
    await sleep(100);
    input.write('q\n');
    expect(await done).toBe(0);
    expect(stopped).toBe(1);
    expect(printed.filter((line) => line.startsWith('result '))).toEqual([]);
  });

  it('falls back to Enter in one line when the watch cannot start (a full inotify table)', async () => {
    const dir = crate();
    const input = new PassThrough();
    const { check, runs } = slowCheck(20);
    const full = () => { throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }); };
    const done = watchCrate(dir, { manual: false, check, input, watch: full as never, stop: () => {} });
    expect(printed.filter((line) => line.includes('cannot watch'))).toEqual([
      `check --watch: cannot watch ${dir} for saves (the system's limit of watched folders is reached (Linux: sysctl fs.inotify.max_user_watches)); checking on Enter instead, as --manual does`,
    ]);
    await results(1);
    writeFileSync(join(dir, 'src', 'main.rs'), '// unseen\n');
    await sleep(debounceMs * 3);
    expect(runs()).toBe(1);
    input.write('\n');
    await results(2);
    expect(headers()[1]).toBe('run 2: Enter');
    input.write('q\n');
    expect(await done).toBe(0);
  });

  it('--manual: Enter re-runs, the end of its input ends it with 0 after the runs asked for; a later failure is printed and the loop goes on', async () => {
    const dir = crate();
    const input = new PassThrough();
    let runs = 0;
    const check = async () => {
      runs += 1;
      await sleep(30);
      if (runs === 2) throw new UsageError('no Cargo.toml here (a save in the middle of a rename)');
      return `result ${runs}`;
    };
    const done = watchCrate(dir, { manual: true, check, input, stop: () => {} });
    await results(1);
    input.write('\n');
    await sleep(300);
    expect(printed).toContain('create-freestanding: no Cargo.toml here (a save in the middle of a rename)');
    input.end('\n');
    expect(await done).toBe(0);
    expect(runs).toBe(3);
    expect(headers().map((line) => line.split(':')[0])).toEqual(['run 1', 'run 2', 'run 3']);
  });
});
