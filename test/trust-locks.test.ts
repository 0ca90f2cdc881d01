/**
 * One lock per destination, whoever runs and whatever TMPDIR says: the lock
 * lives beside the destination, so a folder another user made in the shared
 * temporary directory cannot block a run, and a lock left by a dead run is
 * taken over.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lockFileName } from '../generators/io/lock.js';
import { runCli, scratch } from './support/cli.js';

const work = scratch('cf-trust-locks-');
chmodSync(work.dir, 0o755);
afterAll(() => work.cleanup());
const env = { XDG_STATE_HOME: join(work.dir, 'state') };
let count = 0;
const fresh = (name = 'case') => {
  const dir = join(work.dir, `${name}-${(count += 1)}`);
  mkdirSync(dir, { mode: 0o755 });
  return dir;
};
const isRoot = process.getuid?.() === 0;

describe('the lock', () => {
  it.skipIf(!isRoot)('is not blocked by a folder another user made in the temporary directory', async () => {
    const tmp = fresh('tmp');
    chmodSync(tmp, 0o1777);
    // What blocked runs before: nobody pre-creating the lock folder of uid 0 in the shared TMPDIR.
    const made = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'mkdir', '-m', '0777', join(tmp, 'create-freestanding-0')], { reject: false });
    expect(made.exitCode, made.stderr).toBe(0);
    const result = await runCli([join(fresh(), 'proj'), '-y', '-t', 'linux'], { env: { ...env, TMPDIR: tmp } });
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it('is a link beside the destination while the run writes, and gone after', async () => {
    const parent = fresh();
    const result = await runCli([join(parent, 'proj'), '-y'], { env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['proj']);
  });

  it('left by a dead run is taken over; held by a live one, the run stops in one line naming it', async () => {
    const parent = fresh();
    const dest = join(parent, 'proj');
    const lock = join(parent, lockFileName(dest));
    symlinkSync(`${2 ** 22 + 9} deadbeefdeadbeef`, lock);
    const taken = await runCli([dest, '-y'], { env });
    expect(taken.exitCode, taken.stderr).toBe(0);
    expect(existsSync(join(dest, 'Cargo.toml'))).toBe(true);
    expect(() => lstatSync(lock)).toThrow();
    const other = join(parent, 'other');
    symlinkSync(`${process.pid} cafecafecafecafe`, join(parent, lockFileName(other)));
    const blocked = await runCli([other, '-y'], { env });
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toBe(`create-freestanding: another create-freestanding (pid ${process.pid}) is writing to ${other}; wait for it to finish, then retry`);
    expect(existsSync(other)).toBe(false);
    expect(readlinkSync(join(parent, lockFileName(other)))).toBe(`${process.pid} cafecafecafecafe`);
  });
});
