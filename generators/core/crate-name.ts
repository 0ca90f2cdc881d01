/**
 * Crate names as cargo decides them (`cargo new`, cargo 1.95/1.96): refused
 * where cargo refuses, warned where cargo warns (in one line), plus what
 * cargo accepts but cannot build here: names too long for the files rustc
 * writes, and Windows device names when the target includes Windows.
 */

// Keywords cargo refuses as package names (its `restricted_names::is_keyword`); `gen` is not among them.
const rustKeywords = new Set([
  'abstract', 'as', 'async', 'await', 'become', 'box', 'break', 'const', 'continue', 'crate', 'do',
  'dyn', 'else', 'enum', 'extern', 'false', 'final', 'fn', 'for', 'if', 'impl', 'in', 'let',
  'loop', 'macro', 'match', 'mod', 'move', 'mut', 'override', 'priv', 'pub', 'ref', 'return',
  'self', 'Self', 'static', 'struct', 'super', 'trait', 'true', 'try', 'type', 'typeof', 'unsafe',
  'unsized', 'use', 'virtual', 'where', 'while', 'yield',
]);
/** Cargo warns for these; the generated library is named `<name>_lib` so `core::` still means the built-in crate. */
const standardLibraryNames = new Set(['core', 'std', 'alloc', 'proc_macro', 'proc-macro']);
const buildDirectoryNames = new Set(['deps', 'examples', 'build', 'incremental']);
const windowsDeviceName = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/**
 * The longest name whose project builds: rustc writes `lib<name>-<16 hex>.rlib`
 * and `<name>-<16 hex>.<name>.<hash>-cgu.0.rcgu.o`-style files whose names must
 * fit in 255 bytes: 227 builds, 228 fails to link (measured on ext4 with cargo 1.95, test/crate-names.test.ts).
 */
export const maxCrateNameLength = 227;

export interface CrateNameCheck {
  /** Why the name cannot be used; undefined when it can. */
  problem?: string;
  /** What cargo would warn about (one line), for a name that can be used. */
  warning?: string;
  /** A valid name close to the given one (the name itself when it has no problem). */
  suggestion: string;
}

function problemOf(name: string, windows: boolean): string | undefined {
  if (name.length === 0) return 'a crate name cannot be empty';
  if (rustKeywords.has(name)) return `"${name}" is a Rust keyword`;
  if (name === 'test') return `"${name}" conflicts with Rust's built-in test library`;
  if (buildDirectoryNames.has(name)) return `"${name}" conflicts with cargo's build directory names`;
  if (/^[0-9]/.test(name)) return `"${name}" starts with a digit`;
  const bad = [...name].find((ch) => !/[\p{XID_Continue}-]/u.test(ch));
  if (bad !== undefined) return `"${name}" contains ${JSON.stringify(bad)}; use letters, digits, "-" and "_"`;
  if (!/^[\p{XID_Start}_]/u.test(name)) return `"${name}" must start with a letter or "_"`;
  // Cargo accepts both, but the binary cannot use the library: `use _ as app;` is not Rust, and
  // cargo refuses a non-ASCII name in `--extern` ("not a valid ASCII identifier").
  if (name === '_') return '"_" alone cannot name the library the binary uses';
  if (/[^\x00-\x7f]/.test(name)) return `"${name}" contains non-ASCII characters, which cargo cannot pass to the binary as a library name`;
  if (Buffer.byteLength(name) > maxCrateNameLength) {
    return `"${name.slice(0, 20)}…" is ${name.length} characters long; the files rustc names after it break the build beyond ${maxCrateNameLength}`;
  }
  if (windows && windowsDeviceName.test(name)) return `"${name}" is a reserved Windows file name, and the target includes Windows`;
  return undefined;
}

function warningOf(name: string): string | undefined {
  if (standardLibraryNames.has(name)) return `package name "${name}" may be confused with the package with that name in Rust's standard library`;
  if (windowsDeviceName.test(name)) return `package name "${name}" is a reserved Windows file name; this package will not work on Windows`;
  if (name !== name.toLowerCase()) return `package name "${name}" is not snake_case or kebab-case, which is recommended for package names; consider "${name.toLowerCase()}"`;
  return undefined;
}

function suggest(raw: string, windows: boolean): string {
  let name = raw
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, maxCrateNameLength - 4)
    .replace(/-+$/, '');
  if (name === '') return 'freestanding-app';
  if (/^[0-9]/.test(name)) name = `app-${name}`;
  if (problemOf(name, windows) !== undefined) name = `${name}-app`;
  return problemOf(name, windows) === undefined ? name : 'freestanding-app';
}

/** The verdict on `name` as a package name for a target that does (windows: true) or does not include Windows. */
export function checkCrateName(name: string, options: { windows: boolean }): CrateNameCheck {
  const problem = problemOf(name, options.windows);
  if (problem) return { problem, suggestion: suggest(name, options.windows) };
  const warning = warningOf(name);
  return warning ? { warning, suggestion: name } : { suggestion: name };
}
