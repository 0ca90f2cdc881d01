/**
 * Which built-in templates are precompiled, and where. Run from the sources
 * there are none (templates/ is read and compiled instead); the build
 * (scripts/build.js) bundles a generated module in this one's place whose
 * index names, for each folder of templates/ but course/, the templates its
 * file dist/precompiled/<folder>.cjs holds: `.hbs` files as Handlebars'
 * precompiled specs, others as text. render.ts requires a folder's file when
 * one of its templates is first read.
 */

/** `spec` is what Handlebars.precompile() wrote; typed loosely so the published types need no Handlebars. */
export type BuiltInTemplate = { spec: object } | { text: string };

/** Folder (`project`, `rust-host`, …) → the template paths its precompiled file holds. */
export const builtInTemplateIndex: Record<string, string[]> | undefined = undefined;
