// The SPL replay engine: runs SPL text over events with Splunk's documented semantics, so the
// harness can replay generated Splunk searches and an analyst can run a hunt on an exported log.
//
//   runSpl(search, events, { now, macros?, lookups?, earliest?, latest? }) → { columns, rows }
//
// - `now`, `earliest`, `latest`: epoch milliseconds. earliest/latest are the time range picker's
//   range (latest exclusive); time modifiers in the search override them. Without any, the
//   search covers all time.
// - Events: `_time` in epoch seconds, `_raw` when present, extracted fields with their Splunk
//   names (`status.errorCode`); an event with only `_raw` JSON gets the fields KV_MODE=json
//   extracts. Events are searched newest first, as Splunk returns them — an array of events is
//   sorted so; any other iterable (a file being read) streams through unheld when the result
//   cannot depend on the order (`| stats dc(x) by y` …), and is held and sorted otherwise.
// - Rows come back as Splunk holds them: text or numbers, multivalue fields as arrays, `_time`
//   in epoch seconds. `columns` lists every field of the rows in first-seen order.
// - Anything the engine does not run throws SplUnsupportedError ("unsupported: … at line:col");
//   a search that is wrong for Splunk too throws SplRunError. Never a guessed answer.
import { LineMap } from '../diagnostics.ts';
import { expandMacros, MacroTable } from '../macros.ts';
import { parseSpl } from '../parser.ts';
import type { RunEnv, Sink } from './context.ts';
import { SplRunError, SplUnsupportedError, type Locate } from './errors.ts';
import { eventTime, type InputEvent } from './events.ts';
import { EngineCompiler } from './pipeline.ts';
import type { CompiledPipeline } from './context.ts';
import type { Row, Scalar } from './values.ts';

export { SplRunError, SplUnsupportedError } from './errors.ts';
export type { InputEvent } from './events.ts';

export interface SplRunOptions {
  /** Epoch milliseconds: the search's "now" (relative time modifiers, now()). */
  readonly now: number;
  /** Search macros: a macros.conf table, or name → definition for macros without arguments. */
  readonly macros?: MacroTable | ReadonlyMap<string, string>;
  /**
   * Event types (eventtypes.conf: name → search string). Without a definition, eventtype= and
   * tag= match the eventtype and tag fields events carry (as Splunk exports them).
   */
  readonly eventtypes?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Lookup tables by name (`users.csv` or `users`): rows of column → value. */
  readonly lookups?: Readonly<Record<string, readonly Readonly<Record<string, string>>[]>>;
  /** Epoch milliseconds: the time range picker's earliest (inclusive). */
  readonly earliest?: number;
  /** Epoch milliseconds: the time range picker's latest (exclusive). */
  readonly latest?: number;
  /**
   * The events given already passed the test of `rawNeeds` (a reader of JSON Lines dropped the
   * others by it): the base search does not test their `_raw` again.
   */
  readonly rawPrefiltered?: boolean;
}

export interface SplResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
}

export interface CompiledSpl {
  /** Whether events given as a non-array iterable stream through once, unheld (the result does not depend on their order). */
  readonly streams: boolean;
  /**
   * Groups of values the `_raw` JSON of an event must hold, one of each group compared
   * case-insensitively, for the event to be in the result (events whose fields all come from
   * `_raw`; a `_raw` with a backslash, U+0130 or U+212A is exempt): a reader of JSON Lines may
   * drop other lines unread. Null: no such test.
   */
  readonly rawNeeds: readonly (readonly string[])[] | null;
  run(events: Iterable<InputEvent>, options: Omit<SplRunOptions, 'macros' | 'eventtypes'>): SplResult;
}

export function runSpl(search: string, events: Iterable<InputEvent>, options: SplRunOptions): SplResult {
  return compileSpl(search, options).run(events, options);
}

/** Parses and compiles once; `run` many times (each run is independent). */
export function compileSpl(search: string, options: Pick<SplRunOptions, 'macros' | 'eventtypes'> = {}): CompiledSpl {
  const table = toMacroTable(options.macros);
  const original = new LineMap(search);
  let text = search;
  let sourceOffset = (offset: number): number => offset;
  const positionOf = (offset: number): string => {
    const { line, col } = original.position(sourceOffset(offset));
    return `${line}:${col}`;
  };
  if (search.includes('`')) {
    const expansion = expandMacros(search, table, { undefinedMacros: 'error' });
    const error = expansion.diagnostics.find((d) => d.severity === 'error');
    if (error) throw new SplRunError(error.message, `${error.line}:${error.col}`);
    text = expansion.text;
    sourceOffset = expansion.sourceOffset;
  }
  const locate: Locate = (span) => positionOf(span.start);
  const { ast, diagnostics } = parseSpl(text);
  const unknown = diagnostics.find((d) => d.code === 'unknown-command');
  if (unknown) throw new SplUnsupportedError(`command ${text.slice(unknown.start, unknown.end)} (not a Splunk built-in)`, positionOf(unknown.start));
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new SplRunError(error.message, positionOf(error.start));
  const clock = { now: 0 };
  const eventtypes = options.eventtypes instanceof Map ? options.eventtypes : new Map(Object.entries(options.eventtypes ?? {}));
  const compiler = new EngineCompiler(text, locate, clock, eventtypes as ReadonlyMap<string, string>);
  const pipeline = compiler.compilePipeline(ast);
  return {
    streams: pipeline.orderFree,
    rawNeeds: pipeline.rawNeeds,
    run: (events, runOptions) => {
      clock.now = runOptions.now / 1000;
      // An array is searched newest first, as Splunk does. Any other iterable streams through
      // once, never held, when the result does not depend on the order (`orderFree`): otherwise
      // its events are held and sorted newest first too.
      const stream = !Array.isArray(events) && pipeline.orderFree;
      const env = runEnv(stream ? [] : events, runOptions, stream ? events : undefined);
      const rows = collect(pipeline, env, Infinity);
      return present(rows);
    },
  };
}

function toMacroTable(macros: SplRunOptions['macros']): MacroTable {
  if (macros === undefined) return new MacroTable();
  if (macros instanceof MacroTable) return macros;
  return new MacroTable([...macros].map(([name, definition]) => ({ name, args: [], definition })));
}

function runEnv(input: Iterable<InputEvent>, options: Omit<SplRunOptions, 'macros' | 'eventtypes'>, unorderedEvents?: Iterable<InputEvent>): RunEnv {
  let events = Array.isArray(input) ? (input as InputEvent[]) : [...input];
  let times = events.map(eventTime);
  // Newest first; events without a time last; ties keep their order.
  const order = newestFirst(times);
  if (order !== null) {
    events = order.map((i) => events[i]!);
    times = order.map((i) => times[i]);
  }
  const lookups = new Map<string, Row[]>();
  for (const [name, rows] of Object.entries(options.lookups ?? {})) {
    lookups.set(name, rows.map((r) => new Map(Object.entries(r).map(([k, v]) => [k, v as Scalar]))));
  }
  const range = {
    ...(options.earliest !== undefined ? { earliest: options.earliest / 1000 } : {}),
    ...(options.latest !== undefined ? { latest: options.latest / 1000 } : {}),
  };
  const env: RunEnv = {
    now: options.now / 1000,
    events,
    times,
    ...(unorderedEvents ? { unorderedEvents } : {}),
    range,
    rawPrefiltered: options.rawPrefiltered ?? false,
    searchRange: {},
    lookups,
    // A subsearch's own base search tests every event it reads.
    collect: (pipeline, limit) => collect(pipeline, { ...env, searchRange: {}, rawPrefiltered: false }, limit),
  };
  return env;
}

/** The order that puts events newest first (stable), or null when they already are. */
function newestFirst(times: readonly (number | undefined)[]): number[] | null {
  const n = times.length;
  let descending = true;
  let ascending = true;
  for (let i = 1; i < n && (descending || ascending); i++) {
    const [a, b] = [times[i - 1], times[i]];
    if (a === undefined || b === undefined) {
      if (a === undefined && b !== undefined) descending = false;
      ascending = false;
      continue;
    }
    if (b > a) descending = false;
    if (b < a) ascending = false;
  }
  if (descending) return null;
  if (ascending) {
    // Oldest first, as exports usually are: walk back run by run, each run of equal times in order.
    const order: number[] = [];
    let end = n;
    while (end > 0) {
      let start = end - 1;
      while (start > 0 && times[start - 1] === times[end - 1]) start--;
      for (let i = start; i < end; i++) order.push(i);
      end = start;
    }
    return order;
  }
  return times
    .map((_, i) => i)
    .sort((i, j) => {
      const [a, b] = [times[i], times[j]];
      if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0) || i - j;
      return b - a || i - j;
    });
}

function collect(pipeline: CompiledPipeline, env: RunEnv, limit: number): Row[] {
  const rows: Row[] = [];
  const sink: Sink = {
    push: (row) => {
      rows.push(row);
      return rows.length < limit;
    },
    end: () => {},
  };
  pipeline.run(env, sink);
  return rows;
}

function present(rows: readonly Row[]): SplResult {
  const columns: string[] = [];
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    const record: Record<string, unknown> = {};
    for (const [name, value] of row) {
      if (!seen.has(name)) (seen.add(name), columns.push(name));
      if (value === null) continue;
      record[name] = typeof value === 'object' ? [...value] : value;
    }
    out.push(record);
  }
  return { columns, rows: out };
}
