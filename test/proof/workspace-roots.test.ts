/**
 * Workspace roots in every spelling cargo reads: a crate generated into each
 * joins (or, when excluded or already covered, leaves alone) the root, whose
 * comments stay, and `cargo metadata` accepts the result every time.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const work = scratch('cf-roots-');
afterAll(() => work.cleanup());

const profiles = '\n[profile.dev]\npanic = "abort"\n\n[profile.release]\npanic = "abort"\n';

/** name, root manifest, and whether the new crate must end up listed (`listed`), covered by a glob (`covered`) or outside (`excluded`). */
const roots: [string, string, 'listed' | 'covered' | 'excluded'][] = [
  ['a [workspace] table', `# root\n[workspace]\nresolver = "2"\nmembers = ["crates/a"] # the first\n${profiles}`, 'listed'],
  ['an inline table', `# root\nworkspace = { resolver = "2", members = ["crates/a"] } # inline\n${profiles}`, 'listed'],
  ['an inline table without members', `workspace = { resolver = "2" }\n${profiles}`, 'listed'],
  ['an empty inline table', `workspace = {}\n${profiles}`, 'listed'],
  ['dotted keys', `workspace.resolver = "2"\nworkspace.members = [\n  "crates/a", # first\n]\n${profiles}`, 'listed'],
  ['dotted keys without members', `workspace.resolver = "2"\n${profiles}`, 'listed'],
  ['[ workspace ] with spaces', `[ workspace ]\nmembers = [ ]\n${profiles}`, 'listed'],
  ['[workspace] as the last line, no newline', `${profiles}\n# the workspace\n[workspace]`, 'listed'],
  ['brackets in a comment on the members line', `[workspace]\nmembers = ["crates/a"] # see [docs] ] and [x\n${profiles}`, 'listed'],
  ['brackets in a comment inside the array', `[workspace]\nmembers = [\n    "crates/a", # ] not the end [\n]\n${profiles}`, 'listed'],
  ['a quoted key', `[workspace]\n"members" = ['crates/a']\n${profiles}`, 'listed'],
  ['CRLF line ends', `[workspace]\r\nmembers = [\r\n    "crates/a",\r\n]\r\n${profiles.replaceAll('\n', '\r\n')}`, 'listed'],
  ['workspace sub-tables after it', `[workspace]\nmembers = ["crates/a"]\n\n[workspace.package]\nedition = "2021"\n\n[workspace.dependencies]\n${profiles}`, 'listed'],
  ['a root package', `[package]\nname = "root"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\nmembers = ["crates/a"]\n${profiles}`, 'listed'],
  ['a glob with a class', `[workspace]\nmembers = ["crates/a", "crates/[mn]ew"]\n${profiles}`, 'covered'],
  ['a glob with ?', `[workspace]\nmembers = ["crates/?ew"]\n${profiles}`, 'covered'],
  ['a * glob', `[workspace]\nmembers = ["crates/*"]\n${profiles}`, 'covered'],
  ['the path already listed as ./', `[workspace]\nmembers = ["./crates/new"]\n${profiles}`, 'covered'],
  ['an exclude by prefix', `[workspace]\nmembers = ["crates/a"]\nexclude = ["crates/new-and-more", "crates"]\n${profiles}`, 'excluded'],
];

async function makePackage(root: string, path: string, name: string) {
  mkdirSync(join(root, path, 'src'), { recursive: true });
  writeFileSync(join(root, path, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`);
  writeFileSync(join(root, path, 'src', 'lib.rs'), '');
}

describe('workspace roots as cargo reads them', () => {
  it.for(roots)('%s', async ([title, manifest, outcome], { skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const root = join(work.dir, title.replace(/\W+/g, '-'));
    mkdirSync(root);
    writeFileSync(join(root, 'Cargo.toml'), manifest);
    if (manifest.includes('crates/a')) await makePackage(root, 'crates/a', 'a');
    if (manifest.includes('name = "root"')) mkdirSync(join(root, 'src')), writeFileSync(join(root, 'src', 'lib.rs'), '');
    const before = await execa('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: root, reject: false });
    if (outcome !== 'covered') expect(before.exitCode, `cargo must accept the root as given: ${before.stderr}`).toBe(0);

    const result = await runCli([join(root, 'crates', 'new'), '-y', '-t', 'linux', '--name', 'new']);
    expect(result.exitCode, result.stderr).toBe(0);
    const after = readFileSync(join(root, 'Cargo.toml'), 'utf8');
    if (outcome === 'listed') {
      // Every line of the original is still there, but the one that gets the item (members or the inline table).
      const kept = manifest.split(/\r?\n/).filter((line) => line.trim() !== '' && !/members|^workspace = \{|^\s*"crates\/a",?\s*(#.*)?$|^\]$/.test(line));
      for (const line of kept) expect(after, `lost: ${line}`).toContain(line);
      for (const comment of manifest.match(/#[^\r\n]*/g) ?? []) expect(after, `lost comment: ${comment}`).toContain(comment);
      const data = parse(after) as { workspace: { members: string[] } };
      expect(data.workspace.members.filter((member) => member.replace(/^\.\//, '') === 'crates/new')).toEqual(['crates/new']);
    } else {
      expect(after).toBe(manifest);
    }
    const metadata = await execa('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: join(root, 'crates', 'new'), reject: false });
    expect(metadata.exitCode, metadata.stderr).toBe(0);
    const packages = (JSON.parse(metadata.stdout) as { packages: { name: string }[] }).packages.map((pkg) => pkg.name);
    expect(packages).toContain('new');
  });
});
