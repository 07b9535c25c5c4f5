// The stats family: stats, eventstats, streamstats, chart, timechart.
import type { Aggregation, FieldRef, StatsCommand } from '../../ast.ts';
import { commandNameSpan, runErrorAt, unsupportedAt, type CompileContext, type CompiledStage } from '../context.ts';
import { blockingStage, statefulStage, Options } from '../stages.ts';
import { compileAggregation, type Accumulator, type AggregationSpec } from '../stats-functions.ts';
import { nextTimeBin, timeBinStart, TimeFeatureError, type Span } from '../time.ts';
import { compareText, isMulti, numberOf, textOf, type FieldValue, type Row, type Scalar } from '../values.ts';
import { spanOf } from './streaming.ts';

const OUT_OF_SCOPE: Readonly<Record<string, string>> = {
  tstats: 'tstats (accelerated data models and indexed fields are out of scope: the engine searches events)',
  mstats: 'mstats (metrics indexes are out of scope)',
  sistats: 'sistats (summary indexing)',
  sichart: 'sichart (summary indexing)',
  sitimechart: 'sitimechart (summary indexing)',
};

export function statsFamilyStage(cmd: StatsCommand, ctx: CompileContext): CompiledStage {
  const name = cmd.name.toLowerCase();
  const scope = OUT_OF_SCOPE[name];
  if (scope) throw unsupportedAt(ctx, scope, commandNameSpan(ctx, cmd.span));
  const options = cmd.head.filter((h) => h.kind === 'option' || h.kind === 'macro');
  const aggregations = cmd.head.filter((h): h is Aggregation => h.kind === 'aggregation');
  const by = fieldsOf(cmd.by, ctx);
  switch (name) {
    case 'stats': {
      const o = new Options(options, ['partitions', 'allnum', 'delim', 'dedup_splitvals'], ctx, 'stats');
      o.refuse('allnum', (t) => /^(false|f|0)$/i.test(t), 'stats allnum=true');
      o.refuse('dedup_splitvals', (t) => /^(false|f|0)$/i.test(t), 'stats dedup_splitvals=true');
      if (cmd.byOptions.length > 0) throw unsupportedAt(ctx, 'options after the BY fields of stats', cmd.byOptions[0]!.span);
      return statsStage(aggregations.map((a) => compileAggregation(a, ctx)), by, ctx);
    }
    case 'eventstats': {
      const o = new Options(options, ['allnum'], ctx, 'eventstats');
      o.refuse('allnum', (t) => /^(false|f|0)$/i.test(t), 'eventstats allnum=true');
      if (cmd.byOptions.length > 0) throw unsupportedAt(ctx, 'options after the BY fields of eventstats', cmd.byOptions[0]!.span);
      return eventstatsStage(aggregations.map((a) => compileAggregation(a, ctx)), by, ctx, cmd);
    }
    case 'streamstats':
      return streamstatsStage(cmd, aggregations.map((a) => compileAggregation(a, ctx)), by, new Options([...options, ...cmd.byOptions], ['current', 'window', 'global', 'allnum', 'reset_on_change', 'reset_before', 'reset_after', 'time_window'], ctx, 'streamstats'), ctx);
    case 'chart':
    case 'timechart':
      return chartStage(cmd, aggregations, by, ctx);
    default:
      throw unsupportedAt(ctx, `command ${cmd.name}`, commandNameSpan(ctx, cmd.span));
  }
}

function fieldsOf(fields: StatsCommand['by'], ctx: CompileContext): string[] {
  return fields.map((f) => {
    if (f.kind === 'macro') throw runErrorAt(ctx, `macro \`${f.name}\` is not defined`, f.span);
    if (f.name.includes('*')) throw unsupportedAt(ctx, `a wildcard BY field (${f.name})`, f.span);
    return f.name;
  });
}

/** The group keys of a row: one per combination of its BY values (multivalue fields split); none when a BY field is missing. */
function groupKeys(row: Row, by: readonly string[]): { key: string; values: Scalar[] }[] {
  // Most rows hold one value in every BY field: one group, its key made as the values are read.
  const values: Scalar[] = [];
  let key = '';
  for (let i = 0; i < by.length; i++) {
    const v = row.get(by[i]!);
    if (v === undefined || v === null) return [];
    if (isMulti(v)) return groupCombinations(row, by);
    values.push(v);
    key = i === 0 ? textOf(v) : `${key}\u0000${textOf(v)}`;
  }
  return [{ key, values }];
}

function groupCombinations(row: Row, by: readonly string[]): { key: string; values: Scalar[] }[] {
  let combos: Scalar[][] = [[]];
  for (const f of by) {
    const v = row.get(f);
    if (v === undefined || v === null) return [];
    if (isMulti(v)) combos = combos.flatMap((c) => v.map((x) => [...c, x]));
    else for (const c of combos) c.push(v);
  }
  return combos.map((values) => ({ key: values.length === 1 ? textOf(values[0]!) : values.map(textOf).join('\u0000'), values }));
}

const compareGroups = (a: Scalar[], b: Scalar[]): number => {
  for (let i = 0; i < a.length; i++) {
    const c = compareText(textOf(a[i]!), textOf(b[i]!));
    if (c !== 0) return c;
  }
  return 0;
};

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats
// One row per distinct combination of BY values (a multivalue BY field puts the event in a
// group per value; an event missing a BY field is in no group), ordered by those values; with
// no BY clause, one row, even over no events (count 0).
function statsStage(specs: AggregationSpec[], by: string[], ctx: CompileContext): CompiledStage {
  void ctx;
  interface Group {
    readonly values: Scalar[];
    readonly accs: (Accumulator | Map<string, Accumulator> | null)[];
  }
  const newGroup = (values: Scalar[]): Group => ({ values, accs: specs.map((s) => (s.wildcard ? new Map() : s.create())) });
  const add = (g: Group, row: Row): void => {
    for (let i = 0; i < specs.length; i++) {
      const acc = g.accs[i]!;
      if (!(acc instanceof Map)) {
        (acc as Accumulator).add(row);
        continue;
      }
      const { wildcard } = specs[i]!;
      for (const field of wildcard!.fieldsOf(row)) {
        let a = acc.get(field);
        if (!a) acc.set(field, (a = wildcard!.forField(field).create()));
        a.add(row);
      }
    }
  };
  return statefulStage((_env, next) => {
    const groups = new Map<string, Group>();
    return {
      push: (row) => {
        if (by.length === 0) {
          let g = groups.get('');
          if (!g) groups.set('', (g = newGroup([])));
          add(g, row);
          return true;
        }
        for (const { key, values } of groupKeys(row, by)) {
          let g = groups.get(key);
          if (!g) groups.set(key, (g = newGroup(values)));
          add(g, row);
        }
        return true;
      },
      end: () => {
        if (by.length === 0 && groups.size === 0) groups.set('', newGroup([]));
        const sorted = [...groups.values()].sort((a, b) => compareGroups(a.values, b.values));
        for (const g of sorted) {
          const out: Row = new Map();
          by.forEach((f, i) => out.set(f, g.values[i]!));
          specs.forEach((s, i) => {
            const acc = g.accs[i]!;
            if (!(acc instanceof Map)) return out.set(s.name, (acc as Accumulator).result());
            for (const field of [...acc.keys()].sort(compareText)) out.set(s.wildcard!.forField(field).name, acc.get(field)!.result());
          });
          if (!next.push(out)) break;
        }
        next.end();
      },
    };
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eventstats
// Adds each group's statistics to every event of the group, in event order.
function eventstatsStage(specs: AggregationSpec[], by: string[], ctx: CompileContext, cmd: StatsCommand): CompiledStage {
  for (const s of specs) if (s.wildcard) throw unsupportedAt(ctx, 'eventstats of a wildcard field', cmd.span);
  return blockingStage((rows) => {
    const groups = new Map<string, Accumulator[]>();
    const keys: (string | null)[] = [];
    for (const row of rows) {
      const ks = by.length === 0 ? [{ key: '' }] : groupKeys(row, by);
      if (ks.length > 1) throw unsupportedAt(ctx, 'eventstats BY a multivalue field', cmd.span);
      const key = ks[0]?.key ?? null;
      keys.push(key);
      if (key === null) continue;
      let accs = groups.get(key);
      if (!accs) groups.set(key, (accs = specs.map((s) => s.create())));
      for (const a of accs) a.add(row);
    }
    const results = new Map<string, (FieldValue | null)[]>();
    for (const [key, accs] of groups) results.set(key, accs.map((a) => a.result()));
    rows.forEach((row, i) => {
      const key = keys[i];
      if (key === null || key === undefined) return;
      const values = results.get(key)!;
      specs.forEach((s, j) => {
        const v = values[j]!;
        if (v === null) row.delete(s.name);
        else row.set(s.name, v);
      });
    });
    return rows;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/streamstats
// Running statistics in event order, per BY group: current=true (default) includes the event
// itself; window=N (default 0: all) uses the last N events of the group (global=false) or of
// the stream (no BY clause).
function streamstatsStage(cmd: StatsCommand, specs: AggregationSpec[], by: string[], options: Options, ctx: CompileContext): CompiledStage {
  for (const o of ['reset_on_change', 'reset_before', 'reset_after', 'allnum']) options.refuse(o, (t) => /^(false|f|0)$/i.test(t), `streamstats ${o}=`);
  if (options.get('time_window')) throw unsupportedAt(ctx, 'streamstats time_window=', options.get('time_window')!.span);
  const current = options.bool('current', true);
  const window = options.int('window', 0);
  const global = options.bool('global', true);
  for (const s of specs) if (s.wildcard) throw unsupportedAt(ctx, 'streamstats of a wildcard field', cmd.span);
  // global=true (the default) with BY fields: one window of the last N events, each event's
  // statistics over the events of its own group inside that window.
  const sharedWindow = window > 0 && by.length > 0 && global;
  return statefulStage((_env, next) => {
    const cumulative = new Map<string, Accumulator[]>();
    const windows = new Map<string, Row[]>();
    const shared: { key: string; row: Row }[] = [];
    return {
      push: (row) => {
        const ks = by.length === 0 ? [{ key: '' }] : groupKeys(row, by);
        if (ks.length > 1) throw unsupportedAt(ctx, 'streamstats BY a multivalue field', cmd.span);
        if (ks.length === 0) return next.push(row);
        const key = ks[0]!.key;
        let results: (FieldValue | null)[];
        if (sharedWindow) {
          const snapshot = new Map(row);
          if (current) {
            shared.push({ key, row: snapshot });
            if (shared.length > window) shared.shift();
          }
          const accs = specs.map((s) => s.create());
          for (const e of shared) if (e.key === key) for (const a of accs) a.add(e.row);
          results = accs.map((a) => a.result());
          if (!current) {
            shared.push({ key, row: snapshot });
            if (shared.length > window) shared.shift();
          }
        } else if (window > 0) {
          let w = windows.get(key);
          if (!w) windows.set(key, (w = []));
          const snapshot = new Map(row);
          if (current) {
            w.push(snapshot);
            if (w.length > window) w.shift();
          }
          const accs = specs.map((s) => s.create());
          for (const r of w) for (const a of accs) a.add(r);
          results = accs.map((a) => a.result());
          if (!current) {
            w.push(snapshot);
            if (w.length > window) w.shift();
          }
        } else {
          let accs = cumulative.get(key);
          if (!accs) cumulative.set(key, (accs = specs.map((s) => s.create())));
          if (current) for (const a of accs) a.add(row);
          results = accs.map((a) => a.result());
          if (!current) {
            const snapshot = new Map(row);
            for (const a of accs) a.add(snapshot);
          }
        }
        specs.forEach((s, i) => {
          const v = results[i]!;
          if (v === null) row.delete(s.name);
          else row.set(s.name, v);
        });
        return next.push(row);
      },
      end: () => next.end(),
    };
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/chart
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/timechart
// chart <aggs> [BY|OVER x] or chart <agg> OVER x BY y / BY x y; timechart span=… <agg> [BY y]:
// one row per x (per time bin, every bin of the range filled), one column per y value: the
// limit= (default 10) series with the largest totals, the rest in OTHER (useother=true), a
// missing y in NULL (usenull=true). Empty count/dc cells are 0.
function chartStage(cmd: StatsCommand, aggregations: Aggregation[], by: string[], ctx: CompileContext): CompiledStage {
  const isTime = cmd.name.toLowerCase() === 'timechart';
  const options = new Options(
    [...cmd.head.filter((h) => h.kind === 'option' || h.kind === 'macro'), ...cmd.byOptions],
    ['limit', 'useother', 'usenull', 'nullstr', 'otherstr', 'span', 'cont', 'partial', 'fixedrange', 'sep', 'format', 'agg', 'bins', 'minspan', 'start', 'end', 'aligntime'],
    ctx,
    cmd.name,
  );
  for (const o of ['sep', 'format', 'agg', 'bins', 'minspan', 'start', 'end', 'aligntime']) if (options.get(o)) throw unsupportedAt(ctx, `${cmd.name} ${o}=`, options.get(o)!.span);
  options.refuse('cont', (t) => /^(true|t|1)$/i.test(t), `${cmd.name} cont=false`);
  const specs = aggregations.map((a) => compileAggregation(a, ctx));
  if (specs.length === 0) throw runErrorAt(ctx, `${cmd.name} needs a statistical function`, cmd.span);
  for (const s of specs) if (s.wildcard) throw unsupportedAt(ctx, `${cmd.name} of a wildcard field`, cmd.span);
  const limit = options.int('limit', 10);
  const useOther = options.bool('useother', true);
  const useNull = options.bool('usenull', true);
  const nullStr = options.text('nullstr', 'NULL');
  const otherStr = options.text('otherstr', 'OTHER');
  let xField: string | null;
  let yField: string | null;
  let span: Span | null = null;
  if (isTime) {
    const spanOption = options.get('span');
    if (!spanOption) throw unsupportedAt(ctx, 'timechart without span= (the span is inferred from the time range)', cmd.span);
    span = spanOf(spanOption.text, ctx, spanOption.span);
    if (span.kind === 'number') span = { kind: 'seconds', seconds: span.size };
    if (cmd.over) throw runErrorAt(ctx, 'timechart takes BY, not OVER', cmd.over.span);
    if (by.length > 1) throw unsupportedAt(ctx, 'timechart BY more than one field', cmd.span);
    xField = '_time';
    yField = by[0] ?? null;
  } else {
    if (options.get('span')) throw unsupportedAt(ctx, 'chart span=', options.get('span')!.span);
    const over = cmd.over ? overField(cmd.over, ctx) : null;
    if (over !== null) {
      if (by.length > 1) throw unsupportedAt(ctx, 'chart OVER x BY more than one field', cmd.span);
      xField = over;
      yField = by[0] ?? null;
    } else {
      if (by.length > 2) throw unsupportedAt(ctx, 'chart BY more than two fields', cmd.span);
      xField = by[0] ?? null;
      yField = by[1] ?? null;
    }
  }
  if (yField !== null && specs.length > 1) throw unsupportedAt(ctx, `${cmd.name} of several functions split BY a field`, cmd.span);
  const zeroFilled = (s: AggregationSpec): boolean => ['count', 'c', 'dc', 'distinct_count'].includes(s.fn);
  const bin = (t: number): number => {
    try {
      return timeBinStart(t, span!);
    } catch (e) {
      if (e instanceof TimeFeatureError) throw unsupportedAt(ctx, e.message, cmd.span);
      throw e;
    }
  };
  return blockingStage((rows, env) => {
    // x and y of each row.
    const xy: { x: Scalar | null; y: string | null; row: Row }[] = [];
    for (const row of rows) {
      let x: Scalar | null = null;
      if (xField !== null) {
        const v = row.get(xField);
        if (v === undefined || v === null) continue;
        if (isMulti(v)) throw unsupportedAt(ctx, `${cmd.name} over a multivalue field`, cmd.span);
        if (isTime) {
          const t = numberOf(v);
          if (t === undefined) continue;
          x = bin(t);
        } else x = v;
      }
      let y: string | null = null;
      if (yField !== null) {
        const v = row.get(yField);
        if (isMulti(v ?? null)) throw unsupportedAt(ctx, `${cmd.name} BY a multivalue field`, cmd.span);
        if (v === undefined || v === null) {
          if (!useNull) continue;
          y = nullStr;
        } else y = textOf(v as Scalar);
      }
      xy.push({ x, y, row });
    }
    // Series: the limit= largest by their total, the rest under OTHER.
    let keep: Set<string> | null = null;
    const seriesOrder: string[] = [];
    if (yField !== null) {
      const totals = new Map<string, Accumulator>();
      const perCell = new Map<string, Accumulator>();
      for (const { x, y, row } of xy) {
        const cell = `${textOf(x ?? '')}\u0000${y}`;
        let acc = perCell.get(cell);
        if (!acc) perCell.set(cell, (acc = specs[0]!.create()));
        acc.add(row);
        if (!totals.has(y!)) totals.set(y!, specs[0]!.create());
      }
      const sums = new Map<string, number>();
      for (const [cell, acc] of perCell) {
        const y = cell.slice(cell.indexOf('\u0000') + 1);
        const n = numberOf((acc.result() ?? 0) as Scalar) ?? 0;
        sums.set(y, (sums.get(y) ?? 0) + n);
      }
      const ranked = [...totals.keys()].sort((a, b) => (sums.get(b) ?? 0) - (sums.get(a) ?? 0) || compareText(a, b));
      const kept = limit > 0 && ranked.length > limit ? ranked.slice(0, limit) : ranked;
      if (kept.length < ranked.length) {
        // Which series Splunk keeps when totals tie at the cut, and where NULL goes, is not documented.
        if ((sums.get(ranked[kept.length - 1]!) ?? 0) === (sums.get(ranked[kept.length]!) ?? 0)) throw unsupportedAt(ctx, `${cmd.name} limit=${limit} with series tied at the cut`, cmd.span);
        if (ranked.includes(nullStr)) throw unsupportedAt(ctx, `${cmd.name} limit=${limit} with a NULL series`, cmd.span);
      }
      keep = new Set(kept);
      seriesOrder.push(...[...kept].sort(compareText));
      if (useOther && kept.length < ranked.length) seriesOrder.push(otherStr);
    }
    // Cells.
    const table = new Map<string, { x: Scalar | null; cells: Map<string, Accumulator[]> }>();
    for (const { x, y, row } of xy) {
      let column: string | null = null;
      if (yField !== null) {
        column = keep!.has(y!) ? y! : useOther ? otherStr : null;
        if (column === null) continue;
      }
      const xk = x === null ? '' : textOf(x);
      let line = table.get(xk);
      if (!line) table.set(xk, (line = { x, cells: new Map() }));
      const ck = column ?? '';
      let accs = line.cells.get(ck);
      if (!accs) line.cells.set(ck, (accs = specs.map((s) => s.create())));
      for (const a of accs) a.add(row);
    }
    // Time bins: every bin between the first and the last of the search's time range.
    if (isTime) {
      const times = [...table.values()].map((l) => l.x as number);
      const earliest = env.searchRange.earliest !== undefined ? bin(env.searchRange.earliest) : times.length ? Math.min(...times) : undefined;
      const latestBound = env.searchRange.latest !== undefined ? bin(env.searchRange.latest - 1e-6) : times.length ? Math.max(...times) : undefined;
      if (earliest !== undefined && latestBound !== undefined) {
        for (let t = earliest, guard = 0; t <= latestBound && guard < 100000; t = nextTimeBin(t, span!), guard++) {
          const k = textOf(t);
          if (!table.has(k)) table.set(k, { x: t, cells: new Map() });
        }
      }
    }
    const lines = [...table.values()].sort((a, b) => (isTime ? (a.x as number) - (b.x as number) : compareText(textOf(a.x ?? ''), textOf(b.x ?? ''))));
    if (xField === null && lines.length === 0) lines.push({ x: null, cells: new Map() });
    const out: Row[] = [];
    for (const line of lines) {
      const row: Row = new Map();
      if (xField !== null) row.set(xField, line.x);
      if (yField === null) {
        const accs = line.cells.get('');
        specs.forEach((s, i) => row.set(s.name, accs ? accs[i]!.result() : zeroFilled(s) ? 0 : null));
      } else {
        for (const series of seriesOrder) {
          const accs = line.cells.get(series);
          row.set(series, accs ? accs[0]!.result() : zeroFilled(specs[0]!) ? 0 : null);
        }
      }
      out.push(row);
    }
    return out;
  });
}

function overField(f: FieldRef, ctx: CompileContext): string {
  if (f.name.includes('*')) throw unsupportedAt(ctx, 'a wildcard OVER field', f.span);
  return f.name;
}
