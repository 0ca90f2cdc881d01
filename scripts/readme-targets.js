// Rewrites the target table in README.md from the catalogue (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { withTargetTable } from '../dist/generators/core/target-table.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withTargetTable(readFileSync(path, 'utf8')));
console.log('README.md: target table updated');
