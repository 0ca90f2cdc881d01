#!/usr/bin/env node
import("../dist/generators/cli/main.js").then((cli) => cli.run(process.argv.slice(2)));
