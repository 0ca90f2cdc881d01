/**
 * `--ci github`: for every catalogue target and template, the generated
 * `.github/workflows/ci.yml` passes a real workflow linter
 * (`action-validator`, GitHub's schema), and for every target whose workflow
 * runs on `ubuntu-latest`, its steps run here, in the generated project, as
 * GitHub's runner would run them: each `run:` with `bash --noprofile --norc
 * -eo pipefail` (GitHub's bash), the job's `env`, in order; `uses:` steps
 * are only `actions/checkout` (the project folder is the checkout).
 *
 * What stands in for the runner's tools, on PATH before the real ones (the
 * workflow itself is run as written):
 * - `rustup target add <triple>`: this machine cannot download rustup's
 *   precompiled `core`; the stand-in checks that Debian's rustc knows the
 *   triple, and `cargo` for that target is scripts/xcargo, which builds `core`
 *   from source. Any other rustup command is the real rustup.
 * - `cargo`: scripts/xcargo for a target whose catalogue proof uses it, except
 *   `--target host-tuple` (the host tests), which is rustup's cargo; else rustup's cargo.
 * - `sudo`: runs the command (this machine's tests run as root; GitHub's sudo needs no password).
 * - `apt-get update` does nothing and `apt-get install` checks that each
 *   package is installed (dpkg -s; scripts/setup-toolchain.sh installs them),
 *   so a wrong package name still fails, without a download during a test.
 * Builds share the matrix's target folder (CARGO_TARGET_DIR), so `core` is
 * built once per triple; that changes where output goes, not what is built.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogue, templateNames, type Target } from '../../generators/core/catalogue.js';
import { ciWorkflowFor } from '../../generators/core/ci.js';
import { planProject } from '../../generators/core/plan.js';
import { repoRoot, runCli, scratch } from '../support/cli.js';
import { has, missingTools, requireTools, toolchainNeeds, xcargo } from '../support/tools.js';

const projects = scratch('cf-ci-');
afterAll(projects.cleanup);
const validator = join(repoRoot, 'node_modules', '.bin', 'action-validator');
const targetDirs = { rustup: join(repoRoot, '.tmp', 'target-rustup'), xcargo: join(repoRoot, '.tmp', 'target-xcargo') };

interface Step { name?: string; uses?: string; run?: string }
interface Workflow { jobs: Record<string, { 'runs-on': string; strategy?: { matrix: { os: string[] } }; env?: Record<string, string>; steps: Step[] }> }

async function generate(target: Target, template: string, purpose: 'lint' | 'run'): Promise<string> {
  const dir = join(projects.dir, `ci-${target.id.replace(/[^a-z0-9]+/g, '-')}-${template}-${purpose}`);
  const result = await runCli([dir, '-t', target.id, '--template', template, '--ci', 'github', '-y']);
  expect(result.exitCode, result.stderr).toBe(0);
  return dir;
}

/** The real program on PATH now, before the stand-ins. */
async function real(command: string): Promise<string> {
  const found = await execa('bash', ['-c', `command -v ${command}`], { reject: false });
  if (found.exitCode !== 0) throw new Error(`${command} is not on PATH`);
  return String(found.stdout).trim();
}

/** The stand-ins described above, in a folder of their own; returns it. */
async function standIns(target: Target, dir: string): Promise<string> {
  const bin = join(dir, '.stand-ins');
  mkdirSync(bin);
  const write = (name: string, text: string) => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\nset -euo pipefail\n${text}`);
    chmodSync(join(bin, name), 0o755);
  };
  const [rustup, cargo] = [await real('rustup'), await real('cargo')];
  const triple = target.kind === 'bare-metal' ? target.triple : undefined;
  const viaXcargo = target.proofs.some((proof) => proof.triple === triple && proof.toolchain === 'xcargo');
  write('rustup', `if [ "\${1:-}" = target ] && [ "\${2:-}" = add ]; then
  shift 2
  for triple in "$@"; do
    /usr/bin/rustc --print target-list | grep -qx -- "$triple" || { echo "rustup (stand-in): unknown target $triple" >&2; exit 1; }
    echo "rustup (stand-in): $triple: scripts/xcargo builds its core from source"
  done
  exit 0
fi
exec ${rustup} "$@"
`);
  write('cargo', viaXcargo
    ? `for arg in "$@"; do [ "$arg" = host-tuple ] && exec ${cargo} "$@"; done\nexec ${xcargo} "$@"\n`
    : `exec ${cargo} "$@"\n`);
  write('sudo', 'exec "$@"\n');
  write('apt-get', `case "\${1:-}" in
  update) echo "apt-get (stand-in): update skipped"; exit 0 ;;
  install) shift
    for package in "$@"; do
      case "$package" in -*) continue ;; esac
      dpkg -s "$package" >/dev/null 2>&1 || { echo "apt-get (stand-in): $package is not installed here (scripts/setup-toolchain.sh)" >&2; exit 100; }
      echo "apt-get (stand-in): $package is installed"
    done
    exit 0 ;;
  *) echo "apt-get (stand-in): only update and install" >&2; exit 1 ;;
esac
`);
  return bin;
}

const runsOnUbuntu = (target: Target) => {
  const commands = planProject({ directory: 'x', name: 'x', target: target.id, template: 'hello', edition: '2024', linkArgs: 'build-rs' }).context.commands;
  return ciWorkflowFor(target, commands, true).runners.includes('ubuntu-latest');
};

describe.each(catalogue.map((target) => [target.id, target] as const))('%s', (_id: string, target: Target) => {
  it.each([...templateNames])('%s: ci.yml lints clean with action-validator', async (template) => {
    const dir = await generate(target, template, 'lint');
    const file = join(dir, '.github', 'workflows', 'ci.yml');
    const lint = await execa(validator, [file], { reject: false });
    expect(lint.exitCode, `${lint.stdout}${lint.stderr}`).toBe(0);
    const workflow = parseYaml(readFileSync(file, 'utf8')) as Workflow;
    const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run] : [])));
    // Every command is the README's own, from the plan.
    const { commands, exits, runnable } = planProject({ directory: dir, name: 'x', target: target.id, template, edition: '2024', linkArgs: 'build-rs' }).context;
    expect(runs).toContain(commands.build);
    expect(runs.includes(commands.run)).toBe(exits && runnable);
    if (commands.test) expect(runs).toContain(commands.test);
    for (const setup of commands.setup) expect(runs).toContain(setup.command);
  });

  if (!runsOnUbuntu(target)) return;
  it('hello: runs its steps here, xcargo standing in for rustup target add', async ({ skip }) => {
    const proof = target.proofs.find((entry) => entry.triple === (target.kind === 'bare-metal' ? target.triple : 'x86_64-unknown-linux-gnu'))!;
    const needs = [
      ...toolchainNeeds[proof.toolchain], ...toolchainNeeds.rustup,
      ...(target.kind === 'bare-metal' && target.board ? [{ command: target.board.program, args: ['--version'], install: `apt-get install ${target.board.aptPackage}` }] : []),
    ];
    if (!requireTools(missingTools(needs), skip)) return;
    expect(has('dpkg', ['--version'])).toBe(true);

    const dir = await generate(target, 'hello', 'run');
    const workflow = parseYaml(readFileSync(join(dir, '.github', 'workflows', 'ci.yml'), 'utf8')) as Workflow;
    const bin = await standIns(target, dir);
    const ran: string[] = [];
    for (const job of Object.values(workflow.jobs)) {
      const runners = job.strategy?.matrix.os ?? [job['runs-on']];
      expect(runners).toContain('ubuntu-latest');
      for (const step of job.steps) {
        if (step.uses !== undefined) {
          expect(step.uses).toMatch(/^actions\/checkout@/);
          continue;
        }
        const result = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
          cwd: dir, reject: false, all: true, timeout: 600_000,
          env: { ...job.env, PATH: `${bin}:${process.env.PATH}`, CARGO_TARGET_DIR: targetDirs[proof.toolchain], RUNNER_OS: 'Linux' },
        });
        expect(result.exitCode, `step "${step.name}": ${step.run}\n${String(result.all).slice(-3000)}`).toBe(0);
        ran.push(`${step.name}: ${step.run}`);
        if (step.name === 'Run hello') expect(String(result.stdout)).toContain('Hello, world!');
      }
    }
    console.log(`${target.id}: ran\n  ${ran.join('\n  ')}`);
    expect(ran.length).toBeGreaterThanOrEqual(3);
  });
});
