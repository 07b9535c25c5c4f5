// Issue 9, workload 2: the content build at scale. 1,000 rules are generated from a seed with
// the differential fuzzer's rule generator (test/fuzz/arbitraries.ts: selections with every
// modifier, conditions, per-event tables, aggregations over bins, conditional aggregates,
// having, order, limit) over every bundled log source, each with tests whose expectations are
// the reference evaluator's rows: its own generated events, another rule's events, and bundled
// fixture files of its log source. Written into a temporary content folder, then timed in phases
// in this process (validation and replay together, rule by rule on every core, as `detc build`
// runs them, with the cost of each rule), and end to end through the CLI as a user runs it (with
// an empty cache of rule checks, then again with nothing changed and with one rule changed); the
// bundled content's own `detc test` and `detc build` are timed too (and `detc test` after one of
// its rules is edited). Deterministic: the same seed gives
// the same rules, tests and counts.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { buildDistFiles } from '../../generators/build.ts';
import { loadCatalog, type Catalog, type CompiledRule } from '../../generators/catalog.ts';
import { writeDist } from '../../generators/dist-writer.ts';
import { buildQuery } from '../../generators/ir/build.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { kusto } from '../../generators/kql/language-service.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import type { LogSource } from '../../generators/logsources/types.ts';
import { projectPath } from '../../generators/paths.ts';
import { kustoSnapshotMade, timedDetc, type TimedDetc } from './timed-detc.ts';
import { checkGeneratedQueriesInParallel, checkThreads } from '../../generators/parallel-checks.ts';
import { checkEvent, loadFixtureFile, type CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { parseRuleText } from '../../generators/rules/loader.ts';
import { fuzzCase, type FuzzCase } from '../fuzz/arbitraries.ts';
import { ruleFile } from '../fuzz/cases.ts';

const RULES = 1000;
const SEED = 9;

/** One rule's tests as the rule file writes them, and the events the reference evaluates. */
interface SyntheticTest {
  readonly name: string;
  readonly events: readonly Record<string, unknown>[] | string;
  readonly canonical: readonly CanonicalEvent[];
  readonly now: number;
}

/**
 * A content folder with `count` rules generated from `seed`: rule n is the fuzzer's rule for the
 * n-th log source in turn (its own sample, seed + n), a detection when its lookback is long
 * enough to schedule (5 minutes or more, for Sentinel), else a hunt. Its tests: its own events,
 * the events of the log source's next rule, and one or two of the log source's fixture files
 * (each with the rule's own `now`, so some of their events fall in the lookback and some not).
 */
export function writeSyntheticContent(count: number, seed = SEED): string {
  const root = mkdtempSync(join(tmpdir(), 'detc-bench-content-'));
  cpSync(projectPath('schemas'), join(root, 'schemas'), { recursive: true });
  cpSync(projectPath('samples'), join(root, 'samples'), { recursive: true });
  mkdirSync(join(root, 'detections', 'synthetic'), { recursive: true });
  const logsources = loadLogSources(join(root, 'schemas', 'logsources'));
  const sources = [...logsources.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const fixtures = new Map(sources.map((source) => [source.name, readdirSync(join(root, 'samples', source.name)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => {
    const file = `samples/${source.name}/${f}`;
    return { file, events: loadFixtureFile(join(root, file), file, source).events };
  })]));
  // Cases per log source, drawn once: rule n is case ⌊n / sources⌋ of its source.
  const perSource = Math.ceil(count / sources.length) + 1;
  const cases = new Map(sources.map((source, i) => [source.name, fc.sample(fuzzCase(source), { seed: seed * 7919 + i, numRuns: perSource })]));
  for (let n = 0; n < count; n++) {
    const source = sources[n % sources.length]!;
    const k = Math.floor(n / sources.length);
    const own = cases.get(source.name)![k]!;
    const next = cases.get(source.name)![k + 1]!;
    const files = fixtures.get(source.name)!;
    const tests: SyntheticTest[] = [
      { name: 'its own events', events: own.events, canonical: [], now: own.now },
      { name: "another rule's events", events: next.events, canonical: [], now: next.now },
      ...files.filter((_, i) => i === k % files.length || (n % 2 === 1 && i === (k + 1) % files.length)).map((f) => {
        const latest = f.events.reduce((m, e) => Math.max(m, typeof e.timestamp === 'number' ? e.timestamp : 0), 0);
        return { name: `the events of ${f.file}`, events: f.file, canonical: f.events, now: latest + 1000 };
      }),
    ];
    const name = `synthetic-${source.name.replace(/_/g, '-')}-${String(n).padStart(4, '0')}`;
    writeFileSync(join(root, 'detections', 'synthetic', `${name}.yml`), syntheticRule(source, logsources, own, tests, name));
  }
  return root;
}

function syntheticRule(source: LogSource, logsources: ReadonlyMap<string, LogSource>, c: FuzzCase, tests: readonly SyntheticTest[], name: string): string {
  const lookback = String(c.rule.lookback);
  const detection = /^(5m|1h|1d)$/.test(lookback);
  const document = {
    ...ruleFile(source, c, name),
    title: `Synthetic rule ${name.slice('synthetic-'.length)}`,
    kind: detection ? 'detection' : 'hunt',
    ...(detection ? { schedule: lookback } : {}),
    tests: [] as unknown[],
  };
  // The rule as the loader and builder see it, to compute each test's expected rows.
  const parsed = parseRuleText(stringify({ ...document, tests: [{ name: 'x', events: [], expect: { rows: 0 } }] }), `${name}.yml`);
  const query = parsed.rule && buildQuery(parsed.rule, logsources).query;
  if (!query) throw new Error(`synthetic rule ${name} does not compile: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  document.tests = tests.map((t) => {
    const events = typeof t.events === 'string' ? t.canonical : canonicalEvents(source, t.events);
    const rows = evaluateQuery(query, events, t.now);
    return { name: t.name, events: t.events, now: new Date(t.now).toISOString(), expect: { rows: rows.length, ...(rows.length ? { equals: rows } : {}) } };
  });
  return stringify(document);
}

/** Inline events as the catalog loads them (checked and typed against the log source). */
function canonicalEvents(source: LogSource, events: readonly Record<string, unknown>[]): CanonicalEvent[] {
  return events.map((raw) => {
    const event = checkEvent(raw, source, (message) => { throw new Error(`synthetic event: ${message}`); });
    if (!event) throw new Error('synthetic event refused');
    return event;
  });
}

const seconds = (run: { ms: number; cpuMs: number }): string => `${(run.ms / 1000).toFixed(1)} s (CPU ${(run.cpuMs / 1000).toFixed(1)} s)`;

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

/**
 * Wall time, CPU time (all threads) and peak RSS of one `detc` command in a fresh process (what a
 * user or CI waits for; CPU time says what it costs whatever else shares the cores), its cache of
 * rule checks in `cacheDir`.
 */
function cli(root: string, cacheDir: string, ...args: string[]): CliFigures {
  return cliWith({}, root, cacheDir, ...args);
}

type CliFigures = Pick<TimedDetc, 'ms' | 'cpuMs' | 'cpuByThread'> & { readonly rssMb: number };

function cliWith(env: NodeJS.ProcessEnv, root: string, cacheDir: string, ...args: string[]): CliFigures {
  const run = timedDetc(['--root', root, ...args], { env: { DETC_NO_CACHE: '', DETC_CACHE_DIR: cacheDir, ...env } });
  return { ms: run.ms, cpuMs: run.cpuMs, rssMb: run.peakRssMb, cpuByThread: run.cpuByThread };
}

/**
 * Where a build's CPU time went, by thread (Linux): the main thread, the worker threads (the
 * checks' and the writer of dist/, ended by the exit), and the threads still there at the exit —
 * V8's platform threads, which collect garbage and run its optimising compiler for every thread's
 * JavaScript (each thread's V8 compiles Kusto's hot code for itself), and libuv's pool.
 */
function cpuByThread({ cpuByThread: by }: CliFigures): string {
  if (!by) return '';
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `; CPU by thread: main ${s(by.mainMs)}, worker threads (checks, writer) ${s(by.endedThreadsMs)}, V8's GC and compiler threads and libuv's pool ${s(by.aliveThreadsMs)}`;
}

/** Validation and replay as `detc build` runs them (rule by rule, on every core), with each rule's time. */
async function checkAsBuildDoes(catalog: Catalog): Promise<{ ms: number; perRule: Array<{ rule: CompiledRule; ms: number }>; diagnostics: number; replays: number; failed: number; byWorkers: number; yamlParsedByWorkers: number }> {
  const { value, ms } = await timedAsync(() => checkGeneratedQueriesInParallel(catalog));
  return {
    ms,
    perRule: catalog.rules.map((rule, i) => ({ rule, ms: value.ruleMs[i]! })),
    diagnostics: value.diagnostics.length,
    replays: value.outcomes.length,
    failed: value.outcomes.filter((o) => o.failures.length).length,
    byWorkers: value.byWorkers,
    yamlParsedByWorkers: value.yamlParsedByWorkers,
  };
}

async function timedAsync<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

/** Mean, median, 90th percentile and the slowest rule of per-rule times, for one shape of rule. */
function spread(label: string, times: ReadonlyArray<{ rule: CompiledRule; ms: number }>): string {
  if (!times.length) return `${label}: none`;
  const sorted = [...times].sort((a, b) => a.ms - b.ms);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.ms.toFixed(1);
  const mean = times.reduce((sum, t) => sum + t.ms, 0) / times.length;
  const slowest = sorted.at(-1)!;
  return `${label} (${times.length}): mean ${mean.toFixed(1)}, median ${at(0.5)}, p90 ${at(0.9)}, max ${slowest.ms.toFixed(1)} ms (${slowest.rule.document.name}, ${slowest.rule.tests.length} tests)`;
}

export async function benchContentBuild(count = RULES): Promise<Record<string, string>> {
  const root = writeSyntheticContent(count);
  const bundled = mkdtempSync(join(tmpdir(), 'detc-bench-bundled-'));
  for (const dir of ['schemas', 'samples', 'detections']) cpSync(projectPath(dir), join(bundled, dir), { recursive: true });
  try {
    const cpuBefore = process.cpuUsage();
    const load = timed(() => kusto());
    const catalog = timed(() => loadCatalog(root));
    if (catalog.value.diagnostics.length) throw new Error(`synthetic content does not load: ${catalog.value.diagnostics[0]!.message}`);
    const rules = catalog.value.rules.length;
    const tests = catalog.value.rules.reduce((n, r) => n + r.tests.length, 0);
    const matching = catalog.value.rules.reduce((n, r) => n + r.tests.filter((t) => (t.expect.rows ?? 0) > 0).length, 0);
    const summarized = catalog.value.rules.filter((r) => r.query.summarize).length;
    const check = await checkAsBuildDoes(catalog.value);
    const build = timed(() => buildDistFiles(catalog.value));
    const write = timed(() => writeDist(join(root, 'dist'), build.value));
    const total = load.ms + catalog.ms + check.ms + build.ms + write.ms;
    const perRule = (ms: number) => `${(ms / rules).toFixed(2)} ms/rule`;
    const peakRss = process.resourceUsage().maxRSS / 1024;
    const cpu = process.cpuUsage(cpuBefore);
    const threads = checkThreads(catalog.value.rules.length);

    // Each CLI figure first with an empty cache of rule checks (every rule checked), then again
    // with the cache that run left: nothing changed, then one rule changed.
    const cache = mkdtempSync(join(tmpdir(), 'detc-bench-cache-'));
    const cliBuild = cli(root, join(cache, 'synthetic'), 'build');
    // The same on one thread (its own empty cache), right after: what the second thread gains.
    const cliOneThread = cliWith({ DETC_THREADS: '1' }, root, join(cache, 'one-thread'), 'build');
    const cliRebuild = cli(root, join(cache, 'synthetic'), 'build');
    const changed = catalog.value.rules[Math.floor(rules / 2)]!.file;
    appendFileSync(join(root, changed), '# changed\n');
    const cliOneChanged = cli(root, join(cache, 'synthetic'), 'build');
    const bundledTest = cli(bundled, join(cache, 'bundled'), 'test');
    const bundledBuild = cli(bundled, join(cache, 'bundled'), 'build');
    const bundledTestWarm = cli(bundled, join(cache, 'bundled'), 'test');
    const bundledBuildWarm = cli(bundled, join(cache, 'bundled'), 'build');
    // The edit-then-test loop: one rule edited, its queries analysed ahead in the process from
    // Kusto's snapshot (made first if no earlier command made it).
    await kustoSnapshotMade();
    appendFileSync(join(bundled, 'detections/spray/pop-imap-password-spray.yml'), '# edited\n');
    const bundledTestEdited = cli(bundled, join(cache, 'bundled'), 'test');
    rmSync(cache, { recursive: true, force: true });
    return {
      'synthetic content': `${rules} rules (seed ${SEED}; ${summarized} aggregating, ${rules - summarized} per-event; ${catalog.value.rules.filter((r) => r.document.kind === 'detection').length} detections), ${tests} tests (${matching} expecting rows), ${check.replays} replays (${check.failed} failed)`,
      'Kusto language service load': load.ms < 1 ? 'loaded already in this process' : `${load.ms.toFixed(0)} ms`,
      'load (YAML, schema, IR, fixtures)': `${catalog.ms.toFixed(0)} ms (${perRule(catalog.ms)})`,
      [`validate + replay (Kusto + SPL, reference + 3 targets; ${threads} thread${threads === 1 ? '' : 's'})`]: `${check.ms.toFixed(0)} ms (${perRule(check.ms)}; ${check.byWorkers} rules checked by workers, which parsed ${check.yamlParsedByWorkers} YAML files themselves; ${check.diagnostics} diagnostics)`,
      'per rule, validate + replay (ms, on its thread)': [
        spread('all', check.perRule),
        spread('aggregating', check.perRule.filter((r) => r.rule.query.summarize)),
        spread('per-event', check.perRule.filter((r) => !r.rule.query.summarize)),
      ].join('; '),
      'render + package artifacts (custom detection queries analysed)': `${build.ms.toFixed(0)} ms (${perRule(build.ms)}; ${build.value.size} files)`,
      'write dist/': `${write.ms.toFixed(0)} ms`,
      'total in process': `${(total / 1000).toFixed(1)} s (${perRule(total)}; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, all threads), peak RSS ${peakRss.toFixed(0)} MB (generating the content included)`,
      [`detc build, ${rules.toLocaleString('en')} rules (CLI)`]: `${seconds(cliBuild)}, peak RSS ${cliBuild.rssMb.toFixed(0)} MB (every rule checked: no cache${cpuByThread(cliBuild)})`,
      '  the same on one thread (DETC_THREADS=1)': `${seconds(cliOneThread)}, peak RSS ${cliOneThread.rssMb.toFixed(0)} MB (two threads: ${(cliOneThread.ms / cliBuild.ms).toFixed(2)}× as fast${cpuByThread(cliOneThread)})`,
      '  again, nothing changed': `${seconds(cliRebuild)}, peak RSS ${cliRebuild.rssMb.toFixed(0)} MB (every check from the cache)`,
      '  again, one rule changed': `${seconds(cliOneChanged)}, peak RSS ${cliOneChanged.rssMb.toFixed(0)} MB (one rule checked)`,
      'detc test, bundled content (CLI)': `${seconds(bundledTest)}; again, nothing changed: ${seconds(bundledTestWarm)}; one rule edited: ${seconds(bundledTestEdited)}`,
      'detc build, bundled content (CLI)': `${seconds(bundledBuild)}; again, nothing changed: ${seconds(bundledBuildWarm)}`,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(bundled, { recursive: true, force: true });
  }
}
