/**
 * Plan → file contents, all in memory. Handlebars runs with escaping off (it
 * would turn `"` into `&quot;` inside TOML and Rust) and in strict mode (a
 * missing variable throws instead of rendering as nothing).
 *
 * The published bundle carries the built-in templates precompiled (see
 * built-in-templates.ts), so a scaffold only runs them with Handlebars'
 * runtime; the compiler is loaded only to compile an author's overrides, or
 * when running from the sources, where templates/ is read and compiled.
 *
 * An author's folder is data, not code: it is read without following links,
 * regular files only, within size limits, and its templates cannot print
 * (`{{log}}`) or reach prototypes (`{{constructor}}`, `{{lookup this "__proto__"}}`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import HandlebarsRuntime from 'handlebars/runtime';
import { builtInTemplateIndex, type BuiltInTemplate } from './built-in-templates.js';
import { UsageError } from './errors.js';
import type { PlannedFile, ProjectPlan, RenderContext } from './plan.js';

export interface RenderedFile {
  path: string;
  /** Text, or the bytes of a file that is not UTF-8 text (an author's PNG), copied as they are (typed Uint8Array, not Buffer, so consumers need no @types/node). */
  contents: string | Uint8Array;
}

/** What one template may hold: Handlebars' compiler takes seconds (and its stack) beyond these. */
export const templateLimits = {
  /** Blocks (and `else if` chains) inside blocks: 2,000 overflow the stack, 20,000 run for minutes. */
  nesting: 100,
  /** `{{…}}` tags in one template: compiling grows faster than their number (40,000 take ~14 s). */
  tags: 5000,
} as const;

/**
 * The installed package's folder (package.json, templates/, dist/): the nearest
 * folder up from this module holding templates/ (from any file in dist/, or
 * from generators/core/). Looked for on first use, never at import: rendering
 * from a precompiled table never touches the disk.
 */
let foundPackageDir: string | undefined;
export function packageDir(): string {
  if (foundPackageDir !== undefined) return foundPackageDir;
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'templates')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('render: cannot find the templates folder of create-freestanding');
    dir = parent;
  }
  return (foundPackageDir = dir);
}

/** templates/ at the package's root: compiled at run time from the sources, a starting point for authors. */
export const templatesDir = (): string => join(packageDir(), 'templates');

/** This package's version, from its package.json: what `--version` prints and what a course's workflow pins. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Same options as scripts/precompile-templates.js, so precompiled and run-time compiled templates render alike. */
const compileOptions = { noEscape: true, strict: true };

/** How the package's own CommonJS files (dist/precompiled/) are loaded: require(), unless a front end gives another way. */
let requireOwnFile = (path: string): unknown => process.getBuiltinModule('node:module').createRequire(import.meta.filename)(path);

/** The command's start loads them through V8's code cache (io/code-cache.ts), as it loads the command itself. */
export function loadOwnFilesWith(load: (path: string) => unknown): void {
  requireOwnFile = load;
}

/**
 * The precompiled templates of an index (the bundle's: see
 * built-in-templates.ts), as one table: a folder's file in `dir` (default
 * dist/precompiled/) is required when one of its templates is first read, so
 * a scaffold parses its own target's templates only. Nothing is read here.
 */
export function precompiledTable(index: Record<string, string[]>, dir?: string): Record<string, BuiltInTemplate> {
  const table: Record<string, BuiltInTemplate> = {};
  for (const [folder, paths] of Object.entries(index)) {
    let loaded: Record<string, BuiltInTemplate> | undefined;
    const load = () => (loaded ??= requireOwnFile(join(dir ?? join(packageDir(), 'dist', 'precompiled'), `${folder}.cjs`)) as Record<string, BuiltInTemplate>);
    for (const path of paths) Object.defineProperty(table, path, { enumerable: true, get: () => load()[path] });
  }
  return table;
}

const bundledTemplates = builtInTemplateIndex && precompiledTable(builtInTemplateIndex);

type Compile = (text: string) => (context: object, options?: object) => string;
let compiler: Compile | undefined;

/**
 * Where the `{{…}}` tag whose body starts at `from` ends: after its first `}}`.
 * Handlebars' lexer ends it there too unless a string or `[…]` segment holds
 * `}}` or a backslash (whose escapes its lexer resolves by backtracking), which
 * are refused: then both agree on every tag.
 */
function tagEnd(text: string, from: number): number {
  const close = text.indexOf('}}', from);
  const end = close === -1 ? text.length : close;
  let quote: string | undefined;
  for (let i = from; i < end; i += 1) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === '\\') throw new Error(`a string or [segment] in a {{…}} tag holds a backslash (line ${lineOf(text, i)}); build the text outside the tag`);
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') quote = ']';
  }
  if (quote !== undefined) throw new Error(`a string or [segment] in a {{…}} tag holds "}}" or is not closed (line ${lineOf(text, from)}); build the text outside the tag`);
  return close === -1 ? text.length : close + 2;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * Refuses, before Handlebars parses it (its parser alone takes 20 s on 5,000
 * nested blocks), a template whose nesting or size would take its compiler
 * minutes or its whole stack. It follows Handlebars' lexer where a tag starts
 * and ends (`\{{` escapes, strings, `[…]`, comments; raw blocks are refused),
 * so it can count high but never low.
 */
export function checkTemplateShape(text: string): void {
  const open: number[] = [];
  let depth = 0;
  let tags = 0;
  for (let at = text.indexOf('{{'); at !== -1; at = text.indexOf('{{', at)) {
    let braces = 2;
    while (text[at + braces] === '{') braces += 1;
    let backslashes = 0;
    while (text[at - backslashes - 1] === '\\') backslashes += 1;
    // `\{{` is text up to the next `{{` (`\\{{` is a backslash, then a tag).
    if (backslashes === 1) {
      at += 2;
      continue;
    }
    if ((tags += 1) > templateLimits.tags) throw new Error(`more than ${templateLimits.tags} {{…}} tags; split the template or make it a plain file`);
    const bodyStart = at + braces + (text[at + braces] === '~' ? 1 : 0);
    const body = text.slice(bodyStart, bodyStart + 8).trimStart();
    if (body.startsWith('!--')) {
      const close = /--~?\}\}/g;
      close.lastIndex = bodyStart;
      at = close.exec(text) ? close.lastIndex : text.length;
      continue;
    }
    if (body.startsWith('!')) {
      const close = text.indexOf('}}', bodyStart);
      at = close === -1 ? text.length : close + 2;
      continue;
    }
    const end = tagEnd(text, bodyStart);
    const tag = text.slice(bodyStart, end);
    // Where a raw block ends is a lexer rule of its own; `\{{` says the same more plainly.
    if (braces >= 4) throw new Error('raw blocks ({{{{…}}}}) are not supported; write \\{{ for a literal {{');
    if (tag.startsWith('#') || (tag.startsWith('^') && !/^\^\s*~?\}\}$/.test(tag))) {
      open.push(1);
      depth += 1;
    } else if (tag.startsWith('/')) depth -= open.pop() ?? 0;
    else if (/^\s*else/.test(tag) && !/^\s*else\s*~?\}\}$/.test(tag) && open.length > 0) {
      // `{{else if x}}` is a block nested in the one before it, closed by the same `{{/if}}`.
      open[open.length - 1] += 1;
      depth += 1;
    }
    // Subexpressions nest too: every `(` of the tag counts (on the high side).
    const parens = tag.split('(').length - 1;
    if (depth + parens > templateLimits.nesting) throw new Error(`blocks are nested more than ${templateLimits.nesting} deep; flatten the template`);
    at = end;
  }
}

/** Names of Object.prototype and friends: a template reaching one reads the language, not the context. */
const prototypeNames = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Helpers that print or reach prototypes, replaced in every Handlebars we run
 * (the runtime for precompiled templates, the compiler for the others) by ones
 * that fail as a missing variable does. Messages end ` - line:column` as
 * Handlebars' own, so `run` words them alike.
 */
function restrictHelpers(env: typeof HandlebarsRuntime): void {
  const at = (options: { loc?: { start?: { line: number; column: number } } }) => `${options.loc?.start?.line ?? 0}:${options.loc?.start?.column ?? 0}`;
  // {{log}} writes to stdout/stderr (it would break --json).
  env.registerHelper('log', (...args: unknown[]) => {
    throw new Error(`the log helper prints, which templates may not do - ${at(args.at(-1) as object)}`);
  });
  // {{lookup obj "field"}} only finds the object's own fields, and a missing one is an error.
  env.registerHelper('lookup', (object: unknown, field: unknown, options: object) => {
    const key = String(field);
    if (object !== null && typeof object === 'object' && Object.hasOwn(object, key) && !prototypeNames.has(key)) return (object as Record<string, unknown>)[key];
    throw new Error(`"${key}" not defined in lookup - ${at(options)}`);
  });
  // Access warnings would go to stderr; with the guarded context below a denied access fails instead.
  (env.logger as { level: unknown }).level = 4; // above 'error' (3): silent
}

/**
 * Refuses a path through a prototype name (`{{@constructor}}` inside `{{#each}}`,
 * whose data frames are plain objects the guard below cannot reach). The AST is
 * at most `templateLimits.nesting` deep, checked before parsing.
 */
export function refusePrototypePaths(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(refusePrototypePaths);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const { type, parts, loc } = node as { type?: string; parts?: unknown[]; loc?: { start: { line: number; column: number } } };
  if (type === 'PathExpression') {
    const bad = parts?.find((part) => typeof part === 'string' && prototypeNames.has(part));
    if (bad !== undefined) throw new Error(`"${String(bad)}" not defined in template - ${loc?.start.line ?? 0}:${loc?.start.column ?? 0}`);
  }
  for (const [key, value] of Object.entries(node)) if (key !== 'loc') refusePrototypePaths(value);
}

/** The full Handlebars, loaded on first use: the bundle's own copy (dist/handlebars-compiler.cjs) or the installed package. */
function compile(text: string): (context: object, options?: object) => string {
  if (!compiler) {
    const require = process.getBuiltinModule('node:module').createRequire(import.meta.filename);
    const handlebars = (bundledTemplates ? require(join(packageDir(), 'dist', 'handlebars-compiler.cjs')).default : require('handlebars')) as typeof import('handlebars');
    const env = handlebars.create();
    restrictHelpers(env as unknown as typeof HandlebarsRuntime);
    compiler = (source) => {
      const ast = env.parse(source);
      refusePrototypePaths(ast);
      return env.compile(ast, compileOptions);
    };
  }
  checkTemplateShape(text);
  return compiler(text);
}

const runtime = HandlebarsRuntime.create();
restrictHelpers(runtime);

/** A name a template asks for is there only when the context has it itself: `in` sees no prototype, so strict mode fails on `{{constructor}}`. */
const ownOnly: ProxyHandler<object> = {
  has: (target, key) => Object.hasOwn(target, key) && !(typeof key === 'string' && prototypeNames.has(key)),
};

/** A copy of `value` whose every object and array answers only for its own fields (a copy, so frozen objects keep no proxy invariant from us). */
function guard(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return new Proxy(value.map(guard), ownOnly);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = guard(item);
  return new Proxy(copy, ownOnly);
}

/** Handlebars' @-data: `root` given, so the runtime uses this object, which has no prototype (`{{@constructor}}` fails). */
function dataFor(context: unknown): object {
  return Object.assign(Object.create(null) as object, { root: context });
}

/** Runs a template on a guarded copy of `context`, naming `label` in a render error. */
function run<Context extends object>(template: (context: Context, options?: object) => string, context: Context, label: string, guarded = guard(context)): string {
  try {
    return template(guarded as Context, { data: dataFor(guarded) });
  } catch (error) {
    // Handlebars says e.g. `"board" not defined in [object Object] - 3:4`: the variable and where.
    const first = (error as Error).message.split('\n')[0];
    const missing = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/.exec(first);
    const message = missing ? `variable "${missing[1]}" is not defined (line ${missing[2]}, column ${missing[3]})` : first;
    throw new UsageError(`cannot render ${label}: ${message}`);
  }
}

/** Every string a template can print must say something: an empty one is a bug in the plan. */
export function assertNoEmptyValues(value: unknown, where = 'context'): void {
  if (value === '' || value === undefined || value === null) {
    throw new Error(`render: ${where} is empty`);
  }
  if (Array.isArray(value)) value.forEach((item, index) => assertNoEmptyValues(item, `${where}[${index}]`));
  else if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as object)) assertNoEmptyValues(item, `${where}.${key}`);
  }
}

/**
 * Renders `text` when `source` is a Handlebars template (compiling it now);
 * `label` names the file in errors. The course renders its steps with it too.
 */
export function renderTemplate(source: string, text: string, context: object, label = `templates/${source}`, guarded?: unknown): string {
  if (!source.endsWith('.hbs')) return text;
  return run((values, options) => compile(text)(values, options), context, label, guarded ?? guard(context));
}

/** Where a template's text comes from, and how errors name it. */
export interface TemplateSource {
  /** The text, when the template is to be compiled now (or is not a template). */
  text?: string;
  /** The bytes of an author's file that is not UTF-8 text, copied as they are. */
  bytes?: Uint8Array;
  /** The precompiled template, for a built-in `.hbs` file in the bundle. */
  precompiled?: (context: RenderContext, options?: object) => string;
  /** The path that was read, for error messages. */
  label: string;
  /** The source path as rendered (an override may add `.hbs` to a plain built-in file). */
  source: string;
}

export interface TemplateReader {
  read(source: string): TemplateSource;
  /** Files the author added that no built-in template has: project path and template path. */
  extras(): PlannedFile[];
}

/** Built-in templates from a precompiled table (the bundle's, or a test's), else read from templates/. */
function builtInReader(table: Record<string, BuiltInTemplate> | undefined): { read: (source: string) => TemplateSource; paths: () => Set<string> } {
  if (!table) {
    return {
      read: (source) => ({ text: readFileSync(join(templatesDir(), source), 'utf8'), label: `templates/${source}`, source }),
      // templates/course/ and course-ci/ are the course command's, read by it from disk; projects are rendered from the rest.
      paths: () => new Set(filesUnder(templatesDir()).filter((path) => !/^course(-ci)?\//.test(path))),
    };
  }
  const precompiled = new Map<string, (context: RenderContext, options?: object) => string>();
  return {
    read(source) {
      const entry = table[source];
      if (!entry) throw new Error(`render: no built-in template ${source}`);
      const label = `templates/${source}`;
      if ('text' in entry) return { text: entry.text, label, source };
      let template = precompiled.get(source);
      if (!template) precompiled.set(source, template = runtime.template(entry.spec as Parameters<typeof runtime.template>[0]));
      return { precompiled: template, label, source };
    },
    paths: () => new Set(Object.keys(table)),
  };
}

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(root, path) : [relative(root, path).split(sep).join('/')];
  });
}

/** An author's file: text when it is UTF-8 (a `.hbs` template must be), else its bytes. */
export type OverlayFile = { text: string } | { bytes: Uint8Array };

/** An author's templates folder, read as data by io/overlay.ts: its path (for messages) and its files by relative path. */
export interface Overlay {
  root: string;
  files: Map<string, OverlayFile>;
}

/**
 * The built-in templates, or an author's folder laid over them: a file at the
 * same path as a built-in one (or that path + `.hbs`, to template a plain
 * file) replaces it; any other file is added to every project at its path,
 * `.hbs` dropped and rendered. The folder was read once, as data, by io/overlay.ts.
 */
export function templateReader(overlay?: Overlay, precompiled = bundledTemplates): TemplateReader {
  const builtIn = builtInReader(precompiled);
  if (overlay === undefined) return { read: builtIn.read, extras: () => [] };
  const { root, files: ownFiles } = overlay;
  const own = [...ownFiles.keys()];
  const builtInPaths = builtIn.paths();
  const replaces = (source: string) => own.find((path) => path === source || path === `${source}.hbs`);
  return {
    read(source) {
      const path = replaces(source);
      if (!path) return builtIn.read(source);
      return { ...ownFiles.get(path)!, label: join(root, path), source: path };
    },
    extras() {
      return own
        .filter((path) => !builtInPaths.has(path) && !builtInPaths.has(path.replace(/\.hbs$/, '')))
        .map((path) => ({ path: path.replace(/\.hbs$/, ''), source: path, purpose: 'added by your templates folder' }));
    },
  };
}

export function renderPlan(plan: ProjectPlan, reader: TemplateReader = templateReader()): RenderedFile[] {
  assertNoEmptyValues(plan.context);
  const extras = reader.extras();
  const files = [...plan.files.filter((file) => !extras.some((extra) => extra.path === file.path)), ...extras];
  const guarded = guard(plan.context);
  return files.map((file) => {
    const template = reader.read(file.source);
    const contents = template.bytes ?? (template.precompiled
      ? run(template.precompiled, plan.context, template.label, guarded)
      : renderTemplate(template.source, template.text ?? '', plan.context, template.label, guarded));
    return { path: file.path, contents };
  });
}
