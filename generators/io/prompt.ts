/**
 * The terminal's questions (Inquirer), for the create command and the course
 * alike: loaded on first use, so the flag path never loads them; Ctrl-C at a
 * prompt becomes CancelledError (exit 130, nothing written).
 */
import { CancelledError } from '../core/errors.js';

/**
 * Whether questions can be asked: stdin and stdout are terminals. isatty, not
 * process.stdin.isTTY, which builds a stdin stream; node:tty (it loads node:net)
 * only when this is called, which the flag path never does.
 */
export function onTerminal(): boolean {
  const { isatty } = process.getBuiltinModule('node:tty');
  return isatty(0) && isatty(1);
}

async function cancellable<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new CancelledError();
    throw error;
  }
}

/** One of `choices`; Enter takes `fallback`. */
export async function askChoice<T extends string>(message: string, choices: readonly { value: T; name: string; description?: string }[], fallback: T): Promise<T> {
  const { select } = await import('@inquirer/prompts');
  return cancellable(() => select({ message, choices: [...choices], default: fallback }));
}

/** A line of text; Enter takes `fallback`. `required`: an empty answer is asked again. */
export async function askText(message: string, fallback?: string, required = false): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return cancellable(() => input({ message, default: fallback, required }));
}
