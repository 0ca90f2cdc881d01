/**
 * The generator's questions, defined once from the catalogue: the CLI asks
 * them with @inquirer/prompts, the plop pack with plop's inquirer.
 */
import { checkDirectory, checkName, defaults, nameForDirectory } from './answers.js';
import { catalogue, editions, programTemplates, templateNames } from './catalogue.js';
import { ciDescriptions, ciProviders } from './ci.js';

export interface Choice {
  name: string;
  value: string;
  description?: string;
}

type Key = 'directory' | 'name' | 'target' | 'template' | 'edition' | 'ci';

/** A question the generator may ask: the CLI asks it with @inquirer/prompts, plop with its inquirer. */
export interface QuestionSpec {
  key: Key;
  message: string;
  /** The default, which may follow from earlier answers (the crate name from the directory). */
  defaultValue: (earlier: Partial<Record<Key, string>>) => string;
  choices?: Choice[];
  /** Checked as soon as it is answered, so a prompt can ask again at once: the problem, or undefined. */
  validate?: (value: string) => string | undefined;
}

export const questions: QuestionSpec[] = [
  {
    key: 'directory', message: 'Project directory', defaultValue: () => defaults.directory,
    validate: checkDirectory,
  },
  {
    key: 'name', message: 'Crate name',
    defaultValue: (earlier) => nameForDirectory(earlier.directory ?? defaults.directory).name,
    validate: (name) => checkName(name).problem,
  },
  {
    key: 'target', message: 'Target', defaultValue: () => defaults.target,
    choices: catalogue.map((target) => ({ name: target.id, value: target.id, description: target.description })),
  },
  {
    key: 'template', message: 'Template', defaultValue: () => defaults.template,
    choices: templateNames.map((name) => ({ name, value: name, description: programTemplates[name].description })),
  },
  {
    key: 'edition', message: 'Rust edition', defaultValue: () => defaults.edition,
    choices: [...editions].reverse().map((year) => ({ name: year, value: year })),
  },
  {
    key: 'ci', message: 'Continuous integration', defaultValue: () => defaults.ci,
    choices: ciProviders.map((provider) => ({ name: provider, value: provider, description: ciDescriptions[provider] })),
  },
];
