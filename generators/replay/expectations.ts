// A test's `expect` against result rows: `rows` (count), `include` (each listed row matches
// some result row on the listed columns), `exclude` (none does), `equals` (the whole table,
// order-insensitive).
import type { ResultRow, ResultValue } from '../ir/evaluator.ts';
import type { RuleTestDocument } from '../rules/types.ts';

export interface ExpectationFailure {
  readonly message: string;
}

export function checkExpectations(expect: RuleTestDocument['expect'], rows: readonly ResultRow[]): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  if (expect.rows !== undefined && rows.length !== expect.rows) {
    failures.push({ message: `expected ${expect.rows} row(s), got ${rows.length}${rows.length ? `; first: ${JSON.stringify(rows[0])}` : ''}` });
  }
  for (const wanted of expect.include ?? []) {
    if (!rows.some((r) => rowMatches(r, wanted))) failures.push({ message: `no row matches ${JSON.stringify(wanted)}${nearest(rows, wanted)}` });
  }
  for (const unwanted of expect.exclude ?? []) {
    const hit = rows.find((r) => rowMatches(r, unwanted));
    if (hit) failures.push({ message: `a row matches excluded ${JSON.stringify(unwanted)}: ${JSON.stringify(hit)}` });
  }
  if (expect.equals) {
    const remaining = [...rows];
    for (const wanted of expect.equals) {
      const i = remaining.findIndex((r) => rowMatches(r, wanted) && Object.keys(r).length === Object.keys(wanted).length);
      if (i < 0) failures.push({ message: `expected row not found: ${JSON.stringify(wanted)}${nearest(remaining, wanted)}` });
      else remaining.splice(i, 1);
    }
    for (const extra of remaining) failures.push({ message: `unexpected row: ${JSON.stringify(extra)}` });
  }
  return failures;
}

export function rowMatches(row: ResultRow, wanted: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(wanted).every(([k, v]) => valuesEqual(row[k] ?? null, v));
}

export function valuesEqual(actual: ResultValue | undefined, wanted: unknown): boolean {
  if (Array.isArray(actual) || Array.isArray(wanted)) {
    return Array.isArray(actual) && Array.isArray(wanted) && actual.length === wanted.length && actual.every((a, i) => valuesEqual(a, wanted[i]));
  }
  if (actual === wanted) return true;
  // Times compare as instants, however they are written.
  if (typeof actual === 'string' && typeof wanted === 'string' && ISO_TIME.test(actual) && ISO_TIME.test(wanted)) {
    return Date.parse(actual) === Date.parse(wanted);
  }
  return false;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function nearest(rows: readonly ResultRow[], wanted: Readonly<Record<string, unknown>>): string {
  if (rows.length === 0) return ' (no rows)';
  const score = (r: ResultRow) => Object.entries(wanted).filter(([k, v]) => valuesEqual(r[k] ?? null, v)).length;
  const best = [...rows].sort((a, b) => score(b) - score(a))[0]!;
  const differing = Object.entries(wanted).filter(([k, v]) => !valuesEqual(best[k] ?? null, v)).map(([k]) => `${k}: got ${JSON.stringify(best[k] ?? null)}`);
  return `; closest row differs in ${differing.join(', ')}`;
}
