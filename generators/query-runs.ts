// `detc run query.spl|query.kql --events export`: a hunt an analyst wrote (or copied from
// dist/) run on an exported log by our engines, with each language's own semantics.
import { readFileSync, statSync } from 'node:fs';
import { error, InputError } from './diagnostics.ts';
import { compileKql, KqlRunError, KqlUnsupportedError } from './kql/engine/index.ts';
import { cachedKqlAnalysis, kqlAnalysisCacheDir } from './kql/kql-analysis-cache.ts';
import { kqlTablesFor } from './kql/validate.ts';
import { profileOf } from './logsources/loader.ts';
import type { LogSource } from './logsources/types.ts';
import { rawPrefilterNeeds } from './kql/engine/raw-prefilter.ts';
import { isJsonLines, readRecords, recogniseShape, type ExportRecord } from './replay/exports.ts';
import { readLines } from './replay/json-lines.ts';
import { latestTimeInParallel, lineFilterTest, looksLikeObject, scanLinesInParallel, scanWorkers, type LineFilter, type ParallelScanOptions, type ScanCounts, type ScannedLine } from './replay/parallel-scan.ts';
import { compileSpl } from './spl/engine/index.ts';
import { SplRunError, SplUnsupportedError } from './spl/engine/errors.ts';
import { TUNING_MACRO_DEFAULT, tuningMacro } from './targets/spl.ts';

export interface QueryRunOptions {
  readonly now?: number;
  readonly table?: string;
  readonly logsources: ReadonlyMap<string, LogSource>;
  readonly ruleNames: readonly string[];
  /** Exports up to this many bytes are read once and held; larger JSON Lines stream (default 64 MiB). */
  readonly heldExportBytes?: number;
  /** How a large JSON Lines export is read on several threads (worker threads, range size). */
  readonly scan?: ParallelScanOptions;
  /** The folder of stored KQL analyses (kql-analysis-cache.ts), or false for none; default: by the environment. */
  readonly analysisCache?: string | false;
}

export interface QueryRunResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
  readonly read: number;
}

const TIME_KEYS = ['_time', 'createdDateTime', 'TimeGenerated', 'Timestamp', 'time', 'timestamp'];

const HELD_EXPORT_BYTES = 64 * 1024 * 1024;

/** A record that is an object, with its text as written when the export is JSON Lines. */
interface ReadRecord {
  readonly record: Record<string, unknown>;
  readonly text: string | undefined;
}

function checked(file: string, { line, record, problem, text }: ExportRecord): ReadRecord {
  if (problem || record === null || typeof record !== 'object' || Array.isArray(record)) throw badRecord(file, line, problem);
  return { record: record as Record<string, unknown>, text };
}

const badRecord = (file: string, line: number, problem = 'each record must be an object') => new InputError([error({ file, line, col: 1 }, problem)]);

/** One line of a JSON Lines export, parsed. */
function parsedLine(line: number, text: string): ExportRecord {
  try {
    return { line, record: JSON.parse(text), text };
  } catch (e) {
    return { line, record: undefined, problem: `not JSON: ${(e as Error).message}` };
  }
}

/**
 * The export's records. A small file, a CSV or a JSON array is read once and held. A large JSON
 * Lines file is read as the engine pulls its records, never held: once more beforehand when the
 * run needs its latest time (no --now), which only a full pass can tell. Given the query's raw
 * pre-filter, a large file is read on every core and only the lines the filter keeps are parsed
 * (a line that is not `{` … `}` is always parsed, so that a broken line is reported).
 */
interface ExportRecords {
  readonly first: Record<string, unknown> | undefined;
  /** Epoch milliseconds of the latest record (0 without times): a pass of its own when streaming. */
  latest(): number;
  /** An array when held, a one-pass stream otherwise. */
  records(filter?: LineFilter): Iterable<ReadRecord>;
  /**
   * A large JSON Lines file on several threads: the lines `filter` keeps, each parsed by a worker
   * that reads its time (ScannedLine.record). Undefined when the file is held or one thread reads it.
   */
  scanned(filter: LineFilter): Iterable<ScannedLine> | undefined;
  /** Records read so far. */
  read(): number;
}

async function exportRecords(file: string, heldBytes: number, scan: ParallelScanOptions = {}): Promise<ExportRecords> {
  const latestOf = (records: Iterable<ReadRecord>) => {
    let latest = 0;
    for (const { record } of records) latest = Math.max(latest, timeOf(record) ?? 0);
    return latest;
  };
  if (statSync(file).size <= heldBytes || !isJsonLines(file)) {
    const held: ReadRecord[] = [];
    for await (const r of readRecords(file)) held.push(checked(file, r));
    return { first: held[0]?.record, latest: () => latestOf(held), records: () => held, scanned: () => undefined, read: () => held.length };
  }
  let read = 0;
  const counts: ScanCounts = { lines: 0, records: 0 };
  let parallel = false;
  function* stream(filter?: LineFilter): Generator<ReadRecord> {
    read = 0;
    parallel = filter !== undefined && scanWorkers(scan) > 1;
    if (parallel) {
      counts.records = 0;
      for (const { line, text } of scanLinesInParallel(file, filter!, counts, scan)) yield checked(file, parsedLine(line, text));
      return;
    }
    const keeps = filter ? lineFilterTest(filter) : undefined;
    for (const { line, text } of readLines(file)) {
      if (text.trim() === '') continue;
      read++;
      if (keeps && looksLikeObject(text) && !keeps(text)) continue;
      yield checked(file, parsedLine(line, text));
    }
  }
  let first: Record<string, unknown> | undefined;
  for (const { record } of stream()) {
    first = record;
    break;
  }
  const latest = () => {
    if (scanWorkers(scan) === 1) return latestOf(stream());
    const found = latestTimeInParallel(file, TIME_KEYS, scan);
    if ('bad' in found) throw badRecord(file, found.bad.line, parsedLine(found.bad.line, found.bad.text).problem);
    return found.latest;
  };
  const scanned = (filter: LineFilter) => {
    if (scanWorkers(scan) === 1) return undefined;
    parallel = true;
    counts.records = 0;
    return scanLinesInParallel(file, filter, counts, scan, TIME_KEYS);
  };
  return { first, latest, records: stream, scanned, read: () => (parallel ? counts.records : read) };
}

const timeOf = (r: Record<string, unknown>): number | undefined => {
  for (const key of TIME_KEYS) {
    const v = r[key];
    if (typeof v === 'number') return key === '_time' ? v * 1000 : v;
    if (typeof v === 'string') {
      const ms = Date.parse(v);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  return undefined;
};

export async function runQueryFile(file: string, eventsFile: string, options: QueryRunOptions): Promise<QueryRunResult> {
  const text = readFileSync(file, 'utf8');
  const records = await exportRecords(eventsFile, options.heldExportBytes ?? HELD_EXPORT_BYTES, options.scan);
  const at = (line: number, col: number, message: string) => new InputError([error({ file, line, col }, message)]);
  try {
    if (/\.spl$/i.test(file)) {
      // Splunk events: the export's JSON is _raw, _time comes from its time field, and the
      // sourcetype the log-source macro selects is the one the export's shape belongs to.
      const macros = new Map<string, string>();
      for (const source of options.logsources.values()) {
        const p = profileOf(source, 'splunk');
        macros.set(p.macro!, p.macroDefinition!);
      }
      for (const name of options.ruleNames) macros.set(tuningMacro(name), TUNING_MACRO_DEFAULT);
      const sourcetype = (r: Record<string, unknown>) => {
        for (const source of options.logsources.values()) {
          const shape = recogniseShape(r, source);
          if (shape.kind === 'native' && shape.target === 'splunk') return shape.profile.sourcetype;
        }
        return undefined;
      };
      const firstSourcetype = records.first ? sourcetype(records.first) : undefined;
      const compiled = compileSpl(text, { macros });
      const now = options.now ?? records.latest() + 1000;
      // _raw is the record as the export wrote it (JSON Lines), or as JSON.
      const event = ({ record: r, text: raw }: ReadRecord) => ('_raw' in r ? r : { _raw: raw ?? JSON.stringify(r), _time: (timeOf(r) ?? 0) / 1000, ...(r.sourcetype || !firstSourcetype ? {} : { sourcetype: firstSourcetype }) });
      // The search's pre-filter judges a line by its _raw text; a record that carries a _raw of
      // its own is an event as it is (its fields are not read from _raw), and always read.
      const filter = compiled.rawNeeds ? { needs: compiled.rawNeeds, alwaysPass: ['"_raw"'] } : undefined;
      const scanned = filter && records.scanned(filter);
      // On several threads, the workers have parsed each kept line and read its time: the event
      // is the line as _raw (a line that is not an object, or has a _raw, is parsed here).
      const scannedEvent = ({ line, text: raw, record: r }: ScannedLine) =>
        r && !r.hasRaw ? { _raw: raw, _time: (r.time ?? 0) / 1000, ...(r.hasSourcetype || !firstSourcetype ? {} : { sourcetype: firstSourcetype }) } : event(checked(eventsFile, parsedLine(line, raw)));
      const all = scanned ? undefined : records.records(filter);
      // An array stays an array (searched newest first); a stream streams when the search allows.
      const events = all === undefined ? mapped(scanned!, scannedEvent) : Array.isArray(all) ? all.map(event) : mapped(all, event);
      const result = compiled.run(events, { now });
      return { columns: [...result.columns], rows: result.rows, read: records.read() };
    }
    const table = options.table ?? /^\s*(?:\/\/[^\n]*\n\s*)*([A-Za-z_][A-Za-z0-9_]*)/.exec(text)?.[1];
    if (!table) throw at(1, 1, 'cannot tell which table the query reads: pass --table');
    const known = [...kqlTablesFor(options.logsources.values(), 'defender'), ...kqlTablesFor(options.logsources.values(), 'sentinel')].find((t) => t.name === table);
    const columns = known?.columns ?? inferColumns(records.first);
    // Kusto's analysis (≈0.8 s to load and build its grammar) from the cache when a run made it before.
    const analysed = cachedKqlAnalysis(options.analysisCache === undefined ? kqlAnalysisCacheDir() : options.analysisCache || undefined, text, [{ name: table, columns }]);
    const compiled = compileKql(text, { [table]: { columns } }, { analysed });
    const now = options.now ?? records.latest() + 1000;
    const prefilter = compiled.rawPrefilter(table);
    const needs = prefilter && rawPrefilterNeeds(prefilter);
    const all = records.records(needs ? { needs } : undefined);
    const result = compiled.run({ [table]: { rows: Array.isArray(all) ? all.map((r) => r.record) : mapped(all, (r) => r.record) } }, { now });
    return { columns: result.columns.map((c) => c.name), rows: result.rows, read: records.read() };
  } catch (e) {
    if (e instanceof SplUnsupportedError || e instanceof SplRunError || e instanceof KqlUnsupportedError || e instanceof KqlRunError) {
      // Both engines end their messages with the position: `… at line:col`.
      const [, line, col] = / at (\d+):(\d+)$/.exec(e.message) ?? [];
      throw at(Number(line ?? 1), Number(col ?? 1), e.message.replace(/ at \d+:\d+$/, ''));
    }
    throw e;
  }
}

function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/** Column types of a table we have no schema for, from the first record. */
function inferColumns(first: Record<string, unknown> = {}): { name: string; type: string }[] {
  return Object.entries(first).map(([name, v]) => ({
    name,
    type: typeof v === 'number' ? (Number.isInteger(v) ? 'long' : 'real') : typeof v === 'boolean' ? 'bool' : v !== null && typeof v === 'object' ? 'dynamic' : 'string',
  }));
}
