// summarize: rows grouped by the `by` expressions (bin() included), one accumulator per
// aggregate per group. The output has the `by` columns first, then one column per aggregate (or
// several, for tuple-valued aggregates), named as Kusto names them (count_, dcount_AccountUpn …).
// "If GroupExpression isn't provided, the output is a single (empty) row" on empty input; with one,
// no rows. https://learn.microsoft.com/kusto/query/summarize-operator
import type { KqlSyntaxNode } from '../language-service.ts';
import { compileAggregate, type Accumulator, type Aggregate } from './aggregates.ts';
import { unsupported } from './errors.ts';
import { ExpressionCompiler, type CompileEnvironment } from './expressions.ts';
import type { Column, Relation, Row, Scalar } from './model.ts';
import { items, short, tableTypeOf } from './syntax.ts';
import { namedItem } from './tabular.ts';
import { rowKey, valueKey } from './values.ts';

interface OutputPart {
  /** The output values of this item, from the group's aggregate results. */
  read(results: readonly unknown[]): unknown[];
  readonly columns: Column[];
}

export function summarize(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler, env: CompileEnvironment): Relation {
  const kusto = tableTypeOf(op);
  const byItems = items(op.child('ByClause')?.child('Expressions'));
  const by = byItems.map((item) => compiler.compile(namedItem(item).expression));
  const aggregates: Aggregate[] = [];
  const parts: OutputPart[] = [];
  let next = by.length;

  for (const item of items(op.child('Aggregates'))) {
    const value = item.kind === 'SimpleNamedExpression' || item.kind === 'CompoundNamedExpression' ? item.child('Expression')! : item;
    const width = value.resultType?.kind === 'columns' ? value.resultType.columns.length : 1;
    const outputs = kusto.slice(next, next + width);
    if (outputs.length !== width) throw unsupported(`summarize: the columns of ${short(item)}`, item);
    next += width;
    if (value.kind === 'FunctionCallExpression' && value.symbol?.isAggregate) {
      // An aggregate call: its result(s) are the output column(s).
      const slot = aggregates.length;
      const aggregate = compileAggregate(value, compiler, outputs);
      aggregates.push(aggregate);
      const columns = outputs.map((o) => ({ ...o, estimated: aggregate.estimated }));
      parts.push(width === 1 ? { columns, read: (r) => [r[slot]] } : { columns, read: (r) => r[slot] as unknown[] });
      continue;
    }
    if (width !== 1) throw unsupported(`summarize item ${short(item)}`, item);
    // An expression over aggregates (`round(100.0 * countif(x) / count(), 1)`): the aggregates
    // accumulate; the expression is evaluated once per group on their results.
    let estimated = false;
    const sink = {
      add: (call: KqlSyntaxNode) => {
        const type = call.resultType?.kind === 'scalar' ? call.resultType.name : 'dynamic';
        const aggregate = compileAggregate(call, compiler, [{ name: '_', type: type as Column['type'] }]);
        if (aggregate.width !== 1) throw unsupported(`${short(call)} inside an expression`, call);
        aggregates.push(aggregate);
        estimated ||= aggregate.estimated;
        return { slot: aggregates.length - 1, estimated: aggregate.estimated };
      },
    };
    const outer = new ExpressionCompiler(env, compiler.scope, [], sink).compile(value);
    const fn: Scalar = outer.fn;
    parts.push({ columns: [{ ...outputs[0]!, estimated: estimated || outer.estimated }], read: (r) => [fn(r as Row)] });
  }

  const byFns = by.map((b) => b.fn);
  const columns: Column[] = [
    ...by.map((b, i) => ({ name: kusto[i]!.name, type: b.type, estimated: b.estimated })),
    ...parts.flatMap((p) => p.columns),
  ];
  const create = () => aggregates.map((a) => a.create());
  const single = byFns.length === 1 ? byFns[0]! : undefined;

  return {
    columns,
    rows: function* () {
      const groups = new Map<unknown, { keys: unknown[]; accumulators: Accumulator[] }>();
      for (const row of input.rows()) {
        let key: unknown;
        let keys: unknown[] | undefined;
        if (single) key = valueKey(single(row));
        else {
          keys = byFns.map((f) => f(row));
          key = rowKey(keys);
        }
        let group = groups.get(key);
        if (!group) {
          group = { keys: keys ?? byFns.map((f) => f(row)), accumulators: create() };
          groups.set(key, group);
        }
        for (const a of group.accumulators) a.add(row);
      }
      if (groups.size === 0 && byFns.length === 0) groups.set('', { keys: [], accumulators: create() });
      for (const group of groups.values()) {
        const results = group.accumulators.map((a) => a.result());
        const out = group.keys.slice();
        for (const p of parts) for (const v of p.read(results)) out.push(v);
        yield out;
      }
    },
  };
}
