// Kusto's scalar functions, each compiled once into a closure over a row. Each follows its page
// under https://learn.microsoft.com/kusto/query/ (the name of the page is `<name>-function`).
// A function not listed here, or called with an argument shape not handled, is `unsupported`.
import { createHash } from 'node:crypto';
import type { KqlSyntaxNode } from '../language-service.ts';
import { unsupported } from './errors.ts';
import { compareIpv4, ipv4InRange, ipv4IsPrivate, ipv4ToLong, parseIpv4 } from './ipv4.ts';
import type { Compiled, RunState, Scalar } from './model.ts';
import { globalRegex, kustoRegex, replacer } from './regex.ts';
import { formatDateTimeWith, fromUnixMs, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, MS_PER_TICK, startOfDay, startOfMonth, startOfWeek, startOfYear, toUnixMs, utc } from './time.ts';
import { compareValues, convert, isBag, toDynamic, toKqlString, valueKey, type Dynamic, type KqlType } from './values.ts';

export interface Call {
  readonly node: KqlSyntaxNode;
  readonly name: string;
  readonly args: readonly Compiled[];
  readonly argNodes: readonly KqlSyntaxNode[];
  /** The result type Kusto's binder gave the call. */
  readonly type: KqlType;
  readonly state: RunState;
}

export type ScalarFunction = (call: Call) => Scalar;

/* ---- argument readers ---- */

/** The argument as a string (tostring() of what it holds; '' for null). */
function str(c: Compiled): (row: unknown[]) => string {
  if (c.type === 'string') return c.fn as (row: unknown[]) => string;
  const { fn, type } = c;
  return (row) => toKqlString(fn(row), type);
}

/** The argument as a number (or null). */
function num(c: Compiled): Scalar {
  if (c.type === 'int' || c.type === 'long' || c.type === 'real' || c.type === 'decimal' || c.type === 'datetime' || c.type === 'timespan') return c.fn;
  const { fn, type } = c;
  return (row) => convert(fn(row), type, 'real');
}

/** The argument as dynamic. */
function dyn(c: Compiled): (row: unknown[]) => Dynamic {
  if (c.type === 'dynamic') return c.fn as (row: unknown[]) => Dynamic;
  const { fn, type } = c;
  return (row) => toDynamic(fn(row), type);
}

/** The value of an argument made of literals, for functions that need it before any row. */
function constant(call: Call, i: number, what: string): unknown {
  const a = call.args[i];
  if (!a?.constant) throw unsupported(`${call.name}() with a ${what} that is not a constant`, call.argNodes[i] ?? call.node);
  return a.fn([]);
}

function arity(call: Call, min: number, max = min): void {
  if (call.args.length < min || call.args.length > max) throw unsupported(`${call.name}() with ${call.args.length} arguments`, call.node);
}

/** f applied to one argument; null in, null out. */
export function map1(a: Scalar, f: (x: never) => unknown): Scalar {
  return (row) => {
    const x = a(row);
    return x === null ? null : f(x as never);
  };
}

/** f applied to two arguments; null in either, null out. */
export function map2(a: Scalar, b: Scalar, f: (x: never, y: never) => unknown): Scalar {
  return (row) => {
    const x = a(row);
    if (x === null) return null;
    const y = b(row);
    return y === null ? null : f(x as never, y as never);
  };
}

function regexArg(call: Call, i: number): RegExp {
  return kustoRegex(constant(call, i, 'regular expression') as string, call.argNodes[i]!);
}

/* ---- numbers and time ---- */

/**
 * bin(value, size) rounds down to a multiple of size; datetimes to bins aligned to the Unix
 * epoch; a null or non-positive size gives null. https://learn.microsoft.com/kusto/query/bin-function
 */
function binOf(value: number, size: number): number | null {
  if (!(size > 0)) return null;
  return Math.floor(value / size) * size;
}

/** round(): half away from zero at `digits` decimal places (negative digits round left of the point). */
export function roundHalfAway(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const factor = 10 ** digits;
  // toPrecision(15) undoes binary representation error (2.15 * 10 is 21.499999999999996).
  const scaled = Number((Math.abs(x) * factor).toPrecision(15));
  return (Math.sign(x) * Math.round(scaled)) / factor;
}

const PERIODS: Record<string, number> = {
  week: 7 * MS_PER_DAY, day: MS_PER_DAY, hour: MS_PER_HOUR, minute: MS_PER_MINUTE, second: MS_PER_SECOND,
  millisecond: 1, microsecond: 1e-3, nanosecond: 1e-6,
};

function periodName(call: Call, i: number): string {
  const p = String(constant(call, i, 'period')).toLowerCase().replace(/s$/, '');
  const aliases: Record<string, string> = { yy: 'year', yyyy: 'year', qq: 'quarter', q: 'quarter', mm: 'month', m: 'month', wk: 'week', ww: 'week', dd: 'day', d: 'day', hh: 'hour', mi: 'minute', n: 'minute', ss: 'second', s: 'second', ms: 'millisecond', mcs: 'microsecond', ns: 'nanosecond' };
  const name = aliases[p] ?? p;
  if (!['year', 'quarter', 'month', ...Object.keys(PERIODS)].includes(name)) throw unsupported(`${call.name}() period ${JSON.stringify(p)}`, call.argNodes[i]!);
  return name;
}

/** Boundaries of `period` crossed going from b to a (Kusto's datetime_diff(period, a, b)). */
function datetimeDiff(period: string, a: number, b: number): number {
  const [x, y] = [utc(a), utc(b)];
  switch (period) {
    case 'year': return x.getUTCFullYear() - y.getUTCFullYear();
    case 'quarter': return (x.getUTCFullYear() * 4 + Math.floor(x.getUTCMonth() / 3)) - (y.getUTCFullYear() * 4 + Math.floor(y.getUTCMonth() / 3));
    case 'month': return (x.getUTCFullYear() * 12 + x.getUTCMonth()) - (y.getUTCFullYear() * 12 + y.getUTCMonth());
    case 'week': return Math.round((startOfWeek(a) - startOfWeek(b)) / PERIODS.week!);
    case 'day': case 'hour': case 'minute': case 'second': {
      const unit = PERIODS[period]!;
      return Math.floor(a / unit) - Math.floor(b / unit);
    }
    default: {
      // Below a second: whole seconds apart, then the ticks (100 ns) within each second.
      const ticksPerUnit = PERIODS[period]! / MS_PER_TICK;
      const [sa, sb] = [Math.floor(a / MS_PER_SECOND), Math.floor(b / MS_PER_SECOND)];
      const [ta, tb] = [Math.round((a - sa * MS_PER_SECOND) / MS_PER_TICK), Math.round((b - sb * MS_PER_SECOND) / MS_PER_TICK)];
      return (sa - sb) * (10_000_000 / ticksPerUnit) + Math.floor(ta / ticksPerUnit) - Math.floor(tb / ticksPerUnit);
    }
  }
}

function datetimeAdd(period: string, amount: number, at: number): number {
  const d = utc(at);
  const months = period === 'year' ? amount * 12 : period === 'quarter' ? amount * 3 : period === 'month' ? amount : undefined;
  if (months === undefined) return at + amount * PERIODS[period]!;
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return fromUnixMs(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), lastDay))) + (at - startOfDay(at));
}

function datetimePart(part: string, at: number): number {
  const d = utc(at);
  switch (part) {
    case 'year': return d.getUTCFullYear();
    case 'quarter': return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'month': return d.getUTCMonth() + 1;
    case 'day': return d.getUTCDate();
    case 'hour': return d.getUTCHours();
    case 'minute': return d.getUTCMinutes();
    case 'second': return d.getUTCSeconds();
    case 'millisecond': return d.getUTCMilliseconds();
    case 'week': return isoWeek(at);
    default: return Math.floor(Math.round((((at % 1000) + 1000) % 1000) / MS_PER_TICK) * MS_PER_TICK / PERIODS[part]!);
  }
}

/** ISO 8601 week number (week_of_year). */
function isoWeek(at: number): number {
  const d = utc(startOfDay(at));
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(d.getUTCFullYear(), 0, 4));
  return 1 + Math.round((d.getTime() - firstThursday.getTime()) / (7 * MS_PER_DAY) - ((firstThursday.getUTCDay() + 6) % 7 - 3) / 7);
}

function startOf(call: Call, start: (ms: number, offset: number) => number): Scalar {
  arity(call, 1, 2);
  const at = call.args[0]!.fn;
  const offset = call.args[1] ? num(call.args[1]) : () => 0;
  return (row) => {
    const t = at(row) as number | null;
    const o = offset(row) as number | null;
    return t === null || o === null ? null : start(t, o);
  };
}

/* ---- dynamic ---- */

function arrayOf(v: unknown): Dynamic[] | null {
  return Array.isArray(v) ? v : null;
}

function dynamicEquals(a: Dynamic, b: Dynamic): boolean {
  return valueKey(a) === valueKey(b);
}

/** A JSONPath of the subset Kusto documents for extract_json: `$`, `.name`, `['name']`, `[index]`. */
function jsonPath(call: Call, i: number): (string | number)[] {
  const path = String(constant(call, i, 'JSONPath'));
  if (!path.startsWith('$')) throw unsupported(`${call.name}() JSONPath ${JSON.stringify(path)}`, call.argNodes[i]!);
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[\s*(-?\d+)\s*\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw unsupported(`${call.name}() JSONPath ${JSON.stringify(path)}`, call.argNodes[i]!);
    steps.push(m[4] !== undefined ? Number(m[4]) : (m[1] ?? m[2] ?? m[3])!);
  }
  return steps;
}

export function dynamicGet(value: Dynamic | undefined, key: string | number): Dynamic {
  if (value === null || value === undefined) return null;
  if (typeof key === 'number') {
    if (!Array.isArray(value)) return null;
    const i = key < 0 ? value.length + key : key;
    return value[i] ?? null;
  }
  if (isBag(value)) return value[key] ?? null;
  return null;
}

/** parse_json / todynamic: JSON text to dynamic; text that is not JSON stays a string. */
export function parseJson(text: string): Dynamic {
  try {
    return JSON.parse(text) as Dynamic;
  } catch {
    return text;
  }
}

function sortArray(values: Dynamic[], descending: boolean, nullsLast: boolean): Dynamic[] {
  const nulls = values.filter((v) => v === null);
  const rest = values.filter((v) => v !== null).sort((a, b) => (descending ? -1 : 1) * compareValues(a, b));
  return nullsLast ? [...rest, ...nulls] : [...nulls, ...rest];
}

/* ---- the table ---- */

const unaryString = (f: (s: string) => unknown): ScalarFunction => (call) => {
  arity(call, 1);
  const a = str(call.args[0]!);
  return (row) => f(a(row));
};

const conversion = (to: KqlType): ScalarFunction => (call) => {
  arity(call, 1);
  const { fn, type } = call.args[0]!;
  return (row) => convert(fn(row), type, to);
};

const hashWith = (algorithm: string): ScalarFunction => (call) => {
  arity(call, 1);
  const a = str(call.args[0]!);
  return (row) => createHash(algorithm).update(a(row), 'utf8').digest('hex');
};

export const SCALAR_FUNCTIONS: Readonly<Record<string, ScalarFunction>> = {
  /* time */
  now: (call) => {
    arity(call, 0, 1);
    const offset = call.args[0] ? call.args[0].fn : () => 0;
    return (row) => call.state.now + ((offset(row) as number | null) ?? 0);
  },
  ago: (call) => {
    arity(call, 1);
    const span = call.args[0]!.fn;
    return (row) => {
      const s = span(row) as number | null;
      return s === null ? null : call.state.now - s;
    };
  },
  bin: (call) => {
    arity(call, 2);
    const [value, size] = [call.args[0]!.fn, num(call.args[1]!)];
    if (call.args[0]!.type !== 'datetime') return map2(value, size, (v: number, s: number) => binOf(v, s));
    // Datetime bins are counted from the Unix epoch: shift by where the origin falls in a bin.
    return map2(value, size, (v: number, s: number) => {
      if (!(s > 0)) return null;
      const shift = ((toUnixMs(0) % s) + s) % s;
      return Math.floor((v + shift) / s) * s - shift;
    });
  },
  bin_at: (call) => {
    arity(call, 3);
    const [value, size, at] = [call.args[0]!.fn, num(call.args[1]!), call.args[2]!.fn];
    return (row) => {
      const [v, s, a] = [value(row), size(row), at(row)] as [number | null, number | null, number | null];
      if (v === null || s === null || a === null) return null;
      const b = binOf(v - a, s);
      return b === null ? null : b + a;
    };
  },
  startofday: (call) => startOf(call, (t, o) => startOfDay(t) + o * MS_PER_DAY),
  startofweek: (call) => startOf(call, (t, o) => startOfWeek(t) + o * 7 * MS_PER_DAY),
  startofmonth: (call) => startOf(call, (t, o) => startOfMonth(t, o)),
  startofyear: (call) => startOf(call, (t, o) => startOfYear(t, o)),
  endofday: (call) => startOf(call, (t, o) => startOfDay(t) + (o + 1) * MS_PER_DAY - MS_PER_TICK),
  endofweek: (call) => startOf(call, (t, o) => startOfWeek(t) + (o + 1) * 7 * MS_PER_DAY - MS_PER_TICK),
  endofmonth: (call) => startOf(call, (t, o) => startOfMonth(t, o + 1) - MS_PER_TICK),
  endofyear: (call) => startOf(call, (t, o) => startOfYear(t, o + 1) - MS_PER_TICK),
  // dayofweek: "the integer number of days since the preceding Sunday, as a timespan".
  dayofweek: (call) => (arity(call, 1), map1(call.args[0]!.fn, (t: number) => utc(t).getUTCDay() * MS_PER_DAY)),
  dayofmonth: (call) => (arity(call, 1), map1(call.args[0]!.fn, (t: number) => utc(t).getUTCDate())),
  dayofyear: (call) => (arity(call, 1), map1(call.args[0]!.fn, (t: number) => Math.floor((startOfDay(t) - startOfYear(t)) / MS_PER_DAY) + 1)),
  hourofday: (call) => (arity(call, 1), map1(call.args[0]!.fn, (t: number) => utc(t).getUTCHours())),
  getmonth: (call) => (arity(call, 1), map1(call.args[0]!.fn, (t: number) => utc(t).getUTCMonth() + 1)),
  monthofyear: (call) => (arity(call, 1), map1(call.args[0]!.fn, (t: number) => utc(t).getUTCMonth() + 1)),
  getyear: (call) => (arity(call, 1), map1(call.args[0]!.fn, (t: number) => utc(t).getUTCFullYear())),
  week_of_year: (call) => (arity(call, 1), map1(call.args[0]!.fn, (t: number) => isoWeek(t))),
  datetime_diff: (call) => {
    arity(call, 3);
    const period = periodName(call, 0);
    return map2(call.args[1]!.fn, call.args[2]!.fn, (a: number, b: number) => datetimeDiff(period, a, b));
  },
  datetime_add: (call) => {
    arity(call, 3);
    const period = periodName(call, 0);
    return map2(num(call.args[1]!), call.args[2]!.fn, (n: number, t: number) => datetimeAdd(period, Math.trunc(n), t));
  },
  datetime_part: (call) => {
    arity(call, 2);
    const part = periodName(call, 0);
    return map1(call.args[1]!.fn, (t: number) => datetimePart(part, t));
  },
  format_datetime: (call) => {
    arity(call, 2);
    const format = String(constant(call, 1, 'format'));
    if (formatDateTimeWith(0, format) === undefined) throw unsupported(`format_datetime() format ${JSON.stringify(format)}`, call.argNodes[1]!);
    const t = call.args[0]!.fn;
    return (row) => {
      const v = t(row) as number | null;
      return v === null ? '' : formatDateTimeWith(v, format)!;
    };
  },
  make_datetime: (call) => {
    arity(call, 3, 7);
    const parts = call.args.map(num);
    return (row) => {
      const v = parts.map((p) => p(row) as number | null);
      if (v.some((x) => x === null)) return null;
      const [y, mo, d, h = 0, mi = 0, s = 0] = v as number[];
      return fromUnixMs(Date.UTC(y!, mo! - 1, d!, h, mi, 0)) + s * MS_PER_SECOND;
    };
  },
  unixtime_seconds_todatetime: (call) => (arity(call, 1), map1(num(call.args[0]!), (s: number) => fromUnixMs(s * MS_PER_SECOND))),
  unixtime_milliseconds_todatetime: (call) => (arity(call, 1), map1(num(call.args[0]!), (s: number) => fromUnixMs(s))),
  unixtime_microseconds_todatetime: (call) => (arity(call, 1), map1(num(call.args[0]!), (s: number) => fromUnixMs(s / 1000))),

  /* numbers */
  floor: (call) => SCALAR_FUNCTIONS.bin!(call),
  round: (call) => {
    arity(call, 1, 2);
    const digits = call.args[1] ? num(call.args[1]) : () => 0;
    return map2(num(call.args[0]!), digits, (x: number, d: number) => roundHalfAway(x, d));
  },
  abs: (call) => (arity(call, 1), map1(call.args[0]!.fn, (x: number) => Math.abs(x))),
  ceiling: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => Math.ceil(x))),
  sign: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => Math.sign(x))),
  sqrt: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => (x < 0 ? null : Math.sqrt(x)))),
  log: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => (x < 0 ? null : Math.log(x)))),
  log2: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => (x < 0 ? null : Math.log2(x)))),
  log10: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => (x < 0 ? null : Math.log10(x)))),
  exp: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => Math.exp(x))),
  pow: (call) => (arity(call, 2), map2(num(call.args[0]!), num(call.args[1]!), (x: number, y: number) => x ** y)),
  isnan: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => Number.isNaN(x))),
  isinf: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => x === Infinity || x === -Infinity)),
  isfinite: (call) => (arity(call, 1), map1(num(call.args[0]!), (x: number) => Number.isFinite(x))),
  max_of: (call) => extremeOf(call, 1),
  min_of: (call) => extremeOf(call, -1),

  /* logic and nulls */
  not: (call) => (arity(call, 1), map1(call.args[0]!.fn, (x: boolean) => !x)),
  iff: (call) => conditional(call),
  iif: (call) => conditional(call),
  case: (call) => {
    if (call.args.length < 3 || call.args.length % 2 === 0) throw unsupported(`case() with ${call.args.length} arguments`, call.node);
    const pairs: [Scalar, Scalar][] = [];
    for (let i = 0; i + 1 < call.args.length; i += 2) pairs.push([call.args[i]!.fn, coerce(call.args[i + 1]!, call.type)]);
    const otherwise = coerce(call.args.at(-1)!, call.type);
    return (row) => {
      for (const [when, then] of pairs) if (when(row) === true) return then(row);
      return otherwise(row);
    };
  },
  coalesce: (call) => {
    const args = call.args.map((a) => coerce(a, call.type));
    // "Evaluates a list of expressions and returns the first non-null (or non-empty for string) expression."
    const empty = call.type === 'string' ? '' : null;
    return (row) => {
      for (const a of args) {
        const v = a(row);
        if (v !== null && v !== empty) return v;
      }
      return empty;
    };
  },
  isnull: (call) => {
    arity(call, 1);
    const a = call.args[0]!.fn;
    // Strings are never null: isnull("") is false. https://learn.microsoft.com/kusto/query/isnull-function
    return (row) => a(row) === null;
  },
  isnotnull: (call) => {
    arity(call, 1);
    const a = call.args[0]!.fn;
    return (row) => a(row) !== null;
  },
  isempty: (call) => {
    arity(call, 1);
    const { fn, type } = call.args[0]!;
    // "true if the argument is an empty string or is null" (parse_json("") is empty, [] and {} are not).
    return (row) => {
      const v = fn(row);
      return v === null || (typeof v === 'string' && v === '' && (type === 'string' || type === 'dynamic'));
    };
  },
  isnotempty: (call) => {
    const isEmpty = SCALAR_FUNCTIONS.isempty!(call);
    return (row) => !isEmpty(row);
  },

  /* conversions */
  tostring: (call) => (arity(call, 1), str(call.args[0]!)),
  toint: conversion('int'),
  tolong: conversion('long'),
  todouble: conversion('real'),
  toreal: conversion('real'),
  todecimal: conversion('decimal'),
  tobool: conversion('bool'),
  toboolean: conversion('bool'),
  todatetime: conversion('datetime'),
  totimespan: conversion('timespan'),
  totime: conversion('timespan'),
  toguid: conversion('guid'),
  todynamic: (call) => parseJsonFunction(call),
  parse_json: (call) => parseJsonFunction(call),
  parsejson: (call) => parseJsonFunction(call),
  gettype: (call) => {
    arity(call, 1);
    const { fn, type } = call.args[0]!;
    return (row) => {
      const v = fn(row);
      if (type !== 'dynamic') return v === null ? 'null' : type === 'real' ? 'real' : type;
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'array';
      if (typeof v === 'object') return 'dictionary';
      if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
      return typeof v === 'boolean' ? 'bool' : 'string';
    };
  },

  /* strings */
  tolower: unaryString((s) => s.toLowerCase()),
  toupper: unaryString((s) => s.toUpperCase()),
  strlen: unaryString((s) => [...s].length),
  string_size: unaryString((s) => Buffer.byteLength(s, 'utf8')),
  reverse: unaryString((s) => [...s].reverse().join('')),
  url_decode: unaryString((s) => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return ''; } }),
  url_encode: unaryString((s) => encodeURIComponent(s)),
  url_encode_component: unaryString((s) => encodeURIComponent(s)),
  base64_encode_tostring: unaryString((s) => Buffer.from(s, 'utf8').toString('base64')),
  base64_decode_tostring: unaryString((s) => Buffer.from(s, 'base64').toString('utf8')),
  hash_sha256: hashWith('sha256'),
  hash_sha1: hashWith('sha1'),
  hash_md5: hashWith('md5'),
  strcat: (call) => {
    const parts = call.args.map(str);
    return (row) => {
      let s = '';
      for (const p of parts) s += p(row);
      return s;
    };
  },
  strcat_delim: (call) => {
    if (call.args.length < 3) throw unsupported(`strcat_delim() with ${call.args.length} arguments`, call.node);
    const [delim, ...parts] = call.args.map(str);
    return (row) => parts.map((p) => p(row)).join(delim!(row));
  },
  strcat_array: (call) => {
    arity(call, 2);
    const [a, d] = [dyn(call.args[0]!), str(call.args[1]!)];
    return (row) => {
      const arr = arrayOf(a(row));
      return arr ? arr.map((v) => toKqlString(v, 'dynamic')).join(d(row)) : '';
    };
  },
  substring: (call) => {
    arity(call, 2, 3);
    const s = str(call.args[0]!);
    const start = num(call.args[1]!);
    const length = call.args[2] ? num(call.args[2]) : undefined;
    // "If a negative number, the substring will be retrieved from the end of the source string."
    return (row) => {
      const chars = [...s(row)];
      const st = start(row) as number | null;
      if (st === null) return '';
      const from = st < 0 ? Math.max(0, chars.length + Math.trunc(st)) : Math.trunc(st);
      const len = length ? (length(row) as number | null) : null;
      return chars.slice(from, len === null ? undefined : from + Math.max(0, Math.trunc(len))).join('');
    };
  },
  split: (call) => {
    arity(call, 2, 3);
    const [s, d] = [str(call.args[0]!), str(call.args[1]!)];
    const index = call.args[2] ? num(call.args[2]) : undefined;
    return (row) => {
      const parts = s(row).split(d(row));
      if (!index) return parts;
      const i = index(row) as number | null;
      // "If index is provided, the result is an array holding the substring at that index, or an empty array."
      return i === null || i < 0 || i >= parts.length ? [] : [parts[i]!];
    };
  },
  trim: (call) => trimWith(call, true, true),
  trim_start: (call) => trimWith(call, true, false),
  trim_end: (call) => trimWith(call, false, true),
  replace_string: (call) => {
    arity(call, 3);
    const [s, lookup, rewrite] = call.args.map(str) as [(r: unknown[]) => string, (r: unknown[]) => string, (r: unknown[]) => string];
    return (row) => {
      const l = lookup(row);
      return l === '' ? s(row) : s(row).split(l).join(rewrite(row));
    };
  },
  replace: (call) => SCALAR_FUNCTIONS.replace_regex!({ ...call, args: [call.args[2]!, call.args[0]!, call.args[1]!], argNodes: [call.argNodes[2]!, call.argNodes[0]!, call.argNodes[1]!] }),
  replace_regex: (call) => {
    arity(call, 3);
    const re = globalRegex(regexArg(call, 1));
    const rewrite = replacer(String(constant(call, 2, 'rewrite pattern')));
    const s = str(call.args[0]!);
    return (row) => {
      const text = s(row);
      let out = '';
      let last = 0;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        out += text.slice(last, m.index) + rewrite(m);
        last = m.index + m[0].length;
        if (m[0] === '') re.lastIndex++;
      }
      return out + text.slice(last);
    };
  },
  extract: (call) => {
    arity(call, 3, 4);
    const re = regexArg(call, 0);
    const group = Number(constant(call, 1, 'capture group'));
    const s = str(call.args[2]!);
    const to = call.args[3] ? typeOfTypeArgument(call, 3) : 'string';
    return (row) => {
      const m = re.exec(s(row));
      const text = m?.[group];
      // "If there's no match, or the type conversion fails: null" (an empty string for string).
      return text === undefined ? (to === 'string' ? '' : null) : convert(text, 'string', to);
    };
  },
  extract_all: (call) => {
    arity(call, 2, 3);
    const re = globalRegex(regexArg(call, 0));
    const groups = call.args.length === 3 ? (constant(call, 1, 'capture groups') as Dynamic[]) : undefined;
    const s = str(call.args[call.args.length - 1]!);
    return (row) => {
      const matches = [...s(row).matchAll(re)];
      if (!matches.length) return null;
      return matches.map((m) => {
        if (groups) return groups.map((g) => (typeof g === 'number' ? m[g] ?? '' : m.groups?.[String(g)] ?? ''));
        return m.length > 2 ? m.slice(1).map((x) => x ?? '') : m[m.length > 1 ? 1 : 0] ?? '';
      });
    };
  },
  indexof: (call) => {
    arity(call, 2, 5);
    const [s, lookup] = [str(call.args[0]!), str(call.args[1]!)];
    const start = call.args[2] ? num(call.args[2]) : () => 0;
    const length = call.args[3] ? num(call.args[3]) : () => -1;
    const occurrence = call.args[4] ? num(call.args[4]) : () => 1;
    // A negative start counts from the end; length -1 is unlimited; the n-th occurrence, or -1.
    // The page's examples (idx3 = -1 for start 1, length 2; idx8 = 9 for start 1, length 10) both
    // hold when a match may end at start + length inclusive.
    // https://learn.microsoft.com/kusto/query/indexof-function
    return (row) => {
      const text = s(row);
      const [st, len, nth] = [start(row), length(row), occurrence(row)] as [number | null, number | null, number | null];
      if (st === null || len === null || nth === null || len < -1 || nth <= 0) return null;
      const from = st < 0 ? Math.max(0, text.length + st) : st;
      if (from > text.length) return null;
      const end = len < 0 ? text.length : Math.min(text.length, from + len + 1);
      const window = text.slice(0, end);
      const needle = lookup(row);
      let at = from - 1;
      for (let k = 0; k < nth; k++) {
        at = window.indexOf(needle, at + 1);
        if (at < 0) return -1;
      }
      return at;
    };
  },
  translate: (call) => {
    arity(call, 3);
    const [search, replacement, source] = call.args.map(str) as [(r: unknown[]) => string, (r: unknown[]) => string, (r: unknown[]) => string];
    // translate("abc", "x", "abc") is "xxx"; translate("abc", "", "ab") is "".
    return (row) => {
      const [from, to] = [[...search(row)], [...replacement(row)]];
      return [...source(row)].map((c) => {
        const i = from.indexOf(c);
        if (i < 0) return c;
        return to.length === 0 ? '' : to[Math.min(i, to.length - 1)]!;
      }).join('');
    };
  },
  parse_url: (call) => parseUrlFunction(call),
  parseurl: (call) => parseUrlFunction(call),
  countof: (call) => {
    arity(call, 2, 3);
    const kind = call.args[2] ? String(constant(call, 2, 'kind')) : 'normal';
    const [s, search] = [str(call.args[0]!), str(call.args[1]!)];
    if (kind === 'regex') {
      const re = globalRegex(regexArg(call, 1));
      return (row) => [...s(row).matchAll(re)].length;
    }
    return (row) => {
      const [text, needle] = [s(row), search(row)];
      if (needle === '') return 0;
      let n = 0;
      for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
      return n;
    };
  },

  /* dynamic */
  array_length: (call) => (arity(call, 1), map1(dyn(call.args[0]!), (v: Dynamic) => (Array.isArray(v) ? v.length : null))),
  bag_keys: (call) => (arity(call, 1), map1(dyn(call.args[0]!), (v: Dynamic) => (isBag(v) ? Object.keys(v) : null))),
  bag_has_key: (call) => (arity(call, 2), map2(dyn(call.args[0]!), str(call.args[1]!), (v: Dynamic, k: string) => (isBag(v) ? Object.hasOwn(v, k) : null))),
  array_index_of: (call) => {
    arity(call, 2, 5);
    const [a, x] = [dyn(call.args[0]!), dyn(call.args[1]!)];
    const start = call.args[2] ? num(call.args[2]) : () => 0;
    const length = call.args[3] ? num(call.args[3]) : () => -1;
    const occurrence = call.args[4] ? num(call.args[4]) : () => 1;
    // A negative start counts from the end; length -1 is unlimited; the n-th occurrence, or -1.
    // https://learn.microsoft.com/kusto/query/array-index-of-function
    return (row) => {
      const arr = arrayOf(a(row));
      const [st, len, nth] = [start(row), length(row), occurrence(row)] as [number | null, number | null, number | null];
      if (!arr || st === null || len === null || nth === null || nth <= 0) return null;
      const from = st < 0 ? Math.max(0, arr.length + st) : st;
      const end = len < 0 ? arr.length : Math.min(arr.length, from + len);
      const v = x(row);
      let seen = 0;
      for (let i = from; i < end; i++) if (dynamicEquals(arr[i]!, v) && ++seen === nth) return i;
      return -1;
    };
  },
  set_has_element: (call) => {
    arity(call, 2);
    const [a, x] = [dyn(call.args[0]!), dyn(call.args[1]!)];
    return (row) => {
      const arr = arrayOf(a(row));
      if (!arr) return null;
      const v = x(row);
      return arr.some((e) => dynamicEquals(e, v));
    };
  },
  pack_array: (call) => {
    const parts = call.args.map(dyn);
    return (row) => parts.map((p) => p(row));
  },
  pack: (call) => packBag(call),
  bag_pack: (call) => packBag(call),
  array_concat: (call) => {
    const parts = call.args.map(dyn);
    return (row) => {
      const out: Dynamic[] = [];
      for (const p of parts) {
        const v = p(row);
        if (!Array.isArray(v)) return null;
        out.push(...v);
      }
      return out;
    };
  },
  array_slice: (call) => {
    arity(call, 3);
    const [a, start, end] = [dyn(call.args[0]!), num(call.args[1]!), num(call.args[2]!)];
    return (row) => {
      const arr = arrayOf(a(row));
      const [s, e] = [start(row), end(row)] as [number | null, number | null];
      if (!arr || s === null || e === null) return null;
      // Negative indexes count from the end; the end index is inclusive.
      const from = s < 0 ? Math.max(0, arr.length + s) : s;
      const to = e < 0 ? arr.length + e : e;
      return arr.slice(from, to + 1);
    };
  },
  array_sort_asc: (call) => sortFunction(call, false),
  array_sort_desc: (call) => sortFunction(call, true),
  array_reverse: (call) => (arity(call, 1), map1(dyn(call.args[0]!), (v: Dynamic) => (Array.isArray(v) ? [...v].reverse() : null))),
  array_sum: (call) => (arity(call, 1), map1(dyn(call.args[0]!), (v: Dynamic) => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]).reduce((s, x) => s + x, 0) : null))),
  set_union: (call) => setOperation(call, (sets) => unique(sets.flat())),
  set_intersect: (call) => setOperation(call, (sets) => unique(sets[0]!).filter((v) => sets.every((s) => s.some((x) => dynamicEquals(x, v))))),
  set_difference: (call) => setOperation(call, (sets) => unique(sets[0]!).filter((v) => !sets.slice(1).some((s) => s.some((x) => dynamicEquals(x, v))))),
  extract_json: (call) => extractJson(call),
  extractjson: (call) => extractJson(call),
  dynamic_to_json: (call) => (arity(call, 1), map1(dyn(call.args[0]!), (v: Dynamic) => JSON.stringify(v))),

  /* IPv4 */
  ipv4_is_in_range: (call) => {
    arity(call, 2);
    const [ip, range] = [str(call.args[0]!), call.args[1]!];
    if (range.type === 'dynamic') {
      const ranges = dyn(range);
      return (row) => {
        const list = arrayOf(ranges(row));
        if (!list) return null;
        const address = ip(row);
        return list.some((r) => ipv4InRange(address, String(r)) === true);
      };
    }
    const r = str(range);
    return (row) => ipv4InRange(ip(row), r(row));
  },
  ipv4_is_in_any_range: (call) => {
    if (call.args.length < 2) throw unsupported('ipv4_is_in_any_range() with one argument', call.node);
    const ip = str(call.args[0]!);
    const ranges = call.args.slice(1).map(dyn);
    return (row) => {
      const address = ip(row);
      if (!parseIpv4(address)) return null;
      const list = ranges.flatMap((r) => { const v = r(row); return Array.isArray(v) ? v : [v]; });
      return list.some((r) => ipv4InRange(address, String(r)) === true);
    };
  },
  ipv4_is_private: (call) => (arity(call, 1), ((a) => (row: unknown[]) => ipv4IsPrivate(a(row)))(str(call.args[0]!))),
  ipv4_compare: (call) => {
    arity(call, 2, 3);
    const [a, b] = [str(call.args[0]!), str(call.args[1]!)];
    const mask = call.args[2] ? num(call.args[2]) : () => 32;
    return (row) => {
      const m = mask(row) as number | null;
      return m === null ? null : compareIpv4(a(row), b(row), m);
    };
  },
  ipv4_is_match: (call) => {
    const compare = SCALAR_FUNCTIONS.ipv4_compare!(call);
    return (row) => {
      const c = compare(row);
      return c === null ? null : c === 0;
    };
  },
  parse_ipv4: (call) => (arity(call, 1), ((a) => (row: unknown[]) => ipv4ToLong(a(row)))(str(call.args[0]!))),
  parse_ipv4_mask: (call) => {
    arity(call, 2);
    const [a, m] = [str(call.args[0]!), num(call.args[1]!)];
    return (row) => {
      const mask = m(row) as number | null;
      return mask === null ? null : ipv4ToLong(`${a(row).replace(/\/\d+$/, '')}/${mask}`);
    };
  },
};

/**
 * parse_url: Scheme, Host, Port, Path, Username, Password, Query Parameters (a bag), Fragment, as
 * the page's example shows them (the path without its leading slash; absent parts empty).
 * https://learn.microsoft.com/kusto/query/parse-url-function
 */
function parseUrlFunction(call: Call): Scalar {
  arity(call, 1);
  const s = str(call.args[0]!);
  const re = /^([A-Za-z][\w+.-]*):\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?([^:/?#]*)(?::(\d*))?(?:\/([^?#]*))?(?:\?([^#]*))?(?:#(.*))?$/;
  return (row) => {
    const m = re.exec(s(row));
    if (!m) return {};
    const query: Record<string, Dynamic> = {};
    for (const pair of (m[7] ?? '').split('&').filter(Boolean)) {
      const at = pair.indexOf('=');
      query[at < 0 ? pair : pair.slice(0, at)] = at < 0 ? '' : pair.slice(at + 1);
    }
    return { Scheme: m[1]!, Host: m[4] ?? '', Port: m[5] ?? '', Path: m[6] ?? '', Username: m[2] ?? '', Password: m[3] ?? '', 'Query Parameters': query, Fragment: m[8] ?? '' };
  };
}

function extremeOf(call: Call, sign: 1 | -1): Scalar {
  const args = call.args.map((a) => coerce(a, call.type));
  // "Returns the maximum value of all argument expressions"; null arguments are ignored.
  return (row) => {
    let best: unknown = null;
    for (const a of args) {
      const v = a(row);
      if (v !== null && (best === null || sign * compareValues(v, best) > 0)) best = v;
    }
    return best;
  };
}

/** iff(condition, then, else): a null condition takes the else branch. */
function conditional(call: Call): Scalar {
  arity(call, 3);
  const [when, then, otherwise] = [call.args[0]!.fn, coerce(call.args[1]!, call.type), coerce(call.args[2]!, call.type)];
  return (row) => (when(row) === true ? then(row) : otherwise(row));
}

/** An argument converted to the call's result type (int branches of a real iff(), …). */
function coerce(c: Compiled, to: KqlType): Scalar {
  if (c.type === to || (to === 'dynamic' && c.type !== 'datetime' && c.type !== 'timespan')) return c.fn;
  const { fn, type } = c;
  return (row) => convert(fn(row), type, to);
}

function trimWith(call: Call, start: boolean, end: boolean): Scalar {
  arity(call, 2);
  const re = regexArg(call, 0);
  const s = str(call.args[1]!);
  const leading = new RegExp(`^(?:${re.source})+`, re.flags);
  const trailing = new RegExp(`(?:${re.source})+$`, re.flags);
  return (row) => {
    let text = s(row);
    if (start) text = text.replace(leading, '');
    if (end) text = text.replace(trailing, '');
    return text;
  };
}

function parseJsonFunction(call: Call): Scalar {
  arity(call, 1);
  const { fn, type } = call.args[0]!;
  if (type === 'dynamic') return fn;
  if (type !== 'string') return (row) => toDynamic(fn(row), type);
  return (row) => {
    const s = fn(row) as string;
    return s === '' ? null : parseJson(s);
  };
}

function packBag(call: Call): Scalar {
  if (call.args.length % 2) throw unsupported(`${call.name}() with an odd number of arguments`, call.node);
  const pairs: [(r: unknown[]) => string, (r: unknown[]) => Dynamic][] = [];
  for (let i = 0; i < call.args.length; i += 2) pairs.push([str(call.args[i]!), dyn(call.args[i + 1]!)]);
  return (row) => {
    const bag: Record<string, Dynamic> = {};
    for (const [k, v] of pairs) bag[k(row)] = v(row);
    return bag;
  };
}

function sortFunction(call: Call, descending: boolean): Scalar {
  if (call.args.length !== 1 && !(call.args.length === 2 && call.args[1]!.type === 'bool')) {
    throw unsupported(`${call.name}() with ${call.args.length} arguments`, call.node);
  }
  const a = dyn(call.args[0]!);
  const nullsLast = call.args[1] ? (constant(call, 1, 'nulls_last flag') as boolean) : true;
  return (row) => {
    const arr = arrayOf(a(row));
    return arr ? sortArray(arr, descending, nullsLast) : null;
  };
}

function unique(values: Dynamic[]): Dynamic[] {
  const seen = new Set<unknown>();
  return values.filter((v) => {
    const k = valueKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function setOperation(call: Call, combine: (sets: Dynamic[][]) => Dynamic[]): Scalar {
  if (call.args.length < 2) throw unsupported(`${call.name}() with ${call.args.length} arguments`, call.node);
  const parts = call.args.map(dyn);
  return (row) => {
    const sets: Dynamic[][] = [];
    for (const p of parts) {
      const v = p(row);
      if (!Array.isArray(v)) return null;
      sets.push(v);
    }
    return combine(sets);
  };
}

function typeOfTypeArgument(call: Call, i: number): KqlType {
  const node = call.argNodes[i]!;
  const name = node.text.replace(/^typeof\(\s*|\s*\)$/g, '').toLowerCase();
  const to = ({ string: 'string', int: 'int', long: 'long', real: 'real', double: 'real', bool: 'bool', boolean: 'bool', datetime: 'datetime', date: 'datetime', timespan: 'timespan', time: 'timespan', guid: 'guid', dynamic: 'dynamic', decimal: 'decimal' } as Record<string, KqlType>)[name];
  if (!to) throw unsupported(`${call.name}() type ${node.text}`, node);
  return to;
}

function extractJson(call: Call): Scalar {
  arity(call, 2, 3);
  const path = jsonPath(call, 0);
  const to = call.args[2] ? typeOfTypeArgument(call, 2) : 'string';
  const source = call.args[1]!;
  const read = source.type === 'dynamic' ? dyn(source) : ((s) => (row: unknown[]) => parseJson(s(row)))(str(source));
  return (row) => {
    let v: Dynamic = read(row);
    if (typeof v === 'string' && source.type === 'dynamic') v = parseJson(v);
    for (const step of path) v = dynamicGet(v, step);
    return to === 'string' ? toKqlString(v, 'dynamic') : convert(v, 'dynamic', to);
  };
}
