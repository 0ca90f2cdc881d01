/**
 * The library's arguments checked for type before anything uses them: a
 * JavaScript caller (or a JSON config) can pass `'no'` for a boolean, where
 * `Boolean('no')` would force. Every problem is a UsageError naming the field.
 */
import { AnswerError, UsageError, type AnswerField } from './errors.js';

/** An option of generate/scaffold has the wrong type or is unknown. `option` names it. */
export class OptionError extends UsageError {
  constructor(readonly option: string, message: string) {
    super(message);
  }
}

const answerFields: readonly AnswerField[] = ['directory', 'name', 'target', 'template', 'edition', 'linkArgs', 'ci'];

type Kind = 'boolean' | 'string' | 'number';
export const generateOptionTypes: Record<string, Kind> = { templates: 'string', inWorkspace: 'boolean' };
export const scaffoldOptionTypes: Record<string, Kind> = { templates: 'string', force: 'boolean', dryRun: 'boolean', startedAt: 'number' };

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value).slice(0, 60) : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The answers object: known fields only, each a string (the directory required), so nothing later calls a method on a number. */
export function checkAnswerTypes(input: unknown): void {
  if (!isRecord(input)) throw new AnswerError('directory', `the answers must be an object such as { directory: "my-os" } (got ${describe(input)})`);
  for (const key of Object.keys(input)) {
    if (!(answerFields as readonly string[]).includes(key)) {
      throw new OptionError(key, `unknown answer "${key}"; the answers are ${answerFields.join(', ')}`);
    }
  }
  for (const field of answerFields) {
    const value = input[field];
    if (value === undefined && field !== 'directory') continue;
    // An edition is a year: 2021 from JavaScript or a JSON config means "2021".
    if (field === 'edition' && typeof value === 'number') continue;
    if (typeof value !== 'string') throw new AnswerError(field, `${field} must be a string (got ${describe(value)})`);
  }
}

/** The options object: known names only, each of its type; `templates` a non-empty path (an empty one is the current directory). */
export function checkOptionTypes(options: unknown, types: Record<string, Kind>): void {
  if (options === undefined) return;
  if (!isRecord(options)) throw new OptionError('options', `the options must be an object (got ${describe(options)})`);
  for (const [key, value] of Object.entries(options)) {
    const kind = types[key];
    if (kind === undefined) throw new OptionError(key, `unknown option "${key}"; the options are ${Object.keys(types).join(', ')}`);
    if (value === undefined) continue;
    const ok = kind === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === kind;
    if (!ok) throw new OptionError(key, `option ${key} must be a ${kind === 'number' ? 'finite number' : kind} (got ${describe(value)})`);
    if (key === 'templates' && (value as string).trim() === '') {
      throw new OptionError(key, 'the templates folder cannot be an empty path; name a folder, or leave it out for the built-in templates');
    }
  }
}

/** Both checks, first thing in `generate` and `scaffold`. */
export function checkArguments(input: unknown, options: unknown, types: Record<string, Kind>): void {
  checkAnswerTypes(input);
  checkOptionTypes(options, types);
}
