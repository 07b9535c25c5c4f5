// mv-expand and parse / parse-where: operators that add or replace columns per row.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
// https://learn.microsoft.com/kusto/query/parse-operator
import type { KqlSyntaxNode } from '../language-service.ts';
import { unsupported } from './errors.ts';
import type { ExpressionCompiler } from './expressions.ts';
import type { Column, Relation, Row, Scalar } from './model.ts';
import { kustoRegex } from './regex.ts';
import { items, namedParameters, parameterText, short, tableTypeOf } from './syntax.ts';
import { parseDateTime, parseTimespan } from './time.ts';
import { convert, isBag, kqlType, nullOf, toKqlString, type Dynamic, type KqlType } from './values.ts';

/** The type written in `to typeof(T)` / `name: T`. */
function typeWritten(node: KqlSyntaxNode): KqlType {
  const primitive = node.kind === 'PrimitiveTypeExpression' ? node : items(node.child('Types'))[0];
  const name = (primitive?.child('Type')?.text ?? primitive?.text ?? node.text).toLowerCase();
  const t = kqlType(name);
  if (!t) throw unsupported(`type ${name}`, node);
  return t;
}

/**
 * "The operation of applying type is cast-only and doesn't include parsing or type-conversion.
 * Array elements that don't conform with the declared type become null values." (Kusto holds
 * datetimes and timespans in dynamic values as values; here they are ISO / Kusto text.)
 */
function castElement(v: Dynamic, to: KqlType): unknown {
  if (to === 'dynamic') return v;
  if (v === null) return nullOf(to);
  switch (to) {
    case 'string': return typeof v === 'string' ? v : '';
    case 'int': case 'long': return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'real': case 'decimal': return typeof v === 'number' ? v : null;
    case 'bool': return typeof v === 'boolean' ? v : null;
    case 'datetime': return typeof v === 'string' ? parseDateTime(v) : null;
    case 'timespan': return typeof v === 'string' ? parseTimespan(v) : null;
    case 'guid': return typeof v === 'string' ? convert(v, 'string', 'guid') : null;
  }
}

interface Expansion {
  /** The column the elements go to (an existing one is replaced). */
  readonly name: string | undefined;
  /** The expression is a column of the input (mv-apply removes it from the input). */
  readonly column: string | undefined;
  readonly fn: Scalar;
  readonly type: KqlType;
  readonly estimated: boolean;
  readonly at: KqlSyntaxNode;
}

interface ExpandClause {
  readonly expansions: Expansion[];
  readonly indexName: string | undefined;
  readonly limit: number;
  readonly asArray: boolean;
}

/** The shared part of mv-expand and mv-apply: what to expand, bag mode, item index, row limit. */
function expandClause(op: KqlSyntaxNode, compiler: ExpressionCompiler, itemKind: string): ExpandClause {
  const parameters = namedParameters(op);
  const kindNode = parameters.get('kind') ?? parameters.get('bagexpansion');
  const asArray = kindNode ? parameterText(kindNode).toLowerCase() === 'array' : false;
  const indexNode = parameters.get('with_itemindex');
  const indexName = indexNode ? indexNode.simpleName ?? indexNode.child('Name')?.simpleName ?? indexNode.text : undefined;
  const limitNode = op.child('RowLimitClause')?.child('RowLimit');
  const limit = limitNode ? Number(compiler.compile(limitNode).fn([])) : 2147483647;
  const expansions = items(op.child('Expressions')).map((item): Expansion => {
    if (item.kind !== itemKind) throw unsupported(`${short(op).split(' ')[0]} item ${short(item)}`, item);
    let expression = item.child('Expression')!;
    let name: string | undefined;
    if (expression.kind === 'SimpleNamedExpression') {
      name = expression.child('Name')!.simpleName;
      expression = expression.child('Expression')!;
    } else name = expression.resultName();
    const typeOf = item.child('ToTypeOf')?.child('TypeOf');
    const c = compiler.compile(expression);
    if (c.type !== 'dynamic') throw unsupported(`expanding a ${c.type} (${short(expression)})`, expression);
    const column = expression.kind === 'NameReference' && expression.symbol?.kind === 'Column' ? expression.simpleName : undefined;
    return { name, column, fn: c.fn, type: typeOf ? typeWritten(typeOf) : 'dynamic', estimated: c.estimated, at: expression };
  });
  return { expansions, indexName, limit, asArray };
}

/** The rows one input row expands to: for each, the expanded values and the item index. */
function* expandRow(clause: ExpandClause, row: Row): Generator<{ values: unknown[]; index: number }> {
  const lists = clause.expansions.map((e) => elementsOf(e.fn(row), clause.asArray));
  const n = Math.min(clause.limit, Math.max(0, ...lists.map((l) => l.length)));
  for (let i = 0; i < n; i++) yield { values: clause.expansions.map((e, k) => castElement(lists[k]![i] ?? null, e.type)), index: i };
}

function elementsOf(v: unknown, asArray: boolean): Dynamic[] {
  if (v === null) return [null];
  if (Array.isArray(v)) return v;
  if (isBag(v)) return Object.entries(v).map(([k, x]) => (asArray ? [k, x] : { [k]: x }));
  return [v as Dynamic];
}

/**
 * mv-expand: each array element (or property-bag entry) of the expanded values becomes a row;
 * several expansions go "in parallel", the shorter padded with null; a null value gives one row,
 * an empty array or bag none. Bags expand to single-entry bags (kind=bag, the default) or
 * [key, value] arrays (kind=array).
 */
export function mvExpand(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler): Relation {
  const clause = expandClause(op, compiler, 'MvExpandExpression');
  const { columns, slots } = expandedLayout(input.columns, clause, tableTypeOf(op));
  return { columns, rows: () => expandedRows(input.rows(), clause, slots, columns.length) };
}

/** The columns after expansion: expanded values replace their column or are appended; the item index last. */
function expandedLayout(inputColumns: readonly Column[], clause: ExpandClause, kusto: readonly { name: string }[]): { columns: Column[]; slots: number[] } {
  const columns: Column[] = [...inputColumns];
  const slots = clause.expansions.map((e) => {
    let at = e.name === undefined ? -1 : columns.findIndex((col) => col.name === e.name);
    if (at < 0) {
      at = columns.length;
      columns.push({ name: e.name ?? kusto[at]?.name ?? `Column${at}`, type: e.type, estimated: e.estimated });
    } else columns[at] = { name: columns[at]!.name, type: e.type, estimated: e.estimated };
    return at;
  });
  if (clause.indexName !== undefined) columns.push({ name: clause.indexName, type: 'long' });
  return { columns, slots };
}

function* expandedRows(rows: Iterable<Row>, clause: ExpandClause, slots: readonly number[], width: number): Generator<Row> {
  for (const row of rows) {
    for (const { values, index } of expandRow(clause, row)) {
      const out = row.slice();
      out.length = width;
      slots.forEach((at, k) => { out[at] = values[k]; });
      if (clause.indexName !== undefined) out[width - 1] = index;
      yield out;
    }
  }
}

/**
 * mv-apply: each input row is expanded as by mv-expand into a subtable, the subquery runs on it,
 * and its rows come out after the input row's columns the subquery does not give back (a column
 * expanded under its own name is replaced by its expansion). https://learn.microsoft.com/kusto/query/mv-apply-operator
 */
export function mvApply(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler, subquery: (node: KqlSyntaxNode, subtable: Relation) => Relation): Relation {
  const clause = expandClause(op, compiler, 'MvApplyExpression');
  const { columns: subColumns, slots } = expandedLayout(input.columns, clause, []);
  let current: Row = [];
  const subtable: Relation = { columns: subColumns, rows: () => expandedRows([current], clause, slots, subColumns.length) };
  const body = op.child('Subquery')?.child('Expression');
  if (!body) throw unsupported(`mv-apply without a subquery (${short(op)})`, op);
  const result = subquery(body, subtable);
  const given = new Set(result.columns.map((c) => c.name));
  // An expanded column replaced under its own name leaves the input; `x = Column` keeps Column.
  const replaced = new Set(clause.expansions.filter((e) => e.column !== undefined && e.name === e.column).map((e) => e.column!));
  const kept = input.columns.map((c, i) => [c, i] as const).filter(([c]) => !given.has(c.name) && !replaced.has(c.name));
  return {
    columns: [...kept.map(([c]) => c), ...result.columns],
    rows: function* () {
      for (const row of input.rows()) {
        current = row;
        const outer = kept.map(([, i]) => row[i]);
        for (const r of [...result.rows()]) yield [...outer, ...r];
      }
    },
  };
}

const TYPED_PATTERNS: Partial<Record<KqlType, string>> = {
  int: '(-?\\d+)',
  long: '(-?\\d+)',
  real: '(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)',
  decimal: '(-?\\d+(?:\\.\\d+)?)',
  bool: '(true|false|True|False|TRUE|FALSE|0|1)',
};

/**
 * parse / parse-where. The pattern becomes a regex anchored at the start: string constants match
 * themselves (kind=simple, relaxed) or are regexes (kind=regex); `*` is `.*?`; a string column is
 * `.*?` (`.*` when it ends the pattern); numeric columns match numbers. When the text does not
 * match, the new columns are null ("The calculated columns return null values for unsuccessfully
 * parsed strings"); parse-where drops the row instead.
 */
export function parse(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler, dropUnmatched: boolean): Relation {
  const parameters = namedParameters(op);
  const kindNode = parameters.get('kind');
  const kind = kindNode ? parameterText(kindNode).toLowerCase() : 'simple';
  if (kind !== 'simple' && kind !== 'regex' && kind !== 'relaxed') throw unsupported(`parse kind=${kind}`, kindNode!);
  const flagsNode = parameters.get('flags');
  const flags = flagsNode ? parameterText(flagsNode) : '';
  if (flags && kind !== 'regex') throw unsupported('parse flags= without kind=regex', flagsNode!);
  const source = compiler.compile(op.child('Expression')!);
  const text = source.type === 'string' ? (source.fn as (row: Row) => string) : ((fn, t) => (row: Row) => toKqlString(fn(row), t))(source.fn, source.type);
  const patterns = items(op.child('Patterns'));
  let regex = '^';
  const targets: { name: string; type: KqlType }[] = [];
  patterns.forEach((p, i) => {
    const last = i === patterns.length - 1;
    switch (p.kind) {
      case 'StarExpression': regex += last ? '.*' : '.*?'; break;
      case 'StringLiteralExpression': case 'CompoundStringLiteralExpression': {
        const value = p.valueText ?? '';
        regex += kind === 'regex' ? value : value.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        break;
      }
      case 'NameAndTypeDeclaration': case 'NameDeclaration': {
        const name = p.kind === 'NameDeclaration' ? p.simpleName! : p.child('Name')!.simpleName!;
        const type = p.kind === 'NameDeclaration' ? 'string' : typeWritten(p.child('Type')!);
        regex += TYPED_PATTERNS[type] ?? (last ? '(.*)' : '(.*?)');
        targets.push({ name, type });
        break;
      }
      default: throw unsupported(`parse pattern element ${short(p)}`, p);
    }
  });
  const re = kustoRegex(regex, op, flags.replace(/[^ims]/g, ''));
  const columns: Column[] = [...input.columns];
  const slots = targets.map((t) => {
    let at = columns.findIndex((c) => c.name === t.name);
    if (at < 0) {
      at = columns.length;
      columns.push({ name: t.name, type: t.type });
    } else columns[at] = { name: t.name, type: t.type };
    return at;
  });
  const width = columns.length;
  const relaxed = kind === 'relaxed';
  return {
    columns,
    rows: function* () {
      for (const row of input.rows()) {
        const m = re.exec(text(row));
        let values: unknown[] | undefined;
        if (m) {
          values = targets.map((t, k) => convert(m[k + 1] ?? '', 'string', t.type));
          // Strict kinds: every typed column must convert, or nothing is extracted.
          if (!relaxed && values.some((v, k) => v === null && targets[k]!.type !== 'string')) values = undefined;
        }
        if (!values && dropUnmatched) continue;
        const out = row.slice();
        out.length = width;
        slots.forEach((at, k) => { out[at] = values ? values[k] : nullOf(targets[k]!.type); });
        yield out;
      }
    },
  };
}
