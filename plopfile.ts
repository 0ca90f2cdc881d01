/**
 * The plop pack. In a monorepo's plopfile:
 *   await plop.load('create-freestanding');                                   // the "freestanding" generator
 *   await plop.load('create-freestanding', { templates: './course-templates' }); // with your own templates laid over ours
 * In this repository, `npm run plop` builds it and runs it through plop's own CLI
 * (plop is a devDependency), writing into the folder you run it from.
 * It runs the same core as the CLI; files are rendered by our own strict,
 * non-escaping Handlebars, not plop's.
 *
 * node-plop is the plop user's package, not ours: the few of its types used
 * here are declared below, so that our declarations type-check without it.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { expandHome } from './generators/core/answers.js';
import { questions } from './generators/core/questions.js';
import { scaffold, shownResult, type ScaffoldResult } from './generators/scaffold.js';
import { AnswerError, DestinationNotEmptyError, UsageError } from './generators/core/errors.js';
import { escapeControls, showText } from './generators/core/shell.js';

export const generatorName = 'freestanding';
const generatorDescription = 'A freestanding Rust binary (#![no_std], #![no_main]) for a host OS or a bare-metal target';

/**
 * Options of `plop.load('create-freestanding', options)`. In a plopfile.ts,
 * give them as a `PackOptions` (`const options: PackOptions = { templates }`):
 * node-plop types load's options as its own `PlopCfg`, which has no `templates`.
 */
export interface PackOptions {
  /** A folder laid over the built-in templates (same relative paths replace; others are added), relative to the destination. */
  templates?: string;
  /** node-plop's own: where relative directories resolve (default: plop's `--dest`, else the plopfile's folder). */
  destBasePath?: string;
  /** node-plop's own: overwrite on every run. Leave it out; plop's `--force`/`-f` reaches the pack. */
  force?: boolean;
}

/** The part of node-plop's plopfile API (`NodePlopAPI`) the pack uses. */
export interface PlopfileApi {
  setGenerator(name: string, config: object): unknown;
  getDestBasePath(): string;
}

type PlopAnswers = Partial<Record<(typeof questions)[number]['key'], string>>;

/** The core's errors in plop's terms: answers and plop's flags, never the CLI's. */
function wordForPlop(error: unknown, atPrompt = false): Error {
  if (error instanceof DestinationNotEmptyError) {
    // At the directory prompt the template is not chosen yet, so the count is not known.
    const files = atPrompt ? 'the files' : `the ${error.generatedFiles} files`;
    return new Error(`${showText(error.directory)} is not empty; choose a new directory, or run plop with --force to overwrite only ${files} it generates (nothing is deleted)`);
  }
  if (error instanceof AnswerError) {
    return new Error(escapeControls(`${error.message}${error.suggestion ? `; answer ${error.field} with e.g. "${error.suggestion}"` : ''}`));
  }
  if (error instanceof UsageError) return new Error(escapeControls(error.message));
  return error instanceof Error ? error : new Error(String(error));
}

/** plop prints what an action returns: the result in its lines (paths and names escaped by shownResult). */
function summary(result: ScaffoldResult): string {
  const { addedTo, notes, nextSteps } = shownResult(result);
  const lines = [`${result.files.length} files in ${showText(result.directory)}`];
  if (addedTo) lines.push(`added ${addedTo}`);
  lines.push(...notes.map((note) => `note: ${note}`), 'next steps:', ...nextSteps);
  return lines.join('\n');
}

/** Whether this process is plop's own command (its bin, however launched: npx, .bin link, global). */
function runByPlopCommand(): boolean {
  try {
    let dir = dirname(realpathSync(process.argv[1] ?? ''));
    for (;;) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'plop';
      if (dirname(dir) === dir) return false;
      dir = dirname(dir);
    }
  } catch {
    return false;
  }
}

/**
 * plop's `--force`/`-f`, anywhere before `--`. node-plop's load() runs a
 * loaded pack's actions with the pack's own options, never the command's
 * force, so it is read where plop reads it: process.argv, parsed with the
 * options of plop 4's src/args.js (so `--dest x` or `-tf` parse alike).
 */
export function plopCommandForce(): boolean {
  if (!runByPlopCommand()) return false;
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      cwd: { type: 'string' }, preload: { type: 'string', multiple: true }, plopfile: { type: 'string' },
      completion: { type: 'string' }, progress: { type: 'boolean' }, dest: { type: 'string' },
      force: { type: 'boolean', short: 'f' }, 'show-type-names': { type: 'boolean', short: 't' },
      help: { type: 'boolean', short: 'h' }, init: { type: 'boolean', short: 'i' }, 'init-ts': { type: 'boolean' },
      version: { type: 'boolean', short: 'v' },
    },
    strict: false,
    allowPositionals: true,
  });
  return values.force === true;
}

export default function freestandingPlopPack(plop: PlopfileApi, options: PackOptions = {}): void {
  // `~` and `~/x` as a shell would expand them (plop passes answers on verbatim), then relative to plop's destination.
  const destination = (directory: string) => {
    const expanded = expandHome(directory);
    return isAbsolute(expanded) ? expanded : resolve(plop.getDestBasePath(), expanded);
  };
  // Force given to the action (load options, or an action config) or on plop's command line.
  const forced = (config: { force?: boolean } | undefined) => Boolean(config?.force) || plopCommandForce();

  /** The directory prompt, checked as the CLI checks it: spelling, then the destination as a dry run sees it. */
  const validateDirectory = async (value: string): Promise<string | true> => {
    const spelling = questions.find((question) => question.key === 'directory')?.validate?.(value);
    if (spelling) return spelling;
    try {
      await scaffold({ directory: destination(value), name: 'freestanding-app' }, { dryRun: true, force: forced(options) });
      return true;
    } catch (error) {
      if (error instanceof DestinationNotEmptyError || (error instanceof AnswerError && error.field === 'directory')) return wordForPlop(error, true).message;
      // Anything else concerns other answers; the run reports it.
      return true;
    }
  };

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
      ...(question.key === 'directory' ? { validate: validateDirectory }
        : question.validate ? { validate: (value: string) => question.validate!(value) ?? true } : {}),
    })),
    actions: [
      async (raw: unknown, config: { force?: boolean } | undefined) => {
        const answers = raw as PlopAnswers;
        try {
          const result = await scaffold({ ...answers, directory: answers.directory === undefined ? '' : destination(answers.directory) }, {
            force: forced(config),
            templates: options.templates && resolve(plop.getDestBasePath(), expandHome(options.templates)),
          });
          return summary(result);
        } catch (error) {
          throw wordForPlop(error);
        }
      },
    ],
  });
}
