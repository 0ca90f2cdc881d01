#!/usr/bin/env node
/**
 * Builds the published package: bundles in dist/ so that installing
 * create-freestanding installs nothing else.
 *
 * Bundler: esbuild. It is one dependency (plus its platform binary), stable on
 * Node 20, bundles TypeScript directly, tree-shakes, writes ES modules split
 * into chunks or single CommonJS files, never minifies unless asked, and its
 * metafile says exactly which files of which package went in, which is what
 * the licence notice needs. (tsdown/rolldown would do too, but is pre-1.0 and
 * larger.)
 *
 * Outputs:
 * - dist/start.cjs, which bin/ requires: it loads dist/cli.cjs through
 *   V8's code cache kept in this user's private cache folder.
 * - dist/cli.cjs, the command: one CommonJS file. On Node 20 the same
 *   code as ES modules cost a scaffold ~8 ms more: the ESM loader, a resolve and a fetch
 *   per chunk, and a facade per built-in module (node:fs's reads every
 *   export, which loads Node's stream modules). Measured with farm-bench;
 *   `npm run bench` shows the result.
 * - dist/course.cjs, the course command, and dist/lib/*.cjs, the libraries
 *   only some commands use (the prompts, execa, the TOML parser): required by
 *   dist/cli.cjs on first use.
 * - dist/generators/index.js and dist/plopfile.js, the library and the plop
 *   pack: ES modules with shared chunks in dist/chunks/.
 * - dist/generators/index.cjs, the library for require() (package.json's
 *   "require" condition): the ES module through Node's require(esm), typed
 *   by .d.cts copies of the declarations.
 * - dist/handlebars-compiler.cjs, the full Handlebars, for template overrides.
 * - dist/precompiled/<folder>.cjs, the project templates precompiled, one
 *   file per folder of templates/, required when a template of it is first
 *   rendered (the bundles hold only their index).
 *
 * Steps: the templates are precompiled by Handlebars' own precompiler; the
 * sources are bundled; type declarations come from tsc (only those the
 * library's entry reaches are kept); the licences of everything bundled go to
 * dist/THIRD-PARTY-NOTICES.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { writePrecompiledTemplates } from './precompile-templates.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const builtInTemplatesModule = join(root, 'generators', 'core', 'built-in-templates.ts');

rmSync(dist, { recursive: true, force: true });

/**
 * The stub the sources import is swapped for the index of the precompiled
 * templates (dist/precompiled/<folder>.cjs, written here, required by
 * render.ts on first use); the course's bundle gets an empty index: it renders
 * only the course's own templates, read from disk.
 */
const templatesModule = (contents) => ({
  name: 'precompiled-templates',
  setup(build) {
    build.onLoad({ filter: /built-in-templates\.ts$/ }, (args) => {
      if (args.path !== builtInTemplatesModule) return undefined;
      return { contents: contents(), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
});
const templateIndex = writePrecompiledTemplates(join(root, 'templates'), join(dist, 'precompiled'));
const precompiledTemplates = templatesModule(() => `export const builtInTemplateIndex = ${JSON.stringify(templateIndex, null, 2)};\n`);
const noProjectTemplates = templatesModule(() => 'export const builtInTemplateIndex = {};\n');

/**
 * Only the prompts the CLI shows (generators/cli/answers.ts: input, select).
 * A dynamic import keeps every export of its module, and @inquirer/prompts
 * re-exports eleven prompt packages that each run code at load (so none is
 * dropped), including an editor prompt with iconv-lite. So the import is
 * narrowed to the two packages @inquirer/prompts itself re-exports as
 * `input` and `select`, resolved from its folder (the same versions).
 */
const usedPrompts = {
  name: 'used-prompts',
  setup(build) {
    build.onResolve({ filter: /^@inquirer\/prompts$/ }, () => ({ path: 'prompts', namespace: 'used-prompts' }));
    build.onLoad({ filter: /.*/, namespace: 'used-prompts' }, () =>
      ({
        contents: "export { default as input } from '@inquirer/input';\nexport { default as select } from '@inquirer/select';\n",
        resolveDir: join(root, 'node_modules', '@inquirer', 'prompts'),
        loader: 'js',
      }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.17',
  minify: false,
  legalComments: 'inline',
  metafile: true,
  logLevel: 'warning',
  // Handlebars' code generator requires source-map inside a try, and uses it only for source maps, which we never ask for.
  external: ['source-map'],
};

const bundle = {
  ...common,
  outdir: dist,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [precompiledTemplates, usedPrompts],
  // Bundled CommonJS (Handlebars' runtime, cross-spawn) may call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

const commonJs = {
  ...common,
  outdir: dist,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // The sources' import.meta.dirname and .filename (render.ts finds templates/ from them) are CommonJS's own.
  define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
};

/**
 * A file beside the CommonJS bundle stands in for `specifier`: required where
 * the sources import it, at the first call for a lazy import() (a virtual
 * module that requires it; an external import() would load it as an ES module).
 */
function besideBundle(name, filter, fileFor) {
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: fileFor(args.path), namespace: name }));
      build.onResolve({ filter: /.*/, namespace: name }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: name }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    },
  };
}

/** The libraries only some commands use are the files of dist/lib/. */
const librariesBeside = besideBundle('libraries-beside', /^(@inquirer\/prompts|execa|smol-toml)$/, (specifier) => `./lib/${specifier.replace('@inquirer/', '')}.cjs`);

/**
 * The course (its entry generators/cli/course-entry.ts) is dist/course.cjs, required when a
 * `course` or `check` command runs, so a scaffold does not parse its code
 * (~1.5 ms of each start). It bundles the core and io modules it imports: the
 * create command hands it the process before installing anything, so each
 * bundle's errors, signal handlers and writes are its own modules'.
 */
const courseApart = besideBundle('course-apart', /^\.\/course-entry\.js$/, () => './course.cjs');
const cli = await esbuild.build({
  ...commonJs,
  entryPoints: { cli: join(root, 'generators/cli/main.ts') },
  plugins: [precompiledTemplates, librariesBeside, courseApart],
});
// bin/ requires this one: it loads dist/cli.cjs through V8's code cache (generators/io/code-cache.ts).
await esbuild.build({ ...commonJs, entryPoints: { start: join(root, 'generators/cli/start.ts') } });
// A vm.Script has no loader for import() (Node's is experimental there), so what the cache loads must not use one.
if (/(?<![\w$.])import\(/.test(readFileSync(join(dist, 'cli.cjs'), 'utf8'))) throw new Error('build: dist/cli.cjs calls import(), which a script loaded through the code cache cannot; require the module instead');
const course = await esbuild.build({
  ...commonJs,
  entryPoints: { course: join(root, 'generators/cli/course-entry.ts') },
  plugins: [noProjectTemplates, librariesBeside],
});
const libraries = await esbuild.build({
  ...commonJs,
  absWorkingDir: root,
  entryPoints: { 'lib/prompts': '@inquirer/prompts', 'lib/execa': 'execa', 'lib/smol-toml': 'smol-toml' },
  plugins: [usedPrompts],
});
const library = await esbuild.build({
  ...bundle,
  entryPoints: {
    'generators/index': join(root, 'generators/index.ts'),
    plopfile: join(root, 'plopfile.ts'),
    // For the repository's scripts (readme:targets, docs:variables), which import them from dist/.
    'generators/core/target-table': join(root, 'generators/core/target-table.ts'),
    'generators/core/variables': join(root, 'generators/core/variables.ts'),
  },
});

/**
 * The library for require(): the ES module itself, through Node's require(esm)
 * (20.19+, 22.12+), so that require() and import() share one module (one set
 * of error classes for instanceof), and the tarball carries no second copy.
 * Where require(esm) is missing or disabled, one line says what to do instead.
 */
writeFileSync(join(dist, 'generators', 'index.cjs'), `'use strict';
try {
  module.exports = require('./index.js');
} catch (error) {
  if (error === null || typeof error !== 'object' || error.code !== 'ERR_REQUIRE_ESM') throw error;
  throw new Error(\`create-freestanding: require() of this ES module needs Node 20.19+ or 22.12+ (this is \${process.version}, or --no-experimental-require-module is set); use import('create-freestanding') instead\`);
}
`);

// The full Handlebars (with its compiler), for template overrides only; CommonJS so render.ts can require() it on demand.
const compiler = await esbuild.build({
  ...common,
  entryPoints: { 'handlebars-compiler': join(root, 'node_modules/handlebars/dist/cjs/handlebars.js') },
  outdir: dist,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
});

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--emitDeclarationOnly'], { stdio: 'inherit' });

/**
 * A .d.cts beside each .d.ts, importing .cjs: TypeScript takes a .d.ts in a
 * "type": "module" package for an ES module, so a CommonJS consumer
 * (`import x = require(...)`, node16) would get TS1471; the copies describe
 * dist/generators/index.cjs as the CommonJS module it is.
 */
function declarationsFrom(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const match of readFileSync(entry, 'utf8').matchAll(/(?:from\s+|import\()['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
    declarationsFrom(join(dirname(entry), `${match[1]}.d.ts`), seen);
  }
  return seen;
}
// Only those the library's entry reaches: the CLI's and the course's are no API, so their declarations are not shipped.
const api = declarationsFrom(join(dist, 'generators', 'index.d.ts'));
for (const file of api) {
  const text = readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text);
}
for (const file of readdirSync(dist, { recursive: true }).map((path) => join(dist, path))) {
  if (file.endsWith('.d.ts') && !api.has(file)) rmSync(file);
}

/** Every package a bundled file came from, with its licence text. */
function bundledPackages(...metafiles) {
  const packages = new Map();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) packages.set(match[1], join(root, match[1]));
    }
  }
  return [...packages.values()].map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(dir).find((name) => /^(licen[cs]e|copying)/i.test(name));
    if (!licenceFile) throw new Error(`build: ${manifest.name} is bundled but ships no licence file to reproduce`);
    return { name: manifest.name, version: manifest.version, license: manifest.license, text: readFileSync(join(dir, licenceFile), 'utf8').trim() };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

const packages = bundledPackages(cli.metafile, course.metafile, libraries.metafile, library.metafile, compiler.metafile);
writeFileSync(join(dist, 'THIRD-PARTY-NOTICES.md'), [
  '# Third-party notices',
  '',
  'create-freestanding bundles the following packages into dist/. Each is used under its own licence, reproduced here.',
  '',
  ...packages.flatMap((p) => [`## ${p.name} ${p.version} (${p.license})`, '', '```', p.text, '```', '']),
].join('\n'));

if (!existsSync(join(dist, 'generators', 'index.d.ts'))) throw new Error('build: no type declarations were written');
console.log(`built dist/: ${packages.length} bundled packages (${packages.map((p) => p.name).join(', ')})`);
