/**
 * The command's first module (bin/create-freestanding.cjs requires its
 * bundle, dist/start.cjs): loads the command's bundle beside it through V8's
 * code cache (io/code-cache.ts) and runs it. Kept apart from the bundle so
 * that what it loads is only the cache's code.
 */
import { join } from 'node:path';
import { requireWithCodeCache } from '../io/code-cache.js';
import type { run } from './main.js';

export function start(argv: string[]): void {
  (requireWithCodeCache(join(import.meta.dirname, 'cli.cjs')) as { run: typeof run }).run(argv, requireWithCodeCache);
}
