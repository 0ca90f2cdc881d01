/**
 * Plan → file contents, all in memory. Handlebars runs with escaping off (it
 * would turn `"` into `&quot;` inside TOML and Rust) and in strict mode (a
 * missing variable throws instead of rendering as nothing).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { UsageError } from './errors.js';
import type { PlannedFile, ProjectPlan, RenderContext } from './plan.js';

export interface RenderedFile {
  path: string;
  contents: string;
}

/** templates/ beside dist/ (built) or beside generators/ (vitest runs the sources). */
export const templatesDir = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../../templates/' : '../../templates/', import.meta.url),
);

const handlebars = Handlebars.create();

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

/** Renders `text` when `source` is a Handlebars template; `label` names the file in errors. */
export function renderTemplate(source: string, text: string, context: RenderContext, label = `templates/${source}`): string {
  if (!source.endsWith('.hbs')) return text;
  try {
    return handlebars.compile(text, { noEscape: true, strict: true })(context);
  } catch (error) {
    // Handlebars says e.g. `"board" not defined in [object Object] - 3:4`: the variable and where.
    const first = (error as Error).message.split('\n')[0];
    const missing = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/.exec(first);
    const message = missing ? `variable "${missing[1]}" is not defined (line ${missing[2]}, column ${missing[3]})` : first;
    throw new UsageError(`cannot render ${label}: ${message}`);
  }
}

/** Where a template's text comes from, and how errors name it. */
export interface TemplateSource {
  text: string;
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

function builtIn(source: string): TemplateSource {
  return { text: readFileSync(join(templatesDir, source), 'utf8'), label: `templates/${source}`, source };
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
export function templateReader(overrides?: string): TemplateReader {
  if (overrides === undefined) return { read: builtIn, extras: () => [] };
  const root = resolve(overrides);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`the templates folder ${overrides} does not exist or is not a folder`);
  }
  const own = filesUnder(root);
  const builtInPaths = new Set(filesUnder(templatesDir));
  const replaces = (source: string) => own.find((path) => path === source || path === `${source}.hbs`);
  return {
    read(source) {
      const path = replaces(source);
      return path ? { text: readFileSync(join(root, path), 'utf8'), label: join(root, path), source: path } : builtIn(source);
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
    return { path: file.path, contents: renderTemplate(template.source, template.text, plan.context, template.label) };
  });
}
