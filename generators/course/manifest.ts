/**
 * A course is data: course.toml lists the steps, each overlaying files on the
 * previous one, with the command to run and what the compiler must answer.
 * The built-in course is templates/course; an author's course is the same
 * format in a folder of their own, optionally overlaid with --templates.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { hostOses, type HostOs } from '../core/catalogue.js';
import { UsageError } from '../core/errors.js';
import { templatesDir } from '../core/render.js';
import { showPath } from '../io/fs-errors.js';
import { splitCommand } from './command.js';
import { limits, lstatInside, readInside, readRegular, refuseOutside } from './read.js';
import { showSchemaPath, validate } from './schema.js';
import { tomlLines } from './toml-lines.js';

/** The catalogue's host OSes: each has its link steps in a course. */
export const courseOses: readonly HostOs[] = hostOses;
export type CourseOs = HostOs;

/** Where a diagnostic or variant applies; an absent field matches anything. */
export interface Condition {
  os?: string;
  linker?: string;
  toolchain?: string;
}

export interface DiagnosticSpec {
  code?: string;
  /** A substring of the normalized message (children included). */
  message: string;
  any_of: string[];
  when?: Condition;
  /** false: not measurable here; `source` says where the text comes from. */
  measured: boolean;
  source?: string;
}

export interface Variant {
  when: Condition;
  expect: 'pass' | 'fail';
  diagnostics?: DiagnosticSpec[];
  note?: string;
}

export interface StepSpec {
  id: string;
  title: string;
  command: string;
  expect: 'pass' | 'fail';
  /** Files this step adds or replaces: project path → template path in the course folder. */
  files: Record<string, string>;
  diagnostics: DiagnosticSpec[];
  variants: Variant[];
  /** Its outcome depends on the OS's linker: verified with that OS's toolchain. */
  links: boolean;
  /** Only in the course for this OS. */
  os?: CourseOs;
  /** A cross target: without its `core` the step fails with these instead. */
  target?: string;
  missing_target: DiagnosticSpec[];
  /** What the program prints when run (a passing step that can run here). */
  run?: string;
  why?: string;
  hint?: string;
}

export interface Course {
  title: string;
  source?: string;
  /** Template of each step's README.md (a step's own README.md file wins). */
  readme?: string;
  steps: StepSpec[];
  /** Where templates are read from: the overlay first, then the course folder. */
  roots: string[];
  manifestPath: string;
}

/** The built-in course's folder in the installed package. */
export const builtInCourseDir = (): string => join(templatesDir(), 'course');

type Table = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new UsageError(`${where}: ${what}`);
}

/** The cargo subcommands a step may run: builds and runs in the step's folder, nothing that installs or publishes. */
export const courseSubcommands = ['build', 'rustc', 'test', 'run', 'check'] as const;
/** Cargo options that would read or write outside the step folder, or run a program named in config. */
const cargoOptionsRefused = ['--manifest-path', '--target-dir', '--artifact-dir', '--out-dir', '--config', '--lockfile-path', '-Z'];
/** rustc options (after `--` of `cargo rustc`) that write elsewhere or choose the linker program. */
const rustcOptionsRefused = ['-o', '--out-dir', '--emit', '-L', '--sysroot', '-Clinker', '-Z'];

/** A step's command: `cargo <allowed subcommand> …`, with none of the options above. */
function checkCommand(command: string, where: string): void {
  let words: string[];
  try {
    words = splitCommand(command);
  } catch (error) {
    fail(where, (error as Error).message);
  }
  const subcommand = words[1];
  if (words[0] !== 'cargo' || !(courseSubcommands as readonly string[]).includes(subcommand)) {
    fail(where, `command "${command}": a step runs cargo ${courseSubcommands.join(', ')} only (course verify runs nothing else)`);
  }
  const split = words.indexOf('--');
  const cargoWords = split === -1 ? words.slice(2) : words.slice(2, split);
  const after = split === -1 ? [] : words.slice(split + 1);
  const hit = (list: string[], word: string) => list.find((option) => word === option || word.startsWith(option.startsWith('--') ? `${option}=` : option));
  for (const word of cargoWords) {
    const option = hit(cargoOptionsRefused, word);
    if (option) fail(where, `command "${command}": ${option} is not for a course's step (it reaches outside the step folder)`);
  }
  if (subcommand === 'rustc') {
    for (const [index, word] of after.entries()) {
      // -C linker=… as one word or two.
      const joined = word === '-C' ? `-C${after[index + 1] ?? ''}` : word;
      const option = hit(rustcOptionsRefused, joined) ?? (/^-C\s*linker=/.test(joined) ? '-C linker' : undefined) ?? (/^--codegen[= ]linker=/.test(joined) ? '-C linker' : undefined);
      if (option) fail(where, `command "${command}": rustc's ${option} is not for a course's step (it writes elsewhere or runs another program)`);
    }
  }
}

/** A step's project path: relative, inside the step folder, never into .git. */
function checkProjectPath(path: string, where: string): void {
  const parts = path.split('/');
  if (path === '' || /[\\\u0000-\u001f\u007f]/.test(path) || parts.some((part) => part === '' || part === '.' || part === '..')) {
    fail(where, `files."${path}" must be a relative path inside the step folder (no "..", "." or empty parts, no backslashes or control characters)`);
  }
  // Any case, and as Windows reads names (trailing dots and spaces dropped, the 8.3 name GIT~1).
  if (parts.some((part) => ['.git', 'git~1'].includes(part.toLowerCase().replace(/[. ]+$/, '')))) fail(where, `files."${path}": a course never writes into .git (git makes the repository itself); choose another path`);
}

/** Each diagnostic as the schema left it, with its defaults; `measured = false` needs a source. */
function diagnostics(value: unknown, where: string): DiagnosticSpec[] {
  return ((value ?? []) as Table[]).map((table, index) => {
    const measured = (table.measured ?? true) as boolean;
    if (!measured && table.source === undefined) fail(`${where}[${index}]`, 'a diagnostic with measured = false needs a "source"');
    return { ...(table as unknown as DiagnosticSpec), any_of: (table.any_of ?? []) as string[], measured };
  });
}

/**
 * A course.toml's text as a Course. The schema (course.schema.json) checks
 * every key's type first and names the key and its line; what a schema cannot
 * say (a command's options, paths inside the folder, ids used twice) is
 * checked here.
 */
export function parseCourse(text: string, manifestPath: string, roots: string[]): Course {
  let data: Table;
  try {
    data = parse(text, { maxDepth: 32 }) as Table;
  } catch (error) {
    throw new UsageError(`${manifestPath}: not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  // Counted before the schema walks them all.
  if (Array.isArray(data.steps) && data.steps.length > limits.steps) fail(manifestPath, `${data.steps.length} steps, over the limit of ${limits.steps} steps a course may have`);
  const lineOf = tomlLines(text);
  const [first, ...more] = validate(data);
  if (first) {
    const line = lineOf(first.path);
    throw new UsageError(`${manifestPath}${line ? `:${line}` : ''}: ${showSchemaPath(first.path)}: ${first.message}${more.length ? ` (and ${more.length} more)` : ''}; see docs/course-format.md`);
  }
  const head = data.course as Table;
  const seen = new Set<string>();
  const paths = new Set<string>();
  const steps = (data.steps as Table[]).map((table, index): StepSpec => {
    const where = `${manifestPath}:${lineOf(['steps', index]) ?? ''}: steps[${index}]`;
    const id = table.id as string;
    if (seen.has(id)) fail(where, `id "${id}" is used twice`);
    seen.add(id);
    const files = (table.files ?? {}) as Record<string, string>;
    for (const [path, template] of Object.entries(files)) {
      checkProjectPath(path, where);
      refuseOutside(template, `${where}: files."${path}"`);
      paths.add(path);
    }
    const stepDiagnostics = diagnostics(table.diagnostics, `${where}.diagnostics`);
    if (table.expect === 'pass' && stepDiagnostics.length > 0) fail(where, 'a passing step declares no diagnostics');
    const variants = ((table.variants ?? []) as Table[]).map((variant, n) => ({
      ...(variant as unknown as Variant),
      diagnostics: variant.diagnostics === undefined ? undefined : diagnostics(variant.diagnostics, `${where}.variants[${n}].diagnostics`),
    }));
    checkCommand(table.command as string, where);
    return {
      ...(table as unknown as StepSpec),
      files,
      diagnostics: stepDiagnostics,
      variants,
      links: table.links === true,
      missing_target: diagnostics(table.missing_target, `${where}.missing_target`),
    };
  });
  if (Object.keys(steps[0].files).length === 0) fail(manifestPath, 'the first step must list the files of a complete project');
  // A path that is a file in one step and a folder in another cannot be written.
  for (const path of paths) {
    const parts = path.split('/');
    for (let end = 1; end < parts.length; end++) {
      if (paths.has(parts.slice(0, end).join('/'))) fail(manifestPath, `files."${parts.slice(0, end).join('/')}" is a file in one step and a folder (of "${path}") in another; rename one`);
    }
  }
  if (head.readme !== undefined) refuseOutside(head.readme as string, `${manifestPath}: readme`);
  return { title: head.title as string, source: head.source as string | undefined, readme: head.readme as string | undefined, steps, roots, manifestPath };
}

/** A folder the user named: its real path (the user chose it, links and all); what is inside is read without links. */
function courseFolder(flag: string, value: string): string {
  if (value === '') throw new UsageError(`--${flag} must name a folder (got an empty string)`);
  let real: string;
  try {
    real = realpathSync.native(resolve(value));
  } catch {
    throw new UsageError(`--${flag} ${showPath(value)}: no such folder`);
  }
  if (!lstatSync(real).isDirectory()) throw new UsageError(`--${flag} ${showPath(value)} is not a folder`);
  return real;
}

/** Reads course.toml from the overlay (if it has one) or the course folder. */
export function loadCourse(options: { from?: string; templates?: string }): Course {
  const base = options.from !== undefined ? courseFolder('from', options.from) : builtInCourseDir();
  const roots = [base];
  if (options.templates !== undefined) roots.unshift(courseFolder('templates', options.templates));
  for (const root of roots) {
    const found = lstatInside(root, 'course.toml', 'course.toml');
    if (!found) continue;
    return parseCourse(readRegular(found.path, limits.manifestBytes, found.stats).toString('utf8'), found.path, roots);
  }
  throw new UsageError(`no course.toml in ${showPath(base)}; --from names a folder with a course.toml`);
}

/** A template's text: the first root that has it wins (an overlay replaces, or adds); inside its root, a regular file, never a link. */
export function readCourseTemplate(course: Course, template: string): { text: string; path: string } {
  for (const root of course.roots) {
    const found = readInside(root, template, `${course.manifestPath}: template`);
    if (found) return found;
  }
  throw new UsageError(`${course.manifestPath}: template ${template} not found in ${course.roots.join(' or ')}`);
}

/** Does a condition hold on this platform? */
export function holds(when: Condition | undefined, platform: Condition): boolean {
  if (!when) return true;
  // toolchain is a release prefix: "1.95" holds for 1.95.0 and 1.95.1.
  return (Object.keys(when) as (keyof Condition)[]).every((key) => when[key] === undefined
    || (key === 'toolchain' ? platform.toolchain !== undefined && `${platform.toolchain}.`.startsWith(`${when.toolchain}.`) : when[key] === platform[key]));
}

/** The steps of the course for one OS. */
export function stepsFor(course: Course, os: CourseOs): StepSpec[] {
  return course.steps.filter((step) => step.os === undefined || step.os === os);
}

/** What a step must give on a platform: the first matching variant, else the step's own. */
export function expectationFor(step: StepSpec, platform: Condition): { expect: 'pass' | 'fail'; diagnostics: DiagnosticSpec[]; note?: string } {
  const variant = step.variants.find((candidate) => holds(candidate.when, platform));
  const expect = variant?.expect ?? step.expect;
  const all = variant?.diagnostics ?? step.diagnostics;
  return { expect, diagnostics: expect === 'fail' ? all.filter((spec) => holds(spec.when, platform)) : [], note: variant?.note };
}
