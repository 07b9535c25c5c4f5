// Canonical fixture events → native rows for one target, through the log source's mapping,
// so one fixture feeds every target:
//   - Splunk: events as the add-on indexes them — `_raw` is the nested JSON, `_time` epoch
//     seconds, and the fields Splunk's KV_MODE=json extracts (dotted paths) alongside;
//   - KQL: rows with native column names and types (Sentinel's ResultType a string, Kusto
//     strings never null), dynamic columns as nested objects.
import { profileOf } from '../logsources/loader.ts';
import type { KqlType, LogSource, LogSourceProfile, SplunkType, TargetName } from '../logsources/types.ts';
import type { CanonicalEvent, CanonicalValue } from '../rules/fixtures.ts';

export type NativeValue = string | number | boolean | null | NativeObject | NativeValue[];
export interface NativeObject { [key: string]: NativeValue }
export type NativeRow = Record<string, NativeValue>;

/** Native rows as an engine reads them: once, in order (an array, or made as they are read). */
export interface NativeRows {
  readonly name: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: KqlType | SplunkType }>;
  readonly rows: Iterable<NativeRow>;
}

export interface NativeTable extends NativeRows {
  readonly rows: NativeRow[];
}

export function materialize(events: readonly CanonicalEvent[], source: LogSource, target: TargetName, profileName?: string): NativeTable {
  const { table, row } = nativeMapping(source, target, profileName);
  return { ...table, rows: events.map(row) };
}

/**
 * materialize, but each native row made only as the engine reads it, so that a large run never
 * holds the native rows of every event (each read of `rows` makes them anew). Given `columns` (a
 * KQL table's columns the query reads: ReplayEngine.inputColumns), a row holds only those: the
 * engine never looks at the others, and a SigninLogs row has a hundred.
 */
export function materializeLazily(events: Iterable<CanonicalEvent>, source: LogSource, target: TargetName, profileName?: string, columns?: ReadonlySet<string>): NativeRows {
  const mapping = nativeMapping(source, target, profileName);
  const row = columns ? mapping.rowWith(columns) : mapping.row;
  return { ...mapping.table, rows: { *[Symbol.iterator]() { for (const e of events) yield row(e); } } };
}

/** The name and columns of the native table of a log source's profile for a target. */
export function nativeTableOf(source: LogSource, target: TargetName, profileName?: string): Omit<NativeRows, 'rows'> {
  return nativeMapping(source, target, profileName).table;
}

/**
 * A profile's table and row maker, made once per profile: a build materializes each test's
 * events for every target (10,500 times for 1,000 rules), a run millions of events.
 */
function nativeMapping(source: LogSource, target: TargetName, profileName?: string): NativeMapping {
  const profile = profileOf(source, target, profileName);
  let mapping = mappings.get(profile);
  if (!mapping) {
    const columns = Object.freeze([...profile.columns].map(([name, type]) => Object.freeze({ name, type })));
    // A KQL row of some columns only, made once for each set of them (a compiled query's).
    const subsets = new WeakMap<ReadonlySet<string>, (event: CanonicalEvent) => NativeRow>();
    const row = target === 'splunk' ? (e: CanonicalEvent) => splunkEvent(e, source, profile) : kqlRowMaker(source, profile);
    mapping = {
      table: { name: target === 'splunk' ? profile.sourcetype ?? source.name : profile.table!, columns },
      row,
      rowWith: (only) => {
        if (target === 'splunk') return row; // an event is its _raw: no columns to leave out
        let subset = subsets.get(only);
        if (!subset) subsets.set(only, (subset = kqlRowMaker(source, profile, only)));
        return subset;
      },
    };
    mappings.set(profile, mapping);
  }
  return mapping;
}
interface NativeMapping {
  readonly table: Omit<NativeRows, 'rows'>;
  readonly row: (event: CanonicalEvent) => NativeRow;
  /** A KQL row maker that writes the columns in `only` and no other (Splunk: `row`). */
  readonly rowWith: (only: ReadonlySet<string>) => (event: CanonicalEvent) => NativeRow;
}
const mappings = new WeakMap<LogSourceProfile, NativeMapping>();

function nativeValue(value: CanonicalValue, canonicalType: string, nativeType: KqlType | SplunkType): NativeValue {
  if (value === null) return null;
  if (typeof value === 'object') {
    // namevalue: the audit record's list of {Name, Value}; a string column holds its JSON text.
    const list = Object.entries(value).map(([Name, Value]): NativeObject => ({ Name, Value }));
    return nativeType === 'string' ? JSON.stringify(list) : list;
  }
  if (canonicalType === 'datetime' && typeof value === 'number') return nativeType === 'time' ? value / 1000 : new Date(value).toISOString();
  if (nativeType === 'string' && typeof value !== 'string') return String(value);
  return value;
}

/**
 * Sets `path` (dot-separated) in a nested object. A `name{}` step is an array, as KV_MODE=json
 * names what is inside arrays (`Parameters{}.Name`): the rest of the path goes into its first
 * element, and a value set at `name{}` itself is the array (or becomes its one element).
 */
function setPath(target: NativeObject, path: string | readonly string[], value: NativeValue): void {
  const parts = typeof path === 'string' ? path.split('.') : path;
  let node = target;
  const isObject = (v: NativeValue | undefined): v is NativeObject => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
  for (const part of parts.slice(0, -1)) {
    if (part.endsWith('{}')) {
      const key = part.slice(0, -2);
      const current = node[key];
      const list = Array.isArray(current) ? current : (node[key] = []);
      const first = list[0];
      node = isObject(first) ? first : (list[0] = {});
      continue;
    }
    const next = node[part];
    node = isObject(next) ? next : (node[part] = {});
  }
  const last = parts.at(-1)!;
  if (last.endsWith('{}')) node[last.slice(0, -2)] = Array.isArray(value) ? value : [value];
  else node[last] = value;
}

/**
 * A KQL profile's row maker, compiled once: a large run makes millions of rows with the same
 * columns. Every column (or, given `only`, those of them) is there, as Kusto has it.
 */
function kqlRowMaker(source: LogSource, profile: LogSourceProfile, only?: ReadonlySet<string>): (event: CanonicalEvent) => NativeRow {
  const kept = (column: string) => !only || only.has(column);
  // A missing string is empty (Kusto has no null string).
  const blank: NativeRow = {};
  for (const [column, type] of profile.columns) if (kept(column)) blank[column] = type === 'string' ? '' : null;
  for (const [column, value] of profile.constants) if (kept(column)) blank[column] = value;
  const blankEntries = Object.entries(blank);
  const fields = [...profile.fields].map(([field, native]) => {
    const [root, ...rest] = native.column.split('.');
    return { field, native, canonicalType: source.fields.get(field)!.type, nested: native.type === 'dynamic' && rest.length > 0 ? { root: root!, path: rest } : undefined };
  }).filter(({ native, nested }) => kept(nested?.root ?? native.column));
  // The string columns an object can land in (those a field writes, or an object constant):
  // checking the 90-odd others of a SigninLogs row took most of the time of making it.
  const written = new Set(fields.map(({ native, nested }) => nested?.root ?? native.column));
  for (const [column, value] of profile.constants) if (value !== null && typeof value === 'object' && kept(column)) written.add(column);
  const stringColumns = [...profile.columns].filter(([column, type]) => type === 'string' && written.has(column)).map(([column]) => column);
  return (event) => {
    const row: NativeRow = {};
    for (const [column, value] of blankEntries) row[column] = value;
    for (const { field, native, canonicalType, nested } of fields) {
      const value = event[field] ?? null;
      if (nested) {
        if (value !== null) {
          const holder = (row[nested.root] !== null && typeof row[nested.root] === 'object' ? row[nested.root] : (row[nested.root] = {})) as NativeObject;
          setPath(holder, nested.path, nativeValue(value, canonicalType, 'dynamic'));
        }
      } else row[native.column] = value === null && native.type === 'string' ? '' : nativeValue(value, canonicalType, native.type);
    }
    // A string column read by path holds JSON text (Defender's AdditionalFields): serialize it.
    for (const column of stringColumns) {
      const value = row[column];
      if (value !== null && typeof value === 'object') row[column] = JSON.stringify(value);
    }
    return row;
  };
}

function splunkEvent(event: CanonicalEvent, source: LogSource, profile: LogSourceProfile): NativeRow {
  const raw: NativeObject = {};
  const fields: NativeRow = {};
  for (const [field, native] of profile.fields) {
    const value = event[field] ?? null;
    if (value === null) continue; // absent from the JSON, so Splunk extracts no field
    const canonicalType = source.fields.get(field)!.type;
    if (native.column === '_time') {
      fields._time = nativeValue(value, 'datetime', 'time');
      if (profile.rawTimeField) setPath(raw, profile.rawTimeField, nativeValue(value, 'datetime', 'string'));
      continue;
    }
    const v = nativeValue(value, canonicalType, native.type);
    setPath(raw, native.column, v);
    if (canonicalType === 'namevalue' && Array.isArray(v)) {
      // KV_MODE=json flattens the list into the parallel multivalue fields X{}.Name and X{}.Value.
      const list = v as NativeObject[];
      if (list.length) for (const key of ['Name', 'Value']) fields[`${native.column}.${key}`] = list.map((e) => e[key]!);
    } else fields[native.column] = v;
  }
  for (const [column, value] of profile.constants) fields[column] = value;
  return { _time: fields._time ?? null, _raw: JSON.stringify(raw), sourcetype: profile.sourcetype ?? null, ...fields };
}
