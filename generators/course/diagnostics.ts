/**
 * The compiler's answer, made comparable: cargo's --message-format=json lines
 * → diagnostics with paths, hashes, colours and exit wording normalized, and
 * the matcher that decides whether a step's declared diagnostics are all there.
 */
import type { DiagnosticSpec } from './manifest.js';

export interface Diagnostic {
  level: string;
  code?: string;
  message: string;
  /** Notes and help, the linker's own text among them (its command line left out). */
  children: string[];
}

export interface BuildOutput {
  success: boolean;
  diagnostics: Diagnostic[];
  /** Paths of the executables cargo produced. */
  executables: string[];
}

/** Text with the parts that change between machines and runs replaced. */
export function normalize(text: string, roots: Record<string, string> = {}): string {
  let out = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  // Longest first, so a project inside the target's parent keeps its own name.
  for (const [name, path] of Object.entries(roots).sort((a, b) => b[1].length - a[1].length)) {
    if (path) out = out.split(path).join(name);
  }
  return out
    .replace(/exit (?:code|status):? (-?\d+)/g, 'exit status: $1')
    .replace(/\/(?:usr\/)?lib\/gcc\/[^\s:()]+?\/\.\.\/\.\.\/\.\.\/(?:[^\s/:()]+\/)?/g, '$LIBC/')
    .replace(/-[0-9a-f]{16}\b/g, '-HASH')
    .replace(/\brustc[A-Za-z0-9]{6}\b/g, 'rustcTMP')
    .replace(/\.[a-z0-9]{20,}(\.[a-z0-9]+)*\.rcgu\.o/g, '.CGU.rcgu.o')
    .replace(/\(\.text(\.[\w$.]+)?\+0x[0-9a-f]+\)/g, '(.text$1+OFFSET)')
    .replace(/[ \t]+/g, ' ')
    .replace(/ +$/gm, '')
    .trim();
}

/** The linker's command line is long and differs per machine: not part of what a student sees. */
function isCommandLine(child: string): boolean {
  const text = child.trim();
  return text.startsWith('"') || text.startsWith('some arguments are omitted');
}

interface JsonMessage {
  message: string;
  level: string;
  code?: { code: string } | null;
  children?: JsonMessage[];
}

/** Parses cargo's JSON lines; stderr lines that are not JSON become diagnostics too (cargo's own errors). */
export function parseCargoOutput(stdout: string, stderr: string, exitCode: number): BuildOutput {
  const diagnostics: Diagnostic[] = [];
  const executables: string[] = [];
  let finished: boolean | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let record: { reason?: string; message?: JsonMessage; executable?: string | null; success?: boolean };
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (record.reason === 'compiler-message' && record.message) {
      const message = record.message;
      diagnostics.push({
        level: message.level,
        code: message.code?.code ?? undefined,
        message: message.message,
        children: (message.children ?? []).map((child) => child.message).filter((child) => child && !isCommandLine(child)),
      });
    } else if (record.reason === 'compiler-artifact' && record.executable) {
      executables.push(record.executable);
    } else if (record.reason === 'build-finished') {
      finished = record.success;
    }
  }
  for (const line of stderr.split('\n')) {
    const match = line.match(/^error(?:\[(E\d+)\])?: (.*)$/);
    // "could not compile" only repeats what the JSON said.
    if (match && !/^could not compile/.test(match[2])) diagnostics.push({ level: 'error', code: match[1], message: match[2], children: [] });
  }
  const success = exitCode === 0 && finished !== false;
  // A failure with no diagnostic at all (cargo not found, a crash): its last words are the diagnostic.
  if (!success && diagnostics.every((diagnostic) => diagnostic.level !== 'error')) {
    const last = stderr.trim().split('\n').at(-1);
    diagnostics.push({ level: 'error', message: last || `exited with ${exitCode}`, children: [] });
  }
  return { success, diagnostics, executables };
}

/** One diagnostic as a student would read it, normalized. */
export function formatDiagnostic(diagnostic: Diagnostic, roots: Record<string, string> = {}): string {
  const head = `${diagnostic.level}${diagnostic.code ? `[${diagnostic.code}]` : ''}: ${diagnostic.message}`;
  return normalize([head, ...diagnostic.children.map((child) => `  = ${child.replace(/\n/g, '\n    ')}`)].join('\n'), roots);
}

function searchable(diagnostic: Diagnostic): string {
  return normalize([diagnostic.message, ...diagnostic.children].join('\n'));
}

/** Does this diagnostic say what the spec declares? Code and message (or one of its alternatives). */
export function matchesSpec(diagnostic: Diagnostic, spec: DiagnosticSpec): boolean {
  const text = searchable(diagnostic);
  // Linker codes (LNK1561) live in the linker's text, compiler codes in the code field.
  if (spec.code && diagnostic.code !== spec.code && !text.includes(spec.code)) return false;
  return [spec.message, ...spec.any_of].some((wanted) => text.includes(normalize(wanted)));
}

export interface MatchResult {
  ok: boolean;
  /** The declared diagnostics no output diagnostic matched. */
  missing: DiagnosticSpec[];
}

/** A required subset: every declared diagnostic must appear; extra ones are fine. */
export function matchDiagnostics(diagnostics: Diagnostic[], specs: DiagnosticSpec[]): MatchResult {
  const missing = specs.filter((spec) => !diagnostics.some((diagnostic) => matchesSpec(diagnostic, spec)));
  return { ok: missing.length === 0, missing };
}

/** The line of the compiler's output that satisfied a declared diagnostic (for the table). */
export function matchedLine(diagnostics: Diagnostic[], spec: DiagnosticSpec): string | undefined {
  const diagnostic = diagnostics.find((candidate) => matchesSpec(candidate, spec));
  if (!diagnostic) return undefined;
  const lines = searchable(diagnostic).split('\n');
  const wanted = [spec.message, ...spec.any_of].map((text) => normalize(text));
  const line = lines.find((candidate) => wanted.some((text) => candidate.includes(text))) ?? lines[0];
  return `${diagnostic.code && line === lines[0] ? `${diagnostic.code} ` : ''}${line.trim()}`;
}
