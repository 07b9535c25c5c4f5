// Events as given → rows as Splunk holds them at search time.
// - `_time` is epoch seconds (a number; numeric text, an ISO timestamp or a Date are read too).
// - Field values are text or numbers; Booleans become "true"/"false"; arrays are multivalue
//   fields; nested objects are flattened with dots, arrays inside them with `{}` (KV_MODE=json).
// - An event whose `_raw` is a JSON object and that carries no extracted fields (only `_time`,
//   `_raw` and metadata such as sourcetype) gets the fields KV_MODE=json extracts from `_raw`.
import { flattenJson, parseJson, type Json } from './json.ts';
import { fromValues, type Row, type Scalar } from './values.ts';

export type InputEvent = Readonly<Record<string, unknown>>;

/**
 * An event may carry its `_raw` already parsed, under this key, when the caller parsed it anyway
 * (detc run reads each record's time from it): the JSON parseJson would make of `_raw`, so
 * KV_MODE=json reads it instead of parsing `_raw` again. A symbol: for…in over an event's fields
 * never sees it.
 */
export const PARSED_RAW = Symbol('_raw parsed');

const METADATA = new Set(['sourcetype', 'source', 'host', 'index', 'splunk_server', 'linecount', 'punct', 'eventtype', 'tag', 'timestartpos', 'timeendpos']);

const isMetadata = (key: string): boolean => key.startsWith('_') || METADATA.has(key) || key.startsWith('date_') || key.startsWith('tag::');

/** An event's `_time` in epoch seconds, or undefined. */
export function eventTime(event: InputEvent): number | undefined {
  const t = event._time;
  if (typeof t === 'number') return Number.isFinite(t) ? t : undefined;
  if (typeof t === 'string') {
    if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms / 1000;
  }
  if (t instanceof Date) return t.getTime() / 1000;
  return undefined;
}

/** The event's fields all come from `_raw` JSON (KV_MODE=json): it has nothing but `_raw`, `_time` and metadata. */
export function fieldsComeFromRaw(event: InputEvent): boolean {
  if (typeof event._raw !== 'string') return false;
  for (const key in event) if (!isMetadata(key) && event[key] !== null && event[key] !== undefined) return false;
  return true;
}

/**
 * One input event → a row (a fresh Map each call). With `jsonKeys`, fields extracted from `_raw`
 * JSON come only from the top-level keys it keeps (the search reads no others: projection.ts).
 */
export function eventToRow(event: InputEvent, jsonKeys?: JsonKeyFilter): Row {
  const row: Row = new Map();
  let extracted = false;
  let nested: Map<string, Scalar[]> | null = null;
  for (const key in event) {
    const v = event[key];
    if (v === null || v === undefined) continue;
    if (!isMetadata(key)) extracted = true;
    switch (typeof v) {
      case 'string':
        row.set(key, v);
        break;
      case 'number':
        if (Number.isFinite(v)) row.set(key, v);
        break;
      case 'boolean':
        row.set(key, v ? 'true' : 'false');
        break;
      case 'bigint':
        row.set(key, v.toString());
        break;
      case 'object':
        if (key === '_time') break;
        if (key === '_raw') {
          row.set(key, JSON.stringify(v));
          break;
        }
        nested ??= new Map();
        if (Array.isArray(v) && v.every((item) => item === null || typeof item !== 'object')) {
          // An array of scalars under its own name is a multivalue field.
          const list: Scalar[] = [];
          for (const item of v as unknown[]) {
            if (item === null || item === undefined) continue;
            list.push(typeof item === 'boolean' ? (item ? 'true' : 'false') : typeof item === 'number' ? item : String(item));
          }
          const value = fromValues(list);
          if (value !== null) row.set(key, value);
        } else flattenJson(v as Json, key, nested);
        break;
      default:
        break;
    }
  }
  const time = eventTime(event);
  if (time !== undefined) row.set('_time', time);
  else row.delete('_time');
  if (nested) for (const [name, values] of nested) if (!row.has(name)) row.set(name, fromValues(values));
  const raw = row.get('_raw');
  if (!extracted && typeof raw === 'string') extractJsonFields(raw, row, jsonKeys, (event as { readonly [PARSED_RAW]?: Json })[PARSED_RAW]);
  return row;
}

/** Which top-level keys of `_raw` JSON to flatten (extractJsonFields). */
export type JsonKeyFilter = (key: string) => boolean;

/**
 * The top-level keys whose flattened fields (`key`, `key.…`, `key{}…`) can be among `fields`:
 * remembered per key, as every event of an export has the same few. The empty key is always
 * kept (its object's fields are flattened without a prefix).
 */
export function jsonKeysFor(fields: ReadonlySet<string>): JsonKeyFilter {
  const known = new Map<string, boolean>();
  const names = [...fields];
  return (key) => {
    let keep = known.get(key);
    if (keep === undefined) known.set(key, (keep = key === '' || names.some((f) => f === key || f.startsWith(`${key}.`) || f.startsWith(`${key}{}`))));
    return keep;
  };
}

/**
 * KV_MODE=json: the fields of a JSON object in `raw` (of the keys `jsonKeys` keeps), added where
 * the row has none; `parsed`, when given, is `raw` as parseJson parses it.
 */
export function extractJsonFields(raw: string, row: Row, jsonKeys?: JsonKeyFilter, parsed?: Json): void {
  let i = 0;
  while (i < raw.length && (raw[i] === ' ' || raw[i] === '\n' || raw[i] === '\r' || raw[i] === '\t')) i++;
  if (raw[i] !== '{') return;
  const json = parsed ?? parseJson(raw);
  if (json === undefined || json === null || typeof json !== 'object' || Array.isArray(json)) return;
  const fields = new Map<string, Scalar[]>();
  if (!jsonKeys) flattenJson(json, '', fields);
  else for (const key in json) if (Object.hasOwn(json, key) && jsonKeys(key)) flattenJson(json[key]!, key, fields);
  for (const [name, values] of fields) if (!row.has(name)) row.set(name, fromValues(values));
}
