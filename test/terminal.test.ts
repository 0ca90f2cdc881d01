/** The interactive path, on a real pseudo-terminal (util-linux `script`). */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cliPath, scratch } from './support/cli.js';
import { missingTools, requireTools } from './support/tools.js';

const needScript = (skip: (note?: string) => void) =>
  requireTools(missingTools([{ command: 'script', args: ['--version'], install: 'apt-get install bsdutils' }]), skip);

/** Starts the CLI on a pty; `keys` are typed one group at a time once the output shows `waitFor`. */
async function onTerminal(args: string[], cwd: string, steps: { waitFor: string; keys: string }[], env: Record<string, string> = {}) {
  const command = ['node', cliPath, ...args].map((arg) => `'${arg}'`).join(' ');
  const child = execa('script', ['-qefc', command, '/dev/null'], { cwd, reject: false, env: { TERM: 'xterm', COLUMNS: '120', ...env } });
  // The CI question (default none) comes last: Enter takes its default once the others are answered.
  const all = args.includes('--ci') ? steps : [...steps, { waitFor: 'Continuous integration', keys: '\r' }];
  let seen = '';
  let step = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    while (step < all.length && seen.includes(all[step].waitFor)) {
      child.stdin!.write(all[step].keys);
      seen = '';
      step += 1;
    }
  });
  const timer = setTimeout(() => child.kill(), 20_000);
  const result = await child;
  clearTimeout(timer);
  return result;
}

describe('on a terminal', () => {
  it('asks only for what is missing and generates the answer', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const down = '\u001b[B';
      const result = await onTerminal(['asked', '--edition', '2021'], dir, [
        { waitFor: 'Target', keys: `${down}\r` }, // second entry: linux
        { waitFor: 'Template', keys: `${down}\r` }, // minimal
      ]);
      expect(result.exitCode, String(result.stdout)).toBe(0);
      expect(String(result.stdout)).not.toContain('Project directory');
      expect(String(result.stdout)).not.toContain('Rust edition');
      const manifest = readFileSync(join(dir, 'asked', 'Cargo.toml'), 'utf8');
      expect(manifest).toContain('edition = "2021"');
      expect(readFileSync(join(dir, 'asked', 'src', 'main.rs'), 'utf8')).toContain('loop {}');
      expect(existsSync(join(dir, 'asked', 'src', 'os', 'windows.rs'))).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('exits 130 on Ctrl-C and leaves nothing on disk', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await onTerminal(['cancelled'], dir, [{ waitFor: 'Target', keys: '\u0003' }]);
      expect(result.exitCode).toBe(130);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

describe('answers checked as they are given', () => {
  it('asks again at once for a non-empty directory, offering a free one, and keeps the later answers', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      mkdirSync(join(dir, 'taken'));
      writeFileSync(join(dir, 'taken', 'notes.txt'), 'mine');
      const result = await onTerminal(['--edition', '2021'], dir, [
        { waitFor: 'Project directory', keys: 'taken\r' },
        // Asked again before any other question, with taken-2 offered: accept it.
        { waitFor: 'suggested: taken-2', keys: '\r' },
        { waitFor: 'Target', keys: '\r' },
        { waitFor: 'Template', keys: '\r' },
      ]);
      const output = String(result.stdout);
      expect(result.exitCode, output).toBe(0);
      expect(output.indexOf('taken is not empty')).toBeLessThan(output.indexOf('Target'));
      expect(readFileSync(join(dir, 'taken-2', 'Cargo.toml'), 'utf8')).toContain('name = "taken-2"');
      expect(readdirSync(join(dir, 'taken'))).toEqual(['notes.txt']);
    } finally {
      cleanup();
    }
  });

  it('asks for the crate name when the directory cannot be one, offering a valid name', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await onTerminal(['My OS', '-t', 'linux', '--template', 'hello', '--edition', '2024'], dir, [
        { waitFor: 'Crate name', keys: '\r' },
      ]);
      expect(result.exitCode, String(result.stdout)).toBe(0);
      expect(String(result.stdout)).toContain('(my-os)');
      expect(readFileSync(join(dir, 'My OS', 'Cargo.toml'), 'utf8')).toContain('name = "my-os"');
    } finally {
      cleanup();
    }
  });

  it('asks again for an invalid crate name and expands ~ typed at the prompt', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await onTerminal(['-t', 'linux', '--template', 'hello', '--edition', '2024'], dir, [
        { waitFor: 'Project directory', keys: '~/9lives\r' },
        { waitFor: 'Crate name', keys: '\u0015fn\r' }, // clear the offer, type a keyword
        { waitFor: 'try again', keys: '\r' },
      ], { HOME: dir });
      const output = String(result.stdout);
      expect(result.exitCode, output).toBe(0);
      expect(output).toContain('invalid crate name: "fn" is a Rust keyword');
      expect(existsSync(join(dir, '~'))).toBe(false);
      expect(readFileSync(join(dir, '9lives', 'Cargo.toml'), 'utf8')).toMatch(/name = "[a-z][\w-]*"/);
    } finally {
      cleanup();
    }
  });
});

describe('answers given as flags or the directory, checked before the first question', () => {
  it('asks again at once for a non-empty directory given on the command line', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      mkdirSync(join(dir, 'full'));
      writeFileSync(join(dir, 'full', 'notes.txt'), 'mine');
      const result = await onTerminal(['full', '--edition', '2024'], dir, [
        { waitFor: 'suggested: full-2', keys: '\r' },
        { waitFor: 'Target', keys: '\r' },
        { waitFor: 'Template', keys: '\r' },
      ]);
      const output = String(result.stdout);
      expect(result.exitCode, output).toBe(0);
      // Before: target, template and edition were asked, then the run was refused.
      expect(output.indexOf('full is not empty')).toBeGreaterThan(-1);
      expect(output.indexOf('full is not empty')).toBeLessThan(output.indexOf('Target'));
      expect(readFileSync(join(dir, 'full-2', 'Cargo.toml'), 'utf8')).toContain('name = "full-2"');
      expect(readdirSync(join(dir, 'full'))).toEqual(['notes.txt']);
    } finally {
      cleanup();
    }
  });

  it('asks again at once for a --name that cannot be a crate name', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await onTerminal(['kw', '--name', 'fn', '--template', 'hello', '--edition', '2024'], dir, [
        { waitFor: 'Crate name', keys: '\r' }, // the offered fn-app
        { waitFor: 'Target', keys: '\r' },
      ]);
      const output = String(result.stdout);
      expect(result.exitCode, output).toBe(0);
      expect(output).toContain('invalid crate name: "fn" is a Rust keyword; try again (suggested: fn-app)');
      expect(output.indexOf('Rust keyword')).toBeLessThan(output.indexOf('Target'));
      expect(readFileSync(join(dir, 'kw', 'Cargo.toml'), 'utf8')).toContain('name = "fn-app"');
    } finally {
      cleanup();
    }
  });

  it('asks for the crate name of a directory named con at once when the target given includes Windows', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await onTerminal(['con', '-t', 'host'], dir, [
        { waitFor: 'Crate name', keys: '\r' },
        { waitFor: 'Template', keys: '\r' },
        { waitFor: 'Rust edition', keys: '\r' },
      ]);
      const output = String(result.stdout);
      expect(result.exitCode, output).toBe(0);
      expect(output).toContain('reserved Windows file name');
      expect(output.indexOf('Crate name')).toBeLessThan(output.indexOf('Template'));
      expect(readFileSync(join(dir, 'con', 'Cargo.toml'), 'utf8')).toContain('name = "con-app"');
    } finally {
      cleanup();
    }
  });

  it('asks for the crate name of con right after a Windows target is chosen, before the template', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await onTerminal(['con'], dir, [
        { waitFor: 'Target', keys: '\r' }, // host, which includes Windows
        { waitFor: 'Crate name', keys: '\r' },
        { waitFor: 'Template', keys: '\r' },
        { waitFor: 'Rust edition', keys: '\r' },
      ]);
      const output = String(result.stdout);
      expect(result.exitCode, output).toBe(0);
      expect(output.indexOf('reserved Windows file name')).toBeLessThan(output.indexOf('Template'));
      expect(readFileSync(join(dir, 'con', 'Cargo.toml'), 'utf8')).toContain('name = "con-app"');
    } finally {
      cleanup();
    }
  });

  it('asks again for an unknown -t, offering the target it most likely meant', async ({ skip }) => {
    if (!needScript(skip)) return;
    const { dir, cleanup } = scratch();
    try {
      const result = await onTerminal(['fw', '-t', 'thumbv7em', '--template', 'minimal', '--edition', '2024'], dir, [
        { waitFor: 'Target', keys: '\r' }, // the offer: thumbv7em-none-eabi
      ]);
      const output = String(result.stdout);
      expect(result.exitCode, output).toBe(0);
      expect(output).toContain('unknown target "thumbv7em"; did you mean thumbv7em-none-eabi or thumbv7em-none-eabihf?');
      expect(readFileSync(join(dir, 'fw', '.cargo', 'config.toml'), 'utf8')).toContain('target = "thumbv7em-none-eabi"');
    } finally {
      cleanup();
    }
  });
});
