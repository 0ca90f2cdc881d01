/**
 * Errors the front ends word for their users; anything else is a bug.
 * The core never names a CLI flag or a plop option: it says which answer is
 * wrong (`field`) and what would be right, and each front end adds its way out.
 */

/** Bad input: names the fix. Exit 1. */
export class UsageError extends Error {
  readonly exitCode: number = 1;
}

/** The user pressed Ctrl-C at a prompt. Exit 130, like a shell. */
export class CancelledError extends Error {
  readonly exitCode: number = 130;
  constructor() {
    super('cancelled; nothing was written');
  }
}

export type AnswerField = 'directory' | 'name' | 'target' | 'template' | 'edition' | 'linkArgs';

/** One answer cannot be used. `message` says why without naming a flag; `suggestion` is a valid value, when there is one. */
export class AnswerError extends UsageError {
  constructor(readonly field: AnswerField, message: string, readonly suggestion?: string) {
    super(message);
  }
}

/** The destination holds files and overwriting was not allowed. */
export class DestinationNotEmptyError extends UsageError {
  constructor(readonly directory: string, readonly generatedFiles: number) {
    super(`${directory} is not empty`);
  }
}
