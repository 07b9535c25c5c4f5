// Issue 9, workload 1: the password-spray hunt over a large exported sign-in log.
// Baselines: DuckDB on the same file, and a plain Node loop (readline + JSON.parse + Map).
// What users run is `detc run <query file> --events <export>`: the generated SPL over the Graph
// export, the generated Sentinel KQL over the same sign-ins exported as SigninLogs rows, timed
// from the process's start (Node, tsx, the CLI, Kusto's language service for KQL …) to the rows,
// bin/detc.js itself in a child process. A KQL run is timed cold (Kusto analyses the query, in a
// process from the CLI's V8 snapshot of Kusto; the caches any earlier command makes are there:
// V8's code cache, validators, YAML data), with no cache at all (the first run on a machine),
// before the Kusto snapshot is made (the first .kql run of an install, on a worker thread), and
// warm (the analysis cached by the cold run: kql-analysis-cache.ts). The engines alone are timed
// too, from a compiled query to the rows (large-export-engines.ts). Each of our runs is a process
// of its own, so each peak RSS is that run's own, worker threads included (bin/detc.js runs the
// CLI from its bundle, made by the first run: bin/cli-loader.js). DuckDB's time includes opening
// an in-memory database, not starting Node.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog, type CompiledRule } from '../../generators/catalog.ts';
import { projectPath } from '../../generators/paths.ts';
import { kustoSnapshotMade, timedDetc } from './timed-detc.ts';
import { toCanonicalRows } from '../../generators/replay/canonical-rows.ts';
import { render, type RenderedQuery } from '../../generators/targets/index.ts';
import { writeSignIns } from './signin-generator.ts';
import { RULE, toSprayRows, type EngineFigures, type SprayRow } from './large-export-engines.ts';

const COUNT = Number(process.env.DETC_BENCH_EVENTS ?? 1_000_000);
/**
 * DETC_BENCH_GROWN_EVENTS (say 4000000): also run `detc run` once on exports that many events
 * long, to show that peak RSS does not grow with the file (streaming). Off by default: the two
 * files take ≈ 1.6 GB each per 4M events in test/bench/.data and minutes to write the first time.
 */
const GROWN = Number(process.env.DETC_BENCH_GROWN_EVENTS ?? 0);
/** Runs of each configuration (DETC_BENCH_ROUNDS): the median is reported, all are listed. */
const ROUNDS = Math.max(1, Number(process.env.DETC_BENCH_ROUNDS ?? 3));
const END = new Date('2026-07-01T12:00:00Z');

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

/** One engine in a child process of its own (its peak RSS is its own). */
function inChild(engine: 'node' | 'spl' | 'kql', file: string): EngineFigures {
  const child = spawnSync(process.execPath, ['--import', 'tsx', projectPath('test/bench/large-export-engines.ts'), engine, file, END.toISOString()], { cwd: projectPath(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`${engine} engine failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as EngineFigures;
}

/**
 * `detc run <query file> --events <file> [--now <end>] --format json` exactly as a user types it
 * (bin/detc.js), in a process of its own that prints its figures at exit (exit-figures.mjs); its
 * KQL analysis cache in `cacheDir` (a fresh folder: a cold run).
 */
function detcRun(query: { file: string; rendered: RenderedQuery; columns: CompiledRule['query']['columns'] }, file: string, withNow: boolean, cacheDir: string): EngineFigures {
  const args = ['run', query.file, '--events', file, ...(withNow ? ['--now', END.toISOString()] : []), '--format', 'json'];
  const { ms, cpuMs, peakRssMb, kustoProcessRssMb, out } = timedDetc(args, { env: { DETC_CACHE_DIR: cacheDir } });
  return { ms, cpuMs, peakRssMb, kustoProcessRssMb, rows: toSprayRows(toCanonicalRows(JSON.parse(out) as Record<string, unknown>[], query.rendered, query.columns)) };
}

async function measure<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

export async function benchLargeExport(): Promise<Record<string, string>> {
  const dir = projectPath('test/bench/.data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `signins-${COUNT}.jsonl`);
  const sentinelFile = join(dir, `signinlogs-${COUNT}.jsonl`);
  if (!existsSync(file)) await writeSignIns(file, { count: COUNT, end: END });
  if (!existsSync(sentinelFile)) await writeSignIns(sentinelFile, { count: COUNT, end: END, shape: 'sentinel' });
  const size = (f: string) => `${(statSync(f).size / 1024 / 1024).toFixed(0)} MB`;
  // The generated queries as files, as a user would save them from dist/.
  const catalog = loadCatalog(projectPath());
  const rule = catalog.rules.find((r) => r.document.name === RULE)!;
  const queryFile = (target: 'splunk' | 'sentinel') => {
    const rendered = render(rule.query, target);
    const path = join(dir, `${RULE}.${target === 'splunk' ? 'spl' : 'kql'}`);
    writeFileSync(path, rendered.text);
    return { file: path, rendered, columns: rule.query.columns };
  };
  const spl = queryFile('splunk');
  const kql = queryFile('sentinel');
  // A cold run is a query never run before: its analysis is not cached, but every other cache an
  // earlier command makes is there (V8's code cache of Kusto, the schema validators, the log
  // sources' YAML data), as on a machine detc has run on; `empty` is the first run on a machine.
  const caches = mkdtempSync(join(tmpdir(), 'detc-bench-caches-'));
  const empty = () => mkdtempSync(join(caches, 'cache-'));
  const warm = empty();
  const fresh = () => {
    const dir = empty();
    for (const kind of readdirSync(warm)) if (kind !== 'kql-analyses') cpSync(join(warm, kind), join(dir, kind), { recursive: true });
    return dir;
  };
  let duckInstalled = true;
  detcRun(kql, sentinelFile, true, warm); // fills the analysis cache the warm runs read
  // Cold runs analyse in a process from the Kusto snapshot, which the first run of a .kql makes
  // for the next ones; one configuration runs before it is made (then waits for it).
  const kustoSnapshot = await kustoSnapshotMade();
  const configurations: Record<string, () => EngineFigures | Promise<EngineFigures>> = {
    'DuckDB': async () => {
      const { result, ms } = await measure(() => duckdb(file));
      if (!result) duckInstalled = false;
      return { rows: result ?? [], ms, cpuMs: NaN, peakRssMb: NaN };
    },
    'plain Node (readline+JSON.parse)': () => inChild('node', file),
    'detc run spray.spl --now': () => detcRun(spl, file, true, fresh()),
    'detc run spray.spl, no --now': () => detcRun(spl, file, false, fresh()),
    'detc run spray.kql --now, cold': () => detcRun(kql, sentinelFile, true, fresh()),
    'the same, no caches at all (first run)': () => detcRun(kql, sentinelFile, true, empty()),
    'the same, before its Kusto snapshot is made': async () => {
      rmSync(kustoSnapshot.blob);
      const run = detcRun(kql, sentinelFile, true, fresh());
      await kustoSnapshotMade();
      return run;
    },
    'detc run spray.kql --now, warm cache': () => detcRun(kql, sentinelFile, true, warm),
    'detc run spray.kql, no --now, cold': () => detcRun(kql, sentinelFile, false, fresh()),
    'SPL engine alone (compiled search)': () => inChild('spl', file),
    'KQL engine alone (compiled KQL)': () => inChild('kql', sentinelFile),
  };
  // Each configuration ROUNDS times, round by round (a change in the machine's load falls on all
  // of them alike); the run of median wall time is reported.
  const rounds: Record<string, EngineFigures[]> = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(configurations)) (rounds[name] ??= []).push(await run());
    }
  } finally {
    rmSync(caches, { recursive: true, force: true });
  }
  const median = (runs: EngineFigures[]) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
  const spread = (runs: EngineFigures[]) => (runs.length > 1 ? ` (of ${runs.map((r) => r.ms.toFixed(0)).join(', ')})` : '');
  const duckRuns = rounds['DuckDB']!;
  const duck = { ms: median(duckRuns).ms, result: duckInstalled ? duckRuns[0]!.rows : undefined };
  const runs = Object.fromEntries(Object.entries(rounds).filter(([name]) => name !== 'DuckDB').map(([name, r]) => [name, median(r)]));
  const bar = duck.result ? { ms: duck.ms, rows: duck.result } : runs['plain Node (readline+JSON.parse)']!;
  const barName = duck.result ? 'DuckDB' : 'plain Node';
  const rate = (ms: number) => `${((COUNT / ms) * 1000 / 1e6).toFixed(2)} M events/s`;
  const figures: Record<string, string> = {
    'input': `${COUNT.toLocaleString('en-US')} Graph signIn events, ${size(file)} JSON Lines (SigninLogs rows: ${size(sentinelFile)})`,
    'DuckDB (reference bar)': duck.result ? `${duck.ms.toFixed(0)} ms${spread(duckRuns)}, ${rate(duck.ms)}, ${duck.result.length} rows` : 'not installed: npm install --no-save @duckdb/node-api',
  };
  const disagree: string[] = [];
  for (const [name, run] of Object.entries(runs)) {
    const kustoRss = run.kustoProcessRssMb ? ` (and ${run.kustoProcessRssMb.toFixed(0)} MB of its Kusto snapshot process, at the start)` : '';
    figures[name] = `${run.ms.toFixed(0)} ms${spread(rounds[name]!)}, ${rate(run.ms)}, ${(run.ms / bar.ms).toFixed(1)}× ${barName}, CPU ${(run.cpuMs / 1000).toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB${kustoRss}`;
    // Without --now the hunt runs one second after the latest event: its hour starts later.
    if (name.includes('no --now')) continue;
    if (JSON.stringify(run.rows satisfies SprayRow[]) !== JSON.stringify(bar.rows)) disagree.push(name);
  }
  figures['same rows'] = disagree.length === 0 ? `yes (${duck.result ? 'DuckDB, ' : ''}plain Node, detc run .spl and .kql, SPL and KQL engines: ${bar.rows.length} rows)` : `NO — ${disagree.join(', ')} disagree with ${barName}`;
  if (GROWN > 0) Object.assign(figures, await grownExports(dir, { spl, kql }, runs));
  return figures;
}

/**
 * `detc run` once on exports of GROWN events, each configuration's peak RSS beside its figure for
 * COUNT events: streaming holds a bounded window of the file, whatever its size, plus what the
 * query itself keeps (the spray hunt's groups and their sets of users grow with the events).
 */
async function grownExports(dir: string, queries: Record<'spl' | 'kql', Parameters<typeof detcRun>[0]>, runs: Record<string, EngineFigures>): Promise<Record<string, string>> {
  const file = join(dir, `signins-${GROWN}.jsonl`);
  const sentinelFile = join(dir, `signinlogs-${GROWN}.jsonl`);
  if (!existsSync(file)) await writeSignIns(file, { count: GROWN, end: END });
  if (!existsSync(sentinelFile)) await writeSignIns(sentinelFile, { count: GROWN, end: END, shape: 'sentinel' });
  const caches = mkdtempSync(join(tmpdir(), 'detc-bench-grown-'));
  const figures: Record<string, string> = {
    [`input, grown`]: `${GROWN.toLocaleString('en-US')} events, ${(statSync(file).size / 1024 / 1024).toFixed(0)} MB (SigninLogs rows: ${(statSync(sentinelFile).size / 1024 / 1024).toFixed(0)} MB)`,
  };
  try {
    const configurations: Array<[name: string, small: string, run: () => EngineFigures]> = [
      ['spray.spl --now', 'detc run spray.spl --now', () => detcRun(queries.spl, file, true, caches)],
      ['spray.spl, no --now', 'detc run spray.spl, no --now', () => detcRun(queries.spl, file, false, caches)],
      // The query never run before here; then its analysis cached by that run.
      ['spray.kql, no --now', 'detc run spray.kql, no --now, cold', () => detcRun(queries.kql, sentinelFile, false, caches)],
      ['spray.kql --now, warm cache', 'detc run spray.kql --now, warm cache', () => detcRun(queries.kql, sentinelFile, true, caches)],
    ];
    for (const [name, small, run] of configurations) {
      const figure = run();
      const before = runs[small]!;
      figures[`  ${name}, ${GROWN.toLocaleString('en-US')} events`] = `${figure.ms.toFixed(0)} ms, CPU ${(figure.cpuMs / 1000).toFixed(1)} s, peak RSS ${figure.peakRssMb.toFixed(0)} MB (${before.peakRssMb.toFixed(0)} MB at ${COUNT.toLocaleString('en-US')}), ${figure.rows.length} rows`;
    }
  } finally {
    rmSync(caches, { recursive: true, force: true });
  }
  return figures;
}
