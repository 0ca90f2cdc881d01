/**
 * Running a step's command: which cargo, for which target and linker, with
 * --message-format=json, and what this machine's toolchain is.
 */
import { execa } from 'execa';
import { hostOses, hostOsOfPlatform } from '../core/catalogue.js';
import { UsageError } from '../core/errors.js';
import { hasCore as sysrootHasCore } from '../io/sysroot.js';
import { parseCargoOutput, type BuildOutput } from './diagnostics.js';
import type { CourseOs } from './manifest.js';
import { splitCommand } from './command.js';

/** This machine's OS from the catalogue; an OS it has no link steps for is refused, never taken for Linux. */
export function thisOs(platform: string = process.platform): CourseOs {
  const os = hostOsOfPlatform[platform];
  if (os === undefined) throw new UsageError(`the course has link steps for ${hostOses.join(', ')}, and this machine runs ${platform}: pass --os <one of them> to write or verify another OS's course`);
  return os;
}

export interface Toolchain {
  /** The cargo to run: `cargo` from PATH, or a cross cargo such as scripts/xcargo. */
  cargo: string;
  /** rustc -vV of that toolchain. */
  version: string;
  release: string;
  host: string;
  sysroot?: string;
}

export async function describeToolchain(cargo: string, rustc = 'rustc'): Promise<Toolchain> {
  const result = await execa(rustc, ['-vV'], { reject: false });
  if (result.exitCode !== 0) throw new UsageError(`${rustc} -vV failed; install Rust with rustup (https://rustup.rs)`);
  const version = String(result.stdout).trim();
  const field = (name: string) => version.match(new RegExp(`^${name}: (.+)$`, 'm'))?.[1] ?? 'unknown';
  const sysroot = await execa(rustc, ['--print', 'sysroot'], { reject: false });
  return { cargo, version, release: field('release'), host: field('host'), sysroot: sysroot.exitCode === 0 ? String(sysroot.stdout).trim() : undefined };
}

/** A cross cargo (it builds `core` itself): its `cargo -vV` says which Rust it is. */
export async function describeCrossCargo(cargo: string, host: Toolchain): Promise<Toolchain> {
  const result = await execa(cargo, ['-vV'], { reject: false });
  if (result.exitCode !== 0) throw new UsageError(`--cargo ${cargo}: "${cargo} -vV" failed; name a cargo that builds cross targets`);
  const lines = String(result.stdout).trim().split('\n').filter((line) => /^(cargo |release|commit-hash|commit-date|host)/.test(line));
  const release = lines.find((line) => line.startsWith('release: '))?.slice('release: '.length) ?? 'unknown';
  return { cargo, version: [`cross cargo ${cargo.split('/').pop()}`, ...lines].join('\n'), release, host: host.host };
}

/** Is `core` for this target installed in the toolchain's sysroot? */
export function hasCore(toolchain: Toolchain, target: string): boolean {
  return toolchain.sysroot !== undefined && sysrootHasCore(toolchain.sysroot, target);
}

/** The linker a toolchain uses by default for an OS. */
export function defaultLinker(os: CourseOs, toolchain: Toolchain, cross: boolean): string {
  if (os === 'windows') return cross ? 'lld-link' : 'link.exe';
  if (os === 'macos') return cross ? 'ld64.lld' : 'ld64';
  // rust-lld became the default for x86_64 Linux in 1.90.
  const [major, minor] = toolchain.release.split('.').map(Number);
  return toolchain.host.startsWith('x86_64-unknown-linux') && (major > 1 || minor >= 90) ? 'rust-lld' : 'gnu-ld';
}

export const linkers: Record<CourseOs, string[]> = {
  linux: ['rust-lld', 'gnu-ld'],
  windows: ['link.exe', 'lld-link'],
  macos: ['ld64', 'ld64.lld'],
};

/** Extra cargo config that selects a linker, or stands in for what a cross machine lacks. */
export function linkerConfig(linker: string, triple: string): string[] {
  // Stable since 1.90 for x86_64 Linux: turn rust-lld off, the C driver then runs GNU ld.
  if (linker === 'gnu-ld' && triple === 'x86_64-unknown-linux-gnu') return ['--config', `target.${triple}.rustflags=["-C","linker-features=-lld"]`];
  // No MSVC libraries off Windows: rustc's /defaultlib:msvcrt would fail before anything the course is about.
  if (linker === 'lld-link') return ['--config', `target.${triple}.rustflags=["-C","link-arg=/NODEFAULTLIB"]`];
  return [];
}

export interface CargoRun extends BuildOutput {
  argv: string[];
  exitCode: number;
}

const groups = process.platform !== 'win32';
const running = new Set<ReturnType<typeof execa>>();
let stopOnExit = false;

/** Ends every cargo still running, with everything it started; its run then resolves as a failed build. */
export function stopCargo(): void {
  for (const child of running) {
    try {
      if (groups && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      else child.kill();
    } catch {
      // Already gone (ESRCH): it ended between its exit and our bookkeeping.
    }
  }
}

/** Runs a step's `cargo …` command with JSON diagnostics, for a target and linker. */
export async function runCargo(command: string, options: {
  cwd: string; cargo: string; targetDir: string; triple?: string; extra?: string[]; noRun?: boolean; env?: Record<string, string>;
}): Promise<CargoRun> {
  const words = splitCommand(command);
  if (words[0] !== 'cargo' || !words[1]) throw new UsageError(`a step's command must start with "cargo <subcommand>" (got "${command}")`);
  const [, subcommand, ...rest] = words;
  const split = rest.indexOf('--');
  const ours = rest.slice(0, split === -1 ? rest.length : split);
  const theirs = split === -1 ? [] : rest.slice(split);
  const added = ['--message-format=json'];
  if (options.triple && !ours.includes('--target')) added.push('--target', options.triple);
  if (options.noRun && subcommand === 'test') added.push('--no-run');
  const argv = [subcommand, ...added, ...(options.extra ?? []), ...ours, ...theirs];
  const child = execa(options.cargo, argv, {
    cwd: options.cwd, reject: false, timeout: 600_000,
    // Its own process group, so stopCargo ends rustc, build scripts and linkers with it (execa's own
    // cleanup ends cargo alone, and a build script it started kept running). Not on Windows: no groups.
    detached: groups,
    env: { CARGO_TARGET_DIR: options.targetDir, CARGO_TERM_COLOR: 'never', ...options.env },
  });
  running.add(child);
  if (!stopOnExit) {
    stopOnExit = true;
    // Every way out (a signal's exit 130, q in check --watch, an error) passes here, synchronously.
    process.on('exit', stopCargo);
  }
  const result = await child.finally(() => running.delete(child));
  const output = parseCargoOutput(String(result.stdout), String(result.stderr), result.exitCode ?? 1);
  return { ...output, argv: [options.cargo, ...argv], exitCode: result.exitCode ?? 1 };
}
