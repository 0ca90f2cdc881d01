/**
 * Options → answers for the core: flags win, then prompts (only on a terminal
 * and only for what is missing or wrong), then defaults (with --yes). Answers
 * given as flags are checked before the first question and each asked one as
 * soon as it is given, so a bad one is asked again at once with a valid
 * suggestion (or, with no one to ask, refused at once), and earlier answers are kept. The prompt library is
 * imported only when a prompt is really shown, which keeps the flag path fast.
 */
import { basename, resolve } from 'node:path';
import { checkDirectory, checkName, defaults, expandHome, nameForDirectory, type AnswersInput } from '../core/answers.js';
import { catalogue, editions, findTarget, templateNames } from '../core/catalogue.js';
import { ciProviders } from '../core/ci.js';
import { AnswerError, UsageError } from '../core/errors.js';
import { questions, type QuestionSpec } from '../core/questions.js';
import { checkDestination } from '../io/destination.js';
import { askChoice, askText } from '../io/prompt.js';
import { unknownTarget, type CreateOptions } from './args.js';
import { flagFor } from './words.js';
import { closest, didYouMean } from '../core/nearest.js';

/** Asks one question, offering `defaultValue`; resolves to the answer. */
export type Ask = (question: QuestionSpec, defaultValue: string) => Promise<string>;

/** The terminal prompt (io/prompt.ts): loaded on first use; Ctrl-C becomes CancelledError. */
export const askOnTerminal: Ask = (question, defaultValue) => (question.choices
  ? askChoice(question.message, question.choices, defaultValue)
  : askText(question.message, defaultValue));

export interface AnswerSources {
  /** Whether stdin and stdout are a terminal; asked only when an answer is missing or wrong and --yes is not given. */
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

/** What is wrong with one answer, and the value to offer (or suggest) instead. */
interface Problem {
  problem: string;
  suggestion?: string;
  /** The problem already names the value to use ("did you mean …?"). */
  named?: boolean;
}

async function askUntilValid(
  question: QuestionSpec, firstOffer: string, sources: AnswerSources, check: (value: string) => Problem | undefined,
): Promise<string> {
  let offer = firstOffer;
  for (;;) {
    const value = await sources.ask(question, offer);
    const bad = check(value);
    if (!bad) return value;
    sources.warn(`${bad.problem}; try again${bad.suggestion === undefined ? '' : ` (suggested: ${bad.suggestion})`}`);
    offer = bad.suggestion ?? question.defaultValue({});
  }
}

/** A value from a fixed list, with the near ones named and one offered: the nearest when only one is, else the default. */
function fromList(value: string, allowed: readonly string[], fallback: string, unknown: (near: string[]) => string): Problem | undefined {
  if (allowed.includes(value)) return undefined;
  const near = closest(value, allowed);
  return { problem: unknown(near), suggestion: near[0] ?? fallback, named: near.length > 0 };
}

function targetIncludesWindows(target: string | undefined): boolean {
  const entry = target === undefined ? undefined : findTarget(target);
  return entry?.kind === 'host' && entry.oses.includes('windows');
}

export async function resolveAnswers(options: CreateOptions, sources: AnswerSources): Promise<AnswersInput> {
  const given: Partial<Record<Key, string>> = {
    directory: options.directory,
    name: options.name,
    target: options.target,
    template: options.template,
    // The edition is asked on a terminal but, having a safe default, never demanded as a flag.
    edition: options.edition ?? (options.yes || sources.interactive() ? undefined : defaults.edition),
    // CI is off unless asked for: asked on a terminal, never demanded as a flag.
    ci: options.ci ?? (options.yes || sources.interactive() ? undefined : defaults.ci),
  };
  const answers: Partial<Record<Key, string>> = {};
  // Asked at most once: isatty loads node:tty, which a run with every answer right never needs.
  let terminal: boolean | undefined;
  const canAsk = () => (terminal ??= !options.yes && sources.interactive());

  const nameProblem = (name: string): Problem | undefined => {
    const verdict = checkName(name, targetIncludesWindows(answers.target ?? given.target));
    return verdict.problem === undefined ? undefined : { problem: verdict.problem, suggestion: verdict.suggestion };
  };
  const checks: Record<Key, (value: string) => Problem | undefined> = {
    directory: (value) => {
      const spelling = checkDirectory(value);
      if (spelling) return { problem: spelling, suggestion: defaults.directory };
      // With --yes nothing is asked: the write's own check words it (counting the files --force would replace).
      return options.yes ? undefined : directoryProblem(value, options.force);
    },
    name: nameProblem,
    target: (value) => fromList(value, catalogue.map((entry) => entry.id), defaults.target, () => unknownTarget(value)),
    template: (value) => fromList(value, templateNames, defaults.template,
      (near) => `--template must be one of ${templateNames.join(', ')} (got "${value}")${didYouMean(near)}`),
    edition: (value) => fromList(value, editions, defaults.edition,
      (near) => `--edition must be one of ${editions.join(', ')} (got "${value}")${didYouMean(near)}`),
    ci: (value) => fromList(value, ciProviders, defaults.ci,
      (near) => `--ci must be one of ${ciProviders.join(', ')} (got "${value}")${didYouMean(near)}`),
  };
  const question = (key: Key) => questions.find((entry) => entry.key === key)!;

  // Every answer given is checked before the first question: without a terminal a bad one ends the run here.
  // (A non-empty destination is left to the write's own check, which counts the files --force would replace.)
  for (const key of ['directory', 'name', 'target', 'template', 'edition', 'ci'] as const) {
    const value = given[key];
    if (value === undefined) continue;
    const bad = key === 'directory' ? (checkDirectory(value) ? checks.directory(value) : undefined) : checks[key](value);
    if (bad && !canAsk()) throw new AnswerError(key, bad.problem, bad.named ? undefined : bad.suggestion);
  }
  if (options.linkArgs === 'cargo-config' && given.target !== undefined && findTarget(given.target)?.kind === 'bare-metal') {
    throw new AnswerError('linkArgs', `link arguments in .cargo/config.toml apply to host targets only; ${given.target} takes its linker script from build.rs`, defaults.linkArgs);
  }

  const missing = questions.filter((entry) => entry.key !== 'name' && given[entry.key] === undefined);
  if (missing.length > 0 && !canAsk() && !options.yes) {
    const flags = missing.map((entry) => flagFor[entry.key]).join(', ');
    // `npm create freestanding x -y` gives the -y to npm, not to us.
    const fix = options.npmKeptYes
      ? `npm kept -y for itself; ${options.npmKeptYes}`
      : `pass ${missing.length > 1 ? 'them' : 'it'}, or --yes for the defaults`;
    throw new UsageError(`missing ${flags} and no terminal to ask on; ${fix}`);
  }

  /** A given answer, asked again at once when it is wrong; a missing one, asked or defaulted. */
  const settle = async (key: Key): Promise<string | undefined> => {
    const value = given[key];
    const check = checks[key];
    if (value !== undefined) {
      const bad = check(value);
      if (!bad) return value;
      // Only a destination problem or a name that Windows refuses gets here without a terminal: the write's check words them.
      if (!canAsk()) return value;
      sources.warn(`${bad.problem}; try again${bad.suggestion === undefined ? '' : ` (suggested: ${bad.suggestion})`}`);
      return askUntilValid(question(key), bad.suggestion ?? question(key).defaultValue(answers), sources, check);
    }
    if (key === 'name') return undefined;
    if (!canAsk()) return question(key).defaultValue(answers);
    return askUntilValid(question(key), question(key).defaultValue(answers), sources, check);
  };

  answers.directory = await settle('directory');
  answers.name = await settle('name');
  /** The crate name follows the directory unless given; asked when it cannot be one (for the target, once known). */
  const settleDerivedName = async () => {
    if (answers.name !== undefined || !canAsk()) return;
    const derived = nameForDirectory(answers.directory!).name;
    const base = basename(resolve(expandHome(answers.directory!)));
    const bad = nameProblem(base);
    if (!bad) return;
    sources.warn(`${bad.problem}; the crate needs another name`);
    answers.name = await askUntilValid(question('name'), bad.suggestion ?? derived, sources, nameProblem);
  };
  await settleDerivedName();
  answers.target = await settle('target');
  // A name fine elsewhere may be one Windows reserves (con, nul, …): asked again now that the target is known.
  if (answers.name !== undefined && nameProblem(answers.name) && canAsk()) {
    const bad = nameProblem(answers.name)!;
    sources.warn(`${bad.problem}; try again (suggested: ${bad.suggestion})`);
    answers.name = await askUntilValid(question('name'), bad.suggestion!, sources, nameProblem);
  }
  await settleDerivedName();
  answers.template = await settle('template');
  answers.edition = await settle('edition');
  answers.ci = await settle('ci');
  return {
    directory: answers.directory!,
    name: answers.name,
    target: answers.target,
    template: answers.template,
    edition: answers.edition,
    linkArgs: options.linkArgs,
    ci: answers.ci,
  };
}
