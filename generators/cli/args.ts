/** Command line → typed options. No prompting, no file system: just what the user said. */
import { parseArgs } from 'node:util';
import {
  catalogue, editions, findTarget, linkArgModes, templateNames,
  type Edition, type LinkArgMode, type TemplateName,
} from '../core/catalogue.js';
import { UsageError } from '../core/errors.js';

export interface CreateOptions {
  command: 'create';
  directory?: string;
  target?: string;
  template?: TemplateName;
  edition?: Edition;
  name?: string;
  linkArgs?: LinkArgMode;
  /** A folder laid over the built-in templates. */
  templates?: string;
  yes: boolean;
  force: boolean;
  dryRun: boolean;
  verify: boolean;
  json: boolean;
}

export type CliOptions =
  | CreateOptions
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'list-targets'; json: boolean }
  | { command: 'doctor'; target?: string; json: boolean };

export const usage = `Usage: create-freestanding [directory] [options]
       create-freestanding doctor [--target <id>] [--json]

Scaffold a freestanding Rust binary (#![no_std], #![no_main], own entry point).

Options:
  -t, --target <id>       what to build for (default: host); see --list-targets
      --template <name>   hello (prints "Hello, world!" and exits 0) | minimal (the post's loop {})
      --edition <year>    ${editions.join(' | ')} (default 2024)
      --name <crate>      crate name (default: the directory's base name)
      --link-args <where> build-rs (default) | cargo-config; host targets only
      --templates <dir>   your templates laid over the built-in ones (same path replaces, others are added)
  -y, --yes               never prompt: defaults for everything not given
  -f, --force             allow a non-empty directory: overwrite only generated files, delete nothing
      --dry-run           print the files it would write; write nothing
      --verify            after generating, build (and run where possible) the project
      --list-targets      print the target catalogue (with --json: a JSON array)
      --json              machine-readable output
  -h, --help              show this help
  -v, --version           show the version

doctor: check what a target needs on this machine (cargo, its core, linker, QEMU)
and print the command that fixes each missing piece.`;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/** The flag each kind of value belongs to, to rebuild a command npm has taken apart. */
function flagForValue(value: string): string | undefined {
  if (findTarget(value)) return `-t ${value}`;
  if ((templateNames as readonly string[]).includes(value)) return `--template ${value}`;
  if ((editions as readonly string[]).includes(value)) return `--edition ${value}`;
  if ((linkArgModes as readonly string[]).includes(value)) return `--link-args ${value}`;
  return undefined;
}

/** Boolean flags npm keeps as its own config (`npm_config_<name>`) when given before "--". */
const npmKeptSwitches = ['yes', 'force', 'dry-run', 'verify', 'json'] as const;

/**
 * `npm create freestanding my-os -t linux --template hello` reaches us as three
 * positionals: npm parses the flags itself and passes their values on. When run
 * by npm and every extra word is such a value, the `--` form that works.
 */
export function npmAteFlags(positionals: string[], env: NodeJS.ProcessEnv): string | undefined {
  if (env.npm_command === undefined && env.npm_execpath === undefined) return undefined;
  const flags = positionals.slice(1).map(flagForValue);
  if (flags.some((flag) => flag === undefined)) return undefined;
  const switches = npmKeptSwitches.filter((name) => env[`npm_config_${name.replace('-', '_')}`] === 'true').map((name) => `--${name}`);
  return `npm create freestanding@latest ${positionals[0]} -- ${[...flags, ...switches].join(' ')}`;
}

export function parseCommandLine(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string', short: 't' },
        template: { type: 'string' },
        edition: { type: 'string' },
        name: { type: 'string' },
        'link-args': { type: 'string' },
        templates: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        force: { type: 'boolean', short: 'f', default: false },
        'dry-run': { type: 'boolean', default: false },
        verify: { type: 'boolean', default: false },
        'list-targets': { type: 'boolean', default: false },
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
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  if (values['list-targets']) return { command: 'list-targets', json: values.json };

  const target = values.target;
  if (target !== undefined && !findTarget(target)) {
    throw new UsageError(`unknown target "${target}"; choose one of: ${catalogue.map((t) => t.id).join(', ')}`);
  }

  if (positionals[0] === 'doctor') {
    if (positionals.length > 1) throw new UsageError(`doctor takes no directory (got "${positionals[1]}")`);
    return { command: 'doctor', target, json: values.json };
  }
  if (positionals.length > 1) {
    const npmForm = npmAteFlags(positionals, process.env);
    if (npmForm) throw new UsageError(`npm kept the flags for itself and passed on only their values; put them after "--": ${npmForm}`);
    throw new UsageError(`expected one directory, got ${positionals.length}: ${positionals.join(' ')}`);
  }

  const linkArgs = oneOf('link-args', values['link-args'], linkArgModes);
  if (positionals[0] === '') throw new UsageError('the directory must not be an empty string');
  return {
    command: 'create',
    directory: positionals[0],
    target,
    template: oneOf('template', values.template, templateNames),
    edition: oneOf('edition', values.edition, editions),
    name: values.name,
    linkArgs,
    templates: values.templates,
    yes: values.yes,
    force: values.force,
    dryRun: values['dry-run'],
    verify: values.verify,
    json: values.json,
  };
}
