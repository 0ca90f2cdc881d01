/**
 * Commands safe to paste, and names safe to print. A directory in the next
 * steps is quoted so that no shell runs anything in it ($(…), backticks, !,
 * globs) and `cd` does not read it as an option or look it up in CDPATH. One
 * form works in bash, zsh and fish alike: safe runs in single quotes, and `'`
 * and `\` outside them as `\'` and `\\` (fish reads `\'` and `\\` as escapes
 * inside single quotes, POSIX shells do not). Windows gets PowerShell quoting.
 */

const plain = /^[A-Za-z0-9_./,+:@-]+$/;

/**
 * Characters a terminal acts on or that hide text: C0 (newline, CR, tab, ESC…),
 * DEL, C1, the Unicode line and paragraph separators and the bidi controls
 * (which reorder what is shown, as in "Trojan source").
 */
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const hasControls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeOne = (ch: string) => escapes[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every control character written as a visible escape (`\n`, `\u001b`), so it cannot forge lines or drive the terminal. */
export function escapeControls(text: string): string {
  return text.replace(controls, escapeOne);
}

/** A path or name for a message: as is when it is printable, else double-quoted with its backslashes, quotes and controls escaped. */
export function showText(text: string): string {
  if (!hasControls.test(text)) return text;
  return `"${text.replace(/["\\]/g, (ch) => `\\${ch}`).replace(controls, escapeOne)}"`;
}

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
    } else if (hasControls.test(ch)) {
      // Also the separators and bidi controls: the printed line must show what runs.
      flush();
      word += '?';
    } else run += ch;
  }
  flush();
  return word === '' ? "''" : word;
}

/** `path` as a PowerShell literal: single quotes, every kind of single quote doubled; controls as `?` (a wildcard -LiteralPath does not expand, so such a name is shown, not reached). */
export function powerShellWord(path: string): string {
  return `'${path.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote).replace(controls, '?')}'`;
}

/** The command that changes into `directory` in the usual shell of `platform`. */
export function cdCommand(directory: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `Set-Location -LiteralPath ${powerShellWord(directory)}`;
  // `~` stays unquoted so the shell expands it, as it did when the user typed it.
  if (directory === '~') return 'cd ~';
  if (directory.startsWith('~/')) return `cd ~/${posixWord(directory.slice(2))}`;
  // A relative path not starting with . or .. is looked up in CDPATH by bash, zsh and fish
  // (`cd x` could land in $CDPATH/x), and a leading "-" or "+" would be read as an option or a
  // directory-stack entry: "./" makes it a plain path for all of them.
  const path = directory.startsWith('/') || /^\.\.?(\/|$)/.test(directory) ? directory : `./${directory}`;
  return `cd ${posixWord(path)}`;
}
