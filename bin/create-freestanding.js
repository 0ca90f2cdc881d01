#!/usr/bin/env node
import "../dist/generators/cli/main.js";
