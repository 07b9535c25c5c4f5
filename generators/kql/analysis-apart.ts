// Kusto's analysis of a query made on a worker thread of its own, for `detc run` on a query
// never run before: the engine compiles from the snapshot it sends back, as from a stored
// analysis (kql-analysis-cache.ts), so Kusto is never loaded on the main thread. Loaded there,
// its ≈ 30 MB of live heap let V8 grow that heap several times over before collecting garbage:
// the spray .kql without --now over 10M sign-ins (4.1 GB) peaked at 400 MB against 217 MB with
// the analysis cached. On a thread of its own, Kusto's heap goes when the thread ends. Better
// still, when the CLI's bundle has its V8 startup snapshot of Kusto (kusto-snapshot.ts), in a
// process started from it: Kusto is loaded, initialised and warm there before the run begins.
import { existsSync } from 'node:fs';
import type { KqlTableSchema } from './language-service.ts';
import type { KqlTreeSnapshot } from './tree-snapshot.ts';
import { analyseInKustoSnapshot, buildKustoSnapshotAtExit, kustoSnapshotFiles, type KustoSnapshotFiles } from './kusto-snapshot.ts';
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
  if (snapshot) {
    if (existsSync(snapshot.blob)) {
      const analyses = await analyseInKustoSnapshot(snapshot.blob, [{ text, tables }]);
      if (analyses) return analyses[0];
    }
    buildKustoSnapshotAtExit(snapshot);
  }
  return analyseOnWorker(text, tables);
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
