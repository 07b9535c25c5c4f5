// Microsoft's Kusto language service (Kusto.Language compiled to JavaScript by Bridge.NET),
// loaded once per process on first use (≈0.2 s; never at import), behind a small typed API.
// Everything .NET-shaped (`$ctorN` overloads, `Count`/`getItem` lists, `{ v }` out-parameters)
// stays in this file, and in bridge-shortcuts.ts (faster Bridge.NET runtime helpers).
import { createRequire } from 'node:module';
import { detcCacheDir } from '../cache-dir.ts';
import { requireWithCodeCache } from '../code-cache.ts';
import { speedUpBridgeRuntime } from './bridge-shortcuts.ts';

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
    // Loaded already when this runs in the Kusto snapshot's entry (kusto-snapshot-entry.ts).
    if (!(globalThis as { Kusto?: unknown }).Kusto) loadKusto();
    language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
    memoiseOperatorOverloads(language);
    skipUnusedQueryGrammar(language);
    bridgeShortcutsInPlace = speedUpBridgeRuntime(() => bridgeShortcuts);
  }
  return language;
}

function loadKusto(): void {
  const require = createRequire(import.meta.url);
  // The package's minified builds: the same Bridge.NET output as its main files, but V8 holds
  // 4 MB of source instead of 16 MB, so the load is ≈0.1 s faster and ≈60–110 MB smaller
  // (RSS after the first analysis: 156 MB against 218 MB).
  // Through V8's code cache (code-cache.ts): ≈ 0.1 s less for every process or thread that loads them.
  const codeCache = detcCacheDir('v8-code');
  requireWithCodeCache(require.resolve('@kusto/language-service-next/bridge.min.js'), codeCache); // defines the Bridge.NET runtime globals
  requireWithCodeCache(require.resolve('@kusto/language-service-next/Kusto.Language.Bridge.min.js'), codeCache); // defines globalThis.Kusto
}

/* ---- Bridge.NET's runtime helpers, with fast paths (bridge-shortcuts.ts). ---- */

/** Whether the helpers take their fast paths (off inside withoutKustoShortcuts). */
let bridgeShortcuts = true;
let bridgeShortcutsInPlace = false;

/** Whether Kusto is loaded with Bridge's runtime helpers replaced: for the test that they still are. */
export function kustoBridgeShortcutsInPlace(): boolean {
  kustoLanguage();
  return bridgeShortcutsInPlace;
}

/* ---- The query grammar no analysis uses, not built. ---- */

let grammarSkipped = true;

interface NetGrammarStatics {
  From(globals: Opaque): { QueryBlock: unknown };
}

/**
 * KustoCode.Create asks for Kusto's parser-combinator grammar (QueryGrammar.From) for every
 * query, though the parser it runs (QueryParser, ParserKind.Default) does not use it: the
 * grammar is only kept on the KustoCode for completion lists (KustoCode.Grammar, read by the
 * editor's CompletionBuilder). Building it takes ≈1.2 s, more than loading Kusto, the first time
 * a process or thread analyses a query, and we never ask for completions. So Create's one call
 * is answered with no grammar (always, so that every KustoCode we make is alike). Whatever else
 * needs the grammar still gets the real one: QueryParser.StackSafeParse, past 300 levels of
 * nesting, asks QueryGrammar.From itself after Create's call, and commands (`.show …`) are left
 * alone, as CommandGrammar is built on the query grammar. test/kql/overload-memo.test.ts checks every
 * analysis is the same with and without it (withoutKustoShortcuts). Checked against
 * Kusto.Language 12.4.1; if the internals are not there, Kusto runs as it is.
 */
function skipUnusedQueryGrammar(K: KustoLanguage): void {
  const statics = K as unknown as {
    KustoCode: { Create?: (...args: unknown[]) => unknown; GetKind?: (text: string) => string };
    Parsing?: { QueryGrammar?: NetGrammarStatics };
    Editor?: { CodeKinds?: { Command?: string } };
  };
  const code = statics.KustoCode;
  const grammar = statics.Parsing?.QueryGrammar;
  const command = statics.Editor?.CodeKinds?.Command;
  const create = code.Create;
  const getKind = code.GetKind;
  if (typeof create !== 'function' || typeof getKind !== 'function' || typeof grammar?.From !== 'function' || command === undefined) return;
  const from = grammar.From;
  code.Create = function (this: unknown, text: unknown, ...rest: unknown[]) {
    if (!grammarSkipped || typeof text !== 'string' || getKind.call(code, text) === command) return create.call(this, text, ...rest);
    grammar.From = () => {
      grammar.From = from;
      return { QueryBlock: null };
    };
    try {
      return create.call(this, text, ...rest);
    } finally {
      grammar.From = from;
    }
  };
}

/* ---- Operator overload resolution, memoised. ---- */

let overloadMemo = true;

/**
 * Runs `fn` as Kusto runs when every analysis starts afresh: its own overload resolution, a
 * new binding cache per analysis (globalsFor), the query grammar built, and Bridge's runtime
 * helpers as they are. For the tests that prove our shortcuts change nothing Kusto reports.
 */
export function withoutKustoShortcuts<T>(fn: () => T): T {
  overloadMemo = false;
  sharedBindingCache = false;
  grammarSkipped = false;
  bridgeShortcuts = false;
  try {
    return fn();
  } finally {
    overloadMemo = true;
    sharedBindingCache = true;
    grammarSkipped = true;
    bridgeShortcuts = true;
  }
}

interface NetParameter { DefaultValueIndicator: string | null; ArgumentKind: number }
interface NetSignature { readonly Parameters: NetList<NetParameter> | NetParameter[] }
type NetSignatureList = NetList<NetSignature> | NetSignature[];
interface NetBinder {
  GetOperatorInfo$1(...args: unknown[]): unknown;
  GetBestMatchingSignatures(signatures: NetSignatureList, args: NetList<unknown> | unknown[], types: NetList<object> | object[], result: NetList<unknown> & { add(s: unknown): void }, requireAll: boolean): void;
}

/**
 * Binding `a == "x"` makes Kusto's Binder rank every signature of `==` against the operand
 * types (Binder.GetBestMatchingSignatures): about a fifth of each analysis of our generated
 * queries, always with the same few type pairs. For an operator whose parameters all take any
 * expression (ArgumentKind Expression or Expression_Parameter0_Element) or only `*` (StarOnly:
 * the `* has "x"` overloads of the string operators and of ==) and have no default indicator,
 * the ranking of operands that are neither `*` nor named reads only their types
 * (Binder.GetParameterMatchKind: coercion depends on the signature alone, and a StarOnly
 * parameter matches no operand but `*`), so the result is remembered per signature list and
 * operand types. Checked against Kusto.Language
 * 12.4.1 (@kusto/language-service-next): test/kql/overload-memo.test.ts analyses the generated
 * queries and the community corpus with and without it. If the internals are not there (another
 * version), Kusto runs as it is.
 */
function memoiseOperatorOverloads(K: KustoLanguage): void {
  const binder = (K as unknown as { Binding?: { Binder?: { prototype?: NetBinder } } }).Binding?.Binder?.prototype;
  const syntax = K.Syntax as unknown as Record<string, unknown>;
  if (typeof binder?.GetOperatorInfo$1 !== 'function' || typeof binder.GetBestMatchingSignatures !== 'function') return;
  const rank = binder.GetBestMatchingSignatures;
  const operatorInfo = binder.GetOperatorInfo$1;
  const unkeyable = [syntax.StarExpression, syntax.SimpleNamedExpression, syntax.CompoundNamedExpression].filter((c): c is new () => object => typeof c === 'function');
  // Expression, Expression_Parameter0_Element, and StarOnly when `*` operands can be told apart.
  const starOnly = (K.Symbols as unknown as { ArgumentKind?: Record<string, unknown> }).ArgumentKind?.StarOnly;
  const keyableKinds = new Set<number>([0, 1, ...(typeof starOnly === 'number' && typeof syntax.StarExpression === 'function' ? [starOnly] : [])]);
  const typeIds = new WeakMap<object, number>();
  let nextTypeId = 1;
  const typeId = (type: object) => typeIds.get(type) ?? (typeIds.set(type, nextTypeId), nextTypeId++);
  const memoisable = new WeakMap<object, boolean>();
  const ranked = new WeakMap<object, Map<string, unknown[]>>();
  const takesAnyExpression = (signatures: NetSignatureList): boolean => {
    let known = memoisable.get(signatures);
    if (known === undefined) {
      known = toArray(signatures).every((signature) => toArray(signature.Parameters).every((p) => p.DefaultValueIndicator == null && keyableKinds.has(p.ArgumentKind)));
      memoisable.set(signatures, known);
    }
    return known;
  };
  let inOperator = 0;
  binder.GetOperatorInfo$1 = function (this: NetBinder, ...args: unknown[]) {
    inOperator++;
    try {
      return operatorInfo.apply(this, args);
    } finally {
      inOperator--;
    }
  };
  binder.GetBestMatchingSignatures = function (this: NetBinder, signatures, args, types, result, requireAll) {
    if (!overloadMemo || inOperator === 0 || !takesAnyExpression(signatures)) return rank.call(this, signatures, args, types, result, requireAll);
    let key = requireAll ? 'all' : 'any';
    const argumentList = toArray(args);
    if (argumentList.some((argument) => unkeyable.some((c) => argument instanceof c))) return rank.call(this, signatures, args, types, result, requireAll);
    for (const type of toArray(types)) key += `,${typeId(type)}`;
    let known = ranked.get(signatures);
    if (!known) ranked.set(signatures, (known = new Map()));
    const best = known.get(key);
    if (best) {
      for (const signature of best) result.add(signature);
      return;
    }
    const before = result.Count;
    rank.call(this, signatures, args, types, result, requireAll);
    known.set(key, Array.from({ length: result.Count - before }, (_, i) => result.getItem(before + i)));
  };
}

/** A .NET list (Count/getItem) or a plain array, as an array. */
function toArray<T>(list: NetList<T> | T[] | null): T[] {
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
  return { diagnostics, mismatches: mismatchesOf(code, diagnostics) };
}

function mismatchesOf(code: NetCode, diagnostics: readonly KqlDiagnostic[]): KqlDiagnostic[] {
  return diagnostics.some((d) => d.severity === 'error') ? [] : typeMismatches(code);
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

/** The globals for a set of tables and functions: as Kusto is given them, and with a cache of their own. */
interface Globals {
  readonly plain: Opaque;
  readonly cached: Opaque;
}

/** Building a GlobalState is not free: one per distinct set of tables and functions. */
const globalsCache = new Map<string, Globals>();
/** The same table list passed again (the common case) skips building its key. */
const globalsByTables = new WeakMap<readonly KqlTableSchema[], Globals>();

let sharedBindingCache = true;

/**
 * The globals every analysis against `tables` and `functions` is given. ParseAndAnalyze
 * (Binder.TryBind: `globals = globals.WithCache()`) makes a GlobalState without a cache start each
 * analysis afresh: a new KustoCache and GlobalBindingCache, and a new GlobalState whose lazily
 * built maps are empty (GetOperator builds its operator map again for every analysis). Kusto's
 * public GlobalState.WithCache() gives the globals a cache of their own, which every analysis
 * against them then keeps, as Kusto's editor services do: about a fifth less time per analysis
 * of our generated queries once warm (Kusto.Language 12.4.1). What the cache holds is derived
 * from the globals alone (the unified columns of table lists, bounded most-recently-used maps of
 * function call sites and their expansions); test/kql/overload-memo.test.ts checks that every
 * analysis is the same with it and without it (withoutKustoShortcuts). Should WithCache be
 * missing (another Kusto version), the globals are used as they are.
 */
function globalsFor(tables: readonly KqlTableSchema[], functions: readonly KqlFunctionDeclaration[]): Opaque {
  const globals = (!functions.length && globalsByTables.get(tables)) || globalsMade(tables, functions);
  return sharedBindingCache ? globals.cached : globals.plain;
}

function globalsMade(tables: readonly KqlTableSchema[], functions: readonly KqlFunctionDeclaration[]): Globals {
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
    let plain = withTables(tableSymbols);
    if (functions.length) {
      // Kusto takes a malformed declaration silently (a bad parameter list becomes "no
      // parameters"), so each one is first analysed as a `let` over the same tables.
      for (const f of functions) {
        const problems = diagnosticsOf(K.KustoCode.ParseAndAnalyze(`let ${f.name} = ${f.parameters} ${f.body};\nprint 1`, plain));
        if (problems.length) throw new Error(`KQL function ${f.name}: ${problems.map((p) => `${p.code} ${p.message}`).join('; ')}`);
      }
      plain = withTables([...tableSymbols, ...functions.map((f) => new K.Symbols.FunctionSymbol.$ctor16(f.name, f.parameters, f.body, null))]);
    }
    const cached = (plain as unknown as { WithCache?: () => Opaque | null }).WithCache?.() ?? plain;
    globalsCache.set(key, (globals = { plain, cached }));
  }
  if (!functions.length) globalsByTables.set(tables, globals);
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

/* ---- The analysed syntax tree, for the evaluator (generators/kql/engine/). ---- */

/** The type Kusto's binder gives an expression or a symbol. */
export type KqlResultType =
  /** A scalar: string, int, long, real, decimal, bool, datetime, timespan, guid, dynamic, unknown, error … */
  | { readonly kind: 'scalar'; readonly name: string }
  /** A table, or a tuple of columns (what arg_max(…, *) returns). */
  | { readonly kind: 'columns'; readonly columns: readonly KqlColumnSchema[] }
  /** Anything else (a function, a database, void …): its symbol kind and name. */
  | { readonly kind: 'other'; readonly symbolKind: string; readonly name: string };

/** What a name in the query refers to, as Kusto's binder resolved it. */
export interface KqlSymbolReference {
  /** Kusto's SymbolKind: Column, Table, Variable, Function, Parameter, Tuple, Group, Operator … */
  readonly kind: string;
  readonly name: string;
  /** The symbol itself, as an opaque key: the same declaration gives the same key. */
  readonly identity: object;
  /** Functions: whether Kusto knows it as an aggregate (count, dcount, make_set …). */
  readonly isAggregate: boolean;
  /** Variables: the type of the value; columns: the column type. */
  readonly type: KqlResultType | undefined;
}

/**
 * One node or token of the tree `KustoCode.ParseAndAnalyze` builds, with Kusto's kind name
 * (`PipeExpression`, `FilterOperator`, `EqualTildeExpression` …), the type and symbol its binder
 * gave, and positions. Children keep the names Kusto's syntax classes give them (`Left`,
 * `Operator`, `Expressions` …).
 */
export interface KqlSyntaxNode {
  readonly kind: string;
  readonly isToken: boolean;
  /** Whether the parser made it up to recover from an error (a missing token). */
  readonly isMissing: boolean;
  /** Tokens: their text; nodes: their source text without leading trivia. */
  readonly text: string;
  /** Offset in the text the tree was parsed from, and 1-based line and column. */
  readonly start: number;
  readonly line: number;
  readonly col: number;
  readonly children: readonly KqlSyntaxNode[];
  /** The name of this node in its parent (`Left`, `Expression` …), '' for list items. */
  readonly role: string;
  child(role: string): KqlSyntaxNode | undefined;
  /** Literal expressions and literal tokens: the decoded value as text (`1h`, `2024-01-01`, an unescaped string). */
  readonly valueText: string | undefined;
  /** Names (NameReference, NameDeclaration, TokenName …): the simple name. */
  readonly simpleName: string | undefined;
  readonly resultType: KqlResultType | undefined;
  readonly symbol: KqlSymbolReference | undefined;
  /** The column name Kusto gives this expression in a projection, if it derives one. */
  resultName(): string | undefined;
  /** A call of a user function (`let f = (…) {…}`, a declared stored function): its body, analysed at this call site. */
  expansion(): KqlSyntaxNode | undefined;
}

export interface KqlAnalysedTree {
  /** The text that was analysed. */
  readonly text: string;
  readonly root: KqlSyntaxNode;
  readonly diagnostics: KqlDiagnostic[];
  /** Our DETC001 number-vs-string comparisons, from this same analysis (as analyzeKql's). */
  mismatches(): KqlDiagnostic[];
}

interface NetTreeElement {
  Kind: number;
  IsToken: boolean;
  IsMissing: boolean;
  TextStart: number;
  ChildCount: number;
  Text?: string | null;
  ValueText?: string | null;
  SimpleName?: string | null;
  LiteralValueInfo?: { ValueText: string | null } | null;
  ResultType?: NetSymbol | null;
  ReferencedSymbol?: NetSymbol | null;
  GetChild(i: number): NetTreeElement | null;
  GetName(i: number): string | null;
  GetExpansion?(): NetTreeElement | null;
  toString(): string;
}
interface NetSymbol {
  Kind: number;
  Name: string | null;
  Columns?: NetList<{ Name: string; Type: NetSymbol }> | null;
  Type?: NetSymbol | null;
}
interface KustoTreeLanguage {
  KustoFacts: { GetExpressionResultName(expr: NetTreeElement, defaultName: string | null): string | null };
  Symbols: { SymbolKind: Record<string, number> };
}

let symbolKindNames: Map<number, string> | undefined;

interface TreeContext {
  locate(offset: number): { line: number; col: number };
  isAggregate(symbol: NetSymbol): boolean;
}

/**
 * Parses and analyses `text` against a database holding `tables`, and returns the tree for an
 * evaluator to walk. Positions of nodes inside a function expansion are those of the call.
 */
export function analyzeKqlTree(text: string, tables: readonly KqlTableSchema[], options: KqlAnalysisOptions = {}): KqlAnalysedTree {
  const K = kustoLanguage();
  const globals = globalsFor(tables, options.functions ?? []);
  const code = K.KustoCode.ParseAndAnalyze(text, globals);
  kindNames ??= new Map(Object.entries(K.Syntax.SyntaxKind).map(([name, value]) => [value, name]));
  symbolKindNames ??= new Map(Object.entries((K as unknown as KustoTreeLanguage).Symbols.SymbolKind).map(([name, value]) => [value, name]));
  const aggregates = globals as unknown as { IsAggregateFunction(fn: NetSymbol): boolean };
  const context: TreeContext = {
    locate: (offset) => {
      const line = { v: 1 };
      const col = { v: 1 };
      code.TryGetLineAndOffset(offset, line, col);
      return { line: line.v, col: col.v };
    },
    isAggregate: (symbol) => aggregates.IsAggregateFunction(symbol),
  };
  const diagnostics = diagnosticsOf(code);
  return { text, root: new SyntaxNodeView(code.Syntax as unknown as NetTreeElement, '', context), diagnostics, mismatches: () => mismatchesOf(code, diagnostics) };
}

function typeOf(symbol: NetSymbol | null | undefined): KqlResultType | undefined {
  if (!symbol) return undefined;
  const kind = symbolKindNames!.get(symbol.Kind) ?? String(symbol.Kind);
  if (symbol.Columns && (kind === 'Table' || kind === 'Tuple')) {
    const list = symbol.Columns;
    const columns = Array.from({ length: list.Count }, (_, i) => list.getItem(i)).map((c) => ({ name: c.Name, type: c.Type?.Name ?? 'unknown' }));
    return { kind: 'columns', columns };
  }
  if (kind === 'Primitive' || kind === 'Array' || kind === 'Bag' || kind === 'Error') return { kind: 'scalar', name: symbol.Name ?? 'unknown' };
  return { kind: 'other', symbolKind: kind, name: symbol.Name ?? '' };
}

class SyntaxNodeView implements KqlSyntaxNode {
  private childViews: KqlSyntaxNode[] | undefined;
  constructor(
    private readonly net: NetTreeElement,
    readonly role: string,
    private readonly context: TreeContext,
  ) {}

  get kind(): string { return kindNames!.get(this.net.Kind) ?? String(this.net.Kind); }
  get isToken(): boolean { return this.net.IsToken; }
  get isMissing(): boolean { return this.net.IsMissing; }
  get text(): string { return this.net.IsToken ? this.net.Text ?? '' : this.net.toString().trim(); }
  get start(): number { return this.net.TextStart; }
  get line(): number { return this.context.locate(this.net.TextStart).line; }
  get col(): number { return this.context.locate(this.net.TextStart).col; }

  get children(): readonly KqlSyntaxNode[] {
    if (!this.childViews) {
      this.childViews = [];
      for (let i = 0; i < this.net.ChildCount; i++) {
        const c = this.net.GetChild(i);
        if (c) this.childViews.push(new SyntaxNodeView(c, this.net.GetName(i) ?? '', this.context));
      }
    }
    return this.childViews;
  }

  child(role: string): KqlSyntaxNode | undefined {
    return this.children.find((c) => c.role === role);
  }

  get valueText(): string | undefined {
    if (this.net.IsToken) return this.net.ValueText ?? undefined;
    return this.net.LiteralValueInfo?.ValueText ?? undefined;
  }

  get simpleName(): string | undefined {
    return this.net.SimpleName ?? undefined;
  }

  get resultType(): KqlResultType | undefined {
    return this.net.IsToken ? undefined : typeOf(this.net.ResultType);
  }

  get symbol(): KqlSymbolReference | undefined {
    const s = this.net.IsToken ? undefined : this.net.ReferencedSymbol;
    if (!s) return undefined;
    const kind = symbolKindNames!.get(s.Kind) ?? String(s.Kind);
    return { kind, name: s.Name ?? '', identity: s, isAggregate: kind === 'Function' && this.context.isAggregate(s), type: typeOf(kind === 'Column' || kind === 'Variable' || kind === 'Parameter' ? s.Type : undefined) };
  }

  resultName(): string | undefined {
    if (this.net.IsToken) return undefined;
    const K = kustoLanguage() as unknown as KustoTreeLanguage;
    return K.KustoFacts.GetExpressionResultName(this.net, null) || undefined;
  }

  expansion(): KqlSyntaxNode | undefined {
    const body = this.net.IsToken ? null : this.net.GetExpansion?.() ?? null;
    if (!body) return undefined;
    // The body is a tree of its own; whatever goes wrong inside is reported at the call.
    const here = this.context.locate(this.net.TextStart);
    return new SyntaxNodeView(body, '', { ...this.context, locate: () => here });
  }
}
