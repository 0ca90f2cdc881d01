/** Spawns the built CLI (bin → dist), as users run it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type Options } from 'execa';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const cliPath = join(repoRoot, 'bin', 'create-freestanding.cjs');

export function runCli(args: string[], options: Options = {}) {
  return execa('node', [cliPath, ...args], { reject: false, stdin: 'ignore', ...options });
}

/** A fresh scratch folder, removed by the returned cleanup. */
export function scratch(prefix = 'cf-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
