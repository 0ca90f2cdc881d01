/**
 * templates/ → Handlebars' precompiled templates, one CommonJS file per
 * folder (dist/precompiled/project.cjs, rust-host.cjs, …): `.hbs` files
 * precompiled by Handlebars' own precompiler (with the options
 * generators/core/render.ts compiles with), other files as their text. The
 * build bundles the index (folder → its templates) in place of
 * generators/core/built-in-templates.ts, and render.ts requires a folder's
 * file when one of its templates is first read: a scaffold parses its
 * target's templates only, and never a template's source. templates/course/
 * and templates/course-ci/ are not in it: the course command reads them from disk.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/** The file a template's folder is precompiled into: `project`; `rust-host` for templates/rust/host/…; `rust` for templates/rust/lib.rs. */
export const precompiledFolderOf = (path) => path.split('/').slice(0, -1).slice(0, 2).join('-');

/**
 * Writes `<outDir>/<folder>.cjs` for each folder of project templates and
 * returns the index render.ts reads them by: folder → its template paths.
 */
export function writePrecompiledTemplates(templatesDir, outDir) {
  const folders = new Map();
  for (const path of filesUnder(templatesDir).filter((path) => !/^course(-ci)?\//.test(path))) {
    const text = readFileSync(join(templatesDir, path), 'utf8');
    if (path.endsWith('.hbs')) refusePrototypePaths(Handlebars.parse(text), path);
    const value = path.endsWith('.hbs')
      ? `{ spec: ${Handlebars.precompile(text, compileOptions)} }`
      : `{ text: ${JSON.stringify(text)} }`;
    const folder = precompiledFolderOf(path);
    if (!folders.has(folder)) folders.set(folder, []);
    folders.get(folder).push({ path, entry: `  ${JSON.stringify(path)}: ${value},` });
  }
  mkdirSync(outDir, { recursive: true });
  for (const [folder, entries] of folders) {
    writeFileSync(join(outDir, `${folder}.cjs`), `'use strict';\n// Generated from templates/ by scripts/precompile-templates.js.\nmodule.exports = {\n${entries.map((e) => e.entry).join('\n')}\n};\n`);
  }
  return Object.fromEntries([...folders].map(([folder, entries]) => [folder, entries.map((e) => e.path)]));
}
