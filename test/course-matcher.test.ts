/**
 * The matcher on cargo's real JSON output, recorded from rustup stable 1.95
 * (test/course-fixtures/*.jsonl), and the course manifest it reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, matchDiagnostics, normalize, parseCargoOutput } from '../generators/course/diagnostics.js';
import { expectationFor, loadCourse, stepsFor, type DiagnosticSpec } from '../generators/course/manifest.js';
import { lineDiff, renderSteps } from '../generators/course/steps.js';
import { splitCommand } from '../generators/course/command.js';

const fixture = (name: string) => parseCargoOutput(readFileSync(join(import.meta.dirname, 'course-fixtures', name), 'utf8'), '', 101);
const spec = (message: string, extra: Partial<DiagnosticSpec> = {}): DiagnosticSpec => ({ message, any_of: [], measured: true, ...extra });
const course = loadCourse({});

describe('diagnostics of recorded builds', () => {
  it('finds the linker text of rust-lld and of GNU ld in the children', () => {
    const lld = fixture('no-main.rust-lld.jsonl');
    const gnu = fixture('no-main.gnu-ld.jsonl');
    expect(lld.success).toBe(false);
    expect(matchDiagnostics(lld.diagnostics, [spec('duplicate symbol: _start')]).ok).toBe(true);
    expect(matchDiagnostics(lld.diagnostics, [spec("multiple definition of `_start'")]).ok).toBe(false);
    expect(matchDiagnostics(gnu.diagnostics, [spec("multiple definition of `_start'")]).ok).toBe(true);
    // The linker's command line is not part of what a student reads.
    expect(lld.diagnostics[0].children.some((child) => child.includes('"-m64"'))).toBe(false);
  });

  it('is a required subset: extra errors are fine, a missing one is named', () => {
    const output = fixture('no-std.jsonl');
    expect(output.diagnostics.filter((d) => d.level === 'error').length).toBeGreaterThan(1);
    expect(matchDiagnostics(output.diagnostics, [spec('cannot find macro `println` in this scope')]).ok).toBe(true);
    const result = matchDiagnostics(output.diagnostics, [spec('cannot find macro `println` in this scope'), spec('using `fn main` requires the standard library')]);
    expect(result.ok).toBe(false);
    expect(result.missing.map((missing) => missing.message)).toEqual(['using `fn main` requires the standard library']);
  });

  it('matches on code and message; any_of accepts the post\'s older wording', () => {
    const test = fixture('cargo-test.jsonl');
    expect(matchDiagnostics(test.diagnostics, [spec('found duplicate lang item `panic_impl`', { code: 'E0152' })]).ok).toBe(true);
    expect(matchDiagnostics(test.diagnostics, [spec('found duplicate lang item `panic_impl`', { code: 'E0463' })]).ok).toBe(false);
    const older = spec('cannot find macro `println!` in this scope', { any_of: ['cannot find macro `println` in this scope'] });
    expect(matchDiagnostics(fixture('no-std.jsonl').diagnostics, [older]).ok).toBe(true);
    const core = fixture('bare-metal.no-core.jsonl');
    expect(matchDiagnostics(core.diagnostics, [spec("can't find crate for `core`", { code: 'E0463' })]).ok).toBe(true);
  });

  it('normalizes paths, hashes, colours and exit wording', () => {
    const lld = fixture('no-main.rust-lld.jsonl').diagnostics[0];
    const text = formatDiagnostic(lld, { $TARGET: '/tmp/cm/ctarget', $PROJECT: '/tmp/cm/fx/c/steps/06-no-main' });
    expect(text).toContain('error: linking with `cc` failed: exit status: 1');
    expect(text).not.toMatch(/[0-9a-f]{16}/);
    expect(text).not.toContain('/tmp/cm');
    expect(normalize('\x1b[31mlinker command failed with exit code 1\x1b[0m')).toBe('linker command failed with exit status: 1');
    expect(normalize('deps/s-e90cad0c7aa452fb.eyuwfwqflupekazy75gpbr1ck.1wfuy83.rcgu.o')).toBe('deps/s-HASH.CGU.rcgu.o');
  });
});

describe('the built-in course', () => {
  it('has the post\'s link steps per OS and ends with the tested binary', () => {
    expect(stepsFor(course, 'linux').map((step) => step.id)).toEqual(['std-hello', 'no-std', 'empty-main', 'panic-handler', 'panic-abort', 'no-main', 'bare-metal', 'nostartfiles', 'cargo-config', 'cargo-test', 'tested']);
    expect(stepsFor(course, 'windows').map((step) => step.id).slice(7, 9)).toEqual(['entry', 'subsystem']);
    expect(stepsFor(course, 'macos').map((step) => step.id).slice(7, 10)).toEqual(['entry-symbol', 'static', 'nostartfiles-macos']);
  });

  it('selects diagnostics by OS and linker, and a linker\'s variant', () => {
    const noMain = course.steps.find((step) => step.id === 'no-main')!;
    expect(expectationFor(noMain, { os: 'linux', linker: 'rust-lld' }).diagnostics.map((d) => d.message)).toEqual(['duplicate symbol: _start']);
    expect(expectationFor(noMain, { os: 'linux', linker: 'gnu-ld' }).diagnostics.map((d) => d.message)).toEqual(["multiple definition of `_start'"]);
    const entry = course.steps.find((step) => step.id === 'entry-symbol')!;
    expect(expectationFor(entry, { os: 'macos', linker: 'ld64.lld' }).expect).toBe('pass');
    expect(expectationFor(entry, { os: 'macos', linker: 'ld64' }).diagnostics[0]).toMatchObject({ measured: false, source: expect.stringContaining('post') });
  });

  it('renders each step as the previous one plus its change, with a README showing the real diff', () => {
    const states = renderSteps(course, { name: 'demo', edition: '2021', os: 'linux' });
    expect(states[0].files.get('Cargo.toml')).toContain('edition = "2021"');
    expect(states[5].files.get('Cargo.toml')).toBe(states[4].files.get('Cargo.toml'));
    expect(states[4].readme).toContain('+panic = "abort"');
    expect(states[5].readme).toContain('+#![no_main]');
    expect(states[7].readme).toContain('`cargo build --target thumbv7em-none-eabihf` becomes `cargo rustc -- -C link-arg=-nostartfiles`');
    expect(states[5].readme).toContain('not measured by this course\'s checks; from the post');
  });

  it('splits commands like a shell and diffs lines', () => {
    expect(splitCommand('cargo rustc -- -C "link-args=/ENTRY:_start /SUBSYSTEM:console"')).toEqual(['cargo', 'rustc', '--', '-C', 'link-args=/ENTRY:_start /SUBSYSTEM:console']);
    expect(lineDiff('a\nb\n', 'a\nc\nb\n')).toBe(' a\n+c\n b');
  });
});

describe('the course\'s OSes come from the catalogue', () => {
  it('maps Node\'s platforms to the catalogue\'s host OSes and refuses any other, never taking it for Linux', async () => {
    const { thisOs } = await import('../generators/course/cargo.js');
    const { courseOses } = await import('../generators/course/manifest.js');
    const { hostOses } = await import('../generators/core/catalogue.js');
    expect(courseOses).toEqual(hostOses);
    expect([thisOs('linux'), thisOs('win32'), thisOs('darwin')]).toEqual(['linux', 'windows', 'macos']);
    expect(() => thisOs('freebsd')).toThrow(/the course has link steps for linux, windows, macos, and this machine runs freebsd: pass --os/);
  });
});
