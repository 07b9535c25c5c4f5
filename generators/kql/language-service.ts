// Microsoft's Kusto language service (Kusto.Language compiled to JavaScript by Bridge.NET),
// loaded once per process on first use (≈0.3 s; never at import), behind a small typed API.
// Everything .NET-shaped (`$ctorN` overloads, `Count`/`getItem` lists, `{ v }` out-parameters)
// stays in this file.
import { createRequire } from 'node:module';

export interface KqlColumnSchema {
  readonly name: string;
  /** A Kusto scalar type name: string, int, long, real, bool, datetime, dynamic, guid, timespan, decimal. */
  readonly type: string;
}

export interface KqlTableSchema {
  readonly name: string;
  readonly columns: ReadonlyArray<KqlColumnSchema>;
}

/**
 * A stored function the query may call (for example Sentinel's `_GetWatchlist`, which is not
 * built into the language service), declared as a KQL user-defined function:
 * `{ name: '_GetWatchlist', parameters: '(alias:string)', body: '{ datatable(SearchKey:string)[] }' }`.
 * https://learn.microsoft.com/kusto/query/functions/user-defined-functions
 */
export interface KqlFunctionDeclaration {
  readonly name: string;
  readonly parameters: string;
  readonly body: string;
}

export interface KqlAnalysisOptions {
  readonly functions?: readonly KqlFunctionDeclaration[];
}

export type KqlSeverity = 'error' | 'warning' | 'suggestion' | 'information';

export interface KqlDiagnostic {
  /** Kusto's code, e.g. KS142 (unknown name), KS204 (unknown table), KS001 (missing token). */
  readonly code: string;
  readonly severity: KqlSeverity | (string & {});
  readonly message: string;
  /** Offset and length in the query text, in UTF-16 code units. */
  readonly start: number;
  readonly length: number;
  /** 1-based, by Kusto's own line breaks (\r\n, \n, \r). */
  readonly line: number;
  readonly col: number;
}

/** A string literal as Kusto's parser reads it: adjacent literals are one (they concatenate). */
export interface KqlStringLiteral {
  readonly start: number;
  readonly length: number;
  /** The decoded value. */
  readonly value: string;
}

/* ---- The slice of Kusto.Language's API used here (see Kusto.Language.Bridge.d.ts). ---- */

interface NetList<T> { readonly Count: number; getItem(i: number): T }
/** GetSyntaxDiagnostics() returns a plain, empty JS array when there is nothing to report. */
type DiagnosticList = NetList<NetDiagnostic> | NetDiagnostic[] | null;
interface NetDiagnostic { Code: string; Severity: string; Message: string; Start: number; Length: number }
interface NetSyntaxElement {
  Kind: number;
  TextStart: number;
  Width: number;
  /** Tokens: the decoded text of a literal. */
  ValueText?: string | null;
  /** Literal expressions: the decoded value. */
  LiteralValueInfo?: { ValueText: string | null } | null;
  /** Binary expressions: the operands. */
  Left?: NetSyntaxElement | null;
  Right?: NetSyntaxElement | null;
  /** Expressions, after ParseAndAnalyze: the bound type (`string`, `long`, …). */
  ResultType?: { Name: string } | null;
  WalkElements(action: (e: NetSyntaxElement) => void): void;
  WalkNodes(action: (node: NetSyntaxElement) => void): void;
}
interface NetCode {
  Syntax: NetSyntaxElement;
  GetDiagnostics(): DiagnosticList;
  TryGetLineAndOffset(position: number, line: { v: number }, offset: { v: number }): boolean;
}
/** A Kusto object this file only passes back to Kusto (symbols, GlobalState). */
interface Opaque { readonly __kustoObject: true }
interface KustoLanguage {
  KustoCode: { Parse(text: string): NetCode; ParseAndAnalyze(text: string, globals: Opaque): NetCode };
  GlobalState: { Default: { WithDatabase(db: Opaque): Opaque } };
  Symbols: {
    ScalarTypes: { GetSymbol(name: string): Opaque | null };
    ColumnSymbol: new (name: string, type: Opaque, description: null, originalColumns: null, source: null, examples: null) => Opaque;
    TableSymbol: { $ctor4: new (name: string, columns: Opaque[]) => Opaque };
    FunctionSymbol: { $ctor16: new (name: string, parameterList: string, body: string, description: null) => Opaque };
    DatabaseSymbol: { $ctor3: new (name: string, alternateName: null, members: Opaque[], isOpen: boolean) => Opaque };
  };
  Syntax: { SyntaxKind: Record<string, number> };
}

let language: KustoLanguage | undefined;

/**
 * Loads the Kusto language service now if it is not loaded yet. It loads itself on first use;
 * call this only to time the load or to pay for it up front.
 */
export function kusto(): void {
  kustoLanguage();
}

function kustoLanguage(): KustoLanguage {
  if (!language) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.js'); // defines the Bridge.NET runtime globals
    require('@kusto/language-service-next'); // defines globalThis.Kusto
    language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  }
  return language;
}

function toArray(list: DiagnosticList): NetDiagnostic[] {
  if (!list) return [];
  return Array.isArray(list) ? list : Array.from({ length: list.Count }, (_, i) => list.getItem(i));
}

/** All of the code's diagnostics, with 1-based line and column from Kusto's own line map. */
function diagnosticsOf(code: NetCode): KqlDiagnostic[] {
  return toArray(code.GetDiagnostics()).map((d) => located(code, d));
}

function located(code: NetCode, d: NetDiagnostic): KqlDiagnostic {
  const line = { v: 1 };
  const col = { v: 1 };
  code.TryGetLineAndOffset(d.Start, line, col);
  return { code: d.Code, severity: String(d.Severity).toLowerCase(), message: d.Message, start: d.Start, length: d.Length, line: line.v, col: col.v };
}

/** Syntax only (KustoCode.Parse): no names are resolved. */
export function kqlSyntaxDiagnostics(text: string): KqlDiagnostic[] {
  return diagnosticsOf(kustoLanguage().KustoCode.Parse(text));
}

/** Syntax plus name and type binding (KustoCode.ParseAndAnalyze) against a database holding `tables`. */
export function kqlSemanticDiagnostics(text: string, tables: readonly KqlTableSchema[], options: KqlAnalysisOptions = {}): KqlDiagnostic[] {
  return diagnosticsOf(kustoLanguage().KustoCode.ParseAndAnalyze(text, globalsFor(tables, options.functions ?? [])));
}

export interface KqlAnalysis {
  /** Kusto's own diagnostics (as kqlSemanticDiagnostics). */
  readonly diagnostics: KqlDiagnostic[];
  /** Our DETC001 number-vs-string comparisons; empty unless Kusto reports no error (types only mean something once names bind). */
  readonly mismatches: KqlDiagnostic[];
}

/** One ParseAndAnalyze for both Kusto's diagnostics and the comparisons it lets through. */
export function analyzeKql(text: string, tables: readonly KqlTableSchema[], options: KqlAnalysisOptions = {}): KqlAnalysis {
  const code = kustoLanguage().KustoCode.ParseAndAnalyze(text, globalsFor(tables, options.functions ?? []));
  const diagnostics = diagnosticsOf(code);
  return { diagnostics, mismatches: diagnostics.some((d) => d.severity === 'error') ? [] : typeMismatches(code) };
}

const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);
const COMPARISONS = /^(Equal|NotEqual|LessThan|LessThanOrEqual|GreaterThan|GreaterThanOrEqual|In|NotIn)Expression$/;
let kindNames: Map<number, string> | undefined;

/**
 * Comparisons of a number with a string, which Kusto's analyser accepts silently for ==, != and
 * in, in either direction (`ErrorCode != "0"` on an int column is true for every row); reported
 * as DETC001. (Ordering operators with mixed types are Kusto's own KS106.)
 */
function typeMismatches(code: NetCode): KqlDiagnostic[] {
  kindNames ??= new Map(Object.entries(kustoLanguage().Syntax.SyntaxKind).map(([name, value]) => [value, name]));
  const names = kindNames;
  const found: KqlDiagnostic[] = [];
  code.Syntax.WalkNodes((node) => {
    const kind = names.get(node.Kind) ?? '';
    if (!COMPARISONS.test(kind) || !node.Left?.ResultType || !node.Right) return;
    const left = node.Left.ResultType.Name;
    const rightTypes: string[] = [];
    if (kind.includes('In')) node.Right.WalkNodes((n) => { if (names.get(n.Kind)?.endsWith('LiteralExpression') && n.ResultType) rightTypes.push(n.ResultType.Name); });
    else if (node.Right.ResultType) rightTypes.push(node.Right.ResultType.Name);
    const clash = rightTypes.find((r) => (NUMERIC.has(left) && r === 'string') || (left === 'string' && NUMERIC.has(r)));
    if (clash) {
      const message = `compares ${left} with ${clash}: Kusto does not convert between them, so this does not mean what it reads as; convert one side (toint(), tostring()) or use a ${left} literal`;
      found.push(located(code, { Code: 'DETC001', Severity: 'Error', Message: message, Start: node.TextStart, Length: node.Width }));
    }
  });
  return found;
}

/** Building a GlobalState is not free: one per distinct set of tables and functions. */
const globalsCache = new Map<string, Opaque>();

function globalsFor(tables: readonly KqlTableSchema[], functions: readonly KqlFunctionDeclaration[]): Opaque {
  const key = JSON.stringify([
    tables.map((t) => [t.name, t.columns.map((c) => [c.name, c.type])]),
    functions.map((f) => [f.name, f.parameters, f.body]),
  ]);
  let globals = globalsCache.get(key);
  if (!globals) {
    const K = kustoLanguage();
    const tableSymbols = tables.map((t) => new K.Symbols.TableSymbol.$ctor4(t.name, t.columns.map((c) => {
      const type = K.Symbols.ScalarTypes.GetSymbol(c.type);
      if (!type) throw new Error(`KQL table ${t.name}: column ${c.name} has unknown type '${c.type}'`);
      return new K.Symbols.ColumnSymbol(c.name, type, null, null, null, null);
    })));
    const withTables = (members: Opaque[]) => K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.$ctor3('detc', null, members, false));
    globals = withTables(tableSymbols);
    if (functions.length) {
      // Kusto takes a malformed declaration silently (a bad parameter list becomes "no
      // parameters"), so each one is first analysed as a `let` over the same tables.
      for (const f of functions) {
        const problems = diagnosticsOf(K.KustoCode.ParseAndAnalyze(`let ${f.name} = ${f.parameters} ${f.body};\nprint 1`, globals));
        if (problems.length) throw new Error(`KQL function ${f.name}: ${problems.map((p) => `${p.code} ${p.message}`).join('; ')}`);
      }
      globals = withTables([...tableSymbols, ...functions.map((f) => new K.Symbols.FunctionSymbol.$ctor16(f.name, f.parameters, f.body, null))]);
    }
    globalsCache.set(key, globals);
  }
  return globals;
}

/**
 * Every string literal in the query, in source order, with the value Kusto's own parser decodes
 * (`ValueInfo.ValueText`: "the unescaped value of a string literal"). Adjacent literals form
 * one CompoundStringLiteralExpression whose value is their concatenation; a string token that
 * is not part of a literal expression (a property name inside dynamic(…)) is reported alone.
 */
export function kqlStringLiterals(text: string): KqlStringLiteral[] {
  const K = kustoLanguage();
  const { StringLiteralToken, StringLiteralExpression, CompoundStringLiteralExpression } = K.Syntax.SyntaxKind;
  const literals: KqlStringLiteral[] = [];
  let insideUntil = -1; // the end of the literal expression being walked: its tokens are part of it
  K.KustoCode.Parse(text).Syntax.WalkElements((e) => {
    let value: string | null | undefined;
    if (e.Kind === StringLiteralExpression || e.Kind === CompoundStringLiteralExpression) {
      value = e.LiteralValueInfo?.ValueText;
      insideUntil = e.TextStart + e.Width;
    } else if (e.Kind === StringLiteralToken && e.TextStart >= insideUntil) value = e.ValueText;
    else return;
    literals.push({ start: e.TextStart, length: e.Width, value: value ?? '' });
  });
  return literals;
}
