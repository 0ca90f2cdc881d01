/**
 * The layers ARCHITECTURE.md describes, read from the sources: who may import
 * whom, and no import cycle. A new module or import that breaks them fails
 * here with the offending edge named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli.js';

/** Every TypeScript module of the package, by its path relative to the repository. */
function modules(): string[] {
  const found: string[] = ['plopfile.ts'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) found.push(path.split(sep).join('/'));
    }
  };
  walk('generators');
  return found.sort();
}

/** The package's own modules `file` imports (static, dynamic and type-only alike). */
function importsOf(file: string): string[] {
  const source = readFileSync(join(repoRoot, file), 'utf8');
  const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm)].map((match) => match[2]);
  return specifiers.map((specifier) => relative(repoRoot, resolve(repoRoot, dirname(file), specifier)).split(sep).join('/').replace(/\.js$/, '.ts'));
}

/** The layer a module belongs to. */
const layer = (file: string): string => {
  if (file === 'plopfile.ts' || file === 'generators/index.ts') return 'front end';
  if (file === 'generators/scaffold.ts') return 'pipeline';
  return file.split('/')[1];
};

/** What each layer may import (besides itself). */
const allowed: Record<string, string[]> = {
  core: [],
  io: ['core'],
  toolchain: ['core', 'io'],
  pipeline: ['core', 'io'],
  course: ['core', 'io'],
  cli: ['core', 'io', 'pipeline', 'toolchain', 'course'],
  'front end': ['core', 'pipeline', 'front end'],
};

describe('the layers', () => {
  const graph = new Map(modules().map((file) => [file, importsOf(file)]));

  it('finds the modules and their imports', () => {
    expect(graph.size).toBeGreaterThan(30);
    expect(graph.get('generators/io/write.ts')).toContain('generators/io/commit.ts');
  });

  it('import only what their layer may', () => {
    const wrong = [...graph].flatMap(([file, imports]) => imports
      .filter((target) => layer(target) !== layer(file) && !allowed[layer(file)].includes(layer(target)))
      .map((target) => `${file} (${layer(file)}) → ${target} (${layer(target)})`));
    expect(wrong).toEqual([]);
  });

  it('have no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
