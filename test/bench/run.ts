// `npm run bench`: every benchmark prints its figures. Speed targets live here, never in unit tests.
import { cpus } from 'node:os';
import { benchContentBuild } from './content-build.ts';
import { benchKqlValidation } from './kql-validation.ts';
import { benchLargeExport } from './large-export.ts';

const benchmarks: Record<string, () => Record<string, string> | Promise<Record<string, string>>> = {
  'KQL validation (issue 3)': benchKqlValidation,
  'large export: pop-imap-password-spray (issue 9)': benchLargeExport,
  'content build: 1,000 synthetic rules (issue 9)': benchContentBuild,
};

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
for (const [name, run] of Object.entries(benchmarks)) {
  console.log(`\n${name}`);
  for (const [figure, value] of Object.entries(await run())) console.log(`  ${figure.padEnd(36)} ${value}`);
}
