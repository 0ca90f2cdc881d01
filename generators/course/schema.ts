/**
 * course.toml's JSON Schema (templates/course/course.schema.json, shipped for
 * editors: Taplo / Even Better TOML read it through `#:schema`) and the
 * validator that applies it before a course is read. The validator knows the
 * keywords the schema uses and refuses a schema with any other, so a keyword
 * is never silently ignored; test/course-schema.test.ts checks that it agrees
 * with Ajv on the same documents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templatesDir } from '../core/render.js';

export interface Schema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  default?: unknown;
  type?: 'object' | 'array' | 'string' | 'boolean';
  enum?: string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  maxProperties?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  pattern?: string;
  definitions?: Record<string, Schema>;
}

const keywords = new Set(['$schema', '$id', '$ref', 'title', 'description', 'default', 'type', 'enum', 'properties', 'required', 'additionalProperties', 'maxProperties', 'items', 'minItems', 'maxItems', 'minLength', 'pattern', 'definitions']);

/** A place in the document: keys and indexes from the root. */
export type SchemaPath = (string | number)[];
export interface SchemaError { path: SchemaPath; message: string }

export const courseSchemaPath = (): string => join(templatesDir(), 'course', 'course.schema.json');

let loaded: Schema | undefined;
/** The tool's own schema (never an author's copy: a course folder is data). */
export function courseSchema(): Schema {
  loaded ??= JSON.parse(readFileSync(courseSchemaPath(), 'utf8')) as Schema;
  return loaded;
}

/** `steps[2].diagnostics[0].message` */
export function showSchemaPath(path: SchemaPath): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('') || 'the document';
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a table';
  return `a ${typeof value}`;
}

const typeWords = { object: 'a table', array: 'an array', string: 'a string', boolean: 'true or false' } as const;

function resolveRef(root: Schema, schema: Schema): Schema {
  if (schema.$ref === undefined) return schema;
  const name = /^#\/definitions\/([\w-]+)$/.exec(schema.$ref)?.[1];
  const found = name === undefined ? undefined : root.definitions?.[name];
  if (!found) throw new Error(`course schema: $ref ${schema.$ref} is not a #/definitions/ entry`);
  return found;
}

/** The first error per place, in document order; [] when the value is valid. */
export function validate(value: unknown, root: Schema = courseSchema()): SchemaError[] {
  const errors: SchemaError[] = [];
  const visit = (node: unknown, raw: Schema, path: SchemaPath): void => {
    const schema = resolveRef(root, raw);
    for (const key of Object.keys(schema)) if (!keywords.has(key)) throw new Error(`course schema: keyword ${key} is not one this validator applies`);
    const fail = (message: string): void => { errors.push({ path, message }); };
    if (schema.enum && !schema.enum.includes(node as string)) return fail(`must be one of ${schema.enum.map((item) => JSON.stringify(item)).join(', ')} (got ${JSON.stringify(node) ?? typeOf(node)})`);
    const expected = schema.type;
    if (expected) {
      const actual = Array.isArray(node) ? 'array' : node instanceof Date || node === null ? 'other' : typeof node;
      if (actual !== expected) return fail(`must be ${typeWords[expected]} (got ${typeOf(node)})`);
    }
    if (typeof node === 'string') {
      if (schema.minLength !== undefined && node.length < schema.minLength) return fail('must be a non-empty string');
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(node)) return fail(`${JSON.stringify(node)} does not match ${schema.pattern}`);
    }
    if (Array.isArray(node)) {
      if (schema.minItems !== undefined && node.length < schema.minItems) return fail(`must have at least ${schema.minItems} entr${schema.minItems === 1 ? 'y' : 'ies'}`);
      if (schema.maxItems !== undefined && node.length > schema.maxItems) return fail(`${node.length} entries, over the limit of ${schema.maxItems}`);
      if (schema.items) node.forEach((item, index) => visit(item, schema.items!, [...path, index]));
    }
    if (expected === 'object' && typeof node === 'object' && node !== null) {
      const table = node as Record<string, unknown>;
      const keys = Object.keys(table);
      if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) return fail(`${keys.length} entries, over the limit of ${schema.maxProperties}`);
      for (const key of schema.required ?? []) if (!(key in table)) errors.push({ path, message: `"${key}" is missing` });
      for (const key of keys) {
        const known = schema.properties?.[key];
        if (known) visit(table[key], known, [...path, key]);
        else if (schema.additionalProperties === false) {
          const names = Object.keys(schema.properties ?? {});
          errors.push({ path: [...path, key], message: `unknown key "${key}"; known here: ${names.join(', ')}` });
        } else if (typeof schema.additionalProperties === 'object') visit(table[key], schema.additionalProperties, [...path, key]);
      }
    }
  };
  visit(value, root, []);
  return errors;
}
