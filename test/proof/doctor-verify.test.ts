/** `doctor` and `--verify` against this machine's real tools. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratch } from '../support/cli.js';
import { has, missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

/** A bare-metal target whose `core` rustup has not installed here (rustup has the host target only). */
function targetWithoutCore(): string {
  const installed = has('rustup', ['--version'])
    ? String(execFileSync('rustup', ['target', 'list', '--installed'])).split('\n')
    : [];
  const candidates = ['thumbv7em-none-eabihf', 'riscv64gc-unknown-none-elf', 'aarch64-unknown-none'];
  return candidates.find((triple) => !installed.includes(triple)) ?? candidates[0];
}

describe('doctor', () => {
  it('finds everything the host target needs and exits 0', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const result = await runCli(['doctor']);
    expect(result.stdout).toMatch(/^doctor: host$/m);
    expect(result.stdout).toMatch(/ok +cargo: cargo \d+\.\d+\.\d+/);
    expect(result.stdout).toMatch(/ok +rustc: \d+\.\d+\.\d+ \(naked functions need 1\.88 or newer\)/);
    expect(result.stdout).toMatch(/ok +linker: cc/);
    expect(result.stdout).toMatch(/^ready: /m);
    expect(result.exitCode).toBe(0);
  });

  it('reports a missing core with the rustup command that installs it, and exits 1', async ({ skip }) => {
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const triple = targetWithoutCore();
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
    if (!requireTools(missingTools(toolchainNeeds.rustup), skip)) return;
    const { dir, cleanup } = scratch();
    const triple = targetWithoutCore();
    try {
      const result = await runCli([join(dir, 'fw'), '-y', '-t', triple, '--verify']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^verify failed: missing core for ${triple.replace(/\./g, '\\.')} \\(rustup target add`));
    } finally {
      cleanup();
    }
  });
});
