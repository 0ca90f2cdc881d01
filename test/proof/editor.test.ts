/**
 * A bare-metal project under rust-analyzer. Its default check is
 * `cargo check --workspace --all-targets`, which fails for a target without
 * `std` (`can't find crate for test`, in every file). The generated
 * .vscode/settings.json turns all-targets off and names the target; the check
 * rust-analyzer then runs is clean. Both are run here with real cargo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools, toolchainNeeds, xcargo } from '../support/tools.js';

const tmp = scratch('cf-editor-');
afterAll(tmp.cleanup);

/** The `cargo check` rust-analyzer runs for these settings (its flycheck). */
function flycheckArgs(settings: Record<string, unknown>): string[] {
  const args = ['check', '--workspace', '--message-format=json'];
  if (settings['rust-analyzer.cargo.allTargets'] !== false) args.push('--all-targets');
  const target = settings['rust-analyzer.cargo.target'];
  if (typeof target === 'string') args.push('--target', target);
  return args;
}

function errors(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { reason: string; message?: { level: string; message: string } })
    .filter((entry) => entry.reason === 'compiler-message' && entry.message?.level === 'error')
    .map((entry) => entry.message!.message);
}

describe('rust-analyzer on a bare-metal project', () => {
  it('reports can\'t find crate for `test` by default, and nothing with the generated settings', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.xcargo), skip)) return;
    const dir = join(tmp.dir, 'fw');
    const result = await runCli([dir, '-y', '-t', 'thumbv7em-none-eabihf']);
    expect(result.exitCode, result.stderr).toBe(0);
    const env = { CARGO_TARGET_DIR: join(repoRoot, '.tmp', 'target-xcargo-check') };
    const check = (args: string[]) => execa(xcargo, args.slice(0), { cwd: dir, reject: false, env });

    const byDefault = await check(flycheckArgs({}));
    expect(byDefault.exitCode).not.toBe(0);
    expect(errors(String(byDefault.stdout))).toContain('can\'t find crate for `test`');

    const settings = JSON.parse(readFileSync(join(dir, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    const configured = await check(flycheckArgs(settings));
    expect(configured.exitCode, String(configured.stderr)).toBe(0);
    expect(errors(String(configured.stdout))).toEqual([]);
    expect(String(configured.stderr)).not.toMatch(/warning/);
  });
});
