// The reference evaluator: what a rule MEANS, on canonical events. Every target's generated
// query is held to these results.
//   - string tests are case-insensitive unless |cased; a missing (null) field satisfies no
//     positive test, so `not` of a test on a missing field is true;
//   - `exists` means present and not the empty string;
//   - the lookback is inclusive: now - lookback <= timestamp;
//   - summarize drops events whose `by` fields are missing; windows are UTC bins aligned to
//     the Unix epoch; distinct counts are exact and case-sensitive; values() is distinct,
//     sorted by UTF-16 code unit, and capped; no rows and no `by` still gives one row.
import type { CanonicalEvent, CanonicalValue } from '../rules/fixtures.ts';
import { patternToRegexSource } from './patterns.ts';
import type { Aggregate, FieldTest, HavingExpr, Predicate, Query } from './types.ts';
import { WINDOW_COLUMN } from './types.ts';

export type ResultValue = string | number | boolean | null | readonly string[];
export type ResultRow = Readonly<Record<string, ResultValue>>;

/** The events inside the lookback window ending at `now`. */
export function inLookback(query: Query, events: readonly CanonicalEvent[], now: number): CanonicalEvent[] {
  const since = now - query.lookback * 1000;
  return events.filter((e) => typeof e.timestamp === 'number' && e.timestamp >= since);
}

/** Summarized rows before `having` (datetimes still epoch ms): what `having` is tested on. */
export function summarizedRows(query: Query, events: readonly CanonicalEvent[], now: number): Record<string, ResultValue>[] {
  const matches = compilePredicate(query.filter);
  return query.summarize ? summarize(query, inLookback(query, events, now).filter(matches)) : [];
}

export function evaluateQuery(query: Query, events: readonly CanonicalEvent[], now: number): ResultRow[] {
  const matches = compilePredicate(query.filter);
  const selected = inLookback(query, events, now).filter(matches);
  const datetimeColumns = new Set(query.columns.filter((c) => c.type === 'datetime').map((c) => c.name));
  const present = (row: Record<string, ResultValue>): ResultRow =>
    Object.fromEntries(query.columns.map((c) => {
      const v = row[c.name] ?? null;
      return [c.name, datetimeColumns.has(c.name) && typeof v === 'number' ? new Date(v).toISOString() : v];
    }));

  let rows: Record<string, ResultValue>[];
  if (query.summarize) rows = summarize(query, selected);
  else rows = selected.map((e) => Object.fromEntries(query.project!.map((f) => [f, scalarOf(e[f])])));
  // An empty string is a missing value (as for `exists`, group keys and values()): output as
  // null, and sorted as one. Kusto has no null string, so no target could show it otherwise.
  rows = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === '' ? null : v])));
  if (query.having) rows = rows.filter(compileHaving(query.having));
  if (query.order) rows = sortRows(rows, query.order);
  if (query.limit !== undefined) rows = rows.slice(0, query.limit);
  return rows.map(present);
}

export function compilePredicate(p: Predicate): (e: CanonicalEvent) => boolean {
  switch (p.kind) {
    case 'true': return () => true;
    case 'and': {
      const items = p.items.map(compilePredicate);
      return (e) => items.every((f) => f(e));
    }
    case 'or': {
      const items = p.items.map(compilePredicate);
      return (e) => items.some((f) => f(e));
    }
    case 'not': {
      const item = compilePredicate(p.item);
      return (e) => !item(e);
    }
    default: {
      const test = compileFieldTest(p);
      // An empty string is a missing value for every test (Kusto cannot tell them apart).
      return (e) => {
        const v = e[p.field] ?? null;
        return test(v === '' ? null : v);
      };
    }
  }
}

function compileFieldTest(t: FieldTest): (v: CanonicalValue) => boolean {
  switch (t.kind) {
    case 'exists': return (v) => (v !== null && v !== '') === t.exists;
    case 'bool': return (v) => v === t.value;
    case 'number': {
      const cmp = { eq: (a: number) => a === t.value, gt: (a: number) => a > t.value, gte: (a: number) => a >= t.value, lt: (a: number) => a < t.value, lte: (a: number) => a <= t.value }[t.op];
      return (v) => typeof v === 'number' && cmp(v);
    }
    case 'cidr': {
      const [base, bits] = t.cidr.split('/') as [string, string];
      const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
      const network = (ipv4ToInt(base)! & mask) >>> 0;
      return (v) => {
        const ip = typeof v === 'string' ? ipv4ToInt(v) : undefined;
        return ip !== undefined && ((ip & mask) >>> 0) === network;
      };
    }
    case 'regex': {
      const re = new RegExp(t.regex, t.cased ? 'u' : 'iu');
      return (v) => typeof v === 'string' && re.test(v);
    }
    case 'pattern': {
      const re = new RegExp(patternToRegexSource(t.pattern), t.cased ? 'u' : 'iu');
      return (v) => typeof v === 'string' && re.test(v);
    }
    case 'string': {
      const norm = t.cased ? (s: string) => s : (s: string) => s.toLowerCase();
      const want = norm(t.value);
      const op = { eq: (s: string) => s === want, contains: (s: string) => s.includes(want), startswith: (s: string) => s.startsWith(want), endswith: (s: string) => s.endsWith(want) }[t.op];
      return (v) => typeof v === 'string' && op(norm(v));
    }
    case 'entry': {
      // The entry named t.name, whatever the case of its name; no such entry is a missing value.
      const test = compileFieldTest(t.test);
      const name = t.name.toLowerCase();
      return (v) => {
        if (v === null || typeof v !== 'object') return test(null);
        const found = Object.keys(v).filter((k) => k.toLowerCase() === name);
        return found.length === 0 ? test(null) : found.some((k) => test(v[k]!));
      };
    }
  }
}

/** A field value as an output cell (namevalue fields are never output columns: the builder refuses them). */
const scalarOf = (v: CanonicalValue | undefined): Exclude<CanonicalValue, object> => (v === undefined || (v !== null && typeof v === 'object') ? null : v);

export function ipv4ToInt(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

function summarize(query: Query, events: readonly CanonicalEvent[]): Record<string, ResultValue>[] {
  const s = query.summarize!;
  const windowMs = s.window !== undefined ? s.window * 1000 : undefined;
  const groups = new Map<string, { key: Record<string, ResultValue>; events: CanonicalEvent[] }>();
  for (const e of events) {
    const key: Record<string, ResultValue> = {};
    let complete = true;
    for (const f of s.by) {
      const v = scalarOf(e[f]);
      if (v === null || v === '') complete = false;
      key[f] = v;
    }
    if (!complete) continue;
    if (windowMs !== undefined) key[WINDOW_COLUMN] = Math.floor((e.timestamp as number) / windowMs) * windowMs;
    const id = JSON.stringify(key);
    const group = groups.get(id) ?? { key, events: [] };
    group.events.push(e);
    groups.set(id, group);
  }
  if (groups.size === 0 && s.by.length === 0 && windowMs === undefined) groups.set('', { key: {}, events: [] });
  const aggregates = s.compute.map((c) => ({ name: c.name, run: compileAggregate(c.aggregate) }));
  return [...groups.values()].map(({ key, events: members }) => {
    const row: Record<string, ResultValue> = { ...key };
    for (const a of aggregates) row[a.name] = a.run(members);
    return row;
  });
}

function compileAggregate(a: Aggregate): (events: readonly CanonicalEvent[]) => ResultValue {
  const present = (events: readonly CanonicalEvent[], field: string) =>
    events.map((e) => e[field] ?? null).filter((v): v is string | number | boolean => v !== null && v !== '');
  switch (a.fn) {
    case 'count': return (events) => events.length;
    case 'countif': {
      const p = compilePredicate(a.predicate);
      return (events) => events.filter(p).length;
    }
    case 'dcount': return (events) => new Set(present(events, a.field)).size;
    case 'dcountif': {
      const p = compilePredicate(a.predicate);
      return (events) => new Set(present(events.filter(p), a.field)).size;
    }
    case 'values': return (events) => [...new Set(present(events, a.field).map(String))].sort(compareCodeUnits).slice(0, a.cap);
    case 'min': return (events) => numbersOf(events, a.field).reduce<number | null>((m, v) => (m === null || v < m ? v : m), null);
    case 'max': return (events) => numbersOf(events, a.field).reduce<number | null>((m, v) => (m === null || v > m ? v : m), null);
    case 'sum': return (events) => numbersOf(events, a.field).reduce((acc, v) => acc + v, 0);
    case 'avg': return (events) => {
      const values = numbersOf(events, a.field);
      return values.length ? values.reduce((acc, v) => acc + v, 0) / values.length : null;
    };
  }
}

const numbersOf = (events: readonly CanonicalEvent[], field: string): number[] =>
  events.map((e) => e[field]).filter((v): v is number => typeof v === 'number');

export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compileHaving(h: HavingExpr): (row: Record<string, ResultValue>) => boolean {
  switch (h.kind) {
    case 'and': {
      const items = h.items.map(compileHaving);
      return (r) => items.every((f) => f(r));
    }
    case 'or': {
      const items = h.items.map(compileHaving);
      return (r) => items.some((f) => f(r));
    }
    case 'not': {
      const item = compileHaving(h.item);
      return (r) => !item(r);
    }
    case 'compare':
      return (r) => {
        const v = r[h.column];
        if (v === null || v === undefined || typeof v !== typeof h.value) return false;
        const [a, b] = [v as number | string, h.value];
        switch (h.op) {
          case '==': return a === b;
          case '!=': return a !== b;
          case '<': return a < b;
          case '<=': return a <= b;
          case '>': return a > b;
          case '>=': return a >= b;
        }
      };
  }
}

function sortRows(rows: Record<string, ResultValue>[], order: NonNullable<Query['order']>): Record<string, ResultValue>[] {
  return [...rows].sort((x, y) => {
    for (const { column, descending } of order) {
      const [a, b] = [x[column] ?? null, y[column] ?? null];
      if (a === b) continue;
      // Missing values sort last either way.
      if (a === null) return 1;
      if (b === null) return -1;
      const c = a < b ? -1 : 1;
      return descending ? -c : c;
    }
    return 0;
  });
}
