/**
 * The command: args → answers → plan → render → write (→ verify). Every
 * expected failure ends as one line on stderr and a non-zero exit status.
 */
import { readFileSync } from 'node:fs';
import { catalogue, describeTarget } from '../core/catalogue.js';
import { parseCommandLine, usage, type CreateOptions } from './args.js';
import { askOnTerminal, resolveAnswers } from './answers.js';
import { CancelledError, UsageError } from '../core/errors.js';
import { generateFiles } from '../core/freestanding.js';
import { nextSteps } from '../core/next-steps.js';
import { checkDestination, removeStagingFolders, writeProject } from '../io/write.js';
import { planWorkspaceEdit } from '../io/workspace.js';

function packageVersion(): string {
  const manifest = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function listTargets(json: boolean): string {
  if (json) return JSON.stringify(catalogue.map(describeTarget), null, 2);
  const width = Math.max(...catalogue.map((target) => target.id.length));
  return catalogue
    .map((target) => `${target.id.padEnd(width)}  ${target.kind.padEnd(10)}  ${target.description}\n${' '.repeat(width + 14)}runs: ${target.runs}`)
    .join('\n');
}

async function create(options: CreateOptions): Promise<number> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const answers = await resolveAnswers(options, { interactive, ask: askOnTerminal });
  const files = generateFiles(answers);
  const listing = files.map((file) => ({ path: file.path, size: Buffer.byteLength(file.contents) }));
  const steps = nextSteps(answers);
  const workspace = await planWorkspaceEdit(answers.directory);
  const workspaceSummary = workspace && { manifest: workspace.manifest, member: workspace.member, added: workspace.contents !== undefined };
  const summary = { ...answers, files: listing, ...(workspaceSummary ? { workspace: workspaceSummary } : {}), nextSteps: steps };

  if (options.dryRun) {
    checkDestination(answers.directory, files, options.force); // a dry run refuses what the real one would
    if (options.json) console.log(JSON.stringify({ dryRun: true, ...summary }, null, 2));
    else {
      console.log(`Would write ${files.length} files to ${answers.directory}:`);
      for (const file of listing) console.log(`  ${file.path}  (${file.size} bytes)`);
      if (workspace?.contents) console.log(`Would add "${workspace.member}" to workspace.members in ${workspace.manifest}`);
    }
    return 0;
  }

  writeProject(answers.directory, files, options.force, workspace);
  // A warning, not an error: the root's profiles are its owner's to change.
  if (workspace?.profileWarning) console.error(`create-freestanding: note: ${workspace.profileWarning}`);
  if (options.json && !options.verify) {
    console.log(JSON.stringify({ created: true, ...summary }, null, 2));
  } else if (!options.json) {
    console.log(`Created ${answers.name} in ${answers.directory}: ${answers.target}, ${answers.template}, edition ${answers.edition} (${files.length} files).`);
    if (workspace?.contents) console.log(`Added "${workspace.member}" to workspace.members in ${workspace.manifest}.`);
    console.log('\nNext steps:');
    for (const step of steps) console.log(`  ${step}`);
  }
  if (options.verify) {
    const { verifyProject } = await import('../toolchain/verify.js');
    const result = await verifyProject(answers, { json: options.json });
    if (options.json) console.log(JSON.stringify({ created: true, ...summary, verify: result }, null, 2));
    return result.ok ? 0 : 1;
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'course' || argv[0] === 'check') return (await import('../course/cli.js')).runCourseCommand(argv);
  const options = parseCommandLine(argv);
  switch (options.command) {
    case 'help':
      console.log(usage);
      return 0;
    case 'version':
      console.log(packageVersion());
      return 0;
    case 'list-targets':
      console.log(listTargets(options.json));
      return 0;
    case 'doctor': {
      const { runDoctor } = await import('../toolchain/doctor.js');
      return runDoctor(options);
    }
    case 'create':
      return create(options);
  }
}

process.on('SIGINT', () => {
  removeStagingFolders();
  process.exit(130);
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    removeStagingFolders();
    if (error instanceof UsageError || error instanceof CancelledError) {
      console.error(`create-freestanding: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(`create-freestanding: internal error: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = 70;
    }
  },
);
