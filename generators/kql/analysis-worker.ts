// A worker thread of analyseKqlApart (analysis-apart.ts): Kusto's analysis of one query, sent
// back as a tree snapshot (tree-snapshot.ts), or why there is none.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeKqlTree, type KqlTableSchema } from './language-service.ts';
import { snapshotTree, type KqlTreeSnapshot } from './tree-snapshot.ts';

const { text, tables } = workerData as { readonly text: string; readonly tables: readonly KqlTableSchema[] };
let reply: { snapshot: KqlTreeSnapshot } | { error: string };
try {
  reply = { snapshot: snapshotTree(analyzeKqlTree(text, tables)) };
} catch (e) {
  reply = { error: (e as Error).message };
}
parentPort!.postMessage(reply);
