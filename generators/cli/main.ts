/**
 * The command: args → answers → the core's scaffold (→ verify), then the
 * result in words or JSON. Every expected failure ends as one line on stderr
 * and a non-zero exit status. Nothing runs at import but `run()` at the end.
 */
import { boards, catalogue, describeBoard, describeTarget } from '../core/catalogue.js';
import { loadOwnFilesWith, packageVersion } from '../core/render.js';
import type { ScaffoldResult, shownResult } from '../scaffold.js';
import { parseCommandLine, usage, type CreateOptions } from './args.js';
import { askOnTerminal, resolveAnswers } from './answers.js';
import { runCommand } from './run.js';
import { print, printError } from '../io/output.js';
import { onTerminal } from '../io/prompt.js';
import { escapeControls, showText } from '../core/shell.js';

function listTargets(json: boolean): string {
  if (json) return JSON.stringify(catalogue.map(describeTarget), null, 2);
  const width = Math.max(...catalogue.map((target) => target.id.length));
  return catalogue
    .map((target) => `${target.id.padEnd(width)}  ${target.kind.padEnd(10)}  ${target.description}\n${' '.repeat(width + 14)}runs: ${target.runs}`)
    .join('\n');
}

function listBoards(json: boolean): string {
  if (json) return JSON.stringify(boards.map(describeBoard), null, 2);
  const width = Math.max(...boards.map((board) => board.id.length));
  return boards
    .map((board) => `${board.id.padEnd(width)}  ${board.name}, ${board.chip} (${board.triple})\n${' '.repeat(width + 2)}hello on ${board.uart.name}; image: ${board.image.file ?? (board.image.format === 'ihex' ? 'Intel HEX' : 'raw .bin')} at ${board.image.address}; QEMU: ${board.qemu.program} -machine ${board.qemu.machine}`)
    .join('\n');
}

/** Every path and name as shown (control characters escaped), so a directory named "x\nNext steps: …" cannot forge lines. */
function printResult(result: ScaffoldResult, { addedTo, nextSteps }: ReturnType<typeof shownResult>, options: CreateOptions): void {
  const { answers } = result;
  const directory = showText(answers.directory);
  if (options.dryRun) {
    const lines = [`Would write ${result.files.length} files to ${directory}:`, ...result.files.map((file) => `  ${showText(file.path)}  (${file.size} bytes)`)];
    if (addedTo) lines.push(`Would add ${addedTo}`);
    print(lines.join('\n'));
    return;
  }
  const lines = [`Created ${showText(answers.name)} in ${directory}: ${answers.target}, ${answers.template}, edition ${answers.edition} (${result.files.length} files).`];
  if (addedTo) lines.push(`Added ${addedTo}.`);
  lines.push('', 'Next steps:', ...nextSteps);
  print(lines.join('\n'));
}

async function create(options: CreateOptions): Promise<number> {
  // onTerminal is asked only when an answer is missing: the flag path never loads node:tty.
  const input = await resolveAnswers(options, {
    interactive: onTerminal, ask: askOnTerminal, warn: (line) => printError(`create-freestanding: ${escapeControls(line)}`),
  });
  const { scaffold, shownResult } = await import('../scaffold.js');
  const result = await scaffold(input, {
    force: options.force, dryRun: options.dryRun, templates: options.templates,
    // A run began when its process did: a prompt's wait counts, as another run may finish meanwhile.
    // (Not performance.timeOrigin: the global `performance` loads nine modules on first use.)
    startedAt: Date.now() - process.uptime() * 1000,
  });
  // Notes are warnings, not errors: e.g. the workspace root's profiles are its owner's to change.
  const shown = shownResult(result);
  for (const note of shown.notes) printError(`create-freestanding: note: ${note}`);
  // Each answer once, at the top; `directory` the absolute path written (the answer may be relative).
  const { answers: given, ...rest } = result;
  const summary = { ok: true, ...given, ...rest };
  if (!options.json) printResult(result, shown, options);
  if (options.verify && !options.dryRun) {
    const { verifyProject } = await import('../toolchain/verify.js');
    const verified = await verifyProject(result.answers, { json: options.json });
    if (options.json) print(JSON.stringify({ ...summary, created: true, verify: verified }, null, 2));
    return verified.ok ? 0 : 1;
  }
  if (options.json) print(JSON.stringify(options.dryRun ? { ...summary, dryRun: true } : { ...summary, created: true }, null, 2));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const options = parseCommandLine(argv);
  switch (options.command) {
    case 'help':
      print(argv.includes('--json') ? JSON.stringify({ ok: true, usage }) : usage);
      return 0;
    case 'version':
      print(argv.includes('--json') ? JSON.stringify({ ok: true, version: packageVersion() }) : packageVersion());
      return 0;
    case 'list-targets':
      print(listTargets(options.json));
      return 0;
    case 'list-boards':
      print(listBoards(options.json));
      return 0;
    case 'doctor': {
      const { runDoctor } = await import('../toolchain/doctor.js');
      return runDoctor(options);
    }
    case 'create':
      return create(options);
  }
}

/** Runs the command; `requireOwnFile`, from the start (dist/start.cjs), loads the package's templates as it loaded this bundle. */
export function run(argv: string[], requireOwnFile?: (path: string) => unknown): void {
  if (requireOwnFile) loadOwnFilesWith(requireOwnFile);
  // The course is a front end of its own, loaded only for its commands.
  if (argv[0] === 'course' || argv[0] === 'check') void import('./course-entry.js').then((course) => course.run(argv));
  else runCommand(argv, main);
}
