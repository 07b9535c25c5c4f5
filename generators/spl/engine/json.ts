// JSON as Splunk reads it: KV_MODE=json and `spath` flatten nested objects with dots and
// arrays with `{}` (`status.errorCode`, `authenticationDetails{}.succeeded`), every array
// element adding a value to a multivalue field. Scalars keep their text: true/false/null
// become "true"/"false"/"null", and a number keeps the digits it was written with.
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/spath
import type { Scalar } from './values.ts';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A number token of a JSON text (from its first character). */
const NUMBER_TOKEN = /-?\d[\d.eE+-]*/y;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

/**
 * Whether a number of the text (not a string's content: an IP address is no number) would change
 * its text as a JavaScript number (`1.0`, `1e3`, `-0`, 17+ digits): the numbers the
 * text-preserving parser keeps as text. Strings are skipped quote to quote (indexOf), so a line
 * of sign-in JSON costs a few dozen calls, not a regex match per string.
 */
export function hasLossyNumber(text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && escaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return false; // not JSON: no parser takes it
      i = end + 1;
    } else if (c === MINUS || (c >= 0x30 && c <= 0x39)) {
      NUMBER_TOKEN.lastIndex = i;
      const token = NUMBER_TOKEN.exec(text)?.[0];
      if (token === undefined) i++;
      else if (String(Number(token)) !== token) return true;
      else i += token.length;
    } else i++;
  }
  return false;
}

/** Whether the character at `at` follows an odd run of backslashes. */
function escaped(text: string, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && text.charCodeAt(k) === BACKSLASH) k--;
  return (at - 1 - k) % 2 === 1;
}

/** JSON.parse, keeping the text of numbers JavaScript cannot hold exactly; undefined if not JSON. */
export function parseJson(text: string): Json | undefined {
  try {
    return hasLossyNumber(text) ? new TextPreservingParser(text).parse() : (JSON.parse(text) as Json);
  } catch {
    return undefined;
  }
}

/** Appends the flattened fields of `value` under `prefix` to `into`. */
export function flattenJson(value: Json, prefix: string, into: Map<string, Scalar[]>): void {
  if (value === null) return add(into, prefix, 'null');
  switch (typeof value) {
    case 'string':
    case 'number':
      return add(into, prefix, value);
    case 'boolean':
      return add(into, prefix, value ? 'true' : 'false');
    case 'object':
      if (Array.isArray(value)) {
        for (const item of value) flattenJson(item, `${prefix}{}`, into);
      } else {
        // for…in: no [key, value] array a key, as Object.entries makes (own keys only, as it gives).
        for (const key in value) if (Object.hasOwn(value, key)) flattenJson(value[key]!, prefix === '' ? key : `${prefix}.${key}`, into);
      }
  }
}

function add(into: Map<string, Scalar[]>, name: string, v: Scalar): void {
  if (name === '') return;
  const list = into.get(name);
  if (list) list.push(v);
  else into.set(name, [v]);
}

/** A JSON value as one field value: scalars as Splunk writes them, objects and arrays as JSON text. */
export function scalarText(v: Json): Scalar {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

class TextPreservingParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Json {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) throw new Error('trailing text');
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  private value(): Json {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') {
      this.i++;
      const obj: { [key: string]: Json } = {};
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return obj;
      }
      for (;;) {
        this.ws();
        const key = this.string();
        this.ws();
        if (this.s[this.i++] !== ':') throw new Error('expected :');
        obj[key] = this.value();
        this.ws();
        const sep = this.s[this.i++];
        if (sep === '}') return obj;
        if (sep !== ',') throw new Error('expected ,');
      }
    }
    if (c === '[') {
      this.i++;
      const arr: Json[] = [];
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return arr;
      }
      for (;;) {
        arr.push(this.value());
        this.ws();
        const sep = this.s[this.i++];
        if (sep === ']') return arr;
        if (sep !== ',') throw new Error('expected ,');
      }
    }
    if (c === '"') return this.string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const num = m.exec(this.s);
    if (!num) throw new Error('unexpected token');
    this.i += num[0].length;
    const n = Number(num[0]);
    return String(n) === num[0] ? n : num[0];
  }

  private string(): string {
    if (this.s[this.i] !== '"') throw new Error('expected string');
    const m = /"(?:[^"\\]|\\.)*"/y;
    m.lastIndex = this.i;
    const lit = m.exec(this.s);
    if (!lit) throw new Error('unterminated string');
    this.i += lit[0].length;
    return JSON.parse(lit[0]) as string;
  }
}

/**
 * The JSON values at a dotted path (`a.b`, `a.b{}.c`; `{}` spreads an array into its values), as
 * spath and json_extract read it; undefined for a step this engine does not read (array indexes).
 */
export function jsonPathValues(root: Json, path: string): Json[] | undefined {
  let current: Json[] = [root];
  if (path === '') return current;
  for (const step of path.split('.')) {
    const m = /^([^{}]*)((?:\{\})*)$/.exec(step);
    if (!m) return undefined;
    const next: Json[] = [];
    for (const node of current) {
      if (m[1] === '') next.push(node);
      else if (node !== null && typeof node === 'object' && !Array.isArray(node) && m[1]! in node) next.push(node[m[1]!]!);
    }
    current = next;
    for (let k = 0; k < m[2]!.length / 2; k++) current = current.flatMap((n) => (Array.isArray(n) ? n : []));
  }
  return current;
}
