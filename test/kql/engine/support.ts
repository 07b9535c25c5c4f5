// Helpers for the KQL engine's unit tests: a small table T, a pinned now, and shorthands that
// run a query and return its rows or its one value.
import { expect } from 'vitest';
import { runKql, type KqlResult, type KqlTableInput } from '../../../generators/kql/engine/index.ts';
import { analyzeKqlTree } from '../../../generators/kql/language-service.ts';
import { snapshotTree, treeFromSnapshot, type KqlTreeSnapshot } from '../../../generators/kql/tree-snapshot.ts';

export const NOW = Date.parse('2026-07-02T00:00:00Z');

/** T: a few sign-ins, with a null int, an empty string and dynamic values. */
export const T: KqlTableInput = {
  columns: [
    { name: 'Timestamp', type: 'datetime' },
    { name: 'User', type: 'string' },
    { name: 'Ip', type: 'string' },
    { name: 'Code', type: 'int' },
    { name: 'Bytes', type: 'long' },
    { name: 'Details', type: 'dynamic' },
  ],
  rows: [
    { Timestamp: '2026-07-01T10:15:00Z', User: 'alice@contoso.com', Ip: '203.0.113.7', Code: 50126, Bytes: 100, Details: { city: 'Ashburn', tags: ['a', 'b'] } },
    { Timestamp: '2026-07-01T10:45:00Z', User: 'Alice@contoso.com', Ip: '203.0.113.7', Code: 0, Bytes: 250, Details: { city: 'Ashburn', tags: [] } },
    { Timestamp: '2026-07-01T11:05:00Z', User: 'bob@contoso.com', Ip: '', Code: null, Bytes: null, Details: null },
  ],
};

/**
 * Runs twice: compiled from Kusto's live tree, and from a snapshot of it read back from JSON
 * (what `detc run` may compile from, kql-analysis-cache.ts): both must give the same rows, or
 * the same error.
 */
export function run(query: string, tables: Record<string, KqlTableInput> = { T }, now = NOW): KqlResult {
  const live = outcome(() => runKql(query, tables, { now }));
  const fromSnapshot = outcome(() => {
    const snapshot = snapshotTree(analyzeKqlTree(query, Object.entries(tables).map(([name, t]) => ({ name, columns: t.columns }))));
    return runKql(query, tables, { now, analysed: treeFromSnapshot(JSON.parse(JSON.stringify(snapshot)) as KqlTreeSnapshot) });
  });
  expect(fromSnapshot.ok ? fromSnapshot : { ok: false, error: messageOf(fromSnapshot.error) }, 'compiled from a snapshot of the tree').toEqual(live.ok ? live : { ok: false, error: messageOf(live.error) });
  if (!live.ok) throw live.error;
  return live.value;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

function outcome<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

const messageOf = (e: unknown) => (e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e));

/** The rows of a query over T (or the given tables). */
export function rows(query: string, tables?: Record<string, KqlTableInput>): Record<string, unknown>[] {
  return run(query, tables).rows;
}

/** The value of `print x = <expression>`. */
export function value(expression: string, tables?: Record<string, KqlTableInput>): unknown {
  return run(`print x = ${expression}`, tables).rows[0]!.x;
}

/** One column of a query's rows. */
export function column(query: string, name: string, tables?: Record<string, KqlTableInput>): unknown[] {
  return rows(query, tables).map((r) => r[name]);
}
