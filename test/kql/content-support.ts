// What the content conformance tests share: every rule's generated Defender and Sentinel query
// compiled by the KQL engine, a test-local conversion of canonical events to the native rows of
// the target's table, and the comparison with the reference evaluator.
import { loadCatalog, type CompiledRule } from '../../generators/catalog.ts';
import { evaluateQuery, type ResultRow } from '../../generators/ir/evaluator.ts';
import { compileKql, type CompiledKql } from '../../generators/kql/engine/index.ts';
import { profileOf } from '../../generators/logsources/loader.ts';
import type { LogSource } from '../../generators/logsources/types.ts';
import { projectPath } from '../../generators/paths.ts';
import { toCanonicalRows } from '../../generators/replay/canonical-rows.ts';
import { compareWithReference } from '../../generators/replay/harness.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { render, type RenderedQuery } from '../../generators/targets/index.ts';

export const KQL_TARGETS = ['defender', 'sentinel'] as const;
export type KqlTarget = (typeof KQL_TARGETS)[number];

export const catalog = loadCatalog(projectPath());

/**
 * Canonical events → rows of the target's table, written here independently of
 * generators/replay/materialize.ts: every column of the profile (Kusto strings are never null:
 * '' instead), the profile's constant columns, each canonical field under its native name and
 * type (datetimes as ISO text, numbers kept in a string column as text), and fields that live
 * inside a dynamic column (`LocationDetails.city`) as nested JSON (as JSON text in a string column).
 */
export function nativeRows(events: readonly CanonicalEvent[], source: LogSource, target: KqlTarget): Record<string, unknown>[] {
  const profile = profileOf(source, target);
  return events.map((event) => {
    const row: Record<string, unknown> = {};
    for (const [column, type] of profile.columns) row[column] = type === 'string' ? '' : null;
    for (const [column, value] of profile.constants) row[column] = value;
    for (const [field, native] of profile.fields) {
      const value = event[field];
      const canonicalType = source.fields.get(field)!.type;
      // namevalue: the record's list of {Name, Value} (a string column holds its JSON text).
      const text = (v: NonNullable<CanonicalEvent[string]>): unknown =>
        canonicalType === 'datetime' ? new Date(v as number).toISOString() : typeof v === 'object' ? Object.entries(v).map(([Name, Value]) => ({ Name, Value })) : v;
      const [root, ...path] = native.column.split('.');
      if (path.length) {
        if (value === null || value === undefined) continue;
        if (typeof row[root!] !== 'object' || row[root!] === null) row[root!] = {};
        let holder = row[root!] as Record<string, unknown>;
        for (const key of path.slice(0, -1)) holder = (holder[key] ??= {}) as Record<string, unknown>;
        holder[path.at(-1)!] = text(value);
      } else if (value === null || value === undefined) row[native.column] = native.type === 'string' ? '' : null;
      else {
        const v = text(value);
        row[native.column] = native.type === 'string' ? (typeof v === 'object' ? JSON.stringify(v) : String(v)) : v;
      }
    }
    // A string column read by path (Defender's AdditionalFields) holds the JSON text.
    for (const [column, type] of profile.columns) if (type === 'string' && typeof row[column] === 'object') row[column] = JSON.stringify(row[column]);
    return row;
  });
}

/** A rule's generated query for a KQL target, with the table it reads and that table's columns. */
export interface ContentQuery {
  readonly rule: CompiledRule;
  readonly target: KqlTarget;
  readonly rendered: RenderedQuery;
  readonly table: string;
  readonly columns: { name: string; type: string }[];
}

export function contentQuery(rule: CompiledRule, target: KqlTarget): ContentQuery {
  const profile = profileOf(rule.query.logsource, target);
  return { rule, target, rendered: render(rule.query, target), table: profile.table!, columns: [...profile.columns].map(([name, type]) => ({ name, type })) };
}

/** Every rule's generated query on each KQL target. */
export const contentQueries = (): ContentQuery[] => catalog.rules.flatMap((rule) => KQL_TARGETS.map((target) => contentQuery(rule, target)));

export interface CompiledTarget {
  readonly rendered: RenderedQuery;
  readonly table: string;
  readonly query: CompiledKql;
}

const compiled = new Map<string, CompiledTarget>();

/** The rule's generated query for the target, compiled once against the target table's columns. */
export function compiledQuery(rule: CompiledRule, target: KqlTarget): CompiledTarget {
  const key = `${rule.document.name}/${target}`;
  let found = compiled.get(key);
  if (!found) {
    const { rendered, table, columns } = contentQuery(rule, target);
    found = { rendered, table, query: compileKql(rendered.text, { [table]: { columns } }) };
    compiled.set(key, found);
  }
  return found;
}

export interface Comparison {
  readonly reference: ResultRow[];
  readonly target: ResultRow[];
  /** The harness's verdict: undefined when the rows agree (order too, when the rule orders). */
  readonly disagreement: string | undefined;
}

/** Runs the generated query on the events' native rows and compares with the reference evaluator. */
export function compare(rule: CompiledRule, target: KqlTarget, events: readonly CanonicalEvent[], now: number): Comparison {
  const { rendered, table, query } = compiledQuery(rule, target);
  const result = query.run({ [table]: { rows: nativeRows(events, rule.query.logsource, target) } }, { now });
  const rows = toCanonicalRows(result.rows, rendered, rule.query.columns);
  const estimated = new Set(result.estimated.map((native) => rendered.columns.find((c) => c.native === native)?.name ?? native));
  const reference = evaluateQuery(rule.query, events, now);
  return { reference, target: rows, disagreement: compareWithReference(rows, reference, rule, estimated) };
}
