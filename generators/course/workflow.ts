/**
 * A course's CI: `.github/workflows/course.yml`, rendered from
 * templates/course-ci/course.yml.hbs. It runs `course verify --strict` with
 * the create-freestanding that wrote it (npx, this package's version) on
 * GitHub's Linux runner, on stable, beta and nightly, on every push and pull
 * request, daily and by hand, so that an author hears when the compiler's
 * words drift from the recordings.
 *
 * Two places get one: `course init`'s copy, which verifies its own folder
 * (`--from .`), and the repository `course --emit git|both` writes from the
 * built-in course, which verifies that course for the OS it was written for.
 * A course written from an author's folder (--from) or with --templates gets
 * none: its source is not in the repository; the author's folder carries it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion, renderTemplate, templatesDir } from '../core/render.js';
import type { CourseOs } from './manifest.js';
import { verifyExitCodes } from './verify.js';

/** Where GitHub reads it: the repository root's .github/workflows/. */
export const workflowPath = '.github/workflows/course.yml';

/** The matrix: the recordings are stable's; beta and nightly may fail without failing the run. */
export const workflowToolchains = ['stable', 'beta', 'nightly'] as const;

const template = 'course-ci/course.yml.hbs';

/** `course init`'s copy (its folder is the course), or a repository of the built-in course written for `os`. */
export type WorkflowFor = { init: true } | { init: false; os: CourseOs };

/** The workflow's verify command, as its `run:` says it. */
export function workflowCommand(target: WorkflowFor, version = packageVersion()): string {
  const os = target.init ? 'linux' : target.os;
  const command = `npx --yes create-freestanding@${version} course verify ${target.init ? '--from . ' : ''}--os ${os} --strict`;
  // Another OS's link steps cannot be built on GitHub's Linux runner without a cross cargo: "not built" (3) is not a failure there.
  return os === 'linux' ? command : `${command} || test $? -eq ${verifyExitCodes.notBuilt}`;
}

export function courseWorkflow(target: WorkflowFor, version = packageVersion()): string {
  const os = target.init ? 'linux' : target.os;
  const context = {
    init: target.init, version, os, linux: os === 'linux', windows: os === 'windows',
    toolchains: workflowToolchains.join(', '), run: workflowCommand(target, version),
  };
  return renderTemplate(template, readFileSync(join(templatesDir(), template), 'utf8'), context, `templates/${template}`);
}
