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
  return printable(`${where}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`);
}

const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_AND_NEWLINES = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for a terminal: control characters (ESC and the rest; newlines too when `newlines` is
 * false, tabs kept) and bidirectional overrides shown as `\u{…}`, so that text from a rule file
 * or an export (a test's name, a log's field) cannot drive the terminal or reorder what it shows.
 */
export function printable(text: string, { newlines = true }: { newlines?: boolean } = {}): string {
  return text.replace(newlines ? CONTROLS : CONTROLS_AND_NEWLINES, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** Thrown when input is unusable; carries every problem found, all with locations. */
export class InputError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'InputError';
  }
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');
