#!/usr/bin/env node
// The poolflow command line (validate, simulate); see engine/src/cli/main.ts.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2), process.stdout, process.stderr);
