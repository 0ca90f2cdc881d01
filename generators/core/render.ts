/**
 * Plan → file contents, all in memory. Handlebars runs with escaping off (it
 * would turn `"` into `&quot;` inside TOML and Rust) and in strict mode (a
 * missing variable throws instead of rendering as nothing).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { ProjectPlan, RenderContext } from './plan.js';

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

export function renderTemplate(source: string, text: string, context: RenderContext): string {
  if (!source.endsWith('.hbs')) return text;
  const template = handlebars.compile(text, { noEscape: true, strict: true });
  try {
    return template(context);
  } catch (error) {
    throw new Error(`render: templates/${source}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function renderPlan(plan: ProjectPlan, readTemplate = readTemplateFile): RenderedFile[] {
  assertNoEmptyValues(plan.context);
  return plan.files.map((file) => ({
    path: file.path,
    contents: renderTemplate(file.source, readTemplate(file.source), plan.context),
  }));
}

export function readTemplateFile(source: string): string {
  return readFileSync(`${templatesDir}${source}`, 'utf8');
}
