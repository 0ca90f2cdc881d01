/**
 * The bundle's precompiled templates render byte for byte what compiling
 * templates/ at run time renders, for every catalogue variant; an author's
 * override is still compiled at run time, and only that file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompiledFolderOf, writePrecompiledTemplates } from '../scripts/precompile-templates.js';
import { validateAnswers } from '../generators/core/answers.js';
import type { BuiltInTemplate } from '../generators/core/built-in-templates.js';
import { catalogue, editions, linkArgModes, templateNames } from '../generators/core/catalogue.js';
import { planProject } from '../generators/core/plan.js';
import { precompiledTable, renderPlan, templateReader, templatesDir } from '../generators/core/render.js';
import { readOverlay } from '../generators/io/overlay.js';
import { scratch } from './support/cli.js';
import { filesUnder } from './support/files.js';

const tmp = scratch('cf-precompiled-');
afterAll(tmp.cleanup);
let table: Record<string, BuiltInTemplate>;

let index: Record<string, string[]>;
beforeAll(() => {
  // The files the build writes, read through the bundle's own loader.
  index = writePrecompiledTemplates(templatesDir(), join(tmp.dir, 'precompiled'));
  table = precompiledTable(index, join(tmp.dir, 'precompiled'));
});

const variants = catalogue.flatMap((target) => templateNames.flatMap((template) => editions.flatMap((edition) =>
  linkArgModes.filter((mode) => target.kind === 'host' || mode === 'build-rs').flatMap((linkArgs) =>
    [false, true].map((inWorkspace) => ({ target: target.id, template, edition, linkArgs, inWorkspace }))))));

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

  it('are required a folder at a time, when a template of it is first rendered: a scaffold loads its own target\'s', () => {
    const dir = join(tmp.dir, 'lazy');
    const lazy = precompiledTable(writePrecompiledTemplates(templatesDir(), dir), dir);
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => path.startsWith(`${dir}/`)).map((path) => path.slice(dir.length + 1)).sort();
    expect(loaded()).toEqual([]);
    const plan = planProject(validateAnswers({ directory: join(tmp.dir, 'l'), name: 'lazy', target: 'linux' }), { inWorkspace: false });
    renderPlan(plan, templateReader(undefined, lazy));
    const used = [...new Set(plan.files.map((file) => `${precompiledFolderOf(file.source)}.cjs`))].sort();
    expect(loaded()).toEqual(used);
    expect(used).toEqual(['project.cjs', 'rust-host.cjs', 'rust.cjs']);
    expect(Object.keys(index).length).toBeGreaterThan(used.length);
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
