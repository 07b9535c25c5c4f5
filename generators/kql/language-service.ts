// Microsoft's Kusto language service (Kusto.Language compiled to JavaScript by Bridge.NET),
// loaded once per process, behind a small typed API. The .NET-isms stay in this file.
// Loading takes ~0.3 s: it happens on first use, never at import.
import { createRequire } from 'node:module';

export interface KqlTableSchema {
  readonly name: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: string }>;
}

export interface KqlDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  /** Offset and length in the query text. */
  readonly start: number;
  readonly length: number;
  /** 1-based. */
  readonly line: number;
  readonly col: number;
}

/* The slice of Kusto.Language's API used here (see Kusto.Language.Bridge.d.ts). */
interface NetList<T> { Count: number; getItem(i: number): T }
interface KustoDiagnostic { Code: string; Severity: string; Message: string; Start: number; Length: number }
interface KustoToken { Kind: number; Text: string; ValueText: string; TextStart: number; GetNextToken(): KustoToken | null }
interface KustoCode { GetDiagnostics(): NetList<KustoDiagnostic> | KustoDiagnostic[]; Syntax: { GetFirstToken(): KustoToken | null } }
interface KustoLanguage {
  KustoCode: { Parse(text: string): KustoCode; ParseAndAnalyze(text: string, globals: unknown): KustoCode };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: string | null) => unknown };
    DatabaseSymbol: { $ctor3: new (name: string, alternateName: string | null, members: unknown[], isOpen: boolean) => unknown };
  };
  Syntax: { SyntaxKind: Record<string, number> };
}

let language: KustoLanguage | undefined;

export function kusto(): KustoLanguage {
  if (!language) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next');
    language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  }
  return language;
}

/** Kusto returns a .NET list, except a plain (empty) array when there is nothing to report. */
function toArray<T>(list: NetList<T> | T[]): T[] {
  return Array.isArray(list) ? list : Array.from({ length: list.Count }, (_, i) => list.getItem(i));
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function convert(text: string, diagnostics: KustoDiagnostic[]): KqlDiagnostic[] {
  const starts = lineStarts(text);
  return diagnostics.map((d) => {
    let line = starts.length - 1;
    while (line > 0 && starts[line]! > d.Start) line--;
    return { code: d.Code, severity: String(d.Severity).toLowerCase(), message: d.Message, start: d.Start, length: d.Length, line: line + 1, col: d.Start - starts[line]! + 1 };
  });
}

/** Syntax only (KustoCode.Parse): no names are resolved. */
export function kqlSyntaxDiagnostics(text: string): KqlDiagnostic[] {
  return convert(text, toArray(kusto().KustoCode.Parse(text).GetDiagnostics()));
}

const globalsByTables = new Map<string, unknown>();

function globalsFor(tables: readonly KqlTableSchema[]): unknown {
  const key = JSON.stringify(tables);
  let globals = globalsByTables.get(key);
  if (!globals) {
    const K = kusto();
    const symbols = tables.map((t) => new K.Symbols.TableSymbol.$ctor7(t.name, `(${t.columns.map((c) => `['${c.name}']:${c.type}`).join(', ')})`, null));
    globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.$ctor3('detc', null, symbols, false));
    globalsByTables.set(key, globals);
  }
  return globals;
}

/** Syntax plus name and type binding against a database holding `tables`. */
export function kqlSemanticDiagnostics(text: string, tables: readonly KqlTableSchema[]): KqlDiagnostic[] {
  return convert(text, toArray(kusto().KustoCode.ParseAndAnalyze(text, globalsFor(tables)).GetDiagnostics()));
}

interface KustoNode {
  Kind: number;
  TextStart: number;
  Width: number;
  Left?: KustoNode | null;
  Right?: KustoNode | null;
  ResultType?: { Name: string } | null;
  WalkNodes(action: (node: KustoNode) => void): void;
}

const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);
const COMPARISONS = /^(Equal|NotEqual|LessThan|LessThanOrEqual|GreaterThan|GreaterThanOrEqual|In|NotIn)Expression$/;

/**
 * Comparisons of a number with a string, which Kusto accepts silently (`ErrorCode != "0"` on
 * an int column is true for every row). Kusto's analyser does not flag these; we do.
 */
export function kqlTypeMismatches(text: string, tables: readonly KqlTableSchema[]): KqlDiagnostic[] {
  const K = kusto();
  const kinds = new Map(Object.entries(K.Syntax.SyntaxKind).map(([name, value]) => [value, name]));
  const code = K.KustoCode.ParseAndAnalyze(text, globalsFor(tables)) as unknown as { Syntax: KustoNode };
  const found: KustoDiagnostic[] = [];
  code.Syntax.WalkNodes((node) => {
    const kind = kinds.get(node.Kind) ?? '';
    if (!COMPARISONS.test(kind) || !node.Left?.ResultType || !node.Right) return;
    const left = node.Left.ResultType.Name;
    const rightTypes: string[] = [];
    if (kind.includes('In')) node.Right.WalkNodes((n) => { if (kinds.get(n.Kind)?.endsWith('LiteralExpression') && n.ResultType) rightTypes.push(n.ResultType.Name); });
    else if (node.Right.ResultType) rightTypes.push(node.Right.ResultType.Name);
    const clash = rightTypes.find((r) => (NUMERIC.has(left) && r === 'string') || (left === 'string' && NUMERIC.has(r)));
    if (clash) {
      found.push({ Code: 'DETC001', Severity: 'Error', Message: `compares ${left} with ${clash}: Kusto does not convert between them, so this does not mean what it reads as; convert one side (toint(), tostring()) or use a ${left} literal`, Start: node.TextStart, Length: node.Width });
    }
  });
  return convert(text, found);
}

/** Every token of the query, as Kusto's own lexer reads it (ValueText is the decoded value). */
export function kqlTokens(text: string): Array<{ kind: string; text: string; value: string; start: number }> {
  const K = kusto();
  const kindNames = new Map(Object.entries(K.Syntax.SyntaxKind).map(([name, value]) => [value, name]));
  const tokens: Array<{ kind: string; text: string; value: string; start: number }> = [];
  for (let t = K.KustoCode.Parse(text).Syntax.GetFirstToken(); t; t = t.GetNextToken()) {
    tokens.push({ kind: kindNames.get(t.Kind) ?? String(t.Kind), text: t.Text, value: t.ValueText, start: t.TextStart });
  }
  return tokens;
}
