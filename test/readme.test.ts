/** README.md stays true: its first commands and its target table. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../generators/core/catalogue.js';
import { targetTable } from '../generators/core/target-table.js';
import { repoRoot } from './support/cli.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

describe('README.md', () => {
  it('starts with the demo and the test command', () => {
    const firstBlock = readme.slice(readme.indexOf('```sh'), readme.indexOf('```', readme.indexOf('```sh') + 5));
    expect(firstBlock).toContain('npm ci && npm run demo');
    expect(firstBlock).toContain('npm ci && npm test');
  });

  it('has the target table generated from the catalogue (npm run readme:targets)', () => {
    expect(readme).toContain(targetTable());
    for (const target of catalogue) expect(readme).toContain(`| \`${target.id}\` |`);
  });

  it('every `npm run <script>` and scripts/ file it names exists', () => {
    const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]);
    expect(named.length).toBeGreaterThan(2);
    for (const name of new Set(named)) expect(scripts[name], `npm run ${name}`).toBeDefined();
    for (const [, path] of readme.matchAll(/\b(scripts\/[\w./-]+)/g)) expect(existsSync(join(repoRoot, path)), path).toBe(true);
  });
});

describe('the package', () => {
  it('ships the licence it declares, and says where it lives and where to report bugs', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, any>;
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(manifest.repository.url).toMatch(/^git\+https:\/\//);
    expect(manifest.bugs.url).toMatch(/^https:\/\//);
    expect(manifest.engines.node).toBe('>=20.17');
  });

  it('opens with what a user types before what a contributor types', () => {
    expect(readme.indexOf('npm create freestanding@latest my-os')).toBeLessThan(readme.indexOf('npm ci && npm run demo'));
  });
});
