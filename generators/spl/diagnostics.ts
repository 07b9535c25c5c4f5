// Problems found in SPL text, as values with a position. The parser, the validator and macro
// expansion all report through a DiagnosticSink; nothing here throws.
import type { SplSpan } from './ast.ts';

export interface SplDiagnostic {
  readonly severity: 'error' | 'warning';
  /** A stable identifier for the kind of problem (`unknown-command`, `eval-arity` …). */
  readonly code: string;
  readonly message: string;
  /** 1-based line and column of `start`. */
  readonly line: number;
  readonly col: number;
  /** Offsets into the text, UTF-16 units; `end` exclusive. */
  readonly start: number;
  readonly end: number;
}

/** Offsets → 1-based line and column; `\n`, `\r\n` and a lone `\r` end a line (as the lexer counts). */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\r' && text[i + 1] === '\n') continue;
      if (c === '\n' || c === '\r') this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }

  span(start: number, end: number): SplSpan {
    const { line, col } = this.position(start);
    return { start, end, line, col };
  }
}

export type Range = Pick<SplSpan, 'start' | 'end'>;

export class DiagnosticSink {
  readonly diagnostics: SplDiagnostic[] = [];

  constructor(private readonly lines: LineMap) {}

  error(at: Range, code: string, message: string): void {
    this.add('error', at, code, message);
  }

  warning(at: Range, code: string, message: string): void {
    this.add('warning', at, code, message);
  }

  add(severity: SplDiagnostic['severity'], at: Range, code: string, message: string): void {
    const { line, col } = this.lines.position(at.start);
    this.diagnostics.push({ severity, code, message, line, col, start: at.start, end: Math.max(at.start, at.end) });
  }
}

/** By position, then by code: a stable order for output and tests. */
export function sortDiagnostics(diagnostics: readonly SplDiagnostic[]): SplDiagnostic[] {
  return [...diagnostics].sort((a, b) => a.start - b.start || a.end - b.end || a.code.localeCompare(b.code));
}
