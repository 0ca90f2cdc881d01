/**
 * Course + answers → every step as a complete project in memory: the files of
 * the step (overlaid on the previous step's), rendered strictly, and its README
 * (what changed as a diff of the real files, what to expect, why, what next).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { renderTemplate } from '../core/render.js';
import { readOverlay } from '../io/overlay.js';
import { posixWord } from '../core/shell.js';
import { lstatInside, readInside, refuseLongText } from './read.js';
import { builtInCourseDir, readCourseTemplate, stepsFor, type Course, type CourseOs, type DiagnosticSpec, type StepSpec } from './manifest.js';

export interface CourseAnswers {
  name: string;
  edition: string;
  os: CourseOs;
}

export interface StepState {
  number: number;
  total: number;
  spec: StepSpec;
  /** steps/NN-id and the git tag step-NN-id */
  slug: string;
  /** The project's files without the README, path → contents. */
  files: Map<string, string>;
  readme: string;
  /** What to do next: the step's hint, else the next step's title (none after the last). */
  hint?: string;
  /** The step marker (stepMarkerPath), so that `check` in an emitted step names this course and step. */
  marker: StepMarker;
}

/** Written in every emitted step; read back by `check` as hostile data (check.ts). */
export const stepMarkerPath = '.freestanding-course.json';

export interface StepMarker {
  /** The course's title. */
  course: string;
  /** The author's course folder (absolute), or null for the built-in course. */
  from: string | null;
  step: string;
  number: number;
  command: string;
}

/** The exact `check` command for a course: plain for the built-in one, with --from for an author's. */
export function checkCommand(from: string | null): string {
  return from === null ? 'npx create-freestanding check' : `npx create-freestanding check --from ${posixWord(from)}`;
}

/** Strict, unescaped rendering, as for projects; a missing variable names the file and the variable. */
const renderCourseTemplate = (path: string, text: string, context: object) => renderTemplate(path, text, context, path);

/** A unified line diff of two small files (LCS; course files are a few dozen lines). */
export function lineDiff(before: string, after: string): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { lines.push(` ${a[i]}`); i++; j++; }
    // Removals before additions, as diff(1) prints them.
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) lines.push(`-${a[i++]}`);
    else lines.push(`+${b[j++]}`);
  }
  return lines.join('\n');
}

function fence(language: string, text: string): string {
  return `\`\`\`${language}\n${text.replace(/\n$/, '')}\n\`\`\``;
}

/** What changed between two steps, in Markdown. */
function describeChange(previous: StepState | undefined, step: StepSpec, files: Map<string, string>): string {
  if (!previous) return `A new project: ${[...files.keys()].map((path) => `\`${path}\``).join(', ')}.`;
  const parts: string[] = [];
  for (const [path, contents] of files) {
    const before = previous.files.get(path);
    if (before === contents) continue;
    parts.push(`\`${path}\`${before === undefined ? ' (new)' : ''}:\n\n${fence('diff', lineDiff(before ?? '', contents))}`);
  }
  if (step.command !== previous.spec.command) parts.push(`The command: \`${previous.spec.command}\` becomes \`${step.command}\`.`);
  return parts.join('\n\n');
}

/** Inline code that may itself contain backticks (`_start'). */
function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function describeDiagnostic(spec: DiagnosticSpec): string {
  const where = spec.when ? ` (${Object.entries(spec.when).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  const also = spec.any_of.length ? `; or, in other compiler versions, ${spec.any_of.map(code).join(', ')}` : '';
  const measured = spec.measured ? '' : ` — not measured by this course's checks; from ${spec.source}`;
  return `- ${spec.code ? `${code(spec.code)} ` : ''}${code(spec.message)}${where}${also}${measured}`;
}

/** The normalized compiler output recorded for this step: this OS's platforms first, then any. */
function recordedOutput(course: Course, os: CourseOs, id: string): string | undefined {
  for (const root of course.roots) {
    // Read as the course's other files: inside its folder, no links, regular files only.
    const dir = lstatInside(root, 'recorded', 'recorded/');
    if (!dir?.stats.isDirectory()) continue;
    const others = readdirSync(dir.path).filter((platform) => !recordedPlatforms(os).includes(platform)).sort();
    for (const platform of [...recordedPlatforms(os), ...others]) {
      const found = readInside(root, join('recorded', platform, `${id}.txt`), 'a recording');
      if (found) return `Recorded on ${platform}:\n\n${fence('text', found.text.split('\n').filter((line) => !line.startsWith('# ')).join('\n').trim())}`;
    }
  }
  return undefined;
}

/** Platforms whose recordings describe an OS, preferred first. */
export function recordedPlatforms(os: CourseOs): string[] {
  return { linux: ['linux-rust-lld', 'linux-gnu-ld'], windows: ['windows-lld-link'], macos: ['macos-ld64.lld'] }[os];
}

function describeExpectation(course: Course, step: StepSpec, os: CourseOs): string {
  const lines: string[] = [];
  const variants = step.variants.filter((variant) => !variant.when.os || variant.when.os === os);
  if (step.expect === 'pass') {
    lines.push(step.run ? `It builds, and running it prints \`${step.run.trim()}\`.` : 'It builds. (`_start` loops forever, so there is nothing to see when it runs.)');
  } else {
    const relevant = step.diagnostics.filter((spec) => !spec.when?.os || spec.when.os === os);
    lines.push('It fails; the compiler says (among other things):', '', ...relevant.map(describeDiagnostic));
  }
  for (const variant of variants) lines.push('', `With ${variant.when.linker ?? variant.when.toolchain ?? os}: it ${variant.expect === 'pass' ? 'builds' : 'fails'}. ${variant.note ?? ''}`.trim());
  if (step.target && step.missing_target.length) {
    lines.push('', `Without \`core\` for ${step.target} installed it fails instead with:`, '', ...step.missing_target.map(describeDiagnostic), '', `Fix: \`rustup target add ${step.target}\`.`);
  }
  const recorded = recordedOutput(course, os, step.id);
  if (recorded) lines.push('', recorded);
  return lines.join('\n');
}

/**
 * The files of a --templates folder that the course does not read (not
 * course.toml, not recorded/, not a template course.toml names): each is
 * added to every step at its own path, `.hbs` dropped (as --templates does
 * for the create command). The folder is read as data (io/overlay.ts).
 */
function overlayAdditions(course: Course): Map<string, { path: string; text: string } | { path: string; bytes: Uint8Array }> {
  const added = new Map<string, { path: string; text: string } | { path: string; bytes: Uint8Array }>();
  if (course.roots.length < 2) return added;
  const read = new Set(['course.toml', ...(course.readme ? [course.readme] : []), ...course.steps.flatMap((spec) => Object.values(spec.files))]);
  for (const [path, file] of readOverlay(course.roots[0]).files) {
    if (read.has(path) || path.startsWith('recorded/')) continue;
    const target = path.replace(/\.hbs$/, '');
    if (target === 'README.md') continue; // each step's README is the course's
    if (target.split('/')[0].toLowerCase() === '.git') throw new UsageError(`${path} in the templates folder would be written under .git/, which holds git's own files and commands; remove it`);
    added.set(target, { path, ...file });
  }
  return added;
}

/** The built-in course's step README template (the tool's own file, not an author's). */
function defaultReadme(): { path: string; text: string } {
  const path = 'files/README.md.hbs';
  return { path, text: readInside(builtInCourseDir(), path, 'the built-in course\'s README template')!.text };
}

/** Every step of the course for these answers, rendered. */
export function renderSteps(course: Course, answers: CourseAnswers): StepState[] {
  const specs = stepsFor(course, answers.os);
  const states: StepState[] = [];
  // A course without a readme of its own gets the built-in course's: command, change, outcome, check.
  const readmeTemplate = course.readme ? { ...readCourseTemplate(course, course.readme), path: course.readme } : defaultReadme();
  const from = course.roots.at(-1) === builtInCourseDir() ? null : course.roots.at(-1)!;
  const added = overlayAdditions(course);
  const check = checkCommand(from);
  specs.forEach((spec, index) => {
    const files = new Map(states.at(-1)?.files ?? []);
    const context = { ...answers, step: { number: index + 1, total: specs.length, id: spec.id, title: spec.title } };
    for (const [path, template] of Object.entries(spec.files)) {
      if (path === 'README.md') continue; // rendered below, with the step's story
      const { text } = readCourseTemplate(course, template);
      const rendered = renderCourseTemplate(template, text, context);
      refuseLongText(`${template} (rendered)`, rendered);
      files.set(path, rendered);
    }
    // New paths of a --templates folder join every step at their path (a `.hbs` rendered, the name without it).
    for (const [path, file] of added) {
      const rendered = 'text' in file && file.path.endsWith('.hbs') ? renderCourseTemplate(file.path, file.text, context) : 'text' in file ? file.text : undefined;
      if (rendered === undefined) throw new UsageError(`${file.path} in the templates folder is not UTF-8 text; a course's files are text`);
      refuseLongText(`${file.path} (rendered)`, rendered);
      files.set(path, rendered);
    }
    const slug = `${String(index + 1).padStart(2, '0')}-${spec.id}`;
    const next = specs[index + 1];
    const hint = spec.hint ?? (next && `Go on to step ${index + 2}: ${next.title}.`);
    const previous = states.at(-1);
    const readmeContext = {
      ...answers,
      course: { title: course.title, source: course.source ?? course.title },
      step: {
        number: index + 1, total: specs.length, id: spec.id, title: spec.title, command: spec.command,
        changed: describeChange(previous, spec, files), see: describeExpectation(course, spec, answers.os),
        why: spec.why, hint, check,
      },
    };
    // A README.md template in the files wins over the course's, for that step and the ones after it.
    const ownReadme = specs.slice(0, index + 1).reverse().find((earlier) => earlier.files['README.md'])?.files['README.md'];
    const template = ownReadme ? { path: ownReadme, text: readCourseTemplate(course, ownReadme).text } : readmeTemplate;
    const readme = renderCourseTemplate(template.path, template.text, readmeContext);
    const marker: StepMarker = { course: course.title, from, step: spec.id, number: index + 1, command: spec.command };
    states.push({ number: index + 1, total: specs.length, spec, slug, files, readme, hint, marker });
  });
  return states;
}

/** A step that changes neither a file nor the command teaches nothing. */
export function noOpSteps(states: StepState[]): StepState[] {
  return states.filter((state, index) => {
    if (index === 0) return false;
    const previous = states[index - 1];
    if (previous.spec.command !== state.spec.command) return false;
    if (previous.files.size !== state.files.size) return false;
    return [...state.files].every(([path, contents]) => previous.files.get(path) === contents);
  });
}
