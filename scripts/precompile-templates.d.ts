/** Types of precompile-templates.js, for the tests that import it. */
export declare const compileOptions: { noEscape: true; strict: true };
/** The source of the module that replaces generators/core/built-in-templates.ts in the bundle. */
export declare function precompiledTemplatesModule(templatesDir: string): string;
