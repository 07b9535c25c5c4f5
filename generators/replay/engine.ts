// What the harness needs from a query engine: run a generated query's text on native rows.
import type { TargetName } from '../logsources/types.ts';
import type { RenderedQuery } from '../targets/rendered.ts';
import type { NativeRows } from './materialize.ts';

export interface EngineResult {
  readonly rows: ReadonlyArray<Record<string, unknown>>;
  /** Output columns the engine computed exactly where the real product estimates (Kusto dcount). */
  readonly estimated?: readonly string[];
}

export interface ReplayContext {
  /** Epoch milliseconds: the test's pinned "now". */
  readonly now: number;
  /** Splunk: macro name → definition (the log-source macros the search starts from). */
  readonly macros: ReadonlyMap<string, string>;
}

export interface ReplayEngine {
  readonly target: TargetName;
  run(query: RenderedQuery, table: NativeRows, context: ReplayContext): EngineResult;
  /** The columns of `table` the query's run looks up in a row (undefined: any): the rows given need no others. */
  inputColumns?(query: RenderedQuery, table: Omit<NativeRows, 'rows'>): ReadonlySet<string> | undefined;
}
