// docs/course-format.md's key reference, written from course.schema.json (the one source of
// course.toml's keys): `npm run docs:course` rewrites the part between the markers, and
// test/course-schema.test.ts fails when the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
export const schemaFile = new URL('templates/course/course.schema.json', root);
export const formatFile = new URL('docs/course-format.md', root);
const begin = '<!-- keys: written by npm run docs:course from templates/course/course.schema.json -->';
const end = '<!-- /keys -->';

function typeOf(schema, definitions) {
  const resolved = schema.$ref ? definitions[schema.$ref.split('/').pop()] : schema;
  if (schema.$ref) return `table (${schema.$ref.split('/').pop()})`;
  if (resolved.enum) return resolved.enum.map((value) => `"${value}"`).join(' \\| ');
  if (resolved.type === 'array') return resolved.items?.$ref ? `array of ${resolved.items.$ref.split('/').pop()} tables` : 'array of strings';
  if (resolved.type === 'object') return resolved.additionalProperties && typeof resolved.additionalProperties === 'object' ? 'table of strings' : 'table';
  if (resolved.type === 'boolean') return 'true \\| false';
  return resolved.pattern ? `string matching \`${resolved.pattern}\`` : 'string';
}

function table(heading, schema, definitions) {
  const rows = Object.entries(schema.properties).map(([key, property]) => {
    const required = schema.required?.includes(key);
    const fallback = required ? 'required' : property.default === undefined ? 'none' : `\`${JSON.stringify(property.default)}\``;
    const description = property.description ?? (property.$ref ? definitions[property.$ref.split('/').pop()].description : '');
    return `| \`${key}\` | ${typeOf(property, definitions)} | ${fallback} | ${description.replace(/\|/g, '\\|')} |`;
  });
  return [`### ${heading}`, '', '| key | type | default | meaning |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

/** The reference section, markers included. */
export function courseReference(schema = JSON.parse(readFileSync(schemaFile, 'utf8'))) {
  const d = schema.definitions;
  return [begin, '',
    table('`[course]`', schema.properties.course, d),
    table('`[[steps]]` (step)', d.step, d),
    table('`[[steps.diagnostics]]`, `[[steps.missing_target]]`, a variant\'s `diagnostics` (diagnostic)', d.diagnostic, d),
    table('`[[steps.variants]]` (variant)', d.variant, d),
    table('`when` (a table such as `{ os = "linux", linker = "gnu-ld" }`)', d.when, d),
    end].join('\n');
}

/** The format document with its reference section as the schema says. */
export function formatDocument(text = readFileSync(formatFile, 'utf8')) {
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error('docs/course-format.md lost its key reference markers');
  return text.slice(0, from) + courseReference() + text.slice(to + end.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(formatFile, formatDocument());
  console.log('docs/course-format.md updated');
}
