// Canonical fixture events: JSON Lines (or inline in the rule), one event per line, keys are
// the log source's canonical fields. Times become epoch milliseconds for the evaluators.
import { readFileSync, statSync } from 'node:fs';
import { error, type Diagnostic } from '../diagnostics.ts';
import type { LogSource } from '../logsources/types.ts';

/** A `namevalue` field's value: entry name → value (names unique regardless of case). */
export type NameValues = Readonly<Record<string, string>>;
export type CanonicalValue = string | number | boolean | null | NameValues;
/** A canonical event; `datetime` fields hold epoch milliseconds. */
export type CanonicalEvent = Readonly<Record<string, CanonicalValue>>;

export const MAX_FIXTURE_BYTES = 64 * 1024 * 1024;

export function loadFixtureFile(path: string, file: string, logsource: LogSource): { events: CanonicalEvent[]; diagnostics: Diagnostic[] } {
  try {
    if (statSync(path).size > MAX_FIXTURE_BYTES) return { events: [], diagnostics: [error({ file, line: 0, col: 0 }, 'fixture file is larger than 64 MiB')] };
  } catch {
    return { events: [], diagnostics: [error({ file, line: 0, col: 0 }, 'fixture file not found')] };
  }
  const events: CanonicalEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((text, index) => {
    if (text.trim() === '') return;
    const at = { file, line: index + 1, col: 1 };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      diagnostics.push(error({ ...at, col: m ? Number(m[1]) + 1 : 1 }, `not a JSON object: ${(e as Error).message}`));
      return;
    }
    const checked = checkEvent(value, logsource, (message) => diagnostics.push(error(at, message)));
    if (checked) events.push(checked);
  });
  return { events, diagnostics };
}

/** Type-check one canonical event; report each problem through `report`. */
export function checkEvent(value: unknown, logsource: LogSource, report: (message: string) => void): CanonicalEvent | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return void report('each event must be a JSON object');
  const event: Record<string, CanonicalValue> = {};
  let ok = true;
  for (const [key, v] of Object.entries(value)) {
    const field = logsource.fields.get(key);
    if (!field) {
      ok = false;
      report(`unknown field '${key}' for log source ${logsource.name}`);
      continue;
    }
    if (v === null) {
      event[key] = null;
      continue;
    }
    const bad = (what: string) => ((ok = false), report(`'${key}' is ${field.type}: ${what}, not ${JSON.stringify(v)}`));
    switch (field.type) {
      case 'datetime': {
        const ms = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : NaN;
        if (Number.isNaN(ms)) bad('an ISO 8601 time with a zone such as 2026-07-01T09:00:00Z');
        else event[key] = ms;
        break;
      }
      case 'int':
        if (typeof v === 'number' && Number.isInteger(v)) event[key] = v;
        else bad('a whole number');
        break;
      case 'real':
        if (typeof v === 'number') event[key] = v;
        else bad('a number');
        break;
      case 'bool':
        if (typeof v === 'boolean') event[key] = v;
        else bad('true or false');
        break;
      case 'string':
      case 'ip':
        if (typeof v === 'string') event[key] = v;
        else bad('a string');
        break;
      case 'namevalue': {
        const entries = nameValues(v);
        if (typeof entries === 'string') bad(entries);
        else event[key] = entries;
        break;
      }
    }
  }
  for (const field of logsource.fields.values()) {
    if (ok && field.required && (event[field.name] ?? null) === null) {
      ok = false;
      report(`every ${logsource.name} event has '${field.name}' (the log source marks it required)`);
    }
  }
  return ok ? event : undefined;
}

/**
 * A `namevalue` value as canonical events write it — an object {"PopEnabled": "True", …} — or
 * as the audit record holds it: an array of {Name, Value} objects, or that array as JSON text
 * (what exports of Sentinel's OfficeActivity.Parameters give). Values are strings; names are
 * unique regardless of case (PowerShell parameter names are case-insensitive). A string result
 * is what is wrong with it.
 */
export function nameValues(v: unknown): NameValues | string {
  let value = v;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return 'an object of names and string values such as {"PopEnabled": "True"}';
    }
  }
  let entries: [string, unknown][];
  if (Array.isArray(value)) {
    entries = [];
    for (const item of value) {
      if (item === null || typeof item !== 'object' || Array.isArray(item) || typeof (item as { Name?: unknown }).Name !== 'string') return 'a list of {"Name": …, "Value": …} objects';
      entries.push([(item as { Name: string }).Name, (item as { Value?: unknown }).Value]);
    }
  } else if (value !== null && typeof value === 'object') entries = Object.entries(value);
  else return 'an object of names and string values such as {"PopEnabled": "True"}';
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, val] of entries) {
    if (name === '') return 'entry names are not empty';
    if (typeof val !== 'string') return `the value of '${name}' must be a string`;
    if (seen.has(name.toLowerCase())) return `'${name}' appears twice (names are case-insensitive)`;
    seen.add(name.toLowerCase());
    out[name] = val;
  }
  return out;
}
