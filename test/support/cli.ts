/** Spawns the built CLI (bin → dist), as users run it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type Options, type Result } from 'execa';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const cliPath = join(repoRoot, 'bin', 'create-freestanding.cjs');

/** What a finished run of the CLI gives: its output as text, never lines or bytes (no such option is used). */
export type CliResult = Result<{ reject: false }>;

export function runCli(args: string[], options: Omit<Options, 'lines' | 'encoding' | 'buffer'> = {}): Promise<CliResult> {
  return execa('node', [cliPath, ...args], { reject: false, stdin: 'ignore', ...options }) as unknown as Promise<CliResult>;
}

/** A fresh scratch folder, removed by the returned cleanup. */
export function scratch(prefix = 'cf-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
