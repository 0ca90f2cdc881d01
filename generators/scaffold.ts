/**
 * The pipeline behind every front end (CLI, plop pack, library API), above
 * the pure core and the io layer: answers → checked answers → plan →
 * rendered files → (write) → a result each front end formats. Nothing here
 * prompts, prints or names a CLI flag.
 */
import { resolve } from 'node:path';
import { checkArguments, generateOptionTypes, scaffoldOptionTypes } from './core/arguments.js';
import { checkAnswers, validateAnswers, type Answers, type AnswersInput } from './core/answers.js';
import { nextSteps } from './core/next-steps.js';
import { findTarget } from './core/catalogue.js';
import { planProject, type PlanOptions, type ProjectPlan } from './core/plan.js';
import { renderPlan, templateReader, type RenderedFile } from './core/render.js';
import { escapeControls, showText } from './core/shell.js';
import { readOverlay } from './io/overlay.js';

export interface GenerateOptions {
  /** A folder whose files replace the built-in templates at the same relative path; new files there are added. */
  templates?: string;
  /** The crate joins a Cargo workspace: the root's profiles apply, so the crate gets none of its own. */
  inWorkspace?: boolean;
}

export interface ScaffoldOptions extends Pick<GenerateOptions, 'templates'> {
  /** Allow a non-empty destination: overwrite only the generated files, delete nothing. */
  force?: boolean;
  /** Decide and check everything a real run would, write nothing. */
  dryRun?: boolean;
  /**
   * When this run began, in ms since the epoch (default: the call). Of two runs
   * on one destination or workspace root, one that finished writing after this
   * run began wins, and this one stops. The CLI passes its process's start.
   */
  startedAt?: number;
}

export interface ScaffoldResult {
  answers: Answers;
  /** The project's absolute path. */
  directory: string;
  files: { path: string; size: number }[];
  written: boolean;
  /** The surrounding Cargo workspace, when there is one. */
  workspace?: {
    manifest: string; member: string;
    /** The crate was added to `workspace.members`. */
    added: boolean;
    /** A bare-metal crate the root would build for another target: added to `workspace.exclude` instead, a workspace of its own (see `notes`). */
    excluded?: boolean;
  };
  /** Things the user should know (e.g. what the workspace root lacks), one line each. */
  notes: string[];
  /** What to type next: the same commands the generated README gives. */
  nextSteps: string[];
}

function planAndRender(answers: Answers, options: GenerateOptions, workspace?: PlanOptions['workspace']): { plan: ProjectPlan; files: RenderedFile[] } {
  const plan = planProject(answers, { inWorkspace: options.inWorkspace ?? false, workspace });
  return { plan, files: renderPlan(plan, templateReader(options.templates === undefined ? undefined : readOverlay(options.templates))) };
}

/** The project's files, in memory; writes nothing. */
export function generate(input: AnswersInput, options: GenerateOptions = {}): RenderedFile[] {
  checkArguments(input, options, generateOptionTypes);
  return planAndRender(validateAnswers(input), options).files;
}

export async function scaffold(input: AnswersInput, options: ScaffoldOptions = {}): Promise<ScaffoldResult> {
  checkArguments(input, options, scaffoldOptionTypes);
  const startedAt = options.startedAt ?? Date.now();
  const { answers, warnings } = checkAnswers(input);
  // I/O modules are loaded here, not at import: `generate` users never need them.
  const [{ planWorkspaceEdit, layoutNote }, { checkDestination }, { writeProject }] = await Promise.all([
    import('./io/workspace.js'), import('./io/destination.js'), import('./io/write.js'),
  ]);
  const target = findTarget(answers.target);
  const triple = target?.kind === 'bare-metal' ? target.triple : undefined;
  const workspace = await planWorkspaceEdit(answers.directory, answers.name, triple);
  const { plan, files } = planAndRender(answers, { templates: options.templates, inWorkspace: workspace?.layout === 'member' }, workspace);
  if (options.dryRun) {
    // Everything the write checks, so a dry run refuses exactly what a real run would.
    checkDestination(answers.directory, files, Boolean(options.force));
  } else {
    // The write takes its locks and finishes or sweeps what a killed run left before it checks.
    const written = await writeProject(answers.directory, files, Boolean(options.force), workspace, startedAt);
    warnings.push(...written.notes);
  }
  return {
    answers,
    directory: resolve(answers.directory),
    files: files.map((file) => ({ path: file.path, size: Buffer.byteLength(file.contents) })),
    written: !options.dryRun,
    ...(workspace ? {
      workspace: workspace.layout === 'own'
        ? { manifest: workspace.manifest, member: workspace.member, added: false, excluded: true }
        : { manifest: workspace.manifest, member: workspace.member, added: workspace.contents !== undefined },
    } : {}),
    notes: [...warnings, ...(workspace?.notes ?? []), ...(workspace && triple ? [layoutNote(workspace, triple, Boolean(options.dryRun))].filter((note) => note !== undefined) : [])],
    nextSteps: nextSteps(plan, answers.directory),
  };
}

/**
 * The parts of a result every front end shows, with control characters
 * escaped in each path and name, so that a directory named
 * "x\nNext steps: …" cannot forge a line. The CLI and the plop pack word
 * their own lines around them.
 */
export function shownResult(result: ScaffoldResult): { addedTo?: string; notes: string[]; nextSteps: string[] } {
  return {
    ...(result.workspace?.added ? { addedTo: `"${escapeControls(result.workspace.member)}" to workspace.members in ${showText(result.workspace.manifest)}` } : {}),
    notes: result.notes.map(escapeControls),
    nextSteps: result.nextSteps.map((step) => `  ${escapeControls(step)}`),
  };
}
