// Tabular expressions of Kusto's analysed syntax tree → relations (columns + a row stream).
// Each operator is compiled once; rows flow through generators, and only blocking operators
// (summarize, sort, top, join, distinct) hold rows. Column names and types are Kusto's own:
// every operator's result is checked against the columns Kusto's binder gives it, so the engine
// never answers with a layout Kusto would not produce.
import type { KqlSyntaxNode } from '../language-service.ts';
import { runError, unsupported } from './errors.ts';
import { bindLet, bindParameters, ExpressionCompiler, type CompileEnvironment } from './expressions.ts';
import { mvApply, mvExpand, parse } from './expand.ts';
import { evaluate } from './plugins.ts';
import { search } from './search.ts';
import { makeSeries } from './series.ts';
import { join, lookup, union } from './joins.ts';
import type { Column, Relation, Row, RunState, Scalar } from './model.ts';
import { oncePerRun, Scope } from './model.ts';
import { summarize } from './summarize.ts';
import { expressionList, items, nodes, short, tableTypeOf } from './syntax.ts';
import { compareValues, convert, fromInput, kqlType, rowKey } from './values.ts';

/** The tabular compiler: also what scalar expressions call back for sub-queries. */
export class TabularCompiler implements CompileEnvironment {
  constructor(
    readonly state: RunState,
    /** Columns of the tables the query may read. */
    private readonly tables: ReadonlyMap<string, readonly Column[]>,
  ) {}

  /**
   * A tabular expression. `implicit` is the input of a query that starts with an operator (the
   * subquery of mv-apply).
   */
  tabular(node: KqlSyntaxNode, scope: Scope, implicit?: Relation): Relation {
    if (implicit && node.kind.endsWith('Operator') && node.kind !== 'UnionOperator' && node.kind !== 'PrintOperator' && node.kind !== 'RangeOperator' && node.kind !== 'SearchOperator') return this.operator(node, implicit, scope);
    switch (node.kind) {
      case 'ParenthesizedExpression': return this.tabular(node.child('Expression')!, scope, implicit);
      case 'PipeExpression': return this.operator(node.child('Operator')!, this.tabular(node.child('Expression')!, scope, implicit), scope);
      case 'SearchOperator': return checked(node, search(node, undefined, scope, this));
      case 'NameReference': return this.named(node, scope);
      case 'MaterializeExpression': return materialize(this.tabular(node.child('Expression')!, scope), this.state);
      case 'DataTableExpression': return this.datatable(node);
      case 'ExternalDataExpression': return this.externalData(node);
      case 'FunctionCallExpression': return this.functionCall(node, scope);
      case 'UnionOperator': return checked(node, union(node, undefined, scope, this));
      case 'PrintOperator': return checked(node, this.print(node, scope));
      case 'RangeOperator': return checked(node, this.range(node, scope));
      default: throw unsupported(`${describe(node)} (${short(node)})`, node);
    }
  }

  /** A table of the database, a `let` table, or a tabular function parameter. */
  private named(node: KqlSyntaxNode, scope: Scope): Relation {
    const name = node.simpleName ?? node.text;
    const binding = scope.lookup(name);
    if (binding?.kind === 'table') return binding.relation;
    if (binding?.kind === 'function') return this.callFunction(node, binding, [], scope);
    if (node.symbol?.kind === 'Table' || this.tables.has(name)) {
      const columns = this.tables.get(name);
      if (!columns) throw unsupported(`table ${name}`, node);
      return { columns, rows: () => this.state.table(name) };
    }
    throw unsupported(`the name ${name} as a table`, node);
  }

  private functionCall(node: KqlSyntaxNode, scope: Scope, pipedInput?: Relation): Relation {
    const nameNode = node.child('Name')!;
    const name = nameNode.simpleName ?? nameNode.text;
    const binding = scope.lookup(name);
    if (binding?.kind !== 'function') throw unsupported(`function ${name}() as a table`, node);
    return this.callFunction(node, binding, expressionList(node.child('ArgumentList')), scope, pipedInput);
  }

  private callFunction(node: KqlSyntaxNode, binding: { kind: 'function'; declaration: KqlSyntaxNode; scope: Scope }, args: KqlSyntaxNode[], scope: Scope, pipedInput?: Relation): Relation {
    const body = node.expansion();
    if (!body) throw unsupported(`a call of ${short(node)} that Kusto does not expand`, node);
    const inner = bindParameters(binding, args, scope, node, (arg) => new ExpressionCompiler(this, scope, []).compile(arg), this, pipedInput);
    for (const s of items(body.child('Statements'))) bindLet(s, inner, this);
    const expression = body.child('Expression');
    if (!expression || expression.resultType?.kind !== 'columns') throw unsupported(`function ${short(node)} as a table`, node);
    return this.tabular(expression, inner);
  }

  /** One query operator applied to its input; its columns checked against Kusto's. */
  operator(op: KqlSyntaxNode, input: Relation, scope: Scope): Relation {
    return checked(op, this.uncheckedOperator(op, input, scope));
  }

  private uncheckedOperator(op: KqlSyntaxNode, input: Relation, scope: Scope): Relation {
    const expressions = () => new ExpressionCompiler(this, scope, input.columns);
    switch (op.kind) {
      case 'FilterOperator': {
        const keep = expressions().predicate(op.child('Condition')!);
        return { columns: input.columns, rows: function* () { for (const row of input.rows()) if (keep(row)) yield row; } };
      }
      case 'ExtendOperator': return extend(op, input, expressions());
      case 'ProjectOperator': return project(op, input, expressions());
      case 'ProjectAwayOperator':
      case 'ProjectKeepOperator':
      case 'ProjectReorderOperator': return reorder(op, input, new Map());
      case 'ProjectRenameOperator': {
        const renames = new Map<string, string>();
        for (const e of items(op.child('Expressions'))) {
          if (e.kind !== 'SimpleNamedExpression') throw unsupported(`project-rename item ${short(e)}`, e);
          renames.set(e.child('Name')!.simpleName ?? '', e.child('Expression')!.simpleName ?? '');
        }
        return reorder(op, input, renames);
      }
      case 'SummarizeOperator': return summarize(op, input, expressions(), this);
      case 'SortOperator': return sort(op, input, expressions(), undefined);
      case 'TopOperator': return sort(op, input, expressions(), this.count(op.child('Expression')!, scope));
      case 'TakeOperator': return take(input, this.count(op.child('Expression')!, scope));
      case 'DistinctOperator': return distinct(op, input, expressions());
      case 'CountOperator': return { columns: tableTypeOf(op), rows: function* () { let n = 0; for (const _ of input.rows()) n++; yield [n]; } };
      case 'JoinOperator': return join(op, input, scope, this);
      case 'LookupOperator': return lookup(op, input, scope, this);
      case 'UnionOperator': return union(op, input, scope, this);
      case 'MvExpandOperator': return mvExpand(op, input, expressions());
      case 'MvApplyOperator': return mvApply(op, input, expressions(), (subquery, subtable) => this.tabular(subquery, scope, subtable));
      case 'MakeSeriesOperator': return makeSeries(op, input, expressions());
      case 'SearchOperator': return search(op, input, scope, this);
      case 'EvaluateOperator': return evaluate(op, input, scope, this);
      case 'GetSchemaOperator': return getSchema(op, input);
      case 'ParseOperator': return parse(op, input, expressions(), false);
      case 'ParseWhereOperator': return parse(op, input, expressions(), true);
      case 'InvokeOperator': {
        const call = op.child('Function')!;
        return this.functionCall(call, scope, input);
      }
      case 'RenderOperator': return input; // a visualization hint: the rows are unchanged
      case 'SerializeOperator':
        if (items(op.child('Expressions')).length) throw unsupported('serialize with expressions (window functions)', op);
        return input;
      case 'AsOperator': {
        // `as Name` binds the rows so far to Name for the rest of the query (read once per run).
        const rows = materialize(input, this.state);
        const name = op.child('Name')?.simpleName;
        if (name) scope.bind(name, { kind: 'table', relation: rows });
        return rows;
      }
      default: throw unsupported(`${describe(op)} (${short(op)})`, op);
    }
  }

  /** The row count of take/top: a constant or `let` number. */
  private count(node: KqlSyntaxNode, scope: Scope): () => number {
    const c = new ExpressionCompiler(this, scope, []).compile(node);
    if (!c.invariant) throw unsupported(`a row count that depends on the row (${short(node)})`, node);
    return () => {
      const n = c.fn([]) as number | null;
      return n === null ? 0 : n;
    };
  }

  private datatable(node: KqlSyntaxNode): Relation {
    const columns = tableTypeOf(node);
    const compiler = new ExpressionCompiler(this, new Scope(), []);
    const values = items(node.child('Values')).map((v) => compiler.compile(v));
    if (columns.length === 0 || values.length % columns.length) throw unsupported(`datatable with ${values.length} values for ${columns.length} columns`, node);
    const rows: Row[] = [];
    for (let i = 0; i < values.length; i += columns.length) {
      rows.push(columns.map((c, j) => {
        const v = values[i + j]!;
        if (!v.constant) throw unsupported('a datatable value that is not a literal', node);
        return convert(v.fn([]), v.type, c.type);
      }));
    }
    return { columns, rows: () => rows };
  }

  /** externaldata(...)[url]: rows the caller supplies for the URL (nothing is downloaded). */
  private externalData(node: KqlSyntaxNode): Relation {
    const columns = tableTypeOf(node);
    const urls = nodes(node).filter((n) => n.kind === 'StringLiteralExpression' || n.kind === 'CompoundStringLiteralExpression' || n.kind === 'List')
      .flatMap((n) => (n.kind === 'List' ? items(n) : [n])).map((n) => n.valueText).filter((u): u is string => u !== undefined);
    const state = this.state;
    return {
      columns,
      rows: function* () {
        for (const url of urls) {
          const supplied = state.externalData(url);
          if (!supplied) throw runError(`externaldata: no rows were supplied for ${url} (this engine does not download)`, node);
          for (const r of supplied) yield columns.map((c) => fromInput(r[c.name], c.type));
        }
      },
    };
  }

  private print(node: KqlSyntaxNode, scope: Scope): Relation {
    const compiler = new ExpressionCompiler(this, scope, []);
    const fns = items(node.child('Expressions')).map((e) => compiler.compile(e.kind === 'SimpleNamedExpression' ? e.child('Expression')! : e));
    const columns = tableTypeOf(node).map((c, i) => ({ ...c, estimated: fns[i]?.estimated }));
    return { columns, rows: function* () { yield fns.map((f) => f.fn([])); } };
  }

  /** range x from a to b step s: a, a+s, … up to and including b. */
  private range(node: KqlSyntaxNode, scope: Scope): Relation {
    const compiler = new ExpressionCompiler(this, scope, []);
    const [from, to, step] = [compiler.compile(node.child('From')!), compiler.compile(node.child('To')!), compiler.compile(node.child('Step')!)];
    const columns = tableTypeOf(node);
    return {
      columns,
      rows: function* () {
        const [a, b, s] = [from.fn([]), to.fn([]), step.fn([])] as [number | null, number | null, number | null];
        if (a === null || b === null || s === null || s === 0) return;
        for (let x = a; s > 0 ? x <= b : x >= b; x += s) yield [x];
      },
    };
  }
}

/* ---- operators ---- */

function describe(node: KqlSyntaxNode): string {
  const words = node.kind.replace(/(Expression|Operator)$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  return node.kind.endsWith('Operator') ? `operator ${words}` : words;
}

/**
 * The relation, with Kusto's own names and types for its columns; unsupported when this engine's
 * layout differs from Kusto's (a naming or ordering rule it does not know).
 */
export function checked(op: KqlSyntaxNode, relation: Relation): Relation {
  const kusto = op.resultType?.kind === 'columns' ? op.resultType.columns : undefined;
  if (!kusto) return relation;
  const mine = relation.columns;
  const same = kusto.length === mine.length && kusto.every((c, i) => c.name === mine[i]!.name);
  if (!same) {
    throw unsupported(`${describe(op)}: this engine's columns (${mine.map((c) => c.name).join(', ')}) differ from Kusto's (${kusto.map((c) => c.name).join(', ')})`, op);
  }
  const columns = mine.map((c, i) => ({ ...c, type: kqlType(kusto[i]!.type) ?? c.type }));
  const retyped = columns.some((c, i) => c.type !== mine[i]!.type);
  if (!retyped) return relation;
  // Kusto's binder knows a type this engine computed differently: convert to it.
  const conversions = columns.map((c, i) => (c.type === mine[i]!.type ? undefined : [mine[i]!.type, c.type] as const));
  return {
    columns,
    rows: function* () {
      for (const row of relation.rows()) yield row.map((v, i) => { const k = conversions[i]; return k ? convert(v, k[0], k[1]) : v; });
    },
  };
}

function materialize(relation: Relation, state: RunState): Relation {
  const rows = oncePerRun(state, () => [...relation.rows()]);
  return { columns: relation.columns, rows };
}

/** The expression of an item that may be `name = expression`, and the name if written. */
export function namedItem(item: KqlSyntaxNode): { name: string | undefined; expression: KqlSyntaxNode } {
  if (item.kind === 'SimpleNamedExpression') return { name: item.child('Name')!.simpleName ?? item.child('Name')!.text, expression: item.child('Expression')! };
  if (item.kind === 'CompoundNamedExpression') throw unsupported(`(a, b) = … here (${short(item)})`, item);
  return { name: undefined, expression: item };
}

/**
 * extend: every expression sees the input row; a name that exists replaces that column in place,
 * a new one is appended (an unnamed expression keeps the name Kusto derives, or gets Column1 …).
 * https://learn.microsoft.com/kusto/query/extend-operator
 */
function extend(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler): Relation {
  const kusto = tableTypeOf(op);
  const columns: Column[] = [...input.columns];
  const writes: { at: number; fn: Scalar }[] = [];
  for (const item of items(op.child('Expressions'))) {
    const { name, expression } = namedItem(item);
    const c = compiler.compile(expression);
    const wanted = name ?? expression.resultName();
    let at = wanted === undefined ? -1 : columns.findIndex((col) => col.name === wanted);
    if (at < 0) {
      at = columns.length;
      columns.push({ name: kusto[at]?.name ?? wanted ?? `Column${at}`, type: c.type, estimated: c.estimated });
    } else columns[at] = { name: columns[at]!.name, type: c.type, estimated: c.estimated };
    writes.push({ at, fn: c.fn });
  }
  const width = columns.length;
  return {
    columns,
    rows: function* () {
      for (const row of input.rows()) {
        const out = row.slice();
        out.length = width;
        for (const w of writes) out[w.at] = w.fn(row);
        yield out;
      }
    },
  };
}

/** project: the listed expressions, in order. https://learn.microsoft.com/kusto/query/project-operator */
function project(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler): Relation {
  const kusto = tableTypeOf(op);
  const compiled = items(op.child('Expressions')).map((item) => compiler.compile(namedItem(item).expression));
  const columns = compiled.map((c, i) => ({ name: kusto[i]?.name ?? `Column${i + 1}`, type: c.type, estimated: c.estimated }));
  const fns = compiled.map((c) => c.fn);
  return { columns, rows: function* () { for (const row of input.rows()) yield fns.map((f) => f(row)); } };
}

/** project-away / project-keep / project-reorder / project-rename: Kusto's resulting columns, read by name. */
function reorder(op: KqlSyntaxNode, input: Relation, renames: ReadonlyMap<string, string>): Relation {
  const kusto = tableTypeOf(op);
  const indexes = kusto.map((c) => {
    const source = renames.get(c.name) ?? c.name;
    const i = input.columns.findIndex((x) => x.name === source);
    if (i < 0) throw unsupported(`${describe(op)}: column ${c.name}`, op);
    return i;
  });
  const columns = indexes.map((i, k) => ({ ...input.columns[i]!, name: kusto[k]!.name }));
  return { columns, rows: function* () { for (const row of input.rows()) yield indexes.map((i) => row[i]); } };
}

const DOTNET_TYPES: Record<string, string> = {
  string: 'System.String', int: 'System.Int32', long: 'System.Int64', real: 'System.Double', decimal: 'System.Data.SqlTypes.SqlDecimal',
  bool: 'System.SByte', datetime: 'System.DateTime', timespan: 'System.TimeSpan', guid: 'System.Guid', dynamic: 'System.Object',
};

/** getschema: ColumnName, ColumnOrdinal, DataType (.NET), ColumnType. https://learn.microsoft.com/kusto/query/getschema-operator */
function getSchema(op: KqlSyntaxNode, input: Relation): Relation {
  const rows = input.columns.map((c, i) => [c.name, i, DOTNET_TYPES[c.type]!, c.type]);
  return { columns: tableTypeOf(op), rows: () => rows };
}

function take(input: Relation, count: () => number): Relation {
  return {
    columns: input.columns,
    rows: function* () {
      const n = count();
      if (n <= 0) return;
      let i = 0;
      for (const row of input.rows()) {
        yield row;
        if (++i >= n) return;
      }
    },
  };
}

/** distinct: one row per distinct combination of the listed columns (or of all, with *). */
function distinct(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler): Relation {
  const list = items(op.child('Expressions'));
  const star = list.length === 1 && list[0]!.kind === 'StarExpression';
  const compiled = star ? input.columns.map((c, i) => ({ fn: (row: Row) => row[i], type: c.type, estimated: c.estimated === true })) : list.map((e) => compiler.compile(namedItem(e).expression));
  const kusto = tableTypeOf(op);
  const columns = compiled.map((c, i) => ({ name: kusto[i]?.name ?? `Column${i + 1}`, type: c.type, estimated: c.estimated }));
  const fns = compiled.map((c) => c.fn);
  return {
    columns,
    rows: function* () {
      const seen = new Set<string>();
      for (const row of input.rows()) {
        const out = fns.map((f) => f(row));
        const key = rowKey(out);
        if (!seen.has(key)) {
          seen.add(key);
          yield out;
        }
      }
    },
  };
}

/**
 * sort / order by and top. Kusto's default is descending; "Default for asc is nulls first. Default
 * for desc is nulls last"; null and NaN sort together. https://learn.microsoft.com/kusto/query/sort-operator
 * https://learn.microsoft.com/kusto/query/top-operator
 */
function sort(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler, limit: (() => number) | undefined): Relation {
  const keyNodes = op.kind === 'TopOperator' ? [op.child('ByExpression')!] : items(op.child('Expressions'));
  const keys = keyNodes.map((k) => {
    const expression = k.kind === 'OrderedExpression' ? k.child('Expression')! : k;
    const ordering = k.kind === 'OrderedExpression' ? k.child('Ordering') : undefined;
    const descending = (ordering?.child('AscOrDescKeyword')?.text.toLowerCase() ?? 'desc') === 'desc';
    const nulls = ordering?.child('NullsClause')?.child('FirstOrLastKeyword')?.text.toLowerCase();
    const nullsFirst = nulls ? nulls === 'first' : !descending;
    return { fn: compiler.compile(expression).fn, descending, nullsFirst };
  });
  const isNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isNaN(v));
  const compare = (a: unknown[], b: unknown[]) => {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const [x, y] = [a[i], b[i]];
      const [xn, yn] = [isNull(x), isNull(y)];
      if (xn || yn) {
        if (xn && yn) continue;
        return (xn ? -1 : 1) * (k.nullsFirst ? 1 : -1);
      }
      const c = compareValues(x, y);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  };
  return {
    columns: input.columns,
    rows: function* () {
      const n = limit?.();
      if (n !== undefined && n <= 0) return;
      const decorated = [...input.rows()].map((row) => ({ row, key: keys.map((k) => k.fn(row)) }));
      decorated.sort((a, b) => compare(a.key, b.key));
      const end = n === undefined ? decorated.length : Math.min(n, decorated.length);
      for (let i = 0; i < end; i++) yield decorated[i]!.row;
    },
  };
}

