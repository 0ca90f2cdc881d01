#!/usr/bin/env node
/**
 * `npm run bench [-- --runs N]`: how create-freestanding compares, measured
 * side by side in one run on this machine, with public tools only.
 *
 *   1. Scaffolding a whole project without questions: create-freestanding vs
 *      create-vite (`--template vanilla-ts`) vs `cargo new --vcs none`, with
 *      `node -e ''` as the floor; create-freestanding from its code cache (as
 *      every run after the first) and on a first run (no cache yet); plus how
 *      fast it fails when answers are missing and there is no terminal.
 *   2. `npm install` of each packed tarball into an empty folder, from a warm
 *      npm cache: packages installed, bytes on disk, seconds.
 *   3. The generated Linux x86_64 binaries (hello, minimal; release), as built
 *      and stripped, next to a size-tuned std hello.
 *
 * Timed commands alternate (each round runs every command once, in a rotated
 * order) and the table shows medians. The first run installs create-vite
 * (npm registry) into .tmp/bench/, which later runs reuse.
 */
import { spawnSync } from 'node:child_process';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 21;
if (!Number.isInteger(runs) || runs < 15) {
  console.error('bench: --runs takes a whole number of at least 15');
  process.exit(2);
}
const cache = join(root, '.tmp', 'bench');
const work = mkdtempSync(join(tmpdir(), 'cf-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** Runs a command; its failure ends the bench with what it printed. */
function run(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const expected = options.expectStatus ?? 0;
  if (result.status !== expected) {
    console.error(`bench: ${file} ${args.join(' ')} exited with ${result.status ?? result.signal}, not ${expected}\n${result.stdout}${result.stderr}`);
    process.exit(1);
  }
  return result;
}

/** Wall-clock milliseconds of one command, start to exit. */
function time(file, args, options) {
  const started = performance.now();
  run(file, args, options);
  return performance.now() - started;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Each round runs every case once, starting one further along, so no case always goes first. */
function alternate(cases, rounds) {
  const samples = cases.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (let step = 0; step < cases.length; step += 1) {
      const index = (round + step) % cases.length;
      samples[index].push(cases[index].run(round));
    }
  }
  return samples;
}

function table(header, rows) {
  const lines = [header, header.map(() => '---'), ...rows];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const ms = (value) => `${value.toFixed(0)} ms`;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ratio = (value, base) => `${(value / base).toFixed(2)}×`;

// --- Setup: our tarball, create-vite and its tarball, each installed once (warms the npm cache).
mkdirSync(cache, { recursive: true });
const npmQuiet = ['--no-audit', '--no-fund', '--loglevel=error'];
if (!existsSync(join(cache, 'create-vite', 'node_modules', 'create-vite', 'package.json'))) {
  mkdirSync(join(cache, 'create-vite'), { recursive: true });
  writeFileSync(join(cache, 'create-vite', 'package.json'), '{ "private": true }\n');
  run('npm', ['install', 'create-vite@latest', ...npmQuiet], { cwd: join(cache, 'create-vite') });
}
const viteDir = join(cache, 'create-vite', 'node_modules', 'create-vite');
const viteVersion = JSON.parse(readFileSync(join(viteDir, 'package.json'), 'utf8')).version;
const packJson = (result) => JSON.parse(result.stdout.slice(result.stdout.indexOf('[')))[0];
const ours = packJson(run('npm', ['pack', '--json', '--pack-destination', work, ...npmQuiet], { cwd: root }));
const vite = packJson(run('npm', ['pack', `create-vite@${viteVersion}`, '--json', '--pack-destination', work, ...npmQuiet], { cwd: work }));
const tarballs = [
  { name: `create-freestanding ${ours.version}`, path: join(work, ours.filename), packed: ours.size },
  { name: `create-vite ${viteVersion}`, path: join(work, vite.filename), packed: vite.size },
];

function packagesAndBytes(nodeModules) {
  let packages = 0;
  let bytes = 0;
  const walk = (dir, isModules) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        if (isModules && !name.startsWith('.') && !name.startsWith('@') && existsSync(join(path, 'package.json'))) packages += 1;
        walk(path, name === 'node_modules' || (isModules && name.startsWith('@')));
      } else bytes += stat.size;
    }
  };
  walk(nodeModules, true);
  return { packages, bytes };
}

let installs = 0;
function install(tarball) {
  const dir = join(work, `install-${(installs += 1)}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const ms = time('npm', ['install', tarball, '--prefer-offline', ...npmQuiet], { cwd: dir });
  return { ms, dir };
}
// Warm-up (untimed): fills the npm cache, and gives the installed copies the scaffold runs use.
const installed = tarballs.map((tarball) => ({ ...tarball, ...packagesAndBytes(join(install(tarball.path).dir, 'node_modules')), dir: join(work, `install-${installs}`) }));
const ourBin = join(installed[0].dir, 'node_modules', 'create-freestanding', 'bin', 'create-freestanding.cjs');
const viteBin = join(installed[1].dir, 'node_modules', 'create-vite', 'index.js');

// --- 1. Scaffolding.
const projects = join(work, 'projects');
mkdirSync(projects);
// Our command keeps V8's code cache in the cache home (generators/io/code-cache.ts): one of the bench's
// own, filled by one untimed run; the first-run row gives each run an empty one.
const cacheHome = (name) => ({ ...process.env, XDG_CACHE_HOME: join(work, name) });
run(process.execPath, [ourBin, 'ours-warm-up', '-y', '-t', 'linux'], { cwd: projects, env: cacheHome('cache') });
const scaffoldCases = [
  { label: "floor: `node -e ''`", run: () => time(process.execPath, ['-e', '']) },
  { label: 'create-freestanding (`-y -t linux`)', run: (round) => time(process.execPath, [ourBin, `ours-${round}`, '-y', '-t', 'linux'], { cwd: projects, env: cacheHome('cache') }) },
  { label: 'create-vite (`--template vanilla-ts`)', run: (round) => time(process.execPath, [viteBin, `vite-${round}`, '--template', 'vanilla-ts', '--no-interactive', '--no-immediate'], { cwd: projects }) },
  { label: 'create-freestanding, first run (no code cache yet; writes it)', run: (round) => time(process.execPath, [ourBin, `first-${round}`, '-y', '-t', 'linux'], { cwd: projects, env: cacheHome(`cache-${round}`) }) },
  { label: '`cargo new --vcs none`', run: (round) => time('cargo', ['new', '--vcs', 'none', '--quiet', `cargo-${round}`], { cwd: projects }) },
  { label: 'create-freestanding, answers missing, no terminal (fails)', run: (round) => time(process.execPath, [ourBin, `missing-${round}`], { cwd: projects, expectStatus: 1, env: cacheHome('cache') }) },
];
process.stderr.write(`bench: scaffolding, ${runs} alternating rounds…\n`);
const scaffoldMedians = alternate(scaffoldCases, runs).map(median);
const viteMedian = scaffoldMedians[2];
const floor = scaffoldMedians[0];
const scaffoldTable = table(['command', 'median', 'vs create-vite', 'vs the floor'],
  scaffoldCases.map((c, index) => [c.label, ms(scaffoldMedians[index]), ratio(scaffoldMedians[index], viteMedian), index === 0 ? '—' : `${scaffoldMedians[index] >= floor ? '+' : '−'}${ms(Math.abs(scaffoldMedians[index] - floor))}`]));
const scaffoldRatio = scaffoldMedians[1] / viteMedian;

// --- 2. Installing.
process.stderr.write(`bench: npm install of each tarball, ${runs} alternating rounds…\n`);
const installMedians = alternate(tarballs.map((tarball) => ({ run: () => {
  const { ms: elapsed, dir } = install(tarball.path);
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
} })), runs).map(median);
const installTable = table(['`npm install <tarball>` (warm cache)', 'tarball', 'packages installed', 'bytes on disk', 'median', 'vs create-vite'],
  installed.map((t, index) => [t.name, kib(t.packed), String(t.packages), `${t.bytes.toLocaleString('en')} B`, ms(installMedians[index]), ratio(installMedians[index], installMedians[1])]));

// --- 3. Binary sizes.
process.stderr.write('bench: building the Linux binaries…\n');
const binaries = join(work, 'binaries');
mkdirSync(binaries);
function buildAndMeasure(name, dir) {
  run('cargo', ['build', '--release', '--quiet'], { cwd: dir, env: { ...process.env, CARGO_TARGET_DIR: join(dir, 'target') } });
  const built = join(dir, 'target', 'release', name);
  const stripped = join(dir, `${name}.stripped`);
  run('strip', ['--strip-all', '-o', stripped, built]);
  return [statSync(built).size, statSync(stripped).size];
}
const sizeRows = [];
for (const template of ['hello', 'minimal']) {
  const name = `fs-${template}`;
  run(process.execPath, [ourBin, name, '-y', '-t', 'linux', '--template', template], { cwd: binaries, env: cacheHome('cache') });
  const [built, stripped] = buildAndMeasure(name, join(binaries, name));
  sizeRows.push([`create-freestanding \`linux\` ${template}`, `${built.toLocaleString('en')} B`, `${stripped.toLocaleString('en')} B`, kib(stripped)]);
}
run('cargo', ['new', '--vcs', 'none', '--quiet', 'std-hello'], { cwd: binaries });
appendFileSync(join(binaries, 'std-hello', 'Cargo.toml'), '\n[profile.release]\nopt-level = "z"\nlto = true\ncodegen-units = 1\npanic = "abort"\nstrip = true\n');
const [stdBuilt, stdStripped] = buildAndMeasure('std-hello', join(binaries, 'std-hello'));
sizeRows.push(['std hello, size-tuned (`opt-level = "z"`, LTO, `panic = "abort"`, strip)', `${stdBuilt.toLocaleString('en')} B`, `${stdStripped.toLocaleString('en')} B`, kib(stdStripped)]);
const rustc = run('rustc', ['--version']).stdout.trim();
const sizeTable = table(['x86_64-unknown-linux-gnu, release', 'as built', 'stripped', 'stripped'], sizeRows);

// --- Report.
const npmVersion = run('npm', ['--version']).stdout.trim();
const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}; Node ${process.version}, npm ${npmVersion}, ${rustc}`;
console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${machine}. ${runs} alternating runs each; medians.\n`);
console.log(`Scaffolding a project, no questions (create-freestanding ${ours.version}, create-vite ${viteVersion}):\n\n${scaffoldTable}\n`);
console.log(`Installing the package (tarballs from \`npm pack\`; npm cache warm):\n\n${installTable}\n`);
console.log(`Binary sizes:\n\n${sizeTable}\n`);
console.log(`Scaffold time vs create-vite: ${scaffoldRatio.toFixed(2)}× (goal ≤ 1.00×; a first run, before the code cache: ${(scaffoldMedians[3] / viteMedian).toFixed(2)}×); packages installed: ${installed[0].packages} (goal 1); tarball: ${kib(installed[0].packed)} (goal ≤ 500 KB).`);
