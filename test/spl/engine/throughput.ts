// Throughput of the SPL engine on the generated password-spray search (not a unit test: speed
// figures are printed, never asserted). `npx tsx test/spl/engine/throughput.ts [events]`
// Events are Graph signIn objects from the benchmark generator, as the Splunk add-on indexes
// them: `_time`, `_raw` JSON and sourcetype; once with only `_raw` (the engine extracts fields
// as KV_MODE=json does), once with the fields already extracted.
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../../generators/catalog.ts';
import { profileOf } from '../../../generators/logsources/loader.ts';
import { projectPath } from '../../../generators/paths.ts';
import { compileSpl } from '../../../generators/spl/engine/index.ts';
import { render } from '../../../generators/targets/index.ts';
import { TUNING_MACRO_DEFAULT, tuningMacro } from '../../../generators/targets/spl.ts';
import { signInEvents } from '../../bench/signin-generator.ts';

const COUNT = Number(process.argv[2] ?? 100_000);
const END = new Date('2026-07-01T12:00:00Z');

const catalog = loadCatalog(projectPath());
const rule = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
const rendered = render(rule.query, 'splunk');
const profile = profileOf(rule.query.logsource, 'splunk');
const macros = new Map([[profile.macro!, profile.macroDefinition!], [tuningMacro(rule.document.name), TUNING_MACRO_DEFAULT]]);

const rawOnly: Record<string, unknown>[] = [];
const extracted: Record<string, unknown>[] = [];
for (const line of signInEvents({ count: COUNT, end: END })) {
  const e = JSON.parse(line) as { createdDateTime: string; userPrincipalName: string; ipAddress: string; clientAppUsed: string; appDisplayName: string; status: { errorCode: number } };
  const base = { _time: Date.parse(e.createdDateTime) / 1000, _raw: line, sourcetype: profile.sourcetype };
  rawOnly.push(base);
  extracted.push({ ...base, userPrincipalName: e.userPrincipalName, ipAddress: e.ipAddress, clientAppUsed: e.clientAppUsed, appDisplayName: e.appDisplayName, 'status.errorCode': e.status.errorCode });
}

const compiled = compileSpl(rendered.text, { macros });
console.log(`${COUNT.toLocaleString('en')} events, search:\n${rendered.text}\n`);
for (const [name, events] of [['fields extracted', extracted], ['_raw only (KV_MODE=json at search time)', rawOnly]] as const) {
  compiled.run(events.slice(0, 1000), { now: END.getTime() }); // warm-up
  // The median of three runs.
  const runs = [0, 1, 2].map(() => {
    const started = performance.now();
    const result = compiled.run(events, { now: END.getTime() });
    return { ms: performance.now() - started, result };
  }).sort((a, b) => a.ms - b.ms);
  const { ms, result } = runs[1]!;
  console.log(`${name.padEnd(42)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((COUNT / ms) * 1000).toLocaleString('en').padStart(10)} events/s  ${result.rows.length} rows`);
}
