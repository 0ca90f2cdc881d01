/**
 * Errors the front ends word for their users; anything else is a bug.
 * The core never names a CLI flag or a plop option: it says which answer is
 * wrong (`field`) and what would be right, and each front end adds its way out.
 */

/** Bad input: names the fix. Exit 1. */
export class UsageError extends Error {
  // Each class names itself (not Error's "Error"), as logs and `error.name` checks show it; a string, since bundlers may rename classes.
  override name: string = 'UsageError';
  readonly exitCode: number = 1;
}

/** The user pressed Ctrl-C at a prompt. Exit 130, like a shell. */
export class CancelledError extends Error {
  override name: string = 'CancelledError';
  readonly exitCode: number = 130;
  constructor() {
    super('cancelled; nothing was written');
  }
}

export type AnswerField = 'directory' | 'name' | 'target' | 'template' | 'edition' | 'linkArgs' | 'ci';

/** One answer cannot be used. `message` says why without naming a flag; `suggestion` is a valid value, when there is one. */
export class AnswerError extends UsageError {
  override name: string = 'AnswerError';
  constructor(readonly field: AnswerField, message: string, readonly suggestion?: string) {
    super(message);
  }
}

/** The destination holds files and overwriting was not allowed. */
export class DestinationNotEmptyError extends UsageError {
  override name: string = 'DestinationNotEmptyError';
  constructor(readonly directory: string, readonly generatedFiles: number) {
    super(`${directory} is not empty`);
  }
}
