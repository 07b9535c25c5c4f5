// Scalar expressions of Kusto's analysed syntax tree → closures over a row, compiled once.
// Semantics follow https://learn.microsoft.com/kusto/query/ (each case names its page):
// three-valued logic with null, case-sensitive ==, term-based has, Kusto's numeric promotion.
import type { KqlSyntaxNode } from '../language-service.ts';
import { runError, unsupported } from './errors.ts';
import { dynamicGet, map1, map2, SCALAR_FUNCTIONS, type Call } from './functions.ts';
import type { Binding, Column, Compiled, Relation, Row, RunState, Scalar } from './model.ts';
import { oncePerRun, Scope } from './model.ts';
import { kustoRegex } from './regex.ts';
import { expressionList, items, scalarTypeOf, short } from './syntax.ts';
import { hasTerm, type TermMatch } from './terms.ts';
import { parseDateTime, parseTimespan } from './time.ts';
import { compareValues, convert, isInteger, isNumeric, toDynamic, toKqlString, type Dynamic, type KqlType } from './values.ts';

/** What expressions need from the rest of the compiler: names in scope, the run, tabular sub-queries. */
export interface CompileEnvironment {
  readonly state: RunState;
  /** Compiles a tabular expression met inside a scalar one (toscalar, `in (T)`, a tabular argument). */
  tabular(node: KqlSyntaxNode, scope: Scope): Relation;
}

/** Receives the aggregate calls of a summarize expression; gives back where each one's value is. */
export interface AggregateSink {
  add(call: KqlSyntaxNode): { readonly slot: number; readonly estimated: boolean };
}

const lit = (value: unknown, type: KqlType): Compiled => ({ fn: () => value, type, estimated: false, constant: true, invariant: true });

export class ExpressionCompiler {
  private readonly index = new Map<string, number>();

  constructor(
    readonly env: CompileEnvironment,
    readonly scope: Scope,
    /** The columns of the rows the closures will receive. */
    readonly columns: readonly Column[],
    /** In summarize: where aggregate calls go (rows are then the aggregate results). */
    private readonly aggregates?: AggregateSink,
  ) {
    columns.forEach((c, i) => this.index.set(c.name, i));
  }

  columnIndex(name: string): number | undefined {
    return this.index.get(name);
  }

  /** A compiled expression whose type is the one Kusto's binder gave it (converted if needed). */
  compile(node: KqlSyntaxNode): Compiled {
    const compiled = this.compileNode(node);
    const want = node.resultType?.kind === 'scalar' ? node.resultType.name : undefined;
    if (want && want !== compiled.type && want !== 'unknown' && want !== 'null' && want !== 'type') {
      const to = scalarTypeOf(node);
      if (to !== compiled.type) {
        const { fn, type } = compiled;
        return { ...compiled, type: to, fn: (row) => convert(fn(row), type, to) };
      }
    }
    return compiled;
  }

  /** Compiles a predicate: true keeps the row; false and null drop it. */
  predicate(node: KqlSyntaxNode): (row: Row) => boolean {
    const { fn } = this.compile(node);
    return (row) => fn(row) === true;
  }

  private compileNode(node: KqlSyntaxNode): Compiled {
    switch (node.kind) {
      case 'ParenthesizedExpression': return this.compile(node.child('Expression')!);
      case 'StringLiteralExpression':
      case 'CompoundStringLiteralExpression': return lit(node.valueText ?? '', 'string');
      case 'BooleanLiteralExpression': return lit(nullable(node.valueText, (t) => t.toLowerCase() === 'true'), 'bool');
      case 'IntLiteralExpression': return lit(nullable(node.valueText, integerLiteral), 'int');
      case 'LongLiteralExpression': return lit(nullable(node.valueText, integerLiteral), 'long');
      case 'RealLiteralExpression': return lit(nullable(node.valueText, realLiteral), 'real');
      case 'DecimalLiteralExpression': return lit(nullable(node.valueText, realLiteral), 'decimal');
      case 'DateTimeLiteralExpression': return lit(this.datetimeLiteral(node), 'datetime');
      case 'TimespanLiteralExpression': return lit(this.timespanLiteral(node), 'timespan');
      case 'GuidLiteralExpression': return lit(nullable(node.valueText, (t) => t.toLowerCase()), 'guid');
      case 'NullLiteralExpression': return lit(null, 'dynamic');
      case 'TypeOfLiteralExpression': return lit(node.text, 'string');
      case 'DynamicExpression':
      case 'JsonObjectExpression':
      case 'JsonArrayExpression': return lit(this.dynamicLiteral(node), 'dynamic');
      case 'NameReference':
      case 'BracketedName': return this.nameReference(node);
      case 'PathExpression': return this.path(node);
      case 'ElementExpression': return this.element(node);
      case 'FunctionCallExpression': return this.call(node);
      case 'ToScalarExpression': return this.toScalar(node);
      case 'UnaryMinusExpression': {
        const a = this.compile(node.child('Expression')!);
        return { ...a, constant: a.constant, fn: map1(a.fn, (x: number) => -x) };
      }
      case 'UnaryPlusExpression': return this.compile(node.child('Expression')!);
      case 'AndExpression': return this.logical(node, 'and');
      case 'OrExpression': return this.logical(node, 'or');
      case 'InExpression': case 'InCsExpression': case 'NotInExpression': case 'NotInCsExpression': return this.inList(node);
      case 'HasAnyExpression': case 'HasAllExpression': return this.hasAnyAll(node);
      case 'BetweenExpression': case 'NotBetweenExpression': return this.between(node);
      default:
        if (node.child('Left') && node.child('Operator') && node.child('Right')) return this.binary(node);
        throw unsupported(`${describe(node)} (${short(node)})`, node);
    }
  }

  /* ---- literals ---- */

  private datetimeLiteral(node: KqlSyntaxNode): number | null {
    const text = node.valueText ?? '';
    if (text === 'null') return null;
    const ms = parseDateTime(text.replace(/^(["'])(.*)\1$/, '$2'));
    if (ms === null) throw runError(`not a datetime: ${short(node)}`, node);
    return ms;
  }

  private timespanLiteral(node: KqlSyntaxNode): number | null {
    const text = node.valueText ?? '';
    if (text === 'null') return null;
    const ms = parseTimespan(text.replace(/^(["'])(.*)\1$/, '$2'));
    if (ms === null) throw runError(`not a timespan: ${short(node)}`, node);
    return ms;
  }

  /** dynamic(…) literals: JSON-like, with Kusto literals (datetime(…), 1h …) as values. */
  private dynamicLiteral(node: KqlSyntaxNode): Dynamic {
    switch (node.kind) {
      case 'DynamicExpression': return this.dynamicLiteral(node.child('Expression')!);
      case 'JsonObjectExpression': {
        const bag: Record<string, Dynamic> = {};
        for (const pair of items(node.child('Pairs'))) {
          const name = pair.child('Name');
          bag[name?.valueText ?? name?.text ?? ''] = this.dynamicLiteral(pair.child('Value')!);
        }
        return bag;
      }
      case 'JsonArrayExpression': return items(node.child('Values')).map((v) => this.dynamicLiteral(v));
      case 'UnaryMinusExpression': {
        const v = this.dynamicLiteral(node.child('Expression')!);
        return typeof v === 'number' ? -v : null;
      }
      default: {
        const c = this.compileNode(node);
        if (!c.constant) throw unsupported(`dynamic literal element ${short(node)}`, node);
        return toDynamic(c.fn([]), c.type);
      }
    }
  }

  /* ---- names ---- */

  private nameReference(node: KqlSyntaxNode): Compiled {
    const name = node.simpleName ?? node.text;
    const symbol = node.symbol;
    if (symbol?.kind === 'Column' || !symbol) {
      const i = this.index.get(name);
      if (i !== undefined) {
        if (this.aggregates) throw unsupported(`column ${name} outside an aggregate in summarize`, node);
        const column = this.columns[i]!;
        return { fn: (row) => row[i], type: column.type, estimated: column.estimated === true, constant: false, invariant: false };
      }
      if (symbol) throw unsupported(`column ${name} here`, node);
    }
    const binding = this.scope.lookup(name);
    if (binding?.kind === 'scalar') return binding.compiled;
    if (binding?.kind === 'table') throw unsupported(`the tabular value ${name} where a scalar is expected`, node);
    throw unsupported(`the name ${name} (${symbol?.kind ?? 'unbound'})`, node);
  }

  /** `obj.field` on dynamic values (or a column of a tuple). */
  private path(node: KqlSyntaxNode): Compiled {
    const base = this.compile(node.child('Expression')!);
    const selector = node.child('Selector')!;
    const key = selector.simpleName ?? selector.valueText ?? selector.text.replace(/^\[['"]|['"]\]$/g, '');
    if (base.type !== 'dynamic') throw unsupported(`member access on a ${base.type} (${short(node)})`, node);
    const { fn } = base;
    return { ...base, type: 'dynamic', fn: (row) => dynamicGet(fn(row) as Dynamic, key) };
  }

  /** `obj["key"]`, `arr[0]`, `arr[-1]` on dynamic values. */
  private element(node: KqlSyntaxNode): Compiled {
    const base = this.compile(node.child('Expression')!);
    const selector = node.child('Selector')!;
    const index = this.compile(selector.child('Expression') ?? selector);
    if (base.type !== 'dynamic') throw unsupported(`indexing a ${base.type} (${short(node)})`, node);
    const [b, k] = [base.fn, index.fn];
    const numeric = isNumeric(index.type);
    return {
      fn: (row) => {
        const key = k(row);
        if (key === null) return null;
        return dynamicGet(b(row) as Dynamic, numeric ? Math.trunc(key as number) : typeof key === 'string' ? key : String(key));
      },
      type: 'dynamic', estimated: base.estimated || index.estimated, constant: base.constant && index.constant, invariant: base.invariant && index.invariant,
    };
  }

  /* ---- calls ---- */

  private call(node: KqlSyntaxNode): Compiled {
    const nameNode = node.child('Name')!;
    const name = nameNode.simpleName ?? nameNode.text;
    const symbol = node.symbol ?? nameNode.symbol;
    // A named argument (`case(x, strcat=y, …)`) passes its value.
    const argNodes = expressionList(node.child('ArgumentList')).map((a) => (a.kind === 'SimpleNamedExpression' ? a.child('Expression')! : a));
    const binding = this.scope.lookup(name);
    if (binding?.kind === 'function') return this.userFunction(node, binding, argNodes);
    if (symbol?.isAggregate) {
      if (!this.aggregates) throw unsupported(`aggregate ${name}() outside summarize`, node);
      const { slot, estimated } = this.aggregates.add(node);
      return { fn: (row) => row[slot], type: scalarTypeOf(node), estimated, constant: false, invariant: false };
    }
    if (name === 'column_ifexists') {
      const i = this.index.get(argNodes[0]?.valueText ?? '');
      if (i === undefined) return this.compile(argNodes[1]!);
      const column = this.columns[i]!;
      return { fn: (row) => row[i], type: column.type, estimated: column.estimated === true, constant: false, invariant: false };
    }
    const impl = Object.hasOwn(SCALAR_FUNCTIONS, name) ? SCALAR_FUNCTIONS[name] : undefined;
    if (!impl || (symbol && symbol.kind !== 'Function')) {
      throw unsupported(`function ${name}()${symbol && !impl && this.scope.lookup(name) === undefined && symbol.kind === 'Function' && node.expansion() ? ' (a stored function)' : ''}`, node);
    }
    const args = argNodes.map((a) => this.compile(a));
    const type = scalarTypeOf(node);
    const call: Call = { node, name, args, argNodes, type, state: this.env.state };
    const fn = impl(call);
    const volatile = name === 'now' || name === 'ago';
    const constant = !volatile && args.every((a) => a.constant);
    const invariant = args.every((a) => a.invariant);
    if (constant) {
      // Literal arguments only: the value is known now (and checked now).
      const value = fn([]);
      return { ...lit(value, type), estimated: false };
    }
    return { fn, type, estimated: args.some((a) => a.estimated), constant: false, invariant };
  }

  /** A call of a `let` function: its body as Kusto expands it at this call, parameters bound to the arguments. */
  private userFunction(node: KqlSyntaxNode, binding: Binding & { kind: 'function' }, argNodes: KqlSyntaxNode[]): Compiled {
    const body = node.expansion();
    if (!body) throw unsupported(`a call of ${short(node)} that Kusto does not expand`, node);
    const scope = bindParameters(binding, argNodes, this.scope, node, (arg) => this.compile(arg), this.env);
    const statements = items(body.child('Statements'));
    for (const s of statements) bindLet(s, scope, this.env);
    const expression = body.child('Expression');
    if (!expression) throw unsupported(`function body without an expression (${short(node)})`, node);
    return new ExpressionCompiler(this.env, scope, this.columns, this.aggregates).compile(expression);
  }

  /** toscalar(T): the first column of the first row (null when there is none), once per run. */
  private toScalar(node: KqlSyntaxNode): Compiled {
    const relation = this.env.tabular(node.child('Expression')!, this.scope);
    const type = scalarTypeOf(node);
    const first = relation.columns[0];
    if (!first) throw unsupported(`toscalar of a table without columns`, node);
    const value = oncePerRun(this.env.state, () => {
      for (const row of relation.rows()) return convert(row[0], first.type, type);
      return type === 'string' ? '' : null;
    });
    return { fn: value, type, estimated: first.estimated === true, constant: false, invariant: true };
  }

  /* ---- operators ---- */

  private logical(node: KqlSyntaxNode, op: 'and' | 'or'): Compiled {
    const [l, r] = [this.compile(node.child('Left')!), this.compile(node.child('Right')!)];
    const [a, b] = [l.fn, r.fn];
    // https://learn.microsoft.com/kusto/query/scalar-data-types/null-values#null-values-and-binary-operators
    // null is sticky, except that false and anything is false, and true or anything is true.
    const fn: Scalar = op === 'and'
      ? (row) => {
        const x = a(row);
        if (x === false) return false;
        const y = b(row);
        if (y === false) return false;
        return x === null || y === null ? null : true;
      }
      : (row) => {
        const x = a(row);
        if (x === true) return true;
        const y = b(row);
        if (y === true) return true;
        return x === null || y === null ? null : false;
      };
    return { fn, type: 'bool', estimated: l.estimated || r.estimated, constant: false, invariant: l.invariant && r.invariant };
  }

  private binary(node: KqlSyntaxNode): Compiled {
    // `<>` is Kusto's other spelling of `!=`.
    const op = node.child('Operator')!.text.toLowerCase().replace(/\s+/g, ' ').replace('<>', '!=');
    const [l, r] = [this.compile(node.child('Left')!), this.compile(node.child('Right')!)];
    const combine = (fn: Scalar, type: KqlType): Compiled => ({ fn, type, estimated: l.estimated || r.estimated, constant: false, invariant: l.invariant && r.invariant });
    switch (op) {
      case '+': case '-': case '*': case '/': case '%': return combine(arithmetic(op, l, r, node), scalarTypeOf(node));
      case '==': case '!=': {
        const eq = equality(l.type, r.type, node);
        const [a, b] = [l.fn, r.fn];
        return combine(op === '==' ? (row) => eq(a(row), b(row)) : (row) => negate(eq(a(row), b(row))), 'bool');
      }
      case '<': case '<=': case '>': case '>=': return combine(ordering(op, l, r, node), 'bool');
      case '=~': case '!~': {
        const [a, b] = [lowerString(l), lowerString(r)];
        return combine(op === '=~' ? (row) => a(row) === b(row) : (row) => a(row) !== b(row), 'bool');
      }
      case 'matches regex': {
        if (!r.constant) throw unsupported('matches regex with a pattern that is not a constant', node);
        const re = kustoRegex(String(r.fn([])), node.child('Right')!);
        const a = stringOf(l);
        return combine((row) => re.test(a(row)), 'bool');
      }
      default: {
        const test = stringOperator(op);
        if (!test) throw unsupported(`operator ${op}`, node.child('Operator')!);
        const [a, b] = [stringOf(l), stringOf(r)];
        if (r.constant) {
          const needle = test.cs ? String(r.fn([])) : String(r.fn([])).toLowerCase();
          return combine(test.cs ? (row) => test.match(a(row), needle) : (row) => test.match(a(row).toLowerCase(), needle), 'bool');
        }
        return combine(test.cs ? (row) => test.match(a(row), b(row)) : (row) => test.match(a(row).toLowerCase(), b(row).toLowerCase()), 'bool');
      }
    }
  }

  /**
   * The values of a right-hand list, as dynamic values: scalars, the elements of dynamic arrays,
   * the first column of tabular expressions. https://learn.microsoft.com/kusto/query/in-operator
   */
  private listValues(list: KqlSyntaxNode): { values: (row: Row) => Dynamic[]; invariant: boolean } {
    const parts = expressionList(list).map((e): { fn: (row: Row) => Dynamic[]; invariant: boolean } => {
      if (e.resultType?.kind === 'columns') {
        const relation = this.env.tabular(e, this.scope);
        const column = relation.columns[0];
        if (!column) throw unsupported('a list from a table without columns', e);
        const values = oncePerRun(this.env.state, () => [...relation.rows()].map((row) => toDynamic(row[0], column.type)));
        return { fn: values, invariant: true };
      }
      const { fn, type, invariant } = this.compile(e);
      if (type === 'dynamic') return { fn: (row) => { const v = fn(row) as Dynamic; return Array.isArray(v) ? v : [v]; }, invariant };
      return { fn: (row) => [toDynamic(fn(row), type)], invariant };
    });
    const invariant = parts.every((p) => p.invariant);
    const gather = (row: Row) => parts.flatMap((p) => p.fn(row));
    return { values: invariant ? oncePerRun(this.env.state, () => gather([])) : gather, invariant };
  }

  private inList(node: KqlSyntaxNode): Compiled {
    const op = node.child('Operator')!.text.toLowerCase();
    const negated = op.startsWith('!');
    const caseless = op.endsWith('~');
    const left = this.compile(node.child('Left')!);
    const list = this.listValues(node.child('Right')!);
    const a = left.fn;
    let test: (row: Row) => boolean | null;
    if (caseless) {
      // in~: equality as =~, on the values as strings.
      const lower = lowerString(left);
      const set = list.invariant ? oncePerRun(this.env.state, () => new Set(list.values([]).map((v) => toKqlString(v, 'dynamic').toLowerCase()))) : undefined;
      test = set ? (row) => set().has(lower(row)) : (row) => { const x = lower(row); return list.values(row).some((v) => toKqlString(v, 'dynamic').toLowerCase() === x); };
    } else {
      // in "behaves like a logical OR of equality comparisons" (the null-values page): == decides.
      const eq = equality(left.type, 'dynamic', node);
      const general = (row: Row): boolean | null => {
        const x = a(row);
        let sawNull = false;
        for (const v of list.values(row)) {
          const r = eq(x, v);
          if (r === true) return true;
          if (r === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
      const kind = left.type === 'string' ? 'string' : isNumeric(left.type) ? 'number' : undefined;
      if (kind && list.invariant) {
        // A string only equals a string, a number only a number: one set lookup per row.
        const set = oncePerRun(this.env.state, () => new Set<unknown>(list.values([]).filter((v) => typeof v === kind)));
        test = (row) => {
          const x = a(row);
          return x === null ? general(row) : set().has(x);
        };
      } else test = general;
    }
    const fn: Scalar = negated ? (row) => negate(test(row)) : test;
    return { fn, type: 'bool', estimated: left.estimated, constant: false, invariant: left.invariant && list.invariant };
  }

  /** has_any / has_all: `has` against each value of the list. https://learn.microsoft.com/kusto/query/has-any-operator */
  private hasAnyAll(node: KqlSyntaxNode): Compiled {
    const all = node.kind === 'HasAllExpression';
    const left = this.compile(node.child('Left')!);
    const list = this.listValues(node.child('Right')!);
    const a = stringOf(left);
    const needles = list.invariant
      ? oncePerRun(this.env.state, () => list.values([]).map((v) => toKqlString(v, 'dynamic').toLowerCase()))
      : undefined;
    const fn: Scalar = (row) => {
      const text = a(row).toLowerCase();
      const ns = needles ? needles() : list.values(row).map((v) => toKqlString(v, 'dynamic').toLowerCase());
      return all ? ns.every((n) => hasTerm(text, n)) : ns.some((n) => hasTerm(text, n));
    };
    return { fn, type: 'bool', estimated: left.estimated, constant: false, invariant: left.invariant && list.invariant };
  }

  /** x between (a .. b): a <= x <= b; for a datetime, b may be a timespan after a. https://learn.microsoft.com/kusto/query/between-operator */
  private between(node: KqlSyntaxNode): Compiled {
    const couple = node.child('Right')!;
    const x = this.compile(node.child('Left')!);
    const lo = this.compile(couple.child('First')!);
    let hi = this.compile(couple.child('Second')!);
    if (x.type === 'datetime' && hi.type === 'timespan') {
      const [l, h] = [lo.fn, hi.fn];
      hi = { ...hi, type: 'datetime', fn: map2(l, h, (a: number, b: number) => a + b) };
    }
    const ge = ordering('>=', x, lo, node);
    const le = ordering('<=', x, hi, node);
    const negated = node.kind === 'NotBetweenExpression';
    const fn: Scalar = (row) => {
      const a = ge(row);
      const b = le(row);
      const inside = a === false || b === false ? false : a === null || b === null ? null : true;
      return negated ? negate(inside as boolean | null) : inside;
    };
    return { fn, type: 'bool', estimated: x.estimated, constant: false, invariant: x.invariant && lo.invariant && hi.invariant };
  }
}

/* ---- let statements and function parameters (shared with the tabular compiler) ---- */

/** Binds a `let` statement in `scope`: a scalar (computed once per run), a table, or a function. */
export function bindLet(statement: KqlSyntaxNode, scope: Scope, env: CompileEnvironment): void {
  if (statement.kind !== 'LetStatement') throw unsupported(`statement ${describe(statement)} (${short(statement)})`, statement);
  const name = statement.child('Name')!.simpleName ?? statement.child('Name')!.text;
  const value = statement.child('Expression')!;
  if (value.kind === 'FunctionDeclaration') {
    scope.bind(name, { kind: 'function', declaration: value, scope });
    return;
  }
  if (value.resultType?.kind === 'columns') {
    scope.bind(name, { kind: 'table', relation: lazyRelation(() => env.tabular(value, scope)) });
    return;
  }
  const compiled = new ExpressionCompiler(env, scope, []).compile(value);
  const once = compiled.constant ? compiled.fn : oncePerRun(env.state, () => compiled.fn([]));
  scope.bind(name, { kind: 'scalar', compiled: { ...compiled, fn: once, invariant: true } });
}

/** A relation compiled on first use (a `let` table nobody reads is never compiled). */
function lazyRelation(compile: () => Relation): Relation {
  let relation: Relation | undefined;
  const get = () => (relation ??= compile());
  return {
    get columns() { return get().columns; },
    rows: () => get().rows(),
  };
}

/**
 * A scope for a function's body: each parameter bound to its argument (a scalar argument as the
 * caller's compiled expression, a tabular one as a relation), or to its default value.
 */
export function bindParameters(
  binding: Binding & { kind: 'function' },
  argNodes: readonly KqlSyntaxNode[],
  callerScope: Scope,
  at: KqlSyntaxNode,
  compileScalar: (arg: KqlSyntaxNode) => Compiled,
  env: CompileEnvironment,
  pipedInput?: Relation,
): Scope {
  const scope = new Scope(binding.scope);
  const parameters = items(binding.declaration.child('Parameters')?.child('Parameters'));
  const args = [...argNodes];
  parameters.forEach((p, i) => {
    const nameAndType = p.child('NameAndType')!;
    const name = nameAndType.child('Name')!.simpleName ?? nameAndType.child('Name')!.text;
    const tabular = nameAndType.child('Type')?.kind === 'SchemaTypeExpression';
    if (tabular && i === 0 && pipedInput) {
      scope.bind(name, { kind: 'table', relation: pipedInput });
      args.unshift(undefined as unknown as KqlSyntaxNode);
      return;
    }
    const arg = args[i];
    if (!arg) {
      const fallback = p.child('DefaultValue')?.child('Value');
      if (!fallback) throw unsupported(`a call without argument ${name}`, at);
      scope.bind(name, { kind: 'scalar', compiled: new ExpressionCompiler(env, binding.scope, []).compile(fallback) });
      return;
    }
    if (tabular || arg.resultType?.kind === 'columns') scope.bind(name, { kind: 'table', relation: env.tabular(arg, callerScope) });
    else scope.bind(name, { kind: 'scalar', compiled: compileScalar(arg) });
  });
  return scope;
}

/* ---- helpers ---- */

function describe(node: KqlSyntaxNode): string {
  return node.kind.replace(/(Expression|Operator|Statement)$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function nullable<T>(text: string | undefined, parse: (t: string) => T): T | null {
  return text === undefined || text === 'null' ? null : parse(text);
}

function integerLiteral(text: string): number {
  return /^[+-]?0x/i.test(text) ? Number.parseInt(text, 16) : Number(text);
}

function realLiteral(text: string): number {
  const t = text.toLowerCase();
  if (t === 'nan') return NaN;
  if (t === '+inf' || t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(text);
}

function negate(b: boolean | null | unknown): boolean | null {
  return b === null ? null : !b;
}

function stringOf(c: Compiled): (row: Row) => string {
  if (c.type === 'string') return c.fn as (row: Row) => string;
  const { fn, type } = c;
  return (row) => toKqlString(fn(row), type);
}

function lowerString(c: Compiled): (row: Row) => string {
  const s = stringOf(c);
  return (row) => s(row).toLowerCase();
}

type Family = 'number' | 'string' | 'bool' | 'datetime' | 'timespan' | 'guid' | 'dynamic';
const family = (t: KqlType): Family => (isNumeric(t) ? 'number' : (t as Family));

/**
 * Kusto's == on two typed values. https://learn.microsoft.com/kusto/query/scalar-data-types/null-values
 * "Applying the equality operator to two null values yields bool(null). Applying the equality
 * operator to a null value and a non-null value yields bool(false)." Strings compare case-
 * sensitively (https://learn.microsoft.com/kusto/query/datatypes-string-operators). A number never
 * equals a string: Kusto does not convert between them (it is DETC001 in our validator). A
 * dynamic compares with the value it holds.
 */
export function equality(lt: KqlType, rt: KqlType, at: KqlSyntaxNode): (a: unknown, b: unknown) => boolean | null {
  const [lf, rf] = [family(lt), family(rt)];
  const nulls = (a: unknown, b: unknown) => (a === null && b === null ? null : false);
  if (lf === 'dynamic' || rf === 'dynamic') {
    const [ld, rd] = [lt, rt];
    return (a, b) => {
      if (a === null || b === null) return nulls(a, b);
      const [x, y] = [toDynamic(a, ld), toDynamic(b, rd)];
      if (typeof x !== typeof y) return false;
      return typeof x === 'object' ? JSON.stringify(x) === JSON.stringify(y) : x === y;
    };
  }
  if (lf !== rf) {
    if ((lf === 'number' && rf === 'string') || (lf === 'string' && rf === 'number')) return nulls;
    // "The bool data type can be: true (1), false (0), or null." https://learn.microsoft.com/kusto/query/scalar-data-types/bool
    if ((lf === 'bool' && rf === 'number') || (lf === 'number' && rf === 'bool')) return (a, b) => (a === null || b === null ? nulls(a, b) : Number(a) === Number(b));
    throw unsupported(`comparing a ${lt} with a ${rt}`, at);
  }
  return (a, b) => (a === null || b === null ? nulls(a, b) : a === b);
}

/**
 * <, <=, >, >=: null when either side is null (the null-values page: "null is sticky"); numbers
 * of any width compare by value; strings by ordinal; a dynamic by the number or datetime it holds.
 */
function ordering(op: '<' | '<=' | '>' | '>=', l: Compiled, r: Compiled, at: KqlSyntaxNode): Scalar {
  let [a, b] = [l.fn, r.fn];
  const [lf, rf] = [family(l.type), family(r.type)];
  if (lf === 'dynamic' && rf !== 'dynamic') a = fromDynamic(a, r.type);
  else if (rf === 'dynamic' && lf !== 'dynamic') b = fromDynamic(b, l.type);
  else if (lf !== rf) throw unsupported(`ordering a ${l.type} against a ${r.type}`, at);
  else if (lf === 'dynamic') throw unsupported('ordering two dynamic values', at);
  const test = { '<': (c: number) => c < 0, '<=': (c: number) => c <= 0, '>': (c: number) => c > 0, '>=': (c: number) => c >= 0 }[op];
  return (row) => {
    const x = a(row);
    if (x === null) return null;
    const y = b(row);
    if (y === null) return null;
    if (typeof x === 'number' && typeof y === 'number') {
      if (Number.isNaN(x) || Number.isNaN(y)) return false;
      return test(x < y ? -1 : x > y ? 1 : 0);
    }
    if (typeof x !== typeof y) return null;
    return test(compareValues(x, y));
  };
}

/** A dynamic value read as the type it is compared with: a number, a datetime in ISO text, a string. */
function fromDynamic(fn: Scalar, as: KqlType): Scalar {
  return (row) => {
    const v = fn(row);
    if (v === null || typeof v === 'object') return null;
    if (isNumeric(as)) return typeof v === 'number' ? v : null;
    if (as === 'datetime') return typeof v === 'string' ? parseDateTime(v) : null;
    if (as === 'timespan') return typeof v === 'string' ? parseTimespan(v) : null;
    if (as === 'string') return typeof v === 'string' ? v : null;
    return null;
  };
}

/**
 * + - * / % with Kusto's type rules (https://learn.microsoft.com/kusto/query/numerical-operators,
 * https://learn.microsoft.com/kusto/query/datetime-timespan-arithmetic): integer division
 * truncates, the modulo is never negative, datetime - datetime is a timespan.
 */
function arithmetic(op: '+' | '-' | '*' | '/' | '%', l: Compiled, r: Compiled, at: KqlSyntaxNode): Scalar {
  const [a, b] = [l.fn, r.fn];
  const ok = (isNumeric(l.type) || l.type === 'datetime' || l.type === 'timespan') && (isNumeric(r.type) || r.type === 'datetime' || r.type === 'timespan');
  if (!ok) throw unsupported(`${l.type} ${op} ${r.type}`, at);
  const integers = isInteger(l.type) && isInteger(r.type);
  switch (op) {
    case '+': return map2(a, b, (x: number, y: number) => x + y);
    case '-': return map2(a, b, (x: number, y: number) => x - y);
    case '*': return map2(a, b, (x: number, y: number) => x * y);
    case '/':
      if (integers) return map2(a, b, (x: number, y: number) => (y === 0 ? null : Math.trunc(x / y)));
      if (l.type === 'timespan' && r.type === 'timespan') return map2(a, b, (x: number, y: number) => x / y);
      return map2(a, b, (x: number, y: number) => x / y);
    case '%':
      return map2(a, b, (x: number, y: number) => {
        if (y === 0) return integers ? null : NaN;
        const m = Math.abs(y);
        return ((x % m) + m) % m;
      });
  }
}

interface StringTest {
  readonly cs: boolean;
  readonly match: (text: string, needle: string) => boolean;
}

/** The string operators of https://learn.microsoft.com/kusto/query/datatypes-string-operators. */
function stringOperator(op: string): StringTest | undefined {
  const negated = op.startsWith('!');
  const base = negated ? op.slice(1) : op;
  const cs = base.endsWith('_cs');
  const name = cs ? base.slice(0, -3) : base;
  const term = (match: TermMatch) => (t: string, n: string) => hasTerm(t, n, match);
  const tests: Record<string, (t: string, n: string) => boolean> = {
    has: term('whole'),
    hasprefix: term('prefix'),
    hassuffix: term('suffix'),
    contains: (t, n) => t.includes(n),
    startswith: (t, n) => t.startsWith(n),
    endswith: (t, n) => t.endsWith(n),
  };
  const test = tests[name];
  if (!test) return undefined;
  return { cs, match: negated ? (t, n) => !test(t, n) : test };
}
