// Throughput of the KQL engine on the content's password-spray hunt (the generated Defender and
// Sentinel text) over 100,000 sign-in rows: compile once, then run; figures are medians of 5
// runs (the first run also converts the input rows to the engine's values, which is counted).
//
//   npx tsx test/kql/throughput.ts [rows]
import { performance } from 'node:perf_hooks';
import { compileKql } from '../../generators/kql/engine/index.ts';
import { catalog, compiledQuery, KQL_TARGETS, nativeRows } from './content-support.ts';
import { profileOf } from '../../generators/logsources/loader.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { prng } from '../bench/signin-generator.ts';

const ROWS = Number(process.argv[2] ?? 100_000);
const NOW = Date.parse('2026-07-01T11:00:00Z');

/** Sign-ins over the two hours before NOW: 2,000 users, 500 addresses, a quarter legacy, a third failing. */
function events(count: number): CanonicalEvent[] {
  const r = prng(20260701);
  const apps = ['Browser', 'Mobile Apps and Desktop clients', 'IMAP4', 'POP3', 'Exchange ActiveSync', 'Authenticated SMTP'];
  return Array.from({ length: count }, () => ({
    timestamp: NOW - Math.floor(r() * 2 * 3_600_000),
    user: `user${Math.floor(r() * 2000)}@contoso.com`,
    src_ip: `203.0.${Math.floor(r() * 2)}.${Math.floor(r() * 250)}`,
    client_app: apps[Math.floor(r() ** 2 * apps.length)]!,
    result_code: r() < 0.35 ? 50126 : 0,
    app: 'Office 365 Exchange Online',
    city: 'Ashburn',
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const spray = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
const sample = events(ROWS);
console.log(`KQL engine throughput: ${spray.document.name}, ${ROWS.toLocaleString('en')} rows, Node ${process.version}`);
for (const target of KQL_TARGETS) {
  const { rendered, table } = compiledQuery(spray, target);
  const rows = nativeRows(sample, spray.query.logsource, target);
  const columns = [...profileOf(spray.query.logsource, target).columns].map(([name, type]) => ({ name, type }));
  const compileStarted = performance.now();
  const compiled = compileKql(rendered.text, { [table]: { columns } });
  const compileMs = performance.now() - compileStarted;
  const times: number[] = [];
  let result = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    result = compiled.run({ [table]: { rows } }, { now: NOW }).rows.length;
    times.push(performance.now() - started);
  }
  const ms = median(times);
  console.log(`  ${target.padEnd(9)} compile ${compileMs.toFixed(0)} ms; run ${ms.toFixed(0)} ms (first ${times[0]!.toFixed(0)} ms) = ${Math.round(ROWS / (ms / 1000)).toLocaleString('en')} rows/s; ${result} result rows`);
}
