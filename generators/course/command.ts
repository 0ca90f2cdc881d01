/** A step's command line, as the course writes it: words, not a shell. */
import { UsageError } from '../core/errors.js';

/** Splits a command as a POSIX shell would for plain words, '…' and "…" (no expansion). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const char = command[i];
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && (command[i + 1] === '"' || command[i + 1] === '\\')) current += command[++i];
      else current += char;
    } else if (char === '"' || char === "'") { quote = char; inWord = true; }
    else if (/\s/.test(char)) { if (inWord) words.push(current); current = ''; inWord = false; }
    else { current += char; inWord = true; }
  }
  if (quote) throw new UsageError(`unterminated ${quote} in command: ${command}`);
  if (inWord) words.push(current);
  return words;
}
