// Loaded with `node --require`: reports every file the process require()s, one
// "require: <path>" line on stderr, so a test can see what a code path loads.
const Module = require('node:module');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function traced(...args) {
  const file = resolveFilename.apply(this, args);
  if (require('node:path').isAbsolute(file)) process.stderr.write(`require: ${file}\n`);
  return file;
};
