/**
 * Another program writing in the destination while the commit runs: a file
 * or link that appears is never overwritten, followed or deleted; the run
 * stops, takes back what it wrote, and says so. The write is slowed under
 * strace and the other program acts the moment our staging folder appears
 * (after every check), so each trial lands inside the write.
 */
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync, symlinkSync, watch, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, scratch } from '../support/cli.js';
import { missingTools, requireTools } from '../support/tools.js';

const work = scratch('cf-trust-races-');
afterAll(() => work.cleanup());
const env = { XDG_STATE_HOME: join(work.dir, 'state') };
let count = 0;
const fresh = (name: string) => {
  const dir = join(work.dir, `${name}-${(count += 1)}`);
  mkdirSync(dir);
  return dir;
};
const needStrace = (skip: (note?: string) => void) =>
  requireTools(missingTools([{ command: 'strace', args: ['-V'], install: 'scripts/setup-toolchain.sh (apt-get install strace)' }]), skip);
const slowed = 'write,pwrite64,rename,link,linkat,mkdir,unlink,rmdir';

/** The CLI, each file-system call slowed by `delay` µs; `act` runs once, when our staging folder appears in `watched`. */
async function slowRun(args: string[], watched: string, act: () => void, delay = 20000) {
  const child = execa('strace', ['-f', '-o', '/dev/null', '-e', `trace=${slowed}`, '-e', `inject=${slowed}:delay_enter=${delay}`, 'node', cliPath, ...args], { reject: false, stdin: 'ignore', env });
  let acted = false;
  const watcher = watch(watched, (_event, name) => {
    if (!acted && /^\.create-freestanding-\d+-[0-9a-f]{8}$/.test(String(name))) {
      acted = true;
      act();
    }
  });
  const result = await child;
  watcher.close();
  return { result, acted };
}

describe('a file that another program creates in the destination during the commit', () => {
  it('is never overwritten or deleted: the run stops, undoes its writes and says so', async ({ skip }) => {
    if (!needStrace(skip)) return;
    for (let trial = 0; trial < 6; trial += 1) {
      const dest = fresh('appear');
      const theirs = join(dest, trial % 2 === 0 ? 'README.md' : 'Cargo.toml');
      let planted = false;
      // The other program creates the file exclusively as soon as it can: once our staging exists.
      const { result, acted } = await slowRun([dest, '-y', '-t', 'linux', '--name', 'demo'], dest, () => {
        const fd = openSync(theirs, 'wx');
        writeSync(fd, 'theirs\n');
        closeSync(fd);
        planted = true;
      });
      expect(acted && planted, 'the other program never wrote').toBe(true);
      expect(readFileSync(theirs, 'utf8'), result.stderr).toBe('theirs\n');
      expect(result.exitCode, result.stdout).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/appeared while writing: another program is writing there, so this run took back what it had written \(nothing was written\)$/);
      // Nothing of ours is left: only their file.
      expect(readdirSync(dest)).toEqual([theirs.split('/').pop()]);
    }
  }, 240_000);
});

describe('a folder of the destination swapped for a link during --force', () => {
  it('never sends a file outside: the run stops and puts everything back', async ({ skip }) => {
    if (!needStrace(skip)) return;
    for (let trial = 0; trial < 4; trial += 1) {
      const dest = fresh('swap');
      const outside = fresh('outside');
      mkdirSync(join(dest, 'src'));
      writeFileSync(join(dest, 'src', 'main.rs'), '// mine\n');
      writeFileSync(join(dest, 'notes.txt'), 'mine\n');
      const { result, acted } = await slowRun([dest, '-y', '-t', 'linux', '--name', 'demo', '--force'], dest, () => {
        renameSync(join(dest, 'src'), join(dest, 'src.moved'));
        symlinkSync(outside, join(dest, 'src'));
      }, 5000 + trial * 10000);
      expect(acted).toBe(true);
      expect(readdirSync(outside), `trial ${trial}: ${result.stderr}`).toEqual([]);
      expect(result.exitCode, result.stdout).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/src was replaced by a (file or )?link while writing: .*\(nothing was written\)$/);
      expect(readFileSync(join(dest, 'src.moved', 'main.rs'), 'utf8')).toBe('// mine\n');
      expect(readFileSync(join(dest, 'notes.txt'), 'utf8')).toBe('mine\n');
      expect(existsSync(join(dest, 'Cargo.toml'))).toBe(false);
    }
  }, 240_000);
});
