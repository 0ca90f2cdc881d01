export const schemaFile: URL;
export const formatFile: URL;
export function courseReference(schema?: unknown): string;
export function formatDocument(text?: string): string;
