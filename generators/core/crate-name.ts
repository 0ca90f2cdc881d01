/** Crate names as `cargo new` accepts them, with a valid suggestion when not. */

// Keywords of every edition (strict and reserved), as cargo's `restricted_names` lists them.
const rustKeywords = new Set([
  'abstract', 'as', 'async', 'await', 'become', 'box', 'break', 'const', 'continue', 'crate', 'do',
  'dyn', 'else', 'enum', 'extern', 'false', 'final', 'fn', 'for', 'gen', 'if', 'impl', 'in', 'let',
  'loop', 'macro', 'match', 'mod', 'move', 'mut', 'override', 'priv', 'pub', 'ref', 'return',
  'self', 'Self', 'static', 'struct', 'super', 'trait', 'true', 'try', 'type', 'typeof', 'unsafe',
  'unsized', 'use', 'virtual', 'where', 'while', 'yield',
]);
const builtinLibraries = new Set(['core', 'std', 'alloc', 'proc_macro', 'proc-macro', 'test']);
const buildDirectoryNames = new Set(['deps', 'examples', 'build', 'incremental']);

/** Why `name` is not a valid crate name, or undefined when it is. */
export function crateNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a crate name cannot be empty';
  if (rustKeywords.has(name)) return `"${name}" is a Rust keyword`;
  if (builtinLibraries.has(name)) return `"${name}" conflicts with Rust's built-in library of that name`;
  if (buildDirectoryNames.has(name)) return `"${name}" conflicts with cargo's build directory names`;
  if (/^[0-9]/.test(name)) return `"${name}" starts with a digit`;
  const bad = [...name].find((ch) => !/[\p{XID_Continue}-]/u.test(ch));
  if (bad !== undefined) return `"${name}" contains "${bad}"; use letters, digits, "-" and "_"`;
  if (!/^[\p{XID_Start}_]/u.test(name)) return `"${name}" must start with a letter or "_"`;
  return undefined;
}

/** A valid name close to `raw` (lowercase, dashes), e.g. "My OS!" → "my-os". */
export function suggestCrateName(raw: string): string {
  let name = raw
    .toLowerCase()
    .replace(/[^\p{XID_Continue}-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|-+$/g, '');
  if (name === '' ) return 'freestanding-app';
  if (/^[0-9]/.test(name)) name = `app-${name}`;
  if (crateNameProblem(name) !== undefined) name = `${name}-app`;
  return crateNameProblem(name) === undefined ? name : 'freestanding-app';
}
