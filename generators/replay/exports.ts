// Exported logs an analyst brings to `detc run`: JSON Lines, a JSON array, or CSV — in the
// shape of any profile of the rule's log source (Graph signIn objects as the Splunk add-on or
// a Graph export gives them, Defender advanced-hunting or Sentinel results with their column
// names, or canonical events), or of a download the log source declares under `exports` (the
// Entra admin center's sign-in log CSV). The shape is recognised from the column names; rows
// are read as a stream and mapped to canonical events through the log source.
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { error, InputError, type Diagnostic } from '../diagnostics.ts';
import type { CanonicalType, LogSource, LogSourceExport, LogSourceProfile, TargetName } from '../logsources/types.ts';
import { TARGETS } from '../logsources/types.ts';
import { checkEvent, type CanonicalEvent } from '../rules/fixtures.ts';
import { LineMap } from '../spl/diagnostics.ts';
import { readLines } from './json-lines.ts';
import { lineFilterTest, looksLikeObject, scanLinesInParallel, scanWorkers, type LineFilter, type ParallelScanOptions, type ScanCounts } from './parallel-scan.ts';

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
    // Imported here: only a CSV export needs it, and importing it cost every command ≈ 12 ms.
    const { parse: parseCsv } = await import('csv-parse');
    // Rows are matched to the header here, so that a row with another number of fields (an
    // unquoted comma, a cut line) is a bad record at its line, not silently cut or padded.
    const parser = createReadStream(file).pipe(parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
    let header: string[] | undefined;
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) header = record;
      else if (record.length !== header.length) yield { line: info.lines, record: undefined, problem: `${record.length} field${record.length === 1 ? '' : 's'} where the header has ${header.length}` };
      else yield { line: info.lines, record: Object.fromEntries(header.map((name, i) => [name, record[i]])) };
    }
    return;
  }
  if (firstCharacter(file) === '[') {
    if (statSync(file).size > MAX_JSON_ARRAY_BYTES) throw new InputError([error({ file, line: 1, col: 1 }, 'a JSON array export over 512 MiB: convert it to JSON Lines (one object per line) to stream it')]);
    const text = readFileSync(file, 'utf8');
    let all: unknown[];
    try {
      all = JSON.parse(text) as unknown[];
    } catch (e) {
      // V8 says where: "… in JSON at position N" (none at the end of the text).
      const at = Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? text.length);
      throw new InputError([error({ file, ...new LineMap(text).position(at) }, `not JSON: ${(e as Error).message}`)]);
    }
    for (let i = 0; i < all.length; i++) yield { line: i + 1, record: all[i] };
    return;
  }
  yield* readJsonLines(file);
}

/** Whether a file is JSON Lines: not CSV, and not a JSON array. */
export function isJsonLines(file: string): boolean {
  return !/\.csv$/i.test(file) && firstCharacter(file) !== '[';
}

/**
 * The records of a JSON Lines file, read as they are pulled (blank lines skipped). With a
 * filter, a line it refuses is not parsed (and is counted): only a line that is `{` … `}` (one
 * that is not is parsed whatever it says, so that a broken line is still reported), and never
 * the first record (it tells the export's shape).
 */
export function* readJsonLines(file: string, filter?: { keep(line: string): boolean; refused(): void }): Generator<ExportRecord> {
  let first = true;
  for (const { line, text } of readLines(file)) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (filter && !first && looksLikeObject(trimmed) && !filter.keep(text)) {
      filter.refused();
      continue;
    }
    first = false;
    yield parsedJsonLine(line, text);
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

/**
 * Reads a dotted path (a.b.c) in a record whose nested values may be objects or JSON text; a key
 * that holds the whole path (`a.b` as one key, as CSV headers write it) wins. Compiled once per
 * column: an export has millions of records and the same few columns.
 */
function pathReader(path: string): (record: Record<string, unknown>) => unknown {
  const parts = path.split('.');
  return (record) => {
    if (path in record) return record[path];
    let node: unknown = record;
    for (const part of parts) {
      if (typeof node === 'string' && node.startsWith('{')) {
        try { node = JSON.parse(node); } catch { return undefined; }
      }
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[part];
    }
    return node;
  };
}

/** A native record → a canonical event (values coerced to the canonical types). */
export function toCanonicalEvent(record: Record<string, unknown>, shape: ExportShape, source: LogSource): Record<string, unknown> {
  return canonicalMapper(shape, source)(record);
}

/**
 * The mapping of one export shape's records to canonical events, compiled once. With `fields`,
 * only those canonical fields are read (a run reads the fields its rule uses: reading and
 * checking the others would be most of the work on a wide export).
 */
export function canonicalMapper(shape: ExportShape, source: LogSource, fields?: ReadonlySet<string>): (record: Record<string, unknown>) => Record<string, unknown> {
  if (shape.kind === 'canonical') {
    if (!fields) return (record) => record;
    // Unknown keys are kept, so that the checker still names them.
    return (record) => {
      const event: Record<string, unknown> = {};
      for (const key in record) if (fields.has(key) || !source.fields.has(key)) event[key] = record[key];
      return event;
    };
  }
  const wanted = <T>(entries: Iterable<[string, T]>) => [...entries].filter(([field]) => !fields || fields.has(field));
  if (shape.kind === 'download') {
    // A download's cells are text, read by their header; an empty cell is a missing value.
    const columns = wanted(shape.download.fields).map(([field, column]) => ({ field, column, type: source.fields.get(field)!.type }));
    return (record) => {
      const event: Record<string, unknown> = {};
      for (const { field, column, type } of columns) {
        const value = record[column];
        if (value !== undefined && value !== null && value !== '') event[field] = toCanonicalValue(value, type);
      }
      return event;
    };
  }
  const { profile } = shape;
  const columns = wanted(profile.fields).map(([field, native]) => {
    const type = source.fields.get(field)!.type;
    const read = native.column === '_time'
      ? ((raw, time) => (record: Record<string, unknown>) => raw(record) ?? time(record))(pathReader(profile.rawTimeField ?? '_time'), pathReader('_time'))
      : pathReader(native.column);
    // Splunk: the parallel X{}.Name / X{}.Value fields (a CSV export writes a multivalue field
    // as one cell, its values on separate lines), or the X array of the raw record.
    const nameValueList = type === 'namevalue' && native.column.endsWith('{}') ? nameValueColumns(native.column) : undefined;
    return { field, type, read, nameValueList };
  });
  return (record) => {
    const event: Record<string, unknown> = {};
    for (const { field, type, read, nameValueList } of columns) {
      let value = read(record);
      if (nameValueList && (value === undefined || value === null)) value = nameValueList(record);
      if (value === undefined || value === null || value === '') continue;
      event[field] = toCanonicalValue(value, type);
    }
    return event;
  };
}

/** A Splunk multivalue name/value field (X{}): its parallel X{}.Name / X{}.Value fields, or the X array. */
function nameValueColumns(column: string): (record: Record<string, unknown>) => unknown {
  const whole = pathReader(column.slice(0, -2));
  const listOf = (v: unknown): unknown[] => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : typeof v === 'string' ? v.split('\n') : [v]);
  return (record) => {
    const names = listOf(record[`${column}.Name`]);
    const values = listOf(record[`${column}.Value`]);
    return names.length ? names.map((Name, i) => ({ Name, Value: values[i] ?? '' })) : whole(record);
  };
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

const ISO_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const US_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)$/i;

/** Export tools write times in several ways; give the fixture checker ISO 8601 with a zone. */
function normaliseTime(text: string): string {
  if (ISO_TIME_WITH_ZONE.test(text)) return text; // already what the checker reads (the common case)
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

export interface ExportEventsOptions extends ExportReadOptions {
  /** Read and check only these canonical fields (and the log source's required ones); default all. */
  readonly fields?: ReadonlySet<string>;
  /**
   * JSON Lines: a line the filter refuses is not parsed (the rule cannot match it), as
   * readJsonLines says. A file over `scan.fromBytes` (default 64 MiB) is then read on every core:
   * worker threads apply the filter to byte ranges, and only the lines they keep are parsed here.
   */
  readonly lineFilter?: LineFilter;
  readonly scan?: ParallelScanOptions & { readonly fromBytes?: number };
}

const PARALLEL_FROM_BYTES = 64 * 1024 * 1024;

export interface ExportEvents {
  readonly shape: ExportShape;
  /** Events read (lines the filter refused included), of them lines not parsed, bad records skipped, and whether any failed. */
  readonly events: number;
  readonly unparsed: number;
  readonly skipped: number;
  readonly failed: boolean;
}

/**
 * Every event of an export, as canonical events handed to `onEvent` as they are read (never
 * held here); bad records reported (and skipped if asked).
 */
export async function readExportEvents(file: string, source: LogSource, options: ExportEventsOptions, onEvent: (event: CanonicalEvent) => void): Promise<ExportEvents> {
  const fields = options.fields && new Set([...options.fields, ...[...source.fields.values()].filter((f) => f.required).map((f) => f.name)]);
  let shape: ExportShape | undefined;
  let toCanonical: ((record: Record<string, unknown>) => Record<string, unknown>) | undefined;
  let events = 0;
  let unparsed = 0;
  let skipped = 0;
  let failed = false;
  const filter = options.lineFilter;
  let records: AsyncIterable<ExportRecord> | Iterable<ExportRecord> = readRecords(file);
  let scanned: ScanCounts | undefined;
  if (filter && isJsonLines(file)) {
    if (statSync(file).size > (options.scan?.fromBytes ?? PARALLEL_FROM_BYTES) && scanWorkers(options.scan) > 1) {
      scanned = { lines: 0, records: 0, kept: 0 };
      records = scannedJsonLines(file, filter, scanned, options.scan);
    } else {
      const keep = lineFilterTest(filter);
      records = readJsonLines(file, { keep, refused: () => { events++; unparsed++; } });
    }
  }
  let parsed = 0;
  for await (const { line, record, problem } of records) {
    parsed++;
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
    if (!shape) {
      shape = recogniseShape(record as Record<string, unknown>, source);
      toCanonical = canonicalMapper(shape, source, fields);
    }
    const messages: string[] = [];
    const event = checkEvent(toCanonical!(record as Record<string, unknown>), source, (m) => messages.push(m));
    if (event) {
      events++;
      onEvent(event);
    } else bad(messages.join('; '));
  }
  if (scanned) {
    // Counted by the workers: every record, and of them the lines not sent back to be parsed.
    unparsed = scanned.records - parsed;
    events += unparsed;
  }
  return { shape: shape ?? { kind: 'canonical' }, events, unparsed, skipped, failed };
}

/**
 * readJsonLines with the filter applied on worker threads: the first record (it tells the shape,
 * so it is parsed whatever it holds), then the lines the workers keep.
 */
function* scannedJsonLines(file: string, filter: LineFilter, counts: ScanCounts, scan: ParallelScanOptions = {}): Generator<ExportRecord> {
  let first: number | undefined;
  for (const record of readJsonLines(file)) {
    first = record.line;
    yield record;
    break;
  }
  for (const { line, text } of scanLinesInParallel(file, filter, counts, scan)) {
    if (line === first) continue;
    yield parsedJsonLine(line, text);
  }
}

/** One line of a JSON Lines export, parsed (or why it cannot be). */
export function parsedJsonLine(line: number, text: string): ExportRecord {
  try {
    return { line, record: JSON.parse(text), text };
  } catch (e) {
    return { line, record: undefined, problem: `not JSON: ${(e as Error).message}` };
  }
}

