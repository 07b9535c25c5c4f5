// A snapshot of Kusto's analysed tree, read back from JSON, must compile to the same query as
// the live tree: for every rule of the content, on both KQL targets, the same rows on each of
// its tests. (The engine's own tests run every query both ways too: test/kql/engine/support.ts.)
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../generators/kql/engine/index.ts';
import { analyzeKqlTree } from '../../generators/kql/language-service.ts';
import { snapshotTree, treeFromSnapshot, TREE_SNAPSHOT_VERSION, type KqlTreeSnapshot } from '../../generators/kql/tree-snapshot.ts';
import { contentQueries, nativeRows } from './content-support.ts';

const readBack = (snapshot: KqlTreeSnapshot): KqlTreeSnapshot => JSON.parse(JSON.stringify(snapshot)) as KqlTreeSnapshot;

describe('KQL tree snapshots', () => {
  it('compile every rule of the content as the live tree does, with the same rows on its tests', () => {
    let compared = 0;
    for (const { rule, target, rendered: { text }, table, columns } of contentQueries()) {
      const live = analyzeKqlTree(text, [{ name: table, columns }]);
      const snapshot = readBack(snapshotTree(live));
      // Read back and taken again, a snapshot is the same data.
      expect(snapshotTree(treeFromSnapshot(snapshot))).toEqual(snapshot);
      const tables = { [table]: { columns } };
      const fromLive = compileKql(text, tables, { analysed: live });
      const fromSnapshot = compileKql(text, tables, { analysed: treeFromSnapshot(snapshot) });
      expect(fromSnapshot.columns).toEqual(fromLive.columns);
      for (const test of rule.tests) {
        const input = { [table]: { rows: nativeRows(test.events, rule.query.logsource, target) } };
        expect(fromSnapshot.run(input, { now: test.now }), `${rule.document.name} on ${target}, test "${test.name}"`).toEqual(fromLive.run(input, { now: test.now }));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('keep function expansions, positions, diagnostics and which names are the same symbol', () => {
    const text = 'let f = (x:long) { x * 2 };\nT\n| extend y = f(N), z = f(N + 1)\n| where Nope > 1';
    const live = analyzeKqlTree(text, [{ name: 'T', columns: [{ name: 'N', type: 'long' }] }]);
    const tree = treeFromSnapshot(readBack(snapshotTree(live)));
    expect(tree.diagnostics).toEqual(live.diagnostics);
    expect(tree.diagnostics.map((d) => d.code)).toContain('KS142');
    const calls: { text: string; line: number; col: number; body: string | undefined; symbol: object | undefined }[] = [];
    const walk = (n: typeof tree.root) => {
      if (n.kind === 'FunctionCallExpression') calls.push({ text: n.text, line: n.line, col: n.col, body: n.expansion()?.text, symbol: n.child('Name')?.symbol?.identity });
      n.children.forEach(walk);
    };
    walk(tree.root);
    expect(calls.map(({ symbol: _, ...c }) => c)).toEqual([
      { text: 'f(N)', line: 3, col: 14, body: '{ x * 2 }' },
      { text: 'f(N + 1)', line: 3, col: 24, body: '{ x * 2 }' },
    ]);
    expect(calls[0]!.symbol).toBeDefined();
    expect(calls[0]!.symbol).toBe(calls[1]!.symbol);
  });

  it('refuse a snapshot of another version', () => {
    const snapshot = snapshotTree(analyzeKqlTree('print 1', []));
    expect(() => treeFromSnapshot({ ...snapshot, version: TREE_SNAPSHOT_VERSION + 1 })).toThrow(/version/);
  });
});
