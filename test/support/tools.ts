/**
 * Which real tools this machine has. Under CI=true a missing tool fails the
 * test that needs it; on a laptop that test is skipped with a loud reason.
 */
import { execaSync } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export const inCi = process.env.CI === 'true';
export const xcargo = join(repoRoot, 'scripts', 'xcargo');

const cache = new Map<string, boolean>();

export function has(command: string, args: string[] = ['--version']): boolean {
  const key = [command, ...args].join(' ');
  if (!cache.has(key)) {
    let ok = false;
    try {
      ok = execaSync(command, args, { reject: false, timeout: 20_000 }).exitCode === 0;
    } catch {
      ok = false;
    }
    cache.set(key, ok);
  }
  return cache.get(key)!;
}

/** The tools each toolchain of the catalogue needs, with what installs them. */
export const toolchainNeeds = {
  rustup: [{ command: 'cargo', args: ['--version'], install: 'rustup (https://rustup.rs)' }],
  xcargo: [
    { command: '/usr/bin/cargo', args: ['--version'], install: 'scripts/setup-toolchain.sh' },
    { command: 'ld.lld', args: ['--version'], install: 'scripts/setup-toolchain.sh' },
    { command: 'llvm-readobj', args: ['--version'], install: 'scripts/setup-toolchain.sh' },
  ],
} as const;

/** The Mach-O emulator (test/support/macho-run.py): Debian's python3 with its Unicorn module. */
export const emulatorNeeds = [
  { command: '/usr/bin/python3', args: ['-c', 'import unicorn'], install: 'scripts/setup-toolchain.sh (python3-unicorn, for /usr/bin/python3)' },
] as const;

/** The reason a toolchain cannot be used here, or undefined when it can. */
export function missingTools(needs: readonly { command: string; args: readonly string[]; install: string }[]): string | undefined {
  const missing = needs.filter((need) => !has(need.command, [...need.args]));
  if (missing.length === 0) return undefined;
  return `missing ${missing.map((need) => need.command).join(', ')}; install with ${missing[0].install}`;
}

/** The reason none of `paths` exists (a firmware image, say), or undefined when one does. */
export function missingFile(paths: readonly string[], install: string): string | undefined {
  if (paths.some((path) => existsSync(path))) return undefined;
  return `none of ${paths.join(', ')} exists; install with ${install}`;
}

/**
 * Call at the start of a test that needs tools: returns true to go on. Under CI a
 * missing tool throws (the suite fails); elsewhere it logs and the test returns early.
 */
export function requireTools(reason: string | undefined, skip: (note?: string) => void): boolean {
  if (reason === undefined) return true;
  if (inCi) throw new Error(`CI=true and a required tool is missing: ${reason}`);
  console.warn(`SKIPPED (not CI): ${reason}`);
  skip(reason);
  return false;
}
