#!/usr/bin/env node
// Entry point for `npx detc`: the TypeScript sources, bundled by esbuild into a cached file that
// is made again whenever a source changes (no separate compile step that could go stale), or
// run through tsx (bin/cli-loader.js); then hands over to the CLI.
import { loadCli } from './cli-loader.js';

const main = await loadCli();
process.exitCode = await main(process.argv.slice(2));
