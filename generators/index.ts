/**
 * The library: `import { generate, scaffold, catalogue } from 'create-freestanding'`.
 * `generate` returns a project's files in memory; `scaffold` checks, writes and
 * reports, as the CLI does. The default export is the plop pack, so
 * `plop.load('create-freestanding')` finds it here too.
 */
import type { Answers } from './core/answers.js';
import { defaults, validateAnswers as validateRawAnswers } from './core/answers.js';
import type { Edition, LinkArgMode, TemplateName } from './core/catalogue.js';
import type { CiProvider } from './core/ci.js';
import type { RenderedFile } from './core/render.js';
import { generate as generateRaw, scaffold as scaffoldRaw, type GenerateOptions, type ScaffoldOptions, type ScaffoldResult } from './scaffold.js';

export { boards, catalogue, editions, findBoard, findTarget, linkArgModes, programTemplates, templateNames } from './core/catalogue.js';
export { ciProviders, type CiProvider } from './core/ci.js';
export type { Board, Edition, LinkArgMode, Target, TemplateName } from './core/catalogue.js';
export { defaults, type Answers } from './core/answers.js';
export { AnswerError, CancelledError, DestinationNotEmptyError, UsageError } from './core/errors.js';
export { questions, type QuestionSpec } from './core/questions.js';
export type { RenderedFile as GeneratedFile } from './core/render.js';
export type { GenerateOptions, ScaffoldOptions, ScaffoldResult } from './scaffold.js';
export { default, type PackOptions, type PlopfileApi } from '../plopfile.js';

/** Every target id of the catalogue, in its order, as literal types (test/api.test.ts keeps the two equal). */
export const targetIds = [
  'host', 'linux', 'windows', 'macos',
  'thumbv6m-none-eabi', 'thumbv7m-none-eabi', 'thumbv7em-none-eabi', 'thumbv7em-none-eabihf', 'thumbv8m.main-none-eabihf',
  'aarch64-unknown-none', 'riscv32imac-unknown-none-elf', 'riscv64gc-unknown-none-elf', 'x86_64-unknown-none',
  'x86_64-unknown-uefi', 'aarch64-unknown-uefi',
  // The real boards (catalogue.ts `boards`): each is a target of the same id.
  'raspi3b', 'sifive_e', 'microbit', 'netduinoplus2', 'stm32vldiscovery', 'lm3s6965evb',
] as const;
export type TargetId = (typeof targetIds)[number];

/** The real boards' ids, a subset of `targetIds` (`--board <id>`; `target: 'raspi3b'` in the API). */
export type BoardId = Extract<TargetId, 'raspi3b' | 'sifive_e' | 'microbit' | 'netduinoplus2' | 'stm32vldiscovery' | 'lm3s6965evb'>;

/** An edition as a number: 2018 | 2021 | … as the catalogue lists them. */
export type EditionYear = Edition extends `${infer Year extends number}` ? Year : never;

/** What a caller may give, each answer one the catalogue knows (so a typo fails to type-check); the rest have defaults. */
export interface AnswersInput {
  /** Where to write (`~` expanded). Default `freestanding-app`; `scaffold` requires it. */
  directory?: string;
  /** The crate's name. Default: the directory's base name. */
  name?: string;
  target?: TargetId;
  template?: TemplateName;
  /** A year, as a string or a number (`2021` means `'2021'`). */
  edition?: Edition | EditionYear;
  linkArgs?: LinkArgMode;
  /** `github` adds `.github/workflows/ci.yml`; default `none`. */
  ci?: CiProvider;
}

const withDirectory = (input: AnswersInput) => ({ ...input, directory: input.directory ?? defaults.directory });

/**
 * The project's files, in memory; writes nothing. With no answers, the defaults.
 * It reads no disk, so it cannot see a Cargo workspace: pass `inWorkspace: true`
 * for the files `scaffold` writes into one (no `[profile.*]` in the crate's Cargo.toml).
 */
export function generate(input: AnswersInput = {}, options: GenerateOptions = {}): RenderedFile[] {
  return generateRaw(withDirectory(input), options);
}

/** Checks, writes and reports, as the CLI does; finds a Cargo workspace above the directory and joins it. */
export function scaffold(input: AnswersInput & { directory: string }, options: ScaffoldOptions = {}): Promise<ScaffoldResult> {
  return scaffoldRaw(input, options);
}

/** The answers checked and completed with the defaults; an `AnswerError` names the one at fault. */
export function validateAnswers(input: AnswersInput = {}): Answers {
  return validateRawAnswers(withDirectory(input));
}
