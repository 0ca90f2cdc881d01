/**
 * The project's own continuous integration, declared once: the choices here
 * are the `--ci` flag's values, the prompt's choices (default `none`), plop's
 * list and the library's `ci` option; `ciWorkflowFor` derives the GitHub
 * workflow's jobs and steps from the target's catalogue entry and the
 * project's commands, so a target or board added later gets its workflow
 * with no change here. Pure: no I/O.
 */
import type { HostOs, Target } from './catalogue.js';

export const ciProviders = ['none', 'github'] as const;
export type CiProvider = (typeof ciProviders)[number];

/** What each choice is, for prompts, --help and the README. */
export const ciDescriptions: Record<CiProvider, string> = {
  none: 'no CI files',
  github: 'GitHub Actions: .github/workflows/ci.yml builds, runs hello and runs the tests on every push',
};

/** The GitHub-hosted runner of each host OS (https://docs.github.com/actions/using-github-hosted-runners). */
const githubRunners: Record<HostOs, string> = { linux: 'ubuntu-latest', windows: 'windows-latest', macos: 'macos-latest' };

export interface WorkflowStep {
  name: string;
  /** Comment lines above the step: why it is there. */
  why: string[];
  /** The shell command, as YAML (quoted when plain YAML would misread it). */
  run: string;
}

/** `.github/workflows/ci.yml`'s facts. */
export interface CiContext {
  /** One runner, or several (a matrix over `os`). */
  runners: string[];
  matrix: boolean;
  /** `runs-on`'s value: the runner, or the matrix's `os`. */
  runsOn: string;
  /** The workflow runs hello (it ends by itself and runs on the runner or in QEMU). */
  runsHello: boolean;
  steps: WorkflowStep[];
}

/** A YAML plain scalar when it reads as one, else a double-quoted (JSON) string. */
function yamlScalar(text: string): string {
  return /^[A-Za-z0-9_./=+&| -]+$/.test(text) && !/^[-?:&|]/.test(text) ? text : JSON.stringify(text);
}

const step = (name: string, run: string, why: string[]): WorkflowStep => ({ name, run: yamlScalar(run), why });

/** The workflow's steps for a project's commands: each `run` the README's own command. */
export function ciWorkflowFor(
  target: Target,
  commands: { build: string; run: string; test?: string; setup: { command: string }[] },
  runsHello: boolean,
): CiContext {
  const runners = target.kind === 'host' ? target.oses.map((os) => githubRunners[os]) : [githubRunners.linux];
  const steps: WorkflowStep[] = [];
  if (target.kind === 'bare-metal') {
    for (const setup of commands.setup) {
      steps.push(step('Install the target', setup.command, [
        'GitHub\'s runners have rustup and stable Rust; rust-toolchain.toml selects',
        `stable, and this adds the precompiled \`core\` for ${target.triple}.`,
      ]));
    }
    if (target.board && runsHello) {
      steps.push(step('Install QEMU', `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${[target.board.aptPackage, ...(target.uefi ? [target.uefi.firmwareApt] : [])].join(' ')}`, [
        `${target.board.program} runs the binary on ${target.board.summary} (the runner in .cargo/config.toml).`,
      ]));
    }
  }
  steps.push(step('Build', commands.build, ['The release build, as README.md\'s "Build and run".']));
  if (runsHello) {
    const where = target.kind === 'bare-metal' ? 'in QEMU, whose exit status is the program\'s' : 'natively';
    steps.push(step('Run hello', commands.run, [
      `Runs it ${where}: the step fails unless hello exits with 0.`,
    ]));
  }
  if (commands.test) {
    steps.push(step('Test', commands.test, [
      target.kind === 'bare-metal'
        ? 'The library\'s unit tests, on the runner itself (`--target host-tuple`).'
        : 'The library\'s unit tests with the standard test harness.',
    ]));
  }
  const matrix = runners.length > 1;
  return { runners, matrix, runsOn: matrix ? '${{ matrix.os }}' : runners[0], runsHello, steps };
}
