// A large JSON Lines export read on every core: the file is cut into byte ranges of whole lines,
// worker threads (line-scan-worker.mjs) read the ranges and keep only the lines a query's raw
// pre-filter lets through, and the reader takes those lines back range by range, in file order,
// with their line numbers — the engines run on the calling thread, which pulls the lines
// synchronously (it waits on shared memory, never on the event loop). Workers run ahead of the
// reader only so far (a few ranges, or a bound on the kept text waiting), so memory does not grow
// with the file.
import { statSync } from 'node:fs';
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
  /** Worker threads (default: the cores Node may use); of several filtering, one is a helper (startRanges). */
  readonly workers?: number;
  /** About how many bytes each range holds (default 512 KiB: under 1 MiB, Node decodes a range into a V8 string, not a malloc-ed one the GC lets pile up). */
  readonly rangeBytes?: number;
  /** About how many bytes a worker decodes at a time, in whole lines (default 64 KiB: see line-scan-worker.mjs). */
  readonly pieceBytes?: number;
}

/**
 * Counted as the scan's lines are read, range by range (over the whole file once it has ended):
 * lines, non-blank lines (records), and of them the lines sent back (kept: the others were
 * dropped unparsed).
 */
export interface ScanCounts {
  lines: number;
  records: number;
  kept: number;
}

const RANGE_BYTES = 512 * 1024;
/**
 * How many ranges each worker may run ahead of the reader (4 MiB of file at 512 KiB): one range
 * ahead, reader and workers kept waiting on each other's jitter (a 1M sign-in .spl run spent
 * ≈0.5 s of its main thread and ≈0.9 s of each worker's waiting).
 */
const LOOKAHEAD_RANGES = 8;
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

/** Scan workers started before their task was known (prestartScanWorkers), waiting for one. */
const waiting: Worker[] = [];

/**
 * Starts the scan's workers now, before the query that says what they keep is compiled: a worker
 * thread takes ≈ 50 ms to start, time the caller spends loading and compiling meanwhile. The next
 * scan takes them (and starts any more it needs); stopWaitingScanWorkers ends those none took.
 */
export function prestartScanWorkers(options: ParallelScanOptions = {}): void {
  for (let w = waiting.length; w < scanWorkers(options); w++) waiting.push(startWorker());
}

/** How many prestarted workers wait for a scan to take them. */
export const waitingScanWorkers = (): number => waiting.length;

/** Ends the workers prestartScanWorkers started that no scan took. */
export function stopWaitingScanWorkers(): void {
  for (const worker of waiting.splice(0)) void worker.terminate();
}

/** A scan worker, waiting for its task (a message: line-scan-worker.mjs). */
function startWorker(): Worker {
  const worker = new Worker(WORKER);
  worker.on('error', () => {}); // seen as the worker stopping (threadId -1) while waited for
  worker.unref();
  return worker;
}

/** Whether a file is worth scanning on several threads: the cores there are. */
export function scanWorkers(options: ParallelScanOptions = {}): number {
  return Math.max(1, options.workers ?? availableParallelism());
}

/** A line the scan kept. */
export type ScannedLine = TextLine;

/** What the workers read besides the lines they keep. */
export interface ScanReading {
  /**
   * The latest time of every line of the file, as startLatestTime reads it, found in the same
   * pass (LineScan.latest); a line that pass would stop at is kept, for the reader to report.
   */
  readonly latestKeys?: readonly string[];
  /** With `latestKeys`: read the times of the lines after one that is no JSON object too (the run skips such records). */
  readonly pastBad?: boolean;
}

/** A scan whose workers are running: its lines are read once, in file order; close() stops it unread. */
export interface LineScan {
  readonly lines: Iterable<ScannedLine>;
  /** With `latestKeys`, once every line is read: the latest time of the file's records (epoch milliseconds, 0 without times). */
  latest(): number;
  /** How many ranges each worker has claimed so far (on several threads, the last is the helper). */
  claimed(): number[];
  close(): void;
}

/**
 * Starts workers on the lines of `file` that `filter` keeps (and every line that does not look
 * like a JSON object, `{` … `}`, for the reader to report), to be read in file order with their
 * 1-based line numbers; blank lines never. The workers run ahead of the reader (up to a bound on
 * the kept text waiting), so a scan started before its reader is ready (a query still compiling)
 * has done much of its work by then. `counts` is added to as ranges are read. `reading` asks the
 * workers for each kept line's time, or the file's latest time, too.
 */
export function startLineScan(file: string, filter: LineFilter, counts: ScanCounts, options: ParallelScanOptions = {}, reading: ScanReading = {}): LineScan {
  const { latestKeys, pastBad = false } = reading;
  const ranges = startRanges<FilterResult>(file, { task: 'filter', needs: filter.needs, alwaysPass: filter.alwaysPass ?? [], ...(latestKeys ? { latestKeys, pastBad } : {}) }, options);
  let latest = 0;
  let ended = false;
  function* lines(): Generator<ScannedLine> {
    let before = 0;
    for (const result of ranges.results) {
      latest = Math.max(latest, result.latest ?? 0);
      const { kept, at } = result;
      for (let i = 0; i < kept.length; i++) yield { line: before + at[i]!, text: kept[i]! };
      before += result.lines;
      counts.lines = before;
      counts.records += result.records;
      counts.kept += kept.length;
    }
    ended = true;
  }
  return {
    lines: lines(),
    latest: () => {
      if (!latestKeys || !ended) throw new Error('the latest time of a scan is known once its lines are read, when asked for');
      return latest;
    },
    claimed: ranges.claimed,
    close: ranges.close,
  };
}

/** startLineScan, read as it goes: stopping early stops the workers. */
export function* scanLinesInParallel(file: string, filter: LineFilter, counts: ScanCounts, options: ParallelScanOptions = {}, reading: ScanReading = {}): Generator<ScannedLine> {
  const scan = startLineScan(file, filter, counts, options, reading);
  try {
    yield* scan.lines;
  } finally {
    scan.close();
  }
}

/** The latest time of a file's records, or its first line that is not a JSON object. */
export type LatestTime = { readonly latest: number; readonly records: number } | { readonly bad: TextLine };

/** A latest-time pass whose workers are running: result() waits for the rest; close() stops it unread. */
export interface LatestTimeScan {
  result(): LatestTime;
  close(): void;
}

/**
 * Starts the pass that finds the latest time (epoch milliseconds, 0 without times) of the records
 * of a JSON Lines file, each record's time being its first key of `timeKeys` holding a number
 * (epoch milliseconds; seconds for `_time`) or a date text (Date.parse): every line read, on
 * every core, while the caller goes on. Stops at the first line that is not a JSON object, unless
 * `pastBad` (the run skips such records: the line has no time).
 */
export function startLatestTime(file: string, timeKeys: readonly string[], options: ParallelScanOptions = {}, { pastBad = false } = {}): LatestTimeScan {
  const ranges = startRanges<LatestResult>(file, { task: 'latest', timeKeys, pastBad }, options);
  let found: LatestTime | undefined;
  return {
    result() {
      if (found) return found;
      let latest = 0;
      let lines = 0;
      let records = 0;
      try {
        for (const result of ranges.results) {
          if (result.bad) return (found = { bad: { line: lines + result.bad.at, text: result.bad.text } });
          latest = Math.max(latest, result.latest);
          lines += result.lines;
          records += result.records;
        }
      } finally {
        ranges.close();
      }
      return (found = { latest, records });
    },
    close: ranges.close,
  };
}

/** startLatestTime, waited for. */
export function latestTimeInParallel(file: string, timeKeys: readonly string[], options: ParallelScanOptions = {}, reading: { pastBad?: boolean } = {}): LatestTime {
  return startLatestTime(file, timeKeys, options, reading).result();
}

interface FilterResult { readonly lines: number; readonly records: number; readonly kept: string[]; readonly at: Int32Array; readonly chars: number; readonly latest?: number }
interface LatestResult { readonly lines: number; readonly records: number; readonly latest: number; readonly bad?: { readonly at: number; readonly text: string } }
type Task =
  | { readonly task: 'filter'; readonly needs: LineFilter['needs']; readonly alwaysPass: readonly string[]; readonly latestKeys?: readonly string[]; readonly pastBad?: boolean }
  | { readonly task: 'latest'; readonly timeKeys: readonly string[]; readonly pastBad: boolean };

// The shared counters (line-scan-worker.mjs says the same): ranges the reader has taken,
// characters of kept lines sent and not yet taken, the next range no worker has claimed, whether
// the reader is waiting for a range, each worker's count of results sent, then each range's
// worker (index + 1).
const TAKEN = 0;
const PENDING = 1;
const NEXT = 2;
const READER_WAITING = 3;
const FIRST_SENT = 4;

/**
 * Characters of kept lines the workers may have sent and the reader not yet taken, once they are
 * more than LOOKAHEAD_RANGES ranges ahead: what a scan started before its reader is ready holds.
 */
const PENDING_CHARS = 24 * 1024 * 1024;

/**
 * Starts the workers at once; `results` gives each range's result in file order (once). Workers
 * claim ranges in file order as they go; for a filter on several threads, one of them is a helper
 * that claims a range only while the reader waits for one (line-scan-worker.mjs): the reader runs
 * a query on the lines kept, and on a machine of two cores, two workers and the reader slowed
 * each other (a 1M sign-in .spl run: 0.78 s with two workers, 0.69 s with one; a pass that waits
 * on the scan needs both). A worker more than LOOKAHEAD_RANGES × n ranges ahead of what has been
 * taken from here waits while the kept text sent and not taken exceeds PENDING_CHARS.
 */
function startRanges<T>(file: string, task: Task, options: ParallelScanOptions): { results: Generator<T>; claimed(): number[]; close(): void } {
  const rangeBytes = Math.max(1, options.rangeBytes ?? RANGE_BYTES);
  const size = statSync(file).size;
  // The lines starting in each rangeBytes of the file (line-scan-worker.mjs finds where).
  const ranges = Math.ceil(size / rangeBytes);
  const workers = Math.min(scanWorkers(options), ranges);
  const helpers = task.task === 'filter' && workers > 1 ? 1 : 0;
  const shared = new Int32Array(new SharedArrayBuffer(4 * (FIRST_SENT + workers + ranges)));
  const owners = FIRST_SENT + workers;
  const started: { worker: Worker; port: MessagePort }[] = [];
  const close = () => {
    for (const { worker, port } of started.splice(0)) {
      port.close();
      void worker.terminate();
    }
  };
  try {
    for (let w = 0; w < workers; w++) {
      const { port1, port2 } = new MessageChannel();
      const worker = waiting.shift() ?? startWorker();
      started.push({ worker, port: port1 });
      worker.postMessage({
        ...task, file, size, rangeBytes, ranges, index: w, helper: w >= workers - helpers, workers, port: port2, signal: shared.buffer,
        lookahead: LOOKAHEAD_RANGES * workers, pendingChars: PENDING_CHARS, ...(options.pieceBytes ? { pieceBytes: options.pieceBytes } : {}),
      }, [port2]);
    }
  } catch (e) {
    close();
    throw e;
  }
  const workersOf = started.slice();
  /** Waits on `slot` while it holds `seen`, saying so to a helper. */
  const wait = (slot: number, seen: number) => {
    Atomics.store(shared, READER_WAITING, 1);
    Atomics.notify(shared, READER_WAITING);
    const waited = Atomics.wait(shared, slot, seen, 1000);
    Atomics.store(shared, READER_WAITING, 0);
    return waited;
  };
  const stopped = () => workersOf.every(({ worker }) => worker.threadId === -1);
  /** The worker that claimed range r (its index), once one has; -1 if none will. */
  const ownerOf = (r: number) => {
    for (;;) {
      const owner = Atomics.load(shared, owners + r);
      if (owner !== 0) return owner - 1;
      if (wait(owners + r, 0) === 'timed-out' && stopped()) return -1;
    }
  };
  /** The next result of worker w: waits on the shared counter it bumps after each message. */
  const receive = (w: number) => {
    const { worker, port } = workersOf[w]!;
    for (;;) {
      const seen = Atomics.load(shared, FIRST_SENT + w);
      const message = receiveMessageOnPort(port);
      if (message) return message.message as unknown;
      if (wait(FIRST_SENT + w, seen) === 'timed-out' && worker.threadId === -1) return { error: 'a scan worker stopped' };
    }
  };
  function* results(): Generator<T> {
    try {
      for (let r = 0; r < ranges; r++) {
        const owner = ownerOf(r);
        const result = owner === -1 ? { error: 'the scan workers stopped' } : receive(owner);
        if (typeof result === 'object' && result !== null && 'error' in result) throw new Error(`reading ${file}: ${String(result.error)}`);
        Atomics.sub(shared, PENDING, (result as { chars?: number }).chars ?? 0);
        Atomics.store(shared, TAKEN, r + 1);
        Atomics.notify(shared, TAKEN);
        yield result as T;
      }
    } finally {
      close();
    }
  }
  const claimed = () => {
    const counts = workersOf.map(() => 0);
    for (let r = 0; r < ranges; r++) {
      const owner = Atomics.load(shared, owners + r);
      if (owner !== 0) counts[owner - 1]!++;
    }
    return counts;
  };
  return { results: results(), claimed, close };
}
