/**
 * The plop pack. In a monorepo's plopfile:
 *   await plop.load('create-freestanding');                                   // the "freestanding" generator
 *   await plop.load('create-freestanding', { templates: './course-templates' }); // with your own templates laid over ours
 * In this repository, `npm run plop` builds it and runs it through plop's own CLI
 * (plop is a devDependency), writing into the folder you run it from.
 * It runs the same core as the CLI; files are rendered by our own strict,
 * non-escaping Handlebars, not plop's.
 */
import { isAbsolute, resolve } from 'node:path';
import type { NodePlopAPI } from 'node-plop';
import { questions } from './generators/core/questions.js';
import { scaffold, type ScaffoldResult } from './generators/scaffold.js';
import { AnswerError, DestinationNotEmptyError, UsageError } from './generators/core/errors.js';
import { escapeControls, showText } from './generators/core/shell.js';

export const generatorName = 'freestanding';
const generatorDescription = 'A freestanding Rust binary (#![no_std], #![no_main]) for a host OS or a bare-metal target';

/** Options of `plop.load('create-freestanding', options)`. */
export interface PackOptions {
  /** A folder laid over the built-in templates (same relative paths replace; others are added). */
  templates?: string;
}

type PlopAnswers = Partial<Record<'directory' | 'name' | 'target' | 'template' | 'edition', string>>;

/** The core's errors in plop's terms: answers and plop's flags, never the CLI's. */
function wordForPlop(error: unknown): Error {
  if (error instanceof DestinationNotEmptyError) {
    return new Error(`${showText(error.directory)} is not empty; choose a new directory, or run plop with --force to overwrite only the ${error.generatedFiles} files it generates (nothing is deleted)`);
  }
  if (error instanceof AnswerError) {
    return new Error(escapeControls(`${error.message}${error.suggestion ? `; answer ${error.field} with e.g. "${error.suggestion}"` : ''}`));
  }
  if (error instanceof UsageError) return new Error(escapeControls(error.message));
  return error instanceof Error ? error : new Error(String(error));
}

/** Paths and names shown with control characters escaped, so a directory's name cannot forge lines. */
function summary(result: ScaffoldResult): string {
  const lines = [`${result.files.length} files in ${showText(result.directory)}`];
  if (result.workspace?.added) lines.push(`added "${escapeControls(result.workspace.member)}" to workspace.members in ${showText(result.workspace.manifest)}`);
  for (const note of result.notes) lines.push(`note: ${escapeControls(note)}`);
  lines.push('next steps:', ...result.nextSteps.map((step) => `  ${escapeControls(step)}`));
  return lines.join('\n');
}

export default function freestandingPlopPack(plop: NodePlopAPI, options: PackOptions = {}): void {
  plop.setGenerator(generatorName, {
    description: generatorDescription,
    prompts: questions.map((question) => ({
      type: question.choices ? 'list' : 'input',
      name: question.key,
      message: question.message,
      default: (earlier: PlopAnswers) => question.defaultValue(earlier),
      ...(question.choices ? {
        // plop's list shows names only: put the description beside each id.
        choices: question.choices.map(({ name, value, description }) => ({ name: description ? `${name}  ${description}` : name, value, short: name })),
      } : {}),
      ...(question.validate ? { validate: (value: string) => question.validate!(value) ?? true } : {}),
    })),
    actions: [
      async (raw, config) => {
        const answers = raw as PlopAnswers;
        const directory = answers.directory === undefined || isAbsolute(answers.directory)
          ? answers.directory : resolve(plop.getDestBasePath(), answers.directory);
        try {
          // plop's --force reaches actions as their config's `force`.
          const result = await scaffold({ ...answers, directory: directory ?? '' }, {
            force: Boolean((config as { force?: boolean } | undefined)?.force),
            templates: options.templates && resolve(plop.getDestBasePath(), options.templates),
          });
          return summary(result);
        } catch (error) {
          throw wordForPlop(error);
        }
      },
    ],
  });
}
