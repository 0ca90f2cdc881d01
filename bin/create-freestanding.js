#!/usr/bin/env node
import "../dist/generators/cli.js";
