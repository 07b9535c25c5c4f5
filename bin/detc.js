#!/usr/bin/env node
// Entry point for `npx detc`: registers tsx so the TypeScript sources run as they are
// (no separate compile step that could go stale), then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../generators/cli.ts');
process.exitCode = await main(process.argv.slice(2));
