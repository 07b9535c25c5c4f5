// Commands that order, cut or count results: sort, head, tail, dedup, reverse, top, rare.
import type { AddtotalsCommand, DedupCommand, HeadCommand, SortCommand, SortKey, TopCommand } from '../../ast.ts';
import { runErrorAt, unsupportedAt, type CompileContext, type CompiledStage } from '../context.ts';
import { compileExpression } from '../expression.ts';
import { blockingStage, statefulStage, Options } from '../stages.ts';
import { compareAuto, compareText, fieldPattern, isMulti, numberOf, parseIpv4, textOf, valuesOf, type Row, type Scalar } from '../values.ts';

type Compare = (a: Scalar, b: Scalar) => number;

const compareIp: Compare = (a, b) => {
  const x = parseIpv4(textOf(a));
  const y = parseIpv4(textOf(b));
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareText(textOf(a), textOf(b));
};

const compareNum: Compare = (a, b) => {
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareText(textOf(a), textOf(b));
};

/** A row comparator from sort keys; results missing a key sort last whichever the direction. */
export function rowComparator(keys: readonly SortKey[], ctx: CompileContext): (a: Row, b: Row) => number {
  const compiled = keys.map((k) => {
    const fn = (k.fn ?? 'auto').toLowerCase();
    const compare: Compare = fn === 'str' ? (a, b) => compareText(textOf(a), textOf(b)) : fn === 'num' ? compareNum : fn === 'ip' ? compareIp : compareAuto;
    return { name: k.field.name, descending: k.direction === '-', compare, span: k.span };
  });
  const valueOf = (row: Row, name: string, span: SortKey['span']): Scalar | undefined => {
    const v = row.get(name);
    if (v === undefined || v === null) return undefined;
    if (isMulti(v)) throw unsupportedAt(ctx, `sorting by the multivalue field ${name}`, span);
    return v;
  };
  return (a, b) => {
    for (const k of compiled) {
      const x = valueOf(a, k.name, k.span);
      const y = valueOf(b, k.name, k.span);
      if (x === undefined && y === undefined) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const c = k.compare(x, y);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  };
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/sort
// "If no number is specified, the default limit of 10000 is used. If the number 0 is
// specified, all of the results are returned." Numbers sort numerically before text; text
// sorts lexicographically; results missing a field sort last; `desc` reverses the order.
export const SORT_DEFAULT_LIMIT = 10000;

export function sortStage(cmd: SortCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['limit'], ctx, 'sort');
  const limit = cmd.count ? Number(cmd.count.value) : options.int('limit', SORT_DEFAULT_LIMIT);
  const compare = rowComparator(cmd.keys, ctx);
  const reverse = cmd.reverse !== null;
  return blockingStage((rows) => {
    const sorted = rows.sort(compare);
    if (reverse) sorted.reverse();
    return limit > 0 ? sorted.slice(0, limit) : sorted;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/head
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/tail
// head: the first N results (default 10), or results while an expression is true (null=
// decides what a null result means, keeplast= keeps the row that stopped it). tail: the last
// N results, in reverse order.
export function headStage(cmd: HeadCommand, ctx: CompileContext): CompiledStage {
  const isTail = cmd.name.toLowerCase() === 'tail';
  const options = new Options(cmd.options, isTail ? [] : ['limit', 'null', 'keeplast'], ctx, cmd.name);
  const count = cmd.count ? Number(cmd.count.value) : options.int('limit', 10);
  if (isTail) {
    // Holds only the last `count` results.
    return statefulStage((_env, next) => {
      const last: Row[] = [];
      return {
        push: (row) => {
          if (count <= 0) return true;
          last.push(row);
          if (last.length > count) last.shift();
          return true;
        },
        end: () => {
          for (const row of last.reverse()) if (!next.push(row)) break;
          next.end();
        },
      };
    });
  }
  if (cmd.condition) {
    const condition = cmd.condition;
    const evaluate = compileExpression(condition, ctx);
    const nullPasses = options.bool('null', false);
    const keepLast = options.bool('keeplast', false);
    return statefulStage((_env, next) => {
      let done = false;
      return {
        push: (row) => {
          if (done) return false;
          const v = evaluate(row);
          if (v !== null && typeof v !== 'boolean') throw runErrorAt(ctx, 'head needs a Boolean expression', condition.span);
          const pass = v === true || (v === null && nullPasses);
          if (pass) return next.push(row);
          done = true;
          if (keepLast) next.push(row);
          return false;
        },
        end: () => next.end(),
      };
    });
  }
  return statefulStage((_env, next) => {
    let seen = 0;
    return {
      push: (row) => {
        if (seen >= count) return false;
        seen++;
        const more = next.push(row);
        return more && seen < count;
      },
      end: () => next.end(),
    };
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/dedup
// Keeps the first N results (default 1) of each combination of the fields' values; results
// missing a field are dropped unless keepempty=true; consecutive=true only removes runs;
// sortby sorts what is kept.
export function dedupStage(cmd: DedupCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['keepevents', 'keepempty', 'consecutive'], ctx, 'dedup');
  options.refuse('keepevents', (t) => /^(false|f|0)$/i.test(t), 'dedup keepevents=true');
  const keepEmpty = options.bool('keepempty', false);
  const consecutive = options.bool('consecutive', false);
  const limit = cmd.count ? Number(cmd.count.value) : 1;
  const fields = cmd.fields.map((f) => f.name);
  if (fields.some((f) => f.includes('*'))) throw unsupportedAt(ctx, 'dedup of a wildcard field', cmd.span);
  const key = (row: Row): string | null => {
    const parts: string[] = [];
    for (const f of fields) {
      const v = row.get(f);
      if (v === undefined || v === null) return null;
      if (isMulti(v)) throw unsupportedAt(ctx, `dedup of the multivalue field ${f}`, cmd.span);
      parts.push(textOf(v));
    }
    return parts.join('\u0000');
  };
  const compare = cmd.sortBy.length > 0 ? rowComparator(cmd.sortBy, ctx) : null;
  const filter = statefulStage((_env, next) => {
    const counts = new Map<string, number>();
    let previous: string | null = null;
    let run = 0;
    return {
      push: (row) => {
        const k = key(row);
        if (k === null) return keepEmpty ? next.push(row) : true;
        if (consecutive) {
          run = k === previous ? run + 1 : 1;
          previous = k;
          return run <= limit ? next.push(row) : true;
        }
        const n = (counts.get(k) ?? 0) + 1;
        counts.set(k, n);
        return n <= limit ? next.push(row) : true;
      },
      end: () => next.end(),
    };
  });
  if (!compare) return filter;
  const sorter = blockingStage((rows) => rows.sort(compare));
  return { instantiate: (env, next) => filter.instantiate(env, sorter.instantiate(env, next)) };
}

export const reverseStage = (): CompiledStage => blockingStage((rows) => rows.reverse());

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/top
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rare
// The most (top) or least (rare) common combinations of the fields' values, limit= (default
// 10, 0 for all) per BY group, with count and percent (of the results that have the fields,
// six decimals); top's useother=true adds an OTHER row.
export function topStage(cmd: TopCommand, ctx: CompileContext): CompiledStage {
  const rare = cmd.name.toLowerCase() === 'rare';
  const options = new Options(cmd.options, ['countfield', 'limit', 'otherstr', 'percentfield', 'showcount', 'showperc', 'useother'], ctx, cmd.name);
  const limit = cmd.count ? Number(cmd.count.value) : options.int('limit', 10);
  const countField = options.text('countfield', 'count');
  const percentField = options.text('percentfield', 'percent');
  const showCount = options.bool('showcount', true);
  const showPerc = options.bool('showperc', true);
  const useOther = !rare && options.bool('useother', false);
  const otherStr = options.text('otherstr', 'OTHER');
  const fields = cmd.fields.map((f) => f.name);
  const by = cmd.by.map((f) => f.name);
  if ([...fields, ...by].some((f) => f.includes('*'))) throw unsupportedAt(ctx, `${cmd.name} of a wildcard field`, cmd.span);
  type Group = { by: Scalar[]; total: number; combos: Map<string, { values: Scalar[]; count: number }> };
  // Counts as results arrive: holds one entry per distinct combination, not the results.
  return statefulStage((_env, next) => {
    const groups = new Map<string, Group>();
    return {
      push: (row) => {
        const byValues: Scalar[] = [];
        for (const f of by) {
          const v = row.get(f);
          if (v === undefined || v === null) return true;
          if (isMulti(v)) throw unsupportedAt(ctx, `${cmd.name} BY the multivalue field ${f}`, cmd.span);
          byValues.push(v);
        }
        let combos: Scalar[][] = [[]];
        for (const f of fields) {
          const values = valuesOf(row.get(f));
          combos = combos.flatMap((c) => values.map((v) => [...c, v]));
        }
        if (combos.length === 0) return true;
        const gk = byValues.map(textOf).join('\u0000');
        let group = groups.get(gk);
        if (!group) groups.set(gk, (group = { by: byValues, total: 0, combos: new Map() }));
        for (const combo of combos) {
          group.total++;
          const ck = combo.map(textOf).join('\u0000');
          const entry = group.combos.get(ck);
          if (entry) entry.count++;
          else group.combos.set(ck, { values: combo, count: 1 });
        }
        return true;
      },
      end: () => {
        const groupList = [...groups.values()].sort((a, b) => {
          for (let i = 0; i < by.length; i++) {
            const c = compareText(textOf(a.by[i]!), textOf(b.by[i]!));
            if (c !== 0) return c;
          }
          return 0;
        });
        let open = true;
        const emit = (group: Group, values: Scalar[], count: number): void => {
          if (!open) return;
          const row: Row = new Map();
          by.forEach((f, i) => row.set(f, group.by[i]!));
          fields.forEach((f, i) => row.set(f, values[i]!));
          if (showCount) row.set(countField, count);
          if (showPerc) row.set(percentField, ((count / group.total) * 100).toFixed(6));
          open = next.push(row);
        };
        for (const group of groupList) {
          const entries = [...group.combos.values()].sort((a, b) => (rare ? a.count - b.count : b.count - a.count));
          const kept = limit > 0 ? entries.slice(0, limit) : entries;
          // Which of several equally common values Splunk keeps at the cut is not documented.
          if (kept.length < entries.length && entries[kept.length]!.count === kept.at(-1)!.count) {
            throw unsupportedAt(ctx, `${cmd.name} limit=${limit} with values tied at the limit`, cmd.span);
          }
          for (const e of kept) emit(group, e.values, e.count);
          if (useOther && kept.length < entries.length) {
            emit(group, fields.map(() => otherStr), entries.slice(kept.length).reduce((n, e) => n + e.count, 0));
          }
        }
        next.end();
      },
    };
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/addtotals
// row=true (default): each result gets fieldname= (default Total), the sum of its numeric values
// in the listed fields (all fields but internal ones when none are listed). col=true adds a
// last result with each field's column sum, labelled label= in labelfield=.
export function addtotalsStage(cmd: AddtotalsCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['row', 'col', 'labelfield', 'label', 'fieldname'], ctx, 'addtotals');
  const row = options.bool('row', true);
  const col = options.bool('col', false);
  const fieldname = options.text('fieldname', 'Total');
  const labelfield = options.get('labelfield')?.text ?? null;
  const label = options.text('label', 'Total');
  const patterns = cmd.fields.map((f) => (f.name.includes('*') ? fieldPattern(f.name) : f.name));
  const selected = (name: string): boolean =>
    patterns.length === 0 ? !name.startsWith('_') && name !== fieldname : patterns.some((p) => (typeof p === 'string' ? p === name : p.test(name)));
  const numeric = (v: Row extends Map<string, infer V> ? V : never, name: string): number | undefined => {
    if (v === null || v === undefined) return undefined;
    if (isMulti(v)) throw unsupportedAt(ctx, `addtotals of the multivalue field ${name}`, cmd.span);
    return numberOf(v);
  };
  return blockingStage((rows) => {
    const columns = new Map<string, number>();
    for (const r of rows) {
      let total: number | undefined;
      for (const [name, v] of r) {
        if (!selected(name)) continue;
        const n = numeric(v, name);
        if (n === undefined) continue;
        total = (total ?? 0) + n;
        columns.set(name, (columns.get(name) ?? 0) + n);
      }
      if (row && total !== undefined) {
        r.set(fieldname, total);
        // The summary row sums the Total column too.
        columns.set(fieldname, (columns.get(fieldname) ?? 0) + total);
      }
    }
    if (!col) return rows;
    const summary: Row = new Map(columns);
    if (labelfield !== null) summary.set(labelfield, label);
    return [...rows, summary];
  });
}
