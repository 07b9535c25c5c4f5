// Stored KQL analyses (what `detc run <query>.kql` reads instead of loading Kusto): an entry is
// used only for the very text and tables it was made for, and one that is damaged is ignored.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../generators/kql/engine/index.ts';
import { kqlAnalysisCacheDir, readKqlAnalysis, storeKqlAnalysis } from '../../generators/kql/kql-analysis-cache.ts';
import { analyzeKqlTree, type KqlTableSchema } from '../../generators/kql/language-service.ts';

const columns = [{ name: 'App', type: 'string' }, { name: 'N', type: 'long' }];
const tables = [{ name: 'T', columns }];
const text = 'T | where App in~ ("IMAP4", "POP3") | summarize n = count(), total = sum(N) by App';
const rows = [{ App: 'imap4', N: 2 }, { App: 'IMAP4', N: 3 }, { App: 'Browser', N: 5 }];
/** As `detc run <query>.kql` does: the stored analysis, else Kusto's, stored. */
function cachedKqlAnalysis(dir: string | undefined, text: string, tables: readonly KqlTableSchema[]) {
  const stored = readKqlAnalysis(dir, text, tables);
  if (stored) return stored;
  const tree = analyzeKqlTree(text, tables);
  storeKqlAnalysis(dir, tree, tables);
  return tree;
}

const cacheDir = () => mkdtempSync(join(tmpdir(), 'detc-kql-cache-'));
const only = (dir: string) => join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);

describe('the KQL analysis cache', () => {
  it('gives back a stored analysis, which compiles to the same query', () => {
    const dir = cacheDir();
    expect(readKqlAnalysis(dir, text, tables)).toBeUndefined();
    const first = cachedKqlAnalysis(dir, text, tables);
    const stored = readKqlAnalysis(dir, text, tables)!;
    expect(stored).toBeDefined();
    const run = (analysed: typeof first) => compileKql(text, { T: { columns } }, { analysed }).run({ T: { rows } }, { now: 0 });
    expect(run(stored)).toEqual(run(first));
    expect(run(stored).rows).toEqual([{ App: 'imap4', n: 1, total: 2 }, { App: 'IMAP4', n: 1, total: 3 }]);
  });

  it('is keyed by the text and the tables', () => {
    const dir = cacheDir();
    storeKqlAnalysis(dir, analyzeKqlTree(text, tables), tables);
    expect(readKqlAnalysis(dir, `${text} `, tables)).toBeUndefined();
    expect(readKqlAnalysis(dir, text, [{ name: 'T', columns: [{ name: 'App', type: 'string' }, { name: 'N', type: 'int' }] }])).toBeUndefined();
    expect(readKqlAnalysis(dir, text, [{ name: 'U', columns }])).toBeUndefined();
    expect(readKqlAnalysis(dir, text, tables)).toBeDefined();
  });

  it('ignores an entry that is damaged, and makes it again', () => {
    const dir = cacheDir();
    cachedKqlAnalysis(dir, text, tables);
    const file = only(dir);
    const good = readFileSync(file, 'utf8');
    for (const damaged of [good.slice(0, good.length / 2), good.replace('"IMAP4"', '"IMAP5"'), '', 'not json', `${'0'.repeat(64)}\n{}`]) {
      writeFileSync(file, damaged);
      expect(readKqlAnalysis(dir, text, tables)).toBeUndefined();
      expect(cachedKqlAnalysis(dir, text, tables).diagnostics).toEqual([]);
      expect(readFileSync(file, 'utf8')).toBe(good);
    }
  });

  it('keeps an analysis with errors as it is: compiling from it fails as from Kusto', () => {
    const dir = cacheDir();
    const bad = 'T | where Nope == 1';
    cachedKqlAnalysis(dir, bad, tables);
    const stored = readKqlAnalysis(dir, bad, tables)!;
    expect(stored.diagnostics.map((d) => d.code)).toEqual(analyzeKqlTree(bad, tables).diagnostics.map((d) => d.code));
    expect(() => compileKql(bad, { T: { columns } }, { analysed: stored })).toThrow(/Nope/);
  });

  it('does nothing without a folder, or where it cannot write', () => {
    expect(cachedKqlAnalysis(undefined, text, tables).diagnostics).toEqual([]);
    const file = join(cacheDir(), 'a-file');
    writeFileSync(file, '');
    expect(cachedKqlAnalysis(join(file, 'below'), text, tables).diagnostics).toEqual([]);
  });

  it('lives where the environment says', () => {
    expect(kqlAnalysisCacheDir({ DETC_CACHE_DIR: '/c' })).toBe(join('/c', 'kql-analyses'));
    expect(kqlAnalysisCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'detc', 'kql-analyses'));
    expect(kqlAnalysisCacheDir({ DETC_NO_CACHE: '1', DETC_CACHE_DIR: '/c' })).toBeUndefined();
  });
});
