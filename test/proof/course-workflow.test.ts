/**
 * Issue 15.5: the course's `.github/workflows/course.yml`, linted by a real
 * workflow linter (`action-validator`, GitHub's schema) as `course init` and
 * `course --emit git|both` write it, and its steps run here as GitHub's
 * runner would run them: each `run:` with `bash --noprofile --norc -eo
 * pipefail` (the job's `shell: bash`), in order, in the checkout (course
 * init's folder; the emitted repository), with `${{ matrix.toolchain }}` the
 * stable leg's value. Then a recording of the init copy is edited, and the
 * same steps must fail with the diff; then course.toml's expected words, and
 * they must fail with what was expected and what the compiler said.
 *
 * Only the stable leg runs. Beta is not installed here and rustup cannot
 * download a toolchain offline; the nightly installed here is the one of the
 * day it was installed, not GitHub's nightly of today, so its result would
 * prove nothing about the workflow (and the workflow does not let either fail
 * the run: continue-on-error).
 *
 * What stands in for the runner, the workflow itself run as written:
 * - `uses:` steps are only actions/checkout (the folder is the checkout; the
 *   emitted repository's workflow has none) and actions/setup-node (this
 *   machine's Node, checked against the package's engines).
 * - `rustup toolchain install <t> --profile minimal` checks that <t> is
 *   installed here instead of downloading it, and `rustup default <t>` checks
 *   that it already is the default instead of changing this shared machine's;
 *   any other rustup command is the real rustup.
 * - The npm registry: `npx --yes create-freestanding@<version>` is the real
 *   npx, and the registry it asks is one on 127.0.0.1 serving only this
 *   checkout's packed tarball (test/support/registry.ts), with an empty npm
 *   cache and no user config, so the pinned version is what was packed.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot, runCli, scratch } from '../support/cli.js';
import { serveTarball, type LocalRegistry } from '../support/registry.js';
import { missingTools, requireTools, toolchainNeeds } from '../support/tools.js';

const work = scratch('cf-course-workflow-');
const validator = join(repoRoot, 'node_modules', '.bin', 'action-validator');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; bin: unknown; engines: { node: string } };
const workflowPath = join('.github', 'workflows', 'course.yml');
const needs = () => missingTools([...toolchainNeeds.rustup, { command: 'rustup', args: ['--version'], install: 'rustup (https://rustup.rs)' }, { command: 'git', args: ['--version'], install: 'apt-get install git' }]);
let registry: LocalRegistry | undefined;

interface Step { name?: string; uses?: string; run?: string }
interface Workflow { jobs: Record<string, { 'runs-on': string; strategy: { matrix: { toolchain: string[] } }; defaults: { run: { shell: string } }; steps: Step[] }> }

/** The folders the CLI writes: course init's copy, a git repository (Linux), a both (Windows: its repository is repo/). */
const init = join(work.dir, 'mine');
const gitCourse = join(work.dir, 'git-linux');
const bothCourse = join(work.dir, 'both-windows');

beforeAll(async () => {
  for (const args of [['course', 'init', init], ['course', gitCourse, '--emit', 'git', '--os', 'linux', '--yes'], ['course', bothCourse, '--emit', 'both', '--os', 'windows', '--yes']]) {
    const result = await runCli(args, { env: { XDG_STATE_HOME: join(work.dir, 'state') } });
    expect(result.exitCode, String(result.stderr)).toBe(0);
  }
  registry = await serveTarball(inject('tarball'), { name: manifest.name, version: manifest.version, bin: manifest.bin });
}, 300_000);
afterAll(async () => {
  await registry?.close();
  work.cleanup();
});

/** The real program on PATH now, before the stand-ins. */
async function real(command: string): Promise<string> {
  const found = await execa('bash', ['-c', `command -v ${command}`], { reject: false });
  if (found.exitCode !== 0) throw new Error(`${command} is not on PATH`);
  return String(found.stdout).trim();
}

/** The rustup stand-in described above, in a folder of its own; returns the folder. */
async function standIns(): Promise<string> {
  const bin = join(work.dir, 'stand-ins');
  mkdirSync(bin, { recursive: true });
  const rustup = await real('rustup');
  writeFileSync(join(bin, 'rustup'), `#!/usr/bin/env bash
set -euo pipefail
if [ "\${1:-}" = toolchain ] && [ "\${2:-}" = install ]; then
  toolchain=$3
  ${rustup} toolchain list | grep -q "^$toolchain-" || { echo "rustup (stand-in): $toolchain is not installed here, and is not downloaded during a test" >&2; exit 1; }
  echo "rustup (stand-in): $toolchain is installed"
  exit 0
fi
if [ "\${1:-}" = default ] && [ -n "\${2:-}" ]; then
  current=$(${rustup} default)
  case "$current" in "$2"-*) echo "rustup (stand-in): $2 is the default already ($current)"; exit 0 ;; esac
  echo "rustup (stand-in): the default here is $current, not $2; this machine's default is not changed by a test" >&2
  exit 1
fi
exec ${rustup} "$@"
`);
  chmodSync(join(bin, 'rustup'), 0o755);
  return bin;
}

/** The environment of a step: this machine's, without what npm told the test runner (npm_*), plus the runner's and the registry's. */
function stepEnv(bin: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && value !== undefined) env[key] = value;
  const npmHome = join(work.dir, 'npm');
  mkdirSync(npmHome, { recursive: true });
  writeFileSync(join(npmHome, 'npmrc'), '');
  return {
    ...env,
    PATH: `${bin}:${process.env.PATH}`, CI: 'true', GITHUB_ACTIONS: 'true', RUNNER_OS: 'Linux',
    npm_config_registry: `${registry!.url}/`, npm_config_cache: join(npmHome, 'cache'), npm_config_userconfig: join(npmHome, 'npmrc'),
    npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false',
  };
}

function readWorkflow(folder: string): Workflow['jobs'][string] {
  const workflow = parseYaml(readFileSync(join(folder, workflowPath), 'utf8')) as Workflow;
  const [job] = Object.values(workflow.jobs);
  expect(job['runs-on']).toBe('ubuntu-latest');
  expect(job.defaults.run.shell).toBe('bash');
  expect(job.strategy.matrix.toolchain).toEqual(['stable', 'beta', 'nightly']);
  return job;
}

/** Runs the workflow's steps for the stable leg in `folder`; stops at the first failing step. */
async function runSteps(folder: string): Promise<{ failed?: string; exitCode: number; output: string; ran: string[]; outputs: Map<string, string> }> {
  const job = readWorkflow(folder);
  const bin = await standIns();
  const ran: string[] = [];
  const outputs = new Map<string, string>();
  for (const step of job.steps) {
    if (step.uses !== undefined) {
      expect(step.uses).toMatch(/^actions\/(checkout|setup-node)@v\d+$/);
      if (step.uses.startsWith('actions/setup-node')) {
        const [major, minor] = process.versions.node.split('.').map(Number);
        expect(major > 20 || (major === 20 && minor >= 17), `node ${process.versions.node} against engines ${manifest.engines.node}`).toBe(true);
      }
      continue;
    }
    const run = step.run!.replaceAll('${{ matrix.toolchain }}', 'stable');
    expect(run, 'an expression the test does not stand in for').not.toContain('${{');
    const result = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], {
      cwd: folder, reject: false, all: true, timeout: 600_000, extendEnv: false, env: stepEnv(bin),
    });
    const name = step.name!.replaceAll('${{ matrix.toolchain }}', 'stable');
    ran.push(`${name}: ${run.trim().replaceAll('\n', '; ')} → exit ${result.exitCode}`);
    outputs.set(name, String(result.all));
    if (result.exitCode !== 0) return { failed: name, exitCode: result.exitCode ?? -1, output: String(result.all), ran, outputs };
    if (name === 'Verify the course') return { exitCode: 0, output: String(result.all), ran, outputs };
  }
  throw new Error(`no step "Verify the course" in ${folder}'s workflow`);
}

describe('the workflows lint clean with action-validator', () => {
  it.each([['course init', init], ['--emit git (linux)', gitCourse], ['--emit both (windows), in repo/', join(bothCourse, 'repo')]])('%s', async (_what, folder) => {
    const lint = await execa(validator, [join(folder, workflowPath)], { reject: false, all: true });
    expect(lint.exitCode, String(lint.all)).toBe(0);
  });

  it('and the linter does read them: a copy with a misspelt key fails', async () => {
    const broken = join(work.dir, 'broken.yml');
    writeFileSync(broken, readFileSync(join(init, workflowPath), 'utf8').replace('runs-on:', 'runs_on:'));
    const lint = await execa(validator, [broken], { reject: false, all: true });
    expect(lint.exitCode).not.toBe(0);
    expect(String(lint.all)).toContain("Additional property 'runs_on' is not allowed");
  });
});

describe('the stable leg runs here', () => {
  it('course init\'s copy: every step passes, with the packed version from the registry', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const result = await runSteps(init);
    console.log(`course init's workflow, stable:\n  ${result.ran.join('\n  ')}`);
    expect(result.exitCode, `step "${result.failed}":\n${result.output.slice(-4000)}`).toBe(0);
    expect(result.output).toContain('all 11 steps match');
    expect(result.outputs.get('Install Rust stable')).toMatch(/^rustup \(stand-in\): stable is installed\nrustup \(stand-in\): stable is the default already \(stable-/);
    expect(result.outputs.get('Show the compiler')).toMatch(/^rustc \d+\.\d+\.\d+/);
    // npx asked the registry for the pinned package, and got this checkout's tarball; nothing else.
    expect([...new Set(registry!.requests)].sort()).toEqual([`/${manifest.name}`, `/${manifest.name}/-/${basename(inject('tarball'))}`]);
    expect(basename(inject('tarball'))).toBe(`${manifest.name}-${manifest.version}.tgz`);
  });

  it('a recording edited as an older compiler might have said it: the verify step fails with the diff', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const recording = join(init, 'recorded', 'linux-rust-lld', 'no-std.txt');
    const recorded = readFileSync(recording, 'utf8');
    expect(recorded).toContain('error: cannot find macro `println` in this scope');
    writeFileSync(recording, recorded.replace('error: cannot find macro `println` in this scope', 'error: cannot find macro `println!` in this scope'));
    try {
      const result = await runSteps(init);
      expect(result.failed, result.output.slice(-4000)).toBe('Verify the course');
      expect(result.exitCode).toBe(1);
      expect(result.output).toContain('step 2 no-std: its output differs from the recording (--strict)');
      expect(result.output).toContain("step 2 no-std: the compiler's wording changed since it was recorded:\n-error: cannot find macro `println!` in this scope\n+error: cannot find macro `println` in this scope");
      expect(result.output).toContain('1 of 11 steps built do not match');
    } finally {
      writeFileSync(recording, recorded);
    }
  });

  it('course.toml expecting words the compiler does not say: the verify step fails with expected and got', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const toml = join(init, 'course.toml');
    const course = readFileSync(toml, 'utf8');
    expect(course).toContain('message = "cannot find macro `println` in this scope"');
    writeFileSync(toml, course.replace('message = "cannot find macro `println` in this scope"', 'message = "cannot find macro `printline` in this scope"'));
    try {
      const result = await runSteps(init);
      expect(result.failed, result.output.slice(-4000)).toBe('Verify the course');
      expect(result.exitCode).toBe(1);
      expect(result.output).toContain('step 2 no-std: missing: "cannot find macro `printline` in this scope"');
      expect(result.output).toMatch(/step 2 no-std: expected \(-\) and got \(\+\):\n-fails: "cannot find macro `printline` in this scope"\n\+fails: cannot find macro `println` in this scope; .*unwinding panics are not supported without std\n/);
    } finally {
      writeFileSync(toml, course);
    }
  });

  it('the emitted repositories: Linux passes; Windows passes with its link steps not built (exit 3, accepted)', async ({ skip }) => {
    if (!requireTools(needs(), skip)) return;
    const linux = await runSteps(gitCourse);
    expect(linux.exitCode, `step "${linux.failed}":\n${linux.output.slice(-4000)}`).toBe(0);
    expect(linux.output).toContain('all 11 steps match');
    const windows = await runSteps(join(bothCourse, 'repo'));
    console.log(`--emit git (linux) and both (windows), stable:\n  ${[...linux.ran, ...windows.ran].join('\n  ')}`);
    expect(windows.exitCode, `step "${windows.failed}":\n${windows.output.slice(-4000)}`).toBe(0);
    expect(windows.output).toMatch(/all 8 steps built match; 4 not built here \(exit 3\)/);
  });
});
