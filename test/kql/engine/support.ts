// Helpers for the KQL engine's unit tests: a small table T, a pinned now, and shorthands that
// run a query and return its rows or its one value.
import { runKql, type KqlResult, type KqlTableInput } from '../../../generators/kql/engine/index.ts';

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

export function run(query: string, tables: Record<string, KqlTableInput> = { T }, now = NOW): KqlResult {
  return runKql(query, tables, { now });
}

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
