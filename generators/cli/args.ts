/** Command line → typed options. No prompting, no file system: just what the user said. */
import { parseArgs } from 'node:util';
import {
  boards, editions, findBoard, findTarget, linkArgModes, programTemplates, templateNames, unknownTargetMessage,
  type LinkArgMode,
} from '../core/catalogue.js';
import { defaults } from '../core/answers.js';
import { ciProviders } from '../core/ci.js';
import { UsageError } from '../core/errors.js';
import { posixWord } from '../core/shell.js';
import { closest, didYouMean } from '../core/nearest.js';

export interface CreateOptions {
  command: 'create';
  directory?: string;
  /** As given: checked with the other answers, so that a terminal can ask again. */
  target?: string;
  template?: string;
  edition?: string;
  name?: string;
  linkArgs?: LinkArgMode;
  /** As given: checked with the other answers (core/ci.ts lists the choices). */
  ci?: string;
  /** A folder laid over the built-in templates. */
  templates?: string;
  yes: boolean;
  force: boolean;
  dryRun: boolean;
  verify: boolean;
  json: boolean;
  /** npm kept -y for itself: the way to pass it (the "--" form), for when a question is left. */
  npmKeptYes?: string;
}

export type CliOptions =
  | CreateOptions
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'list-targets'; json: boolean }
  | { command: 'list-boards'; json: boolean }
  | { command: 'doctor'; target?: string; json: boolean };

export const usage = `Usage: create-freestanding [directory] [options]
       create-freestanding doctor [--target <id>] [--json]
       create-freestanding help                (a directory named help: ./help)
       create-freestanding course [directory] | course verify | check [crate]   (course --help)

Scaffold a freestanding Rust binary (#![no_std], #![no_main], own entry point).

Options:
  -t, --target <id>       what to build for (default: ${defaults.target}); see --list-targets
      --board <id>        a real board QEMU models: ${boards.map((board) => board.id).join(', ')} (see --list-boards)
      --template <name>   ${templateNames.map((name) => `${name} (${programTemplates[name].summary})`).join(' | ')}; default ${defaults.template}
      --edition <year>    ${editions.join(' | ')} (default ${defaults.edition})
      --name <crate>      crate name (default: the directory's base name)
      --link-args <where> ${linkArgModes.join(' | ')} (default ${defaults.linkArgs}); host targets only
      --ci <provider>     ${ciProviders.join(' | ')} (default ${defaults.ci}): github adds .github/workflows/ci.yml
      --templates <dir>   your templates laid over the built-in ones (same path replaces, others are added)
  -y, --yes               never prompt: defaults for everything not given
  -f, --force             allow a non-empty directory: overwrite only generated files, delete nothing
      --dry-run           print the files it would write; write nothing
      --verify            after generating, build (and run where possible) the project
      --list-targets      print the target catalogue, boards included (with --json: a JSON array)
      --list-boards       print the real boards: chip, UART, image, QEMU machine (with --json: a JSON array)
      --json              machine-readable output
  -h, --help              show this help
  -v, --version           show the version
A first "--" is skipped, as launchers pass it on (npx create-freestanding my-os -- -y).
Under npm create, npm keeps flags before "--" for itself: the tool says so and prints the command to run.

doctor: check what a target needs on this machine (cargo, its core, linker, QEMU)
and print the command that fixes each missing piece.
course: write "A Freestanding Rust Binary" as steps, each a cargo project; course verify builds them.
check: say which step of the course your crate is at, and what comes next.`;

/** A flag's value among `allowed` (undefined when not given); else one line naming the choices and the closest. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")${didYouMean(closest(value, allowed))}`);
}

/**
 * Our flags as npm names them when it keeps them (`npm_config_<env>`): npm
 * reads -y as yes and -f as force, and keeps -t as t. A flag that takes a
 * value gets "true" when written with a space (its value goes on to us as a
 * word), or the value itself when written with "=".
 */
const npmKept: { env: string; flag: string; takes?: (word: string) => boolean; free?: true }[] = [
  { env: 't', flag: '-t', takes: (word) => findTarget(word) !== undefined },
  // Only a catalogue id counts: npm_config_target is also node-gyp's (an Electron version, say).
  { env: 'target', flag: '--target', takes: (word) => findTarget(word) !== undefined },
  { env: 'board', flag: '--board', takes: (word) => findBoard(word) !== undefined },
  { env: 'template', flag: '--template', takes: (word) => (templateNames as readonly string[]).includes(word) },
  { env: 'edition', flag: '--edition', takes: (word) => (editions as readonly string[]).includes(word) },
  { env: 'link_args', flag: '--link-args', takes: (word) => (linkArgModes as readonly string[]).includes(word) },
  { env: 'ci', flag: '--ci', takes: (word) => (ciProviders as readonly string[]).includes(word) },
  { env: 'name', flag: '--name', takes: () => true, free: true },
  { env: 'templates', flag: '--templates', takes: () => true, free: true },
  { env: 'force', flag: '--force' }, { env: 'dry_run', flag: '--dry-run' }, { env: 'verify', flag: '--verify' },
  { env: 'json', flag: '--json' }, { env: 'list_targets', flag: '--list-targets' }, { env: 'list_boards', flag: '--list-boards' }, { env: 'yes', flag: '--yes' },
];

/** What npm kept of the user's flags, and the command that passes them all on. */
export interface NpmKept {
  /** The flags npm kept, as the user may have typed them. */
  flags: string[];
  /** The way out and the same command with every flag after "--" (npx for npm exec: it passes all that follows the package). */
  fix: string;
}

/**
 * `npm create freestanding my-os -t linux --dry-run` reaches us as `my-os
 * linux` with npm_config_t and npm_config_dry_run set: npm keeps every flag
 * before "--" for itself. Rebuilt from those variables and the words npm
 * passed on, with the flags we did get. Only under npm create/init/exec
 * (npm_command init or exec); other launchers pass every flag.
 */
export function npmKeptFlags(
  positionals: string[], ownFlags: string[], given: (flag: string) => boolean, env: NodeJS.ProcessEnv,
): NpmKept | undefined {
  if (env.npm_command !== 'init' && env.npm_command !== 'exec') return undefined;
  const kept: { flag: string; takes?: (word: string) => boolean; free?: true; value?: string; split: boolean }[] = [];
  for (const spec of npmKept) {
    const raw = env[`npm_config_${spec.env}`];
    if (raw === undefined || raw === '' || raw === 'false' || given(spec.flag)) continue;
    if (!spec.takes) {
      if (raw === 'true') kept.push({ flag: spec.flag, split: false });
    } else if (raw === 'true') kept.push({ flag: spec.flag, takes: spec.takes, free: spec.free, split: true });
    else if (spec.takes(raw)) kept.push({ flag: spec.flag, takes: spec.takes, free: spec.free, value: raw, split: false });
  }
  if (kept.length === 0) return undefined;
  // Each word npm passed on is the directory or the value of a flag it kept (a catalogue value first, then a name or a folder).
  // The directory is most likely first (`my-os -t linux`), but may follow the flags (`-t linux my-os`) or be absent.
  const assign = (directoryAt: number | undefined) => {
    const values = new Map<(typeof kept)[number], string>();
    const owner = (word: string, free: boolean) => kept.find((entry) => entry.split && !values.has(entry)
      && (free ? entry.free === true : entry.free === undefined && entry.takes!(word)));
    for (const [at, word] of positionals.entries()) {
      if (at === directoryAt) continue;
      const entry = owner(word, false) ?? owner(word, true);
      if (!entry) return undefined;
      values.set(entry, word);
    }
    const complete = kept.every((entry) => !entry.split || values.has(entry));
    return { values, complete, directory: directoryAt === undefined ? undefined : positionals[directoryAt] };
  };
  const attempts = [...positionals.keys(), undefined].map(assign).filter((attempt) => attempt !== undefined);
  // Words no kept flag explains: not npm's doing, so the usual "one directory" error stands.
  const best = attempts.find((attempt) => attempt.complete) ?? attempts[0];
  if (best === undefined) return undefined;
  const rendered = kept.map((entry) => {
    if (!entry.takes) return entry.flag;
    const value = entry.value ?? best.values.get(entry);
    return `${entry.flag} ${value === undefined ? '<value>' : posixWord(value)}`;
  });
  const directory = best.directory === undefined ? [] : [posixWord(best.directory)];
  const form = env.npm_command === 'init'
    ? ['npm create freestanding@latest', ...directory, '--', ...rendered, ...ownFlags]
    : ['npx create-freestanding', ...directory, ...rendered, ...ownFlags];
  const how = env.npm_command === 'init' ? `put ${kept.length > 1 ? 'them' : 'it'} after "--"` : 'npx passes every flag';
  return { flags: kept.map((entry) => entry.flag), fix: `${how}: ${form.join(' ')}` };
}

export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  // npx, pnpm, yarn 4 and bun pass on a "--" the user typed for npm's sake: `p1 -- -t linux` means `p1 -t linux`.
  // Only the first goes; a second still ends the options (a directory named "-x": `-- -- -x`, or `./-x`).
  const dash = argv.indexOf('--');
  const args = dash === -1 ? argv : [...argv.slice(0, dash), ...argv.slice(dash + 1)];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        target: { type: 'string', short: 't' },
        board: { type: 'string' },
        template: { type: 'string' },
        edition: { type: 'string' },
        name: { type: 'string' },
        'link-args': { type: 'string' },
        ci: { type: 'string' },
        templates: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        force: { type: 'boolean', short: 'f', default: false },
        'dry-run': { type: 'boolean', default: false },
        verify: { type: 'boolean', default: false },
        'list-targets': { type: 'boolean', default: false },
        'list-boards': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--foo'. To specify a positional…"; keep its first sentence, add the way out.
    const first = (error as Error).message.split('\n')[0].split('. ')[0].replace(/[.;:]+$/, '');
    // "Option '--name <value>' argument is ambiguous": a value starting with "-" must be attached with "=".
    const ambiguous = /^Option '(--[\w-]+)/.exec(first);
    const hint = ambiguous && first.includes('ambiguous') ? `; to pass a value starting with "-", write ${ambiguous[1]}=<value>` : '';
    throw new UsageError(`${first}${hint}; see --help`);
  }
  const { values, positionals, tokens } = parsed;

  // Before anything runs: a flag npm kept (a --dry-run above all) must not be lost into a write.
  const ownFlags = tokens.flatMap((token) => {
    if (token.kind !== 'option') return [];
    if (token.value === undefined) return [token.rawName];
    return token.inlineValue ? [`${token.rawName}=${posixWord(token.value)}`] : [token.rawName, posixWord(token.value)];
  });
  const given = (flag: string) => {
    const name = flag === '-t' ? 'target' : flag.slice(2);
    return (values as Record<string, unknown>)[name] !== undefined && (values as Record<string, unknown>)[name] !== false;
  };
  const kept = npmKeptFlags(positionals, ownFlags, given, env);
  // A kept -y alone changes nothing when no question is left: answers.ts says so only when one is.
  if (kept && kept.flags.some((flag) => flag !== '--yes')) {
    throw new UsageError(`npm kept ${kept.flags.join(', ')} for itself and passed on only what follows "--"; ${kept.fix}`);
  }

  // `help` as the only word is the help; a directory named help is `./help`.
  if (values.help || (positionals.length === 1 && positionals[0] === 'help')) return { command: 'help' };
  if (values.version) return { command: 'version' };
  if (values['list-targets']) return { command: 'list-targets', json: values.json };
  if (values['list-boards']) return { command: 'list-boards', json: values.json };

  // A board is a target of the same id: --board names one of them, and only those.
  if (values.board !== undefined && !findBoard(values.board)) throw new UsageError(unknownBoard(values.board));
  if (values.board !== undefined && values.target !== undefined && values.board !== values.target) {
    throw new UsageError(`--board ${values.board} and --target ${values.target} disagree: a board is its own target, give one of them`);
  }
  const target = values.board ?? values.target;
  if (positionals[0] === 'doctor') {
    if (positionals.length > 1) throw new UsageError(`doctor takes no directory (got "${positionals[1]}")`);
    if (target !== undefined && !findTarget(target)) throw new UsageError(unknownTarget(target));
    return { command: 'doctor', target, json: values.json };
  }
  if (positionals.length > 1) throw new UsageError(`expected one directory, got ${positionals.length}: ${positionals.join(' ')}`);

  const linkArgs = oneOf('link-args', values['link-args'], linkArgModes);
  if (positionals[0] === '') throw new UsageError('the directory must not be an empty string');
  return {
    command: 'create',
    directory: positionals[0],
    // Target, template and edition are checked with the other answers, before the first question (answers.ts).
    target,
    template: values.template,
    edition: values.edition,
    name: values.name,
    linkArgs,
    ci: values.ci,
    templates: values.templates,
    yes: values.yes,
    force: values.force,
    dryRun: values['dry-run'],
    verify: values.verify,
    json: values.json,
    npmKeptYes: kept?.fix,
  };
}

/** An unknown board in one line: the near ones, or every board. */
export function unknownBoard(board: string): string {
  const ids = boards.map((entry) => entry.id);
  const near = closest(board, ids);
  return near.length > 0
    ? `unknown board "${board}"${didYouMean(near)} (--list-boards shows them all)`
    : `unknown board "${board}"; choose one of: ${ids.join(', ')} (or a bare target with --target)`;
}

/** The core's line for an unknown target; where it names only the near ones, the flag that lists them all. */
export function unknownTarget(target: string): string {
  const { message, near } = unknownTargetMessage(target);
  return near.length > 0 ? `${message} (--list-targets shows them all)` : message;
}
