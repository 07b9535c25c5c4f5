// What compiled stages share: where the text is (for errors), and, per run, the events, the
// lookups, the pinned "now" and a way to run subsearches.
import type { Command, Pipeline, SplSpan } from '../ast.ts';
import { SplRunError, SplUnsupportedError, type Locate } from './errors.ts';
import type { InputEvent } from './events.ts';
import type { Row } from './values.ts';

/** Receives rows; `push` returns false once it wants no more (head reached its count). */
export interface Sink {
  push(row: Row): boolean;
  end(): void;
}

export interface CompileContext {
  /** The text being compiled (macros expanded). */
  readonly source: string;
  readonly locate: Locate;
  /** Event type definitions (eventtypes.conf: name → search); eventtype= also reads an event's own eventtype field. */
  readonly eventtypes: ReadonlyMap<string, string>;
  /** The run's pinned time (epoch seconds), set when a run starts: now() and time() read it. */
  readonly clock: { now: number };
  /** A whole pipeline (a subsearch). */
  compilePipeline(pipeline: Pipeline): CompiledPipeline;
  /** Commands applied to incoming rows (appendpipe's pipeline; a leading search filters). */
  compileStages(commands: readonly Command[]): CompiledStage[];
  /** Commands given as text (a foreach template after substitution); errors point at `at`. */
  compileStagesText(text: string, at: SplSpan): CompiledStage[];
}

export interface RunEnv {
  /** Epoch seconds. */
  readonly now: number;
  /** The events searched, newest first (Splunk returns events in descending time order). */
  readonly events: readonly InputEvent[];
  /** `_time` of each event in `events` (epoch seconds). */
  readonly times: readonly (number | undefined)[];
  /**
   * Set instead of `events` when the pipeline's result does not depend on the order events come
   * in (see `orderFree`): the events in any order, read once, never held.
   */
  readonly unorderedEvents?: Iterable<InputEvent>;
  /** The time range picker's range (epoch seconds), applied to the base search and subsearches. */
  readonly range: { readonly earliest?: number; readonly latest?: number };
  /** The events already passed the base search's raw pre-filter (SplRunOptions.rawPrefiltered). */
  readonly rawPrefiltered: boolean;
  /** The time range the pipeline's base search ran over (set when it starts; timechart fills its bins over it). */
  readonly searchRange: { earliest?: number; latest?: number };
  /** Lookup tables by name; outputlookup writes here (a copy per run). */
  readonly lookups: Map<string, Row[]>;
  /** Runs a pipeline to completion (a subsearch). */
  collect(pipeline: CompiledPipeline, limit: number): Row[];
}

/** A pipeline ready to run. */
export interface CompiledPipeline {
  run(env: RunEnv, sink: Sink): void;
  /**
   * Whether the result is the same whatever order the events come in, so they can stream
   * through without being held and sorted newest first.
   */
  readonly orderFree: boolean;
  /**
   * The base search's raw pre-filter as data (SearchFilter.rawNeeds), when it is the only search
   * that reads the events (no subsearch): an event failing it is never in the result.
   */
  readonly rawNeeds: readonly (readonly string[])[] | null;
}

/** A non-generating command: wraps the sink after it. */
export interface CompiledStage {
  instantiate(env: RunEnv, next: Sink): Sink;
}

export const unsupportedAt = (ctx: { locate: Locate }, feature: string, span: SplSpan): SplUnsupportedError =>
  new SplUnsupportedError(feature, ctx.locate(span));

export const runErrorAt = (ctx: { locate: Locate }, problem: string, span: SplSpan): SplRunError => new SplRunError(problem, ctx.locate(span));

/** Where a command's name is (its span starts at the pipe before it). */
export function commandNameSpan(ctx: CompileContext, span: SplSpan): SplSpan {
  let start = span.start;
  if (ctx.source[start] === '|') start++;
  while (start < span.end && /\s/.test(ctx.source[start]!)) start++;
  return { ...span, start, col: span.col + (start - span.start) };
}
