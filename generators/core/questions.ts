/**
 * The generator's questions, defined once from the catalogue: the CLI asks
 * them with @inquirer/prompts, the plop pack with plop's inquirer.
 */
import { catalogue, editions, programTemplates, templateNames, type Edition, type TemplateName } from './catalogue.js';

export interface Choice {
  name: string;
  value: string;
  description?: string;
}

/** A question the generator may ask: the CLI asks it with @inquirer/prompts, plop with its inquirer. */
export interface QuestionSpec {
  key: 'directory' | 'target' | 'template' | 'edition';
  flag: string;
  message: string;
  defaultValue: string;
  choices?: Choice[];
}

export const defaults = {
  directory: 'freestanding-app',
  target: 'host',
  template: 'hello' as TemplateName,
  edition: '2024' as Edition,
  linkArgs: 'build-rs',
} as const;

export const questions: QuestionSpec[] = [
  { key: 'directory', flag: '[directory]', message: 'Project directory', defaultValue: defaults.directory },
  {
    key: 'target', flag: '--target', message: 'Target', defaultValue: defaults.target,
    choices: catalogue.map((target) => ({ name: target.id, value: target.id, description: target.description })),
  },
  {
    key: 'template', flag: '--template', message: 'Template', defaultValue: defaults.template,
    choices: templateNames.map((name) => ({ name, value: name, description: programTemplates[name].description })),
  },
  {
    key: 'edition', flag: '--edition', message: 'Rust edition', defaultValue: defaults.edition,
    choices: [...editions].reverse().map((year) => ({ name: year, value: year })),
  },
];

