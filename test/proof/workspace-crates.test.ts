/**
 * Several generated crates in one Cargo workspace, as a monorepo has them:
 * every cargo command is clean — no output filename collision (each library
 * is named after its package) and no "profiles for the non root package"
 * warning (members carry no profiles; the root's apply).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const tmp = scratch('cf-ws2-');
afterAll(tmp.cleanup);

const root = `[workspace]
resolver = "2"
members = []

[profile.dev]
panic = "abort"

[profile.release]
panic = "abort"
`;

describe('two generated crates in one workspace', () => {
  it('build, test, document and run with no warning at all', async ({ skip }) => {
    writeFileSync(join(tmp.dir, 'Cargo.toml'), root);
    for (const [dir, template] of [['crates/kernel', 'hello'], ['crates/loader', 'minimal']]) {
      const result = await runCli([join(tmp.dir, dir), '-y', '-t', 'linux', '--template', template]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      const manifest = parse(readFileSync(join(tmp.dir, dir, 'Cargo.toml'), 'utf8')) as Record<string, unknown>;
      expect(manifest.profile).toBeUndefined();
    }
    expect((parse(readFileSync(join(tmp.dir, 'Cargo.toml'), 'utf8')) as any).workspace.members).toEqual(['crates/kernel', 'crates/loader']);
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const cargo = (args: string[]) => execa('cargo', args, {
      cwd: tmp.dir, reject: false, stripFinalNewline: false, env: { CARGO_TERM_COLOR: 'never' },
    });
    for (const args of [['build', '--release'], ['doc', '--no-deps'], ['test'], ['metadata', '--no-deps', '--format-version', '1']]) {
      const result = await cargo(args);
      expect(result.exitCode, `cargo ${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stderr, `cargo ${args.join(' ')}`).not.toMatch(/warning|collision|error/i);
    }
    const run = await cargo(['run', '--release', '--quiet', '-p', 'kernel']);
    expect(run.stdout, run.stderr).toBe('Hello, world!\n');
  });
});
