#!/usr/bin/env node
// Entry point for `npx detc`: the TypeScript sources, bundled by esbuild into a cached file that
// is made again whenever a source changes (no separate compile step that could go stale), or
// run through tsx (bin/cli-loader.js); then hands over to the CLI.
import { loadCli } from './cli-loader.js';

// A reader that stops early (`detc run … | head`) closes the pipe: the command ends there, quietly,
// as Unix tools do, not with a stack trace. Any other failure to write the output is said in a line.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`detc: cannot write the output: ${e.message}\n`);
  process.exit(74); // EX_IOERR
});

const main = await loadCli();
process.exitCode = await main(process.argv.slice(2));
