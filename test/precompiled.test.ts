/**
 * The bundle's precompiled templates render byte for byte what compiling
 * templates/ at run time renders, for every catalogue variant; an author's
 * override is still compiled at run time, and only that file.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompiledTemplatesModule } from '../scripts/precompile-templates.js';
import { validateAnswers } from '../generators/core/answers.js';
import type { BuiltInTemplate } from '../generators/core/built-in-templates.js';
import { catalogue, editions, linkArgModes, templateNames } from '../generators/core/catalogue.js';
import { planProject } from '../generators/core/plan.js';
import { renderPlan, templateReader, templatesDir } from '../generators/core/render.js';
import { readOverlay } from '../generators/io/overlay.js';
import { scratch } from './support/cli.js';

const tmp = scratch('cf-precompiled-');
afterAll(tmp.cleanup);
let table: Record<string, BuiltInTemplate>;

beforeAll(async () => {
  // The same module the build bundles, imported as a file.
  const module = join(tmp.dir, 'built-in-templates.mjs');
  writeFileSync(module, precompiledTemplatesModule(templatesDir()));
  table = (await import(pathToFileURL(module).href)).builtInTemplates;
});

const variants = catalogue.flatMap((target) => templateNames.flatMap((template) => editions.flatMap((edition) =>
  linkArgModes.filter((mode) => target.kind === 'host' || mode === 'build-rs').flatMap((linkArgs) =>
    [false, true].map((inWorkspace) => ({ target: target.id, template, edition, linkArgs, inWorkspace }))))));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(templatesDir(), path).replaceAll('\\', '/')];
  });
}

describe('precompiled templates', () => {
  it('hold every project template of templates/ (the course reads its own from disk), each .hbs file precompiled', () => {
    const projectTemplates = filesUnder(templatesDir()).filter((path) => !/^course(-ci)?\//.test(path));
    expect(projectTemplates.length).toBeGreaterThan(20);
    expect(Object.keys(table).sort()).toEqual(projectTemplates.sort());
    for (const [path, entry] of Object.entries(table)) expect('spec' in entry, path).toBe(path.endsWith('.hbs'));
  });

  it(`render every catalogue variant byte-identical to run-time compiling (${variants.length} variants)`, () => {
    expect(variants.length).toBeGreaterThan(100);
    let compared = 0;
    for (const { inWorkspace, ...input } of variants) {
      const plan = planProject(validateAnswers({ ...input, directory: join(tmp.dir, 'p'), name: 'demo' }), { inWorkspace });
      const compiledNow = renderPlan(plan, templateReader(undefined, undefined));
      const precompiled = renderPlan(plan, templateReader(undefined, table));
      expect(precompiled.map((file) => file.path), JSON.stringify(input)).toEqual(compiledNow.map((file) => file.path));
      for (const [index, file] of precompiled.entries()) {
        expect(Buffer.from(file.contents).equals(Buffer.from(compiledNow[index].contents)), `${JSON.stringify(input)} ${file.path}`).toBe(true);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(variants.length * 6);
  });

  it('are not used for an overridden file, which is compiled at run time; the others stay precompiled', () => {
    const overrides = join(tmp.dir, 'overrides');
    mkdirSync(join(overrides, 'project'), { recursive: true });
    writeFileSync(join(overrides, 'project', 'README.md.hbs'), '# {{name}}, our way\n');
    const reader = templateReader(readOverlay(overrides), table);
    const overridden = reader.read('project/README.md.hbs');
    expect(overridden.text).toBe('# {{name}}, our way\n');
    expect(overridden.precompiled).toBeUndefined();
    expect(reader.read('project/Cargo.toml.hbs').precompiled).toBeTypeOf('function');
    const plan = planProject(validateAnswers({ directory: join(tmp.dir, 'o'), name: 'ours', target: 'linux' }), { inWorkspace: false });
    const files = renderPlan(plan, reader);
    expect(files.find((file) => file.path === 'README.md')?.contents).toBe('# ours, our way\n');
    expect(files.find((file) => file.path === 'Cargo.toml')?.contents).toContain('name = "ours"');
  });

  it('name the template and the missing variable when a precompiled template fails', () => {
    const plan = planProject(validateAnswers({ directory: join(tmp.dir, 'e'), name: 'broken', target: 'linux' }), { inWorkspace: false });
    const context = { ...plan.context } as Record<string, unknown>;
    delete context.name;
    const failure = (reader: ReturnType<typeof templateReader>) => {
      try {
        renderPlan({ ...plan, context } as unknown as typeof plan, reader);
      } catch (error) {
        return (error as Error).message;
      }
      return 'rendered';
    };
    const precompiled = failure(templateReader(undefined, table));
    expect(precompiled).toMatch(/^cannot render templates\/project\/.*variable "name" is not defined \(line \d+, column \d+\)$/);
    expect(precompiled).toBe(failure(templateReader(undefined, undefined)));
  });
});
