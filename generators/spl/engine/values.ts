// The values a search holds, and the comparisons Splunk applies to them.
//
// A field value is a string or a number (Splunk keeps text; we keep the numbers events and
// eval give us, and read numeric-looking text as a number wherever Splunk does), or a
// multivalue: an array of two or more of those. A row is a Map from field name to value; a
// key mapped to null is a column the row has no value in (table, stats), which Splunk shows
// as an empty cell. Eval expressions add booleans, which a field can never hold.

export type Scalar = string | number;
/** Two or more values (one value is a scalar, none is null). */
export type Multi = readonly Scalar[];
export type FieldValue = Scalar | Multi;
/** What an eval expression computes. */
export type Value = Scalar | boolean | Multi | null;

/** What expressions read: a Map, or an overlay of one (mvfilter, mvmap). */
export interface ReadRow {
  get(name: string): FieldValue | null | undefined;
}
export type Row = Map<string, FieldValue | null>;

/** A field's values as a list: [] when missing. */
export function valuesOf(v: FieldValue | null | undefined): readonly Scalar[] {
  if (v === null || v === undefined) return EMPTY;
  return typeof v === 'object' ? v : [v];
}
const EMPTY: readonly Scalar[] = [];

/** A list of values as a field value: null when empty, a scalar when one. */
export function fromValues(values: readonly Scalar[]): FieldValue | null {
  if (values.length === 0) return null;
  if (values.length === 1) return values[0]!;
  return values;
}

export const isMulti = (v: Value | undefined): v is Multi => typeof v === 'object' && v !== null;

// A number as Splunk reads one from text: optional sign, digits with an optional fraction,
// an optional exponent; no surrounding space, no hex (tonumber(x, 16) does hex).
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a value stands for, or undefined for text that is not a number. */
export function numberOf(v: Scalar | boolean): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return undefined;
  if (v.length === 0 || v.length > 40) return undefined;
  const c = v.charCodeAt(0);
  // Fast reject: must start with a digit, sign or dot.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return undefined;
  return NUMERIC.test(v) ? Number(v) : undefined;
}

/** A number as text: integers without a fraction, others with JavaScript's shortest round-trip form. */
export function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '0';
  // String() of a safe integer is its digits, as toFixed(0) is, and V8 caches it per number (a
  // stats BY _time reads the text of every event's time); past 2^53 the two can differ.
  if (Number.isSafeInteger(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

export function textOf(v: Scalar | boolean): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  return v ? 'true' : 'false';
}

/** Orders strings by Unicode code point (UTF-8 byte order), as Splunk's lexicographic order does. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (code points above U+FFFF) sort after every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Splunk's "auto" order (sort, stats group order): numbers numerically and before text; text
 * lexicographically.
 */
export function compareAuto(a: Scalar, b: Scalar): number {
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareText(textOf(a), textOf(b));
}

/** Text comparison of two values' string forms. */
export const compareAsText = (a: Scalar, b: Scalar): number => compareText(textOf(a), textOf(b));

// ---------------------------------------------------------------------------------------------
// Wildcards

const escapeRegex = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** `*`-wildcard pattern → matcher over whole values. */
export function wildcardMatcher(pattern: string, caseInsensitive: boolean): (s: string) => boolean {
  if (!pattern.includes('*')) {
    if (!caseInsensitive) return (s) => s === pattern;
    const want = pattern.toLowerCase();
    return (s) => s.length === want.length && (s === pattern || s.toLowerCase() === want);
  }
  if (/^\*+$/.test(pattern)) return () => true;
  const parts = pattern.split('*');
  // prefix*, *suffix, *infix* fast paths.
  if (parts.length === 2 || (parts.length === 3 && parts[0] === '' && parts[2] === '')) {
    const norm = caseInsensitive ? (s: string) => s.toLowerCase() : (s: string) => s;
    if (parts.length === 3) {
      const infix = norm(parts[1]!);
      return (s) => norm(s).includes(infix);
    }
    const [prefix, suffix] = [norm(parts[0]!), norm(parts[1]!)];
    return (s) => {
      const t = norm(s);
      return t.length >= prefix.length + suffix.length && t.startsWith(prefix) && t.endsWith(suffix);
    };
  }
  const re = new RegExp(`^${parts.map(escapeRegex).join('[\\s\\S]*')}$`, caseInsensitive ? 'i' : '');
  return (s) => re.test(s);
}

/** A field-name pattern (`Processes.*`, `*_count`) → regex with one capture per `*`. */
export function fieldPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRegex).join('(.*)')}$`);
}

// ---------------------------------------------------------------------------------------------
// IP addresses and CIDR

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

export function parseIpv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  // An embedded IPv4 tail.
  const v4 = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(s);
  if (v4) {
    const n = parseIpv4(v4[1]!);
    if (n === undefined) return undefined;
    s = `${s.slice(0, -v4[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => '0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export type CidrTest = (ip: string) => boolean;

/** `10.0.0.0/8` or `2001:db8::/32` → test; undefined when `cidr` is not CIDR notation. */
export function cidrTest(cidr: string): CidrTest | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const base = cidr.slice(0, slash);
  const bitsText = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const v4 = parseIpv4(base);
  if (v4 !== undefined) {
    if (bits > 32) return undefined;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    const network = (v4 & mask) >>> 0;
    return (ip) => {
      const n = parseIpv4(ip);
      return n !== undefined && ((n & mask) >>> 0) === network;
    };
  }
  const v6 = parseIpv6(base);
  if (v6 === undefined || bits > 128) return undefined;
  const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
  const network = v6 & mask;
  return (ip) => {
    const n = parseIpv6(ip);
    return n !== undefined && (n & mask) === network;
  };
}
