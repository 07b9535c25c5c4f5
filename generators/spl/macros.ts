// Search macros: definitions (macros.conf stanzas) and expansion. The parser keeps macros as
// nodes, so validation works on unexpanded text; expansion is for evaluating a search and for
// checking what a macro turns into.
//
// Splunk rules (https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/10.0/10.0.0-configuration-file-reference/macros.conf,
// https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.3/search-macros/search-macro-examples):
// - A stanza `[name]` defines a macro without arguments; `[name(N)]` one with N arguments,
//   named by `args = a, b`. Macros may be overloaded on the number of arguments.
// - The definition's `$a$` is replaced by the argument's text; arguments are positional, or
//   named (`iis_search(fragment=TM)`).
// - Macros nest; backticks inside quoted strings are not macros (the lexer already knows).
import { DiagnosticSink, LineMap, sortDiagnostics, type SplDiagnostic } from './diagnostics.ts';
import { lexSpl } from './lexer.ts';
import { splitMacroArguments } from './parser.ts';

export interface MacroDefinition {
  readonly name: string;
  /** Argument names, in order; empty for a macro without arguments. */
  readonly args: readonly string[];
  readonly definition: string;
  /** `iseval = 1`: the definition is an eval expression computing the text (not expanded here). */
  readonly iseval?: boolean;
}

/** Macros by `name` and arity (a macro may be overloaded on its number of arguments). */
export class MacroTable {
  private readonly byKey = new Map<string, MacroDefinition>();

  constructor(definitions: Iterable<MacroDefinition> = []) {
    for (const d of definitions) this.byKey.set(MacroTable.key(d.name, d.args.length), d);
  }

  static key(name: string, arity: number): string {
    return arity === 0 ? name : `${name}(${arity})`;
  }

  get(name: string, arity: number): MacroDefinition | undefined {
    return this.byKey.get(MacroTable.key(name, arity));
  }

  /** The arities `name` is defined with. */
  aritiesOf(name: string): number[] {
    return [...this.byKey.values()].filter((d) => d.name === name).map((d) => d.args.length);
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<MacroDefinition> {
    return this.byKey.values();
  }
}

// ---------------------------------------------------------------------------------------------
// macros.conf

export interface MacrosConfResult {
  readonly macros: MacroTable;
  /** Positions are in the macros.conf text. */
  readonly diagnostics: SplDiagnostic[];
}

const STANZA = /^\[([^\]()]+?)(?:\((\d+)\))?\]\s*$/;
const SETTING = /^([A-Za-z_][\w.]*)\s*=\s?([\s\S]*)$/;

/** Reads macros.conf text: stanzas, `definition`, `args`, `iseval`; `\` at a line end continues the value. */
export function parseMacrosConf(text: string): MacrosConfResult {
  const lines = new LineMap(text);
  const sink = new DiagnosticSink(lines);
  const definitions: MacroDefinition[] = [];
  let current: { name: string; arity: number; start: number; settings: Map<string, string> } | null = null;
  const finish = (): void => {
    if (!current) return;
    const { name, arity, start, settings } = current;
    const definition = settings.get('definition');
    const args = (settings.get('args') ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
    const at = { start, end: start + name.length + 2 };
    if (definition === undefined) sink.error(at, 'macro-definition', `macro stanza [${name}] has no definition`);
    else if (args.length !== arity) {
      sink.error(at, 'macro-args', `macro [${MacroTable.key(name, arity)}] declares ${args.length} argument name(s) in args =`);
    } else definitions.push({ name, args, definition, iseval: /^(?:1|true)$/i.test(settings.get('iseval') ?? '') });
    current = null;
  };
  const physical = text.split(/\r\n|\r|\n/);
  let offset = 0;
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i]!;
    const lineStart = offset;
    offset += line.length + 1;
    // Continuation lines: a value ending in a backslash goes on.
    while (line.endsWith('\\') && i + 1 < physical.length) {
      i++;
      line = `${line.slice(0, -1)}\n${physical[i]!}`;
      offset += physical[i]!.length + 1;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const stanza = STANZA.exec(trimmed);
    if (stanza) {
      finish();
      current = { name: stanza[1]!.trim(), arity: Number(stanza[2] ?? 0), start: lineStart, settings: new Map() };
      continue;
    }
    const setting = SETTING.exec(trimmed);
    if (setting && current) current.settings.set(setting[1]!.toLowerCase(), setting[2]!.trim());
    else if (!setting) sink.error({ start: lineStart, end: lineStart + line.length }, 'macros-conf', 'expected [stanza] or key = value');
  }
  finish();
  return { macros: new MacroTable(definitions), diagnostics: sortDiagnostics(sink.diagnostics) };
}

// ---------------------------------------------------------------------------------------------
// Expansion

export interface MacroExpansionOptions {
  /** A macro not in the table: an error (default), or kept as written. */
  readonly undefinedMacros?: 'error' | 'keep';
}

export interface MacroExpansion {
  readonly text: string;
  /** Positions are in the original text. */
  readonly diagnostics: SplDiagnostic[];
  /** Maps an offset in the expanded text to the original text (a macro's expansion maps to the macro). */
  readonly sourceOffset: (offset: number) => number;
  /** The macro call in the original text that produced the expanded text at `offset`, if any. */
  readonly macroAt: (offset: number) => { readonly name: string; readonly start: number; readonly end: number } | null;
}

/** A run of expanded text and where it came from. */
interface Segment {
  readonly outStart: number;
  readonly outEnd: number;
  readonly srcStart: number;
  readonly srcEnd: number;
  /** null: copied from the original; else the macro call it expands. */
  readonly macro: string | null;
}

const MAX_DEPTH = 50;

export function expandMacros(text: string, macros: MacroTable, options: MacroExpansionOptions = {}): MacroExpansion {
  const sink = new DiagnosticSink(new LineMap(text));
  const segments: Segment[] = [];
  let out = '';
  let copiedUpTo = 0;
  const copy = (end: number): void => {
    if (end <= copiedUpTo) return;
    segments.push({ outStart: out.length, outEnd: out.length + end - copiedUpTo, srcStart: copiedUpTo, srcEnd: end, macro: null });
    out += text.slice(copiedUpTo, end);
    copiedUpTo = end;
  };
  for (const token of lexSpl(text).tokens) {
    if (token.kind !== 'macro') continue;
    const report = (message: string, code: string): void => sink.error(token, code, message);
    const expansion = expandCall(token.value, macros, options, [], report);
    if (expansion === null) continue;
    copy(token.start);
    segments.push({ outStart: out.length, outEnd: out.length + expansion.length, srcStart: token.start, srcEnd: token.end, macro: callName(token.value) });
    out += expansion;
    copiedUpTo = token.end;
  }
  copy(text.length);
  const segmentAt = (offset: number): Segment | undefined =>
    segments.find((s) => offset >= s.outStart && offset < s.outEnd) ?? (offset >= out.length ? segments.at(-1) : undefined);
  return {
    text: out,
    diagnostics: sortDiagnostics(sink.diagnostics),
    sourceOffset: (offset) => {
      const s = segmentAt(offset);
      if (!s) return Math.min(offset, text.length);
      return s.macro === null ? s.srcStart + Math.min(offset - s.outStart, s.srcEnd - s.srcStart) : s.srcStart;
    },
    macroAt: (offset) => {
      const s = segmentAt(offset);
      return s && s.macro !== null ? { name: s.macro, start: s.srcStart, end: s.srcEnd } : null;
    },
  };
}

const callName = (body: string): string => {
  const open = body.indexOf('(');
  return (open < 0 ? body : body.slice(0, open)).trim();
};

/** The text a macro call (the body between backticks) expands to, fully; null to leave it as written. */
function expandCall(
  body: string,
  macros: MacroTable,
  options: MacroExpansionOptions,
  stack: readonly string[],
  report: (message: string, code: string) => void,
): string | null {
  const name = callName(body);
  const open = body.indexOf('(');
  const args = open < 0 ? [] : splitMacroArguments(body.trim().slice(open + 1, -1));
  const definition = macros.get(name, args.length);
  if (definition === undefined) {
    if (options.undefinedMacros === 'keep') return null;
    const arities = macros.aritiesOf(name);
    if (arities.length > 0) report(`macro \`${name}\` takes ${arities.join(' or ')} argument(s), given ${args.length}`, 'macro-arity');
    else report(`macro \`${MacroTable.key(name, args.length)}\` is not defined`, 'undefined-macro');
    return null;
  }
  if (definition.iseval) {
    report(`macro \`${name}\` is eval-based (iseval = 1): not expanded`, 'macro-iseval');
    return null;
  }
  const key = MacroTable.key(name, args.length);
  if (stack.includes(key) || stack.length >= MAX_DEPTH) {
    report(`macro \`${key}\` expands into itself (${[...stack, key].join(' → ')})`, 'macro-cycle');
    return null;
  }
  const values = bindArguments(definition, args);
  let expanded = definition.definition.replace(/\$([A-Za-z_][\w.]*)\$/g, (whole, arg: string) => values.get(arg) ?? whole);
  // Nested macros, innermost text first.
  const nested = lexSpl(expanded).tokens.filter((t) => t.kind === 'macro');
  for (const t of nested.reverse()) {
    const inner = expandCall(t.value, macros, options, [...stack, key], (message, code) => report(`in macro \`${key}\`: ${message}`, code));
    if (inner !== null) expanded = expanded.slice(0, t.start) + inner + expanded.slice(t.end);
  }
  return expanded;
}

/** Named (`a=1, b=2`, every argument named and declared) or positional arguments. */
function bindArguments(definition: MacroDefinition, args: readonly string[]): Map<string, string> {
  const named = args.map((a) => /^([A-Za-z_]\w*)\s*=\s*([\s\S]*)$/.exec(a));
  if (args.length > 0 && named.every((m) => m !== null && definition.args.includes(m[1]!))) {
    return new Map(named.map((m) => [m![1]!, m![2]!]));
  }
  return new Map(definition.args.map((name, i) => [name, args[i] ?? '']));
}
