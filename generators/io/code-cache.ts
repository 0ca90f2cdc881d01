/**
 * V8's code cache for the command's own CommonJS files (dist/cli.cjs and the
 * precompiled templates it renders): the bytecode of the functions a run
 * compiled, kept in this user's private cache folder, so a later start
 * deserializes them instead of parsing and compiling again (about a tenth of
 * a scaffold; `npm run bench` shows both starts).
 *
 * A record is code, so it is trusted only as this user's own files are: it is
 * read from the private cache folder alone (state.ts: owned by this user,
 * closed to others, not a link), through read-file.ts (a regular file, not a
 * link), and only for the exact bundle it was made from. V8 checks a record
 * against its own version and flags, but against the source only by its
 * length, so each record starts with a line naming the bundle's path, device,
 * inode, size and times, and Node's version and architecture.
 *
 * A missing, stale or rejected record means an ordinary compile, and a new
 * record written when the process exits (so it holds what the run compiled).
 * So does a record written by a run that loaded fewer of these files: what
 * `--help` compiled is a small part of a scaffold, and the first scaffold
 * after it replaces its records. Any failure to read or write a record is
 * ignored: the cache only saves time.
 */
import { isAscii } from 'node:buffer';
import { closeSync, constants, existsSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { fnv1a64 } from '../core/fnv.js';
import { readRegularFile } from './read-file.js';
import { cacheFolder } from './state.js';

/** Larger than any record of ours (about 300 KB); a larger file there is not one. */
const recordLimit = 16 * 1024 * 1024;
/** A record no run has written for this long belongs to a bundle most likely gone (another version, a removed npx folder). */
const unusedAfterMs = 30 * 24 * 60 * 60 * 1000;

/** The private cache folder, looked up once per process (the command and its templates are loaded through it). */
let foundCacheFolder: { folder: string | undefined } | undefined;
/** How many files this process loaded through the cache: how much of the command a run's records hold. */
let filesLoaded = 0;
/** The folder is swept once per process, when its first record is written. */
let swept = false;

/** How CommonJS wraps a module; the cache is made of, and checked against, this exact text. */
export const wrapModule = (source: string): string => `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;

/** The first line of a record: what must be the same for its bytecode to be this bundle's. */
export function recordKey(file: string, stats: { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return JSON.stringify(['create-freestanding code cache 1', file, stats.dev, stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs, process.version, process.arch]);
}

/** Where the record of `file` is kept in `folder`. */
export const recordPath = (folder: string, file: string): string => join(folder, `${fnv1a64(file)}.v8`);

/** A record: `key`, then how many files the run that wrote it loaded, then the bytecode. */
interface CodeRecord {
  reach: number;
  bytecode: Buffer;
}

/** The record at `path` if its first line is `key`; undefined for anything else. */
function readRecord(path: string, key: string): CodeRecord | undefined {
  try {
    const record = readRegularFile(path, recordLimit);
    const keyEnd = record.indexOf(10);
    const reachEnd = record.indexOf(10, keyEnd + 1);
    if (keyEnd === -1 || reachEnd === -1 || record.toString('utf8', 0, keyEnd) !== key) return undefined;
    const reach = Number(record.toString('utf8', keyEnd + 1, reachEnd));
    return Number.isInteger(reach) ? { reach, bytecode: record.subarray(reachEnd + 1) } : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a record whole or not at all: a private temporary file, renamed over the old record. */
function writeRecord(path: string, key: string, reach: number, bytecode: Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch {
    return;
  }
  try {
    const bytes = Buffer.concat([Buffer.from(`${key}\n${reach}\n`), bytecode]);
    for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
    closeSync(fd);
    renameSync(temporary, path);
  } catch {
    try {
      closeSync(fd);
    } catch { /* closed already */ }
    try {
      unlinkSync(temporary);
    } catch { /* gone already */ }
  }
}

/** The file a record was made for, from its first line; undefined when it cannot be read as one of ours. */
function recordedFile(path: string): string | undefined {
  try {
    const record = readRegularFile(path, recordLimit);
    const key = JSON.parse(record.toString('utf8', 0, record.indexOf(10))) as unknown;
    return Array.isArray(key) && typeof key[1] === 'string' ? key[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the records of files that are gone (`yarn dlx` and `pnpm dlx` run
 * the package from a new temporary folder each time) and anything of ours
 * nothing has written for a month. Only when a record is written, so a start
 * with good records reads nothing more.
 */
function sweep(folder: string, keep: string): void {
  try {
    const now = Date.now();
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (path === keep || !/\.v8(\.\d+\.tmp)?$/.test(name)) continue;
      const stats = lstatSync(path);
      if (!stats.isFile()) continue;
      const made = name.endsWith('.v8') ? recordedFile(path) : undefined;
      if (now - stats.mtimeMs > unusedAfterMs || (made !== undefined && !existsSync(made))) unlinkSync(path);
    }
  } catch { /* a sweep only saves space */ }
}

/**
 * Requires the CommonJS bundle at `file` (an absolute path) through the code
 * cache; where there is no private cache folder, compiles it as require() would.
 */
export function requireWithCodeCache(file: string): unknown {
  // By name, not through a descriptor: Yarn's Plug'n'Play serves the package from a zip archive,
  // and its file system gives descriptors that Node's own readFileSync cannot read.
  const stats = statSync(file);
  const bytes = readFileSync(file);
  // esbuild writes ASCII (it escapes the rest): read as Latin-1, a third of the cost of decoding UTF-8.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const key = recordKey(file, stats);
  // A file replaced while it was read (an install in progress) gets no record: the key would not be its own.
  const unchanged = recordKey(file, statSync(file)) === key;
  filesLoaded += 1;
  const folder = unchanged ? (foundCacheFolder ??= { folder: cacheFolder() }).folder : undefined;
  const path = folder === undefined ? undefined : recordPath(folder, file);
  const record = path === undefined ? undefined : readRecord(path, key);
  const script = new Script(wrapModule(source), { filename: file, cachedData: record?.bytecode });
  if (path !== undefined) {
    process.once('exit', () => {
      if (record !== undefined && script.cachedDataRejected !== true && record.reach >= filesLoaded) return;
      try {
        writeRecord(path, key, filesLoaded, script.createCachedData());
        if (!swept) sweep(folder!, path);
        swept = true;
      } catch { /* the cache only saves time */ }
    });
  }
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
