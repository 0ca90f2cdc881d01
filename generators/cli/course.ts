/**
 * `course [dir]`, `course verify` and `check [dir]`: their own arguments and
 * output. Errors are UsageErrors (one line, exit 1), as for the create command.
 */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { editions } from '../core/catalogue.js';
import { checkName, defaults, nameForDirectory } from '../core/answers.js';
import { UsageError } from '../core/errors.js';
import { thisOs } from '../course/cargo.js';
import { checkCrate, formatCheck, readStepMarker } from '../course/check.js';
import { stepMarkerPath } from '../course/steps.js';
import { watchCrate } from '../course/watch.js';
import { showPath } from '../io/fs-errors.js';
import { builtInCourseFiles, emitCourse, emitModes, folderFiles, checkDestination, initCourse, workflowFile, type EmitMode } from '../course/emit.js';
import { builtInCourseDir, courseOses, courseSubcommands, loadCourse, type CourseOs } from '../course/manifest.js';
import { renderSteps } from '../course/steps.js';
import { formatTable, verifyCourse, verifyExitCode } from '../course/verify.js';
import { courseWorkflow, workflowPath } from '../course/workflow.js';
import { print, printError } from '../io/output.js';
import { askChoice, askText, onTerminal } from '../io/prompt.js';
import { oneOf } from './args.js';

export const courseUsage = `Usage: create-freestanding course [directory] [options]
       create-freestanding course init <directory> [-f] [--json]
       create-freestanding course verify [options]
       create-freestanding check [crate directory] [--from <dir>] [--json | --watch | --manual]

course: write "A Freestanding Rust Binary" step by step, each step a complete cargo project
  --os <os>            linux | windows | macos: whose link steps (default: this OS)
  --edition <year>     ${editions.join(' | ')} (default ${defaults.edition})
  --name <crate>       crate name of every step (default: from the directory)
  --emit <how>         folders (steps/NN-id/) | git (a commit and a tag step-NN-id per step) | both (default folders)
  --from <dir>         your own course: a folder with a course.toml and its templates
  --templates <dir>    files here replace the course's files of the same path, or add to them
  -y, --yes / -f, --force / --dry-run / --json
course init: copy the built-in course (course.toml, files/, recorded/) into <directory> as
  your own course to edit; it verifies as is: course verify --from <directory>
  (a folder named init: course ./init). With it, ${workflowPath}: GitHub Actions
  runs course verify --strict on stable, beta and nightly, on push and daily
  (--emit git|both of the built-in course writes one into the repository too)
course verify: build every step with the cargo on PATH and check what the compiler says
  --os, --edition, --from, --templates as above
  --linker <name>      rust-lld | gnu-ld (Linux), lld-link (Windows), ld64.lld (macOS)
  --cargo <command>    a cargo that builds cross targets (--target steps, another OS's link steps)
  --target <triple>    the triple another OS's link steps are built for
  --step <id>          only this step (repeatable)
  --record             save each step's normalized output in your course's recorded/ folder
                       (with --from; the installed package is never written: record a copy
                       made by course init, or give --out)
  --out <dir>          save and compare recordings there instead (--record-dir: the same)
  --strict             a step whose output differs from its recording does not match (exit 1):
                       the steps' READMEs quote the recordings (a course's CI runs with it)
  --json               the results as JSON (ok, notBuilt, steps)
  Exit status: 0 every step built matches, 1 a step does not match (or a usage error),
  3 none mismatched but some steps could not be built here ("not built: needs …")
  A step runs cargo ${courseSubcommands.join(', ')} only; verify builds (and runs) the course's code.
check: build your crate and say which step of the course it is at. In a step folder the course
  wrote, its marker (.freestanding-course.json) names the course and the step; elsewhere give
  --from <dir> for an author's course (default: the built-in one). It runs cargo build and
  cargo test --no-run (cargo check too, for a course with cargo check steps), never the program. A cargo build runs code of the crate, though:
  its build scripts (build.rs) and procedural macros, its dependencies' too, and a linker or
  rustc its .cargo/config.toml names; rustc wrappers (RUSTC_WRAPPER, build.rustc-wrapper)
  are switched off. Check only a crate you would build yourself.
  --watch              check again after each save in the crate (target/ and .git/ aside);
                       Enter checks now, q quits, Ctrl-C stops (exit 130)
  --manual             the same loop without watching files (where saves are not seen):
                       check again on Enter, q quits`;


const help = { help: { type: 'boolean', short: 'h' } } as const;

/** parseArgs with --help added; its result keeps each option's type (a string, a boolean, a list). */
function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...options, ...help } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0].split('. ')[0]}; see create-freestanding course --help`);
  }
}

const courseSource = {
  from: { type: 'string' },
  templates: { type: 'string' },
  os: { type: 'string' },
  edition: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

const ask = <T extends string>(message: string, choices: readonly T[], fallback: T): Promise<T> =>
  askChoice(message, choices.map((value) => ({ value, name: value })), fallback);

async function runCourse(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...courseSource, name: { type: 'string' }, emit: { type: 'string' },
    yes: { type: 'boolean', short: 'y', default: false }, force: { type: 'boolean', short: 'f', default: false }, 'dry-run': { type: 'boolean', default: false },
  });
  if (values.help) { print(courseUsage); return 0; }
  if (positionals.length > 1) throw new UsageError(`expected one directory, got ${positionals.length}: ${positionals.join(' ')}`);
  const interactive = !values.yes && onTerminal();
  let directory: string | undefined = positionals[0];
  let os = oneOf('os', values.os, courseOses);
  let emit = oneOf('emit', values.emit, emitModes);
  const edition = oneOf('edition', values.edition, editions) ?? defaults.edition;
  if (directory === undefined) {
    if (!interactive) throw new UsageError('no directory given: create-freestanding course <directory> (or run it on a terminal to be asked)');
    directory = await askText('Where should the course go?', 'freestanding-course', true);
  }
  if (directory === '') throw new UsageError('the directory must not be an empty string');
  if (os === undefined) os = interactive ? await ask<CourseOs>('Link steps for which OS?', courseOses, thisOs()) : thisOs();
  if (emit === undefined) emit = interactive ? await ask<EmitMode>('Write the steps as', emitModes, 'folders') : 'folders';
  const name = values.name ?? nameForDirectory(directory).name;
  const { problem, suggestion } = checkName(name, os === 'windows');
  if (problem) throw new UsageError(`${problem}; use --name ${suggestion}`);

  const course = loadCourse({ from: values.from, templates: values.templates });
  const states = renderSteps(course, { name, edition, os });
  // A repository of the built-in course verifies it; an author's course (--from, --templates) is not in the repository, so its folder carries the workflow.
  const builtIn = course.roots.length === 1 && course.roots[0] === builtInCourseDir();
  const workflow = builtIn && emit !== 'folders' ? courseWorkflow({ init: false, os }) : undefined;
  const workflowAt = workflow === undefined ? null : workflowFile(emit)!;
  const summary = { directory, os, edition, name, emit, steps: states.map((state) => ({ number: state.number, id: state.spec.id, slug: state.slug, title: state.spec.title, command: state.spec.command, expect: state.spec.expect })) };
  if (values['dry-run']) {
    checkDestination(directory, values.force, course.title, states, emit, workflow);
    const files = emit === 'git' ? [] : folderFiles(course.title, states, emit);
    if (values.json) print(JSON.stringify({ dryRun: true, ...summary, workflow: workflowAt, files: files.map((file) => ({ path: file.path, size: Buffer.byteLength(file.contents) })) }, null, 2));
    else {
      print(`Would write "${course.title}" (${states.length} steps, ${os}) to ${directory} as ${emit}:`);
      for (const state of states) print(`  ${state.slug}  ${state.spec.command}  (${state.spec.expect})`);
    }
    return 0;
  }
  // A run began when its process did: a prompt's wait counts, as another run may finish meanwhile.
  const written = await emitCourse(directory, course.title, states, emit, values.force, Date.now() - process.uptime() * 1000, workflow);
  if (values.json) print(JSON.stringify({ created: true, ...summary, workflow: workflowAt, files: written }, null, 2));
  else {
    print(`Wrote "${course.title}": ${states.length} steps for ${os} in ${directory} (${emit}).`);
    for (const state of states) print(`  ${emit === 'git' ? `step-${state.slug}` : `steps/${state.slug}`}  ${state.spec.title}`);
    if (workflowAt) print(`\nCI: ${workflowAt} (committed after the last step) runs course verify --os ${os} --strict on GitHub: stable, beta and nightly, on push and daily.`);
    else if (emit !== 'folders') {
      print(values.from !== undefined
        ? `\nNo CI workflow in the repository: its course is your folder ${showPath(values.from!)}, and the workflow that verifies it belongs there (${workflowPath}, as course init writes it).`
        : `\nNo CI workflow in the repository: the course came with your --templates folder, which it does not hold; verify with course verify --templates <dir>.`);
    }
    print('\nIn your own crate, `create-freestanding check` tells you which step you are at.');
  }
  return 0;
}

async function runVerify(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...courseSource, linker: { type: 'string' }, cargo: { type: 'string' }, target: { type: 'string' },
    step: { type: 'string', multiple: true }, record: { type: 'boolean', default: false }, strict: { type: 'boolean', default: false }, out: { type: 'string' }, 'record-dir': { type: 'string' }, name: { type: 'string' },
  });
  if (values.help) { print(courseUsage); return 0; }
  if (positionals.length > 0) throw new UsageError(`course verify takes no directory (got "${positionals[0]}"); use --from <dir> for your own course`);
  const course = loadCourse({ from: values.from, templates: values.templates });
  const only = values.step;
  for (const id of only ?? []) if (!course.steps.some((step) => step.id === id)) throw new UsageError(`--step ${id}: no such step; the course has ${course.steps.map((step) => step.id).join(', ')}`);
  const json = values.json;
  const results = await verifyCourse(course, {
    os: oneOf('os', values.os, courseOses) ?? thisOs(),
    edition: oneOf('edition', values.edition, editions) ?? defaults.edition,
    name: values.name ?? 'course_step',
    linker: values.linker,
    // A path is resolved here: steps build in folders of their own.
    crossCargo: typeof values.cargo === 'string' && values.cargo.includes('/') ? resolve(values.cargo) : values.cargo,
    triple: values.target,
    record: values.record,
    strict: values.strict,
    recordDir: values.out ?? values['record-dir'],
    only,
  }, (line) => printError(`verify: ${line}`));
  const exitCode = verifyExitCode(results);
  if (json) print(JSON.stringify({ ok: exitCode === 0, exitCode, notBuilt: results.filter((result) => result.status === 'not built').map((result) => ({ id: result.id, needs: result.needs })), steps: results }, null, 2));
  else print(formatTable(results));
  return exitCode;
}

async function runCheck(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    from: { type: 'string' }, templates: { type: 'string' }, json: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false }, manual: { type: 'boolean', default: false },
  });
  if (values.help) { print(courseUsage); return 0; }
  const loop = values.watch || values.manual;
  if (loop && values.json) throw new UsageError(`--${values.watch ? 'watch' : 'manual'} prints each check as text, not JSON: drop --json (or run check --json after each change)`);
  if (positionals.length > 1) throw new UsageError(`expected one crate directory, got ${positionals.length}`);
  const crate = positionals[0] ?? '.';
  // An emitted step names its course: an author's course is found with no --from (a flag wins over it).
  const marker = readStepMarker(resolve(crate));
  let from = values.from;
  if (from === undefined && values.templates === undefined && marker?.from) {
    from = marker.from;
    try {
      loadCourse({ from });
    } catch (error) {
      throw new UsageError(`this step's marker (${stepMarkerPath}) names the course at ${showPath(from)}, which cannot be read (${(error as Error).message.split(';')[0]}); pass --from <your course folder>`);
    }
  }
  const course = loadCourse({ from, templates: values.templates });
  if (loop) {
    const log = (line: string) => printError(`check: ${line}`);
    return watchCrate(resolve(crate), { manual: values.manual, check: async () => formatCheck(await checkCrate(course, crate, log, marker)) });
  }
  const result = await checkCrate(course, crate, values.json ? () => {} : (line) => printError(`check: ${line}`), marker);
  print(values.json ? JSON.stringify(result, null, 2) : formatCheck(result));
  return result.final ? 0 : 1;
}

async function runInit(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { force: { type: 'boolean', short: 'f', default: false }, json: { type: 'boolean', default: false } });
  if (values.help) { print(courseUsage); return 0; }
  if (positionals.length !== 1 || positionals[0] === '') throw new UsageError('course init takes one directory: create-freestanding course init <directory>');
  const directory = positionals[0];
  const files = [...builtInCourseFiles(builtInCourseDir()), { path: workflowPath, contents: courseWorkflow({ init: true }) }];
  const written = await initCourse(directory, files, values.force, Date.now() - process.uptime() * 1000);
  if (values.json) print(JSON.stringify({ ok: true, created: true, directory: resolve(directory), files: written }, null, 2));
  else {
    print(`Wrote an editable copy of the built-in course to ${directory} (${written.length} files).`);
    print(`Check it still builds as recorded: create-freestanding course verify --from ${directory}`);
    print(`On GitHub, with the folder as a repository's root, ${workflowPath} does that on stable, beta and nightly, on every push and daily.`);
    print(`Write it out for students: create-freestanding course <dir> --from ${directory}`);
  }
  return 0;
}

/** argv[0] is "course" or "check". */
export async function runCourseCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'check') return runCheck(argv.slice(1));
  if (argv[1] === 'init') return runInit(argv.slice(2));
  if (argv[1] === 'verify') return runVerify(argv.slice(2));
  return runCourse(argv.slice(1));
}
