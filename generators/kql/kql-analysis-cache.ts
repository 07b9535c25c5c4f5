// Kusto's analysis of a query, kept on disk between runs of `detc run <query>.kql`: loading
// Kusto's language service and its first analysis cost ≈0.5 s and ≈70 MB, every run, for the
// same query text. An entry is a tree snapshot (tree-snapshot.ts) under a key made of all that
// decides the analysis: the text, the tables, Kusto's version, the snapshot format and the code
// that reads Kusto's tree (language-service.ts, tree-snapshot.ts). An entry that is missing,
// unreadable, of another key or whose checksum fails is ignored (and written again).
//
// Where: kql-analyses/ in detc's cache folder (cache-dir.ts); DETC_NO_CACHE=1 turns it off.
// At most MAX_ENTRIES entries are kept (the oldest go).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkedBody, detcCacheDir, keepNewest, withChecksum, writeWhole } from '../cache-dir.ts';
import type { KqlAnalysedTree, KqlTableSchema } from './language-service.ts';
import { snapshotTree, treeFromSnapshot, TREE_SNAPSHOT_VERSION, type KqlTreeSnapshot } from './tree-snapshot.ts';

const MAX_ENTRIES = 200;

/** The cache's folder by the environment, or undefined when it is turned off. */
export function kqlAnalysisCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return detcCacheDir('kql-analyses', env);
}

interface Entry {
  readonly key: string;
  readonly snapshot: KqlTreeSnapshot;
}

let codeVersion: string | undefined;

/** What, besides the query and its tables, decides what a stored analysis holds. */
function analyserVersion(): string {
  if (!codeVersion) {
    const require = createRequire(import.meta.url);
    const kusto = (require('@kusto/language-service-next/package.json') as { version: string }).version;
    const code = createHash('sha256');
    for (const file of ['./language-service.ts', './tree-snapshot.ts']) code.update(readFileSync(fileURLToPath(new URL(file, import.meta.url))));
    codeVersion = `kusto ${kusto}, snapshot ${TREE_SNAPSHOT_VERSION}, code ${code.digest('hex').slice(0, 16)}`;
  }
  return codeVersion;
}

const keyOf = (text: string, tables: readonly KqlTableSchema[]): string =>
  JSON.stringify([analyserVersion(), text, tables.map((t) => [t.name, t.columns.map((c) => [c.name, c.type])])]);

const entryFile = (dir: string, key: string): string => join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);

/** The stored analysis of `text` against `tables`, or undefined (none, or not usable). */
export function readKqlAnalysis(dir: string | undefined, text: string, tables: readonly KqlTableSchema[]): KqlAnalysedTree | undefined {
  if (!dir) return undefined;
  try {
    const key = keyOf(text, tables);
    const body = checkedBody(readFileSync(entryFile(dir, key)));
    if (!body) return undefined;
    const entry = JSON.parse(body.toString('utf8')) as Entry;
    if (entry.key !== key || entry.snapshot?.text !== text) return undefined;
    return treeFromSnapshot(entry.snapshot);
  } catch {
    return undefined;
  }
}

/** Stores the analysis (best effort: a cache that cannot be written is no error). */
export function storeKqlAnalysis(dir: string | undefined, tree: KqlAnalysedTree, tables: readonly KqlTableSchema[]): void {
  if (!dir) return;
  let snapshot: KqlTreeSnapshot;
  try {
    snapshot = snapshotTree(tree);
  } catch {
    return; // a snapshot Kusto's tree does not allow: run without the cache
  }
  storeKqlSnapshot(dir, snapshot, tables);
}

/** Stores the analysis as a snapshot made already (best effort, as storeKqlAnalysis). */
export function storeKqlSnapshot(dir: string | undefined, snapshot: KqlTreeSnapshot, tables: readonly KqlTableSchema[]): void {
  if (!dir) return;
  try {
    const key = keyOf(snapshot.text, tables);
    writeWhole(entryFile(dir, key), withChecksum(JSON.stringify({ key, snapshot } satisfies Entry)));
    keepNewest(dir, '.json', MAX_ENTRIES);
  } catch {
    // Read-only or full disk: run without the cache.
  }
}
