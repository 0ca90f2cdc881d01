/**
 * Plan → file contents, all in memory. Handlebars runs with escaping off (it
 * would turn `"` into `&quot;` inside TOML and Rust) and in strict mode (a
 * missing variable throws instead of rendering as nothing).
 *
 * The published bundle carries the built-in templates precompiled (see
 * built-in-templates.ts), so a scaffold only runs them with Handlebars'
 * runtime; the compiler is loaded only to compile an author's overrides, or
 * when running from the sources, where templates/ is read and compiled.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import HandlebarsRuntime from 'handlebars/runtime';
import { builtInTemplates as bundledTemplates, type BuiltInTemplate } from './built-in-templates.js';
import { UsageError } from './errors.js';
import type { PlannedFile, ProjectPlan, RenderContext } from './plan.js';

export interface RenderedFile {
  path: string;
  contents: string;
}

/** The package's root: the nearest folder up from this module holding templates/ (from any file in dist/, or from generators/core/). */
function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'templates')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('render: cannot find the templates folder of create-freestanding');
    dir = parent;
  }
  return dir;
}

/** The installed package's folder (package.json, templates/, dist/). */
export const packageDir = packageRoot();

/** templates/ at the package's root: compiled at run time from the sources, a starting point for authors. */
export const templatesDir = join(packageDir, 'templates');

/** Same options as scripts/precompile-templates.js, so precompiled and run-time compiled templates render alike. */
const compileOptions = { noEscape: true, strict: true };

type Compile = (text: string) => (context: object) => string;
let compiler: Compile | undefined;

/** The full Handlebars, loaded on first use: the bundle's own copy (dist/handlebars-compiler.cjs) or the installed package. */
function compile(text: string): (context: object) => string {
  if (!compiler) {
    const require = process.getBuiltinModule('node:module').createRequire(import.meta.filename);
    const handlebars = (bundledTemplates ? require(join(packageDir, 'dist', 'handlebars-compiler.cjs')).default : require('handlebars')) as typeof import('handlebars');
    const env = handlebars.create();
    compiler = (source) => env.compile(source, compileOptions);
  }
  return compiler(text);
}

const runtime = HandlebarsRuntime.create();

/** Runs a template, naming `label` in a render error. */
function run<Context extends object>(template: (context: Context) => string, context: Context, label: string): string {
  try {
    return template(context);
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
export function renderTemplate(source: string, text: string, context: object, label = `templates/${source}`): string {
  if (!source.endsWith('.hbs')) return text;
  return run((values) => compile(text)(values), context, label);
}

/** Where a template's text comes from, and how errors name it. */
export interface TemplateSource {
  /** The text, when the template is to be compiled now (or is not a template). */
  text?: string;
  /** The precompiled template, for a built-in `.hbs` file in the bundle. */
  precompiled?: (context: RenderContext) => string;
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
      read: (source) => ({ text: readFileSync(join(templatesDir, source), 'utf8'), label: `templates/${source}`, source }),
      // templates/course/ is the course command's, read by it from disk; projects are rendered from the rest.
      paths: () => new Set(filesUnder(templatesDir).filter((path) => !path.startsWith('course/'))),
    };
  }
  const precompiled = new Map<string, (context: RenderContext) => string>();
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

/**
 * The built-in templates, or an author's folder laid over them: a file at the
 * same path as a built-in one (or that path + `.hbs`, to template a plain
 * file) replaces it; any other file is added to every project at its path,
 * `.hbs` dropped and rendered.
 */
export function templateReader(overrides?: string, precompiled = bundledTemplates): TemplateReader {
  const builtIn = builtInReader(precompiled);
  if (overrides === undefined) return { read: builtIn.read, extras: () => [] };
  const root = resolve(overrides);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`the templates folder ${overrides} does not exist or is not a folder`);
  }
  const own = filesUnder(root);
  const builtInPaths = builtIn.paths();
  const replaces = (source: string) => own.find((path) => path === source || path === `${source}.hbs`);
  return {
    read(source) {
      const path = replaces(source);
      return path ? { text: readFileSync(join(root, path), 'utf8'), label: join(root, path), source: path } : builtIn.read(source);
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
  return files.map((file) => {
    const template = reader.read(file.source);
    const contents = template.precompiled
      ? run(template.precompiled, plan.context, template.label)
      : renderTemplate(template.source, template.text ?? '', plan.context, template.label);
    return { path: file.path, contents };
  });
}
