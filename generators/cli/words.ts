/** The core's errors in the command line's terms: each answer's flag and the way out. */
import { AnswerError, DestinationNotEmptyError, type AnswerField } from '../core/errors.js';

export const flagFor: Record<AnswerField, string> = {
  directory: '[directory]',
  name: '--name',
  target: '--target',
  template: '--template',
  edition: '--edition',
  linkArgs: '--link-args',
  ci: '--ci',
};

/** One line for stderr, or undefined when the error is not the user's to fix. */
export function wordForCli(error: unknown): string | undefined {
  if (error instanceof DestinationNotEmptyError) {
    return `${error.directory} is not empty; choose a new directory, or pass --force to overwrite only the ${error.generatedFiles} files it generates (nothing is deleted)`;
  }
  if (error instanceof AnswerError) {
    const flag = flagFor[error.field];
    const fix = error.suggestion === undefined ? '' : `; ${error.field === 'directory' ? 'give a directory such as' : `use ${flag}`} ${error.suggestion}`;
    return `${error.message}${fix}`;
  }
  return undefined;
}
