// The shapes the KQL engine compiles a query into: rows as arrays in column order, scalar
// expressions as closures over a row, tabular expressions as relations (columns + a way to
// produce rows), and the per-run state the closures read (now, the input tables, memos).
import type { KqlSyntaxNode } from '../language-service.ts';
import type { KqlType } from './values.ts';

export type Row = unknown[];

/** A compiled scalar expression: evaluated once per row, no tree walking. */
export type Scalar = (row: Row) => unknown;

export interface Column {
  readonly name: string;
  readonly type: KqlType;
  /** Computed from an estimating aggregate (dcount, percentile …) on the real product. */
  readonly estimated?: boolean;
}

export interface Compiled {
  readonly fn: Scalar;
  readonly type: KqlType;
  /** Depends on a column Kusto only estimates. */
  readonly estimated: boolean;
  /** Made of literals only: the same value on every row of every run (safe to fold at compile time). */
  readonly constant: boolean;
  /** The same value on every row of a run (literals, `let` scalars, toscalar(), now()). */
  readonly invariant: boolean;
}

/** A compiled tabular expression. Filters and projections stream; blocking operators hold their input. */
export interface Relation {
  readonly columns: readonly Column[];
  rows(): Iterable<Row>;
}

/** What one run of a compiled query sees. Compiled closures hold it and read it while rows flow. */
export interface RunState {
  /** Increases on every run: values memoized for a run (let scalars, materialize()) are redone on the next. */
  run: number;
  /** The pinned now(), as a datetime (milliseconds since time.ts DATETIME_ORIGIN). */
  now: number;
  /** Input tables by name, rows converted to the engine's values in the table's column order. */
  table(name: string): Iterable<Row>;
  /** externaldata(...)["url"]: the rows the caller supplied for the URL. */
  externalData(url: string): readonly Record<string, unknown>[] | undefined;
}

/** What a name in a `let` statement (or a function parameter) stands for. */
export type Binding =
  | { readonly kind: 'scalar'; readonly compiled: Compiled }
  | { readonly kind: 'table'; readonly relation: Relation }
  | { readonly kind: 'function'; readonly declaration: KqlSyntaxNode; readonly scope: Scope };

/** Names bound by `let` statements and function parameters; inner scopes shadow outer ones. */
export class Scope {
  private readonly bindings = new Map<string, Binding>();
  constructor(private readonly parent?: Scope) {}

  bind(name: string, binding: Binding): void {
    this.bindings.set(name, binding);
  }

  lookup(name: string): Binding | undefined {
    return this.bindings.get(name) ?? this.parent?.lookup(name);
  }
}

/** A value computed at most once per run. */
export function oncePerRun<T>(state: RunState, compute: () => T): () => T {
  let run = -1;
  let value: T;
  return () => {
    if (run !== state.run) {
      value = compute();
      run = state.run;
    }
    return value;
  };
}
