// An engine's native output rows → canonical rows (the rule's column names and types), so
// every target can be compared with the reference and with the test's expectations.
import type { ResultRow, ResultValue } from '../ir/evaluator.ts';
import type { OutputColumn } from '../ir/types.ts';
import type { RenderedQuery } from '../targets/rendered.ts';

export function toCanonicalRows(rows: ReadonlyArray<Record<string, unknown>>, rendered: RenderedQuery, columns: readonly OutputColumn[]): ResultRow[] {
  const nativeOf = new Map(rendered.columns.map((c) => [c.name, c.native]));
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, toCanonical(row[nativeOf.get(c.name) ?? c.name], c.type)])));
}

function toCanonical(value: unknown, type: OutputColumn['type']): ResultValue {
  if (value === undefined || value === null) return type === 'list' ? [] : null;
  switch (type) {
    case 'list': {
      const items = Array.isArray(value) ? value : typeof value === 'string' && value.startsWith('[') ? (JSON.parse(value) as unknown[]) : [value];
      return items.filter((v) => v !== null && v !== '').map(String);
    }
    case 'datetime': {
      // Splunk: epoch seconds (possibly as text); KQL: ISO text or a Date.
      const ms = value instanceof Date ? value.getTime() : typeof value === 'number' || /^\d+(\.\d+)?$/.test(String(value)) ? Number(value) * 1000 : Date.parse(String(value));
      return Number.isNaN(ms) ? String(value) : new Date(ms).toISOString();
    }
    case 'int': case 'long': case 'real': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isNaN(n) || value === '' ? null : n;
    }
    case 'bool':
      return typeof value === 'boolean' ? value : String(value).toLowerCase() === 'true' ? true : String(value).toLowerCase() === 'false' ? false : null;
    case 'string': case 'ip':
      // Kusto has no null string; an empty one is a missing value.
      return value === '' ? null : String(value);
    case 'namevalue':
      return null; // never an output column (the IR builder refuses it)
  }
}
