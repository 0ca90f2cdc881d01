/**
 * How a command ends, for every front end that is a process (the create
 * command, the course): signals end it with 130/143/129 and a true message;
 * an expected failure is one line on stderr (or one JSON object on stdout with
 * --json) and a non-zero status; anything else is an internal error, 70.
 */
import { CancelledError, UsageError } from '../core/errors.js';
import { escapeControls } from '../core/shell.js';
import { asUsageError } from '../io/fs-errors.js';
import { exitOnSignals } from '../io/signals.js';
import { print, printError } from '../io/output.js';
import { wordForCli } from './words.js';

/** One line on stderr, or with --json one object on stdout; then the exit status. */
function fail(json: boolean, message: string, exitCode: number): void {
  if (json) print(JSON.stringify({ ok: false, error: message, exitCode }));
  // One line, whatever a message quotes (an error may name a path raw): controls shown escaped.
  else printError(`create-freestanding: ${exitCode === 70 ? message : escapeControls(message)}`);
  process.exitCode = exitCode;
}

/** Runs `main` as the process's command: its result is the exit status. */
export function runCommand(argv: string[], main: (argv: string[]) => Promise<number>): void {
  const json = argv.includes('--json');
  exitOnSignals((message, exitCode) => {
    fail(json, message, exitCode);
    process.exit(exitCode);
  });
  main(argv).then(
    (code) => { process.exitCode = code; },
    (raw: unknown) => {
      const error = asUsageError(raw);
      const words = wordForCli(error);
      if (words !== undefined) fail(json, words, (error as UsageError).exitCode);
      else if (error instanceof UsageError || error instanceof CancelledError) fail(json, error.message, error.exitCode);
      else fail(json, `internal error: ${(error as Error).stack ?? String(error)}`, 70);
    },
  );
}
