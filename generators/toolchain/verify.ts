/**
 * --verify: build the generated project with the machine's cargo and, where
 * the target runs here, run it and check what it prints. Ends with one line.
 */
import { resolve } from 'node:path';
import { execa } from 'execa';
import { findTarget, programTemplates } from '../core/catalogue.js';
import { diagnose, formatReport } from './doctor.js';
import type { Answers } from '../core/plan.js';
import { printError } from '../io/output.js';

export interface VerifyResult {
  ok: boolean;
  /** The last line printed: what was verified, or what failed. */
  summary: string;
  built: boolean;
  ran: boolean;
}

const expectedOutput = 'Hello, world!\n';

export async function verifyProject(answers: Answers, options: { json: boolean }): Promise<VerifyResult> {
  const target = findTarget(answers.target)!;
  const cwd = resolve(answers.directory);
  const interactive = Boolean(process.stderr.isTTY) && !options.json;
  // Progress and logs go to stderr so that --json keeps stdout parseable.
  const log = (line: string) => printError(interactive ? line : `verify: ${line}`);
  const finish = (result: VerifyResult) => {
    printError(result.summary);
    return result;
  };

  const report = await diagnose(target, cwd);
  if (!report.ok) {
    printError(formatReport(report));
    const missing = report.checks.filter((check) => !check.ok).map((check) => `${check.name} (${check.fix})`);
    return finish({ ok: false, built: false, ran: false, summary: `verify failed: missing ${missing.join('; ')}` });
  }

  log('cargo build --release');
  const build = await execa('cargo', ['build', '--release'], {
    cwd, reject: false, all: true,
    // On a terminal cargo draws its own progress; otherwise its lines are logged as they come.
    stdio: interactive ? 'inherit' : 'pipe',
  });
  if (!interactive && build.all) for (const line of String(build.all).split('\n')) if (line) log(line);
  if (build.exitCode !== 0) {
    return finish({ ok: false, built: false, ran: false, summary: `verify failed: cargo build --release exited with ${build.exitCode}` });
  }

  const exits = programTemplates[answers.template].exits;
  if (!exits || !target.runnable) {
    const why = exits ? 'this target cannot run here' : `${answers.template} loops forever, so it is not run`;
    return finish({ ok: true, built: true, ran: false, summary: `verified: ${answers.name} builds for ${target.id} (${why})` });
  }

  log('cargo run --release');
  const run = await execa('cargo', ['run', '--release', '--quiet'], { cwd, reject: false, timeout: 60_000, stripFinalNewline: false });
  const stdout = String(run.stdout);
  if (run.timedOut) {
    return finish({ ok: false, built: true, ran: true, summary: 'verify failed: the program did not exit within 60 s' });
  }
  if (run.exitCode !== 0 || stdout !== expectedOutput) {
    if (run.stderr) log(String(run.stderr));
    return finish({
      ok: false, built: true, ran: true,
      summary: `verify failed: expected "Hello, world!" and exit 0, got ${JSON.stringify(stdout)} and exit ${run.exitCode}`,
    });
  }
  return finish({ ok: true, built: true, ran: true, summary: `verified: ${answers.name} builds and runs on ${target.id}: Hello, world!` });
}
