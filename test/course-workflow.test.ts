/**
 * Issue 15.5: the course's CI workflow (.github/workflows/course.yml), as
 * rendered and as the built CLI writes it: pinned to this package's version,
 * a matrix over stable, beta and nightly, only where a repository holds the
 * built-in course (course init's copy, --emit git|both), never for an
 * author's course. And `course verify`'s table shows a mismatch whole. No
 * cargo: test/proof/course-workflow.test.ts lints the files and runs them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { courseWorkflow, workflowPath } from '../generators/course/workflow.js';
import { formatTable, type StepResult } from '../generators/course/verify.js';
import { repoRoot, runCli, scratch } from './support/cli.js';
import { missingTools, requireTools } from './support/tools.js';

const work = scratch('cf-course-workflow-');
afterAll(() => work.cleanup());
const env = { XDG_STATE_HOME: join(work.dir, 'state') };
const git = () => missingTools([{ command: 'git', args: ['--version'], install: 'apt-get install git' }]);
/** Read here, not through the module under test. */
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, string> }
interface Workflow {
  on: Record<string, unknown> & { schedule: { cron: string }[] };
  jobs: Record<string, {
    'runs-on': string; 'continue-on-error': string; defaults: { run: { shell: string } };
    strategy: { 'fail-fast': boolean; matrix: { toolchain: string[] } }; steps: Step[];
  }>;
}

function jobOf(text: string) {
  const workflow = parseYaml(text) as Workflow;
  expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch']);
  expect(workflow.on.schedule).toEqual([{ cron: '17 4 * * *' }]);
  const jobs = Object.values(workflow.jobs);
  expect(jobs).toHaveLength(1);
  const [job] = jobs;
  expect(job.strategy).toEqual({ 'fail-fast': false, matrix: { toolchain: ['stable', 'beta', 'nightly'] } });
  expect(job['continue-on-error']).toBe("${{ matrix.toolchain != 'stable' }}");
  expect(job['runs-on']).toBe('ubuntu-latest');
  expect(job.defaults.run.shell).toBe('bash');
  // Plain rustup, no third-party action.
  for (const step of job.steps) if (step.uses) expect(step.uses).toMatch(/^actions\/(checkout|setup-node)@v\d+$/);
  expect(job.steps.map((step) => step.run).filter(Boolean)).toEqual([
    'rustup toolchain install ${{ matrix.toolchain }} --profile minimal\nrustup default ${{ matrix.toolchain }}\n',
    'rustc -vV',
    expect.stringMatching(/^npx --yes create-freestanding@/),
  ]);
  return { job, verify: job.steps.at(-1)!.run! };
}

describe('the rendered workflow', () => {
  it('course init\'s copy: checks out its folder and verifies it with the pinned version, --strict, on Linux', () => {
    const { job, verify } = jobOf(courseWorkflow({ init: true }));
    expect(verify).toBe(`npx --yes create-freestanding@${version} course verify --from . --os linux --strict`);
    expect(job.steps.map((step) => step.uses).filter(Boolean)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4']);
  });

  it('a repository of the built-in course: verifies that course for its OS, needing no checkout', () => {
    const linux = jobOf(courseWorkflow({ init: false, os: 'linux' }));
    expect(linux.verify).toBe(`npx --yes create-freestanding@${version} course verify --os linux --strict`);
    expect(linux.job.steps.map((step) => step.uses).filter(Boolean)).toEqual(['actions/setup-node@v4']);
    // Another OS's link steps are "not built" on Linux without a cross cargo (exit 3); the rest must match.
    for (const os of ['windows', 'macos'] as const) {
      expect(jobOf(courseWorkflow({ init: false, os })).verify).toBe(`npx --yes create-freestanding@${version} course verify --os ${os} --strict || test $? -eq 3`);
    }
  });

  it('pins what it is given, and says so in its comments', () => {
    const text = courseWorkflow({ init: true }, '9.8.7');
    expect(text).toContain('npx --yes create-freestanding@9.8.7 course verify');
    expect(text).toContain('# npx runs create-freestanding 9.8.7, the version that wrote this');
    if (version !== '9.8.7') expect(text).not.toContain(version);
  });
});

describe('where the CLI writes it', () => {
  const cli = (args: string[]) => runCli(args, { env });
  const tree = async (repo: string, ref: string) => String((await execa('git', ['ls-tree', '-r', '--name-only', ref], { cwd: repo })).stdout).split('\n');

  it('course init writes it beside the copy; an author\'s course (--from) written as git or both gets none', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    const mine = join(work.dir, 'mine');
    const init = await cli(['course', 'init', mine, '--json']);
    expect(init.exitCode, String(init.stderr)).toBe(0);
    expect(JSON.parse(String(init.stdout)).files).toContain(workflowPath);
    expect(readFileSync(join(mine, workflowPath), 'utf8')).toBe(courseWorkflow({ init: true }));

    for (const emit of ['git', 'both']) {
      const out = join(work.dir, `author-${emit}`);
      const result = await cli(['course', out, '--from', mine, '--emit', emit, '--yes', '--os', 'linux', '--json']);
      expect(result.exitCode, String(result.stderr)).toBe(0);
      const summary = JSON.parse(String(result.stdout)) as { workflow: string | null; files: string[] };
      expect(summary.workflow).toBeNull();
      expect(summary.files.some((file) => file.includes('.github'))).toBe(false);
      const repo = emit === 'git' ? out : join(out, 'repo');
      expect(existsSync(join(out, '.github'))).toBe(false);
      expect(existsSync(join(repo, '.github'))).toBe(false);
      expect((await tree(repo, 'HEAD')).some((path) => path.startsWith('.github/'))).toBe(false);
    }
    const text = await cli(['course', join(work.dir, 'author-text'), '--from', mine, '--emit', 'git', '--yes', '--os', 'linux']);
    expect(String(text.stdout)).toContain(`No CI workflow in the repository: its course is your folder ${mine}, and the workflow that verifies it belongs there (${workflowPath}, as course init writes it).`);
  });

  it('--emit git and both of the built-in course: committed after the last step, untagged, at the repository root', async (context) => {
    if (!requireTools(git(), context.skip)) return;
    for (const [emit, os] of [['git', 'linux'], ['both', 'windows']] as const) {
      const out = join(work.dir, `built-in-${emit}`);
      const result = await cli(['course', out, '--emit', emit, '--yes', '--os', os, '--json']);
      expect(result.exitCode, String(result.stderr)).toBe(0);
      const repo = emit === 'git' ? out : join(out, 'repo');
      const at = emit === 'git' ? workflowPath : `repo/${workflowPath}`;
      const summary = JSON.parse(String(result.stdout)) as { workflow: string; files: string[] };
      expect(summary.workflow).toBe(at);
      expect(summary.files).toContain(at);
      expect(readFileSync(join(out, at), 'utf8')).toBe(courseWorkflow({ init: false, os }));
      // Only the repository's root: not the destination's (both), not a step folder.
      if (emit === 'both') expect(existsSync(join(out, '.github'))).toBe(false);
      const status = await execa('git', ['status', '--porcelain'], { cwd: repo });
      expect(String(status.stdout)).toBe('');
      const log = String((await execa('git', ['log', '--format=%s', '-2'], { cwd: repo })).stdout).split('\n');
      expect(log[0]).toBe('CI: course verify on stable, beta, nightly');
      expect(log[1]).toMatch(/^Step \d+: /);
      const tags = String((await execa('git', ['tag', '--points-at', 'HEAD'], { cwd: repo })).stdout);
      expect(tags).toBe('');
      const last = String((await execa('git', ['describe', '--tags', '--abbrev=0'], { cwd: repo })).stdout);
      expect(await tree(repo, 'HEAD')).toEqual([...await tree(repo, last), workflowPath].sort());
    }
  });

  it('--emit folders writes none (no repository); a dry run of git names where it would go', async () => {
    const out = join(work.dir, 'folders');
    const result = await cli(['course', out, '--yes', '--os', 'linux', '--json']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(JSON.parse(String(result.stdout)).workflow).toBeNull();
    expect(existsSync(join(out, '.github'))).toBe(false);
    const dry = await cli(['course', join(work.dir, 'dry'), '--emit', 'git', '--dry-run', '--json', '--os', 'linux']);
    expect(JSON.parse(String(dry.stdout)).workflow).toBe(workflowPath);
    expect(existsSync(join(work.dir, 'dry'))).toBe(false);
  });
});

describe('course verify prints what failed, whole', () => {
  const result = (fields: Partial<StepResult>): StepResult => ({
    number: 2, id: 'no-std', title: 'no_std', command: 'cargo build', platform: 'linux-rust-lld', expected: 'builds', got: 'builds',
    ok: true, status: 'ok', detail: '', wording: 'same', unmeasured: [], ...fields,
  });
  const long = `fails: cannot find macro \`println\` in this scope; ${'x'.repeat(80)}`;

  it('a mismatch: what course.toml declares (-) and what the compiler gave (+), not cut as in the table', () => {
    const table = formatTable([result({ ok: false, status: 'mismatch', expected: 'fails: "cannot find macro `printline` in this scope"', got: long, detail: 'missing: "cannot find macro `printline` in this scope"' })]);
    expect(table).toContain(`step 2 no-std: expected (-) and got (+):\n-fails: "cannot find macro \`printline\` in this scope"\n+${long}`);
    expect(table).toContain('1 of 1 steps built do not match');
  });

  it('a mismatch only because of --strict: the recording\'s diff, no expected/got lines', () => {
    const table = formatTable([result({ ok: false, status: 'mismatch', wording: 'changed', strictOnly: true, detail: 'its output differs from the recording (--strict)', diff: '-error: old\n+error: new' })]);
    expect(table).toContain('step 2 no-std: its output differs from the recording (--strict)');
    expect(table).toContain("step 2 no-std: the compiler's wording changed since it was recorded:\n-error: old\n+error: new");
    expect(table).not.toContain('expected (-) and got (+)');
  });
});
