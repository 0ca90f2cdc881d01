/**
 * The built-in templates, precompiled. Run from the sources there are none
 * (templates/ is read and compiled instead); the build (scripts/build.js)
 * bundles a generated module in this one's place that holds every project
 * template of templates/ (all but course/): `.hbs` files as Handlebars'
 * precompiled specs, others as text.
 */

/** `spec` is what Handlebars.precompile() wrote; typed loosely so the published types need no Handlebars. */
export type BuiltInTemplate = { spec: object } | { text: string };

export const builtInTemplates: Record<string, BuiltInTemplate> | undefined = undefined;
