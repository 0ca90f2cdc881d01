/**
 * The library: `import { generate, scaffold, catalogue } from 'create-freestanding'`.
 * `generate` returns a project's files in memory; `scaffold` checks, writes and
 * reports, as the CLI does. The default export is the plop pack, so
 * `plop.load('create-freestanding')` finds it here too.
 */
export { catalogue, editions, findTarget, linkArgModes, programTemplates, templateNames } from './core/catalogue.js';
export type { Edition, LinkArgMode, Target, TemplateName } from './core/catalogue.js';
export { defaults, validateAnswers, type Answers, type AnswersInput } from './core/answers.js';
export { AnswerError, DestinationNotEmptyError, UsageError } from './core/errors.js';
export { questions, type QuestionSpec } from './core/questions.js';
export type { RenderedFile as GeneratedFile } from './core/render.js';
export { generate, scaffold, type GenerateOptions, type ScaffoldOptions, type ScaffoldResult } from './scaffold.js';
export { default } from '../plopfile.js';
