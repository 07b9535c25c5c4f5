// Kusto's scalar values in JavaScript, and the conversions between them.
//
//   string            JS string; never null (Kusto strings have no null: empty instead)
//   int, long         JS number or null (long beyond ±2^53 loses precision)
//   real, decimal     JS number or null (NaN and ±Infinity as in IEEE 754)
//   bool              JS boolean or null
//   datetime          milliseconds since 2022-01-01 UTC (time.ts DATETIME_ORIGIN), or null
//   timespan          milliseconds, or null
//   guid              lower-case JS string, or null
//   dynamic           a JSON value: null, boolean, number, string, array or plain object
//
// https://learn.microsoft.com/kusto/query/scalar-data-types/
import { formatDateTime, formatTimespan, fromUnixMs, MS_PER_TICK, parseDateTime, parseTimespan } from './time.ts';

export type KqlType = 'string' | 'int' | 'long' | 'real' | 'decimal' | 'bool' | 'datetime' | 'timespan' | 'guid' | 'dynamic';

export type Dynamic = null | boolean | number | string | Dynamic[] | { [key: string]: Dynamic };

const TYPES = new Set<string>(['string', 'int', 'long', 'real', 'decimal', 'bool', 'datetime', 'timespan', 'guid', 'dynamic']);
const ALIASES: Record<string, KqlType> = { double: 'real', boolean: 'bool', date: 'datetime', time: 'timespan', uniqueid: 'guid' };

export function kqlType(name: string): KqlType | undefined {
  return TYPES.has(name) ? (name as KqlType) : ALIASES[name];
}

export const isInteger = (t: KqlType): boolean => t === 'int' || t === 'long';
export const isNumeric = (t: KqlType): boolean => t === 'int' || t === 'long' || t === 'real' || t === 'decimal';

/** The null of a type: '' for strings (Kusto has no null string), null otherwise. */
export const nullOf = (t: KqlType): '' | null => (t === 'string' ? '' : null);

export function isBag(v: unknown): v is { [key: string]: Dynamic } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/* ---- rows handed in → values ---- */

/**
 * A cell of an input row as a value of its column's type: ISO text, epoch milliseconds or a Date
 * for a datetime; numbers or numeric text for numbers; JSON or its text for dynamic. A missing
 * value is null, or '' for a string column.
 */
export function fromInput(value: unknown, type: KqlType): unknown {
  if (value === undefined || value === null) return nullOf(type);
  switch (type) {
    case 'string': return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'datetime':
      if (value instanceof Date) return fromUnixMs(value.getTime());
      if (typeof value === 'number') return fromUnixMs(value);
      return parseDateTime(String(value));
    case 'timespan': return typeof value === 'number' ? value : parseTimespan(String(value));
    case 'dynamic': return inputDynamic(value);
    case 'guid': return String(value).toLowerCase();
    default: return convert(value, 'dynamic', type);
  }
}

/** fromInput for one column type, with the common case (a value already of the type) first. */
export function inputConverter(type: KqlType): (value: unknown) => unknown {
  switch (type) {
    case 'string': return (v) => (typeof v === 'string' ? v : fromInput(v, type));
    case 'datetime': return (v) => (typeof v === 'string' ? parseDateTime(v) : fromInput(v, type));
    case 'int': case 'long': case 'real': case 'decimal': return (v) => (typeof v === 'number' ? (isInteger(type) ? Math.trunc(v) : v) : fromInput(v, type));
    case 'bool': return (v) => (typeof v === 'boolean' ? v : fromInput(v, type));
    default: return (v) => fromInput(v, type);
  }
}

function inputDynamic(value: unknown): Dynamic {
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^[[{]/.test(s)) {
      try { return JSON.parse(s) as Dynamic; } catch { return value; }
    }
    return value;
  }
  if (value instanceof Date) return formatDateTime(fromUnixMs(value.getTime()));
  return value as Dynamic;
}

/* ---- values → rows handed back ---- */

/** A value as the engine hands it back: datetimes as ISO text, timespans as Kusto's text, the rest as is. */
export function toOutput(value: unknown, type: KqlType): unknown {
  if (value === null) return null;
  if (type === 'datetime') return formatDateTime(value as number);
  if (type === 'timespan') return formatTimespan(value as number);
  return value;
}

/* ---- conversions (Kusto's to*() functions) ---- */

/** A value of any type as dynamic: datetimes and timespans become their text, as in Kusto's JSON. */
export function toDynamic(value: unknown, type: KqlType): Dynamic {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'datetime': return formatDateTime(value as number);
    case 'timespan': return formatTimespan(value as number);
    default: return value as Dynamic;
  }
}

/** Kusto's text of a real: integral values without a fraction, exponents as .NET writes them. */
function realText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(n).replace('e+', 'E+').replace('e-', 'E-');
}

/**
 * tostring(): null is '' (https://learn.microsoft.com/kusto/query/tostring-function); datetimes in
 * ISO 8601 UTC; dynamic arrays and bags as compact JSON.
 */
export function toKqlString(value: unknown, type: KqlType): string {
  if (value === null || value === undefined) return '';
  switch (type) {
    case 'string': return value as string;
    case 'datetime': return formatDateTime(value as number);
    case 'timespan': return formatTimespan(value as number);
    case 'real': case 'decimal': return realText(value as number);
    case 'dynamic':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return realText(value);
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    default: return String(value);
  }
}

/** Conversion to `to` from a value of type `from`; null when Kusto's to*() function gives null. */
export function convert(value: unknown, from: KqlType, to: KqlType): unknown {
  if (to === 'string') return toKqlString(value, from);
  if (value === null || value === undefined) return null;
  if (to === 'dynamic') return toDynamic(value, from);
  if (from === to) return value;
  // A dynamic holding an array or bag converts to no scalar.
  if (from === 'dynamic' && typeof value === 'object') return null;
  switch (to) {
    case 'int': case 'long': {
      const n = toNumber(value, from);
      return n === null || !Number.isFinite(n) ? null : Math.trunc(n);
    }
    case 'real': case 'decimal': return toNumber(value, from);
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string') {
        const s = value.trim().toLowerCase();
        return s === 'true' ? true : s === 'false' ? false : /^[+-]?\d+$/.test(s) ? Number(s) !== 0 : null;
      }
      return null;
    case 'datetime':
      if (typeof value === 'string') return parseDateTime(value);
      return null;
    case 'timespan':
      if (typeof value === 'string') return parseTimespan(value);
      if (typeof value === 'number' && from !== 'datetime') return value * MS_PER_TICK; // a number of ticks
      return null;
    case 'guid':
      return typeof value === 'string' && /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(value.trim()) ? value.trim().toLowerCase() : null;
  }
  return null;
}

function toNumber(value: unknown, from: KqlType): number | null {
  if (typeof value === 'number') {
    // A timespan as a number is its ticks; a datetime's number is not documented for these functions.
    if (from === 'timespan') return value / MS_PER_TICK;
    if (from === 'datetime') return null;
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
    if (/^0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s, 16);
    if (/^[+-]?(nan|inf|infinity)$/i.test(s)) return s.toLowerCase().includes('nan') ? NaN : s.startsWith('-') ? -Infinity : Infinity;
    return null;
  }
  return null;
}

/* ---- comparison ---- */

/**
 * Ascending order of two non-null values of one type: numbers (and datetimes, timespans) by
 * value, strings by ordinal UTF-16 code units, false before true; dynamic by its JSON text.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A key that is equal for equal values (grouping, distinct, join keys, sets). */
export function valueKey(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? `\u0000${JSON.stringify(v)}` : v;
}

/** One string key for several values. */
export function rowKey(values: readonly unknown[]): string {
  let key = '';
  for (const v of values) {
    key += v === null ? '\u0001n' : typeof v === 'string' ? `\u0001s${v}` : typeof v === 'object' ? `\u0001o${JSON.stringify(v)}` : `\u0001${typeof v}${String(v)}`;
  }
  return key;
}
