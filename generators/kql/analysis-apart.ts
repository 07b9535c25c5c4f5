// Kusto's analysis of a query made on a worker thread of its own, for `detc run` on a query
// never run before: the engine compiles from the snapshot it sends back, as from a stored
// analysis (kql-analysis-cache.ts), so Kusto is never loaded on the main thread. Loaded there,
// its ≈ 30 MB of live heap let V8 grow that heap several times over before collecting garbage:
// the spray .kql without --now over 10M sign-ins (4.1 GB) peaked at 400 MB against 217 MB with
// the analysis cached. On a thread of its own, Kusto's heap goes when the thread ends.
import type { KqlTableSchema } from './language-service.ts';
import type { KqlTreeSnapshot } from './tree-snapshot.ts';
import { startSourceWorker } from '../source-workers.ts';

/** Defined (as the URL of the worker's own bundle) when this module runs from bin/cli-loader.js's bundle. */
declare const DETC_KQL_ANALYSIS_WORKER_BUNDLE: string | undefined;

/**
 * The snapshot of Kusto's analysis of `text` against `tables`, made on a worker thread; undefined
 * when there is none (a tree the snapshot refuses, a worker that failed): analyse here then.
 */
export function analyseKqlApart(text: string, tables: readonly KqlTableSchema[]): Promise<KqlTreeSnapshot | undefined> {
  const bundle = typeof DETC_KQL_ANALYSIS_WORKER_BUNDLE === 'string' ? DETC_KQL_ANALYSIS_WORKER_BUNDLE : undefined;
  const worker = startSourceWorker('kql/analysis-worker.ts', bundle, { workerData: { text, tables } });
  return new Promise((done) => {
    worker.once('message', (reply: { snapshot: KqlTreeSnapshot } | { error: string }) => done('snapshot' in reply ? reply.snapshot : undefined));
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
}
