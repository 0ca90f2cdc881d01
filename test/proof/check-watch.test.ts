/**
 * Issue 15.6, a student's loop, on a real terminal (util-linux `script`) with
 * real cargo: `check --watch` in an emitted step folder names the next steps
 * as the student saves them (an editor's save: a new file renamed over the
 * old), and Ctrl-C during a cargo build exits 130 with the terminal as it was
 * and nothing of the build left running (a build script that sleeps stands
 * for a long build); `check --manual` checks again on Enter and quits on q,
 * and reads lines from a pipe too.
 */
import { copyFileSync, readdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const work = scratch('cf-check-watch-');
afterAll(() => work.cleanup());
// This file's own state folder; and no CARGO_TARGET_DIR: each step builds into its own target/, whose churn the watch must ignore.
const { CARGO_TARGET_DIR: _shared, ...inherited } = process.env;
const env = { ...inherited, XDG_STATE_HOME: join(work.dir, 'state'), TERM: 'xterm', COLUMNS: '120' } as Record<string, string>;
const course = join(work.dir, 'course');
const step = (slug: string) => join(course, 'steps', slug);
const needs = () => missingTools([...toolchainNeeds.rustup, { command: 'script', args: ['--version'], install: 'apt-get install bsdutils' }]);

beforeAll(async () => {
  if (needs() !== undefined) return;
  const result = await runCli(['course', course, '--os', 'linux', '-y'], { env, extendEnv: false });
  expect(result.exitCode, result.stderr).toBe(0);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The CLI on a pty, as test/terminal.test.ts's onTerminal starts it (`script -qefc`), driven
 * step by step. The shell around it traps SIGINT (so Ctrl-C reaches the CLI, not the shell),
 * then prints the terminal's modes with `stty -a` and exits with the CLI's status.
 */
function onTerminal(args: string[], cwd: string) {
  const cli = ['node', cliPath, ...args].map((arg) => `'${arg}'`).join(' ');
  const child = execa('script', ['-qefc', `trap 'true' INT; ${cli}; status=$?; echo "stty: $(stty -a | tr '\\n' ' ')"; exit $status`, '/dev/null'], {
    cwd, reject: false, env, extendEnv: false,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString().replace(/\r/g, ''); });
  const text = () => output;
  return {
    child,
    text,
    type: (keys: string) => child.stdin!.write(keys),
    /** Waits until `ready` holds for the output so far, or fails showing it. */
    async until(what: string, ready: (output: string) => boolean, within = 180_000) {
      const end = Date.now() + within;
      while (!ready(output)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`waiting for ${what}; the terminal showed:\n${output}`);
        await sleep(50);
      }
    },
  };
}

/** The step numbers `check` named, in order. */
const stepsSeen = (output: string) => [...output.matchAll(/^step (\d+) of 11 \(/gm)].map((match) => Number(match[1]));
/** Each run's header: "run N: why". */
const runsSeen = (output: string) => [...output.matchAll(/^check --(?:watch|manual): \d\d:\d\d:\d\d, (run \d+: .*)$/gm)].map((match) => match[1]);
const waits = (output: string) => output.split('\n').filter((line) => /^check --(watch|manual): (waiting for a save|Enter checks again)/.test(line)).length;

/** Processes still alive (zombies aside: their parent is gone, init reaps them) whose folder is `dir` or below it. */
function runningIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z') found.push(`${pid} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Ends what a failed test left running in `dir` (only processes in our scratch folder, by pid). */
function endLeftovers(dir: string): void {
  for (const entry of runningIn(dir)) {
    try { process.kill(Number(entry.split(' ')[0]), 'SIGKILL'); } catch { /* gone */ }
  }
}

/** An editor's save: the new text written beside the file, then renamed over it. */
function saveByRename(from: string, to: string): void {
  writeFileSync(`${to}.tmp~`, readFileSync(from));
  renameSync(`${to}.tmp~`, to);
}

describe('check --watch on a terminal', () => {
  it('names each step as it is saved, and Ctrl-C during a build exits 130, terminal as it was, nothing left running', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const crate = step('01-std-hello');
    const session = onTerminal(['check', '--watch'], crate);
    try {
      await session.until('step 1', (out) => stepsSeen(out).length === 1 && waits(out) === 1);
      expect(stepsSeen(session.text())).toEqual([1]);

      // Step 2's files over step 1's: main.rs as an editor saves it, Cargo.toml in place.
      saveByRename(join(step('02-no-std'), 'src', 'main.rs'), join(crate, 'src', 'main.rs'));
      copyFileSync(join(step('02-no-std'), 'Cargo.toml'), join(crate, 'Cargo.toml'));
      await session.until('step 2', (out) => stepsSeen(out).length === 2 && waits(out) === 2);
      // A second save by rename (Node 20's recursive watch on Linux misses every one after the first).
      saveByRename(join(step('03-empty-main'), 'src', 'main.rs'), join(crate, 'src', 'main.rs'));
      await session.until('step 3', (out) => stepsSeen(out).length === 3 && waits(out) === 3);
      expect(stepsSeen(session.text())).toEqual([1, 2, 3]);
      // Cargo's own writes (target/, Cargo.lock) start no run of their own.
      await sleep(1500);
      expect(runsSeen(session.text())).toHaveLength(3);

      // A build that takes long: Ctrl-C while its build script runs.
      writeFileSync(join(crate, 'build.rs'), 'fn main() { std::thread::sleep(std::time::Duration::from_secs(300)); }\n');
      await session.until('the build script to run', () => runningIn(crate).some((entry) => entry.includes('build-script')));
      session.type('\u0003');
      const result = await session.child;
      const output = session.text();
      expect(result.exitCode, output).toBe(130);
      expect(runsSeen(output)).toEqual(['run 1: started in .', expect.stringMatching(/^run 2: (src\/main\.rs and Cargo\.toml|Cargo\.toml and src\/main\.rs) changed$/), 'run 3: src/main.rs changed', 'run 4: build.rs changed']);
      // The command's own words for a signal (cli/run.ts), after the terminal's echo of ^C.
      expect(output).toMatch(/^(\^C)?create-freestanding: interrupted; nothing was written$/m);
      expect(output).not.toMatch(/internal error|\n\s+at /);
      // The terminal's modes after the CLI: lines and echo, as a shell left them.
      const stty = output.match(/^stty: (.*)$/m)?.[1] ?? '';
      expect(stty).toMatch(/(^| )icanon( |$)/);
      expect(stty).toMatch(/(^| )echo( |$)/);
      // cargo, rustc and the build script end with the CLI (their process group is stopped on exit).
      const end = Date.now() + 10_000;
      while (runningIn(crate).length > 0 && Date.now() < end) await sleep(100);
      expect(runningIn(crate)).toEqual([]);
    } finally {
      session.child.kill('SIGKILL');
      endLeftovers(crate);
    }
  });

  it('SIGINT to the CLI alone (no terminal signals the whole group): 130, and cargo and its build script end with it', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const crate = step('06-no-main');
    writeFileSync(join(crate, 'build.rs'), 'fn main() { std::thread::sleep(std::time::Duration::from_secs(300)); }\n');
    const child = execa('node', [cliPath, 'check', '--watch'], { cwd: crate, env, extendEnv: false, reject: false, stdin: 'ignore' });
    try {
      const end = Date.now() + 180_000;
      while (!runningIn(crate).some((entry) => entry.includes('build-script')) && Date.now() < end) await sleep(100);
      expect(runningIn(crate).some((entry) => entry.includes('build-script')), 'the build script runs').toBe(true);
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode, result.stderr).toBe(130);
      expect(result.stderr.trim().split('\n').at(-1)).toBe('create-freestanding: interrupted; nothing was written');
      const gone = Date.now() + 10_000;
      while (runningIn(crate).length > 0 && Date.now() < gone) await sleep(100);
      expect(runningIn(crate)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      endLeftovers(crate);
    }
  });
});

describe('check --manual', () => {
  it('on a terminal: a save alone starts nothing, Enter checks again, q quits with 0', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const crate = step('04-panic-handler');
    const session = onTerminal(['check', '--manual'], crate);
    try {
      await session.until('step 4', (out) => stepsSeen(out).length === 1 && waits(out) === 1);
      copyFileSync(join(step('05-panic-abort'), 'Cargo.toml'), join(crate, 'Cargo.toml'));
      await sleep(1500);
      expect(runsSeen(session.text())).toHaveLength(1);
      session.type('\r');
      await session.until('step 5', (out) => stepsSeen(out).length === 2 && waits(out) === 2);
      session.type('q\r');
      const result = await session.child;
      const output = session.text();
      expect(result.exitCode, output).toBe(0);
      expect(stepsSeen(output)).toEqual([4, 5]);
      expect(runsSeen(output)).toEqual(['run 1: started in .', 'run 2: Enter']);
      expect(output).not.toContain('interrupted');
      expect(runningIn(crate)).toEqual([]);
    } finally {
      session.child.kill('SIGKILL');
      endLeftovers(crate);
    }
  });

  it('without a terminal: each line of its input checks again, and its end quits with 0', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const crate = step('05-panic-abort');
    const result = await execa('node', [cliPath, 'check', '--manual'], { cwd: crate, input: '\n', env, extendEnv: false, reject: false, timeout: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(stepsSeen(result.stdout)).toEqual([5, 5]);
    expect(runsSeen(result.stdout)).toEqual(['run 1: started in .', 'run 2: Enter']);
  });
});
