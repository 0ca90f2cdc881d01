// Writes docs/template-variables.md from the typed render context (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { variablesDocument } from '../dist/generators/core/variables.js';

writeFileSync(new URL('../docs/template-variables.md', import.meta.url), variablesDocument());
console.log('docs/template-variables.md updated');
