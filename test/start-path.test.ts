/**
 * The start-up rules of ARCHITECTURE.md ("The flag path"), checked on the
 * built command: a scaffold with every answer given loads none of the
 * built-in modules that cost it milliseconds. The tracer is first run on a
 * script that breaks each rule, so the check is known to see them.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, scratch } from './support/cli.js';

const work = scratch('cf-start-');
afterAll(() => work.cleanup());
const tracer = join(import.meta.dirname, 'support', 'trace-builtins.cjs');

/** The rule each module stands for (ARCHITECTURE.md says what each costs). */
const avoided: Record<string, string> = {
  crypto: 'node:crypto (lock and temporary names use FNV-1a and Math.random)',
  'internal/fs/promises': 'node:fs/promises (callbacks wrapped in promises where a signal must get in)',
  perf_hooks: 'the global performance (Date.now and process.uptime instead)',
  'internal/perf/performance': 'the global performance',
  'internal/abort_controller': 'AbortController (a plain interruption record)',
  net: 'process.stdout or process.stdin on a pipe (fs.writeSync on fds 1 and 2; isatty for the terminal check)',
  stream: 'process.stdout, process.stdin, or a library that needs streams',
  tty: 'node:tty before a question may be asked',
  child_process: 'execa or child_process (only --verify and doctor run programs)',
  readline: 'the prompt library (only when a question is asked)',
};

async function builtinsLoaded(args: string[]): Promise<string[]> {
  const result = await execa('node', ['--require', tracer, ...args], { reject: false, stdin: 'ignore' });
  const line = result.stderr.split('\n').find((text) => text.startsWith('builtins: '));
  expect(line, result.stderr).toBeDefined();
  return JSON.parse(line!.slice('builtins: '.length)) as string[];
}

describe('the flag path', () => {
  it('the tracer sees each avoided module when a script uses it', async () => {
    const loaded = await builtinsLoaded(['-e', [
      "require('node:crypto')", "require('node:fs/promises')", 'performance.now()', 'new AbortController()',
      "process.stdout.write('')", "require('node:tty')", "require('node:child_process')", "require('node:readline')",
    ].join(';')]);
    expect(Object.keys(avoided).filter((name) => !loaded.includes(name))).toEqual([]);
  });

  it('a scaffold with every answer given loads none of them', async () => {
    const loaded = await builtinsLoaded([cliPath, join(work.dir, 'fast'), '-y', '-t', 'linux']);
    expect(loaded.length).toBeGreaterThan(20);
    expect(loaded.filter((name) => name in avoided).map((name) => `${name}: ${avoided[name]}`)).toEqual([]);
  });
});
