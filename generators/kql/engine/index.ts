// The KQL engine: runs KQL text on rows, with Kusto's own semantics, on top of the syntax tree
// and types Kusto's language service gives (KustoCode.ParseAndAnalyze). Compile once, run many
// times: each expression becomes a closure, rows stream through the operators.
//
//   const q = compileKql(text, { SigninLogs: { columns } });
//   q.run({ SigninLogs: { rows } }, { now: Date.parse('2026-07-02T00:00:00Z') })
//     → { columns, rows, estimated }
//
// Anything outside what this engine runs fails with KqlUnsupportedError
// (`unsupported: <feature> at line:col`); a query Kusto itself rejects fails with KqlRunError
// carrying Kusto's diagnostics. Never a guessed answer.
import { analyzeKqlTree, type KqlAnalysedTree, type KqlFunctionDeclaration, type KqlSyntaxNode } from '../language-service.ts';
import { diagnosticsError, runError, unsupported } from './errors.ts';
import { bindLet } from './expressions.ts';
import type { Column, Relation, Row, RunState } from './model.ts';
import { Scope } from './model.ts';
import { items, short } from './syntax.ts';
import { rawPrefilterOf } from './raw-prefilter.ts';
import { TabularCompiler } from './tabular.ts';
import { fromUnixMs } from './time.ts';
import { inputConverter, kqlType, nullOf, toOutput, type KqlType } from './values.ts';

export { KqlRunError, KqlUnsupportedError } from './errors.ts';

export interface KqlColumn {
  readonly name: string;
  /** A Kusto scalar type: string, int, long, real, decimal, bool, datetime, timespan, guid, dynamic. */
  readonly type: string;
}

export interface KqlTableInput {
  readonly columns: readonly KqlColumn[];
  /**
   * Rows as plain objects by column name. datetime: ISO text, epoch milliseconds or a Date;
   * dynamic: JSON values (or JSON text); a missing value is null (an empty string for strings).
   */
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

export interface KqlCompileOptions {
  /** Stored functions the query may call (declared as for the language service). */
  readonly functions?: readonly KqlFunctionDeclaration[];
  /**
   * Kusto's analysis of this very text against these same tables (and functions), when the
   * caller has made it already (validation does): compiled from instead of analysing again,
   * which is most of what compiling costs.
   */
  readonly analysed?: KqlAnalysedTree;
}

export interface KqlRunOptions {
  /** What now() and ago() measure from. */
  readonly now: Date | number;
  /** Rows for `externaldata(…)["url"]`, by URL: the engine downloads nothing. */
  readonly externalData?: Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;
}

export interface KqlResult {
  readonly columns: readonly KqlColumn[];
  /**
   * Rows by column name: datetimes as ISO 8601 text (UTC), timespans as Kusto's `d.hh:mm:ss`
   * text, dynamic values as JSON values, strings never null.
   */
  readonly rows: Record<string, unknown>[];
  /**
   * Columns computed by aggregates Kusto only estimates (dcount, dcountif, percentile …) and
   * columns derived from them: computed exactly here, possibly different in the product.
   */
  readonly estimated: string[];
}

/**
 * Rows of the tables a run reads, by name: an array, or any iterable — a one-shot one (rows
 * being read from a file) streams through once, never held, for a query that reads its table once.
 */
export type KqlRunTables = Readonly<Record<string, { readonly rows: Iterable<Readonly<Record<string, unknown>>> }>>;

export interface CompiledKql {
  readonly columns: readonly KqlColumn[];
  readonly estimated: readonly string[];
  /** Runs on the given rows (tables by name; a table the query reads must be there). */
  run(tables: KqlRunTables, options: KqlRunOptions): KqlResult;
  /**
   * A test on the JSON text of a row of `table`: a row whose text fails it cannot change the
   * result, so a reader of JSON Lines may drop the line unparsed (null: no such test).
   */
  rawPrefilter(table: string): ((line: string) => boolean) | null;
  /**
   * The columns of `table` a run looks up in each given row (the same set every call), or
   * undefined when it may look up any: a row needs no others.
   */
  inputColumns(table: string): ReadonlySet<string> | undefined;
}

/**
 * Compiles a query against the tables it may read (name → columns). Throws KqlRunError when
 * Kusto's analyser reports an error, KqlUnsupportedError for what this engine does not run.
 */
export function compileKql(query: string, tables: Readonly<Record<string, Pick<KqlTableInput, 'columns'>>>, options: KqlCompileOptions = {}): CompiledKql {
  const schemas = new Map<string, Column[]>();
  for (const [name, table] of Object.entries(tables)) {
    schemas.set(name, table.columns.map((c) => {
      const type = kqlType(c.type);
      if (!type) throw new Error(`table ${name}: column ${c.name} has type ${c.type}, which is not a Kusto scalar type`);
      return { name: c.name, type };
    }));
  }
  if (options.analysed && options.analysed.text !== query) throw new Error('compileKql: the analysis given is of another text');
  const analysed = options.analysed ?? analyzeKqlTree(query, [...schemas].map(([name, columns]) => ({ name, columns })), options);
  const errors = analysed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw diagnosticsError(errors);

  const run = new Run(schemas);
  const compiler = new TabularCompiler(run.state, schemas);
  const relation = compileStatements(analysed.root, compiler);
  const columns = relation.columns.map((c) => ({ name: c.name, type: c.type }));
  run.read = columnsRead(query, analysed.root, columns, options);
  const estimated = relation.columns.filter((c) => c.estimated).map((c) => c.name);
  return {
    columns,
    estimated,
    rawPrefilter: (table) => rawPrefilterOf(analysed.root, table, new Set((schemas.get(table) ?? []).filter((c) => c.type === 'string').map((c) => c.name))),
    inputColumns: (table) => run.inputColumns(table),
    run(input, runOptions) {
      run.start(input, runOptions);
      const rows: Record<string, unknown>[] = [];
      const types: KqlType[] = relation.columns.map((c) => c.type);
      for (const row of relation.rows()) {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) out[columns[i]!.name] = toOutput(row[i] ?? null, types[i]!);
        rows.push(out);
      }
      return { columns, rows, estimated: [...estimated] };
    },
  };
}

/** Compiles and runs in one call: `tables` carry both columns and rows. */
export function runKql(query: string, tables: Readonly<Record<string, KqlTableInput>>, options: KqlRunOptions & KqlCompileOptions): KqlResult {
  return compileKql(query, tables, options).run(tables, options);
}

/** `let` statements in order, then exactly one tabular expression statement: the result. */
function compileStatements(root: KqlSyntaxNode, compiler: TabularCompiler): Relation {
  const scope = new Scope();
  let result: Relation | undefined;
  for (const statement of items(root.child('Statements'))) {
    if (statement.kind === 'LetStatement') {
      bindLet(statement, scope, compiler);
      continue;
    }
    if (statement.kind !== 'ExpressionStatement') throw unsupported(`statement ${short(statement)}`, statement);
    if (result) throw unsupported('a query with more than one result (several tabular statements)', statement);
    const expression = statement.child('Expression')!;
    if (expression.resultType?.kind !== 'columns') throw unsupported(`a statement that is not tabular (${short(expression)})`, expression);
    result = compiler.tabular(expression, scope);
  }
  if (!result) throw unsupported('a query without a tabular expression', root);
  return result;
}

/** Operators and expressions that can read columns of a table without naming them. */
const READS_UNNAMED = new Set([
  'StarExpression', 'SearchOperator', 'GetSchemaOperator', 'FindOperator', 'ProjectAwayOperator', 'ProjectKeepOperator',
  'ProjectReorderOperator', 'ToScalarExpression', 'InvokeOperator', 'EvaluateOperator', 'MvApplyOperator', 'JoinOperator',
  'LookupOperator', 'UnionOperator', 'AsOperator', 'FacetOperator', 'ForkOperator',
]);

/**
 * The input columns worth converting, for queries simple enough to tell: a column that is never
 * named in the query (as a word of its text or inside a string literal) and is not in the result
 * under its name is never read. Every column when the query has an operator that reads columns
 * it does not name (*, project-away, join, union, toscalar(T), `x in (T)` …) or stored functions.
 */
function columnsRead(query: string, root: KqlSyntaxNode, output: readonly KqlColumn[], options: KqlCompileOptions): ReadonlySet<string> | undefined {
  if (options.functions?.length || /pack_all|bag_pack_columns/.test(query)) return undefined;
  const unnamed = (node: KqlSyntaxNode): boolean => !node.isToken && (READS_UNNAMED.has(node.kind) || node.children.some(unnamed));
  // `x in (T)`, has_any (T): a tabular list reads the first column of T.
  if (unnamed(root) || tabularLists(root)) return undefined;
  const names = new Set<string>(query.match(/[A-Za-z_$][\w$]*/g) ?? []);
  for (const m of query.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)) names.add(m[1] ?? m[2] ?? '');
  for (const c of output) names.add(c.name);
  return names;
}

/** Whether an in / has_any / has_all list holds a tabular expression. */
function tabularLists(node: KqlSyntaxNode): boolean {
  if (node.isToken) return false;
  if (/^(Not)?In(Cs)?Expression$|^Has(Any|All)Expression$/.test(node.kind)) {
    const list = node.child('Right');
    if (list && items(list.child('Expressions')).some((e) => e.resultType?.kind === 'columns')) return true;
  }
  return node.children.some(tabularLists);
}

/** The state a compiled query's closures read, reset on every run. */
class Run {
  private tables: KqlRunTables = {};
  /** One-shot row iterables this run has started reading. */
  private readonce = new Set<string>();
  private readonly plans = new Map<string, { template: unknown[]; wanted: { name: string; at: number; convert: (v: unknown) => unknown }[] }>();
  private external: KqlRunOptions['externalData'] = {};
  /** Input columns the query may read (undefined: all). */
  read: ReadonlySet<string> | undefined;
  /** Of each table, the columns looked up in a row (inputColumns). */
  private readonly inputs = new Map<string, ReadonlySet<string>>();
  readonly state: RunState;

  constructor(private readonly schemas: ReadonlyMap<string, readonly Column[]>) {
    const self = this;
    this.state = {
      run: 0,
      now: 0,
      table: (name) => self.table(name),
      externalData: (url) => self.external?.[url],
    };
  }

  start(tables: KqlRunTables, options: KqlRunOptions): void {
    this.tables = tables;
    this.readonce.clear();
    this.external = options.externalData ?? {};
    this.state.run++;
    this.state.now = fromUnixMs(options.now instanceof Date ? options.now.getTime() : options.now);
  }

  /** The columns of table `name` looked up in each row (its first always), made once; undefined: every one. */
  inputColumns(name: string): ReadonlySet<string> | undefined {
    if (!this.read) return undefined;
    let columns = this.inputs.get(name);
    if (!columns) {
      const schema = this.schemas.get(name) ?? [];
      this.inputs.set(name, (columns = new Set(schema.filter((c, i) => i === 0 || this.read!.has(c.name)).map((c) => c.name))));
    }
    return columns;
  }
  /** The table's rows converted as they stream (short-lived: a filter drops most of them young). */
  private *table(name: string): Generator<Row> {
    const input = this.tables[name];
    if (!input) throw runError(`no rows were given for table ${name}`, { line: 1, col: 1 });
    let plan = this.plans.get(name);
    if (!plan) {
      const columns = this.schemas.get(name)!;
      // Columns the query never reads keep their null ('' for strings) and are not even looked up.
      const read = this.inputColumns(name);
      plan = {
        template: columns.map((c) => nullOf(c.type)),
        wanted: columns.map((c, i) => ({ name: c.name, at: i, convert: inputConverter(c.type) })).filter((c) => !read || read.has(c.name)),
      };
      this.plans.set(name, plan);
    }
    const { template, wanted } = plan;
    const rows = input.rows;
    if (!Array.isArray(rows) && (rows[Symbol.iterator]() as unknown) === rows) {
      if (this.readonce.has(name)) throw runError(`the query reads table ${name} more than once: give its rows as an array, not a stream`, { line: 1, col: 1 });
      this.readonce.add(name);
    }
    for (const r of rows) {
      const out = template.slice();
      for (const w of wanted) out[w.at] = w.convert(r[w.name]);
      yield out;
    }
  }
}
