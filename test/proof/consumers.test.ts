/**
 * Typed consumers of the packed package: a project per module resolution
 * (node16, nodenext, bundler) × module kind (ES module, CommonJS), checked by
 * the real `tsc --noEmit --strict` without skipLibCheck and without plop or
 * @types/node installed; a file with answers the catalogue does not have must
 * fail to check. Then the library as those consumers run it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot, scratch } from '../support/cli.js';

const tmp = scratch('cf-consumers-');
afterAll(tmp.cleanup);
const consumers = join(tmp.dir, 'consumers');
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

beforeAll(async () => {
  const tarball = inject('tarball');
  mkdirSync(consumers);
  // One install; each consumer is a folder below with its own package.json "type" and tsconfig.
  writeFileSync(join(consumers, 'package.json'), '{ "name": "consumers", "private": true }\n');
  await execa('npm', ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: consumers });
}, 300_000);

const esm = `import freestanding, { catalogue, generate, scaffold, targetIds, AnswerError, DestinationNotEmptyError, UsageError } from 'create-freestanding';
import type { AnswersInput, GeneratedFile, PackOptions, PlopfileApi, ScaffoldResult, TargetId } from 'create-freestanding';

const input: AnswersInput = { directory: 'fw', target: 'thumbv7em-none-eabihf', template: 'minimal', edition: '2024', linkArgs: 'build-rs' };
export const files: GeneratedFile[] = generate(input, { inWorkspace: true });
export const defaults: GeneratedFile[] = generate();
export const ids: readonly TargetId[] = targetIds;
export const first: string = catalogue[0]!.id;
export const written: Promise<ScaffoldResult> = scaffold({ directory: 'crates/kernel', target: 'linux' }, { dryRun: true });
export const options: PackOptions = { templates: './ours' };
export const pack: (plop: PlopfileApi, options?: PackOptions) => void = freestanding;
export const names: string[] = [new AnswerError('name', 'x').field, new DestinationNotEmptyError('d', 1).directory, new UsageError('u').name];
`;

const cjs = `import cf = require('create-freestanding');

const input: cf.AnswersInput = { directory: 'fw', target: 'thumbv7em-none-eabihf', template: 'minimal', edition: '2024' };
export const files: cf.GeneratedFile[] = cf.generate(input);
export const defaults: cf.GeneratedFile[] = cf.generate();
export const ids: readonly cf.TargetId[] = cf.targetIds;
export const written: Promise<cf.ScaffoldResult> = cf.scaffold({ directory: 'crates/kernel' }, { dryRun: true });
export const options: cf.PackOptions = { templates: './ours' };
export const pack: (plop: cf.PlopfileApi, options?: cf.PackOptions) => void = cf.default;
export const error: cf.UsageError = new cf.AnswerError('target', 'x');
`;

/** Answers the catalogue does not have: a target, a template and an edition. */
const bad = (kind: 'esm' | 'cjs') => `${kind === 'esm' ? "import { generate } from 'create-freestanding';" : "import cf = require('create-freestanding');\nconst generate = cf.generate;"}
export const files = generate({ target: 'thumbv7em', template: 'hallo', edition: '2030' });
`;

const resolutions = [
  { resolution: 'node16', module: 'node16' },
  { resolution: 'nodenext', module: 'nodenext' },
  { resolution: 'bundler', module: 'preserve' },
] as const;

async function check(dir: string, file: string, resolution: string, module: string) {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module, moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, types: [] },
    files: [file],
  }));
  return execa(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, reject: false });
}

describe('tsc --noEmit --strict, no skipLibCheck, no plop or @types/node installed', () => {
  for (const { resolution, module } of resolutions) {
    for (const kind of ['esm', 'cjs'] as const) {
      const label = `a ${kind === 'esm' ? 'ES module' : 'CommonJS'} consumer, moduleResolution ${resolution}`;
      const consumer = () => {
        const dir = join(consumers, `${resolution}-${kind}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: kind === 'esm' ? 'module' : 'commonjs' }));
        return dir;
      };

      it(`${label}: checks`, async () => {
        const dir = consumer();
        writeFileSync(join(dir, 'good.ts'), kind === 'esm' ? esm : cjs);
        const good = await check(dir, 'good.ts', resolution, module);
        expect(good.exitCode, good.stdout).toBe(0);
      });

      it(`${label}: a target, template and edition the catalogue lacks fail to check, in the consumer's file`, async () => {
        const dir = consumer();
        writeFileSync(join(dir, 'bad.ts'), bad(kind));
        const refused = await check(dir, 'bad.ts', resolution, module);
        expect(refused.exitCode).not.toBe(0);
        for (const wrong of ['"thumbv7em"', '"hallo"', '"2030"']) expect(refused.stdout).toContain(`Type '${wrong}' is not assignable`);
        expect(refused.stdout.trim().split('\n').every((line) => line.startsWith('bad.ts(') || line.startsWith(' '))).toBe(true);
      });
    }
  }
});

describe('the library as those consumers run it', () => {
  const run = (dir: string, file: string, code: string) => {
    writeFileSync(join(consumers, dir, file), code);
    return execa(process.execPath, [file], { cwd: join(consumers, dir), reject: false });
  };

  // Node's require(esm) adds __esModule (a default export exists), so CommonJS interop reads `.default` as the .d.cts says.
  it('require() and import() give the same module (one set of error classes)', async () => {
    const both = await run('.', 'both.cjs', [
      "const required = require('create-freestanding');",
      "import('create-freestanding').then((imported) => {",
      "  let thrown; try { required.generate({ target: 'pdp11' }); } catch (error) { thrown = error; }",
      "  console.log(JSON.stringify({ same: required.generate === imported.generate, instance: thrown instanceof imported.AnswerError, keys: Object.keys(required).filter((key) => key !== '__esModule').sort().join() === Object.keys(imported).sort().join(), resolved: require.resolve('create-freestanding') }));",
      '});',
    ].join('\n'));
    expect(both.exitCode, both.stderr).toBe(0);
    const output = JSON.parse(both.stdout);
    expect(output).toMatchObject({ same: true, instance: true, keys: true });
    expect(output.resolved).toMatch(/dist\/generators\/index\.cjs$/);
  });

  it('require() without Node\'s require(esm) is refused in one line that says what to do', async () => {
    writeFileSync(join(consumers, 'old.cjs'), "require('create-freestanding');\n");
    const refused = await execa(process.execPath, ['--no-experimental-require-module', 'old.cjs'], { cwd: consumers, reject: false });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("Error: create-freestanding: require() of this ES module needs Node 20.19+ or 22.12+");
    expect(refused.stderr).toContain("use import('create-freestanding') instead");
  });

  it('names each error class, defaults generate(), and lists the catalogue\'s target ids', async () => {
    const result = await run('.', 'errors.mjs', [
      "import { catalogue, generate, targetIds, AnswerError, CancelledError, DestinationNotEmptyError, UsageError } from 'create-freestanding';",
      "const errors = [new UsageError('u'), new AnswerError('name', 'a'), new DestinationNotEmptyError('d', 1), new CancelledError()];",
      "let thrown; try { generate({ target: 'pdp11' }); } catch (error) { thrown = error; }",
      'console.log(JSON.stringify({ names: errors.map((e) => e.name), thrown: String(thrown).split(":")[0], files: generate().map((f) => f.path), name: generate().find((f) => f.path === "Cargo.toml").contents.match(/name = "(.*)"/)[1], ids: targetIds, catalogue: catalogue.map((t) => t.id) }));',
    ].join('\n'));
    expect(result.exitCode, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.names).toEqual(['UsageError', 'AnswerError', 'DestinationNotEmptyError', 'CancelledError']);
    expect(output.thrown).toBe('AnswerError');
    expect(output.files).toContain('src/main.rs');
    expect(output.name).toBe('freestanding-app');
    expect(output.ids).toEqual(output.catalogue);
  });

  it('generate with inWorkspace gives the files scaffold writes into a workspace as a member, all but the README\'s facts about the root (and without it, a crate with profiles)', async () => {
    const dir = join(consumers, 'workspace');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Cargo.toml'), '[workspace]\nmembers = []\n');
    const result = await run('workspace', 'same.mjs', [
      "import { readFileSync } from 'node:fs';",
      "import { generate, scaffold } from 'create-freestanding';",
      "const input = { directory: 'crates/tool', target: 'linux' };",
      'await scaffold(input);',
      "const differ = generate(input, { inWorkspace: true }).filter((f) => readFileSync(`crates/tool/${f.path}`, 'utf8') !== f.contents).map((f) => f.path);",
      "const alone = generate(input).find((f) => f.path === 'Cargo.toml').contents;",
      "console.log(JSON.stringify({ differ, aloneHasProfile: /^\\[profile\\./m.test(alone), memberHasProfile: /^\\[profile\\./m.test(readFileSync('crates/tool/Cargo.toml', 'utf8')) }));",
    ].join('\n'));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ differ: ['README.md'], aloneHasProfile: true, memberHasProfile: false });
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toMatch(/pass `\{ inWorkspace: true \}` for the files `scaffold` writes into one as a member/);
  });
});
