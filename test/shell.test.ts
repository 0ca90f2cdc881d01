/** Next steps pasted into real shells: the cd lands in the directory and nothing in its name runs. */
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cdCommand, powerShellWord } from '../generators/core/shell.js';
import { scratch } from './support/cli.js';
import { missingTools, requireTools } from './support/tools.js';

const hostile = [
  'x$(touch PWNED)', 'x`touch PWNED`', 'x;touch PWNED', 'x && touch PWNED', 'wow!!', '!touch', "it's", 'a"b', 'a b',
  'back\\slash', 'trailing\\', "\\'", '-x', '--', '~x', '*', '{a,b}', '$HOME', '%self', '=ls', 'tab\there', 'new\nline', 'ü ñ',
];

/** Shells as pasted into: interactive (history expansion on in bash), no rc files. */
const shells = [
  { name: 'bash', args: ['--norc', '--noprofile', '-i'] },
  { name: 'zsh', args: ['-f', '-i'] },
  { name: 'fish', args: ['--no-config', '-i'] },
];

const work = scratch('cf-shell-');
afterAll(() => work.cleanup());

describe('cdCommand', () => {
  it('quotes nothing that needs no quoting, keeps ~ expandable, and makes a relative path ./ (no option, no CDPATH)', () => {
    expect(cdCommand('my-os', 'linux')).toBe('cd ./my-os');
    expect(cdCommand('/abs/my-os', 'linux')).toBe('cd /abs/my-os');
    expect(cdCommand('../up', 'linux')).toBe('cd ../up');
    expect(cdCommand('-x', 'linux')).toBe('cd ./-x');
    expect(cdCommand('~/my os', 'darwin')).toBe("cd ~/'my os'");
    expect(cdCommand("it's", 'linux')).toBe("cd './it'\\''s'");
    expect(cdCommand("C:\\it's ‘here’", 'win32')).toBe("Set-Location -LiteralPath 'C:\\it''s ‘‘here’’'");
    expect(powerShellWord('$(calc)')).toBe("'$(calc)'");
  });

  for (const shell of shells) {
    it(`is safe to paste into ${shell.name}`, async ({ skip }) => {
      if (!requireTools(missingTools([{ command: shell.name, args: ['--version'], install: 'scripts/setup-toolchain.sh (apt-get install zsh fish)' }]), skip)) return;
      const root = join(work.dir, shell.name);
      mkdirSync(root);
      for (const [index, name] of hostile.entries()) {
        const parent = join(root, String(index));
        mkdirSync(join(parent, name), { recursive: true });
        const command = cdCommand(name, 'linux');
        expect(command).not.toContain('\n');
        // The pasted lines come from a file redirected by sh: fish does not read a script from node's stdin socket.
        const pasted = join(root, 'pasted');
        writeFileSync(pasted, `${command}\nprintf '%s' "$PWD" > "$LANDED"\nexit\n`);
        const result = await execa('sh', ['-c', 'exec "$0" "$@" < "$PASTED"', shell.name, ...shell.args], {
          cwd: parent, reject: false,
          env: { HOME: parent, PATH: process.env.PATH, TERM: 'dumb', LANDED: join(root, 'landed'), PASTED: pasted }, extendEnv: false,
        });
        const landed = existsSync(join(root, 'landed')) ? realpathSync(readFileSync(join(root, 'landed'), 'utf8')) : undefined;
        expect({ name, landed }, `${command}\n${result.stderr}`).toEqual({ name, landed: realpathSync(join(parent, name)) });
        rmSync(join(root, 'landed'), { force: true });
        expect(existsSync(join(parent, 'PWNED')) || existsSync(join(parent, name, 'PWNED')), `${shell.name} ran code from ${JSON.stringify(name)}`).toBe(false);
      }
    });
  }
});
