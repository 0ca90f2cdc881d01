/**
 * Issue 15.1: a course written from docs/course-format.md alone. The page's
 * file blocks (```lang path) are written to a folder as the author would, and
 * the page's own commands run on it with rustup's cargo: it verifies, records,
 * is written for students, and `check` in each emitted step (and in a copy
 * without the marker) names that step of this course.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot, runCli, scratch } from '../support/cli.js';
import { missingTools, requireTools } from '../support/tools.js';

const work = scratch('cf-course-docs-');
afterAll(work.cleanup);
const env = { XDG_STATE_HOME: join(work.dir, 'state') };
const page = readFileSync(join(repoRoot, 'docs', 'course-format.md'), 'utf8');
const section = page.slice(page.indexOf('## A course from scratch'), page.indexOf('## How it is read'));
const author = join(work.dir, 'author', 'my-course');
const cargo = () => missingTools([{ command: 'cargo', args: ['--version'], install: 'install rustup (https://rustup.rs)' }]);

/** The blocks of the walkthrough: files (```lang path) and the one sh block of commands. */
function blocks(): { files: Map<string, string>; commands: string } {
  const files = new Map<string, string>();
  let commands = '';
  for (const found of section.matchAll(/^```(\w+)(?: (\S+))?\n([\s\S]*?)^```$/gm)) {
    const [, lang, path, body] = found;
    if (path) files.set(path, body);
    else if (lang === 'sh') commands += body;
  }
  return { files, commands };
}

beforeAll(() => {
  for (const [path, body] of blocks().files) {
    mkdirSync(dirname(join(author, path)), { recursive: true });
    writeFileSync(join(author, path), body);
  }
});

describe('a course written from docs/course-format.md', () => {
  it('has a course.toml and the files it names, and no key the schema does not document', () => {
    const { files, commands } = blocks();
    expect([...files.keys()]).toContain('course.toml');
    for (const template of files.get('course.toml')!.matchAll(/"(files\/[^"]+)"/g)) expect(files.has(template[1]), template[1]).toBe(true);
    expect(commands).toContain('course verify --from .');
  });

  it('the page\'s commands: verify, record, write for students, check in step 2', async ({ skip }) => {
    if (!requireTools(cargo(), skip)) return;
    // `npx create-freestanding` is this checkout's CLI; each line runs as the page says, in order.
    const script = `npx() { shift; node ${JSON.stringify(cliPath)} "$@"; }\n${blocks().commands}`;
    const result = await execa('bash', ['--noprofile', '--norc', '-c', script], { cwd: author, reject: false, env, all: true, timeout: 600_000 });
    const output = String(result.all);
    expect(output.match(/all 3 steps match/g), output).toHaveLength(2);
    expect(readdirSync(join(author, 'recorded', 'linux-rust-lld')).sort()).toEqual(['checked.txt', 'hello.txt', 'no-std.txt']);
    expect(output).toContain('Wrote "From std to no_std": 3 steps');
    expect(output).toMatch(/^step 2 of 3 \(#!\[no_std\]\): cargo build fails: cannot find macro `println` in this scope/m);
    expect(output).toContain('next: Remove the `println!` and `fn main`');
    // check exits 1 on a step that is not the last; the page's last command is that check.
    expect(result.exitCode, output).toBe(1);
  });

  it('check names every emitted step of this course with no flag, and matches a copy by content', async ({ skip }) => {
    if (!requireTools(cargo(), skip)) return;
    const students = join(work.dir, 'students');
    rmSync(students, { recursive: true, force: true });
    expect((await runCli(['course', students, '--from', author, '--yes'], { env })).exitCode).toBe(0);
    const steps = readdirSync(join(students, 'steps')).sort();
    expect(steps).toEqual(['01-hello', '02-no-std', '03-checked']);
    const titles = ['an ordinary program', '#![no_std]', 'no_std and no_main: it compiles'];
    for (const [index, step] of steps.entries()) {
      const result = await runCli(['check'], { cwd: join(students, 'steps', step), env, timeout: 300_000 });
      expect(String(result.stdout), String(result.stderr)).toContain(`step ${index + 1} of 3 (${titles[index]})`);
      expect(result.exitCode).toBe(index === 2 ? 0 : 1);
    }
    // Without why and hint, step 1's README says less: no Why, and Next names step 2.
    const readme = readFileSync(join(students, 'steps', '01-hello', 'README.md'), 'utf8');
    expect(readme).not.toContain('## Why');
    expect(readme).toContain('## Next\n\nGo on to step 2: #![no_std].');
    expect(readme).toContain(`check --from ${author}`);
    // Step 3 is a `cargo check` step: a copy without the marker is found by check's own cargo check.
    const copy = join(work.dir, 'copy');
    cpSync(join(students, 'steps', '03-checked'), copy, { recursive: true });
    rmSync(join(copy, '.freestanding-course.json'));
    const matched = await runCli(['check', copy, '--from', author], { env, timeout: 300_000 });
    expect(String(matched.stdout), String(matched.stderr)).toContain('step 3 of 3 (no_std and no_main: it compiles)');
    expect(existsSync(join(copy, 'target'))).toBe(true);
  });
});
