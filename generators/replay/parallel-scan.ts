// A large JSON Lines export read on every core: the file is cut into byte ranges of whole lines,
// worker threads (line-scan-worker.mjs) read the ranges and keep only the lines a query's raw
// pre-filter lets through, and the reader takes those lines back range by range, in file order,
// with their line numbers — the engines run on the calling thread, which pulls the lines
// synchronously (it waits on shared memory, never on the event loop). Workers stay at most a few
// ranges ahead of the reader, so memory does not grow with the file.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { TextLine } from './json-lines.ts';

export interface LineFilter {
  /** Groups of ASCII values: a line is kept when it holds one value of every group (case-insensitively). */
  readonly needs: readonly (readonly string[])[];
  /** Text that keeps a line whatever else it holds (e.g. `"_raw"`: the filter cannot judge such a record). */
  readonly alwaysPass?: readonly string[];
}

export interface ParallelScanOptions {
  /** Worker threads (default: the cores Node may use). */
  readonly workers?: number;
  /** About how many bytes each range holds (default 512 KiB: under 1 MiB, Node decodes a range into a V8 string, not a malloc-ed one the GC lets pile up). */
  readonly rangeBytes?: number;
  /** About how many bytes a worker decodes at a time, in whole lines (default 64 KiB: see line-scan-worker.mjs). */
  readonly pieceBytes?: number;
}

/** Counted over the whole file once the scan has ended: lines, and non-blank lines (records). */
export interface ScanCounts {
  lines: number;
  records: number;
}

const RANGE_BYTES = 512 * 1024;
/**
 * How many ranges each worker may run ahead of the reader (4 MiB of file at 512 KiB): one range
 * ahead, reader and workers kept waiting on each other's jitter (a 1M sign-in .spl run spent
 * ≈0.5 s of its main thread and ≈0.9 s of each worker's waiting).
 */
const LOOKAHEAD_RANGES = 8;
const NEWLINE = 0x0a;
const WORKER = new URL('./line-scan-worker.mjs', import.meta.url);

const escapeRegex = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * The filter as a test of one line's text (what each worker applies; line-scan-worker.mjs says it
 * again in plain JavaScript): a backslash, U+0130 or U+212A exempts a line, as the engines'
 * pre-filters cannot judge it.
 */
export function lineFilterTest(filter: LineFilter): (line: string) => boolean {
  const exempt = new RegExp(['[\\\\\u0130\u212a]', ...(filter.alwaysPass ?? []).map(escapeRegex)].join('|'));
  const groups = filter.needs.map((any) => new RegExp(any.map(escapeRegex).join('|'), 'i'));
  return (line) => exempt.test(line) || groups.every((re) => re.test(line));
}

/** Whether a line looks like one JSON object, `{` … `}`: a filter may drop it unparsed. Others are parsed, to be reported. */
export const looksLikeObject = (line: string): boolean => line.charCodeAt(0) === 0x7b && line.charCodeAt(line.length - 1) === 0x7d;

/**
 * The file as byte ranges [start, end) of whole lines, about `rangeBytes` each: every range but
 * the last ends just after a newline (a cut never falls inside a line, so never inside a UTF-8
 * character, and a CR stays with its LF). A line longer than `rangeBytes` makes its range longer.
 */
export function lineAlignedRanges(file: string, rangeBytes = RANGE_BYTES): [number, number][] {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const ranges: [number, number][] = [];
    const window = Buffer.allocUnsafe(Math.min(4096, Math.max(rangeBytes, 1)));
    let start = 0;
    while (start < size) {
      let end = Math.min(start + Math.max(rangeBytes, 1), size);
      // The range ends after the first newline at or after its last byte.
      for (let at = end - 1; end < size; ) {
        const n = readSync(fd, window, 0, Math.min(window.length, size - at), at);
        if (n <= 0) break;
        const newline = window.subarray(0, n).indexOf(NEWLINE);
        if (newline !== -1) {
          end = at + newline + 1;
          break;
        }
        at += n;
        end = Math.min(at, size);
      }
      ranges.push([start, end]);
      start = end;
    }
    return ranges;
  } finally {
    closeSync(fd);
  }
}

/** Whether a file is worth scanning on several threads: the cores there are. */
export function scanWorkers(options: ParallelScanOptions = {}): number {
  return Math.max(1, options.workers ?? availableParallelism());
}

/** A line the scan kept. */
export interface ScannedLine extends TextLine {
  /**
   * Asked for (`timeKeys`): what a worker read of the line's record — its time (epoch
   * milliseconds, as latestTimeInParallel reads it) and whether it has a `_raw` and a truthy
   * `sourcetype` key. Undefined when the line is not a JSON object (the reader reports it).
   */
  readonly record?: { readonly time: number | undefined; readonly hasRaw: boolean; readonly hasSourcetype: boolean };
}

// Flags of a kept line, as line-scan-worker.mjs sets them.
const KEPT_NOT_AN_OBJECT = 1;
const KEPT_HAS_RAW = 2;
const KEPT_HAS_SOURCETYPE = 4;

/**
 * The lines of `file` that `filter` keeps (and every line that does not look like a JSON object,
 * `{` … `}`, for the reader to report), in file order, with their 1-based line numbers; blank
 * lines never. `counts` is filled in as ranges are read. With `timeKeys`, the workers also parse
 * each kept line and read its time (ScannedLine.record).
 */
export function* scanLinesInParallel(file: string, filter: LineFilter, counts: ScanCounts, options: ParallelScanOptions = {}, timeKeys?: readonly string[]): Generator<ScannedLine> {
  let lines = 0;
  for (const result of rangeResults<FilterResult>(file, { task: 'filter', needs: filter.needs, alwaysPass: filter.alwaysPass ?? [], ...(timeKeys ? { timeKeys } : {}) }, options)) {
    const { kept, at, times, flags } = result;
    for (let i = 0; i < kept.length; i++) {
      const line = lines + at[i]!;
      if (!times || !flags) {
        yield { line, text: kept[i]! };
        continue;
      }
      const f = flags[i]!;
      const time = times[i]!;
      yield { line, text: kept[i]!, ...(f & KEPT_NOT_AN_OBJECT ? {} : { record: { time: Number.isNaN(time) ? undefined : time, hasRaw: (f & KEPT_HAS_RAW) !== 0, hasSourcetype: (f & KEPT_HAS_SOURCETYPE) !== 0 } }) };
    }
    lines += result.lines;
    counts.lines = lines;
    counts.records += result.records;
  }
}

/** The latest time of a file's records, or its first line that is not a JSON object. */
export type LatestTime = { readonly latest: number; readonly records: number } | { readonly bad: TextLine };

/**
 * The latest time (epoch milliseconds, 0 without times) of the records of a JSON Lines file, each
 * record's time being its first key of `timeKeys` holding a number (epoch milliseconds; seconds
 * for `_time`) or a date text (Date.parse): every line parsed, on every core. Stops at the first
 * line that is not a JSON object.
 */
export function latestTimeInParallel(file: string, timeKeys: readonly string[], options: ParallelScanOptions = {}): LatestTime {
  let latest = 0;
  let lines = 0;
  let records = 0;
  for (const result of rangeResults<LatestResult>(file, { task: 'latest', timeKeys }, options)) {
    if (result.bad) return { bad: { line: lines + result.bad.at, text: result.bad.text } };
    latest = Math.max(latest, result.latest);
    lines += result.lines;
    records += result.records;
  }
  return { latest, records };
}

interface FilterResult { readonly lines: number; readonly records: number; readonly kept: string[]; readonly at: Int32Array; readonly times?: Float64Array; readonly flags?: Uint8Array }
interface LatestResult { readonly lines: number; readonly records: number; readonly latest: number; readonly bad?: { readonly at: number; readonly text: string } }
type Task = { readonly task: 'filter'; readonly needs: LineFilter['needs']; readonly alwaysPass: readonly string[]; readonly timeKeys?: readonly string[] } | { readonly task: 'latest'; readonly timeKeys: readonly string[] };

/**
 * Each range's result from the workers, in file order. Range r goes to worker r mod n, and a
 * worker waits while it is more than n ranges ahead of what has been taken from here.
 */
function* rangeResults<T>(file: string, task: Task, options: ParallelScanOptions): Generator<T> {
  const ranges = lineAlignedRanges(file, options.rangeBytes ?? RANGE_BYTES);
  if (ranges.length === 0) return;
  const workers = Math.min(scanWorkers(options), ranges.length);
  // [0]: ranges the reader has taken; [1 + w]: results worker w has sent.
  const shared = new Int32Array(new SharedArrayBuffer(4 * (1 + workers)));
  const started: { worker: Worker; port: MessagePort }[] = [];
  try {
    for (let w = 0; w < workers; w++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER, {
        workerData: { ...task, file, units: ranges, first: w, step: workers, port: port2, signal: shared.buffer, lookahead: LOOKAHEAD_RANGES * workers, ...(options.pieceBytes ? { pieceBytes: options.pieceBytes } : {}) },
        transferList: [port2],
      });
      worker.on('error', () => {}); // seen as the worker stopping (threadId -1) by receive()
      worker.unref();
      started.push({ worker, port: port1 });
    }
    for (let r = 0; r < ranges.length; r++) {
      const w = r % workers;
      const result = receive(started[w]!, shared, 1 + w);
      if (typeof result === 'object' && result !== null && 'error' in result) throw new Error(`reading ${file}: ${String(result.error)}`);
      yield result as T;
      Atomics.store(shared, 0, r + 1);
      Atomics.notify(shared, 0);
    }
  } finally {
    for (const { worker, port } of started) {
      port.close();
      void worker.terminate();
    }
  }
}

/** The next result of one worker: waits on the shared counter it bumps after each message. */
function receive({ worker, port }: { worker: Worker; port: MessagePort }, shared: Int32Array, slot: number): unknown {
  for (;;) {
    const seen = Atomics.load(shared, slot);
    const message = receiveMessageOnPort(port);
    if (message) return message.message;
    if (Atomics.wait(shared, slot, seen, 1000) === 'timed-out' && worker.threadId === -1) return { error: 'a scan worker stopped' };
  }
}
