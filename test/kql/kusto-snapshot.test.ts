// A process started from the V8 startup snapshot of Kusto (generators/kql/kusto-snapshot.ts)
// must analyse exactly as Kusto loaded here does: the snapshot holds Kusto after our shortcuts
// and a warm-up, so anything the warm-up left behind that changed an answer would show here.
// The snapshot is made as the CLI makes it (bin/cli-loader.js's entry bundle, `node
// --build-snapshot`), in a folder of the test's own.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleKustoSnapshotEntry } from '../../bin/cli-loader.js';
import { loadCatalog } from '../../generators/catalog.ts';
import { analyzeKqlTree, type KqlTableSchema } from '../../generators/kql/language-service.ts';
import { analyseInKustoSnapshot, buildKustoSnapshot, kustoSnapshotFailedRecently, type KustoProcessUsage, type KustoSnapshotFiles } from '../../generators/kql/kusto-snapshot.ts';
import { snapshotTree } from '../../generators/kql/tree-snapshot.ts';
import { kqlAnalysesApart, prefetchKqlAnalyses, takePrefetchedKqlAnalysis } from '../../generators/kql/analysis-apart.ts';
import { kqlTablesFor } from '../../generators/kql/validate.ts';
import { projectPath } from '../../generators/paths.ts';
import { writeSyntheticContent } from '../bench/content-build.ts';
import { generatedKqlQueries } from './generated-queries.ts';

const dir = mkdtempSync(join(tmpdir(), 'detc-kusto-snapshot-'));
const files: KustoSnapshotFiles = { entry: join(dir, 'entry.cjs'), blob: join(dir, 'kusto.blob') };

beforeAll(async () => {
  await bundleKustoSnapshotEntry(files.entry);
  expect(await buildKustoSnapshot(files)).toBe(true);
}, 120_000);

describe('Kusto in a process from its V8 startup snapshot', () => {
  it('gives the tree snapshot Kusto gives here: generated queries, other people\'s KQL, errors, deep nesting, commands', async () => {
    const logsources = [...loadCatalog(projectPath(), []).logsources.values()];
    const everyTable = [...kqlTablesFor(logsources, 'sentinel'), ...kqlTablesFor(logsources, 'defender')];
    const corpus = readFileSync(projectPath('test/corpus/kql-community.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { query: string }).query);
    const t = [{ name: 'T', columns: [{ name: 'a', type: 'string' }, { name: 'n', type: 'long' }] }];
    const queries: Array<readonly [string, readonly KqlTableSchema[]]> = [
      ...generatedKqlQueries(projectPath()),
      ...generatedKqlQueries(writeSyntheticContent(20, 17)),
      ...corpus.filter((_, i) => i % 12 === 0).map((q) => [q, everyTable] as const),
      // Errors Kusto reports, and our number-vs-string check (DETC001).
      ['T | where n == "1"', t], ['T | where b == 1', t], ['T | where a ==', t], ['Missing | take 1', t],
      // Past the parser's depth limit Kusto builds the grammar the snapshot does not hold; and commands.
      [`T | where ${'('.repeat(320)}a == "x"${')'.repeat(320)}`, t], ['.show tables', t],
    ];
    const analyses = await analyseInKustoSnapshot(files.blob, queries.map(([text, tables]) => ({ text, tables })));
    expect(analyses).toHaveLength(queries.length);
    let diagnostics = 0;
    queries.forEach(([text, tables], i) => {
      const here = snapshotTree(analyzeKqlTree(text, tables));
      expect(analyses![i], text).toEqual(here);
      diagnostics += here.diagnostics.length + here.mismatches.length;
    });
    // Not vacuous: many queries, and errors among them.
    expect(queries.length).toBeGreaterThan(90);
    expect(diagnostics).toBeGreaterThan(4);
    // The process says what it cost (the benchmarks add it to the run's figures).
    const usage = (globalThis as unknown as Record<symbol, KustoProcessUsage[] | undefined>)[Symbol.for('detc.kustoSnapshotProcesses')];
    expect(usage?.at(-1)?.peakRssMb).toBeGreaterThan(50);
  }, 120_000);

  it('is not made again when it is there (made by another process meanwhile), and leaves no lock behind', async () => {
    const made = statSync(files.blob).mtimeMs;
    expect(await buildKustoSnapshot(files)).toBe(true);
    expect(statSync(files.blob).mtimeMs).toBe(made);
    expect(existsSync(`${files.blob}.building`)).toBe(false);
  });

  it('a build that fails leaves a mark that stops runs from trying again for a day; one that succeeds clears it', async () => {
    const broken = { entry: join(dir, 'broken.cjs'), blob: join(dir, 'broken.blob') };
    writeFileSync(broken.entry, 'throw new Error("no snapshot here")');
    expect(await buildKustoSnapshot(broken)).toBe(false);
    expect(existsSync(`${broken.blob}.failed`)).toBe(true);
    expect(existsSync(`${broken.blob}.building`)).toBe(false);
    expect(kustoSnapshotFailedRecently(broken)).toBe(true);
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    utimesSync(`${broken.blob}.failed`, dayAgo, dayAgo);
    expect(kustoSnapshotFailedRecently(broken)).toBe(false);
    expect(kustoSnapshotFailedRecently(files)).toBe(false);
    cpSync(files.entry, broken.entry);
    expect(await buildKustoSnapshot(broken)).toBe(true);
    expect(existsSync(`${broken.blob}.failed`)).toBe(false);
  }, 120_000);

  it('answers undefined for a blob this Node cannot run, and removes it (to be made again)', async () => {
    const bad = join(dir, 'bad.blob');
    const query = { text: 'T | take 1', tables: [{ name: 'T', columns: [{ name: 'a', type: 'string' }] }] };
    writeFileSync(bad, 'not a snapshot');
    const hoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(bad, hoursAgo, hoursAgo);
    expect(await analyseInKustoSnapshot(bad, [query])).toBeUndefined();
    expect(existsSync(bad)).toBe(false);
    expect(kustoSnapshotFailedRecently({ entry: files.entry, blob: bad })).toBe(false);
    // One made within the hour that fails already: not made again for a day.
    writeFileSync(bad, 'not a snapshot');
    expect(await analyseInKustoSnapshot(bad, [query])).toBeUndefined();
    expect(existsSync(bad)).toBe(false);
    expect(kustoSnapshotFailedRecently({ entry: files.entry, blob: bad })).toBe(true);
  });

  it('kqlAnalysesApart: trees from the process, stored in the cache of analyses, read from there the next time', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'detc-kql-analyses-'));
    const t = [{ name: 'T', columns: [{ name: 'a', type: 'string' }, { name: 'n', type: 'long' }] }];
    const queries = [{ text: 'T | where a has "x" | summarize c = count() by a', tables: t }, { text: 'T | where n == "1"', tables: t }, { text: 'T | where b > 1', tables: t }];
    const here = queries.map((q) => snapshotTree(analyzeKqlTree(q.text, q.tables)));
    const processes = () => (globalThis as unknown as Record<symbol, KustoProcessUsage[] | undefined>)[Symbol.for('detc.kustoSnapshotProcesses')]?.length ?? 0;
    const before = processes();
    expect((await kqlAnalysesApart(queries, { cache, snapshot: files })).map(snapshotTree)).toEqual(here);
    expect(processes()).toBe(before + 1);
    expect(readdirSync(cache).length).toBe(queries.length);
    // From the cache: no process started, and no snapshot needed.
    expect((await kqlAnalysesApart(queries, { cache, snapshot: undefined })).map(snapshotTree)).toEqual(here);
    expect(processes()).toBe(before + 1);
  });

  it('prefetchKqlAnalyses: analyses made ahead, each handed out once, for the same text and table list', async () => {
    const t = [{ name: 'T', columns: [{ name: 'a', type: 'string' }] }];
    const other = [{ name: 'T', columns: [{ name: 'a', type: 'string' }] }];
    const text = 'T | where a has "x" | summarize c = count() by a';
    await prefetchKqlAnalyses([{ text, tables: t }], files);
    expect(takePrefetchedKqlAnalysis(text, other)).toBeUndefined();
    expect(snapshotTree(takePrefetchedKqlAnalysis(text, t)!)).toEqual(snapshotTree(analyzeKqlTree(text, t)));
    expect(takePrefetchedKqlAnalysis(text, t)).toBeUndefined();
    // No snapshot: nothing is analysed ahead.
    await prefetchKqlAnalyses([{ text, tables: t }], undefined);
    expect(takePrefetchedKqlAnalysis(text, t)).toBeUndefined();
  });
});
