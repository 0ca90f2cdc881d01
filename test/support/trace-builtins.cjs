// Loaded with `node --require`: at exit, one "builtins: [...]" line on fd 2 naming every
// built-in module the process loaded. Written with fs.writeSync, not process.stderr, which
// would itself load the stream modules this is meant to catch.
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => name.slice('NativeModule '.length));
  require('node:fs').writeSync(2, `builtins: ${JSON.stringify(builtins)}\n`);
});
