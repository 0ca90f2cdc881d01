/**
 * Options → complete answers: flags win, then prompts (only on a terminal and
 * only for what is missing), then defaults (with --yes). The prompt library is
 * imported only when a prompt is really shown, which keeps the flag path fast.
 */
import { basename } from 'node:path';
import { findTarget, type Edition, type TemplateName } from '../core/catalogue.js';
import { defaults, questions, type QuestionSpec } from '../core/questions.js';
import type { CreateOptions } from './args.js';
import { checkCrateName } from '../core/crate-name.js';
import { resolveDestination } from '../io/paths.js';
import { CancelledError, UsageError } from '../core/errors.js';
import type { Answers } from '../core/plan.js';

/** Asks one question; resolves to the answer. */
export type Ask = (question: QuestionSpec) => Promise<string>;

/** The terminal prompt, loaded on first use. Ctrl-C becomes CancelledError. */
export const askOnTerminal: Ask = async (question) => {
  const { input, select } = await import('@inquirer/prompts');
  try {
    if (question.choices) {
      return await select({ message: question.message, choices: question.choices, default: question.defaultValue });
    }
    return await input({ message: question.message, default: question.defaultValue });
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new CancelledError();
    throw error;
  }
};

function nameFromDirectory(directory: string): string {
  return basename(resolveDestination(directory));
}

export interface AnswerSources {
  /** True when stdin and stdout are a terminal. */
  interactive: boolean;
  ask: Ask;
}

export async function resolveAnswers(options: CreateOptions, sources: AnswerSources): Promise<Answers> {
  const given: Partial<Record<QuestionSpec['key'], string>> = {
    directory: options.directory,
    target: options.target,
    template: options.template,
    // The edition is asked on a terminal but, having a safe default, never demanded as a flag.
    edition: options.edition ?? (options.yes || sources.interactive ? undefined : defaults.edition),
  };
  const missing = questions.filter((question) => given[question.key] === undefined);
  if (missing.length > 0 && !options.yes && !sources.interactive) {
    const flags = missing.map((question) => question.flag).join(', ');
    throw new UsageError(`missing ${flags} and no terminal to ask on; pass ${missing.length > 1 ? 'them' : 'it'}, or --yes for the defaults`);
  }
  const answered: Record<string, string> = {};
  for (const question of questions) {
    answered[question.key] = given[question.key]
      ?? (options.yes ? question.defaultValue : await sources.ask(question));
  }
  const target = findTarget(answered.target);
  if (!target) throw new UsageError(`unknown target "${answered.target}"; see --list-targets`);
  if (options.linkArgs === 'cargo-config' && target.kind !== 'host') {
    throw new UsageError(`--link-args applies to host targets only; ${target.id} takes its linker script from build.rs`);
  }
  const directory = answered.directory;
  if (directory.trim() === '') throw new UsageError('the project directory cannot be empty');
  const name = options.name ?? nameFromDirectory(directory);
  const verdict = checkCrateName(name, { windows: target.kind === 'host' && target.oses.includes('windows') });
  if (verdict.problem) {
    const how = options.name === undefined ? 'pass --name' : 'use --name';
    throw new UsageError(`invalid crate name: ${verdict.problem}; ${how} ${verdict.suggestion}`);
  }
  if (verdict.warning) console.error(`create-freestanding: warning: ${verdict.warning}`);
  return {
    directory,
    name,
    target: answered.target,
    template: answered.template as TemplateName,
    edition: answered.edition as Edition,
    linkArgs: options.linkArgs ?? defaults.linkArgs,
  };
}
