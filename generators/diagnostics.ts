// Errors are values with a location. Every stage collects them; only the CLI prints them
// and decides the exit code.

export interface SourceLocation {
  readonly file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic extends SourceLocation {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export function error(at: SourceLocation, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, severity: 'error', message };
}

export function warning(at: SourceLocation, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, severity: 'warning', message };
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  return `${where}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

/** Thrown when input is unusable; carries every problem found, all with locations. */
export class InputError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'InputError';
  }
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');
