// Issue 9, workload 1: the password-spray hunt over a large exported sign-in log.
// Baselines: DuckDB on the same file, and a plain Node loop (readline + JSON.parse + Map).
// The SPL and KQL engines join this benchmark when they exist.
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { projectPath } from '../../generators/paths.ts';
import { writeSignIns } from './signin-generator.ts';
import { loadCatalog } from '../../generators/catalog.ts';
import { render } from '../../generators/targets/index.ts';
import { runSpl } from '../../generators/spl/engine/index.ts';
import { toCanonicalRows } from '../../generators/replay/canonical-rows.ts';
import { tuningMacro, TUNING_MACRO_DEFAULT } from '../../generators/targets/spl.ts';

const COUNT = Number(process.env.DETC_BENCH_EVENTS ?? 1_000_000);
const END = new Date('2026-07-01T12:00:00Z');
const LEGACY = ['pop3', 'imap4', 'exchange activesync'];

interface SprayRow { src_ip: string; window: string; distinct_users: number; attempts: number }

/**
 * DuckDB is the bar, not a dependency: the npm mirror CI uses lacks its macOS and Windows
 * bindings, so a lockfile with it cannot `npm ci`. Install it for a run with
 * `npm install --no-save @duckdb/node-api`.
 */
async function duckdb(file: string): Promise<SprayRow[] | undefined> {
  const moduleName = '@duckdb/node-api';
  let DuckDBInstance: { create(path: string): Promise<{ connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): Record<string, unknown>[] }> }> }> };
  try {
    ({ DuckDBInstance } = (await import(moduleName)) as { DuckDBInstance: typeof DuckDBInstance });
  } catch {
    return undefined;
  }
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const reader = await connection.runAndReadAll(`
    SELECT ipAddress AS src_ip,
           strftime(time_bucket(INTERVAL 1 hour, CAST(createdDateTime AS TIMESTAMP)), '%Y-%m-%dT%H:%M:%SZ') AS window,
           count(DISTINCT userPrincipalName) AS distinct_users,
           count(*) AS attempts
    FROM read_json('${file}', format = 'newline_delimited',
                   columns = {createdDateTime: 'VARCHAR', userPrincipalName: 'VARCHAR', ipAddress: 'VARCHAR', clientAppUsed: 'VARCHAR', status: 'STRUCT(errorCode BIGINT)'})
    WHERE lower(clientAppUsed) IN ('pop3', 'imap4', 'exchange activesync')
      AND status.errorCode != 0
      AND CAST(createdDateTime AS TIMESTAMP) >= TIMESTAMP '${END.toISOString().slice(0, 19)}' - INTERVAL 1 hour
    GROUP BY ALL
    HAVING distinct_users >= 5
    ORDER BY distinct_users DESC, src_ip`);
  return reader.getRowObjectsJson().map((r) => ({ src_ip: String(r.src_ip), window: String(r.window), distinct_users: Number(r.distinct_users), attempts: Number(r.attempts) }));
}

async function plainNode(file: string): Promise<SprayRow[]> {
  const groups = new Map<string, { users: Set<string>; attempts: number }>();
  const since = END.getTime() - 3_600_000;
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
    .sort((a, b) => b.distinct_users - a.distinct_users || (a.src_ip < b.src_ip ? -1 : 1));
}

/** Graph export lines as Splunk events (_time from createdDateTime, _raw the line), read in 4 MiB chunks. */
function* splunkEvents(file: string): Generator<Record<string, unknown>> {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(4 * 1024 * 1024);
  let rest = '';
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      const lines = (rest + buffer.toString('utf8', 0, n)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const at = line.indexOf('"createdDateTime":"') + 19;
        yield { _time: Date.parse(line.slice(at, line.indexOf('"', at))) / 1000, _raw: line, sourcetype: 'azure:aad:signin' };
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The generated SPL of pop-imap-password-spray on the SPL engine. */
async function splEngine(file: string): Promise<SprayRow[]> {
  const catalog = loadCatalog(projectPath());
  const rule = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
  const rendered = render(rule.query, 'splunk');
  const macros = new Map([['detc_entra_signin', 'sourcetype="azure:aad:signin"'], [tuningMacro(rule.document.name), TUNING_MACRO_DEFAULT]]);
  const result = runSpl(rendered.text, splunkEvents(file), { now: END.getTime(), macros });
  return toCanonicalRows(result.rows, rendered, rule.query.columns)
    .map((r) => ({ src_ip: String(r.src_ip), window: String(r.window).replace('.000Z', 'Z'), distinct_users: Number(r.distinct_users), attempts: Number(r.attempts) }))
    .sort((a, b) => b.distinct_users - a.distinct_users || (a.src_ip < b.src_ip ? -1 : 1));
}

async function measure<T>(run: () => Promise<T>): Promise<{ result: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  const result = await run();
  const ms = performance.now() - started;
  clearInterval(timer);
  return { result, ms, peakRssMb: Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024 };
}

export async function benchLargeExport(): Promise<Record<string, string>> {
  const dir = projectPath('test/bench/.data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `signins-${COUNT}.jsonl`);
  if (!existsSync(file)) await writeSignIns(file, { count: COUNT, end: END });
  const size = `${(statSync(file).size / 1024 / 1024).toFixed(0)} MB`;
  const duck = await measure(() => duckdb(file));
  const node = await measure(() => plainNode(file));
  const spl = await measure(() => splEngine(file));
  const bar = duck.result ? duck : node; // without DuckDB, ratios are to plain Node
  const barName = duck.result ? 'DuckDB' : 'plain Node';
  const same = JSON.stringify(bar.result) === JSON.stringify(node.result);
  const splSame = JSON.stringify(bar.result) === JSON.stringify(spl.result);
  const rate = (ms: number) => `${((COUNT / ms) * 1000 / 1e6).toFixed(2)} M events/s`;
  return {
    'input': `${COUNT.toLocaleString('en-US')} Graph signIn events, ${size} JSON Lines`,
    'DuckDB (reference bar)': duck.result ? `${duck.ms.toFixed(0)} ms, ${rate(duck.ms)}, ${duck.result.length} rows` : 'not installed: npm install --no-save @duckdb/node-api',
    'plain Node (readline+JSON.parse)': `${node.ms.toFixed(0)} ms, ${rate(node.ms)}, ${(node.ms / bar.ms).toFixed(1)}× ${barName}, peak RSS ${node.peakRssMb.toFixed(0)} MB`,
    'SPL engine (generated search)': `${spl.ms.toFixed(0)} ms, ${rate(spl.ms)}, ${(spl.ms / bar.ms).toFixed(1)}× ${barName}, peak RSS ${spl.peakRssMb.toFixed(0)} MB`,
    'same rows': same && splSame ? `yes (${duck.result ? 'DuckDB, ' : ''}plain Node, SPL engine)` : `NO — plain Node ${same ? 'agrees' : 'disagrees'}, SPL engine ${splSame ? 'agrees' : 'disagrees'}`,
  };
}
