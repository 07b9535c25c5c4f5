// `detc run query.kql` on a query never run before has Kusto analyse it on a worker thread
// (kql/analysis-apart.ts): Kusto is never loaded on the calling thread, whose heap V8 would
// otherwise let grow several times Kusto's size over a long run; the rows are those of an
// analysis made here. A tree the snapshot refuses is analysed here instead, with the same rows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { compileKql } from '../../generators/kql/engine/index.ts';
import { analyzeKqlTree } from '../../generators/kql/language-service.ts';
import { projectPath } from '../../generators/paths.ts';
import { runQueryFile } from '../../generators/query-runs.ts';

const catalog = loadCatalog(projectPath());
const options = { logsources: catalog.logsources, ruleNames: [], table: 'T', analysisCache: false as const, now: Date.parse('2026-07-01T12:00:00Z') };
const dir = mkdtempSync(join(tmpdir(), 'detc-kusto-apart-'));
const events = join(dir, 'events.jsonl');
writeFileSync(events, ['imap4', 'IMAP4', 'Browser', 'pop3'].map((app, i) => JSON.stringify({ App: app, N: i + 1 })).join('\n'));
const columns = [{ name: 'App', type: 'string' }, { name: 'N', type: 'long' }];

describe('runQueryFile on a .kql never run before', () => {
  it('has Kusto analyse it on a worker thread, never on this one, with the rows of an analysis made here', async () => {
    const text = 'T | where App in~ ("IMAP4", "POP3") | summarize n = count(), total = sum(N) by App | order by App asc';
    const file = join(dir, 'by-app.kql');
    writeFileSync(file, text);
    const result = await runQueryFile(file, events, options);
    expect('Kusto' in globalThis).toBe(false);
    const here = compileKql(text, { T: { columns } }, { analysed: analyzeKqlTree(text, [{ name: 'T', columns }]) }).run({ T: { rows: [{ App: 'imap4', N: 1 }, { App: 'IMAP4', N: 2 }, { App: 'Browser', N: 3 }, { App: 'pop3', N: 4 }] } }, { now: options.now });
    expect(result.rows).toEqual(here.rows);
    expect(result.rows).toEqual([{ App: 'IMAP4', n: 1, total: 2 }, { App: 'imap4', n: 1, total: 1 }, { App: 'pop3', n: 1, total: 4 }]);
  }, 60_000);

  it('analyses here a query whose tree the snapshot refuses, with the same rows', async () => {
    const lets = Array.from({ length: 40 }, (_, i) => `let f${i + 1} = (x:long) { f${i}(x) + 1 };`).join('\n');
    const file = join(dir, 'deep.kql');
    writeFileSync(file, `let f0 = (x:long) { x };\n${lets}\nT | where App =~ "imap4" | project App, y = f40(N)`);
    const result = await runQueryFile(file, events, options);
    expect(result.rows).toEqual([{ App: 'imap4', y: 41 }, { App: 'IMAP4', y: 42 }]);
  }, 60_000);
});
