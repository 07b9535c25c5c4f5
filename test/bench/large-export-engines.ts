// One run of the large-export benchmark, in a child process of its own so that its peak RSS is
// its own (worker threads included): `tsx large-export-engines.ts <mode> <file> <end ISO>` prints
// one JSON line { rows, ms, cpuMs, peakRssMb }. Modes node, spl, kql: a plain Node loop, and the
// compiled SPL / KQL on our engines; the clock starts after the query is compiled (the Kusto
// language service takes ≈0.5 s to load, once per process) and stops when the rows are out.
// (`detc run` as users type it is timed by large-export.ts itself.)
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { projectPath } from '../../generators/paths.ts';
import { loadCatalog } from '../../generators/catalog.ts';
import { render } from '../../generators/targets/index.ts';
import { compileSpl } from '../../generators/spl/engine/index.ts';
import { compileKql } from '../../generators/kql/engine/index.ts';
import { kqlTablesFor } from '../../generators/kql/validate.ts';
import { toCanonicalRows } from '../../generators/replay/canonical-rows.ts';
import { readLines } from '../../generators/replay/json-lines.ts';
import { tuningMacro, TUNING_MACRO_DEFAULT } from '../../generators/targets/spl.ts';

export interface SprayRow { src_ip: string; window: string; distinct_users: number; attempts: number }
/** ms: wall time; cpuMs: CPU time of every thread of the process (the figure to read when other work shares the cores). */
export interface EngineFigures { rows: SprayRow[]; ms: number; cpuMs: number; peakRssMb: number; kustoProcessRssMb?: number | undefined }

export const RULE = 'pop-imap-password-spray';
const LEGACY = ['pop3', 'imap4', 'exchange activesync'];

export const sprayOrder = (a: SprayRow, b: SprayRow): number => b.distinct_users - a.distinct_users || (a.src_ip < b.src_ip ? -1 : a.src_ip > b.src_ip ? 1 : 0);

async function plainNode(file: string, end: number): Promise<SprayRow[]> {
  const groups = new Map<string, { users: Set<string>; attempts: number }>();
  const since = end - 3_600_000;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const e = JSON.parse(line) as { createdDateTime: string; userPrincipalName: string; ipAddress: string; clientAppUsed: string; status: { errorCode: number } };
    const t = Date.parse(e.createdDateTime);
    if (t < since || !LEGACY.includes(e.clientAppUsed.toLowerCase()) || e.status.errorCode === 0) continue;
    const window = new Date(Math.floor(t / 3_600_000) * 3_600_000).toISOString().replace('.000Z', 'Z');
    const key = `${e.ipAddress}|${window}`;
    const g = groups.get(key) ?? { users: new Set<string>(), attempts: 0 };
    g.users.add(e.userPrincipalName);
    g.attempts++;
    groups.set(key, g);
  }
  return [...groups].map(([key, g]) => ({ src_ip: key.split('|')[0]!, window: key.split('|')[1]!, distinct_users: g.users.size, attempts: g.attempts }))
    .filter((r) => r.distinct_users >= 5)
    .sort(sprayOrder);
}

/** JSON Lines of a file: the export reader's chunked line splitter. */
function* lines(file: string): Generator<string> {
  for (const { text } of readLines(file)) if (text !== '') yield text;
}

function rule() {
  const catalog = loadCatalog(projectPath());
  return { catalog, rule: catalog.rules.find((r) => r.document.name === RULE)! };
}

export const toSprayRows = (rows: Record<string, unknown>[]): SprayRow[] =>
  rows.map((r) => ({ src_ip: String(r.src_ip), window: String(r.window).replace('.000Z', 'Z'), distinct_users: Number(r.distinct_users), attempts: Number(r.attempts) })).sort(sprayOrder);

/** The generated SPL on the SPL engine: Graph export lines as Splunk events (_raw the line). */
function splEngine(file: string, end: number): () => SprayRow[] {
  const { rule: r } = rule();
  const rendered = render(r.query, 'splunk');
  const macros = new Map([['detc_entra_signin', 'sourcetype="azure:aad:signin"'], [tuningMacro(r.document.name), TUNING_MACRO_DEFAULT]]);
  const compiled = compileSpl(rendered.text, { macros });
  function* events(): Generator<Record<string, unknown>> {
    for (const line of lines(file)) {
      const at = line.indexOf('"createdDateTime":"') + 19;
      yield { _time: Date.parse(line.slice(at, line.indexOf('"', at))) / 1000, _raw: line, sourcetype: 'azure:aad:signin' };
    }
  }
  return () => toSprayRows(toCanonicalRows(compiled.run(events(), { now: end }).rows, rendered, r.query.columns));
}

/** The generated Sentinel KQL on the KQL engine, over the SigninLogs export. */
function kqlEngine(file: string, end: number): () => SprayRow[] {
  const { catalog, rule: r } = rule();
  const rendered = render(r.query, 'sentinel');
  const table = kqlTablesFor(catalog.logsources.values(), 'sentinel').find((t) => t.name === 'SigninLogs')!;
  const compiled = compileKql(rendered.text, { SigninLogs: { columns: table.columns } });
  // Lines the query's where cannot keep are dropped unparsed (the engine's raw pre-filter).
  const keep = compiled.rawPrefilter('SigninLogs') ?? (() => true);
  function* rows(): Generator<Record<string, unknown>> {
    for (const line of lines(file)) if (keep(line)) yield JSON.parse(line) as Record<string, unknown>;
  }
  return () => toSprayRows(toCanonicalRows(compiled.run({ SigninLogs: { rows: rows() } }, { now: end }).rows, rendered, r.query.columns));
}

async function main(): Promise<void> {
  const [engine, file, endText] = process.argv.slice(2);
  const end = Date.parse(endText!);
  let result: SprayRow[];
  let started: number;
  if (engine === 'node') {
    started = performance.now();
    result = await plainNode(file!, end);
  } else {
    const run = engine === 'spl' ? splEngine(file!, end) : kqlEngine(file!, end);
    started = performance.now();
    result = run();
  }
  const ms = performance.now() - started;
  const usage = process.resourceUsage();
  const figures: EngineFigures = { rows: result, ms, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMb: usage.maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
