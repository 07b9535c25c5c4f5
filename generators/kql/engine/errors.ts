// What the KQL engine reports instead of a result, each with the 1-based line and column in
// the query text:
// - KqlUnsupportedError: the query uses something this engine does not run (an operator, a
//   function, an argument shape, a case whose Kusto semantics it does not pin). Never a guess.
// - KqlRunError: the query is wrong for Kusto too (Kusto's own diagnostics: an unknown table or
//   column, a syntax error), or it cannot run on the rows it was given.
import type { KqlDiagnostic } from '../language-service.ts';

/** Where something is in the query text. */
export interface KqlPosition {
  readonly line: number;
  readonly col: number;
}

export class KqlUnsupportedError extends Error {
  constructor(
    readonly feature: string,
    readonly at: KqlPosition,
  ) {
    super(`unsupported: ${feature} at ${at.line}:${at.col}`);
    this.name = 'KqlUnsupportedError';
  }
}

export class KqlRunError extends Error {
  constructor(
    readonly problem: string,
    readonly at: KqlPosition,
    /** Kusto's diagnostics, when the problem is that the query does not analyse cleanly. */
    readonly diagnostics: readonly KqlDiagnostic[] = [],
  ) {
    super(`${problem} at ${at.line}:${at.col}`);
    this.name = 'KqlRunError';
  }
}

export function unsupported(feature: string, at: KqlPosition): KqlUnsupportedError {
  return new KqlUnsupportedError(feature, { line: at.line, col: at.col });
}

export function runError(problem: string, at: KqlPosition): KqlRunError {
  return new KqlRunError(problem, { line: at.line, col: at.col });
}

/** The query's first error diagnostic from Kusto's analyser, as a run error (all of them attached). */
export function diagnosticsError(diagnostics: readonly KqlDiagnostic[]): KqlRunError {
  const first = diagnostics[0]!;
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  return new KqlRunError(`${first.code} ${first.message}${more}`, { line: first.line, col: first.col }, diagnostics);
}
