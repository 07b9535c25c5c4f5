// Kusto's analysis of a query made on a worker thread of its own, for `detc run` on a query
// never run before: the engine compiles from the snapshot it sends back, as from a stored
// analysis (kql-analysis-cache.ts), so Kusto is never loaded on the main thread. Loaded there,
// its ≈ 30 MB of live heap let V8 grow that heap several times over before collecting garbage:
// the spray .kql without --now over 10M sign-ins (4.1 GB) peaked at 400 MB against 217 MB with
// the analysis cached. On a thread of its own, Kusto's heap goes when the thread ends. Better
// still, when the CLI's bundle has its V8 startup snapshot of Kusto (kusto-snapshot.ts), in a
// process started from it: Kusto is loaded, initialised and warm there before the run begins.
// Commands that analyse a few queries and would load Kusto for them (`detc validate` of .kql
// files, `detc run <rule> --target …`) have them analysed there too, and keep the analyses in
// the cache of analyses as a query file's run does (kqlAnalysesApart).
import { analyzeKqlTree, type KqlAnalysedTree, type KqlTableSchema } from './language-service.ts';
import { treeFromSnapshot, type KqlTreeSnapshot } from './tree-snapshot.ts';
import { kqlAnalysisCacheDir, readKqlAnalysis, storeKqlAnalysis, storeKqlSnapshot } from './kql-analysis-cache.ts';
import { analysesFromKustoSnapshot, kustoSnapshotFiles, type KqlQueryToAnalyse, type KustoSnapshotFiles } from './kusto-snapshot.ts';
import { startSourceWorker } from '../source-workers.ts';

/** Defined (as the URL of the worker's own bundle) when this module runs from bin/cli-loader.js's bundle. */
declare const DETC_KQL_ANALYSIS_WORKER_BUNDLE: string | undefined;

/**
 * The snapshot of Kusto's analysis of `text` against `tables`, made by a process from the Kusto
 * snapshot when there is one (`snapshot`, by default the CLI bundle's; made after this run when
 * it is not there yet), else on a worker thread; undefined when there is none (a tree the
 * snapshot refuses, a worker that failed): analyse here then.
 */
export async function analyseKqlApart(text: string, tables: readonly KqlTableSchema[], snapshot: KustoSnapshotFiles | undefined = kustoSnapshotFiles()): Promise<KqlTreeSnapshot | undefined> {
  const made = await analysesFromKustoSnapshot([{ text, tables }], snapshot);
  return made ? made[0] : analyseOnWorker(text, tables);
}

function analyseOnWorker(text: string, tables: readonly KqlTableSchema[]): Promise<KqlTreeSnapshot | undefined> {
  const bundle = typeof DETC_KQL_ANALYSIS_WORKER_BUNDLE === 'string' ? DETC_KQL_ANALYSIS_WORKER_BUNDLE : undefined;
  const worker = startSourceWorker('kql/analysis-worker.ts', bundle, { workerData: { text, tables } });
  return new Promise((done) => {
    worker.once('message', (reply: { snapshot: KqlTreeSnapshot } | { error: string }) => done('snapshot' in reply ? reply.snapshot : undefined));
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
}

/**
 * Kusto's analyses of `queries`: from the cache of analyses (kql-analysis-cache.ts) when a run
 * made one before; the others by a process from the Kusto snapshot, all in one request, when
 * there is one (`snapshot`, by default the CLI bundle's; made after this run when it is not
 * there yet); any it does not give, here. Those made are stored in the cache. The trees answer
 * as Kusto's own (tree-snapshot.ts).
 */
export async function kqlAnalysesApart(queries: readonly KqlQueryToAnalyse[], options: { readonly cache?: string | undefined; readonly snapshot?: KustoSnapshotFiles | undefined } = { cache: kqlAnalysisCacheDir(), snapshot: kustoSnapshotFiles() }): Promise<KqlAnalysedTree[]> {
  const { cache, snapshot } = options;
  const trees = queries.map(({ text, tables }) => readKqlAnalysis(cache, text, tables));
  const made = await analysesFromKustoSnapshot(queries.filter((_, i) => !trees[i]), snapshot);
  let next = 0;
  return queries.map(({ text, tables }, i) => {
    const stored = trees[i];
    if (stored) return stored;
    const apart = made?.[next++];
    if (apart) {
      storeKqlSnapshot(cache, apart, tables);
      return treeFromSnapshot(apart);
    }
    const here = analyzeKqlTree(text, tables);
    storeKqlAnalysis(cache, here, tables);
    return here;
  });
}

/** Analyses made ahead by prefetchKqlAnalyses, by table list, then text; each handed out once. */
const prefetched = new WeakMap<readonly KqlTableSchema[], Map<string, KqlAnalysedTree>>();

/**
 * Has a process from the Kusto snapshot analyse `queries` now, all in one request, for
 * takePrefetchedKqlAnalysis to hand out: for `detc test` and `detc build` checking on this thread
 * alone, where loading Kusto here would cost more than the analyses. Without a snapshot (not made
 * yet: it is made after this run) nothing is analysed ahead.
 */
export async function prefetchKqlAnalyses(queries: readonly KqlQueryToAnalyse[], snapshot: KustoSnapshotFiles | undefined = kustoSnapshotFiles()): Promise<void> {
  const made = await analysesFromKustoSnapshot(queries, snapshot);
  made?.forEach((tree, i) => {
    if (!tree) return;
    const { text, tables } = queries[i]!;
    let byText = prefetched.get(tables);
    if (!byText) prefetched.set(tables, (byText = new Map()));
    byText.set(text, treeFromSnapshot(tree));
  });
}

/** The analysis of `text` against `tables` (the same list) made by prefetchKqlAnalyses, once; else undefined. */
export function takePrefetchedKqlAnalysis(text: string, tables: readonly KqlTableSchema[]): KqlAnalysedTree | undefined {
  const byText = prefetched.get(tables);
  const tree = byText?.get(text);
  if (tree) byText!.delete(text);
  return tree;
}
