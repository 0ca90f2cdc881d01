/** Types of precompile-templates.js, for the tests that import it. */
export declare const compileOptions: { noEscape: true; strict: true };
/** The precompiled file (`<folder>.cjs`) that holds a template of templates/. */
export declare function precompiledFolderOf(path: string): string;
/** Writes `<outDir>/<folder>.cjs` per folder of project templates; returns the index: folder → its template paths. */
export declare function writePrecompiledTemplates(templatesDir: string, outDir: string): Record<string, string[]>;
