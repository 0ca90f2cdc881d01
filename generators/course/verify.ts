/**
 * `course verify`: every step built by the real compiler. A failing step must
 * show all its declared diagnostics, a passing step must build (and run where
 * it can), no step may be a no-op. --record keeps the normalized output per
 * step and platform; a later run shows the diff when the wording changed
 * (with --strict that is a mismatch too: the steps' READMEs quote the
 * recordings, so a course's CI fails when the compiler's words drift).
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../core/errors.js';
import { packageDir } from '../core/render.js';
import { showPath } from '../io/fs-errors.js';
import { randomHex } from '../io/lock.js';
import { makeFolders, writeExclusive } from '../io/staging.js';
import { isInside, lstatInside, readInside } from './read.js';
import { defaultLinker, describeCrossCargo, describeToolchain, hasCore, linkerConfig, linkers, runCargo, thisOs, type CargoRun, type Toolchain } from './cargo.js';
import { formatDiagnostic, matchDiagnostics, matchedLine, normalize, type Diagnostic } from './diagnostics.js';
import { builtInCourseDir, expectationFor, type Condition, type Course, type CourseOs, type DiagnosticSpec, type StepSpec } from './manifest.js';
import { lineDiff, noOpSteps, renderSteps, type StepState } from './steps.js';

export interface VerifyOptions {
  os: CourseOs;
  edition: string;
  name: string;
  /** Linker of the course's OS: rust-lld | gnu-ld (Linux), lld-link (Windows), ld64.lld (macOS). */
  linker?: string;
  /** A cargo that builds cross targets (e.g. with -Z build-std): used for --target steps and another OS's link steps. */
  crossCargo?: string;
  /** The triple another OS's link steps are built for. */
  triple?: string;
  record: boolean;
  recordDir?: string;
  only?: string[];
  /** A step whose output differs from its recording does not match. */
  strict?: boolean;
}

export interface StepResult {
  number: number;
  id: string;
  title: string;
  command: string;
  platform: string;
  expected: string;
  got: string;
  ok: boolean;
  /** ok, a mismatch, or not built here (`needs` says what would build it): not built is not wrong. */
  status: 'ok' | 'mismatch' | 'not built';
  /** What this machine lacks to build the step, when it was not built. */
  needs?: string;
  detail: string;
  /** Compared with the recording: same, changed (diff below), new, or recorded now. */
  wording: 'same' | 'changed' | 'new' | 'recorded' | '-';
  diff?: string;
  /** A mismatch only because of --strict: the step gave what course.toml declares, its output differs from the recording. */
  strictOnly?: boolean;
  unmeasured: string[];
}

const crossTriples: Record<CourseOs, string> = {
  linux: 'x86_64-unknown-linux-gnu', windows: 'x86_64-pc-windows-msvc', macos: 'x86_64-apple-darwin',
};

/** A step whose outcome is decided by the OS's linker is built for the course's OS; the rest fail in the compiler, alike everywhere. */
function linksForOs(step: StepSpec): boolean {
  return step.links || step.os !== undefined
    || step.diagnostics.some((spec) => spec.when?.os) || step.variants.some((variant) => variant.when.os);
}

/** A step's project in a fresh folder of the private work folder (its paths were checked to stay inside). */
function writeStep(dir: string, state: StepState): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const [path, contents] of state.files) {
    makeFolders(dir, dirname(path));
    writeExclusive(join(dir, path), contents);
  }
}

/**
 * The folder recordings of one platform go to: inside the recordings folder,
 * reached without links (a link there would send --record's writes, or
 * bring its reads, from elsewhere). `create`: made when missing.
 */
function recordingFolder(recordDir: string, platform: string, create: boolean): string | undefined {
  const found = lstatInside(recordDir, platform, 'a recordings folder');
  if (found && !found.stats.isDirectory()) throw new UsageError(`${showPath(found.path)} is not a folder; recordings go in ${showPath(recordDir)}/<platform>/`);
  if (found || !create) return found?.path;
  try {
    makeFolders(recordDir, platform);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UsageError(`${showPath(join(recordDir, platform))} is not a folder; recordings go in folders`);
    throw error;
  }
  return join(recordDir, platform);
}

/** Replaces a recording: a new file of ours renamed over the name (never written through a link). */
function writeRecording(path: string, text: string): void {
  const temporary = join(dirname(path), `.create-freestanding-${process.pid}-${randomHex(8)}.tmp`);
  writeExclusive(temporary, text);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function describeSpecs(specs: DiagnosticSpec[]): string {
  return specs.map((spec) => `${spec.code ? `${spec.code} ` : ''}"${spec.message}"`).join(', ');
}

function summarize(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((diagnostic) => diagnostic.level === 'error' && !/^aborting due to/.test(diagnostic.message));
  return errors.length ? errors.map((error) => `${error.code ? `${error.code} ` : ''}${error.message}`).join('; ') : 'no error';
}

/**
 * Where recordings are read and written: the course's recorded/ (inside its
 * folder, not a link), or the folder --out names. --record writes only into a
 * folder of the author's: never into the installed package (under pnpm its
 * files are hard links into the shared store), so the built-in course is
 * recorded only through a copy (course init) or --out.
 */
function recordingsFolder(course: Course, options: VerifyOptions): string {
  if (options.recordDir !== undefined) {
    const dir = resolve(options.recordDir);
    if (options.record) {
      refuseInPackage(dir, '--out');
      mkdirSync(dir, { recursive: true });
    }
    return dir;
  }
  const root = course.roots.at(-1)!;
  if (options.record) {
    if (root === builtInCourseDir()) throw new UsageError('--record writes recordings into a course folder of yours, never into the installed package: pass --from <dir> (create-freestanding course init <dir> makes an editable copy) or --out <dir>');
    refuseInPackage(root, '--from');
  }
  const found = lstatInside(root, 'recorded', 'recorded/');
  if (found && !found.stats.isDirectory()) throw new UsageError(`${showPath(found.path)} is not a folder; a course keeps its recordings in recorded/`);
  if (!found && options.record) mkdirSync(join(root, 'recorded'));
  return join(root, 'recorded');
}

/**
 * Refuses a recordings folder at or inside the installed package (links
 * resolved as far as the path exists). A checkout of the repository (its
 * folder has .git) is its authors' own: they record the built-in course with
 * --from templates/course.
 */
function refuseInPackage(dir: string, flag: string): void {
  if (existsSync(join(packageDir(), '.git'))) return;
  let existing = dir;
  while (!existsSync(existing)) existing = dirname(existing);
  const real = join(realpathSync.native(existing), relative(existing, dir));
  if (isInside(realpathSync.native(packageDir()), real)) {
    throw new UsageError(`${flag} ${showPath(dir)} is inside the installed package, which create-freestanding never writes to; record into a copy of your own (create-freestanding course init <dir>)`);
  }
}

/** What every step of one verify run shares: the toolchains, the OS the course is for, its linker. */
interface VerifyContext {
  options: VerifyOptions;
  host: Toolchain;
  cross?: Toolchain;
  hostOs: CourseOs;
  /** The course is for another OS than this machine's. */
  foreign: boolean;
  linker: string;
  /** The triple the course's OS is built for. */
  osTriple: string;
}

/** How one step is built: which cargo and toolchain, for which triple, with which linker arguments, and under which recording name. */
interface StepBuild {
  cargo: string;
  toolchain: Toolchain;
  triple?: string;
  extra: string[];
  platform: Condition;
  platformName: string;
  /** A --target step whose `core` is not installed: it must fail with the step's missing_target. */
  missingCore: boolean;
}

/** Which toolchain builds this step, for what, with which linker; or what it needs when it cannot be built here. */
function stepBuild(spec: StepSpec, context: VerifyContext): StepBuild | { needs: string } {
  const { host, cross, options, linker } = context;
  if (spec.target) {
    const toolchain = cross ?? host;
    const missingCore = !cross && !hasCore(host, spec.target);
    return {
      cargo: toolchain.cargo, toolchain, triple: spec.target, extra: [], missingCore,
      platform: { os: 'none', toolchain: toolchain.release }, platformName: `${spec.target}-${missingCore ? 'no-core' : 'core'}`,
    };
  }
  if (linksForOs(spec)) {
    if (context.foreign && !cross) return { needs: `a cargo that builds for ${context.osTriple} (--cargo <command>)` };
    const toolchain = context.foreign ? cross! : host;
    return {
      cargo: toolchain.cargo, toolchain, triple: context.foreign ? context.osTriple : undefined, extra: linkerConfig(linker, context.osTriple), missingCore: false,
      platform: { os: options.os, linker, toolchain: toolchain.release }, platformName: `${options.os}-${linker}`,
    };
  }
  // The compiler answers these before any linking: the same on every OS.
  const platform = { os: context.hostOs, linker: defaultLinker(context.hostOs, host, false), toolchain: host.release };
  return { cargo: 'cargo', toolchain: host, extra: [], missingCore: false, platform, platformName: `${context.hostOs}-${platform.linker}` };
}

/** Does what cargo said fit what the step expects? For a passing step with `run`, the program's output too. */
async function judge(spec: StepSpec, expectation: { expect: 'pass' | 'fail' }, measured: DiagnosticSpec[], run: CargoRun, runs: boolean, roots: Record<string, string>): Promise<{ ok: boolean; got: string; detail: string }> {
  if (expectation.expect === 'fail') {
    const match = matchDiagnostics(run.diagnostics, measured);
    const ok = !run.success && match.ok;
    const got = run.success ? 'builds' : `fails: ${ok ? measured.map((wanted) => normalize(matchedLine(run.diagnostics, wanted)!, roots)).join('; ') : summarize(run.diagnostics)}`;
    return { ok, got, detail: !ok && !run.success ? `missing: ${describeSpecs(match.missing)}` : '' };
  }
  if (!run.success) return { ok: false, got: `fails: ${summarize(run.diagnostics)}`, detail: '' };
  if (!runs) return { ok: true, got: 'builds', detail: '' };
  const executable = run.executables.at(-1);
  const ran = executable ? await execa(executable, [], { reject: false, timeout: 30_000, stripFinalNewline: false }) : undefined;
  const ok = ran !== undefined && ran.exitCode === 0 && ran.stdout === spec.run;
  return { ok, got: ok ? 'builds, runs' : `builds; run gave ${JSON.stringify(ran?.stdout ?? 'no executable')} exit ${ran?.exitCode}`, detail: '' };
}

/** The step's recording: written with --record, else compared with what the compiler said now. */
function recording(recordDir: string, platformName: string, spec: StepSpec, header: string, body: string, record: boolean): { wording: StepResult['wording']; diff?: string } {
  // platformName and the id are single names (a checked triple or id, an OS and a known linker).
  // Read first even when recording: a recording that is a link or not a regular file is refused, not replaced.
  const recorded = readInside(recordDir, join(platformName, `${spec.id}.txt`), 'a recording');
  if (record) {
    const folder = recordingFolder(recordDir, platformName, true)!;
    writeRecording(join(folder, `${spec.id}.txt`), header + body);
    return { wording: 'recorded' };
  }
  if (!recorded) return { wording: 'new' };
  const before = recorded.text.split('\n').filter((line) => !line.startsWith('# ')).join('\n');
  if (before.trim() === body.trim()) return { wording: 'same' };
  return { wording: 'changed', diff: lineDiff(before.trim(), body.trim()).split('\n').filter((line) => !line.startsWith(' ')).join('\n') };
}

export async function verifyCourse(course: Course, options: VerifyOptions, log: (line: string) => void = () => {}): Promise<StepResult[]> {
  const states = renderSteps(course, { name: options.name, edition: options.edition, os: options.os });
  const host = await describeToolchain('cargo');
  const hostOs = thisOs();
  const foreign = options.os !== hostOs;
  if (options.linker && !linkers[options.os].includes(options.linker)) {
    throw new UsageError(`--linker for ${options.os} must be one of ${linkers[options.os].join(', ')}`);
  }
  const context: VerifyContext = {
    options, host, hostOs, foreign,
    cross: options.crossCargo ? await describeCrossCargo(options.crossCargo, host) : undefined,
    linker: options.linker ?? defaultLinker(options.os, host, foreign),
    osTriple: foreign ? options.triple ?? crossTriples[options.os] : host.host,
  };
  const recordDir = recordingsFolder(course, options);
  const work = mkdtempSync(join(tmpdir(), 'cf-course-'));
  // One target directory per toolchain, shared by the steps (and by runs, when CARGO_TARGET_DIR says so).
  const targetBase = process.env.CARGO_TARGET_DIR ?? join(work, 'target');
  const noOps = new Set(noOpSteps(states).map((state) => state.number));
  const results: StepResult[] = [];

  try {
    for (const state of states) {
      const spec = state.spec;
      if (options.only && !options.only.includes(spec.id)) continue;
      const dir = join(work, state.slug);
      writeStep(dir, state);
      const row = (fields: Omit<StepResult, 'number' | 'id' | 'title' | 'command' | 'status'> & { status?: StepResult['status'] }): StepResult => ({
        number: state.number, id: spec.id, title: spec.title, command: spec.command, status: fields.ok ? 'ok' : 'mismatch', ...fields,
      });
      const build = stepBuild(spec, context);
      if ('needs' in build) {
        results.push(row({ platform: `${options.os}-${context.linker}`, expected: spec.expect, got: 'not built', ok: false, status: 'not built', needs: build.needs, wording: '-', unmeasured: [], detail: `links for ${options.os}` }));
        continue;
      }
      const { platformName, triple, toolchain } = build;
      const expectation = build.missingCore
        ? { expect: 'fail' as const, diagnostics: spec.missing_target, note: undefined }
        : expectationFor(spec, build.platform);
      const measured = expectation.diagnostics.filter((d) => d.measured);
      const unmeasured = spec.diagnostics.filter((d) => !d.measured && (!d.when?.os || d.when.os === options.os)).map((d) => `${d.message} (${d.source})`);
      const runs = Boolean(spec.run) && !triple && !foreign;
      const expectedText = expectation.expect === 'pass' ? (runs ? 'builds, runs' : 'builds') : `fails: ${describeSpecs(measured)}`;
      log(`step ${state.number}/${states.length} ${spec.id}: ${spec.command} (${platformName})`);

      if (noOps.has(state.number)) {
        results.push(row({ platform: platformName, expected: expectedText, got: 'same files and command as the step before', ok: false, wording: '-', unmeasured, detail: 'a step must change something' }));
        continue;
      }
      if (expectation.expect === 'fail' && measured.length === 0) {
        results.push(row({ platform: platformName, expected: 'fails', got: 'not built', ok: false, wording: '-', unmeasured, detail: `no measurable diagnostic is declared for ${platformName}` }));
        continue;
      }

      const targetDir = build.cargo === 'cargo' ? targetBase : `${targetBase}-cross`;
      const run = await runCargo(spec.command, { cwd: dir, cargo: build.cargo, targetDir, triple, extra: build.extra, noRun: triple !== undefined });
      const roots = { $PROJECT: dir, $WORK: work, $TARGET: targetDir, $SYSROOT: toolchain.sysroot ?? '', $CROSS: options.crossCargo ? dirname(options.crossCargo) : '', $HOME: homedir() };
      let { ok, got, detail } = await judge(spec, expectation, measured, run, runs, roots);
      if (expectation.note) detail = detail ? `${detail}; ${expectation.note}` : expectation.note;

      // The recording: normalized output under a header saying which compiler said it.
      const output = run.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic, roots)).join('\n');
      const body = `exit: ${run.success ? 'pass' : 'fail'}\n${output}`.trim() + '\n';
      const header = `# ${platformName} ${spec.id}: ${spec.command}${triple && !spec.target ? ` (for ${triple})` : ''}\n${toolchain.version.split('\n').map((line) => `# ${line}`).join('\n')}\n`;
      const { wording, diff } = recording(recordDir, platformName, spec, header, body, options.record);
      const strictOnly = options.strict && wording === 'changed' && ok ? true : undefined;
      if (strictOnly) {
        ok = false;
        detail = detail ? `${detail}; its output differs from the recording (--strict)` : 'its output differs from the recording (--strict)';
      }
      results.push(row({ platform: platformName, expected: expectedText, got, ok, detail, wording, diff, strictOnly, unmeasured }));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** The table `course verify` prints. */
export function formatTable(results: StepResult[]): string {
  const rows = results.map((result) => [
    String(result.number), result.id, truncate(result.command, 58), result.platform, truncate(result.expected, 60), truncate(result.got, 60), result.status === 'mismatch' ? 'MISMATCH' : result.status, result.wording,
  ]);
  const head = ['#', 'step', 'command', 'platform', 'expected', 'got', 'result', 'wording'];
  const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  const out = [line(head), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
  for (const result of results) {
    if (result.needs) out.push(`step ${result.number} ${result.id}: not built: needs ${result.needs}${result.detail ? ` (${result.detail})` : ''}`);
    else if (result.detail) out.push(`step ${result.number} ${result.id}: ${result.detail}`);
    // The table cuts both at 60 characters: a mismatch shows them whole, what course.toml declares (-) and what the compiler gave (+).
    if (result.status === 'mismatch' && !result.strictOnly) out.push(`step ${result.number} ${result.id}: expected (-) and got (+):\n-${result.expected}\n+${result.got}`);
    if (result.diff) out.push(`step ${result.number} ${result.id}: the compiler's wording changed since it was recorded:\n${result.diff}`);
    for (const note of result.unmeasured) out.push(`step ${result.number} ${result.id}: not measured here: ${note}`);
  }
  const failed = results.filter((result) => result.status === 'mismatch').length;
  const notBuilt = results.filter((result) => result.status === 'not built').length;
  const built = results.length - notBuilt;
  if (failed) out.push(`${failed} of ${built} steps built do not match${notBuilt ? `; ${notBuilt} not built here` : ''}`);
  else if (notBuilt) out.push(`all ${built} steps built match; ${notBuilt} not built here (exit ${verifyExitCodes.notBuilt})`);
  else out.push(`all ${results.length} steps match`);
  return out.join('\n');
}

/** course verify's exit status: documented in its --help and the README. */
export const verifyExitCodes = { ok: 0, mismatch: 1, notBuilt: 3 } as const;

export function verifyExitCode(results: StepResult[]): number {
  if (results.some((result) => result.status === 'mismatch')) return verifyExitCodes.mismatch;
  return results.some((result) => result.status === 'not built') ? verifyExitCodes.notBuilt : verifyExitCodes.ok;
}
