// What the engine reports instead of a result. Two kinds, both with the position in the text
// the caller gave (before macro expansion):
// - SplUnsupportedError: the search uses something this engine does not run (a command, a
//   function, an option, a case whose Splunk semantics it does not pin). Never a guess.
// - SplRunError: the search is wrong for Splunk too (unknown lookup, eval assigning a
//   Boolean, a generating command in the middle of a pipeline …), or does not parse.
import type { SplSpan } from '../ast.ts';

/** Where a span of the expanded text is in the original text, as `line:col`. */
export type Locate = (span: SplSpan) => string;

const lineCol = (at: string): { line: number; col: number } => {
  const [line, col] = at.split(':').map(Number);
  return { line: line ?? 0, col: col ?? 0 };
};

export class SplUnsupportedError extends Error {
  /** 1-based position in the search text as given. */
  readonly line: number;
  readonly col: number;
  constructor(
    readonly feature: string,
    /** `line:col`. */
    readonly at: string,
  ) {
    super(`unsupported: ${feature} at ${at}`);
    this.name = 'SplUnsupportedError';
    ({ line: this.line, col: this.col } = lineCol(at));
  }
}

export class SplRunError extends Error {
  /** 1-based position in the search text as given. */
  readonly line: number;
  readonly col: number;
  constructor(
    readonly problem: string,
    /** `line:col`. */
    readonly at: string,
  ) {
    super(`${problem} at ${at}`);
    this.name = 'SplRunError';
    ({ line: this.line, col: this.col } = lineCol(at));
  }
}

/** Something a compiled stage found at run time; the stage knows where it is. */
export function unsupported(feature: string, span: SplSpan, locate: Locate): SplUnsupportedError {
  return new SplUnsupportedError(feature, locate(span));
}

export function runError(problem: string, span: SplSpan, locate: Locate): SplRunError {
  return new SplRunError(problem, locate(span));
}
