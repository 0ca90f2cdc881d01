/**
 * Where a key of a TOML document is written: the line of `steps[3].why`, so
 * that an error names the line an author edits. The TOML parser gives values
 * only, so the headers (`[course]`, `[[steps]]`, `[[steps.diagnostics]]`) and
 * `key =` lines are read again here, counting array tables as the parser does.
 * A key inside an inline table is found at the line of the table's key.
 */
import type { SchemaPath } from './schema.js';

/** Dotted key parts: bare, "basic" or 'literal'. */
function keyParts(text: string): string[] | undefined {
  const parts: string[] = [];
  const part = /\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*/y;
  let at = 0;
  for (;;) {
    part.lastIndex = at;
    const found = part.exec(text);
    if (!found) return undefined;
    parts.push(found[1] ?? found[2] ?? found[3]);
    at = part.lastIndex;
    if (at === text.length) return parts;
    if (text[at] !== '.') return undefined;
    at += 1;
  }
}

const key = (path: SchemaPath) => JSON.stringify(path);

/** Every header's and key's path, with its 1-based line. */
function locate(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const counts = new Map<string, number>();
  let table: SchemaPath = [];
  let inString: string | undefined;
  text.split('\n').forEach((line, index) => {
    const number = index + 1;
    if (inString) {
      if (line.split(inString).length % 2 === 0) inString = undefined;
      return;
    }
    const header = /^\s*(\[\[?)([^\]]+)\]\]?\s*(?:#.*)?$/.exec(line);
    if (header) {
      const parts = keyParts(header[2]);
      if (!parts) return;
      // Each part that names an array of tables means its last entry.
      const path: SchemaPath = [];
      for (const [n, part] of parts.entries()) {
        path.push(part);
        const last = n === parts.length - 1;
        if (last && header[1] === '[[') {
          const count = counts.get(key(path)) ?? 0;
          counts.set(key(path), count + 1);
          path.push(count);
        } else if (!last && counts.has(key(path))) path.push(counts.get(key(path))! - 1);
      }
      table = path;
      if (!lines.has(key(path))) lines.set(key(path), number);
      return;
    }
    const assignment = /^\s*([^=#\s][^=]*?)\s*=(.*)$/.exec(line);
    const parts = assignment && keyParts(assignment[1]);
    if (!assignment || !parts) return;
    const path = [...table, ...parts];
    if (!lines.has(key(path))) lines.set(key(path), number);
    // A multi-line string opened on this line: the lines up to its end are the value.
    for (const quote of ['"""', "'''"]) if (assignment[2].split(quote).length === 2) inString = quote;
  });
  return lines;
}

/**
 * A finder of lines for one text, read once: the line of `path` or of the
 * nearest enclosing key or table written in the text; undefined when none is.
 */
export function tomlLines(text: string): (path: SchemaPath) => number | undefined {
  let lines: Map<string, number> | undefined;
  return (path) => {
    lines ??= locate(text);
    for (let end = path.length; end > 0; end--) {
      const line = lines.get(key(path.slice(0, end)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
}

/** One lookup (a text read for many lookups: tomlLines). */
export const lineOf = (text: string, path: SchemaPath): number | undefined => tomlLines(text)(path);
