/**
 * The workspace root's manifest stays the user's file: the new member is
 * written into it in place, so a symbolic link stays a link (its target
 * edited), a hard link keeps both names on one file, and owner and mode are
 * kept; every byte outside the new item stays as it was, and cargo reads it.
 */
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratch } from '../support/cli.js';

const work = scratch('cf-trust-manifest-');
afterAll(() => work.cleanup());
const env = { XDG_STATE_HOME: join(work.dir, 'state') };
let count = 0;
const fresh = (name = 'root') => {
  const dir = join(work.dir, `${name}-${(count += 1)}`);
  mkdirSync(dir);
  return dir;
};
/** A workspace root folder with its existing member, a host tool. */
const freshRoot = () => {
  const root = fresh();
  mkdirSync(join(root, 'tools', 'src'), { recursive: true });
  writeFileSync(join(root, 'tools', 'Cargo.toml'), '[package]\nname = "tools"\nversion = "0.1.0"\nedition = "2021"\n');
  writeFileSync(join(root, 'tools', 'src', 'main.rs'), 'fn main() {}\n');
  return root;
};
const rootText = '# the root, mine\n[workspace]\nmembers = [\n    "tools", # kept\n]\n\n[profile.release]\npanic = "abort"\n';
const withMember = rootText.replace('    "tools", # kept\n', '    "tools", # kept\n    "crates/k",\n');
const isRoot = process.getuid?.() === 0;

async function addCrate(root: string) {
  const result = await runCli([join(root, 'crates', 'k'), '-y', '-t', 'linux', '--name', 'k'], { env });
  expect(result.exitCode, result.stderr).toBe(0);
  const metadata = await execa('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], { cwd: root, reject: false });
  expect(metadata.exitCode, metadata.stderr).toBe(0);
}

describe('the root manifest, edited in place', () => {
  it('through a symbolic link: the link stays, its target holds the new member', async () => {
    const root = freshRoot();
    const shared = fresh('shared');
    writeFileSync(join(shared, 'workspace.toml'), rootText);
    symlinkSync(join(shared, 'workspace.toml'), join(root, 'Cargo.toml'));
    await addCrate(root);
    expect(lstatSync(join(root, 'Cargo.toml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(root, 'Cargo.toml'))).toBe(join(shared, 'workspace.toml'));
    expect(readFileSync(join(shared, 'workspace.toml'), 'utf8')).toBe(withMember);
  });

  it('with a hard link: both names still show one file, edited', async () => {
    const root = freshRoot();
    writeFileSync(join(root, 'Cargo.toml'), rootText);
    linkSync(join(root, 'Cargo.toml'), join(root, 'Cargo.backup.toml'));
    const inode = statSync(join(root, 'Cargo.toml')).ino;
    await addCrate(root);
    expect(statSync(join(root, 'Cargo.toml')).ino).toBe(inode);
    expect(statSync(join(root, 'Cargo.toml')).nlink).toBe(2);
    expect(readFileSync(join(root, 'Cargo.backup.toml'), 'utf8')).toBe(withMember);
  });

  it.skipIf(!isRoot)('owned by another user with mode 0664: owner and mode are kept', async () => {
    const root = freshRoot();
    writeFileSync(join(root, 'Cargo.toml'), rootText);
    chownSync(join(root, 'Cargo.toml'), 65534, 65534);
    chmodSync(join(root, 'Cargo.toml'), 0o664);
    await addCrate(root);
    const stats = statSync(join(root, 'Cargo.toml'));
    expect([stats.uid, stats.gid, stats.mode & 0o7777]).toEqual([65534, 65534, 0o664]);
    expect(readFileSync(join(root, 'Cargo.toml'), 'utf8')).toBe(withMember);
  });
});
