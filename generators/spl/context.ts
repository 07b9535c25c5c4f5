// What every grammar in the parser shares: the source, positions, the diagnostic sink, and
// the few recursive entry points (subsearch, eval expression) a command's arguments may need.
import type { EvalAssignment, Expr, FieldRef, Literal, MacroRef, SplSpan, Subsearch } from './ast.ts';
import type { TokenCursor } from './cursor.ts';
import type { DiagnosticSink, LineMap } from './diagnostics.ts';
import type { SplToken } from './tokens.ts';

export interface ParseContext {
  readonly source: string;
  readonly lines: LineMap;
  readonly sink: DiagnosticSink;
  readonly customCommands: ReadonlySet<string>;
  span(first: { start: number }, last: { end: number }): SplSpan;
  /** Parses `[ … ]`; the cursor is on the `[`. */
  subsearch(cursor: TokenCursor, options?: { readonly template?: boolean }): Subsearch;
  /** Parses `source[start, end)` as one eval expression of command `what`; null (with an error) when it is not one. */
  expression(start: number, end: number, what: string): Expr | null;
  /** Parses `source[start, end)` as `field=expr[, field=expr]…`. */
  assignments(start: number, end: number, what: string): EvalAssignment[];
  macro(token: SplToken): MacroRef;
  /** The current command's grammar stopped at a macro at `offset`: the rest becomes its tail. */
  macroTail(offset: number): void;
  literal(token: SplToken): Literal;
  /** A field named by a word, number or double-quoted string in command arguments. */
  field(token: SplToken): FieldRef;
}
