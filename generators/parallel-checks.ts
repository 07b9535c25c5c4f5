// checkGeneratedQueries on every core: Kusto's analysis of each generated KQL query is most of
// what `detc build` and `detc test` cost, and it is single-threaded JavaScript, so large content
// is checked by this thread and worker threads together. Each worker loads the Kusto language
// service itself, and each rule it takes from its file; rules are handed out one at a time through a shared counter
// (whoever is free takes the next), and the results are put back in rule order, so the
// diagnostics and outcomes are exactly checkGeneratedQueries'. Small content (the bundled rules)
// is checked on this thread alone: starting a worker costs more than it saves.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Catalog } from './catalog.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { TargetName } from './logsources/types.ts';
import { checkRule, reported, type DiagnosticsByTarget, type RuleCheck } from './query-validation.ts';
import { keepCustomDetectionAhead, type CustomDetectionAhead } from './package/defender.ts';
import { replayEngines } from './replay/engines.ts';
import { replayMacros, type ReplayTarget, type TestOutcome } from './replay/harness.ts';
import type { ResultRow } from './ir/evaluator.ts';

export interface ParallelCheckOptions {
  /** Limit the targets replayed (every target is still validated). */
  readonly targets?: readonly TargetName[];
  /** As checkGeneratedQueries' option: analyse custom detection queries ahead of packaging. */
  readonly packaging?: boolean;
  /** Threads in all, this one included (default: DETC_THREADS, else the machine's cores, at most 4). */
  readonly threads?: number;
  /** Below this many rules, only this thread works (default 100). */
  readonly minRules?: number;
  /** Whether this thread checks rules too while workers run (default true; false leaves them all to the workers). */
  readonly thisThreadChecks?: boolean;
}

export interface ParallelCheckResult {
  readonly diagnostics: Diagnostic[];
  readonly outcomes: TestOutcome[];
  /** Each rule's check time (ms), in rule order, on whichever thread checked it. */
  readonly ruleMs: number[];
  /** How many rules worker threads checked. */
  readonly byWorkers: number;
}

/** What a worker is given. */
export interface CheckWorkerData {
  readonly root: string;
  /** The rule files, absolute, in the catalog's order. */
  readonly files: readonly string[];
  readonly targets?: readonly TargetName[];
  readonly packaging?: boolean;
  /** The Splunk macros replay defines (replayMacros of the whole catalog). */
  readonly macros: ReadonlyArray<readonly [string, string]>;
  /** Int32 [next rule index], shared by every thread. */
  readonly next: SharedArrayBuffer;
}

/** A rule's check as a worker sends it back: outcomes name their test by its place in the rule. */
export interface SentRuleCheck {
  readonly index: number;
  readonly diagnostics: DiagnosticsByTarget;
  readonly outcomes: ReadonlyArray<{ readonly test: number; readonly target: ReplayTarget; readonly failures: readonly string[]; readonly rows: readonly ResultRow[]; readonly durationMs: number }>;
  readonly customDetection?: CustomDetectionAhead;
  readonly ms: number;
}

/** A worker's one message: the rules it checked, and the error that stopped it, if one did (the rule it was on is not among them). */
export interface CheckWorkerReport {
  readonly checks: readonly SentRuleCheck[];
  readonly error?: string;
}

/** How many threads check `rules` rules (this one included). */
export function checkThreads(rules: number, options: Pick<ParallelCheckOptions, 'threads' | 'minRules'> = {}): number {
  if (rules < (options.minRules ?? 100)) return 1;
  const fromEnvironment = Number(process.env.DETC_THREADS);
  const threads = options.threads ?? (Number.isInteger(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : Math.min(availableParallelism(), 4));
  return Math.max(1, Math.min(threads, rules));
}

export async function checkGeneratedQueriesInParallel(catalog: Catalog, options: ParallelCheckOptions = {}): Promise<ParallelCheckResult> {
  const rules = catalog.rules;
  const threads = checkThreads(rules.length, options);
  const replay = { engines: replayEngines(), ...(options.targets ? { targets: options.targets } : {}), packaging: options.packaging === true };
  const macros = replayMacros(catalog);
  const checks: Array<RuleCheck | undefined> = new Array(rules.length);
  const next = new Int32Array(new SharedArrayBuffer(4));

  const workers = threads > 1
    ? Array.from({ length: threads - 1 }, () => startWorker({ root: catalog.root, files: rules.map((r) => resolve(catalog.root, r.file)), ...(options.targets ? { targets: options.targets } : {}), packaging: options.packaging === true, macros: [...macros], next: next.buffer as SharedArrayBuffer }))
    : [];
  // This thread takes rules as the workers do; a rule a worker could not check is checked here
  // afterwards (so an error it raises is raised here, as checkGeneratedQueries would).
  if (options.thisThreadChecks !== false || !workers.length) {
    try {
      for (let i = Atomics.add(next, 0, 1); i < rules.length; i = Atomics.add(next, 0, 1)) checks[i] = checkRule(rules[i]!, replay, macros);
    } catch (e) {
      // What checkGeneratedQueries would throw: the workers' work is moot.
      for (const worker of workers) void worker.stop();
      throw e;
    }
  }
  let byWorkers = 0;
  for (const report of await Promise.all(workers.map((w) => w.report))) {
    byWorkers += report.checks.length;
    for (const sent of report.checks) {
      const rule = rules[sent.index]!;
      checks[sent.index] = {
        diagnostics: sent.diagnostics,
        outcomes: sent.outcomes.map((o) => ({ rule, test: rule.tests[o.test]!, target: o.target, failures: o.failures, rows: o.rows, durationMs: o.durationMs })),
        ...(sent.customDetection ? { customDetection: sent.customDetection } : {}),
        ms: sent.ms,
      };
    }
  }
  const done = checks.map((check, i) => check ?? checkRule(rules[i]!, replay, macros));
  for (const check of done) if (check.customDetection) keepCustomDetectionAhead(check.customDetection);
  return { diagnostics: reported(done.map((c) => c.diagnostics)), outcomes: done.flatMap((c) => c.outcomes), ruleMs: done.map((c) => c.ms), byWorkers };
}

/**
 * A worker running generators/parallel-checks-worker.ts through tsx (as bin/detc.js runs the
 * CLI), resolving to its report; a worker that dies reports nothing, and its rules are checked here.
 */
function startWorker(data: CheckWorkerData): { report: Promise<CheckWorkerReport>; stop: () => Promise<number> } {
  const require = createRequire(import.meta.url);
  const tsx = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = pathToFileURL(resolve(fileURLToPath(new URL('.', import.meta.url)), 'parallel-checks-worker.ts')).href;
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`, { eval: true, workerData: data });
  const report = new Promise<CheckWorkerReport>((done) => {
    let report: CheckWorkerReport = { checks: [] };
    worker.once('message', (message: CheckWorkerReport) => (report = message));
    worker.once('error', (e) => (report = { checks: report.checks, error: e.message }));
    worker.once('exit', () => done(report));
  });
  return { report, stop: () => worker.terminate() };
}
