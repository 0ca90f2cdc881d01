/**
 * Commands safe to paste: a directory in the next steps is quoted so that no
 * shell runs anything in it ($(…), backticks, !, globs) and `cd` does not read
 * it as an option. One form works in bash, zsh and fish alike: safe runs in
 * single quotes, and `'` and `\` outside them as `\'` and `\\` (fish reads
 * `\'` and `\\` as escapes inside single quotes, POSIX shells do not).
 * Windows gets PowerShell quoting.
 */

const plain = /^[A-Za-z0-9_./,+:@-]+$/;

/** `path` as one word for bash, zsh and fish. Control characters (a newline) become `?`, which only bash and zsh match. */
export function posixWord(path: string): string {
  if (path !== '' && plain.test(path)) return path;
  let word = '';
  let run = '';
  const flush = () => {
    if (run !== '') word += `'${run}'`;
    run = '';
  };
  for (const ch of path) {
    if (ch === "'" || ch === '\\') {
      flush();
      word += `\\${ch}`;
    } else if (/[\u0000-\u001f\u007f]/.test(ch)) {
      flush();
      word += '?';
    } else run += ch;
  }
  flush();
  return word === '' ? "''" : word;
}

/** `path` as a PowerShell literal: single quotes, every kind of single quote doubled. */
export function powerShellWord(path: string): string {
  return `'${path.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote)}'`;
}

/** The command that changes into `directory` in the usual shell of `platform`. */
export function cdCommand(directory: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `Set-Location -LiteralPath ${powerShellWord(directory)}`;
  // `~` stays unquoted so the shell expands it, as it did when the user typed it.
  if (directory === '~') return 'cd ~';
  if (directory.startsWith('~/')) return `cd ~/${posixWord(directory.slice(2))}`;
  // A leading "-" would be read as an option; "./" keeps it a path (for a relative one).
  const path = directory.startsWith('-') ? `./${directory}` : directory;
  return `cd ${posixWord(path)}`;
}
