// `npm run bench`: every benchmark prints its figures. Speed targets live here, never in unit tests.
// `npm run bench -- large` runs only the benchmarks whose name holds "large".
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchContentBuild } from './content-build.ts';
import { benchKqlValidation } from './kql-validation.ts';
import { benchLargeExport } from './large-export.ts';
import { benchRuleRun } from './rule-run.ts';

const benchmarks: Record<string, () => Record<string, string> | Promise<Record<string, string>>> = {
  'KQL validation (issue 3)': benchKqlValidation,
  'large export: pop-imap-password-spray (issue 9)': benchLargeExport,
  'large export: detc run <rule> (issue 9)': benchRuleRun,
  'content build: 1,000 synthetic rules (issue 9)': benchContentBuild,
};

const only = process.argv.slice(2);
// What runs in this process starts with empty caches of its own (never the user's, which would
// make a figure depend on what ran before); each `detc` command a benchmark runs is given its own.
const caches = mkdtempSync(join(tmpdir(), 'detc-bench-run-'));
process.env.DETC_CACHE_DIR = caches;
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.some((word) => name.includes(word))) continue;
  // Other work on the machine slows every figure: the load average says how much there was.
  console.log(`\n${name} (load average ${loadavg().map((l) => l.toFixed(2)).join(', ')})`);
  for (const [figure, value] of Object.entries(await run())) console.log(`  ${figure.padEnd(40)} ${value}`);
}
// Registered last, so it runs after the caches' own exit handlers (which write them).
process.on('exit', () => rmSync(caches, { recursive: true, force: true }));
