/**
 * Generating into a Cargo workspace (a monorepo with plop, or any folder under
 * a `[workspace]` manifest): cargo refuses a package the root does not list
 * ("current package believes it's in a workspace when it's not"), so the new
 * crate is added to `workspace.members`. The root manifest is edited as data:
 * parsed to decide, changed in one place, parsed again to check, its comments
 * and layout kept.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';

export interface WorkspaceEdit {
  /** The workspace's root Cargo.toml. */
  manifest: string;
  /** The member path as written into `members` (relative, forward slashes). */
  member: string;
  /** The new text of the root manifest, or undefined when it already covers the member. */
  contents?: string;
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

function readToml(parse: Parse, path: string): Record<string, unknown> {
  try {
    return parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${path} is not valid TOML (${(error as Error).message.split('\n')[0]}); fix it or generate elsewhere`);
  }
}

/** The nearest ancestor manifest with a [workspace] table, as cargo looks for it. */
async function findWorkspaceRoot(projectDirectory: string): Promise<{ manifest: string; table: Record<string, unknown>; parse: Parse } | undefined> {
  let directory = dirname(resolve(projectDirectory));
  let parse: Parse | undefined;
  for (;;) {
    const manifest = join(directory, 'Cargo.toml');
    if (existsSync(manifest)) {
      parse ??= await loadParser();
      const table = readToml(parse, manifest);
      if (table.workspace && typeof table.workspace === 'object') return { manifest, table, parse };
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** Cargo's member patterns: plain paths and `*` globs within one path segment. */
function matches(pattern: string, member: string): boolean {
  const normalized = pattern.replace(/\/+$/, '');
  const regex = new RegExp(`^${normalized.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return regex.test(member);
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** Adds `member` to the `members` array of the [workspace] section, touching nothing else. */
export function addMember(text: string, member: string): string {
  const header = /^\[workspace\][^\n]*\n/m.exec(text);
  if (!header) throw new Error('no [workspace] header');
  const sectionStart = header.index + header[0].length;
  const nextSection = text.slice(sectionStart).search(/^\[/m);
  const sectionEnd = nextSection < 0 ? text.length : sectionStart + nextSection;
  const section = text.slice(sectionStart, sectionEnd);
  const entry = JSON.stringify(member);
  const key = /^members\s*=\s*\[/m.exec(section);
  if (!key) return `${text.slice(0, sectionStart)}members = [${entry}]\n${text.slice(sectionStart)}`;
  const open = sectionStart + key.index + key[0].length;
  const close = text.indexOf(']', open);
  if (close < 0) throw new Error('unterminated members array');
  const inside = text.slice(open, close);
  const lastItem = inside.replace(/#[^\n]*/g, '').trimEnd();
  const comma = lastItem === '' || lastItem.endsWith(',') ? '' : ',';
  if (inside.includes('\n')) {
    // A multi-line array: one more line, indented like the others.
    const indent = /\n([ \t]+)\S/.exec(inside)?.[1] ?? '    ';
    const beforeClose = inside.replace(/[ \t]*$/, '');
    const trailing = inside.slice(beforeClose.length);
    const base = beforeClose.endsWith('\n') ? beforeClose : `${beforeClose}\n`;
    const fixed = comma ? base.replace(/(\S)([ \t]*(#[^\n]*)?\n)$/, `$1,$2`) : base;
    return `${text.slice(0, open)}${fixed}${indent}${entry},\n${trailing}${text.slice(close)}`;
  }
  const separator = lastItem === '' ? '' : `${comma} `;
  return `${text.slice(0, open)}${inside.trimEnd()}${separator}${entry}${text.slice(close)}`;
}

function profileWarning(table: Record<string, unknown>, manifest: string): string | undefined {
  const profile = (table.profile ?? {}) as Record<string, { panic?: unknown } | undefined>;
  const missing = ['dev', 'release'].filter((name) => profile[name]?.panic !== 'abort');
  if (missing.length === 0) return undefined;
  return `${manifest} sets the profiles of every member: add panic = "abort" to ${missing.map((name) => `[profile.${name}]`).join(' and ')} there, or host builds fail with "unwinding panics are not supported without std"`;
}

/** What generating into `projectDirectory` changes in a surrounding workspace, decided before anything is written. */
export async function planWorkspaceEdit(projectDirectory: string): Promise<WorkspaceEdit | undefined> {
  const root = await findWorkspaceRoot(projectDirectory);
  if (!root) return undefined;
  const member = relative(dirname(root.manifest), resolve(projectDirectory)).split(sep).join('/');
  const workspace = root.table.workspace as WorkspaceTable;
  const warning = profileWarning(root.table, root.manifest);
  // An excluded path is its own workspace root: nothing to add, and its own profiles apply.
  if (stringList(workspace.exclude).some((pattern) => matches(pattern, member))) return undefined;
  if (stringList(workspace.members).some((pattern) => matches(pattern, member))) {
    return { manifest: root.manifest, member, profileWarning: warning };
  }
  const original = readFileSync(root.manifest, 'utf8');
  let contents: string;
  try {
    contents = addMember(original, member);
    const after = root.parse(contents) as { workspace?: WorkspaceTable };
    if (!stringList(after.workspace?.members).includes(member)) throw new Error('member not found after the edit');
  } catch (error) {
    throw new UsageError(`could not add "${member}" to workspace.members in ${root.manifest} (${(error as Error).message}); add it by hand, then rerun with --force`);
  }
  return { manifest: root.manifest, member, contents, profileWarning: warning };
}

/** Writes the root manifest atomically (a temporary file renamed over it). */
export function applyWorkspaceEdit(edit: WorkspaceEdit): void {
  if (edit.contents === undefined) return;
  const temporary = `${edit.manifest}.create-freestanding-${process.pid}`;
  try {
    writeFileSync(temporary, edit.contents);
    renameSync(temporary, edit.manifest);
  } finally {
    rmSync(temporary, { force: true });
  }
}
