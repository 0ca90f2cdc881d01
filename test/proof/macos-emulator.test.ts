/**
 * The macOS hellos executed under the Mach-O emulator (test/support/macho-run.py)
 * in both link-argument modes, and the emulator and signature checks shown to
 * fail on what they must refuse: a system call the harness does not answer,
 * an unmapped access, a page whose bytes no longer match its hash. The
 * matrix runs hello, panic and minimal (build-rs) through the catalogue.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { findTarget, linkArgModes, type BuildProof } from '../../generators/core/catalogue.js';
import { repoRoot, runCli, scratch } from '../support/cli.js';
import { checkAdHocSignature } from '../support/codesign.js';
import { emulatorNeeds, missingTools, requireTools, toolchainNeeds, xcargo } from '../support/tools.js';

const projects = scratch('cf-macho-');
afterAll(projects.cleanup);
const targetDir = join(repoRoot, '.tmp', 'target-xcargo');
const macos = findTarget('macos')!;
const needs = () => missingTools([...toolchainNeeds.xcargo, ...emulatorNeeds, { command: 'clang-16', args: ['--version'], install: 'scripts/setup-toolchain.sh' }]);

async function build(name: string, args: string[], triple: string, edit?: (dir: string) => void): Promise<string> {
  const dir = join(projects.dir, name);
  const made = await runCli([dir, '-t', 'macos', '--template', 'hello', '--edition', '2024', ...args]);
  expect(made.exitCode, made.stderr).toBe(0);
  edit?.(dir);
  const result = await execa(xcargo, ['build', '--release', '--target', triple], {
    cwd: dir, reject: false, env: { CARGO_TARGET_DIR: targetDir, CARGO_TERM_COLOR: 'never' },
  });
  expect(result.exitCode, String(result.stderr).slice(-3000)).toBe(0);
  return join(targetDir, triple, 'release', name);
}

function emulate(proof: BuildProof, binary: string) {
  const [python, script] = proof.run!.command!;
  return execa(python, [join(repoRoot, script), '--trace', binary], { reject: false, timeout: 120_000, stripFinalNewline: false });
}

function edit(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  expect(text, `${path} should contain ${from}`).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

describe.each(macos.proofs)('$triple under the Mach-O emulator', (proof) => {
  const short = proof.triple.split('-')[0];

  it.for(linkArgModes)('hello built with --link-args %s prints Hello, world! and exits 0', async (mode, { skip }) => {
    if (!requireTools(needs(), skip)) return;
    const binary = await build(`e-${short}-${mode}`, ['--link-args', mode], proof.triple);
    const run = await emulate(proof, binary);
    expect(run.stdout, run.stderr).toBe('Hello, world!\n');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/write\(1, 0x[0-9a-f]+, 14\) = 14/);
    expect(run.stderr).toMatch(/exit\(0\)/);
    console.log(`${proof.triple} (${mode}):\n${run.stderr}`);
  });

  it('refuses a system call it does not implement (exit 125, named)', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    // As if the template had the wrong number for write: getpid (20) instead of 4.
    const binary = await build(`e-${short}-getpid`, [], proof.triple, (dir) => {
      const os = join(dir, 'src', 'os.rs'); // a macos project's OS layer is this one file
      edit(os, 'inlateout("rax") 0x200_0004usize => n', 'inlateout("rax") 0x200_0014usize => n');
      edit(os, 'in("x16") 4usize', 'in("x16") 20usize');
    });
    const run = await emulate(proof, binary);
    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(/FAILED: Darwin system call 20 \(getpid\) at 0x[0-9a-f]+: not emulated/);
    expect(run.stdout).toBe('');
  });

  it('refuses an access to unmapped memory (exit 125, the address named)', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const binary = await build(`e-${short}-unmapped`, [], proof.triple, (dir) => {
      // __PAGEZERO: the first 4 GiB are no-access on macOS.
      edit(join(dir, 'src', 'main.rs'), 'fn main() -> ! {\n', 'fn main() -> ! {\n    // SAFETY: none; this read must fault.\n    let _ = unsafe { core::ptr::read_volatile(0x1000 as *const u8) };\n');
    });
    const run = await emulate(proof, binary);
    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(/FAILED: .*unmapped or forbidden address 0x1000\b/);
  });

  if (proof.inspect.format === 'macho' && proof.inspect.signature === 'ad-hoc') {
    it('carries an ad-hoc signature whose page hashes match; one changed byte breaks it', async ({ skip }) => {
      if (!requireTools(needs(), skip)) return;
      const binary = await build(`e-${short}-signed`, [], proof.triple);
      const signature = checkAdHocSignature(binary);
      expect(signature.linkerSigned).toBe(true);
      // ld64.lld names the signature after the file it linked: cargo's deps/<crate>-<hash>.
      expect(signature.identifier).toMatch(new RegExp(`^e_${short}_signed-[0-9a-f]{16}$`));
      expect(signature.pages).toBeGreaterThan(0);
      const tampered = join(projects.dir, 'tampered');
      copyFileSync(binary, tampered);
      const bytes = readFileSync(tampered);
      bytes[0x400] ^= 0xff; // inside __text, in page 0
      writeFileSync(tampered, bytes);
      expect(() => checkAdHocSignature(tampered)).toThrow(/page 0 hash .* does not match its contents/);
    });
  }
});
