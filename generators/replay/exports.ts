// Exported logs an analyst brings to `detc run`: JSON Lines, a JSON array, or CSV — in the
// shape of any profile of the rule's log source (Graph signIn objects as the Splunk add-on or
// a Graph export gives them, Defender advanced-hunting or Sentinel results with their column
// names, or canonical events), or of a download the log source declares under `exports` (the
// Entra admin center's sign-in log CSV). The shape is recognised from the column names; rows
// are read as a stream and mapped to canonical events through the log source.
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse';
import { error, type Diagnostic } from '../diagnostics.ts';
import type { CanonicalType, LogSource, LogSourceExport, LogSourceProfile, TargetName } from '../logsources/types.ts';
import { TARGETS } from '../logsources/types.ts';
import { checkEvent, type CanonicalEvent } from '../rules/fixtures.ts';
import { readLines } from './json-lines.ts';

export type ExportShape =
  | { readonly kind: 'canonical' }
  | { readonly kind: 'native'; readonly target: TargetName; readonly profile: LogSourceProfile }
  | { readonly kind: 'download'; readonly download: LogSourceExport };

/** The shape as `detc run` names it: "canonical events", "defender EntraIdSignInEvents", … */
export function describeShape(shape: ExportShape): string {
  switch (shape.kind) {
    case 'canonical': return 'canonical events';
    case 'native': return `${shape.target} ${shape.profile.name}`;
    case 'download': return `download ${shape.download.name}`;
  }
}

export interface ExportReadOptions {
  readonly skipBadLines: boolean;
  readonly report: (d: Diagnostic) => void;
}

const MAX_JSON_ARRAY_BYTES = 512 * 1024 * 1024;

/** One record of an export: the line it started on, and for JSON Lines its text as written. */
export interface ExportRecord {
  readonly line: number;
  readonly record: unknown;
  readonly problem?: string;
  readonly text?: string;
}

/** Raw records of an export file, in order, with the line each started on. */
export async function* readRecords(file: string): AsyncGenerator<ExportRecord> {
  if (/\.csv$/i.test(file)) {
    const parser = createReadStream(file).pipe(parseCsv({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: info.lines, record };
    }
    return;
  }
  if (firstCharacter(file) === '[') {
    if (statSync(file).size > MAX_JSON_ARRAY_BYTES) throw new Error('a JSON array export over 512 MiB: convert it to JSON Lines (one object per line) to stream it');
    const all = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
    for (let i = 0; i < all.length; i++) yield { line: i + 1, record: all[i] };
    return;
  }
  yield* readJsonLines(file);
}

/** Whether a file is JSON Lines: not CSV, and not a JSON array. */
export function isJsonLines(file: string): boolean {
  return !/\.csv$/i.test(file) && firstCharacter(file) !== '[';
}

/** The records of a JSON Lines file, read as they are pulled (blank lines skipped). */
export function* readJsonLines(file: string): Generator<ExportRecord> {
  for (const { line, text } of readLines(file)) {
    if (text.trim() === '') continue;
    try {
      yield { line, record: JSON.parse(text), text };
    } catch (e) {
      yield { line, record: undefined, problem: `not JSON: ${(e as Error).message}` };
    }
  }
}

/** The first non-blank character of a file, reading only its start. */
function firstCharacter(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, n).replace(/^\uFEFF/, '').trimStart().charAt(0);
  } finally {
    closeSync(fd);
  }
}

/** Which shape the first record has: canonical, or the native columns of one profile. */
export function recogniseShape(record: Record<string, unknown>, source: LogSource): ExportShape {
  const keys = new Set(Object.keys(record));
  const canonicalHits = [...source.fields.keys()].filter((f) => keys.has(f)).length;
  let best: { shape: ExportShape; hits: number } = { shape: { kind: 'canonical' }, hits: canonicalHits };
  for (const target of TARGETS) {
    for (const profile of source.targets[target].profiles.values()) {
      const hits = [...profile.fields.values()].filter((f) => keys.has(f.column) || keys.has(f.column.split('.')[0]!) || (f.column === '_time' && keys.has(profile.rawTimeField ?? ''))).length;
      if (hits > best.hits) best = { shape: { kind: 'native', target, profile }, hits };
    }
  }
  for (const download of source.exports.values()) {
    const hits = [...download.fields.values()].filter((column) => keys.has(column)).length;
    if (hits > best.hits) best = { shape: { kind: 'download', download }, hits };
  }
  return best.shape;
}

/** Reads `path` (a.b.c) in a record whose nested values may be objects or JSON text. */
function readPath(record: Record<string, unknown>, path: string): unknown {
  if (path in record) return record[path];
  let node: unknown = record;
  for (const part of path.split('.')) {
    if (typeof node === 'string' && node.startsWith('{')) {
      try { node = JSON.parse(node); } catch { return undefined; }
    }
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A native record → a canonical event (values coerced to the canonical types). */
export function toCanonicalEvent(record: Record<string, unknown>, shape: ExportShape, source: LogSource): Record<string, unknown> {
  if (shape.kind === 'canonical') return record;
  const event: Record<string, unknown> = {};
  if (shape.kind === 'download') {
    // A download's cells are text, read by their header; an empty cell is a missing value.
    for (const [field, column] of shape.download.fields) {
      const value = record[column];
      if (value !== undefined && value !== null && value !== '') event[field] = toCanonicalValue(value, source.fields.get(field)!.type);
    }
    return event;
  }
  for (const [field, native] of shape.profile.fields) {
    let value = native.column === '_time' ? readPath(record, shape.profile.rawTimeField ?? '_time') ?? readPath(record, '_time') : readPath(record, native.column);
    const type = source.fields.get(field)!.type;
    if (type === 'namevalue' && native.column.endsWith('{}') && (value === undefined || value === null)) {
      // Splunk: the parallel X{}.Name / X{}.Value fields (a CSV export writes a multivalue field
      // as one cell, its values on separate lines), or the X array of the raw record.
      const [names, values] = ['Name', 'Value'].map((k) => record[`${native.column}.${k}`])
        .map((v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : typeof v === 'string' ? v.split('\n') : [v]));
      value = names!.length ? names!.map((Name, i) => ({ Name, Value: values![i] ?? '' })) : readPath(record, native.column.slice(0, -2));
    }
    if (value === undefined || value === null || value === '') continue;
    event[field] = toCanonicalValue(value, type);
  }
  return event;
}

/**
 * A native value → the canonical type (the fixture checker then checks it): times to ISO 8601,
 * numbers and bools from their text. A namevalue list is passed on as it is (the checker reads
 * the {Name, Value} list or its JSON text).
 */
function toCanonicalValue(value: unknown, type: CanonicalType): unknown {
  switch (type) {
    case 'namevalue': return value;
    case 'datetime': {
      const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(String(value)) ? Number(value) : undefined;
      return n !== undefined ? new Date(n * (n < 1e11 ? 1000 : 1)).toISOString() : normaliseTime(String(value));
    }
    // Text that is not a number stays text, so the checker names the value it cannot read.
    case 'int': case 'real': return typeof value === 'number' || String(value).trim() === '' || Number.isNaN(Number(value)) ? value : Number(value);
    case 'bool': return typeof value === 'boolean' ? value : String(value).toLowerCase() === 'true';
    case 'string': case 'ip': return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

const US_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)$/i;

/** Export tools write times in several ways; give the fixture checker ISO 8601 with a zone. */
function normaliseTime(text: string): string {
  const us = US_TIME.exec(text.trim());
  if (us) {
    // The portals' en-US display form (month/day/year, 12-hour clock), a time in UTC.
    const [, month, day, year, hour, minute, second, half] = us;
    const h = (Number(hour) % 12) + (half!.toUpperCase() === 'PM' ? 12 : 0);
    return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), h, Number(minute), Number(second ?? 0))).toISOString();
  }
  const t = text.trim().replace(' ', 'T');
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(t) ? t : `${t}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** Every event of an export as canonical events; bad lines reported (and skipped if asked). */
export async function readExport(file: string, source: LogSource, options: ExportReadOptions): Promise<{ events: CanonicalEvent[]; shape: ExportShape; skipped: number; failed: boolean }> {
  const events: CanonicalEvent[] = [];
  let shape: ExportShape | undefined;
  let skipped = 0;
  let failed = false;
  for await (const { line, record, problem } of readRecords(file)) {
    const at = { file, line, col: 1 };
    const bad = (message: string) => {
      if (options.skipBadLines) skipped++;
      else failed = true;
      options.report(options.skipBadLines ? { ...error(at, message), severity: 'warning' } : error(at, message));
    };
    if (problem || record === null || typeof record !== 'object' || Array.isArray(record)) {
      bad(problem ?? 'each record must be an object');
      continue;
    }
    shape ??= recogniseShape(record as Record<string, unknown>, source);
    const messages: string[] = [];
    const event = checkEvent(toCanonicalEvent(record as Record<string, unknown>, shape, source), source, (m) => messages.push(m));
    if (event) events.push(event);
    else bad(messages.join('; '));
  }
  return { events, shape: shape ?? { kind: 'canonical' }, skipped, failed };
}
