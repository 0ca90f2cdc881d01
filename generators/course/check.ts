/**
 * `check`: where a student's crate is in the course. Builds it with
 * `cargo build`, and `cargo test --no-run` when the build passes (the program
 * itself never runs: `_start` may loop forever), then names the step whose
 * outcome and files fit best, or a known side path.
 *
 * A cargo build runs code of the crate: its build scripts (build.rs) and
 * procedural macros, its dependencies', and a linker or rustc its
 * .cargo/config.toml names. The rustc wrappers (RUSTC_WRAPPER,
 * RUSTC_WORKSPACE_WRAPPER, build.rustc-wrapper) are switched off; the rest
 * cannot be without changing what is built, and the help says so.
 */
import { lstatSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { showPath } from '../io/fs-errors.js';
import { limits, readRegular } from './read.js';
import { describeToolchain, linkers, runCargo, thisOs } from './cargo.js';
import { splitCommand } from './command.js';
import { matchDiagnostics, matchedLine, type BuildOutput, type Diagnostic } from './diagnostics.js';
import { expectationFor, type Course, type CourseOs } from './manifest.js';
import { renderSteps, stepMarkerPath, type StepMarker, type StepState } from './steps.js';

export interface SidePath {
  id: 'main-not-found' | 'unsafe-no-mangle' | 'duplicate-panic-impl' | 'missing-target';
  advice: string;
}

export interface CheckResult {
  /** seen: the compiler's lines that match the step's diagnostics. */
  step?: { number: number; total: number; id: string; title: string; hint?: string; seen: string[] };
  sidePaths: SidePath[];
  final: boolean;
  build: 'pass' | 'fail';
  test?: 'pass' | 'fail';
  errors: string[];
}

/** The detours readers of the post take, each with one line of advice. */
export function sidePaths(diagnostics: Diagnostic[], under: 'build' | 'test'): SidePath[] {
  const found: SidePath[] = [];
  const text = (diagnostic: Diagnostic) => [diagnostic.message, ...diagnostic.children].join('\n');
  for (const diagnostic of diagnostics) {
    if (diagnostic.code === 'E0601') {
      found.push({ id: 'main-not-found', advice: '`main` function not found: add `#![no_main]` at the top of src/main.rs; the entry point is your `_start`, not `main`.' });
    } else if (text(diagnostic).includes('unsafe attribute used without unsafe')) {
      found.push({ id: 'unsafe-no-mangle', advice: 'edition 2024 wants `#[unsafe(no_mangle)]` instead of `#[no_mangle]` (accepted by every edition since Rust 1.82).' });
    } else if (diagnostic.code === 'E0152' && /panic_impl/.test(diagnostic.message)) {
      found.push({ id: 'duplicate-panic-impl', advice: `${under === 'test' ? '`cargo test` and rust-analyzer build' : 'this build links'} std, which has its own panic handler: put \`#[cfg(not(test))]\` on yours and \`test = false\` on the [[bin]] in Cargo.toml.` });
    } else if (diagnostic.code === 'E0463') {
      const triple = text(diagnostic).match(/the `([^`]+)` target may not be installed/)?.[1];
      found.push({ id: 'missing-target', advice: triple ? `\`core\` for ${triple} is not installed: run \`rustup target add ${triple}\`.` : `${diagnostic.message}: install the target's standard library with \`rustup target add <target>\`.` });
    }
  }
  return found.filter((path, index) => found.findIndex((other) => other.id === path.id) === index);
}

/** A file of the student's crate as text, when it is a regular file of a sane size (a link to /dev/zero is not read). */
function studentFile(path: string): string | undefined {
  try {
    return readRegular(path, limits.fileBytes, lstatSync(path)).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Wrappers around rustc, from the environment or the crate's config: off (an empty value means none). */
const noWrappers = { RUSTC_WRAPPER: '', RUSTC_WORKSPACE_WRAPPER: '', CARGO_BUILD_RUSTC_WRAPPER: '', CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER: '' };

/** The lines that carry meaning: no blanks, no comments, trimmed. */
function significantLines(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('//') && !line.startsWith('#') || line.startsWith('#!') || line.startsWith('#['));
}

/** How alike the student's files are to a step's (Jaccard over meaningful lines). */
function similarity(crate: string, state: StepState): number {
  const mine = new Set<string>();
  const theirs = new Set<string>();
  for (const [path, contents] of state.files) {
    if (path === '.gitignore') continue;
    for (const line of significantLines(contents)) theirs.add(`${path}:${line}`);
    const own = studentFile(join(crate, path));
    if (own !== undefined) for (const line of significantLines(own)) mine.add(`${path}:${line}`);
  }
  const union = new Set([...mine, ...theirs]);
  const common = [...mine].filter((line) => theirs.has(line)).length;
  return union.size ? common / union.size : 0;
}

function sameCommand(command: string, wanted: string[]): boolean {
  const words = splitCommand(command);
  return words.length === wanted.length && words.every((word, index) => word === wanted[index]);
}

/** Does an outcome fit what a step expects, with any linker of this OS? The compiler's lines that show it, or undefined. */
function fit(state: StepState, output: BuildOutput, os: CourseOs, release: string): string[] | undefined {
  for (const linker of linkers[os]) {
    const expectation = expectationFor(state.spec, { os, linker, toolchain: release });
    if (expectation.expect === 'pass') {
      if (output.success) return [];
      continue;
    }
    const measured = expectation.diagnostics.filter((spec) => spec.measured);
    if (!output.success && measured.length > 0 && matchDiagnostics(output.diagnostics, measured).ok) {
      return measured.map((spec) => matchedLine(output.diagnostics, spec)!);
    }
  }
  return undefined;
}

/**
 * The step marker of an emitted step, read as hostile data: a regular file
 * of at most 4 KiB, JSON of exactly the marker's shape, else undefined (the
 * crate is then matched by its content alone).
 */
export function readStepMarker(crate: string): StepMarker | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readRegular(join(crate, stepMarkerPath), 4096).toString('utf8'));
  } catch {
    return undefined;
  }
  const marker = value as Partial<StepMarker> | null;
  if (!marker || typeof marker !== 'object' || Array.isArray(marker)) return undefined;
  if (typeof marker.course !== 'string' || typeof marker.step !== 'string' || typeof marker.command !== 'string' || !Number.isInteger(marker.number)) return undefined;
  if (marker.from !== null && (typeof marker.from !== 'string' || !isAbsolute(marker.from) || marker.from.includes('\0'))) return undefined;
  return { course: marker.course, from: marker.from, step: marker.step, number: marker.number!, command: marker.command };
}

/** Is the crate exactly the step as emitted (every file of the step, unchanged)? */
function unchanged(crate: string, state: StepState): boolean {
  return [...state.files].every(([path, contents]) => studentFile(join(crate, path)) === contents);
}

export async function checkCrate(course: Course, directory: string, log: (line: string) => void = () => {}, marker?: StepMarker): Promise<CheckResult> {
  const crate = resolve(directory);
  const manifest = studentFile(join(crate, 'Cargo.toml'));
  if (manifest === undefined) throw new UsageError(`no Cargo.toml (a regular file) in ${showPath(crate)}; run check in your crate's folder or name it`);
  const os = thisOs();
  const host = await describeToolchain('cargo');
  const edition = manifest.match(/^edition\s*=\s*"(\d+)"/m)?.[1] ?? '2021';
  const name = manifest.match(/^name\s*=\s*"([^"]+)"/m)?.[1] ?? 'crate';
  const states = renderSteps(course, { name, edition, os });
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(crate, 'target');

  log('cargo build');
  const build = await runCargo('cargo build', { cwd: crate, cargo: 'cargo', targetDir, env: noWrappers });
  let test: BuildOutput | undefined;
  if (build.success) {
    log('cargo test --no-run');
    test = await runCargo('cargo test', { cwd: crate, cargo: 'cargo', targetDir, noRun: true, env: noWrappers });
  }
  // A course with `cargo check` steps: checked too (it builds nothing and links nothing).
  let checked: BuildOutput | undefined;
  if (states.some((state) => sameCommand(state.spec.command, ['cargo', 'check']))) {
    log('cargo check');
    checked = await runCargo('cargo check', { cwd: crate, cargo: 'cargo', targetDir, env: noWrappers });
  }
  const found = [...sidePaths(build.diagnostics, 'build'), ...(test ? sidePaths(test.diagnostics, 'test') : [])];

  // Steps a plain cargo build, run (its build: check never runs the program), test or check tells
  // apart; the others change only the command, and the marker tells them apart.
  const outputFor = (command: string): BuildOutput | undefined => (sameCommand(command, ['cargo', 'build']) || sameCommand(command, ['cargo', 'run']) ? build
    : sameCommand(command, ['cargo', 'test']) ? test : sameCommand(command, ['cargo', 'check']) ? checked : undefined);
  const seen = new Map<StepState, string[]>();
  for (const state of states) {
    const output = outputFor(state.spec.command);
    const lines = output && fit(state, output, os, host.release);
    if (lines) seen.set(state, lines);
  }
  let best: StepState | undefined;
  let bestScore = -1;
  for (const state of seen.keys()) {
    const score = similarity(crate, state);
    if (score >= bestScore) { best = state; bestScore = score; }
  }
  // The step this folder was emitted as, while its files are unchanged: states that differ only by
  // the command (or by a linker's words) are told apart by the marker, not guessed from the build.
  const marked = marker && marker.course === course.title ? states.find((state) => state.spec.id === marker.step && state.spec.command === marker.command) : undefined;
  if (marked && unchanged(crate, marked)) {
    best = marked;
    if (!seen.has(marked)) seen.set(marked, []);
  }
  const errors = [...build.diagnostics, ...(test?.diagnostics ?? [])]
    .filter((diagnostic) => diagnostic.level === 'error' && !/^aborting due to/.test(diagnostic.message))
    .map((diagnostic) => `${diagnostic.code ? `${diagnostic.code} ` : ''}${diagnostic.message}`);
  return {
    step: best && { number: best.number, total: best.total, id: best.spec.id, title: best.spec.title, hint: best.hint, seen: seen.get(best)! },
    sidePaths: found,
    final: best !== undefined && best.number === best.total && found.length === 0,
    build: build.success ? 'pass' : 'fail',
    test: test && (test.success ? 'pass' : 'fail'),
    errors,
  };
}

export function formatCheck(result: CheckResult): string {
  const lines: string[] = [];
  const outcome = result.build === 'fail' ? `cargo build fails${result.errors.length ? `: ${result.errors.join('; ')}` : ''}`
    : result.test === 'fail' ? `cargo build works, cargo test fails${result.errors.length ? `: ${result.errors.join('; ')}` : ''}` : 'cargo build and cargo test work';
  if (result.step) {
    lines.push(`step ${result.step.number} of ${result.step.total} (${result.step.title}): ${outcome}`);
    for (const line of result.step.seen) lines.push(`  ${line}`);
  } else {
    lines.push(`no step of the course matches: ${outcome}`);
  }
  for (const path of result.sidePaths) lines.push(`side path: ${path.advice}`);
  if (result.final) lines.push('done: this is the course\'s last step.');
  else if (result.step?.hint) lines.push(`next: ${result.step.hint}`);
  return lines.join('\n');
}
