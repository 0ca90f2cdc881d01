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
 * no library would spare us. Every edit only inserts text: the user's bytes
 * stay as they were around it.
 *
 * The workspace is read as cargo reads it: members and globs expanded on
 * disk minus `exclude`, a backslash a file-name character outside Windows,
 * manifests refused where cargo refuses them (not UTF-8) and accepted where
 * it accepts them (a BOM, quoted keys). A new crate whose package, library
 * or binary name is already a member's is refused: cargo would not build it.
 */
import { readdirSync, statSync, type Stats } from 'node:fs';
import { readRegularFile, UnreadableFile } from './read-file.js';
import { isUtf8 } from 'node:buffer';
import { posix, dirname, join, relative, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import { asUsageError, showPath } from './fs-errors.js';
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
  /** `contents` as the bytes to write: the original bytes with the new item inserted, nothing else changed. */
  contentsBytes?: Buffer;
  /** The bytes `contents` was made from (compare these, not text, to see whether the root changed). */
  originalBytes?: Buffer;
  /**
   * `member`: in `workspace.members`, built by cargo at the root, with the
   * root's profiles. `own`: in `workspace.exclude` and a workspace of its own
   * (a bare-metal crate the root would build for another target).
   */
  layout: WorkspaceLayout;
  /** The root manifest as seen from the crate, forward slashes (`../../Cargo.toml`). */
  rootFromCrate: string;
  /** The `[build] target` cargo reads at the root (undefined: none, so the host's), when the crate is bare metal. */
  rootTarget?: string[];
  /** `member`: the root's profiles that do not abort on panic, which the crate needs. */
  missingAbort: ProfileName[];
  /** Lines the user should read (e.g. what the root lacks), one each. */
  notes: string[];
}

export type WorkspaceLayout = 'member' | 'own';

interface WorkspaceTable {
  members?: unknown;
  exclude?: unknown;
}

type Parse = (text: string) => unknown;
type Table = Record<string, unknown>;

/** The TOML parser, loaded only when a manifest is found (most runs have none above them). */
const loadParser = async (): Promise<Parse> => (await import('smol-toml')).parse;

const refuse = (message: string): never => {
  throw new UsageError(message);
};

// --- Reading manifests -------------------------------------------------------

/** Larger than any real manifest; a bigger file is a mistake or an attack, not a root to edit. */
const maxManifestBytes = 4 * 1024 * 1024;

const fileKind = (stats: Stats): string => (
  stats.isFIFO() ? 'a FIFO' : stats.isCharacterDevice() ? 'a character device' : stats.isBlockDevice() ? 'a block device'
    : stats.isSocket() ? 'a socket' : stats.isDirectory() ? 'a directory' : 'not a file');

function refuseIrregular(path: string, stats: Stats): void {
  if (!stats.isFile()) refuse(`${showPath(path)} is ${fileKind(stats)}, not a regular file, so it cannot be read as a manifest; remove it or generate elsewhere`);
  if (stats.size > maxManifestBytes) {
    refuse(`${showPath(path)} is ${(stats.size / 1024 / 1024).toFixed(1)} MiB, over the 4 MiB a Cargo.toml may have here; shrink it or generate elsewhere`);
  }
}

/**
 * The bytes of the manifest at `path` (links followed, as cargo follows
 * them), or undefined when there is none. Anything but a regular file is
 * refused before it is opened (a FIFO would block the run for good), and
 * checked again on the open descriptor in case it was swapped in between.
 */
function readManifestBytes(path: string): Buffer | undefined {
  try {
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return undefined; // none, or a dangling link: cargo skips it too (a name too long is the destination check's to word)
      throw error;
    }
    refuseIrregular(path, stats);
    try {
      return readRegularFile(path, maxManifestBytes, { follow: true });
    } catch (error) {
      if (!(error instanceof UnreadableFile)) throw error;
      if (error.reason === 'grew') refuse(`${showPath(path)} grew while it was read; generate again`);
      if (error.reason === 'too-large') refuse(`${showPath(path)} grew over the 4 MiB a Cargo.toml may have here while it was read; generate again`);
      return refuse(`${showPath(path)} was replaced by something that is not a regular file while it was read; generate again`);
    }
  } catch (error) {
    throw asUsageError(error);
  }
}

/** The manifest's text, refused in one line when it is not UTF-8 (cargo: "path … was not valid utf-8"). */
function manifestText(path: string, bytes: Buffer): string {
  if (!isUtf8(bytes)) {
    // A line feed is never part of a multi-byte sequence, so each line can be checked alone.
    let line = 1;
    for (let start = 0; start <= bytes.length; line += 1) {
      const end = bytes.indexOf(0x0a, start);
      if (!isUtf8(bytes.subarray(start, end < 0 ? bytes.length : end))) break;
      start = end < 0 ? bytes.length + 1 : end + 1;
    }
    refuse(`${showPath(path)} is not valid UTF-8 (line ${line}), which cargo refuses too; save it as UTF-8, then generate again`);
  }
  // Valid UTF-8 decodes and encodes back to the same bytes, BOM included.
  return bytes.toString('utf8');
}

function parseToml(parse: Parse, path: string, text: string): Table {
  try {
    return parse(text) as Table;
  } catch (error) {
    throw new UsageError(`${showPath(path)} is not valid TOML (${(error as Error).message.split('\n')[0]}); fix it or generate elsewhere`);
  }
}

/** A member's manifest as data, or undefined when it is absent or not UTF-8 TOML (a FIFO or device is still refused). */
function readMemberManifest(path: string, parse: Parse): Table | undefined {
  const bytes = readManifestBytes(path);
  if (!bytes || !isUtf8(bytes)) return undefined;
  try {
    return parse(bytes.toString('utf8')) as Table;
  } catch {
    return undefined;
  }
}

// --- Member paths as cargo matches them ---------------------------------------

/** Only Windows paths use `\` as a separator; elsewhere it is an ordinary file-name character (cargo: `a\b` is one folder). */
const windows = process.platform === 'win32';

/** `./a//b/` → `a/b`: how cargo sees a member path relative to the root. */
const normalizeMember = (path: string): string => posix.normalize(windows ? path.replaceAll('\\', '/') : path).replace(/^(\.\/)+/, '').replace(/\/+$/, '') || '.';

/** One path segment of a glob pattern (`*`, `?`, `[a-z]`, `[!x]`, as the glob crate reads them; `\` escapes nothing) as a regex. */
function segmentRegex(segment: string): string {
  let out = '';
  for (let index = 0; index < segment.length; index += 1) {
    const ch = segment[index];
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      // A `]` right after `[` or `[!` is a member of the class, not its end.
      const bodyStart = segment[index + 1] === '!' ? index + 2 : index + 1;
      const close = segment.indexOf(']', bodyStart + 1);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      const negated = bodyStart === index + 2;
      const body = segment.slice(bodyStart, close);
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^[]/g, '\\$&')}]`;
      index = close;
    } else out += ch.replace(/[.+^${}()|\\[\]]/g, '\\$&');
  }
  return out;
}

const hasGlob = (segment: string): boolean => /[*?[]/.test(segment);

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

/** Cargo's exclude (and its "explicit member" test): a path names itself and everything below it, no globbing. */
export function excludedBy(exclude: string, member: string): boolean {
  const prefix = normalizeMember(exclude);
  const path = normalizeMember(member);
  return prefix === '.' || path === prefix || path.startsWith(`${prefix}/`);
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** Cargo's `is_excluded`: under an `exclude` path and under no `members` entry taken literally (globs are not expanded there). */
const isExcluded = (table: Table, member: string): boolean => {
  const workspace = table.workspace as WorkspaceTable;
  return !stringList(workspace.members).some((path) => excludedBy(path, member))
    && stringList(workspace.exclude).some((path) => excludedBy(path, member));
};

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const listDirectory = (path: string): string[] => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};

/** The folders a member pattern names now, as cargo's glob expansion finds them; a pattern that matches nothing names itself. */
function expandMember(rootDir: string, pattern: string): string[] {
  const segments = normalizeMember(pattern).split('/');
  if (!segments.some(hasGlob)) return [normalizeMember(pattern)];
  let found = ['.'];
  for (const [index, segment] of segments.entries()) {
    const next: string[] = [];
    for (const base of found) {
      const at = (name: string) => (base === '.' ? name : `${base}/${name}`);
      if (segment === '**') {
        // Every folder below, this one included; depth-limited, as links can make the tree endless.
        const walk = (path: string, depth: number) => {
          next.push(path);
          if (depth >= 16) return;
          for (const name of listDirectory(join(rootDir, path))) {
            const child = path === '.' ? name : `${path}/${name}`;
            if (isDirectory(join(rootDir, child))) walk(child, depth + 1);
          }
        };
        walk(base, 0);
      } else if (!hasGlob(segment)) {
        next.push(at(segment));
      } else {
        const regex = new RegExp(`^${segmentRegex(segment)}$`);
        for (const name of listDirectory(join(rootDir, base))) if (regex.test(name)) next.push(at(name));
      }
    }
    // Only folders go on; the last segment may name anything, only folders with a manifest count later.
    found = index === segments.length - 1 ? next : next.filter((path) => isDirectory(join(rootDir, path)));
  }
  return found.length > 0 ? found : [normalizeMember(pattern)];
}

// --- Names that would collide ---------------------------------------------------

interface MemberNames {
  /** The member's folder relative to the root (`.` for a root package). */
  path: string;
  package: string;
  /** The library's crate name (`-` already `_`), when it makes an rlib. */
  lib?: string;
  bins: string[];
}

const isTable = (value: unknown): value is Table => Boolean(value) && typeof value === 'object' && !Array.isArray(value);
const nameOf = (value: unknown): string | undefined => (isTable(value) && typeof value.name === 'string' ? value.name : undefined);

/** The package, library and binary names a member's manifest gives, with cargo's automatic targets. */
function memberNames(path: string, dir: string, table: Table): MemberNames | undefined {
  const pkg = isTable(table.package) ? table.package : undefined;
  const name = nameOf(pkg);
  if (!pkg || !name) return undefined;
  let lib: string | undefined;
  const libTable = isTable(table.lib) ? table.lib : undefined;
  if (libTable || (pkg.autolib !== false && statMaybe(join(dir, 'src', 'lib.rs'))?.isFile())) {
    const types = libTable ? stringList(libTable['crate-type'] ?? libTable.crate_type) : [];
    // Only an rlib is the file the new crate's library would make (libNAME.rlib).
    const makesRlib = libTable?.['proc-macro'] !== true && (types.length === 0 || types.includes('lib') || types.includes('rlib'));
    if (makesRlib) lib = (nameOf(libTable) ?? name).replaceAll('-', '_');
  }
  const declared = (Array.isArray(table.bin) ? table.bin : []).filter(isTable);
  const bins = declared.map(nameOf).filter((bin): bin is string => bin !== undefined);
  if (pkg.autobins !== false) {
    const declaredPaths = new Set(declared.map((bin) => (typeof bin.path === 'string' ? posix.normalize(bin.path) : undefined)));
    const inferred: [string, string][] = [];
    if (statMaybe(join(dir, 'src', 'main.rs'))?.isFile()) inferred.push([name, 'src/main.rs']);
    for (const entry of listDirectory(join(dir, 'src', 'bin'))) {
      if (entry.endsWith('.rs')) inferred.push([entry.slice(0, -3), `src/bin/${entry}`]);
      else if (statMaybe(join(dir, 'src', 'bin', entry, 'main.rs'))?.isFile()) inferred.push([entry, `src/bin/${entry}/main.rs`]);
    }
    for (const [bin, file] of inferred) if (!bins.includes(bin) && !declaredPaths.has(file)) bins.push(bin);
  }
  return { path, package: name, lib, bins };
}

function statMaybe(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * A member's path dependencies as absolute paths (cargo makes those inside
 * the root members too), `dep = { workspace = true }` read from the root's
 * [workspace.dependencies], whose paths are relative to the root.
 */
function pathDependencies(table: Table, dir: string, rootDir: string, root: Table): string[] {
  const inherited = isTable((root.workspace as Table).dependencies) ? (root.workspace as Table).dependencies as Table : {};
  const sections = [table, ...Object.values(isTable(table.target) ? table.target : {}).filter(isTable)];
  const paths: string[] = [];
  for (const section of sections) {
    for (const key of ['dependencies', 'dev-dependencies', 'build-dependencies', 'dev_dependencies', 'build_dependencies']) {
      const deps = section[key];
      if (!isTable(deps)) continue;
      for (const [depName, dep] of Object.entries(deps)) {
        if (!isTable(dep)) continue;
        if (typeof dep.path === 'string') paths.push(join(dir, dep.path));
        else if (dep.workspace === true) {
          const shared = inherited[depName];
          if (isTable(shared) && typeof shared.path === 'string') paths.push(join(rootDir, shared.path));
        }
      }
    }
  }
  return paths;
}

/**
 * Every member cargo would find in the workspace besides `destination`:
 * members and globs expanded, path dependencies inside the root, minus
 * `exclude`, each with the names its targets take.
 */
function existingMembers(rootDir: string, root: Table, destination: string, parse: Parse): MemberNames[] {
  const workspace = root.workspace as WorkspaceTable;
  const queue = [...(isTable(root.package) ? ['.'] : []), ...stringList(workspace.members).flatMap((pattern) => expandMember(rootDir, pattern))];
  const seen = new Set<string>();
  const found: MemberNames[] = [];
  while (queue.length > 0 && seen.size < 10_000) {
    const path = normalizeMember(queue.shift()!);
    const dir = join(rootDir, path);
    if (seen.has(path) || dir === destination) continue;
    seen.add(path);
    if (path !== '.' && isExcluded(root, path)) continue;
    // A member cargo cannot read breaks the workspace already; its names cannot be known, so it is passed over.
    const table = path === '.' ? root : readMemberManifest(join(dir, 'Cargo.toml'), parse);
    if (!table) continue;
    const names = memberNames(path, dir, table);
    if (names) found.push(names);
    for (const dependency of pathDependencies(table, dir, rootDir, root)) {
      const relativeToRoot = relative(rootDir, dependency).split(sep).join('/');
      const outside = relativeToRoot === '..' || relativeToRoot.startsWith('../') || posix.isAbsolute(relativeToRoot) || /^[a-zA-Z]:/.test(relativeToRoot);
      if (relativeToRoot !== '' && !outside) queue.push(relativeToRoot);
    }
  }
  return found;
}

/** Refuses a crate named `name` whose package, library or binary name a member of the workspace already has. */
function refuseCollisions(manifest: string, members: MemberNames[], name: string): void {
  const lib = name.replaceAll('-', '_');
  const shown = (member: MemberNames) => (member.path === '.' ? 'the root package' : showPath(member.path));
  for (const member of members) {
    if (member.package === name) {
      refuse(`the workspace ${showPath(manifest)} already has a package named "${name}" (${shown(member)}), and cargo refuses two packages of one name; choose another crate name (nothing was written)`);
    }
    if (member.lib === lib) {
      refuse(`a library named ${lib} is already in the workspace, in ${shown(member)} (package ${JSON.stringify(member.package)}): cargo would build both into one file (output filename collision); choose another crate name (nothing was written)`);
    }
    if (member.bins.includes(name)) {
      refuse(`a binary named "${name}" is already in the workspace, in ${shown(member)} (package ${JSON.stringify(member.package)}): cargo would build both into one file (output filename collision); choose another crate name (nothing was written)`);
    }
  }
}

// --- Finding the root ---------------------------------------------------------------

interface Root {
  manifest: string;
  text: string;
  bytes: Buffer;
  table: Table;
  member: string;
}

const memberPath = (rootDir: string, destination: string): string => relative(rootDir, destination).split(sep).join('/');

/**
 * The workspace root cargo would take for a package at `destination`: the
 * nearest ancestor manifest with a [workspace] table that does not exclude it
 * (an excluding root is passed over, and the search goes on above it).
 */
async function findWorkspaceRoot(destination: string, parse: () => Promise<Parse>): Promise<Root | undefined> {
  let directory = dirname(destination);
  for (;;) {
    const manifest = join(directory, 'Cargo.toml');
    const bytes = readManifestBytes(manifest);
    if (bytes) {
      const text = manifestText(manifest, bytes);
      const table = parseToml(await parse(), manifest, text);
      const member = memberPath(directory, destination);
      if (isTable(table.workspace) && !isExcluded(table, member)) return { manifest, text, bytes, table, member };
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** Refuses generating into a folder whose own Cargo.toml is a workspace root: its manifest and README would be replaced. */
async function refuseWorkspaceRoot(destination: string, name: string | undefined, parse: () => Promise<Parse>): Promise<void> {
  const manifest = join(destination, 'Cargo.toml');
  const bytes = readManifestBytes(manifest);
  if (!bytes) return;
  const text = bytes.toString('utf8');
  let root: boolean;
  try {
    root = isTable(((await parse())(text) as Table).workspace);
  } catch {
    // Not TOML: judged by its headers, so a broken root is not replaced either.
    root = /^[ \t]*(?:\[[ \t]*(?:workspace|"workspace"|'workspace')[ \t]*[\].]|(?:workspace|"workspace"|'workspace')[ \t]*[.=])/m.test(text.replace(/^\uFEFF/, ''));
  }
  if (root) {
    refuse(`${showPath(destination)} is a Cargo workspace root; generate into a member folder such as ${showPath(join(destination, 'crates', name ?? '<name>'))} (nothing was written)`);
  }
}

// --- Editing the text -------------------------------------------------------------

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

/** `text` with `pieces` inserted at their offsets: nothing of the original is changed or removed. */
function insert(text: string, pieces: [at: number, piece: string][]): string {
  let out = '';
  let from = 0;
  for (const [at, piece] of [...pieces].sort((a, b) => a[0] - b[0])) {
    out += text.slice(from, at) + piece;
    from = at;
  }
  return out + text.slice(from);
}

/** Appends `entry` to the array whose `[` is at `open`, one line per item when it already is multi-line. */
function appendToArray(text: string, open: number, entry: string, eol: string): string | undefined {
  const close = matchingClose(text, open + 1, ']');
  if (close < 0) return undefined;
  const inside = text.slice(open + 1, close);
  const code = withoutComments(inside);
  const lastCode = code.trimEnd().length - 1;
  const afterLast = open + 1 + lastCode + 1;
  if (!inside.includes('\n')) {
    if (lastCode < 0) return insert(text, [[close, entry]]);
    return insert(text, [[afterLast, code[lastCode] === ',' ? ` ${entry}` : `, ${entry}`]]);
  }
  const indent = /\n([ \t]+)\S/.exec(inside)?.[1] ?? '    ';
  const comma = lastCode < 0 || code[lastCode] === ',' ? '' : ',';
  const rest = inside.slice(lastCode + 1);
  const lastNewline = rest.lastIndexOf('\n');
  if (lastNewline < 0) return insert(text, [[afterLast, `${comma}${eol}${indent}${entry}`]]);
  return insert(text, [[afterLast, comma], [afterLast + lastNewline + 1, `${indent}${entry},${eol}`]]);
}

// A key as TOML may spell it: bare or quoted.
const workspaceKey = `(?:workspace|"workspace"|'workspace')`;
const quotedKey = (key: ListKey) => `(?:${key}|"${key}"|'${key}')`;

/** The two lists of the workspace table the tool adds to. */
export type ListKey = 'members' | 'exclude';

/** Every plausible way of adding `entry` to `workspace.<key>`, in order of preference; the caller keeps the first that parses right. */
function candidateEdits(text: string, entry: string, key: ListKey = 'members'): string[] {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const listKey = quotedKey(key);
  const candidates: string[] = [];
  const push = (candidate: string | undefined) => candidate !== undefined && candidates.push(candidate);
  const headerLine = (at: number, line: string) => insert(text, [[at, `${line.endsWith('\n') ? '' : eol}${key} = [${entry}]${line.endsWith('\n') ? eol : ''}`]]);
  // [workspace] (spaces allowed inside the brackets), up to the next table header.
  for (const header of text.matchAll(new RegExp(`^[ \\t]*\\[[ \\t]*${workspaceKey}[ \\t]*\\][ \\t]*(?:#[^\\n]*)?(?:\\r?\\n|$)`, 'gm'))) {
    const start = header.index + header[0].length;
    const next = text.slice(start).search(/^[ \t]*\[/m);
    const end = next < 0 ? text.length : start + next;
    const list = new RegExp(`^[ \\t]*${listKey}[ \\t]*=[ \\t]*\\[`, 'm').exec(text.slice(start, end));
    if (list) push(appendToArray(text, start + list.index + list[0].length - 1, entry, eol));
    else {
      // A new `exclude` reads best on the line after `members`, where cargo's docs put it.
      const members = key === 'exclude' ? new RegExp(`^[ \\t]*${quotedKey('members')}[ \\t]*=[ \\t]*\\[`, 'm').exec(text.slice(start, end)) : null;
      const close = members ? matchingClose(text, start + members.index + members[0].length, ']') : -1;
      const lineEnd = close < 0 ? -1 : text.indexOf('\n', close);
      if (lineEnd >= 0) push(insert(text, [[lineEnd + 1, `${key} = [${entry}]${eol}`]]));
      push(headerLine(start, header[0]));
    }
  }
  // Only [workspace.package] and the like: a [workspace] table before the first of them.
  const subTable = new RegExp(`^[ \\t]*\\[[ \\t]*${workspaceKey}[ \\t]*\\.`, 'm').exec(text);
  if (subTable) push(insert(text, [[subTable.index, `[workspace]${eol}${key} = [${entry}]${eol}${eol}`]]));
  // workspace.members = [...] (dotted keys, before any table header).
  const topLevelEnd = text.search(/^[ \t]*\[/m);
  const top = topLevelEnd < 0 ? text : text.slice(0, topLevelEnd);
  const dotted = new RegExp(`^[ \\t]*${workspaceKey}[ \\t]*\\.[ \\t]*${listKey}[ \\t]*=[ \\t]*\\[`, 'm').exec(top);
  if (dotted) push(appendToArray(text, dotted.index + dotted[0].length - 1, entry, eol));
  else {
    const anyDotted = new RegExp(`^[ \\t]*${workspaceKey}[ \\t]*\\.`, 'm').exec(top);
    if (anyDotted) push(insert(text, [[anyDotted.index, `workspace.${key} = [${entry}]${eol}`]]));
  }
  // workspace = { members = [...] } (an inline table).
  const inline = new RegExp(`^[ \\t]*${workspaceKey}[ \\t]*=[ \\t]*\\{`, 'm').exec(top);
  if (inline) {
    const open = inline.index + inline[0].length;
    const close = matchingClose(text, open, '}');
    if (close > 0) {
      const list = new RegExp(`(?:^|[{,\\s])${listKey}[ \\t]*=[ \\t]*\\[`).exec(text.slice(open, close));
      if (list) push(appendToArray(text, open + list.index + list[0].length - 1, entry, eol));
      else {
        const body = text.slice(open, close);
        const item = `${key} = [${entry}]`;
        push(insert(text, [[open, body === '' ? ` ${item} ` : body.trim() === '' ? ` ${item}` : ` ${item},${/^\s/.test(body) ? '' : ' '}`]]));
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

/** A TOML basic string: JSON's escapes, and DEL too, which TOML forbids raw and JSON leaves as it is. */
const tomlString = (value: string): string => JSON.stringify(value).replaceAll('\x7f', '\\u007f');

/**
 * `text` with `member` appended to workspace.members, checked by parsing: the
 * result must read as the same data with exactly that one item more. Only
 * inserts: every character of `text` is kept, in order (a BOM too).
 */
export function addMember(text: string, member: string, parse: Parse, key: ListKey = 'members'): string {
  const expected = parse(text) as Table & { workspace?: WorkspaceTable };
  const workspace = expected.workspace as WorkspaceTable;
  workspace[key] = [...stringList(workspace[key]), member];
  const wanted = canonical(expected);
  // The BOM is set aside so that `^` finds a header on the first line, and put back as it was.
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  for (const candidate of candidateEdits(text.slice(bom.length), tomlString(member), key)) {
    try {
      if (canonical(parse(bom + candidate)) === wanted) return bom + candidate;
    } catch {
      // Not this spelling; try the next.
    }
  }
  throw new Error(`no edit of the manifest adds the ${key === 'members' ? 'member' : 'exclusion'} cleanly`);
}

export type ProfileName = 'dev' | 'release';

/** The root's profiles that do not abort on panic, and what to do about each, as words for a note. */
function profileGaps(table: Table): { missing: ProfileName[]; fixes: string[] } {
  const profile = (isTable(table.profile) ? table.profile : {}) as Record<string, unknown>;
  const missing = (['dev', 'release'] as const).filter((name) => !isTable(profile[name]) || profile[name].panic !== 'abort');
  const fixes = missing.map((name) => {
    const existing = profile[name];
    if (!isTable(existing)) return `a new [profile.${name}] table with panic = "abort"`;
    if (existing.panic !== undefined) return `panic = "abort" for the ${JSON.stringify(existing.panic)} in [profile.${name}]`;
    return `panic = "abort" under its [profile.${name}]`;
  });
  return { missing, fixes };
}

function profileWarning(manifest: string, member: string, fixes: string[]): string | undefined {
  if (fixes.length === 0) return undefined;
  return `${showPath(manifest)} sets the profiles of every member: add ${fixes.join(' and ')} there, or builds of ${showPath(member)} fail with "unwinding panics are not supported without std" (its README.md shows the lines)`;
}

/**
 * The `[build] target` cargo uses when run in `dir`: the nearest
 * `.cargo/config.toml` (or `.cargo/config`) at or above it that sets one.
 * Unreadable or broken files are passed over (cargo reports those itself).
 */
function buildTargetAt(dir: string, parse: Parse): string[] | undefined {
  for (let directory = dir; ; directory = dirname(directory)) {
    for (const name of ['config.toml', 'config']) {
      let bytes: Buffer | undefined;
      try {
        bytes = readManifestBytes(join(directory, '.cargo', name));
      } catch {
        bytes = undefined;
      }
      if (!bytes || !isUtf8(bytes)) continue;
      let table: Table;
      try {
        table = parse(bytes.toString('utf8')) as Table;
      } catch {
        continue;
      }
      const target = isTable(table.build) ? table.build.target : undefined;
      if (typeof target === 'string') return [target];
      if (Array.isArray(target)) return stringList(target);
    }
    if (dirname(directory) === directory) return undefined;
  }
}

/** The list `contents` adds the member to, for a layout. */
const listFor = (layout: WorkspaceLayout): ListKey => (layout === 'own' ? 'exclude' : 'members');

/** The new manifest text, or undefined when the root already covers `member` (a glob finds it once it exists). */
function editFor(manifest: string, text: string, table: Table, member: string, parse: Parse, layout: WorkspaceLayout = 'member'): string | undefined {
  const workspace = table.workspace as WorkspaceTable;
  const key = listFor(layout);
  if (key === 'members' && stringList(workspace.members).some((pattern) => memberMatches(pattern, member))) return undefined;
  if (key === 'exclude' && isExcluded(table, member)) return undefined;
  try {
    return addMember(text, member, parse, key);
  } catch (error) {
    throw new UsageError(`could not add ${JSON.stringify(member)} to workspace.${key} in ${showPath(manifest)} (${(error as Error).message}); add it by hand, then generate again allowing the non-empty directory`);
  }
}

/** Would the root exclude `member` once it is in `exclude`? Not when `members` names it (or a folder above it) literally: cargo lets that win. */
function canExclude(table: Table, member: string): boolean {
  const workspace = table.workspace as WorkspaceTable;
  return isExcluded({ workspace: { ...workspace, exclude: [...stringList(workspace.exclude), member] } }, member);
}

/**
 * What generating the crate `name` into `projectDirectory` changes in a
 * surrounding workspace, decided before anything is written. Refuses (one
 * line) what would leave the workspace unbuildable, and a destination that
 * is itself a workspace root. Without `name`, collisions are not checked.
 *
 * `triple` is a bare-metal crate's target. Cargo builds every member for the
 * root's target (a member's own `.cargo/config.toml` is read only in its
 * folder), so such a crate joins only a root that builds for its triple;
 * otherwise it goes into `workspace.exclude` and is a workspace of its own
 * (`layout: 'own'`), as embedded monorepos keep their firmware.
 */
export async function planWorkspaceEdit(projectDirectory: string, name?: string, triple?: string): Promise<WorkspaceEdit | undefined> {
  const destination = resolveDestination(projectDirectory);
  let parser: Parse | undefined;
  const parse = async () => (parser ??= await loadParser());
  await refuseWorkspaceRoot(destination, name, parse);
  const root = await findWorkspaceRoot(destination, parse);
  if (!root) return undefined;
  const { member } = root;
  const rootDir = dirname(root.manifest);
  const rootFromCrate = `${relative(destination, rootDir).split(sep).join('/') || '.'}/Cargo.toml`;
  const notes: string[] = [];
  let layout: WorkspaceLayout = 'member';
  let rootTarget: string[] | undefined;
  if (triple !== undefined) {
    rootTarget = buildTargetAt(rootDir, await parse());
    const sameTarget = rootTarget?.length === 1 && rootTarget[0] === triple;
    if (!sameTarget && canExclude(root.table, member)) layout = 'own';
    else if (!sameTarget) {
      notes.push(`${showPath(root.manifest)} lists ${JSON.stringify(member)} in workspace.members by name, so cargo builds it there for ${rootTarget ? rootTarget.join(', ') : 'the host'}, not ${triple}, and fails: remove it from members and add it to workspace.exclude (build it in its own folder)`);
    }
  }
  const { missing, fixes } = profileGaps(root.table);
  const common = { manifest: root.manifest, member, layout, rootFromCrate, rootTarget, missingAbort: layout === 'member' ? missing : [] };
  if (layout === 'member') {
    if (name !== undefined) refuseCollisions(root.manifest, existingMembers(rootDir, root.table, destination, await parse()), name);
    const warning = profileWarning(root.manifest, member, fixes);
    if (warning) notes.push(warning);
  }
  const contents = editFor(root.manifest, root.text, root.table, member, await parse(), layout);
  if (contents === undefined) return { ...common, notes };
  return {
    ...common, notes, contents, original: root.text, contentsBytes: Buffer.from(contents, 'utf8'), originalBytes: root.bytes,
  };
}

/** The one line that says what was done with a crate kept out of the root (`layout: 'own'`), and why. */
export function layoutNote(edit: WorkspaceEdit, triple: string, dryRun: boolean): string | undefined {
  if (edit.layout !== 'own') return undefined;
  const done = edit.contents === undefined ? 'is in' : dryRun ? 'would be added to' : 'was added to';
  const builds = edit.rootTarget ? edit.rootTarget.join(', ') : 'the host';
  return `${JSON.stringify(edit.member)} ${done} workspace.exclude in ${showPath(edit.manifest)} and is a workspace of its own (an empty [workspace] in its Cargo.toml): cargo builds every member for the root's target (${builds}), not ${triple}, as a member's .cargo/config.toml is read only in its folder; build, test and run it there (its README.md says why)`;
}

/** The manifest text to write now: the planned one, or made again when another program changed the root since. */
export async function currentWorkspaceText(edit: WorkspaceEdit): Promise<string | undefined> {
  if (edit.contents === undefined) return undefined;
  const bytes = readManifestBytes(edit.manifest);
  if (!bytes) return refuse(`${showPath(edit.manifest)} disappeared while writing (another program removed it); retry`);
  if (edit.originalBytes ? bytes.equals(edit.originalBytes) : bytes.toString('utf8') === edit.original) return edit.contents;
  const text = manifestText(edit.manifest, bytes);
  const parse = await loadParser();
  return editFor(edit.manifest, text, parseToml(parse, edit.manifest, text), edit.member, parse, edit.layout);
}
