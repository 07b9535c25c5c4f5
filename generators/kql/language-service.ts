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
  Parent: NetSyntaxElement | null;
  TextStart: number;
  Width: number;
  /** Tokens: the decoded text of a literal. */
  ValueText?: string | null;
  /** Literal expressions: the decoded value. */
  LiteralValueInfo?: { ValueText: string | null } | null;
  WalkElements(action: (e: NetSyntaxElement) => void): void;
}
interface NetCode {
  Syntax: NetSyntaxElement;
  GetDiagnostics(): DiagnosticList;
  TryGetLineAndOffset(position: number, line: { v: number }, offset: { v: number }): boolean;
}
interface Opaque { readonly __kusto: unique symbol }
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

function kusto(): KustoLanguage {
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
  return toArray(code.GetDiagnostics()).map((d) => {
    const line = { v: 1 };
    const col = { v: 1 };
    code.TryGetLineAndOffset(d.Start, line, col);
    return { code: d.Code, severity: String(d.Severity).toLowerCase(), message: d.Message, start: d.Start, length: d.Length, line: line.v, col: col.v };
  });
}

/** Syntax only (KustoCode.Parse): no names are resolved. */
export function kqlSyntaxDiagnostics(text: string): KqlDiagnostic[] {
  return diagnosticsOf(kusto().KustoCode.Parse(text));
}

/** Syntax plus name and type binding (KustoCode.ParseAndAnalyze) against a database holding `tables`. */
export function kqlSemanticDiagnostics(text: string, tables: readonly KqlTableSchema[], options: KqlAnalysisOptions = {}): KqlDiagnostic[] {
  return diagnosticsOf(kusto().KustoCode.ParseAndAnalyze(text, globalsFor(tables, options.functions ?? [])));
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
    const K = kusto();
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
  const K = kusto();
  const { StringLiteralToken, StringLiteralExpression, CompoundStringLiteralExpression } = K.Syntax.SyntaxKind;
  const isLiteralExpression = (kind: number | undefined) => kind === StringLiteralExpression || kind === CompoundStringLiteralExpression;
  const literals: KqlStringLiteral[] = [];
  K.KustoCode.Parse(text).Syntax.WalkElements((e) => {
    let value: string | null | undefined;
    if (isLiteralExpression(e.Kind)) value = e.LiteralValueInfo?.ValueText;
    else if (e.Kind === StringLiteralToken && !isLiteralExpression(e.Parent?.Kind)) value = e.ValueText;
    else return;
    literals.push({ start: e.TextStart, length: e.Width, value: value ?? '' });
  });
  return literals;
}
