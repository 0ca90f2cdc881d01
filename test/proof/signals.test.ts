/**
 * Bench-like trials (fixed seed) of what interrupts a write: SIGKILL at random
 * moments and aimed at the write, SIGINT/SIGTERM without a terminal, and two
 * runs at once on one destination or one workspace root. Each trial checks
 * the disk: never half a project, no staging of ours after the next run,
 * never two winners, never a stack trace. Counts are printed for the record.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools } from '../support/tools.js';

const work = scratch('cf-signals-');
chmodSync(work.dir, 0o755); // the unprivileged runs below must reach their folders
afterAll(() => work.cleanup());
/** This file's private state folder: journals of the killed runs are looked for there. */
const stateHome = join(work.dir, 'state');
const env = { XDG_STATE_HOME: stateHome };
const journals = () => (readdirSafe(join(stateHome, 'create-freestanding')) ?? []).filter((name) => name.endsWith('.journal'));

/** mulberry32: the same trials on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every file under `dir` (relative path → contents), skipping `skip`. */
function tree(dir: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, prefix: string) => {
    for (const name of readdirSync(path)) {
      if (skip.includes(prefix + name)) continue;
      const full = join(path, name);
      if (readdirSafe(full)) walk(full, `${prefix}${name}/`);
      else out[prefix + name] = readFileSync(full, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}
const readdirSafe = (path: string) => {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
};
const ours = (dir: string) => (readdirSafe(dir) ?? []).filter((name) => name.startsWith('.create-freestanding-'));

const references = new Map<string, Record<string, string>>();
/** The root manifest of the workspace trials (and of their reference project). */
const workspaceRoot = '# the root\n[workspace]\nmembers = [\n    "tools", # kept\n]\n';
/** The complete project for a crate name, as a run that nobody interrupts writes it. */
/** The project a complete run writes; a workspace member has no profiles of its own, so it differs. */
async function reference(name: string, inWorkspace: boolean) {
  const key = `${name}${inWorkspace ? '-member' : ''}`;
  if (!references.has(key)) {
    const root = join(work.dir, `reference-${key}`);
    mkdirSync(root, { recursive: true });
    // A member's README names its root's path and profiles: made where the trials make theirs, under the same root.
    if (inWorkspace) writeFileSync(join(root, 'Cargo.toml'), workspaceRoot);
    const dir = inWorkspace ? join(root, 'crates', 'fw') : join(root, 'crate');
    const result = await runCli([dir, '-y', '-t', 'linux', '--name', name], { env });
    expect(result.exitCode, result.stderr).toBe(0);
    references.set(key, tree(dir));
  }
  return references.get(key)!;
}

const noStackTrace = (stderr: string) => {
  expect(stderr).not.toMatch(/internal error|\n\s+at |node:internal/);
  expect(stderr.trim().split('\n').length, stderr).toBeLessThanOrEqual(1);
};

type Mode = 'new' | 'force' | 'workspace';

/** A destination ready for a mode: where to write, what must survive, where staging may appear. */
function prepare(mode: Mode, index: number) {
  const base = join(work.dir, `${mode}-${index}`);
  mkdirSync(base);
  if (mode === 'workspace') {
    writeFileSync(join(base, 'Cargo.toml'), workspaceRoot);
    mkdirSync(join(base, 'crates'));
    return { dest: join(base, 'crates', 'fw'), watchDir: join(base, 'crates'), folders: [base, join(base, 'crates'), join(base, 'crates', 'fw')], root: join(base, 'Cargo.toml'), extra: {} as Record<string, string> };
  }
  if (mode === 'force') {
    const dest = join(base, 'proj');
    mkdirSync(dest);
    writeFileSync(join(dest, 'notes.txt'), 'mine\n');
    writeFileSync(join(dest, 'Cargo.toml'), '# old\n');
    writeFileSync(join(dest, 'README.md'), 'old readme\n');
    return { dest, watchDir: dest, folders: [base, dest], extra: { 'notes.txt': 'mine\n' } as Record<string, string> };
  }
  return { dest: join(base, 'proj'), watchDir: base, folders: [base, join(base, 'proj')], extra: {} as Record<string, string> };
}

/** What is on disk: nothing (or the old files), the complete project, or anything else (a failure). */
async function verdict(mode: Mode, dest: string, name: string, extra: Record<string, string>): Promise<'untouched' | 'complete' | 'partial'> {
  const want = await reference(name, mode === 'workspace');
  const have = existsSync(dest) ? tree(dest, ['.git']) : undefined;
  const ourNames = Object.keys(have ?? {}).filter((path) => path.split('/')[0].startsWith('.create-freestanding-'));
  const visible = Object.fromEntries(Object.entries(have ?? {}).filter(([path]) => !ourNames.includes(path) && !path.startsWith('.create-freestanding-')));
  if (mode === 'force') {
    if (JSON.stringify(visible) === JSON.stringify({ 'Cargo.toml': '# old\n', 'README.md': 'old readme\n', 'notes.txt': 'mine\n' })) return 'untouched';
  } else if (!have || Object.keys(visible).length === 0) return 'untouched';
  const complete = JSON.stringify(Object.entries({ ...want, ...extra }).sort()) === JSON.stringify(Object.entries(visible).sort());
  return complete ? 'complete' : 'partial';
}

const rootMembers = (manifest: string) => ((parse(readFileSync(manifest, 'utf8')) as { workspace: { members: string[] } }).workspace.members);

/** Syscalls slowed down (8 ms each) under strace for the aimed trials, so that a kill can land anywhere inside the write. */
const slowed = 'write,pwrite64,rename,renameat,renameat2,mkdir,mkdirat,link,linkat,unlink,unlinkat,rmdir';

/** The pid of the node process strace started. */
function tracedChild(stracePid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    return children.find((pid) => pid > 0);
  } catch {
    return undefined;
  }
}

/** Aimed trials kill inside the write: somewhere after its first name appears, or during the commit itself. */
type Aim = 'write' | 'commit' | false;

async function killTrial(mode: Mode, index: number, next: () => number, aimed: Aim) {
  const place = prepare(mode, index);
  const args = [cliPath, place.dest, '-y', '-t', 'linux', '--name', 'fw', ...(mode === 'force' ? ['--force'] : [])];
  const child = aimed
    ? execa('strace', ['-f', '-o', '/dev/null', '-e', `trace=${slowed}`, '-e', `inject=${slowed}:delay_enter=8000`, 'node', ...args], { reject: false, stdin: 'ignore', env })
    : execa('node', args, { reject: false, stdin: 'ignore', env });
  let killed = false;
  const kill = () => {
    const pid = aimed ? tracedChild(child.pid!) : child.pid;
    if (pid !== undefined && child.exitCode === null) {
      process.kill(pid, 'SIGKILL');
      killed = true;
    }
  };
  let watcher: ReturnType<typeof watch> | undefined;
  if (aimed === 'write') {
    // At the first name of ours (the lock, then staging), plus a random part of the write.
    watcher = watch(place.watchDir, (_event, file) => {
      if (String(file).includes('create-freestanding')) {
        watcher?.close();
        setTimeout(kill, next() * 160);
      }
    });
  } else if (aimed === 'commit') {
    // The journal's second record is the commit point: the kill lands among the commit's slowed calls.
    mkdirSync(join(stateHome, 'create-freestanding'), { recursive: true, mode: 0o700 });
    let records = 0;
    watcher = watch(join(stateHome, 'create-freestanding'), (_event, file) => {
      if (/^\d+-[0-9a-f]{8}\.journal$/.test(String(file)) && (records += 1) === 2) {
        watcher?.close();
        setTimeout(kill, next() * 40);
      }
    });
  } else {
    setTimeout(kill, 50 + next() * 450);
  }
  const result = await child;
  watcher?.close();
  const after = await verdict(mode, place.dest, 'fw', place.extra);
  const journal = journals().length > 0;
  const staged = place.folders.some((folder) => (readdirSafe(folder) ?? []).some((name) => name.includes('create-freestanding')));
  // The next run cleans up after the killed one (and completes a committed write).
  const again = await runCli(args.slice(1).concat(mode === 'force' ? [] : ['--force']), { env });
  noStackTrace(again.stderr);
  expect(journals(), `the next run leaves no journal: ${again.stderr}`).toEqual([]);
  const finalState = await verdict(mode, place.dest, 'fw', place.extra);
  const leftovers = place.folders.flatMap((folder) => (readdirSafe(folder) ?? []).filter((name) => name.includes('create-freestanding')));
  const members = place.root ? rootMembers(place.root).filter((member) => member === 'crates/fw').length : 1;
  return { killed: killed && result.exitCode !== 0, result, again, after, journal, staged, finalState, leftovers, members };
}

describe('interrupted writes', () => {
  it('SIGKILL at random moments and aimed at the write: never half a project, no staging after the next run', async ({ skip }) => {
    if (!requireTools(missingTools([{ command: 'strace', args: ['-V'], install: 'scripts/setup-toolchain.sh (apt-get install strace)' }]), skip)) return;
    const next = random(20261124);
    const plan: [Mode, number][] = [['new', 30], ['force', 15], ['workspace', 15]];
    const counts: Record<string, number> = {};
    const bump = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
    let trial = 0;
    for (const [mode, trials] of plan) {
      for (let index = 0; index < trials; index += 1) {
        const aimed = (['write', 'commit', false] as const)[index % 3];
        const outcome = await killTrial(mode, (trial += 1), next, aimed);
        const staged = outcome.journal ? ', journal left' : outcome.staged ? ', staging left' : '';
        bump(`${mode} ${aimed ? `aimed at the ${aimed}` : 'random'}: ${outcome.killed ? 'killed' : `exit ${outcome.result.exitCode}`} → ${outcome.after}${staged}`);
        if (aimed && outcome.killed && (outcome.journal || outcome.staged)) bump(`${mode}: inside the write`);
        if (aimed === 'commit' && outcome.killed && outcome.journal) bump(`${mode}: inside the commit`);
        // Right after the kill: untouched or complete, or a journal that the next run completes.
        if (outcome.after === 'partial') expect(outcome.journal, `${mode} trial ${trial}: half a project and no journal`).toBe(true);
        expect(outcome.finalState, `${mode} trial ${trial} after the next run: ${outcome.again.stderr}`).toBe('complete');
        expect(outcome.leftovers, `${mode} trial ${trial}`).toEqual([]);
        expect(outcome.members, `${mode} trial ${trial}: crates/fw listed once`).toBe(1);
      }
    }
    console.log(`SIGKILL trials (${trial}, seed 20261124):\n  ${Object.entries(counts).map(([key, n]) => `${n} × ${key}`).join('\n  ')}`);
    // Trials that never killed a run mid-write would prove nothing.
    for (const [mode] of plan) {
      expect(counts[`${mode}: inside the write`] ?? 0, `${mode}: kills that landed inside the write`).toBeGreaterThanOrEqual(3);
      expect(counts[`${mode}: inside the commit`] ?? 0, `${mode}: kills that landed inside the commit`).toBeGreaterThanOrEqual(2);
    }
  }, 300_000);

  it('SIGINT, SIGTERM and SIGHUP without a terminal: 130 / 143 / 129, and the message says what is on disk', async ({ skip }) => {
    if (!requireTools(missingTools([{ command: 'strace', args: ['-V'], install: 'scripts/setup-toolchain.sh (apt-get install strace)' }]), skip)) return;
    const next = random(7);
    const counts: Record<string, number> = {};
    const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
    let trial = 0;
    for (const [signal, trials] of [['SIGINT', 12], ['SIGTERM', 6], ['SIGHUP', 6]] as const) {
      for (let index = 0; index < trials; index += 1) {
        const place = prepare('new', 1000 + (trial += 1));
        // Two of three trials are aimed, slowed under strace so the signal lands inside: at the
        // staging folder's appearance (before the commit point) or at the journal's second record
        // (the commit point, so the signal arrives during the commit). The rest land at random.
        const aim = (['staging', 'commit', 'random'] as const)[index % 3];
        const args = [cliPath, place.dest, '-y', '-t', 'linux', '--name', 'fw'];
        const child = aim !== 'random'
          ? execa('strace', ['-f', '-o', '/dev/null', '-e', `trace=${slowed}`, '-e', `inject=${slowed}:delay_enter=8000`, 'node', ...args], { reject: false, stdin: 'ignore', env })
          : execa('node', args, { reject: false, stdin: 'ignore', env });
        let sent = false;
        const send = () => {
          const pid = aim !== 'random' ? tracedChild(child.pid!) : child.pid;
          if (!sent && pid !== undefined && child.exitCode === null) (process.kill(pid, signal), (sent = true));
        };
        mkdirSync(join(stateHome, 'create-freestanding'), { recursive: true, mode: 0o700 });
        let records = 0;
        // Polled as well as watched: under load inotify events were seen to come too late.
        const poll = setInterval(() => {
          if (aim === 'staging' && (readdirSafe(place.watchDir) ?? []).some((file) => /^\.create-freestanding-\d+-[0-9a-f]{8}$/.test(file))) send();
        }, 2);
        const watchers = [
          { close: () => clearInterval(poll) },
          watch(place.watchDir, (_event, file) => {
            if (aim === 'staging' && /^\.create-freestanding-\d+-[0-9a-f]{8}$/.test(String(file))) send();
          }),
          watch(join(stateHome, 'create-freestanding'), (_event, file) => {
            if (aim === 'commit' && /^\d+-[0-9a-f]{8}\.journal$/.test(String(file)) && (records += 1) === 2) send();
          }),
        ];
        if (aim === 'random') setTimeout(send, 150 + next() * 300);
        const result = await child;
        for (const watcher of watchers) watcher.close();
        const after = await verdict('new', place.dest, 'fw', {});
        const code = result.exitCode ?? (result.signal === signal ? `${signal} before the handler` : String(result.signal));
        const key = `${aim} ${signal}: ${code} → ${after}`;
        counts[key] = (counts[key] ?? 0) + 1;
        expect(after).not.toBe('partial');
        expect(ours(place.watchDir), `${aim} ${signal} trial ${trial}: staging or a lock left`).toEqual([]);
        if (aim !== 'random') {
          expect(sent, `${aim} ${signal} trial ${trial}: the signal was never sent (exit ${result.exitCode}: ${result.stderr})`).toBe(true);
          expect(result.exitCode, `${aim} ${signal} trial ${trial}: ${result.stderr}`).toBe(codes[signal]);
        }
        if (aim === 'commit') expect(after, `a signal during the commit: ${result.stderr}`).toBe('complete');
        if (result.exitCode === 0) continue; // finished before the signal arrived
        if (result.exitCode === undefined) {
          // Killed with no handler installed: during module loading (nothing written yet) or during
          // node's own teardown after a finished run (the project complete). The shell reports 128 + signal.
          expect(result.signal).toBe(signal);
          expect(['untouched', 'complete']).toContain(after);
          continue;
        }
        expect(result.exitCode).toBe(codes[signal]);
        noStackTrace(result.stderr);
        expect(result.stderr).toMatch(after === 'complete' ? /interrupted; the project was written completely to / : /interrupted; nothing was written$/);
      }
    }
    console.log(`signal trials (${trial}):\n  ${Object.entries(counts).map(([key, n]) => `${n} × ${key}`).join('\n  ')}`);
  }, 240_000);
});

describe('two runs at once', () => {
  it('on one destination or one workspace root: one winner, never mixed, never a stack trace', async () => {
    const counts: Record<string, number> = {};
    const asNobody = process.getuid?.() === 0;
    const modes = ['new', 'empty', 'force', 'workspace', 'tmpdir', ...(asNobody ? ['users' as const] : [])] as const;
    for (const mode of modes) {
      for (let pair = 0; pair < 20; pair += 1) {
        const base = join(work.dir, `pair-${mode}-${pair}`);
        mkdirSync(base);
        if (mode === 'users') chmodSync(base, 0o1777);
        let dests: [string, string];
        if (mode === 'workspace') {
          writeFileSync(join(base, 'Cargo.toml'), '[workspace]\nmembers = []\n');
          dests = [join(base, 'crates', 'a'), join(base, 'crates', 'b')];
        } else {
          const dest = join(base, 'proj');
          if (mode !== 'new' && mode !== 'users') mkdirSync(dest); // tmpdir: an empty folder, filled in place
          if (mode === 'force') writeFileSync(join(dest, 'notes.txt'), 'mine\n');
          dests = [dest, dest];
        }
        const names = ['a', 'b'];
        // tmpdir: each run has a TMPDIR of its own; users: root and nobody in one sticky folder.
        const run = (dest: string, side: number) => {
          const args = [dest, '-y', '-t', 'linux', '--name', names[side], ...(mode === 'force' ? ['--force'] : [])];
          if (mode === 'users' && side === 1) {
            return execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', cliPath, ...args], { reject: false, stdin: 'ignore', env: { HOME: '/nonexistent', TMPDIR: '/tmp' } });
          }
          const tmp = mode === 'tmpdir' ? join(base, `tmp-${side}`) : undefined;
          if (tmp) mkdirSync(tmp);
          return runCli(args, { env: { ...env, ...(tmp ? { TMPDIR: tmp } : {}) } });
        };
        const results = await Promise.all(dests.map(run));
        for (const result of results) {
          expect([0, 1], result.stderr).toContain(result.exitCode);
          noStackTrace(result.stderr);
          // Of two users, the loser may also find the winner's project closed to it.
          if (result.exitCode === 1) expect(result.stderr).toMatch(mode === 'users' ? /another create-freestanding \(pid \d+\) is writing|is not empty|is not writable/ : /another create-freestanding \(pid \d+\) is writing|another create-freestanding wrote .* while this one was starting|is not empty/);
        }
        const winners = results.map((result) => result.exitCode === 0);
        // Started together, one wins, even when the writes themselves do not overlap (the lock's stamp).
        expect(winners.filter(Boolean), `${mode} pair ${pair}: ${results.map((result) => result.stderr).join(' | ')}`).toHaveLength(1);
        let key: string;
        if (mode === 'workspace') {
          const members = rootMembers(join(base, 'Cargo.toml'));
          for (const [side, won] of winners.entries()) {
            expect(members.filter((member) => member === `crates/${names[side]}`).length, `pair ${pair}`).toBe(won ? 1 : 0);
            expect(existsSync(dests[side]), `pair ${pair}: a losing crate left behind`).toBe(won);
          }
          const metadata = await execa('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: base, reject: false });
          expect(metadata.exitCode, metadata.stderr).toBe(0);
          key = `${winners.filter(Boolean).length} joined`;
        } else {
          const extra: Record<string, string> = mode === 'force' ? { 'notes.txt': 'mine\n' } : {};
          const states = await Promise.all(names.map((name) => verdict('new', dests[0], name, extra)));
          expect(states, `pair ${pair}: the project is one run's, whole`).toContain('complete');
          key = `${winners.filter(Boolean).length} succeeded`;
        }
        counts[`${mode}: ${key}`] = (counts[`${mode}: ${key}`] ?? 0) + 1;
      }
    }
    console.log(`concurrent pairs (20 per mode):\n  ${Object.entries(counts).map(([key, n]) => `${n} × ${key}`).join('\n  ')}`);
  }, 300_000);
});

describe('interrupted course writes (issue 15.4: the course takes the same write path)', () => {
  /** The course a complete run writes (folders), as a tree. */
  let courseReference: Record<string, string> | undefined;
  async function courseVerdict(dest: string, extra: Record<string, string>): Promise<'untouched' | 'complete' | 'partial'> {
    if (!courseReference) {
      const dir = join(work.dir, 'course-reference', 'c');
      const result = await runCli(['course', dir, '--yes', '--name', 'fw'], { env });
      expect(result.exitCode, result.stderr).toBe(0);
      courseReference = tree(dir);
    }
    const have = existsSync(dest) ? tree(dest) : {};
    const visible = Object.fromEntries(Object.entries(have).filter(([path]) => !path.startsWith('.create-freestanding-')));
    if (JSON.stringify(Object.keys(visible).sort()) === JSON.stringify(Object.keys(extra).sort())) return 'untouched';
    return JSON.stringify(Object.entries({ ...courseReference, ...extra }).sort()) === JSON.stringify(Object.entries(visible).sort()) ? 'complete' : 'partial';
  }

  it('SIGKILL aimed at the write and the commit: never half a course, the next run finishes or undoes it', async ({ skip }) => {
    if (!requireTools(missingTools([{ command: 'strace', args: ['-V'], install: 'scripts/setup-toolchain.sh (apt-get install strace)' }]), skip)) return;
    const next = random(2026120115);
    const counts: Record<string, number> = {};
    const bump = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
    let trial = 0;
    for (const mode of ['new', 'force'] as const) {
      for (let index = 0; index < 8; index += 1) {
        const aimed = (['write', 'commit'] as const)[index % 2];
        const place = prepare(mode, 2000 + (trial += 1));
        const extra: Record<string, string> = mode === 'force' ? { 'notes.txt': 'mine\n', 'Cargo.toml': '# old\n', 'README.md': 'old readme\n' } : {};
        // The course replaces README.md; Cargo.toml and notes.txt are the user's and stay.
        const kept: Record<string, string> = mode === 'force' ? { 'notes.txt': 'mine\n', 'Cargo.toml': '# old\n' } : {};
        const args = [cliPath, 'course', place.dest, '--yes', '--name', 'fw', ...(mode === 'force' ? ['--force'] : [])];
        const child = execa('strace', ['-f', '-o', '/dev/null', '-e', `trace=${slowed}`, '-e', `inject=${slowed}:delay_enter=8000`, 'node', ...args], { reject: false, stdin: 'ignore', env });
        let killed = false;
        const kill = () => {
          const pid = tracedChild(child.pid!);
          if (pid !== undefined && child.exitCode === null) (process.kill(pid, 'SIGKILL'), (killed = true));
        };
        mkdirSync(join(stateHome, 'create-freestanding'), { recursive: true, mode: 0o700 });
        let records = 0;
        const watcher = aimed === 'write'
          ? watch(place.watchDir, (_event, file) => {
            if (/^\.create-freestanding-\d+-[0-9a-f]{8}$/.test(String(file))) (watcher.close(), setTimeout(kill, next() * 400));
          })
          : watch(join(stateHome, 'create-freestanding'), (_event, file) => {
            if (/^\d+-[0-9a-f]{8}\.journal$/.test(String(file)) && (records += 1) === 2) (watcher.close(), setTimeout(kill, next() * 200));
          });
        const result = await child;
        watcher.close();
        const after = await courseVerdict(place.dest, mode === 'force' && killed ? extra : kept);
        const journal = journals().length > 0;
        const again = await runCli(['course', place.dest, '--yes', '--name', 'fw', '--force'], { env });
        noStackTrace(again.stderr);
        expect(again.exitCode, again.stderr).toBe(0);
        expect(journals(), `the next run leaves no journal: ${again.stderr}`).toEqual([]);
        const finalState = await courseVerdict(place.dest, kept);
        const leftovers = place.folders.flatMap((folder) => (readdirSafe(folder) ?? []).filter((name) => name.includes('create-freestanding')));
        bump(`${mode} aimed at the ${aimed}: ${killed && result.exitCode !== 0 ? 'killed' : `exit ${result.exitCode}`} → ${after}${journal ? ', journal left' : ''}`);
        if (killed && journal) bump(`${mode}: inside the write`);
        if (after === 'partial') expect(journal, `${mode} trial ${trial}: half a course and no journal`).toBe(true);
        expect(finalState, `${mode} trial ${trial} after the next run: ${again.stderr}`).toBe('complete');
        expect(leftovers, `${mode} trial ${trial}`).toEqual([]);
      }
    }
    console.log(`course SIGKILL trials (${trial}):\n  ${Object.entries(counts).map(([key, n]) => `${n} × ${key}`).join('\n  ')}`);
    for (const mode of ['new', 'force']) expect(counts[`${mode}: inside the write`] ?? 0, `${mode}: kills that landed inside the write`).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
