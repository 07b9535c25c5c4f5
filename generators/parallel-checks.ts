// checkGeneratedQueries on every core: Kusto's analysis of each generated KQL query is most of
// what `detc build` and `detc test` cost, and it is single-threaded JavaScript, so large content
// is checked by this thread and worker threads together. Each worker loads the Kusto language
// service itself, and each rule it takes from its file; rules are handed out one at a time through a shared counter
// (whoever is free takes the next), and the results are put back in rule order, so the
// diagnostics and outcomes are exactly checkGeneratedQueries'. Small content (the bundled rules)
// is checked on this thread alone: starting a worker costs more than it saves. Given a cache
// (check-cache.ts), rules unchanged since their last check are not checked again, and each
// thread stores the checks it makes as it makes them.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Catalog } from './catalog.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { TargetName } from './logsources/types.ts';
import { pruneRuleChecks, readRuleCheck, ruleCheckKey, storeRuleCheck, type RuleCheckCache } from './check-cache.ts';
import { checkRule, portableRuleCheck, reported, ruleCheckOf, type PortableRuleCheck, type RuleCheck } from './query-validation.ts';
import { shareYamlData } from './rules/yaml-data-cache.ts';
import type { FileWriter } from './file-writer.ts';
import { startSourceWorker } from './source-workers.ts';
import { replayEngines } from './replay/engines.ts';
import { replayMacros, type TestOutcome } from './replay/harness.ts';

export interface ParallelCheckOptions {
  /** Limit the targets replayed (every target is still validated). */
  readonly targets?: readonly TargetName[];
  /** Threads in all, this one included (default: DETC_THREADS, else the machine's cores, at most 4). */
  readonly threads?: number;
  /** Below this many rules, only this thread works (default 100). */
  readonly minRules?: number;
  /** Whether this thread checks rules too while workers run (default true; false leaves them all to the workers). */
  readonly thisThreadChecks?: boolean;
  /** Where unchanged rules' checks are read from and new ones kept (check-cache.ts); none by default. */
  readonly cache?: RuleCheckCache;
  /** The thread new checks are written on (every thread posts its own there); else each thread writes them itself. */
  readonly writer?: FileWriter;
  /** Workers startCheckWorkers started on the catalog's rule files while the catalog loaded. */
  readonly started?: StartedChecks;
  /** The cache's checks of the catalog's rules, read already (storedChecksOf, with the same cache and targets). */
  readonly stored?: StoredChecks;
}

export interface ParallelCheckResult {
  readonly diagnostics: Diagnostic[];
  readonly outcomes: TestOutcome[];
  /** Each rule's check time (ms), in rule order, on whichever thread checked it. */
  readonly ruleMs: number[];
  /** How many rules worker threads checked. */
  readonly byWorkers: number;
  /** How many rules' checks came from the cache (unchanged since they were made). */
  readonly fromCache: number;
  /** YAML texts the workers parsed themselves (yamlParsed of their reports). */
  readonly yamlParsedByWorkers: number;
}

/** What a worker is given. */
export interface CheckWorkerData {
  readonly root: string;
  /** The catalog's rule files, absolute, in its order. */
  readonly files: readonly string[];
  /** The places in `files` of the rules to check, taken in turn through `next` (default: every rule). */
  readonly pending?: readonly number[];
  readonly targets?: readonly TargetName[];
  /** Rules whose check is in this cache are left to the caller, who reads it; the worker stores those it makes. */
  readonly cache?: RuleCheckCache;
  /** Int32 [next place in `pending`], shared by every thread. */
  readonly next: SharedArrayBuffer;
  /** Where the YAML data of the files this thread parses arrives (shareYamlData), taken at each of the worker's YAML reads. */
  readonly yamlData?: MessagePort;
  /** The writer thread's port for the checks the worker stores (FileWriter.port). */
  readonly writes?: MessagePort;
}

/** A rule's check as a worker sends it back: `index` is its place in CheckWorkerData.files. */
export interface SentRuleCheck extends PortableRuleCheck {
  readonly index: number;
}

/** A worker's one message: the rules it checked, and the error that stopped it, if one did (the rule it was on is not among them). */
export interface CheckWorkerReport {
  readonly checks: readonly SentRuleCheck[];
  /** YAML texts the worker parsed itself (the log sources', and the rule files the caller had not parsed and shared yet). */
  readonly yamlParsed?: number;
  readonly error?: string;
}

/** How many threads check `rules` rules (this one included). */
export function checkThreads(rules: number, options: Pick<ParallelCheckOptions, 'threads' | 'minRules'> = {}): number {
  if (rules < (options.minRules ?? 100)) return 1;
  const fromEnvironment = Number(process.env.DETC_THREADS);
  const threads = options.threads ?? (Number.isInteger(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : Math.min(availableParallelism(), 4));
  return Math.max(1, Math.min(threads, rules));
}

/** Worker threads checking a catalog's rules, started by startCheckWorkers before it was loaded. */
export interface StartedChecks {
  readonly files: readonly string[];
  readonly next: Int32Array;
  readonly workers: readonly CheckWorker[];
  /** Stops the workers (the catalog did not load). */
  stop(): void;
}

/**
 * Starts checking the rules in `files` (the catalog's rule files, absolute, in its order:
 * findRuleFiles) on worker threads before the catalog is loaded, when they are many enough to
 * need workers: a worker loads each rule it takes itself, so the caller's loading the catalog
 * (a few seconds for a thousand rules) and the checks run side by side. Pass the result to
 * checkGeneratedQueriesInParallel, or stop() it if the catalog has errors. Rules whose check is
 * in the cache are left alone.
 */
export function startCheckWorkers(root: string, files: readonly string[], options: ParallelCheckOptions = {}): StartedChecks | undefined {
  const threads = checkThreads(files.length, options);
  if (threads < 2) return undefined;
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from({ length: threads - 1 }, () => startWorker({ root, files, ...workerOptions(options), next: next.buffer as SharedArrayBuffer }, options.writer));
  return { files, next, workers, stop: () => workers.forEach((w) => void w.stop()) };
}

const workerOptions = (options: ParallelCheckOptions) => ({
  ...(options.targets ? { targets: options.targets } : {}),
  ...(options.cache ? { cache: options.cache } : {}),
});

/** What the cache of checks holds for each rule of a catalog, in its order: its key and its check, if there is one. */
export interface StoredChecks {
  readonly keys: readonly string[];
  readonly checks: ReadonlyArray<PortableRuleCheck | undefined>;
}

/**
 * The cache's checks of the catalog's rules, read once: the caller learns which rules will be
 * checked (and can have their queries analysed ahead), then passes them on (options.stored).
 */
export function storedChecksOf(catalog: Catalog, options: Pick<ParallelCheckOptions, 'cache' | 'targets'>): StoredChecks | undefined {
  const { cache } = options;
  if (!cache) return undefined;
  const replay = options.targets ? { targets: options.targets } : {};
  const keys = catalog.rules.map((rule) => ruleCheckKey(cache, rule, replay));
  return { keys, checks: keys.map((key) => readRuleCheck(cache, key)) };
}

export async function checkGeneratedQueriesInParallel(catalog: Catalog, options: ParallelCheckOptions = {}): Promise<ParallelCheckResult> {
  const rules = catalog.rules;
  const replay = { engines: replayEngines(), ...(options.targets ? { targets: options.targets } : {}) };
  const macros = replayMacros(catalog);
  const checks: Array<RuleCheck | undefined> = new Array(rules.length);
  // Unchanged rules' checks from the cache; the others are checked now.
  const { cache } = options;
  const keys = cache && (options.stored?.keys ?? rules.map((rule) => ruleCheckKey(cache, rule, replay)));
  if (cache && keys) {
    rules.forEach((rule, i) => {
      const stored = options.stored ? options.stored.checks[i] : readRuleCheck(cache, keys[i]!);
      if (stored) checks[i] = ruleCheckOf(rule, stored);
    });
  }
  const fromCache = new Set(rules.flatMap((_, i) => (checks[i] ? [i] : [])));
  const files = rules.map((r) => resolve(catalog.root, r.file));
  // Workers started early took rules from every file; they must be the catalog's, in order.
  let started = options.started;
  if (started && (started.files.length !== files.length || started.files.some((f, i) => f !== files[i]))) {
    started.stop();
    started = undefined;
  }
  const pending = started ? undefined : rules.flatMap((_, i) => (checks[i] ? [] : [i]));
  const checkHere = (i: number): RuleCheck => {
    const check = checkRule(rules[i]!, replay, macros);
    if (cache && keys) storeRuleCheck(cache, keys[i]!, portableRuleCheck(rules[i]!, check), options.writer);
    return check;
  };
  const next = started?.next ?? new Int32Array(new SharedArrayBuffer(4));
  const workers = started?.workers ?? Array.from({ length: checkThreads(pending!.length, options) - 1 }, () => startWorker({ root: catalog.root, files, pending: pending!, ...workerOptions(options), next: next.buffer as SharedArrayBuffer }, options.writer));
  const count = pending ? pending.length : rules.length;
  // This thread takes rules as the workers do; a rule a worker could not check is checked here
  // afterwards (so an error it raises is raised here, as checkGeneratedQueries would).
  if (options.thisThreadChecks !== false || !workers.length) {
    try {
      for (let k = Atomics.add(next, 0, 1); k < count; k = Atomics.add(next, 0, 1)) {
        const i = pending ? pending[k]! : k;
        checks[i] ??= checkHere(i);
      }
    } catch (e) {
      // What checkGeneratedQueries would throw: the workers' work is moot.
      for (const worker of workers) void worker.stop();
      throw e;
    }
  }
  let byWorkers = 0;
  let yamlParsedByWorkers = 0;
  for (const report of await Promise.all(workers.map((w) => w.report))) {
    yamlParsedByWorkers += report.yamlParsed ?? 0;
    for (const sent of report.checks) {
      // A worker stores what it checks as it goes: one this thread then found in the cache was
      // made in this run, not unchanged since an earlier one.
      fromCache.delete(sent.index);
      checks[sent.index] = ruleCheckOf(rules[sent.index]!, sent);
      byWorkers++;
    }
  }
  const done = checks.map((check, i) => check ?? checkHere(i));
  if (cache) pruneRuleChecks(cache);
  return { diagnostics: reported(done.map((c) => c.diagnostics)), outcomes: done.flatMap((c) => c.outcomes), ruleMs: done.map((c) => c.ms), byWorkers, fromCache: fromCache.size, yamlParsedByWorkers };
}

interface CheckWorker {
  readonly report: Promise<CheckWorkerReport>;
  stop(): Promise<number>;
}

/** Defined (as the URL of the worker's own bundle) when this module runs from bin/cli-loader.js's bundle. */
declare const DETC_CHECK_WORKER_BUNDLE: string | undefined;

/**
 * A worker running generators/parallel-checks-worker.ts (source-workers.ts), resolving to its
 * report; a worker that dies reports nothing, and its rules are checked here.
 */
function startWorker(data: CheckWorkerData, writer: FileWriter | undefined): CheckWorker {
  // The rule files this thread parses (loading the catalog) go to the worker as they are parsed.
  const { port1: yamlData, port2: yamlDataThere } = new MessageChannel();
  const unshare = shareYamlData((key, entry) => yamlData.postMessage([key, entry]));
  const writes = data.cache && writer?.port();
  const options = { workerData: { ...data, yamlData: yamlDataThere, ...(writes ? { writes } : {}) }, transferList: [yamlDataThere, ...(writes ? [writes] : [])] };
  const worker = startSourceWorker('parallel-checks-worker.ts', typeof DETC_CHECK_WORKER_BUNDLE === 'string' ? DETC_CHECK_WORKER_BUNDLE : undefined, options);
  const report = new Promise<CheckWorkerReport>((done) => {
    let report: CheckWorkerReport = { checks: [] };
    worker.once('message', (message: CheckWorkerReport) => (report = message));
    worker.once('error', (e) => (report = { checks: report.checks, error: e.message }));
    worker.once('exit', () => {
      unshare();
      yamlData.close();
      done(report);
    });
  });
  return { report, stop: () => worker.terminate() };
}
