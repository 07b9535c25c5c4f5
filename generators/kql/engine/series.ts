// make-series … on Axis from start to end step s [by …]: per group, one array per aggregate with a
// value for each bin start + k·s < end (rows binned with bin_at(Axis, s, start); empty bins get
// the default, 0 unless `default =` says otherwise), then the array of bin starts. With
// `in range(start, stop, s)`, "the stop value is inclusive" and bins are bin(Axis, s), so the
// first bin is bin(start, s). Both `from` and `to` must be written.
// https://learn.microsoft.com/kusto/query/make-series-operator
import type { KqlSyntaxNode } from '../language-service.ts';
import { compileAggregate, type Accumulator, type Aggregate } from './aggregates.ts';
import { unsupported } from './errors.ts';
import type { ExpressionCompiler } from './expressions.ts';
import type { Column, Relation } from './model.ts';
import { items, namedParameters, parameterText, short, tableTypeOf } from './syntax.ts';
import { namedItem } from './tabular.ts';
import { rowKey, toDynamic, type Dynamic, type KqlType } from './values.ts';

export function makeSeries(op: KqlSyntaxNode, input: Relation, compiler: ExpressionCompiler): Relation {
  const kusto = tableTypeOf(op);
  const kindNode = namedParameters(op).get('kind');
  const nonEmpty = kindNode ? parameterText(kindNode).toLowerCase() === 'nonempty' : false;
  const range = op.child('RangeClause');
  if (!range) throw unsupported(`make-series without a range (${short(op)})`, op);
  const inRange = range.kind === 'MakeSeriesInRangeClause';
  const bound = (e: KqlSyntaxNode | undefined, what: string) => {
    if (!e) throw unsupported(`make-series without ${what}`, range);
    const c = compiler.compile(e);
    if (!c.invariant) throw unsupported(`a make-series bound that depends on the row (${short(e)})`, e);
    return c;
  };
  const rangeArgs = inRange ? items(range.child('Arguments')?.child('Expressions')) : [];
  const [from, to, step] = inRange
    ? [bound(rangeArgs[0], 'start'), bound(rangeArgs[1], 'stop'), bound(rangeArgs[2], 'step')]
    : [bound(range.child('MakeSeriesFromClause')?.child('Expression'), 'from'), bound(range.child('MakeSeriesToClause')?.child('Expression'), 'to'), bound(range.child('MakeSeriesStepClause')?.child('Expression'), 'step')];
  const axis = compiler.compile(op.child('OnClause')!.child('Expression')!);
  const by = items(op.child('ByClause')?.child('Expressions')).map((e) => compiler.compile(namedItem(e).expression));

  const aggregates: { aggregate: Aggregate; fallback: unknown; type: KqlType }[] = items(op.child('Aggregates')).map((item, k) => {
    const expression = item.child('Expression')!;
    const call = expression.kind === 'SimpleNamedExpression' ? expression.child('Expression')! : expression;
    if (call.kind !== 'FunctionCallExpression' || !call.symbol?.isAggregate) throw unsupported(`make-series item ${short(item)}`, item);
    const type = (call.resultType?.kind === 'scalar' ? call.resultType.name : 'real') as KqlType;
    const aggregate = compileAggregate(call, compiler, [{ name: kusto[by.length + k]?.name ?? '_', type }]);
    if (aggregate.width !== 1) throw unsupported(`make-series of ${short(call)}`, call);
    const fallbackNode = item.child('DefaultExpression')?.child('Expression');
    const fallback = fallbackNode ? compiler.compile(fallbackNode) : undefined;
    if (fallback && !fallback.constant) throw unsupported('a make-series default that is not a literal', fallbackNode!);
    return { aggregate, fallback: fallback ? fallback.fn([]) : 0, type };
  });

  const columns: Column[] = [
    ...by.map((b, i) => ({ name: kusto[i]!.name, type: b.type })),
    ...aggregates.map((_, k) => ({ name: kusto[by.length + k]!.name, type: 'dynamic' as const })),
    { name: kusto[by.length + aggregates.length]?.name ?? 'axis', type: 'dynamic' },
  ];
  return {
    columns,
    rows: function* () {
      const [low, high, size] = [from.fn([]), to.fn([]), step.fn([])] as [number | null, number | null, number | null];
      if (low === null || high === null || size === null || !(size > 0)) return;
      const start = inRange ? Math.floor(low / size) * size : low;
      const end = inRange ? Math.floor(high / size) * size + size : high;
      const bins = Math.max(0, Math.ceil((end - start) / size));
      const groups = new Map<string, { keys: unknown[]; cells: Map<number, Accumulator[]> }>();
      for (const row of input.rows()) {
        const v = axis.fn(row) as number | null;
        if (v === null || v < start || v >= end) continue;
        const k = Math.floor((v - start) / size);
        const keys = by.map((b) => b.fn(row));
        const id = rowKey(keys);
        let group = groups.get(id);
        if (!group) groups.set(id, (group = { keys, cells: new Map() }));
        let cell = group.cells.get(k);
        if (!cell) group.cells.set(k, (cell = aggregates.map((a) => a.aggregate.create())));
        for (const a of cell) a.add(row);
      }
      if (groups.size === 0 && by.length === 0 && nonEmpty) groups.set('', { keys: [], cells: new Map() });
      const axisValues: Dynamic[] = Array.from({ length: bins }, (_, k) => toDynamic(start + k * size, axis.type));
      for (const group of groups.values()) {
        const series = aggregates.map((a, j) => Array.from({ length: bins }, (_, k) => {
          const cell = group.cells.get(k);
          return toDynamic(cell ? cell[j]!.result() : a.fallback, a.type);
        }));
        yield [...group.keys, ...series, axisValues];
      }
    },
  };
}
