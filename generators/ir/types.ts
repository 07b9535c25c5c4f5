// The typed query IR: what a rule means, independent of any target language.
// Small immutable nodes in discriminated unions; renderers switch on `kind` exhaustively.
import type { CanonicalType, LogSource } from '../logsources/types.ts';

export type Scalar = string | number | boolean;

/** A wildcard pattern from a rule value: `*` any run, `?` one character, the rest literal. */
export type PatternPart = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'anyRun' } | { readonly kind: 'anyChar' };

export type StringOp = 'eq' | 'contains' | 'startswith' | 'endswith';
export type NumberOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

export type StringTest = { readonly kind: 'string'; readonly field: string; readonly op: StringOp; readonly value: string; readonly cased: boolean };
export type PatternTest = { readonly kind: 'pattern'; readonly field: string; readonly pattern: readonly PatternPart[]; readonly source: string; readonly cased: boolean };
export type ExistsTest = { readonly kind: 'exists'; readonly field: string; readonly exists: boolean };

/** What an entry test checks of the entry's value (a string). */
export type EntryValueTest = StringTest | PatternTest | ExistsTest;

/** One test of one field. A missing field satisfies no test (exists:false aside). */
export type FieldTest =
  | StringTest
  | PatternTest
  | { readonly kind: 'regex'; readonly field: string; readonly regex: string; readonly cased: boolean }
  | { readonly kind: 'cidr'; readonly field: string; readonly cidr: string }
  | { readonly kind: 'number'; readonly field: string; readonly op: NumberOp; readonly value: number }
  | { readonly kind: 'bool'; readonly field: string; readonly value: boolean }
  | ExistsTest
  /**
   * `parameters[PopEnabled]: "True"`: the value of the entry named `name` of a `namevalue`
   * field, tested by `test` (whose `field` is the same field). Names match case-insensitively;
   * an entry that is not there is a missing value (no positive test holds, exists:false does).
   */
  | { readonly kind: 'entry'; readonly field: string; readonly name: string; readonly test: EntryValueTest };

export type Predicate =
  | FieldTest
  | { readonly kind: 'and'; readonly items: readonly Predicate[] }
  | { readonly kind: 'or'; readonly items: readonly Predicate[] }
  | { readonly kind: 'not'; readonly item: Predicate }
  | { readonly kind: 'true' };

export type Aggregate =
  | { readonly fn: 'count' }
  | { readonly fn: 'countif'; readonly predicate: Predicate }
  | { readonly fn: 'dcount'; readonly field: string }
  | { readonly fn: 'dcountif'; readonly field: string; readonly predicate: Predicate }
  | { readonly fn: 'values'; readonly field: string; readonly cap: number }
  | { readonly fn: 'min' | 'max' | 'sum' | 'avg'; readonly field: string };

export interface ComputedColumn {
  readonly name: string;
  readonly aggregate: Aggregate;
}

/** The types of output columns; `list` is a sorted, distinct list of strings (values()). */
export type ColumnType = CanonicalType | 'long' | 'list';

export interface OutputColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** The canonical field it comes from (group-by and projected columns). */
  readonly field?: string;
}

export interface Summarize {
  readonly by: readonly string[];
  /** Seconds; output column `window` holds each bin's start. */
  readonly window?: number;
  readonly compute: readonly ComputedColumn[];
}

export type HavingExpr =
  | { readonly kind: 'compare'; readonly column: string; readonly op: '==' | '!=' | '<' | '<=' | '>' | '>='; readonly value: number | string }
  | { readonly kind: 'and' | 'or'; readonly items: readonly HavingExpr[] }
  | { readonly kind: 'not'; readonly item: HavingExpr };

export interface OrderKey {
  readonly column: string;
  readonly descending: boolean;
}

export interface Query {
  /** The rule's name (kebab-case); names the Splunk tuning macro. */
  readonly name: string;
  readonly logsource: LogSource;
  /** Seconds before `now` the query looks back (inclusive). */
  readonly lookback: number;
  readonly filter: Predicate;
  /** Rules without summarize: the canonical fields shown per event. */
  readonly project?: readonly string[];
  readonly summarize?: Summarize;
  readonly having?: HavingExpr;
  readonly order?: readonly OrderKey[];
  readonly limit?: number;
  readonly columns: readonly OutputColumn[];
  /** The rule's named selections (for coverage reports; `filter` already inlines them). */
  readonly selections: ReadonlyMap<string, Predicate>;
}

export const WINDOW_COLUMN = 'window';

export function fieldsOf(p: Predicate, into = new Set<string>()): Set<string> {
  switch (p.kind) {
    case 'and':
    case 'or':
      p.items.forEach((i) => fieldsOf(i, into));
      return into;
    case 'not':
      return fieldsOf(p.item, into);
    case 'true':
      return into;
    default:
      into.add(p.field);
      return into;
  }
}

/** The canonical fields a query reads (filter, group keys, aggregates, projection, timestamp). */
export function usedFields(query: Query): Set<string> {
  const used = fieldsOf(query.filter);
  used.add('timestamp');
  for (const f of query.project ?? []) used.add(f);
  for (const f of query.summarize?.by ?? []) used.add(f);
  for (const c of query.summarize?.compute ?? []) {
    if ('field' in c.aggregate) used.add(c.aggregate.field);
    if ('predicate' in c.aggregate) fieldsOf(c.aggregate.predicate, used);
  }
  return used;
}
