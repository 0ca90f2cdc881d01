/**
 * Options → answers for the core: flags win, then prompts (only on a terminal
 * and only for what is missing), then defaults (with --yes). Each answer is
 * checked as soon as it is given, so a bad one is asked again at once with a
 * valid suggestion, and earlier answers are kept. The prompt library is
 * imported only when a prompt is really shown, which keeps the flag path fast.
 */
import { defaults, nameForDirectory, type AnswersInput } from '../core/answers.js';
import { CancelledError, UsageError } from '../core/errors.js';
import { questions, type QuestionSpec } from '../core/questions.js';
import { checkDestination } from '../io/destination.js';
import type { CreateOptions } from './args.js';
import { flagFor } from './words.js';

/** Asks one question, offering `defaultValue`; resolves to the answer. */
export type Ask = (question: QuestionSpec, defaultValue: string) => Promise<string>;

/** The terminal prompt, loaded on first use. Ctrl-C becomes CancelledError. */
export const askOnTerminal: Ask = async (question, defaultValue) => {
  const { input, select } = await import('@inquirer/prompts');
  try {
    if (question.choices) {
      return await select({ message: question.message, choices: question.choices, default: defaultValue });
    }
    return await input({ message: question.message, default: defaultValue });
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new CancelledError();
    throw error;
  }
};

export interface AnswerSources {
  /** Whether stdin and stdout are a terminal; asked only when an answer is missing and --yes is not given. */
  interactive: () => boolean;
  ask: Ask;
  /** Where a re-asked question says what was wrong. */
  warn: (line: string) => void;
}

type Key = QuestionSpec['key'];

/** Why a project cannot be written to `directory` (not empty, a file, unwritable, …), or undefined. */
function destinationProblem(directory: string, force: boolean): string | undefined {
  try {
    checkDestination(directory, [], force);
    return undefined;
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

/** The directory's problem for this run (beyond its spelling), with a free one close to it. */
function directoryProblem(directory: string, force: boolean): { problem: string; suggestion: string } | undefined {
  const problem = destinationProblem(directory, force);
  if (problem === undefined) return undefined;
  for (let n = 2; n < 1000; n += 1) {
    const candidate = `${directory.replace(/[\\/]+$/, '')}-${n}`;
    if (destinationProblem(candidate, force) === undefined) return { problem, suggestion: candidate };
  }
  return { problem, suggestion: 'freestanding-app' };
}

async function askUntilValid(
  question: QuestionSpec, firstDefault: string, sources: AnswerSources,
  extraCheck?: (value: string) => { problem: string; suggestion: string } | undefined,
): Promise<string> {
  let offer = firstDefault;
  for (;;) {
    const value = await sources.ask(question, offer);
    const problem = question.validate?.(value);
    if (problem === undefined) {
      const extra = extraCheck?.(value);
      if (!extra) return value;
      sources.warn(`${extra.problem}; try again (suggested: ${extra.suggestion})`);
      offer = extra.suggestion;
      continue;
    }
    sources.warn(`${problem}; try again`);
    offer = question.key === 'name' ? nameForDirectory(value).name : question.defaultValue({});
  }
}

export async function resolveAnswers(options: CreateOptions, sources: AnswerSources): Promise<AnswersInput> {
  const given: Partial<Record<Key, string>> = {
    directory: options.directory,
    name: options.name,
    target: options.target,
    template: options.template,
    // The edition is asked on a terminal but, having a safe default, never demanded as a flag.
    edition: options.edition ?? (options.yes || sources.interactive() ? undefined : defaults.edition),
  };
  // The name is asked only when the directory's base name cannot be one.
  const asked = (key: Key, answers: Partial<Record<Key, string>>) =>
    key !== 'name' || (answers.directory !== undefined && !nameForDirectory(answers.directory).valid);

  const missing = questions.filter((question) => question.key !== 'name' && given[question.key] === undefined);
  if (missing.length > 0 && !options.yes && !sources.interactive()) {
    const flags = missing.map((question) => flagFor[question.key]).join(', ');
    // `npm create freestanding x -y` gives the -y to npm, not to us.
    const npmTookYes = process.env.npm_command !== undefined && process.env.npm_config_yes === 'true';
    const fix = npmTookYes
      ? `npm kept -y for itself; put it after "--": npm create freestanding@latest ${options.directory ?? 'my-os'} -- --yes`
      : `pass ${missing.length > 1 ? 'them' : 'it'}, or --yes for the defaults`;
    throw new UsageError(`missing ${flags} and no terminal to ask on; ${fix}`);
  }

  const answers: Partial<Record<Key, string>> = {};
  for (const question of questions) {
    const value = given[question.key];
    if (value !== undefined) answers[question.key] = value;
    else if (options.yes || !sources.interactive()) {
      if (question.key !== 'name') answers[question.key] = question.defaultValue(answers);
    } else if (asked(question.key, answers)) {
      const check = question.key === 'directory' ? (dir: string) => directoryProblem(dir, options.force) : undefined;
      answers[question.key] = await askUntilValid(question, question.defaultValue(answers), sources, check);
    }
  }
  return {
    directory: answers.directory!,
    name: answers.name,
    target: answers.target,
    template: answers.template,
    edition: answers.edition,
    linkArgs: options.linkArgs,
  };
}
