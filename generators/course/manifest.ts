/**
 * A course is data: course.toml lists the steps, each overlaying files on the
 * previous one, with the command to run and what the compiler must answer.
 * The built-in course is templates/course; an author's course is the same
 * format in a folder of their own, optionally overlaid with --templates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { UsageError } from '../core/errors.js';
import { templatesDir } from '../core/render.js';

export const courseOses = ['linux', 'windows', 'macos'] as const;
export type CourseOs = (typeof courseOses)[number];

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
  why: string;
  hint: string;
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

export const builtInCourseDir = join(templatesDir, 'course');

type Table = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new UsageError(`${where}: ${what}`);
}

function str(table: Table, key: string, where: string, required: true): string;
function str(table: Table, key: string, where: string, required?: false): string | undefined;
function str(table: Table, key: string, where: string, required = false): string | undefined {
  const value = table[key];
  if (value === undefined) {
    if (required) fail(where, `"${key}" is missing`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') fail(where, `"${key}" must be a non-empty string`);
  return value;
}

function expectation(value: unknown, where: string): 'pass' | 'fail' {
  if (value !== 'pass' && value !== 'fail') fail(where, `"expect" must be "pass" or "fail" (got ${JSON.stringify(value)})`);
  return value;
}

function condition(value: unknown, where: string): Condition | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, '"when" must be a table such as { os = "linux" }');
  const table = value as Table;
  for (const key of Object.keys(table)) {
    if (!['os', 'linker', 'toolchain'].includes(key)) fail(where, `"when" knows os, linker and toolchain (got "${key}")`);
  }
  return { os: str(table, 'os', where), linker: str(table, 'linker', where), toolchain: str(table, 'toolchain', where) };
}

function diagnostics(value: unknown, where: string): DiagnosticSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(where, 'diagnostics must be an array of tables ([[steps.diagnostics]])');
  return value.map((item, index) => {
    const here = `${where}[${index}]`;
    const table = item as Table;
    const anyOf = table.any_of ?? [];
    if (!Array.isArray(anyOf) || anyOf.some((text) => typeof text !== 'string' || text === '')) fail(here, '"any_of" must be a list of strings');
    const measured = table.measured ?? true;
    if (typeof measured !== 'boolean') fail(here, '"measured" must be true or false');
    const source = str(table, 'source', here);
    if (!measured && !source) fail(here, 'a diagnostic with measured = false needs a "source"');
    return { code: str(table, 'code', here), message: str(table, 'message', here, true), any_of: anyOf as string[], when: condition(table.when, here), measured, source };
  });
}

export function parseCourse(text: string, manifestPath: string, roots: string[]): Course {
  let data: Table;
  try {
    data = parse(text) as Table;
  } catch (error) {
    throw new UsageError(`${manifestPath}: not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const head = (data.course ?? {}) as Table;
  const rawSteps = data.steps;
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) fail(manifestPath, 'no [[steps]]');
  const seen = new Set<string>();
  const steps = rawSteps.map((raw, index): StepSpec => {
    const table = raw as Table;
    const where = `${manifestPath}: steps[${index}]`;
    const id = str(table, 'id', where, true);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail(where, `id "${id}" must be lowercase letters, digits and dashes`);
    if (seen.has(id)) fail(where, `id "${id}" is used twice`);
    seen.add(id);
    const files = (table.files ?? {}) as Table;
    if (typeof files !== 'object' || Array.isArray(files)) fail(where, '"files" must be a table of "path" = "template"');
    for (const [path, template] of Object.entries(files)) {
      if (typeof template !== 'string' || path.startsWith('/') || path.split('/').includes('..')) fail(where, `files."${path}" must name a template, inside the project`);
    }
    const os = str(table, 'os', where);
    if (os !== undefined && !(courseOses as readonly string[]).includes(os)) fail(where, `os must be one of ${courseOses.join(', ')}`);
    const expect = expectation(table.expect, where);
    const stepDiagnostics = diagnostics(table.diagnostics, `${where}.diagnostics`);
    if (expect === 'pass' && stepDiagnostics.length > 0) fail(where, 'a passing step declares no diagnostics');
    const variants = ((table.variants ?? []) as Table[]).map((variant, n) => {
      const here = `${where}.variants[${n}]`;
      const when = condition(variant.when, here);
      if (!when) fail(here, 'a variant needs "when"');
      return { when, expect: expectation(variant.expect, here), diagnostics: variant.diagnostics === undefined ? undefined : diagnostics(variant.diagnostics, here), note: str(variant, 'note', here) };
    });
    return {
      id,
      title: str(table, 'title', where, true),
      command: str(table, 'command', where, true),
      expect,
      files: files as Record<string, string>,
      diagnostics: stepDiagnostics,
      variants,
      links: table.links === true,
      os: os as CourseOs | undefined,
      target: str(table, 'target', where),
      missing_target: diagnostics(table.missing_target, `${where}.missing_target`),
      run: str(table, 'run', where),
      why: str(table, 'why', where, true),
      hint: str(table, 'hint', where, true),
    };
  });
  if (Object.keys(steps[0].files).length === 0) fail(manifestPath, 'the first step must list the files of a complete project');
  return { title: str(head, 'title', manifestPath, true), source: str(head, 'source', manifestPath), readme: str(head, 'readme', manifestPath), steps, roots, manifestPath };
}

/** Reads course.toml from the overlay (if it has one) or the course folder. */
export function loadCourse(options: { from?: string; templates?: string }): Course {
  const base = options.from ? resolve(options.from) : builtInCourseDir;
  if (!existsSync(join(base, 'course.toml'))) throw new UsageError(`no course.toml in ${base}; --from names a folder with a course.toml`);
  const roots = [base];
  if (options.templates) {
    const overlay = resolve(options.templates);
    if (!existsSync(overlay)) throw new UsageError(`--templates ${options.templates}: no such folder`);
    roots.unshift(overlay);
  }
  const manifestPath = roots.map((root) => join(root, 'course.toml')).find((path) => existsSync(path))!;
  return parseCourse(readFileSync(manifestPath, 'utf8'), manifestPath, roots);
}

/** A template's text: the first root that has it wins (an overlay replaces, or adds). */
export function readCourseTemplate(course: Course, template: string): { text: string; path: string } {
  for (const root of course.roots) {
    const path = join(root, template);
    if (existsSync(path)) return { text: readFileSync(path, 'utf8'), path };
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
