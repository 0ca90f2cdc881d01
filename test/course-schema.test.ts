/**
 * Issue 15.1: course.toml's JSON Schema is the one list of its keys. Ajv (a
 * full JSON Schema implementation) and the tool's validator agree on the
 * built-in course and on broken ones; every course command applies it first,
 * naming the file, line and key; docs/course-format.md's key reference is the
 * schema's. Spawns the built CLI with no cargo.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { courseSchema, validate } from '../generators/course/schema.js';
import { lineOf } from '../generators/course/toml-lines.js';
import { formatDocument, formatFile } from '../scripts/course-reference.js';
import { repoRoot, runCli, scratch } from './support/cli.js';

const work = scratch('cf-course-schema-');
afterAll(work.cleanup);
const env = { XDG_STATE_HOME: join(work.dir, 'state') };
const builtIn = readFileSync(join(repoRoot, 'templates', 'course', 'course.toml'), 'utf8');

const ajv = new Ajv({ strict: true, allErrors: true });
const ajvValidate = ajv.compile(courseSchema());

/** Edits of the built-in course that break one key each, and where. */
const broken: [string, (text: string) => string, RegExp][] = [
  ['expect misspelt', (text) => text.replace('expect = "fail"', 'expect = "fails"'), /steps\[1\]\.expect: must be one of "pass", "fail" \(got "fails"\)/],
  ['an unknown key', (text) => text.replace('hint = "Remove the `println!`', 'hnit = "x"\nhint = "Remove the `println!`'), /steps\[1\]\.hnit: unknown key "hnit"/],
  ['no title', (text) => text.replace('title = "an ordinary Rust program"\n', ''), /steps\[0\]: "title" is missing/],
  ['links a string', (text) => text.replace('links = true', 'links = "yes"'), /\.links: must be true or false \(got a string\)/],
  ['a bad id', (text) => text.replace('id = "no-std"', 'id = "No_Std"'), /steps\[1\]\.id: "No_Std" does not match/],
  ['a file a number', (text) => text.replace('"files/main.no-std.rs"', '5'), /steps\[1\]\.files\.src\/main\.rs: must be a string \(got a number\)/],
  ['when.os unknown', (text) => text.replace('when = { os = "linux", linker = "rust-lld" }', 'when = { os = "beos", linker = "rust-lld" }'), /\.when\.os: must be one of "linux", "windows", "macos"/],
  ['a diagnostic without message', (text) => text.replace('message = "cannot find macro `println` in this scope"', 'code = "E0433"'), /steps\[1\]\.diagnostics\[0\]: "message" is missing/],
  ['course not a table', (text) => text.replace('[course]\ntitle = "A Freestanding Rust Binary"', 'course = "x"\n[extra]\ntitle = "A Freestanding Rust Binary"'), /course: must be a table/],
];

describe('course.schema.json', () => {
  it('is a valid draft-07 schema for Ajv in strict mode, and both accept the built-in course', () => {
    const data = parse(builtIn);
    expect(ajvValidate(data), JSON.stringify(ajvValidate.errors)).toBe(true);
    expect(validate(data)).toEqual([]);
  });

  it('a step without why or hint is valid', () => {
    const data = parse(builtIn.replace(/^(why|hint) = .*\n/gm, ''));
    expect(ajvValidate(data)).toBe(true);
    expect(validate(data)).toEqual([]);
  });

  it.each(broken)('Ajv and the tool both refuse: %s', (_name, edit) => {
    const data = parse(edit(builtIn));
    expect(ajvValidate(data)).toBe(false);
    expect(validate(data).length).toBeGreaterThan(0);
  });

  it('the validator refuses a schema keyword it does not apply', () => {
    expect(() => validate({}, { type: 'object', minProperties: 1 } as never)).toThrow(/minProperties/);
  });
});

describe('every course command applies it first, naming file, line and key', () => {
  it.each(broken)('%s', async (name, edit, pattern) => {
    const dir = join(work.dir, name.replace(/\W+/g, '-'));
    mkdirSync(dir, { recursive: true });
    const text = edit(builtIn);
    writeFileSync(join(dir, 'course.toml'), text);
    for (const args of [['course', join(dir, 'out'), '--from', dir, '--yes'], ['course', 'verify', '--from', dir], ['check', dir, '--from', dir]]) {
      const result = await runCli(args, { env });
      const stderr = String(result.stderr).trim();
      expect(result.exitCode, stderr).toBe(1);
      expect(stderr.split('\n'), stderr).toHaveLength(1);
      expect(stderr).toMatch(pattern);
      // The line named is the line of the key (or of its step where the key is missing).
      const line = Number(/course\.toml:(\d+):/.exec(stderr)?.[1]);
      const path = /: (steps\[\d+\][^:]*|course)(?=:)/.exec(stderr)![1];
      const parts = path.split(/\.|\[|\]/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
      expect(line).toBe(lineOf(text, parts));
      expect(text.split('\n')[line - 1]).toMatch(/=|\[/);
    }
  });

  it('lineOf finds keys of array tables, nested tables and inline tables', () => {
    const text = '[course]\ntitle = "t"\n\n[[steps]]\nid = "a"\n[[steps.diagnostics]]\nmessage = "m"\n[[steps]]\nid = "b"\nfiles = { "x" = 1 }\n[[steps.diagnostics]]\nmessage = "n"\n[[steps.diagnostics]]\ncode = "E1"\n';
    expect(lineOf(text, ['course', 'title'])).toBe(2);
    expect(lineOf(text, ['steps', 1, 'id'])).toBe(9);
    expect(lineOf(text, ['steps', 1, 'files', 'x'])).toBe(10);
    expect(lineOf(text, ['steps', 0, 'diagnostics', 0, 'message'])).toBe(7);
    expect(lineOf(text, ['steps', 1, 'diagnostics', 1])).toBe(13);
    expect(lineOf(text, ['steps', 1, 'diagnostics', 1, 'message'])).toBe(13);
  });
});

describe('docs/course-format.md', () => {
  it('documents every key as the schema says (npm run docs:course writes it)', () => {
    const text = readFileSync(formatFile, 'utf8');
    expect(text, 'run npm run docs:course').toBe(formatDocument(text));
    const schema = courseSchema();
    const keys = [schema.properties!.course, ...Object.values(schema.definitions!)].flatMap((table) => Object.keys(table.properties ?? {}));
    for (const key of keys) expect(text).toContain(`| \`${key}\` |`);
  });

  it('ships in the package, and README.md links it', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('docs/course-format.md');
    expect(manifest.files).toContain('templates');
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain('(docs/course-format.md)');
  });
});
