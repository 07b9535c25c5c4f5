// `npm run bench`: every benchmark prints its figures. Speed targets live here, never in unit tests.
// `npm run bench -- large` runs only the benchmarks whose name holds "large".
import { cpus, loadavg } from 'node:os';
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
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.some((word) => name.includes(word))) continue;
  // Other work on the machine slows every figure: the load average says how much there was.
  console.log(`\n${name} (load average ${loadavg().map((l) => l.toFixed(2)).join(', ')})`);
  for (const [figure, value] of Object.entries(await run())) console.log(`  ${figure.padEnd(40)} ${value}`);
}
