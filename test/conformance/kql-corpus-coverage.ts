// How much of other people's KQL the engine runs: every query of test/corpus/kql-community.jsonl
// that reads one of the tables our log sources are about runs on a small synthetic table of that
// table's schema (and of every other table it reads). Prints the share that runs without
// `unsupported` and the features most often missing.
//
//   npx tsx test/conformance/kql-corpus-coverage.ts [--verbose]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { compileKql, KqlRunError, KqlUnsupportedError } from '../../generators/kql/engine/index.ts';
import { kqlSyntaxDiagnostics } from '../../generators/kql/language-service.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { projectPath } from '../../generators/paths.ts';
import { columnsOf, CORPUS_TABLES } from '../kql/corpus-tables.ts';

/** The tables our log sources are about (the sign-in tables, and those the content will read next). */
const OUR_TABLES = ['SigninLogs', 'AADNonInteractiveUserSignInLogs', 'AADSignInEventsBeta', 'EntraIdSignInEvents', 'DeviceNetworkEvents', 'CloudAppEvents', 'OfficeActivity'];
const NOW = Date.parse('2026-07-02T00:00:00Z');
const ROWS_PER_TABLE = 24;
const verbose = process.argv.includes('--verbose');

type Columns = { name: string; type: string }[];

function tableSchemas(): Map<string, Columns> {
  const tables = new Map<string, Columns>();
  for (const source of loadLogSources().values()) {
    for (const target of ['defender', 'sentinel'] as const) {
      for (const profile of source.targets[target].profiles.values()) {
        if (profile.table) tables.set(profile.table, [...profile.columns].map(([name, type]) => ({ name, type })));
      }
    }
  }
  for (const [name, schema] of Object.entries(CORPUS_TABLES)) if (!tables.has(name)) tables.set(name, columnsOf(schema));
  return tables;
}

/* ---- synthetic rows: deterministic, plausible by column name and type ---- */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const USERS = ['adele.vance@contoso.com', 'alex.wilber@contoso.com', 'megan.bowen@contoso.com', 'svc-scanner@contoso.com'];
const IPS = ['203.0.113.7', '198.51.100.23', '10.1.2.3', '192.168.4.20', '2001:db8::1'];
const APPS = ['IMAP4', 'POP3', 'Browser', 'Exchange ActiveSync', 'Mobile Apps and Desktop clients', 'Authenticated SMTP'];
const ACTIONS = ['ConnectionSuccess', 'ConnectionFailed', 'FileDownloaded', 'MailItemsAccessed', 'New-InboxRule', 'Add member to role.', 'LogonSuccess'];

function dynamicValue(r: () => number, column: string): unknown {
  const ip = pick(r, IPS);
  if (/Location/i.test(column)) return { city: pick(r, ['Ashburn', 'Amsterdam']), countryOrRegion: pick(r, ['US', 'NL']), state: 'VA', geoCoordinates: { latitude: 39.0, longitude: -77.5 } };
  if (/DeviceDetail/i.test(column)) return { deviceId: '', displayName: 'LAPTOP-1', operatingSystem: pick(r, ['Windows10', 'Ios']), browser: 'Edge 120.0.0', isCompliant: r() < 0.5, trustType: '' };
  if (/Status/i.test(column)) return { errorCode: pick(r, [0, 50126]), failureReason: 'Other.', additionalDetails: 'MFA requirement satisfied by claim in the token' };
  if (/InitiatedBy/i.test(column)) return { user: { userPrincipalName: pick(r, USERS), ipAddress: ip, id: '1' }, app: { displayName: 'Graph', servicePrincipalId: '2' } };
  if (/TargetResources/i.test(column)) return [{ userPrincipalName: pick(r, USERS), displayName: 'x', type: 'User', id: '3', modifiedProperties: [{ displayName: 'Role.DisplayName', newValue: '"Global Administrator"', oldValue: '""' }] }];
  if (/Parameters|ModifiedProperties|ExtendedProperties/i.test(column)) return [{ Name: 'ForwardTo', Value: 'x@fabrikam.com' }, { Name: 'Identity', Value: 'rule' }];
  if (/ActivityObjects/i.test(column)) return [{ Type: 'User', Name: pick(r, USERS), Role: 'Actor' }];
  return { ClientIP: ip, UserId: pick(r, USERS), Operation: pick(r, ACTIONS), Workload: 'Exchange', AppId: 'a', ResultStatus: 'Succeeded', Parameters: [{ Name: 'ForwardTo', Value: 'x@fabrikam.com' }], count: Math.floor(r() * 5) };
}

function cell(r: () => number, column: string, type: string): unknown {
  switch (type) {
    case 'datetime': return new Date(NOW - Math.floor(r() * 7 * 86_400_000)).toISOString();
    case 'timespan': return `00:${String(Math.floor(r() * 60)).padStart(2, '0')}:00`;
    case 'bool': return r() < 0.5;
    case 'int': case 'long': return /ErrorCode|Result/.test(column) ? pick(r, [0, 50126, 50053]) : /Port/.test(column) ? pick(r, [443, 993, 995, 25]) : Math.floor(r() * 100);
    case 'real': case 'decimal': return Math.round(r() * 1000) / 10;
    case 'guid': return '00000000-0000-0000-0000-00000000000' + Math.floor(r() * 10);
    case 'dynamic': return dynamicValue(r, column);
  }
  if (/IP(Address|v4)?$|ClientIP|RemoteIP|LocalIP|IpAddress/i.test(column)) return pick(r, IPS);
  if (/Upn|UPN|UserPrincipalName|UserId$|Address$|Recipient|Sender/i.test(column)) return pick(r, USERS);
  if (/ClientAppUsed/.test(column)) return pick(r, APPS);
  if (/^ResultType$/.test(column)) return pick(r, ['0', '50126', '50053']);
  if (/ActionType|Operation|ActivityDisplayName/.test(column)) return pick(r, ACTIONS);
  if (/Url$/i.test(column)) return pick(r, ['https://outlook.office365.com/owa', 'pop-legacy.office365.com', 'imap-legacy.office365.com']);
  if (/Country|Location/i.test(column)) return pick(r, ['US', 'NL', 'DE']);
  if (/Details|Fields|Policies|Properties|Parameters|Tags|Detail$/i.test(column)) return JSON.stringify(dynamicValue(r, column));
  return pick(r, ['alpha', 'Beta', 'gamma-delta', '', 'contoso\\adele', 'powershell.exe']);
}

function syntheticRows(name: string, columns: Columns): Record<string, unknown>[] {
  const r = rng([...name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
  return Array.from({ length: ROWS_PER_TABLE }, () => Object.fromEntries(columns.map((c) => [c.name, cell(r, c.name, c.type)])));
}

/** externaldata(...)["url"]: the same synthetic rows for whatever URL and columns the query declares. */
const externalData = new Proxy({}, {
  get: () => Array.from({ length: 3 }, (_, i) => new Proxy({}, { get: (_t, column) => (typeof column === 'string' ? `${column}-${i}` : undefined), has: () => true })),
  has: () => true,
}) as Record<string, Record<string, unknown>[]>;

/* ---- the run ---- */

interface Query { readonly path: string; readonly source: string; readonly query: string }

/** Table names a query reads: names it uses that are tables we know and that no `let` declares. */
function tablesRead(text: string, known: ReadonlySet<string>): string[] {
  const declared = new Set([...text.matchAll(/\blet\s+([A-Za-z_]\w*)\s*=/g)].map((m) => m[1]!));
  const words = new Set(text.replace(/\/\/[^\n]*/g, '').match(/\b[A-Za-z_]\w*\b/g) ?? []);
  return [...words].filter((w) => known.has(w) && !declared.has(w));
}

/** An unsupported feature without its position and the query text it quotes. */
function feature(message: string): string {
  return message.replace(/^unsupported: /, '').replace(/ at \d+:\d+$/, '').replace(/ \(.*\)$/s, '').replace(/"[^"]*"/g, '"…"');
}

function main(): void {
  const schemas = tableSchemas();
  const known = new Set(schemas.keys());
  const corpus = readFileSync(projectPath('test/corpus/kql-community.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Query);
  const selected = corpus.filter((q) => tablesRead(q.query, new Set(OUR_TABLES)).length > 0);
  const rowsOf = new Map([...schemas].map(([name, columns]) => [name, syntheticRows(name, columns)]));

  const outcome = { ran: 0, unsupported: 0, runtime: 0, invalidSyntax: 0, rejectedByKusto: 0, failsInKusto: 0 };
  const gaps = new Map<string, string[]>();
  const rejected = new Map<string, number>();
  const runtime: string[] = [];
  const started = performance.now();
  for (const q of selected) {
    const label = `${q.source.split('@')[0]}/${q.path}`;
    if (kqlSyntaxDiagnostics(q.query).some((d) => d.severity === 'error')) {
      outcome.invalidSyntax++;
      continue;
    }
    const reads = tablesRead(q.query, known);
    const tables = Object.fromEntries(reads.map((t) => [t, { columns: schemas.get(t)!, rows: rowsOf.get(t)! }]));
    try {
      compileKql(q.query, tables).run(tables, { now: NOW, externalData });
      outcome.ran++;
    } catch (e) {
      if (e instanceof KqlUnsupportedError || (e instanceof KqlRunError && e.message.startsWith('unsupported: '))) {
        outcome.unsupported++;
        const f = feature(e.message);
        gaps.set(f, [...(gaps.get(f) ?? []), label]);
        if (verbose) console.log(`UNSUPPORTED ${label}: ${e.message}`);
      } else if (e instanceof KqlRunError && e.diagnostics.length) {
        // Kusto's analyser rejects the query against the documented schemas (an unknown column or
        // function, such as Defender's FileProfile()): not the engine's to run.
        outcome.rejectedByKusto++;
        const code = e.diagnostics[0]!.code;
        rejected.set(code, (rejected.get(code) ?? 0) + 1);
        if (verbose) console.log(`REJECTED ${label}: ${e.message}`);
      } else if (e instanceof KqlRunError) {
        // Wrong for Kusto too once it runs (a literal that is not a datetime …).
        outcome.failsInKusto++;
        if (verbose) console.log(`FAILS ${label}: ${e.message}`);
      } else {
        outcome.runtime++;
        runtime.push(`${label}: ${(e as Error).stack}`);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;

  const runnable = outcome.ran + outcome.unsupported + outcome.runtime;
  const share = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;
  console.log(`KQL corpus coverage (${corpus.length} community queries; ${selected.length} read ${OUR_TABLES.join(', ')})`);
  console.log(`  not valid KQL by Kusto's parser (snippets, broken in their source): ${outcome.invalidSyntax}`);
  console.log(`  rejected by Kusto's analyser against the documented schemas: ${outcome.rejectedByKusto} (${[...rejected].map(([c, n]) => `${c} ${n}`).join(', ')})`);
  console.log(`  fail at run time in Kusto too (e.g. datetime("Insert date")): ${outcome.failsInKusto}`);
  console.log(`  runnable: ${runnable}`);
  console.log(`    ran:          ${outcome.ran}  (${share(outcome.ran, runnable)})`);
  console.log(`    unsupported:  ${outcome.unsupported}  (${share(outcome.unsupported, runnable)})`);
  console.log(`    other errors: ${outcome.runtime}`);
  console.log(`  share that runs without unsupported: ${share(outcome.ran, runnable)} of the runnable queries, ${share(outcome.ran, selected.length)} of all ${selected.length}`);
  console.log(`  time: ${seconds.toFixed(1)} s`);
  console.log('\nTop unsupported features:');
  for (const [f, queries] of [...gaps].sort((a, b) => b[1].length - a[1].length).slice(0, 20)) {
    console.log(`  ${String(queries.length).padStart(3)}  ${f}${verbose ? `  [${queries.slice(0, 3).join('; ')}]` : ''}`);
  }
  if (runtime.length) {
    console.log('\nOther errors (engine bugs):');
    for (const r of runtime) console.log(`  ${r}`);
  }
}

main();
