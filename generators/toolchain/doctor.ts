/**
 * What a target needs on this machine, checked against the real tools: cargo
 * and rustc (and their versions), the target's `core`, the linker, QEMU and its
 * board. Every missing piece comes with the command that fixes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { boards, findTarget, hostOsOfPlatform, minimumRustForAny, type BareMetalTarget, type HostOs, type Target, type UefiBoot } from '../core/catalogue.js';
import { print } from '../io/output.js';
import { hasCore } from '../io/sysroot.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** The exact command (or action) that fixes it; present when !ok. */
  fix?: string;
}

export interface DoctorReport {
  target: string;
  /** Where the target came from when no --target was given: the file (and key) read, or why host. */
  source?: string;
  ok: boolean;
  checks: Check[];
}

const machineOs: HostOs | 'other' = hostOsOfPlatform[process.platform] ?? 'other';

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
  const needed = minimumRustForAny(target);
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
  if (target.uefi) checks.push(firmwareCheck(target.uefi));
  return checks;
}

/** The firmware image qemu-uefi.sh would boot with: UEFI_FIRMWARE, else the first of its list that exists. */
function firmwareCheck(uefi: UefiBoot): Check {
  const chosen = process.env.UEFI_FIRMWARE;
  if (chosen) {
    return existsSync(chosen)
      ? { name: 'UEFI firmware', ok: true, detail: `${chosen} (from UEFI_FIRMWARE)` }
      : { name: 'UEFI firmware', ok: false, detail: `UEFI_FIRMWARE names ${chosen}, which does not exist`, fix: 'unset UEFI_FIRMWARE, or set it to your firmware\'s code image' };
  }
  const found = uefi.firmware.find((path) => existsSync(path));
  return found
    ? { name: 'UEFI firmware', ok: true, detail: found }
    : {
      name: 'UEFI firmware', ok: false, detail: `none of ${uefi.firmware.join(', ')}`,
      fix: `${packageHint(uefi.firmwareApt, 'qemu')}, or set UEFI_FIRMWARE to its code image`,
    };
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

/** `NAME : ORIGIN = x, LENGTH = y` lines of a linker script's MEMORY block. */
function memoryRegions(text: string): Map<string, { origin: bigint; length: string }> {
  const regions = new Map<string, { origin: bigint; length: string }>();
  for (const match of text.matchAll(/^\s*(\w+)\s*(?:\([^)]*\))?\s*:\s*ORIGIN\s*=\s*(0x[0-9a-f_]+|\d+)\s*,\s*LENGTH\s*=\s*([0-9a-fx_]+[KM]?)/gim)) {
    regions.set(match[1], { origin: BigInt(match[2].replaceAll('_', '')), length: match[3] });
  }
  return regions;
}

/**
 * The memory map, in one line: what QEMU's `Lockup: can't escalate 3 to
 * HardFault` (or a board that does nothing) means, and, in a project, how its
 * memory.x compares with the catalogue's map for the target. Information, not
 * a missing tool: memory.x is the user's to change for another chip.
 */
function memoryMapCheck(target: BareMetalTarget, cwd: string): Check {
  const lockup = '`Lockup: can\'t escalate 3 to HardFault` in QEMU, or a board that does nothing, means the memory map disagrees with the chip: the core found no valid stack pointer or reset vector where it looks; compare memory.x with the chip\'s manual';
  const path = join(cwd, 'memory.x');
  const { memory } = target;
  if (!memory || !existsSync(path)) return { name: 'memory map', ok: true, detail: lockup };
  const found = memoryRegions(readFileSync(path, 'utf8'));
  const expected: [string, string][] = target.family === 'cortex-m' || target.hardware?.memory.some((region) => region.name === 'FLASH')
    ? [['FLASH', memory.flashOrigin], ['RAM', memory.ramOrigin]]
    : [['RAM', memory.ramOrigin]];
  const differs = expected.filter(([name, origin]) => found.get(name)?.origin !== BigInt(origin));
  const detail = differs.length === 0
    ? `memory.x matches ${target.id}'s map (${expected.map(([name, origin]) => `${name} at ${origin}`).join(', ')}); ${lockup}`
    : `memory.x differs from ${target.id}'s map (${differs.map(([name, origin]) => `${name} ${found.has(name) ? `at 0x${found.get(name)!.origin.toString(16)}` : 'missing'}, expected ${origin}`).join('; ')}); ${lockup}`;
  return { name: 'memory map', ok: true, detail };
}

export async function diagnose(target: Target, cwd = process.cwd()): Promise<DoctorReport> {
  const { checks, sysroot, hostTriple } = await toolchainChecks(target, cwd);
  checks.push(...(target.kind === 'bare-metal'
    ? [...await bareMetalChecks(target, sysroot, hostTriple), ...(target.memory ? [memoryMapCheck(target, cwd)] : [])]
    : await hostChecks(target.oses)));
  return { target: target.id, ok: checks.every((check) => check.ok), checks };
}

export function formatReport(report: DoctorReport): string {
  const lines = [`doctor: ${report.target}${report.source ? ` (${report.source})` : ''}`];
  for (const check of report.checks) {
    lines.push(`  ${check.ok ? 'ok     ' : 'MISSING'} ${check.name}: ${check.detail}`);
    if (check.fix) lines.push(`          fix: ${check.fix}`);
  }
  const missing = report.checks.filter((check) => !check.ok).length;
  lines.push(missing === 0 ? `ready: everything ${report.target} needs is here` : `${missing} missing: run the fix shown for each`);
  return lines.join('\n');
}

type Parse = (text: string) => unknown;
type Table = Record<string, unknown>;
const isTable = (value: unknown): value is Table => Boolean(value) && typeof value === 'object' && !Array.isArray(value);

/** A TOML file as data, or undefined when absent or broken (cargo and rustup report those themselves). */
function readToml(path: string, parse: Parse): Table | undefined {
  try {
    const table = parse(readFileSync(path, 'utf8'));
    return isTable(table) ? table : undefined;
  } catch {
    return undefined;
  }
}

const single = (value: unknown): string | undefined => (typeof value === 'string' ? value
  : Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' ? value[0] : undefined);

/**
 * The target `cargo build` in `cwd` builds for, as cargo decides it:
 * CARGO_BUILD_TARGET, else the nearest `.cargo/config.toml` (or `config`)
 * at or above `cwd` that sets `[build] target`, else `$CARGO_HOME/config.toml`.
 * Failing those, a rust-toolchain.toml naming one target (rustup's list, a hint).
 */
export async function projectTarget(cwd: string): Promise<{ triple?: string; source: string }> {
  const fromEnv = process.env.CARGO_BUILD_TARGET;
  if (fromEnv) return { triple: fromEnv, source: 'read from CARGO_BUILD_TARGET' };
  const parse = (await import('smol-toml')).parse as Parse;
  const shown = (path: string) => (relative(cwd, path).startsWith('..') ? path : relative(cwd, path) || path);
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) break;
  }
  const configs = [...dirs.flatMap((dir) => [join(dir, '.cargo', 'config.toml'), join(dir, '.cargo', 'config')]),
    join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'config.toml')];
  for (const path of configs) {
    const config = readToml(path, parse);
    const build = config?.build;
    const triple = isTable(build) ? single(build.target) : undefined;
    if (triple) {
      // A board's project: its runner names the QEMU machine (`-machine raspi3b`), which tells the board from the bare target.
      const section = triple.split('.').reduce<unknown>((table, key) => (isTable(table) ? table[key] : undefined), config?.target);
      const runner = isTable(section) && typeof section.runner === 'string' ? section.runner : '';
      const board = boards.find((entry) => entry.triple === triple && new RegExp(`-machine ${entry.qemu.machine}(\\s|$)`).test(runner));
      // The bare target may run on the same machine (thumbv6m-none-eabi on QEMU's microbit): then only a board's hello, on the board's UART (src/uart.rs), tells them apart.
      const sameMachine = board && findTarget(triple)?.kind === 'bare-metal' && (findTarget(triple) as BareMetalTarget).board?.machine === board.qemu.machine;
      if (board && (!sameMachine || existsSync(join(dirname(dirname(path)), 'src', 'uart.rs')))) {
        return { triple: board.id, source: `read from ${shown(path)} [build] target and the runner's QEMU machine` };
      }
      return { triple, source: `read from ${shown(path)} [build] target` };
    }
  }
  for (const path of dirs.flatMap((dir) => [join(dir, 'rust-toolchain.toml'), join(dir, 'rust-toolchain')])) {
    const toolchain = readToml(path, parse)?.toolchain;
    const triple = isTable(toolchain) ? single(toolchain.targets) : undefined;
    if (triple) return { triple, source: `read from ${shown(path)} targets` };
  }
  return { source: 'no --target, and no [build] target in a .cargo/config.toml here or above' };
}

export async function runDoctor(options: { target?: string; json: boolean }): Promise<number> {
  let target = findTarget(options.target ?? 'host')!;
  let source: string | undefined;
  if (options.target === undefined) {
    // Run in a project, doctor checks what `cargo build` there needs, not the host's.
    const found = await projectTarget(process.cwd());
    const known = found.triple ? findTarget(found.triple) : undefined;
    if (known) target = known;
    source = found.triple && !known ? `${found.source} is ${found.triple}, which doctor has no checks for; the host checked instead (pass --target)` : found.source;
  }
  const report = { ...(await diagnose(target)), ...(source ? { source } : {}) };
  print(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? 0 : 1;
}
