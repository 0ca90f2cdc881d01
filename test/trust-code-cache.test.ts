/**
 * V8's code cache (generators/io/code-cache.ts) is code: a record V8 accepts
 * runs in place of the command. The first test shows that a planted record
 * does run when it sits where the cache is read; the others show that one
 * planted anywhere a run does not trust (a folder open to others or to
 * another user, a link, a record of another build) never runs, and that the
 * command still works. The rest: a first run writes private records (the
 * bundle's and its templates'), and a later start uses them rather than
 * writing them again.
 */
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { recordKey, recordPath, wrapModule } from '../generators/io/code-cache.js';
import { cliPath, repoRoot, runCli, scratch } from './support/cli.js';

const work = scratch('cf-code-cache-');
afterAll(() => work.cleanup());
const bundle = join(repoRoot, 'dist', 'cli.cjs');
const isRoot = process.getuid?.() === 0;
let count = 0;
const fresh = (name: string): string => {
  const dir = join(work.dir, `${name}-${(count += 1)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** A scaffold with its own cache home; what it printed, and the cache folder it used. */
async function scaffoldWith(cacheHome: string) {
  const result = await runCli([join(fresh('out'), 'proj'), '-y', '-t', 'linux'], { env: { XDG_CACHE_HOME: cacheHome } });
  return { result, folder: join(cacheHome, 'create-freestanding') };
}

/**
 * A record V8 accepts for the bundle, made from other code of the same length
 * (V8 checks a source by its length only): its top level writes `marker`.
 */
function trojanRecord(marker: string, key = recordKey(bundle, statSync(bundle))): Buffer {
  const length = readFileSync(bundle, 'utf8').length;
  const payload = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');`;
  const source = `${payload}//${'x'.repeat(length - payload.length - 2)}`;
  expect(source.length).toBe(length);
  const bytecode = new Script(wrapModule(source), { filename: bundle }).createCachedData();
  // Written, it says, by a run that loaded 99 files: no run replaces it for reaching further.
  return Buffer.concat([Buffer.from(`${key}\n99\n`), bytecode]);
}

/** A record's first two lines: the key, and how many files the run that wrote it loaded. */
function headOf(record: string): string[] {
  const bytes = readFileSync(record);
  const keyEnd = bytes.indexOf(10);
  return [bytes.subarray(0, keyEnd).toString(), bytes.subarray(keyEnd + 1, bytes.indexOf(10, keyEnd + 1)).toString()];
}

/** A cache home whose folder holds `record` as the bundle's record, the folder made with `mode`. */
function plantedHome(record: Buffer, mode = 0o700): { home: string; folder: string; record: string } {
  const home = fresh('cache');
  const folder = join(home, 'create-freestanding');
  mkdirSync(folder, { mode });
  chmodSync(folder, mode);
  const path = recordPath(folder, bundle);
  writeFileSync(path, record, { mode: 0o600 });
  return { home, folder, record: path };
}

describe('a planted code cache record', () => {
  it('runs when it is in the private cache folder: what the checks below stop is real', async () => {
    const marker = join(fresh('mark'), 'ran');
    const { home } = plantedHome(trojanRecord(marker));
    await scaffoldWith(home);
    expect(existsSync(marker)).toBe(true);
  });

  it('does not run from a folder others can write to, and the command works', async () => {
    const marker = join(fresh('mark'), 'ran');
    const { home, record } = plantedHome(trojanRecord(marker), 0o777);
    const before = readFileSync(record);
    const { result } = await scaffoldWith(home);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Created proj');
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(record).equals(before)).toBe(true); // nor is it replaced there
  });

  it.runIf(isRoot)('does not run from a folder of another user', async () => {
    const marker = join(fresh('mark'), 'ran');
    const { home, folder } = plantedHome(trojanRecord(marker));
    chownSync(folder, 65534, 65534);
    const { result } = await scaffoldWith(home);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('does not run when the cache folder is a link to a private folder holding it', async () => {
    const marker = join(fresh('mark'), 'ran');
    const { folder } = plantedHome(trojanRecord(marker));
    const home = fresh('cache');
    symlinkSync(folder, join(home, 'create-freestanding'));
    const { result } = await scaffoldWith(home);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('does not run when the record is a link to it', async () => {
    const marker = join(fresh('mark'), 'ran');
    const elsewhere = join(fresh('elsewhere'), 'record.v8');
    writeFileSync(elsewhere, trojanRecord(marker), { mode: 0o600 });
    const home = fresh('cache');
    const folder = join(home, 'create-freestanding');
    mkdirSync(folder, { mode: 0o700 });
    symlinkSync(elsewhere, recordPath(folder, bundle));
    const { result } = await scaffoldWith(home);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('does not run when it names another build of the bundle, and is replaced by this one', async () => {
    const marker = join(fresh('mark'), 'ran');
    const stats = statSync(bundle);
    const otherBuild = recordKey(bundle, { ...stats, ino: stats.ino + 1, dev: stats.dev, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs });
    const { home, record } = plantedHome(trojanRecord(marker, otherBuild));
    const { result } = await scaffoldWith(home);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(headOf(record)[0]).toBe(recordKey(bundle, statSync(bundle)));
  });
});

describe('the code cache', () => {
  it('a first run writes private records; the next start uses them and writes nothing', async () => {
    const home = fresh('cache');
    const first = await scaffoldWith(home);
    expect(first.result.exitCode, first.result.stderr).toBe(0);
    expect(lstatSync(first.folder).mode & 0o777).toBe(0o700);
    // The bundle, and the precompiled templates a Linux scaffold renders.
    const files = [bundle, ...['project', 'rust', 'rust-host'].map((folder) => join(repoRoot, 'dist', 'precompiled', `${folder}.cjs`))];
    const records = files.map((file) => recordPath(first.folder, file));
    expect(readdirSync(first.folder).map((name) => join(first.folder, name)).sort()).toEqual([...records].sort());
    const written = records.map((record) => lstatSync(record, { bigint: true }));
    expect(written.map((stats) => Number(stats.mode & 0o777n))).toEqual(records.map(() => 0o600));
    // Each starts with what it was made for, then how many files its run loaded (the bundle and three).
    files.forEach((file, index) => expect(headOf(records[index])).toEqual([recordKey(file, statSync(file)), '4']));
    // A record V8 rejected, or none, is written again at exit; the same times say it was neither.
    const second = await scaffoldWith(home);
    expect(second.result.exitCode, second.result.stderr).toBe(0);
    expect(records.map((record) => lstatSync(record, { bigint: true }).mtimeNs)).toEqual(written.map((stats) => stats.mtimeNs));
  });

  it('a record from a run that compiled less (--version) is replaced by the next scaffold\'s, which later starts keep', async () => {
    const home = fresh('cache');
    const version = await runCli(['--version'], { env: { XDG_CACHE_HOME: home } });
    expect(version.exitCode, version.stderr).toBe(0);
    const record = recordPath(join(home, 'create-freestanding'), bundle);
    expect(headOf(record)[1]).toBe('1');
    const small = lstatSync(record).size;
    await scaffoldWith(home);
    expect(headOf(record)[1]).toBe('4');
    expect(lstatSync(record).size).toBeGreaterThan(small);
    const written = lstatSync(record, { bigint: true }).mtimeNs;
    await scaffoldWith(home);
    expect(lstatSync(record, { bigint: true }).mtimeNs).toBe(written);
  });

  it('writing a record removes those of files that are gone (yarn dlx runs from a new folder each time), and keeps the others', async () => {
    const home = fresh('cache');
    const folder = join(home, 'create-freestanding');
    mkdirSync(folder, { mode: 0o700 });
    const gone = join(fresh('dlx'), 'gone', 'dist', 'cli.cjs');
    const kept = join(fresh('dlx'), 'kept.cjs');
    writeFileSync(kept, 'module.exports = 1;\n');
    for (const file of [gone, kept]) {
      const key = JSON.stringify(['create-freestanding code cache 1', file, 1, 1, 1, 1, 1, process.version, process.arch]);
      writeFileSync(recordPath(folder, file), `${key}\n4\nbytecode`, { mode: 0o600 });
    }
    const { result } = await scaffoldWith(home);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(recordPath(folder, gone))).toBe(false);
    expect(existsSync(recordPath(folder, kept))).toBe(true);
    expect(existsSync(recordPath(folder, bundle))).toBe(true);
  });

  it('a record V8 rejects (another Node flag set) is written again', async () => {
    const home = fresh('cache');
    await scaffoldWith(home);
    const record = recordPath(join(home, 'create-freestanding'), bundle);
    const before = lstatSync(record, { bigint: true });
    // A V8 flag that changes what V8 compiles makes it refuse the record: the run compiles and writes a new one.
    const result = await execa('node', ['--no-lazy-feedback-allocation', cliPath, join(fresh('out'), 'proj'), '-y', '-t', 'linux'], { reject: false, stdin: 'ignore', env: { XDG_CACHE_HOME: home } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(lstatSync(record, { bigint: true }).mtimeNs).not.toBe(before.mtimeNs);
  });

  it('with no usable cache folder the command works and writes no cache', async () => {
    const file = join(fresh('not-a-folder'), 'cache');
    writeFileSync(file, 'a file where the cache home would be\n');
    const result = await runCli([join(fresh('out'), 'proj'), '-y', '-t', 'linux'], { env: { XDG_CACHE_HOME: file, HOME: file } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Created proj');
    expect(readFileSync(file, 'utf8')).toBe('a file where the cache home would be\n');
  });
});
