/**
 * Generating into a Cargo workspace (a monorepo with plop, or any folder under
 * a `[workspace]` manifest): cargo refuses a package the root does not list
 * ("current package believes it's in a workspace when it's not"), so the new
 * crate is added to `workspace.members`. The root manifest is edited as data:
 * parsed to decide, changed in one place, parsed again and compared with the
 * intended data, its comments and layout kept.
 *
 * A hand edit rather than a format-preserving TOML library: the edit is one
 * array item in one of three spellings (`[workspace]`, `workspace = { … }`,
 * `workspace.members = …`), and every candidate is checked by parsing, which
 * no library would spare us.
 */
import { existsSync, readFileSync } from 'node:fs';
import { posix, dirname, join, relative, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import { showPath } from './fs-errors.js';
import { resolveDestination } from './paths.js';

export interface WorkspaceEdit {
  /** The workspace's root Cargo.toml. */
  manifest: string;
  /** The member path as written into `members` (relative, forward slashes). */
  member: string;
  /** The new text of the root manifest, or undefined when it already covers the member. */
  contents?: string;
  /** The text `contents` was made from: if the manifest changed since, the edit is made again. */
  original?: string;
  /** Set when the root's profiles lack `panic = "abort"`, which it decides for every member. */
  profileWarning?: string;
}

interface WorkspaceTable {
  members?: unknown;
  exclude?: unknown;
}

type Parse = (text: string) => unknown;

/** The TOML parser, loaded only when a manifest is found (most runs have none above them). */
const loadParser = async (): Promise<Parse> => (await import('smol-toml')).parse;

function parseToml(parse: Parse, path: string, text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${showPath(path)} is not valid TOML (${(error as Error).message.split('\n')[0]}); fix it or generate elsewhere`);
  }
}

/** The nearest ancestor manifest with a [workspace] table, as cargo looks for it. */
async function findWorkspaceRoot(projectDirectory: string): Promise<{ manifest: string; text: string; table: Record<string, unknown>; parse: Parse } | undefined> {
  let directory = dirname(projectDirectory);
  let parse: Parse | undefined;
  for (;;) {
    const manifest = join(directory, 'Cargo.toml');
    if (existsSync(manifest)) {
      parse ??= await loadParser();
      const text = readFileSync(manifest, 'utf8');
      const table = parseToml(parse, manifest, text);
      if (table.workspace && typeof table.workspace === 'object') return { manifest, text, table, parse };
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** `./a//b/` → `a/b`: how cargo sees a member path relative to the root. */
const normalizeMember = (path: string): string => posix.normalize(path.replaceAll('\\', '/')).replace(/^(\.\/)+/, '').replace(/\/+$/, '') || '.';

/** One path segment of a glob pattern (`*`, `?`, `[a-z]`, `[!x]`, as the glob crate reads them) as a regex. */
function segmentRegex(segment: string): string {
  let out = '';
  for (let index = 0; index < segment.length; index += 1) {
    const ch = segment[index];
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const close = segment.indexOf(']', index + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(index + 1, close);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      index = close;
    } else out += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

/** Does the member pattern (a path or a glob: `*`, `?`, `[…]`, `**`) name `member`? */
export function memberMatches(pattern: string, member: string): boolean {
  const segments = normalizeMember(pattern).split('/');
  let regex = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') regex += last ? '(?:[^/]+(?:/[^/]+)*)?' : '(?:[^/]+/)*';
    else regex += segmentRegex(segment) + (last ? '' : '/');
  });
  return new RegExp(`^${regex.replace(/\/$/, '')}$`).test(normalizeMember(member));
}

/** Cargo's exclude: a path excludes itself and everything below it. */
export function excludedBy(exclude: string, member: string): boolean {
  const prefix = normalizeMember(exclude);
  const path = normalizeMember(member);
  return prefix === '.' || path === prefix || path.startsWith(`${prefix}/`);
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The index of the `closer` that ends the bracket opened just before `start`, skipping strings and comments. */
function matchingClose(text: string, start: number, closer: ']' | '}'): number {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const ch = text[index];
    if (ch === '#') {
      const end = text.indexOf('\n', index);
      if (end < 0) return -1;
      index = end;
    } else if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), index);
      const quote = triple ? ch.repeat(3) : ch;
      let end = index + quote.length;
      for (;;) {
        const next = text.indexOf(quote, end);
        if (next < 0) return -1;
        let backslashes = 0;
        for (let back = next - 1; ch === '"' && text[back] === '\\'; back -= 1) backslashes += 1;
        end = next + quote.length;
        if (backslashes % 2 === 0) break;
      }
      while (triple && text[end] === ch) end += 1; // `""""` ends with a quote inside
      index = end - 1;
    } else if (ch === '[' || ch === '{') depth += 1;
    else if (ch === ']' || ch === '}') {
      if (depth === 0) return ch === closer ? index : -1;
      depth -= 1;
    }
  }
  return -1;
}

/** `text` with comments blanked out (same length), for finding the last item of an array. */
function withoutComments(text: string): string {
  return text.replace(/("(?:[^"\\\n]|\\.)*"|'[^'\n]*')|#[^\n]*/g, (match, string: string | undefined) => string ?? ' '.repeat(match.length));
}

/** Appends `entry` to the array whose `[` is at `open`, one line per item when it already is multi-line. */
function appendToArray(text: string, open: number, entry: string, eol: string): string | undefined {
  const close = matchingClose(text, open + 1, ']');
  if (close < 0) return undefined;
  const inside = text.slice(open + 1, close);
  const code = withoutComments(inside);
  const lastCode = code.trimEnd().length - 1;
  if (!inside.includes('\n')) {
    const trimmed = inside.trim();
    const items = trimmed === '' ? entry : `${trimmed}${trimmed.endsWith(',') ? '' : ','} ${entry}`;
    return `${text.slice(0, open + 1)}${items}${text.slice(close)}`;
  }
  const indent = /\n([ \t]+)\S/.exec(inside)?.[1] ?? '    ';
  const comma = lastCode < 0 || code[lastCode] === ',' ? '' : ',';
  const before = text.slice(0, open + 1) + inside.slice(0, lastCode + 1) + comma;
  const rest = inside.slice(lastCode + 1);
  const lastNewline = rest.lastIndexOf('\n');
  if (lastNewline < 0) return `${before}${eol}${indent}${entry}${rest}${text.slice(close)}`;
  return `${before}${rest.slice(0, lastNewline + 1)}${indent}${entry},${eol}${rest.slice(lastNewline + 1)}${text.slice(close)}`;
}

/** Every plausible way of adding the member, in order of preference; the caller keeps the first that parses right. */
function candidateEdits(text: string, entry: string): string[] {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const candidates: string[] = [];
  const push = (candidate: string | undefined) => candidate !== undefined && candidates.push(candidate);
  // [workspace] (spaces allowed inside the brackets), up to the next table header.
  for (const header of text.matchAll(/^[ \t]*\[[ \t]*workspace[ \t]*\][ \t]*(?:#[^\n]*)?(?:\r?\n|$)/gm)) {
    const start = header.index + header[0].length;
    const next = text.slice(start).search(/^[ \t]*\[/m);
    const end = next < 0 ? text.length : start + next;
    const members = /^[ \t]*(?:members|"members"|'members')[ \t]*=[ \t]*\[/m.exec(text.slice(start, end));
    if (members) push(appendToArray(text, start + members.index + members[0].length - 1, entry, eol));
    else {
      const headerLine = header[0].endsWith('\n') ? header[0] : `${header[0]}${eol}`;
      push(`${text.slice(0, header.index)}${headerLine}members = [${entry}]${eol}${text.slice(start)}`);
    }
  }
  // workspace.members = [...] (dotted keys, before any table header).
  const topLevelEnd = text.search(/^[ \t]*\[/m);
  const top = topLevelEnd < 0 ? text : text.slice(0, topLevelEnd);
  const dotted = /^[ \t]*workspace[ \t]*\.[ \t]*members[ \t]*=[ \t]*\[/m.exec(top);
  if (dotted) push(appendToArray(text, dotted.index + dotted[0].length - 1, entry, eol));
  else {
    const anyDotted = /^[ \t]*workspace[ \t]*\./m.exec(top);
    if (anyDotted) push(`${text.slice(0, anyDotted.index)}workspace.members = [${entry}]${eol}${text.slice(anyDotted.index)}`);
  }
  // workspace = { members = [...] } (an inline table).
  const inline = /^[ \t]*workspace[ \t]*=[ \t]*\{/m.exec(top);
  if (inline) {
    const open = inline.index + inline[0].length;
    const close = matchingClose(text, open, '}');
    if (close > 0) {
      const members = /(?:^|[{,\s])members[ \t]*=[ \t]*\[/.exec(text.slice(open, close));
      if (members) push(appendToArray(text, open + members.index + members[0].length - 1, entry, eol));
      else {
        const body = text.slice(open, close);
        push(`${text.slice(0, open)} members = [${entry}]${body.trim() === '' ? ' ' : `,${body.startsWith(' ') ? '' : ' '}`}${body.trim() === '' ? '' : body}${text.slice(close)}`);
      }
    }
  }
  return candidates;
}

/** Data as JSON with sorted keys: equal data, equal text, whatever order the keys were written in. */
const canonical = (value: unknown): string => JSON.stringify(value, (_key, item: unknown) => (
  item && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Date)
    ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : item));

/**
 * `text` with `member` appended to workspace.members, checked by parsing: the
 * result must read as the same data with exactly that one item more.
 */
export function addMember(text: string, member: string, parse: Parse): string {
  const expected = parse(text) as Record<string, unknown> & { workspace?: WorkspaceTable };
  const workspace = expected.workspace as WorkspaceTable;
  workspace.members = [...stringList(workspace.members), member];
  const wanted = canonical(expected);
  for (const candidate of candidateEdits(text, JSON.stringify(member))) {
    try {
      if (canonical(parse(candidate)) === wanted) return candidate;
    } catch {
      // Not this spelling; try the next.
    }
  }
  throw new Error('no edit of the manifest adds the member cleanly');
}

function profileWarning(table: Record<string, unknown>, manifest: string): string | undefined {
  const profile = (table.profile ?? {}) as Record<string, { panic?: unknown } | undefined>;
  const missing = ['dev', 'release'].filter((name) => profile[name]?.panic !== 'abort');
  if (missing.length === 0) return undefined;
  return `${manifest} sets the profiles of every member: add panic = "abort" to ${missing.map((name) => `[profile.${name}]`).join(' and ')} there, or host builds fail with "unwinding panics are not supported without std"`;
}

/** The new manifest text, or undefined when the root already covers `member` (or excludes it). */
function editFor(manifest: string, text: string, table: Record<string, unknown>, member: string, parse: Parse): string | undefined {
  const workspace = table.workspace as WorkspaceTable;
  const members = stringList(workspace.members);
  const listed = members.some((pattern) => memberMatches(pattern, member));
  if (listed) return undefined;
  // An excluded path is its own workspace root: nothing to add, and its own profiles apply.
  if (stringList(workspace.exclude).some((path) => excludedBy(path, member))) return undefined;
  try {
    return addMember(text, member, parse);
  } catch (error) {
    throw new UsageError(`could not add "${member}" to workspace.members in ${showPath(manifest)} (${(error as Error).message}); add it by hand, then generate again allowing the non-empty directory`);
  }
}

const isExcluded = (table: Record<string, unknown>, member: string): boolean => {
  const workspace = table.workspace as WorkspaceTable;
  return !stringList(workspace.members).some((pattern) => memberMatches(pattern, member))
    && stringList(workspace.exclude).some((path) => excludedBy(path, member));
};

/** What generating into `projectDirectory` changes in a surrounding workspace, decided before anything is written. */
export async function planWorkspaceEdit(projectDirectory: string): Promise<WorkspaceEdit | undefined> {
  const destination = resolveDestination(projectDirectory);
  const root = await findWorkspaceRoot(destination);
  if (!root) return undefined;
  const member = relative(dirname(root.manifest), destination).split(sep).join('/');
  if (isExcluded(root.table, member)) return undefined;
  const warning = profileWarning(root.table, root.manifest);
  const contents = editFor(root.manifest, root.text, root.table, member, root.parse);
  return { manifest: root.manifest, member, contents, original: contents === undefined ? undefined : root.text, profileWarning: warning };
}

/** The manifest text to write now: the planned one, or made again when another program changed the root since. */
export async function currentWorkspaceText(edit: WorkspaceEdit): Promise<string | undefined> {
  if (edit.contents === undefined) return undefined;
  const text = readFileSync(edit.manifest, 'utf8');
  if (text === edit.original) return edit.contents;
  const parse = await loadParser();
  return editFor(edit.manifest, text, parseToml(parse, edit.manifest, text), edit.member, parse);
}
