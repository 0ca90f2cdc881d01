/**
 * What a target needs on this machine, checked against the real tools: cargo
 * and rustc (and their versions), the target's `core`, the linker, QEMU and its
 * board. Every missing piece comes with the command that fixes it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { findTarget, minimumRustFor, type BareMetalTarget, type HostOs, type Target } from '../core/catalogue.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** The exact command (or action) that fixes it; present when !ok. */
  fix?: string;
}

export interface DoctorReport {
  target: string;
  ok: boolean;
  checks: Check[];
}

const machineOs: HostOs | 'other' =
  process.platform === 'linux' ? 'linux' : process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'macos' : 'other';

const installRust = process.platform === 'win32'
  ? 'winget install Rustlang.Rustup'
  : "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh";

/** Runs a command; its trimmed stdout, or undefined when it is missing or fails. */
async function output(file: string, args: string[], cwd?: string): Promise<string | undefined> {
  try {
    const result = await execa(file, args, { cwd, reject: false, timeout: 20_000 });
    return result.exitCode === 0 ? String(result.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

const versionOf = (text: string | undefined) => text?.match(/(\d+)\.(\d+)\.(\d+)/);

function atLeast(version: RegExpMatchArray, minimum: string): boolean {
  const [major, minor] = minimum.split('.').map(Number);
  const [have, haveMinor] = [Number(version[1]), Number(version[2])];
  return have > major || (have === major && haveMinor >= minor);
}

const packageHint = (apt: string, brew: string) => `sudo apt-get install ${apt}   (macOS: brew install ${brew})`;

async function toolchainChecks(target: Target, cwd: string): Promise<{ checks: Check[]; sysroot?: string; hostTriple?: string }> {
  const cargo = await output('cargo', ['--version'], cwd);
  const rustcVerbose = await output('rustc', ['-vV'], cwd);
  const checks: Check[] = [
    cargo
      ? { name: 'cargo', ok: true, detail: cargo }
      : { name: 'cargo', ok: false, detail: 'not found on PATH', fix: installRust },
  ];
  const rustcVersion = versionOf(rustcVerbose);
  if (!rustcVerbose || !rustcVersion) {
    checks.push({ name: 'rustc', ok: false, detail: 'not found on PATH', fix: installRust });
    return { checks };
  }
  const needed = minimumRustFor(target);
  const tooOld = !atLeast(rustcVersion, needed.version);
  checks.push({
    name: 'rustc',
    ok: !tooOld,
    detail: `${rustcVersion[0]} (${needed.why} or newer)`,
    ...(tooOld ? { fix: 'rustup update stable' } : {}),
  });
  const hostTriple = rustcVerbose.match(/^host: (\S+)/m)?.[1];
  const sysroot = await output('rustc', ['--print', 'sysroot'], cwd);
  return { checks, sysroot, hostTriple };
}

function hasCore(sysroot: string, triple: string): boolean {
  const lib = join(sysroot, 'lib', 'rustlib', triple, 'lib');
  return existsSync(lib) && readdirSync(lib).some((file) => file.startsWith('libcore-') && file.endsWith('.rlib'));
}

async function bareMetalChecks(target: BareMetalTarget, sysroot: string | undefined, hostTriple: string | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  if (sysroot) {
    const rustup = await output('rustup', ['--version']);
    checks.push(hasCore(sysroot, target.triple)
      ? { name: `core for ${target.triple}`, ok: true, detail: 'installed' }
      : {
        name: `core for ${target.triple}`, ok: false,
        detail: `not installed in ${sysroot} (the compiler says "can't find crate for \`core\`")`,
        fix: rustup
          ? `rustup target add ${target.triple}   (or, in the project: rustup toolchain install)`
          : `install rustup (${installRust}), then rustup target add ${target.triple}`,
      });
    const bundledLld = hostTriple ? join(sysroot, 'lib', 'rustlib', hostTriple, 'bin', process.platform === 'win32' ? 'rust-lld.exe' : 'rust-lld') : undefined;
    const pathLld = bundledLld && existsSync(bundledLld) ? bundledLld : (await output('rust-lld', ['-flavor', 'gnu', '--version'])) ? 'rust-lld on PATH' : undefined;
    checks.push(pathLld
      ? { name: 'linker', ok: true, detail: `rust-lld (${pathLld})` }
      : {
        name: 'linker', ok: false, detail: 'rust-lld not found (rustup toolchains ship it)',
        fix: `rustup toolchain install stable, or ${packageHint('lld', 'lld')} and set linker = "ld.lld" for ${target.triple}`,
      });
  }
  const board = target.board;
  if (!board || !target.runnable) {
    checks.push({ name: 'QEMU', ok: true, detail: 'not needed: QEMU has no board for this target (build-only)' });
    return checks;
  }
  const machines = await output(board.program, ['-machine', 'help']);
  if (machines === undefined) {
    checks.push({ name: 'QEMU', ok: false, detail: `${board.program} not found`, fix: packageHint(board.aptPackage, board.brewFormula) });
  } else {
    const hasBoard = new RegExp(`^${board.machine.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`, 'm').test(machines);
    checks.push(hasBoard
      ? { name: 'QEMU', ok: true, detail: `${board.program} with board ${board.machine}` }
      : { name: 'QEMU', ok: false, detail: `${board.program} lacks board ${board.machine}`, fix: `upgrade QEMU: ${packageHint(board.aptPackage, board.brewFormula)}` });
  }
  return checks;
}

async function hostChecks(oses: readonly HostOs[]): Promise<Check[]> {
  if (machineOs === 'other' || !oses.includes(machineOs)) {
    const where = oses.map((os) => ({ linux: 'Linux', windows: 'Windows', macos: 'macOS' })[os]).join(' or ');
    return [{
      name: 'platform', ok: false, detail: `this project builds on ${where}; this machine runs ${process.platform}`,
      fix: 'build it on that system, or generate it with --target host',
    }];
  }
  const checks: Check[] = [{ name: 'platform', ok: true, detail: process.platform }];
  if (machineOs === 'windows') {
    const link = await output('where', ['link.exe']);
    checks.push(link
      ? { name: 'linker', ok: true, detail: link.split(/\r?\n/)[0] }
      : { name: 'linker', ok: false, detail: 'link.exe (MSVC) not on PATH', fix: 'winget install Microsoft.VisualStudio.2022.BuildTools (C++ workload), then use a Developer prompt' });
  } else {
    const cc = await output('cc', ['--version']);
    checks.push(cc
      ? { name: 'linker', ok: true, detail: `cc: ${cc.split('\n')[0]}` }
      : { name: 'linker', ok: false, detail: 'cc not found (cargo links through it)', fix: machineOs === 'macos' ? 'xcode-select --install' : 'sudo apt-get install gcc' });
  }
  return checks;
}

export async function diagnose(target: Target, cwd = process.cwd()): Promise<DoctorReport> {
  const { checks, sysroot, hostTriple } = await toolchainChecks(target, cwd);
  checks.push(...(target.kind === 'bare-metal'
    ? await bareMetalChecks(target, sysroot, hostTriple)
    : await hostChecks(target.oses)));
  return { target: target.id, ok: checks.every((check) => check.ok), checks };
}

export function formatReport(report: DoctorReport): string {
  const lines = [`doctor: ${report.target}`];
  for (const check of report.checks) {
    lines.push(`  ${check.ok ? 'ok     ' : 'MISSING'} ${check.name}: ${check.detail}`);
    if (check.fix) lines.push(`          fix: ${check.fix}`);
  }
  const missing = report.checks.filter((check) => !check.ok).length;
  lines.push(missing === 0 ? `ready: everything ${report.target} needs is here` : `${missing} missing: run the fix shown for each`);
  return lines.join('\n');
}

export async function runDoctor(options: { target?: string; json: boolean }): Promise<number> {
  const target = findTarget(options.target ?? 'host')!;
  const report = await diagnose(target);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? 0 : 1;
}
