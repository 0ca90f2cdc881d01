/** README.md stays true: its first commands and its target table. */
import { readFileSync } from 'node:fs';
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

  it('the scripts it names exist in package.json', () => {
    const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const name of ['demo', 'test', 'readme:targets']) expect(scripts[name]).toBeDefined();
  });
});
