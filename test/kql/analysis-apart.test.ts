// Kusto's analysis made on a worker thread (analysis-apart.ts, what `detc run` does for a query
// never run before) is the snapshot of the analysis made here, diagnostics included; a tree the
// snapshot refuses gives none (the caller analyses on its own thread then).
import { describe, expect, it } from 'vitest';
import { analyseKqlApart } from '../../generators/kql/analysis-apart.ts';
import { analyzeKqlTree } from '../../generators/kql/language-service.ts';
import { snapshotTree } from '../../generators/kql/tree-snapshot.ts';

const tables = [{ name: 'T', columns: [{ name: 'App', type: 'string' }, { name: 'N', type: 'long' }] }];

describe('analyseKqlApart', () => {
  it("gives the snapshot of this thread's analysis, diagnostics included", async () => {
    for (const text of [
      'let f = (x:long) { x * 2 };\nT\n| where App in~ ("IMAP4", "POP3")\n| summarize n = count(), total = sum(f(N)) by App',
      'T | where Nope > 1 | project App,',
    ]) {
      const apart = await analyseKqlApart(text, tables);
      expect(apart).toEqual(snapshotTree(analyzeKqlTree(text, tables)));
      if (text.includes('Nope')) expect(apart!.diagnostics.length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('gives none for a tree the snapshot refuses (function expansions nested past its limit)', async () => {
    const lets = Array.from({ length: 40 }, (_, i) => `let f${i + 1} = (x:long) { f${i}(x) + 1 };`).join('\n');
    const text = `let f0 = (x:long) { x };\n${lets}\nT | extend y = f40(N)`;
    expect(() => snapshotTree(analyzeKqlTree(text, tables))).toThrow(/nest deeper/);
    expect(await analyseKqlApart(text, tables)).toBeUndefined();
  }, 60_000);
});
