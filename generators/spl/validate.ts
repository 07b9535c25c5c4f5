// The SPL validator: the entry point `detc validate search.spl` and `detc build` use.
// Parses the text as written (macros as nodes), runs the footgun checks, and, when macro
// definitions are given, also validates the expanded text, reporting what goes wrong inside a
// macro at the macro call.
import type { Pipeline } from './ast.ts';
import { DiagnosticSink, LineMap, sortDiagnostics, type SplDiagnostic } from './diagnostics.ts';
import { lintSpl } from './lint.ts';
import { expandMacros, MacroTable, type MacroDefinition } from './macros.ts';
import { parseSpl } from './parser.ts';

export type { SplDiagnostic } from './diagnostics.ts';

export interface SplValidateOptions {
  /** Macro definitions; without them macros stay unexpanded and are not checked against definitions. */
  readonly macros?: MacroTable | Iterable<MacroDefinition>;
  /** With `macros`: a macro missing from them is an error (default), or kept unexpanded. */
  readonly undefinedMacros?: 'error' | 'keep';
  /** App commands to accept besides Splunk's built-in ones. */
  readonly customCommands?: Iterable<string>;
}

export interface SplValidation {
  readonly ast: Pipeline;
  /** Sorted by position; positions are in `text` as given. */
  readonly diagnostics: SplDiagnostic[];
}

export function validateSpl(text: string, options: SplValidateOptions = {}): SplDiagnostic[] {
  return analyzeSpl(text, options).diagnostics;
}

/** validateSpl that also returns the tree of the text as written. */
export function analyzeSpl(text: string, options: SplValidateOptions = {}): SplValidation {
  const customCommands = [...(options.customCommands ?? [])];
  const { ast, diagnostics } = checkText(text, customCommands);
  if (options.macros === undefined) return { ast, diagnostics };

  const table = options.macros instanceof MacroTable ? options.macros : new MacroTable(options.macros);
  const expansion = expandMacros(text, table, { undefinedMacros: options.undefinedMacros ?? 'error' });
  const all = [...diagnostics, ...expansion.diagnostics];
  if (expansion.text !== text) {
    const seen = new Set(diagnostics.map(identity));
    for (const d of checkText(expansion.text, customCommands).diagnostics) {
      const mapped = mapBack(d, expansion, text);
      if (!seen.has(identity(mapped))) {
        seen.add(identity(mapped));
        all.push(mapped);
      }
    }
  }
  return { ast, diagnostics: sortDiagnostics(all) };
}

function checkText(text: string, customCommands: readonly string[]): SplValidation {
  const { ast, diagnostics } = parseSpl(text, { customCommands });
  const sink = new DiagnosticSink(new LineMap(text));
  lintSpl(ast, text, sink);
  return { ast, diagnostics: sortDiagnostics([...diagnostics, ...sink.diagnostics]) };
}

const identity = (d: SplDiagnostic): string => `${d.start}:${d.code}:${d.message}`;

/** A diagnostic on the expanded text, placed on the original: inside a macro's expansion, at the macro. */
function mapBack(d: SplDiagnostic, expansion: ReturnType<typeof expandMacros>, original: string): SplDiagnostic {
  const lines = new LineMap(original);
  const macro = expansion.macroAt(d.start);
  if (macro) {
    const { line, col } = lines.position(macro.start);
    return { ...d, message: `in the expansion of \`${macro.name}\`: ${d.message}`, start: macro.start, end: macro.end, line, col };
  }
  const start = expansion.sourceOffset(d.start);
  const end = Math.max(start, expansion.sourceOffset(Math.max(d.start, d.end - 1)) + 1);
  const { line, col } = lines.position(start);
  return { ...d, start, end: Math.min(end, original.length), line, col };
}
