/**
 * Raw answers (from flags, prompts, plop or an API caller) → checked Answers.
 * Every problem is an AnswerError naming the field, so each front end can word
 * it in its own terms (a flag, a prompt, an option).
 */
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import { editions, findTarget, linkArgModes, templateNames, unknownTargetMessage, type Edition, type LinkArgMode, type TemplateName } from './catalogue.js';
import { checkCrateName } from './crate-name.js';
import { ciProviders, type CiProvider } from './ci.js';
import { checkAnswerTypes } from './arguments.js';
import { AnswerError } from './errors.js';

/** What an answer is when nobody gives one. */
export const defaults = {
  directory: 'freestanding-app',
  target: 'host',
  template: 'hello' as TemplateName,
  edition: '2024' as Edition,
  linkArgs: 'build-rs',
  /** Off unless asked for: a workflow is a file the user did not ask for. */
  ci: 'none' as CiProvider,
} as const;

export interface Answers {
  /** Where to write, as the user gave it (`~` expanded). */
  directory: string;
  name: string;
  target: string;
  template: TemplateName;
  edition: Edition;
  linkArgs: LinkArgMode;
  /** The project's own CI (core/ci.ts): `github` adds .github/workflows/ci.yml. Checked answers always have it; absent means `none`. */
  ci?: CiProvider;
}

/** What a caller may give: only the directory is required; the rest have defaults. */
export interface AnswersInput {
  directory: string;
  name?: string;
  target?: string;
  template?: string;
  edition?: string | number;
  linkArgs?: string;
  ci?: string;
}

/** `~` and `~/x` as a shell would expand them (prompts and APIs get no shell). */
export function expandHome(directory: string): string {
  if (directory === '~') return homedir();
  if (directory.startsWith('~/') || directory.startsWith('~\\')) return resolve(homedir(), directory.slice(2));
  return directory;
}

/** The crate name a directory suggests: its base name, or a valid one close to it. */
export function nameForDirectory(directory: string): { name: string; valid: boolean } {
  const base = basename(resolve(expandHome(directory)));
  const { problem, suggestion } = checkCrateName(base, { windows: false });
  return { name: suggestion, valid: problem === undefined };
}

/** `value` if it is one of `allowed`; else an AnswerError suggesting the default. */
function oneOf<T extends string>(field: 'template' | 'edition' | 'linkArgs' | 'ci', value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new AnswerError(field, `${field} must be one of ${allowed.join(', ')} (got "${value}")`, defaults[field]);
}

export function checkDirectory(directory: string): string | undefined {
  if (typeof directory !== 'string') return 'the project directory must be a string';
  if (directory.trim() === '') return 'the project directory cannot be empty';
  if (directory.includes('\0')) return 'the project directory cannot contain a NUL byte';
  return undefined;
}

/**
 * Why `name` cannot be the crate's name (undefined when it can), with a valid
 * suggestion; `windows` when the target includes Windows, whose reserved file
 * names (`con`, `nul`, …) cannot name a binary. Where cargo only warns, so do we.
 */
export function checkName(name: string, windows = false): { problem?: string; warning?: string; suggestion: string } {
  const verdict = checkCrateName(name, { windows });
  return { ...verdict, problem: verdict.problem && `invalid crate name: ${verdict.problem}` };
}

function targetIncludesWindows(targetId: string): boolean {
  const target = findTarget(targetId);
  return target?.kind === 'host' && target.oses.includes('windows');
}

/** The checked answers, and the warnings cargo would print about them (a crate name it only warns about). */
export function checkAnswers(input: AnswersInput): { answers: Answers; warnings: string[] } {
  checkAnswerTypes(input);
  const directoryProblem = checkDirectory(input.directory ?? '');
  if (directoryProblem) throw new AnswerError('directory', directoryProblem, defaults.directory);
  const directory = expandHome(input.directory);

  const targetId = input.target ?? defaults.target;
  const target = findTarget(targetId);
  if (!target) {
    const { message, near } = unknownTargetMessage(targetId);
    // A near one is named in the message; with none, the default is the example.
    throw new AnswerError('target', message, near.length > 0 ? undefined : defaults.target);
  }
  const template = oneOf('template', input.template ?? defaults.template, templateNames);
  const edition = oneOf('edition', String(input.edition ?? defaults.edition), editions);
  const linkArgs = oneOf('linkArgs', input.linkArgs ?? defaults.linkArgs, linkArgModes);
  const ci = oneOf('ci', input.ci ?? defaults.ci, ciProviders);
  if (linkArgs === 'cargo-config' && target.kind !== 'host') {
    throw new AnswerError('linkArgs', `link arguments in .cargo/config.toml apply to host targets only; ${target.id} takes its linker script from build.rs`, defaults.linkArgs);
  }

  // No name given: the directory's base name, checked like any other (the error suggests a valid one).
  const name = input.name ?? basename(resolve(directory));
  const { problem, warning, suggestion } = checkName(name, targetIncludesWindows(target.id));
  if (problem) throw new AnswerError('name', problem, suggestion);
  return { answers: { directory, name, target: target.id, template, edition, linkArgs, ci }, warnings: warning ? [warning] : [] };
}

export function validateAnswers(input: AnswersInput): Answers {
  return checkAnswers(input).answers;
}
