// `detc run query.spl|query.kql --events export`: a hunt an analyst wrote (or copied from
// dist/) run on an exported log by our engines, with each language's own semantics.
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { error, InputError, type Diagnostic } from './diagnostics.ts';
import { compileKql, KqlRunError, KqlUnsupportedError } from './kql/engine/index.ts';
import { analyseKqlApart } from './kql/analysis-apart.ts';
import { kqlAnalysisCacheDir, readKqlAnalysis, storeKqlAnalysis, storeKqlSnapshot } from './kql/kql-analysis-cache.ts';
import { treeFromSnapshot } from './kql/tree-snapshot.ts';
import { analyzeKqlTree } from './kql/language-service.ts';
import { kqlTablesFor } from './kql/validate.ts';
import { profileOf } from './logsources/loader.ts';
import type { LogSource } from './logsources/types.ts';
import { rawPrefilterNeeds } from './kql/engine/raw-prefilter.ts';
import { guessImplied, guessRawPrefilterNeeds } from './kql/engine/raw-prefilter-guess.ts';
import { isJsonLines, parsedJsonLine, readJsonLines, readRecords, recogniseShape, type ExportRecord } from './replay/exports.ts';
import { lineFilterTest, prestartScanWorkers, scanWorkers, startLatestTime, startLineScan, stopWaitingScanWorkers, waitingScanWorkers, type LatestTimeScan, type LineFilter, type LineScan, type ParallelScanOptions, type ScanCounts, type ScannedLine } from './replay/parallel-scan.ts';
import { compileSpl } from './spl/engine/index.ts';
import { SplRunError, SplUnsupportedError } from './spl/engine/errors.ts';
import { PARSED_RAW, type InputEvent } from './spl/engine/events.ts';
import { hasLossyNumber, type Json } from './spl/engine/json.ts';
import { TUNING_MACRO_DEFAULT, tuningMacro } from './targets/spl.ts';
import { recordTimeReader } from './replay/record-time.mjs';

export interface QueryRunOptions {
  readonly now?: number;
  readonly table?: string;
  readonly logsources: ReadonlyMap<string, LogSource>;
  readonly ruleNames: readonly string[];
  /** Exports up to this many bytes are read once and held; larger JSON Lines stream (default 64 MiB). */
  readonly heldExportBytes?: number;
  /** How a large JSON Lines export is read on several threads (worker threads, range size). */
  readonly scan?: ParallelScanOptions;
  /** Characters of kept lines a run without --now holds in case its guess of the latest time is wrong (default HELD_KEPT_CHARS). */
  readonly heldKeptChars?: number;
  /** The folder of stored KQL analyses (kql-analysis-cache.ts), or false for none; default: by the environment. */
  readonly analysisCache?: string | false;
  /** Skip a record that cannot be read (reported once, as a warning) instead of failing at it. */
  readonly skipBadLines?: boolean;
  /** Where a skipped record is reported (with skipBadLines). */
  readonly report?: (d: Diagnostic) => void;
}

export interface QueryRunResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
  /** Records read, the skipped ones not counted. */
  readonly read: number;
  /** Epoch milliseconds the query ran at: --now, else one second after the latest record. */
  readonly now: number;
  /** Of the records read, lines the query's raw pre-filter dropped unparsed (they hold none of its terms). */
  readonly unparsed: number;
  /** Records that could not be read, skipped (skipBadLines). */
  readonly skipped: number;
}

const TIME_KEYS = ['_time', 'createdDateTime', 'TimeGenerated', 'Timestamp', 'time', 'timestamp'];

const HELD_EXPORT_BYTES = 64 * 1024 * 1024;

/**
 * Characters of kept lines a run without --now holds in case its guess of the latest time is
 * wrong (LatestGuessingScan); past that, a wrong guess costs a second scan instead of a second
 * run on the lines held. Small, because lines held, then let go when there are more, stay in
 * V8's old generation until a full collection: the spray `.kql` without --now (its analysis
 * cached) over 10M sign-ins (4.1 GB), whose guess is right, peaked at 210 MB holding nothing,
 * 225 MB holding up to 4M characters, 285 MB at 8M and 317–362 MB at 32M.
 */
const HELD_KEPT_CHARS = 4 * 1024 * 1024;

/** Bytes read at each end of a file for the records whose latest time is the guess (most exports are sorted by time). */
const GUESS_BYTES = 64 * 1024;

/**
 * A run without --now on several threads: one pass keeps the lines a filter keeps and finds the
 * latest time of every record, instead of a latest-time pass, then a scan. The run goes ahead on
 * the lines as they come with a guess of the latest time (the latest record at either end of the
 * file), and is run again only when the guess was wrong: on the lines held meanwhile, or on a
 * second scan when there were too many to hold.
 */
interface LatestGuessingScan {
  /** Epoch milliseconds: the latest time of the records at the file's ends (0 without times). */
  readonly guess: number;
  /** The kept lines, once, as they come (held too, up to HELD_KEPT_CHARS characters). */
  readonly lines: Iterable<ScannedLine>;
  /**
   * Reads what the run left unread (checking, unless told not to, that each line is a record);
   * then the file's latest time, and the lines held (undefined: not all could be).
   */
  end(checkRest?: boolean): { readonly latest: number; readonly held: readonly ScannedLine[] | undefined };
  /** Stops it unread. */
  close(): void;
}

/** A record that is an object, with its text as written when the export is JSON Lines. */
interface ReadRecord {
  readonly record: Record<string, unknown>;
  readonly text: string | undefined;
}

/**
 * The record of a line if it is an object; else the run fails at it, or, skipping bad records,
 * it is reported (once: a line may be read again, by a second pass) and undefined.
 */
type RecordCheck = (r: ExportRecord) => ReadRecord | undefined;

/** The check of an export's records, and how many it skipped. */
function recordCheck(file: string, options: Pick<QueryRunOptions, 'skipBadLines' | 'report'>): { check: RecordCheck; skipped(): number } {
  const skipped = new Set<number>();
  const check: RecordCheck = ({ line, record, problem, text }) => {
    if (!problem && record !== null && typeof record === 'object' && !Array.isArray(record)) return { record: record as Record<string, unknown>, text };
    if (!options.skipBadLines) throw badRecord(file, line, problem);
    if (!skipped.has(line)) {
      skipped.add(line);
      options.report?.({ ...error({ file, line, col: 1 }, problem ?? NOT_AN_OBJECT), severity: 'warning' });
    }
    return undefined;
  };
  return { check, skipped: () => skipped.size };
}

const NOT_AN_OBJECT = 'each record must be an object';
const badRecord = (file: string, line: number, problem = NOT_AN_OBJECT) => new InputError([error({ file, line, col: 1 }, problem)]);

/**
 * The export's records. A small file, a CSV or a JSON array is read once and held. A large JSON
 * Lines file is read as the engine pulls its records, never held: once more beforehand when the
 * run needs its latest time (no --now), which only a full pass can tell. Given the query's raw
 * pre-filter, a large file is read on every core and only the lines the filter keeps are parsed
 * (a line that is not `{` … `}` is always parsed, so that a broken line is reported). Passes on
 * several threads can be started early, while the query compiles, and read later.
 */
interface ExportRecords {
  readonly first: Record<string, unknown> | undefined;
  /** Epoch milliseconds of the latest record (0 without times): a pass of its own when streaming. */
  latest(): number;
  /**
   * Starts the pass latest() needs on worker threads now, when there is one to start, on every
   * core: a pass keeps the workers it starts with, and nothing can run before it ends (on one
   * worker, beside Kusto's analysis, a cold 1M-line .kql run took 2.75 s; on two, 2.3 s).
   */
  startLatest(): void;
  /** An array when held, a one-pass stream otherwise. */
  records(filter?: LineFilter): Iterable<ReadRecord>;
  /**
   * A large JSON Lines file on several threads: starts the workers on the lines `filter` keeps
   * (its helper sleeps while this thread is busy elsewhere: parallel-scan.ts). Undefined when the
   * file is held or one thread reads it.
   */
  startScan(filter: LineFilter): LineScan | undefined;
  /** The lines of a started scan as records, parsed here. */
  scannedRecords(scan: LineScan): Iterable<ReadRecord>;
  /**
   * A large JSON Lines file on several threads, no latest-time pass started: the scan of the lines
   * `filter` keeps (as startScan) that finds the latest time too. Undefined when the file is held,
   * one thread reads it, or a latest-time pass was started (then latest(), and a scan).
   */
  scanGuessingLatest(filter: LineFilter): LatestGuessingScan | undefined;
  /** Records read so far. */
  read(): number;
  /** Of them, lines a filter dropped unparsed (they hold none of the query's terms). */
  unparsed(): number;
  /** Stops the passes started and not read to their end. */
  close(): void;
}

async function exportRecords(file: string, check: RecordCheck, pastBad: boolean, heldBytes: number, scan: ParallelScanOptions = {}, heldKeptChars = HELD_KEPT_CHARS): Promise<ExportRecords> {
  const latestOf = (records: Iterable<ReadRecord>) => {
    let latest = 0;
    for (const { record } of records) latest = Math.max(latest, timeOf(record) ?? 0);
    return latest;
  };
  if (statSync(file).size <= heldBytes || !isJsonLines(file)) {
    const held: ReadRecord[] = [];
    let read = 0;
    for await (const r of readRecords(file)) {
      read++;
      const record = check(r);
      if (record) held.push(record);
    }
    return {
      first: held[0]?.record, latest: () => latestOf(held), startLatest: () => {}, records: () => held,
      startScan: () => undefined, scannedRecords: () => [], scanGuessingLatest: () => undefined, read: () => read, unparsed: () => 0, close: () => {},
    };
  }
  const parallel = scanWorkers(scan) > 1;
  let read = 0;
  /** Lines the filter of the pass on this thread dropped unparsed. */
  let refused = 0;
  /** The counts of the scan on several threads being read, if one is (the lines it sent back are all parsed). */
  let counts: ScanCounts | undefined;
  const started = new Set<{ close(): void }>();
  let latestScan: LatestTimeScan | undefined;
  const startScan = (filter: LineFilter, { withLatest = false } = {}): LineScan | undefined => {
    if (!parallel) return undefined;
    counts = { lines: 0, records: 0, kept: 0 };
    const lineScan = startLineScan(file, filter, counts, scan, withLatest ? { latestKeys: TIME_KEYS, pastBad } : {});
    started.add(lineScan);
    return lineScan;
  };
  const stop = (lineScan: LineScan) => {
    lineScan.close();
    started.delete(lineScan);
  };
  const scanGuessingLatest: ExportRecords['scanGuessingLatest'] = (filter) => {
    if (!parallel || latestScan) return undefined;
    const guess = latestAtEnds(file);
    const lineScan = startScan(filter, { withLatest: true })!;
    const iterator = lineScan.lines[Symbol.iterator]();
    let held: ScannedLine[] | undefined = [];
    let chars = 0;
    const next = (): IteratorResult<ScannedLine> => {
      const step = iterator.next();
      if (!step.done && held) {
        chars += step.value.text.length;
        if (chars > heldKeptChars) held = undefined;
        else held.push(step.value);
      }
      return step;
    };
    const close = () => stop(lineScan);
    return {
      guess,
      close,
      lines: { [Symbol.iterator]: () => ({ next }) },
      end(checkRest = true) {
        try {
          // A line the run did not read (it stopped early) is still reported if it is no record.
          for (let step = next(); !step.done; step = next()) if (checkRest) check(parsedJsonLine(step.value.line, step.value.text));
          return { latest: lineScan.latest(), held };
        } finally {
          close();
        }
      },
    };
  };
  function* scannedRecords(lineScan: LineScan): Generator<ReadRecord> {
    try {
      for (const { line, text } of lineScan.lines) {
        const record = check(parsedJsonLine(line, text));
        if (record) yield record;
      }
    } finally {
      stop(lineScan);
    }
  }
  function* stream(filter?: LineFilter): Generator<ReadRecord> {
    read = 0;
    refused = 0;
    const lineScan = filter && startScan(filter);
    if (lineScan) return yield* scannedRecords(lineScan);
    counts = undefined;
    const keep = filter && lineFilterTest(filter);
    const dropped = () => (read++, refused++);
    for (const line of readJsonLines(file, keep && { keep, refused: dropped })) {
      read++;
      const record = check(line);
      if (record) yield record;
    }
  }
  let first: Record<string, unknown> | undefined;
  for (const { record } of stream()) {
    first = record;
    break;
  }
  const startLatest = () => {
    if (!parallel || latestScan) return;
    latestScan = startLatestTime(file, TIME_KEYS, scan, { pastBad });
    started.add(latestScan);
  };
  const latest = () => {
    if (!parallel) return latestOf(stream());
    startLatest();
    const found = latestScan!.result();
    if ('bad' in found) throw badRecord(file, found.bad.line, parsedJsonLine(found.bad.line, found.bad.text).problem);
    return found.latest;
  };
  const close = () => {
    for (const s of started) s.close();
    started.clear();
  };
  const unparsed = () => (counts ? counts.records - counts.kept : refused);
  return { first, latest, startLatest, records: stream, startScan, scannedRecords, scanGuessingLatest, read: () => (counts ? counts.records : read), unparsed, close };
}

/** The latest time of the whole records among the first and last GUESS_BYTES of a file (0: none). */
function latestAtEnds(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const read = (at: number, length: number) => {
      const buffer = Buffer.alloc(length);
      return buffer.toString('utf8', 0, readSync(fd, buffer, 0, length, at));
    };
    // Whole lines only: the head's last line and the tail's first may be cut.
    const head = read(0, Math.min(GUESS_BYTES, size)).split('\n').slice(0, size > GUESS_BYTES ? -1 : undefined);
    const tail = size > GUESS_BYTES ? read(size - GUESS_BYTES, GUESS_BYTES).split('\n').slice(1) : [];
    let latest = 0;
    for (const line of [...head, ...tail]) {
      try {
        const record = JSON.parse(line) as unknown;
        if (record !== null && typeof record === 'object' && !Array.isArray(record)) latest = Math.max(latest, timeOf(record as Record<string, unknown>) ?? 0);
      } catch {
        // Not a record: the scan reports it.
      }
    }
    return latest;
  } finally {
    closeSync(fd);
  }
}

/** A record's time, as the scan's workers read it (record-time.mjs). */
const timeOf = recordTimeReader(TIME_KEYS);

/**
 * Starts the workers of the scan a run of a query on `eventsFile` will make (a JSON Lines file too
 * large to hold), so that they start while the run's log sources load and its query compiles;
 * runQueryFile ends any the run did not take. Nothing for an export read otherwise.
 */
export function prestartExportScan(eventsFile: string, options: Pick<QueryRunOptions, 'heldExportBytes' | 'scan'> = {}): void {
  // Asked twice (by the CLI before it loads, then by runQueryFile): the file is looked at once.
  if (waitingScanWorkers() >= scanWorkers(options.scan)) return;
  try {
    const size = statSync(eventsFile, { throwIfNoEntry: false })?.size ?? 0;
    if (size > (options.heldExportBytes ?? HELD_EXPORT_BYTES) && isJsonLines(eventsFile) && scanWorkers(options.scan) > 1) prestartScanWorkers(options.scan);
  } catch {
    // A file that cannot be read: the run says so.
  }
}

export async function runQueryFile(file: string, eventsFile: string, options: QueryRunOptions): Promise<QueryRunResult> {
  prestartExportScan(eventsFile, options);
  try {
    return await runQuery(file, eventsFile, options);
  } finally {
    stopWaitingScanWorkers();
  }
}

async function runQuery(file: string, eventsFile: string, options: QueryRunOptions): Promise<QueryRunResult> {
  const text = readFileSync(file, 'utf8');
  const bad = recordCheck(eventsFile, options);
  const records = await exportRecords(eventsFile, bad.check, options.skipBadLines ?? false, options.heldExportBytes ?? HELD_EXPORT_BYTES, options.scan, options.heldKeptChars ?? HELD_KEPT_CHARS);
  /** Records read (not those skipped), those not parsed, and those skipped. */
  const tally = () => ({ read: records.read() - bad.skipped(), unparsed: records.unparsed(), skipped: bad.skipped() });
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
      // _raw is the record as the export wrote it (JSON Lines), or as JSON. The record, parsed
      // here for its time, is what KV_MODE=json reads of _raw (PARSED_RAW: one parse a record),
      // unless _raw holds a number the search keeps the text of (parseJson), not JSON.parse's.
      const event = ({ record: r, text }: ReadRecord): InputEvent => {
        if ('_raw' in r) return r;
        const raw = text ?? JSON.stringify(r);
        const e: { _raw: string; _time: number; sourcetype?: string; [PARSED_RAW]?: Json } = { _raw: raw, _time: (timeOf(r) ?? 0) / 1000 };
        if (!r.sourcetype && firstSourcetype) e.sourcetype = firstSourcetype;
        if (!hasLossyNumber(raw)) e[PARSED_RAW] = r as Json;
        return e;
      };
      // The search's pre-filter judges a line by its _raw text; a record that carries a _raw of
      // its own is an event as it is (its fields are not read from _raw), and always read.
      const filter = compiled.rawNeeds ? { needs: compiled.rawNeeds, alwaysPass: ['"_raw"'] } : undefined;
      const scannedEvent = ({ line, text }: ScannedLine) => {
        const record = bad.check(parsedJsonLine(line, text));
        return record && event(record);
      };
      // Without --now the search ends at the latest record: guessed, and found in the same pass.
      const guessing = options.now === undefined && filter ? records.scanGuessingLatest(filter) : undefined;
      if (guessing) {
        // The scan's workers tested every line by the search's raw pre-filter: the search does not again.
        const { result, now } = runOnGuess(guessing, (lines, at) => compiled.run(mapped(lines, scannedEvent), { now: at, rawPrefiltered: true }), () => records.startScan(filter!)!.lines);
        return { columns: [...result.columns], rows: result.rows, now, ...tally() };
      }
      const now = options.now ?? records.latest() + 1000;
      const scanned = filter && records.startScan(filter)?.lines;
      const all = scanned ? undefined : records.records(filter);
      // An array stays an array (searched newest first); a stream streams when the search allows.
      const events = all === undefined ? mapped(scanned!, scannedEvent) : Array.isArray(all) ? all.map(event) : mapped(all, event);
      const result = compiled.run(events, { now, rawPrefiltered: all === undefined });
      return { columns: [...result.columns], rows: result.rows, now, ...tally() };
    }
    const table = options.table ?? /^\s*(?:\/\/[^\n]*\n\s*)*([A-Za-z_][A-Za-z0-9_]*)/.exec(text)?.[1];
    if (!table) throw at(1, 1, 'cannot tell which table the query reads: pass --table');
    const known = [...kqlTablesFor(options.logsources.values(), 'defender'), ...kqlTablesFor(options.logsources.values(), 'sentinel')].find((t) => t.name === table);
    const columns = known?.columns ?? inferColumns(records.first);
    const tables = [{ name: table, columns }];
    // Kusto's analysis (≈0.5 s to load Kusto and analyse) from the cache when a run made it before.
    const cache = options.analysisCache === undefined ? kqlAnalysisCacheDir() : options.analysisCache || undefined;
    let analysed = readKqlAnalysis(cache, text, tables);
    let early: { scan: LineScan; needs: string[][] } | undefined;
    let earlyGuessing: { scan: LatestGuessingScan; needs: string[][] } | undefined;
    if (!analysed) {
      // On a thread of its own (analysis-apart.ts), so that Kusto's heap leaves with it; started
      // first, as Kusto's load and analysis are what the run waits for.
      const analysing = analyseKqlApart(text, tables);
      // Meanwhile, worker threads start on the lines the query's first where seems to need
      // (without --now finding the latest time too, on every core: on one, that pass alone took
      // as long as the whole run), or on the latest-time pass when there is no such guess: a scan
      // on a guess is read only if the analysed query's pre-filter implies it (every line the
      // real one keeps, the guess kept).
      const needs = guessRawPrefilterNeeds(text, table, new Set(columns.filter((c) => c.type === 'string').map((c) => c.name)));
      if (options.now === undefined) {
        const scan = needs && records.scanGuessingLatest({ needs });
        if (scan) earlyGuessing = { scan, needs: needs! };
        else records.startLatest();
      } else {
        const scan = needs && records.startScan({ needs });
        if (scan) early = { scan, needs: needs! };
      }
      const snapshot = await analysing;
      if (snapshot) {
        storeKqlSnapshot(cache, snapshot, tables);
        analysed = treeFromSnapshot(snapshot);
      } else {
        analysed = analyzeKqlTree(text, tables);
        storeKqlAnalysis(cache, analysed, tables);
      }
    }
    const compiled = compileKql(text, { [table]: { columns } }, { analysed });
    const prefilter = compiled.rawPrefilter(table);
    const needs = prefilter && rawPrefilterNeeds(prefilter);
    const rowsOf = (lines: Iterable<ScannedLine>) => mapped(lines, ({ line, text: raw }) => bad.check(parsedJsonLine(line, raw))?.record);
    // Without --now (and no latest-time pass started while Kusto analysed), the query ends at the
    // latest record: guessed, and found in the same pass as the lines (as for a search above).
    let guessing = earlyGuessing && guessImplied(earlyGuessing.needs, needs ?? undefined) ? earlyGuessing.scan : undefined;
    if (!guessing) earlyGuessing?.scan.close();
    guessing ??= options.now === undefined && needs ? records.scanGuessingLatest({ needs }) : undefined;
    if (guessing) {
      const { result, now } = runOnGuess(guessing, (lines, at) => compiled.run({ [table]: { rows: rowsOf(lines) } }, { now: at }), () => records.startScan({ needs: needs! })!.lines);
      return { columns: result.columns.map((c) => c.name), rows: result.rows, now, ...tally() };
    }
    const now = options.now ?? records.latest() + 1000;
    let all: Iterable<ReadRecord>;
    if (early && guessImplied(early.needs, needs ?? undefined)) all = records.scannedRecords(early.scan);
    else {
      early?.scan.close();
      all = records.records(needs ? { needs } : undefined);
    }
    const result = compiled.run({ [table]: { rows: Array.isArray(all) ? all.map((r) => r.record) : mapped(all, (r) => r.record) } }, { now });
    return { columns: result.columns.map((c) => c.name), rows: result.rows, now, ...tally() };
  } catch (e) {
    if (e instanceof SplUnsupportedError || e instanceof SplRunError || e instanceof KqlUnsupportedError || e instanceof KqlRunError) {
      // Both engines end their messages with the position: `… at line:col`.
      const [, line, col] = / at (\d+):(\d+)$/.exec(e.message) ?? [];
      throw at(Number(line ?? 1), Number(col ?? 1), e.message.replace(/ at \d+:\d+$/, ''));
    }
    throw e;
  } finally {
    records.close();
  }
}

/**
 * A run on a guess of the latest time (LatestGuessingScan), made again with the right one when
 * the guess was wrong: on the lines held, or on `again` (a second scan). A run that failed on the
 * guess fails only if the guess was right (on the wrong window, rows of another hour may fail it).
 */
function runOnGuess<R>(guessing: LatestGuessingScan, run: (lines: Iterable<ScannedLine>, now: number) => R, again: () => Iterable<ScannedLine>): { result: R; now: number } {
  let result: { value: R } | { failure: unknown };
  try {
    result = { value: run(guessing.lines, guessing.guess + 1000) };
  } catch (e) {
    result = { failure: e };
  }
  const { latest, held } = guessing.end('value' in result);
  const now = latest + 1000;
  if (latest !== guessing.guess) return { result: run(held ?? again(), now), now };
  if ('failure' in result) throw result.failure;
  return { result: result.value, now };
}

/** f of each item, but those it gives undefined for (a record skipped). */
function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U | undefined): Generator<U> {
  for (const item of items) {
    const u = f(item);
    if (u !== undefined) yield u;
  }
}

/** Column types of a table we have no schema for, from the first record. */
function inferColumns(first: Record<string, unknown> = {}): { name: string; type: string }[] {
  return Object.entries(first).map(([name, v]) => ({
    name,
    type: typeof v === 'number' ? (Number.isInteger(v) ? 'long' : 'real') : typeof v === 'boolean' ? 'bool' : v !== null && typeof v === 'object' ? 'dynamic' : 'string',
  }));
}
