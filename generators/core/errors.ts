/** Errors the CLI turns into one line on stderr and an exit status; anything else is a bug. */

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
