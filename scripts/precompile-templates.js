/**
 * templates/ → the source of one ES module holding every project template:
 * `.hbs` files precompiled by Handlebars' own precompiler (with the options
 * generators/core/render.ts compiles with), other files as their text. The
 * build bundles it in place of generators/core/built-in-templates.ts, so a
 * scaffold neither parses a template nor reads a file. templates/course/ and
 * templates/course-ci/ are not in it: the course command reads them from disk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';

/** Must match render.ts: escaping off (TOML and Rust quote with `"`), strict (a missing variable throws). */
export const compileOptions = { noEscape: true, strict: true };

/** As render.ts refuses at run time: no path through a prototype name (`{{@constructor}}` in an `{{#each}}` renders empty otherwise). */
const prototypeNames = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
function refusePrototypePaths(node, path) {
  if (Array.isArray(node)) return node.forEach((item) => refusePrototypePaths(item, path));
  if (node === null || typeof node !== 'object') return;
  if (node.type === 'PathExpression') {
    const bad = node.parts.find((part) => prototypeNames.has(part));
    if (bad !== undefined) throw new Error(`templates/${path}: "${bad}" reaches a prototype (line ${node.loc.start.line}); templates may use the context's own fields only`);
  }
  for (const [key, value] of Object.entries(node)) if (key !== 'loc') refusePrototypePaths(value, path);
}

function filesUnder(root, dir = root) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(root, path) : [relative(root, path).split(sep).join('/')];
  });
}

export function precompiledTemplatesModule(templatesDir) {
  const entries = filesUnder(templatesDir).filter((path) => !/^course(-ci)?\//.test(path)).map((path) => {
    const text = readFileSync(join(templatesDir, path), 'utf8');
    if (path.endsWith('.hbs')) refusePrototypePaths(Handlebars.parse(text), path);
    const value = path.endsWith('.hbs')
      ? `{ spec: ${Handlebars.precompile(text, compileOptions)} }`
      : `{ text: ${JSON.stringify(text)} }`;
    return `  ${JSON.stringify(path)}: ${value},`;
  });
  return `// Generated from templates/ by scripts/precompile-templates.js.\nexport const builtInTemplates = {\n${entries.join('\n')}\n};\n`;
}
