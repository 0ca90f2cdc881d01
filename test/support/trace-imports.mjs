// Loaded with `node --import`: reports every module the process resolves, one
// "import: <url>" line on stderr, so a test can see what a code path loads.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  process.stderr.write('import: ' + result.url + '\\n');
  return result;
}`));
