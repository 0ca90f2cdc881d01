/** `doctor` and `--verify` against this machine's real tools. */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../generators/core/catalogue.js';
import { runCli, scratch } from '../support/cli.js';
import { has, missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

/**
 * A bare-metal target whose `core` rustup has not installed here (CI's rustup
 * has the host target only), or the reason there is none: a machine with every
 * core installed cannot show a missing one, so those tests skip (fail under CI).
 */
function targetWithoutCore(): { triple?: string; reason?: string } {
  const installed = has('rustup', ['--version'])
    ? String(execFileSync('rustup', ['target', 'list', '--installed'])).split('\n')
    : [];
  const triple = catalogue.flatMap((target) => (target.kind === 'bare-metal' ? [target.triple] : [])).find((candidate) => !installed.includes(candidate));
  return triple ? { triple } : { reason: 'rustup has every bare-metal core installed here, so none can be missing' };
}

describe('doctor', () => {
  it('finds everything the host target needs and exits 0', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const result = await runCli(['doctor']);
    expect(result.stdout).toMatch(/^doctor: host \(no --target, and no \[build\] target in a \.cargo\/config\.toml here or above\)$/m);
    expect(result.stdout).toMatch(/ok +cargo: cargo \d+\.\d+\.\d+/);
    expect(result.stdout).toMatch(/ok +rustc: \d+\.\d+\.\d+ \(naked functions \(`#\[unsafe\(naked\)\]`\) need Rust 1\.88 or newer\)/);
    expect(result.stdout).toMatch(/ok +linker: cc/);
    expect(result.stdout).toMatch(/^ready: /m);
    expect(result.exitCode).toBe(0);
  });

  it('reports a missing core with the rustup command that installs it, and exits 1', async ({ skip }) => {
    const { triple, reason } = targetWithoutCore();
    if (!requireTools(missingTools(toolchainNeeds.rustup) ?? reason, skip) || !triple) return;
    const result = await runCli(['doctor', '--target', triple, '--json']);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { name: string; ok: boolean; fix?: string }[] };
    expect(report.ok).toBe(false);
    const core = report.checks.find((check) => check.name === `core for ${triple}`)!;
    expect(core.ok).toBe(false);
    expect(core.fix).toMatch(new RegExp(`^rustup target add ${triple.replace(/\./g, '\\.')}`));
    const text = await runCli(['doctor', '-t', triple]);
    expect(text.stdout).toContain(`fix: rustup target add ${triple}`);
  });

  it('checks QEMU and its board for a runnable bare-metal target', async ({ skip }) => {
    if (!requireTools(missingTools([{ command: 'qemu-system-arm', args: ['--version'], install: 'scripts/setup-toolchain.sh' }]), skip)) return;
    const result = await runCli(['doctor', '-t', 'thumbv7em-none-eabihf', '--json']);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks.find((check) => check.name === 'QEMU')).toMatchObject({ ok: true, detail: 'qemu-system-arm with board mps2-an386' });
    // The exit status is the report's verdict (here rustup may lack this target's core).
    expect(report.ok).toBe(report.checks.every((check) => check.ok));
    expect(result.exitCode).toBe(report.ok ? 0 : 1);
  });
});

describe('doctor in a generated project', () => {
  it('checks the target cargo builds for there (its .cargo/config.toml), says where it read it, and is not ready where cargo build fails', async ({ skip }) => {
    const { triple, reason } = targetWithoutCore();
    if (!requireTools(missingTools(toolchainNeeds.rustup) ?? reason, skip) || !triple) return;
    const { dir, cleanup } = scratch();
    try {
      const project = join(dir, 'fw');
      expect((await runCli([project, '-y', '-t', triple])).exitCode).toBe(0);
      // From a folder below the project, as cargo finds its config.
      const result = await runCli(['doctor'], { cwd: join(project, 'src') });
      expect(result.stdout.split('\n')[0]).toBe(`doctor: ${triple} (read from ${join(project, ".cargo", "config.toml")} [build] target)`);
      expect(result.stdout).toContain(`MISSING core for ${triple}`);
      expect(result.stdout).not.toMatch(/^ready/m);
      expect(result.exitCode).toBe(1);
      // The verdict is cargo's: the build there fails for the missing core (E0463).
      const build = await execa('cargo', ['build'], { cwd: project, reject: false, env: { CARGO_TARGET_DIR: join(dir, 'target'), CARGO_TERM_COLOR: 'never' } });
      expect(build.exitCode).not.toBe(0);
      expect(build.stderr).toContain('E0463');
      const json = JSON.parse((await runCli(['doctor', '--json'], { cwd: project })).stdout) as { target: string; source: string };
      expect(json).toMatchObject({ target: triple, source: 'read from .cargo/config.toml [build] target' });
      // Without the cargo config, rust-toolchain.toml's one target is the hint.
      rmSync(join(project, '.cargo'), { recursive: true });
      const hint = await runCli(['doctor'], { cwd: project });
      expect(hint.stdout.split('\n')[0]).toBe(`doctor: ${triple} (read from rust-toolchain.toml targets)`);
      // --target still wins.
      expect((await runCli(['doctor', '--target', 'host'], { cwd: project })).stdout.split('\n')[0]).toBe('doctor: host');
    } finally {
      cleanup();
    }
  });
});

describe('--verify', () => {
  it('generates, builds and runs a host hello, ending with one verified line', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await runCli([join(dir, 'verified'), '-y', '--verify'], { env: { CARGO_TARGET_DIR: join(dir, 'target') } });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/^verify: cargo build --release$/m);
      expect(result.stderr.trim().split('\n').at(-1)).toBe('verified: verified builds and runs on host: Hello, world!');
    } finally {
      cleanup();
    }
  });

  it('fails for a target whose core is missing, naming the fix, exit 1', async ({ skip }) => {
    const { triple, reason } = targetWithoutCore();
    if (!requireTools(missingTools(toolchainNeeds.rustup) ?? reason, skip) || !triple) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await runCli([join(dir, 'fw'), '-y', '-t', triple, '--verify']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^verify failed: missing core for ${triple.replace(/\./g, '\\.')} \\(rustup target add`));
    } finally {
      cleanup();
    }
  });
});
