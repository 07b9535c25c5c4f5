// Kusto's aggregation functions as accumulators: one per group, fed the group's rows, read once.
// Each follows its page https://learn.microsoft.com/kusto/query/<name>-aggregation-function; null
// values are ignored by all of them (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values).
import type { KqlSyntaxNode } from '../language-service.ts';
import { runError, unsupported } from './errors.ts';
import type { ExpressionCompiler } from './expressions.ts';
import type { Column, Compiled, Row } from './model.ts';
import { expressionList, short } from './syntax.ts';
import { compareValues, isBag, toDynamic, valueKey, type Dynamic } from './values.ts';

export interface Accumulator {
  add(row: Row): void;
  /** One value, or one per column for the aggregates that give several (arg_max, percentiles …). */
  result(): unknown;
}

export interface Aggregate {
  readonly create: () => Accumulator;
  /** Kusto computes an estimate (dcount, percentile): the value here is exact, the product's may differ. */
  readonly estimated: boolean;
  /** Output columns: 1, or more for arg_max / arg_min / percentiles / take_any of several. */
  readonly width: number;
}

/** "The default and max value is 1048576" (make_set, make_list, make_bag). */
export const MAKE_SET_DEFAULT_CAP = 1_048_576;

const ESTIMATED = new Set(['dcount', 'dcountif', 'percentile', 'percentiles', 'percentilew', 'percentilesw']);

/**
 * Compiles an aggregate call against the summarize input. `outputs` are the columns Kusto's binder
 * gives this aggregate in the summarize result (one, or several for tuple-valued aggregates).
 */
export function compileAggregate(call: KqlSyntaxNode, input: ExpressionCompiler, outputs: readonly Column[]): Aggregate {
  const nameNode = call.child('Name')!;
  const name = (nameNode.simpleName ?? nameNode.text).toLowerCase();
  const argNodes = expressionList(call.child('ArgumentList'));
  const compileArg = (i: number): Compiled => {
    const node = argNodes[i];
    if (!node) throw unsupported(`${name}() without argument ${i + 1}`, call);
    return input.compile(node);
  };
  const constantArg = (i: number, fallback: number): number => {
    if (argNodes[i] === undefined) return fallback;
    const c = compileArg(i);
    if (!c.constant) throw unsupported(`${name}() with a non-constant argument ${i + 1}`, argNodes[i]!);
    return Number(c.fn([]));
  };
  const predicateArg = (i: number) => {
    const p = compileArg(i).fn;
    return (row: Row) => p(row) === true;
  };
  const estimated = ESTIMATED.has(name);
  const single = (create: () => Accumulator): Aggregate => ({ create, estimated, width: 1 });

  switch (name) {
    case 'count':
      if (argNodes.length) throw unsupported('count() with an argument', call);
      return single(() => { let n = 0; return { add: () => { n++; }, result: () => n }; });
    case 'countif': {
      const p = predicateArg(0);
      return single(() => { let n = 0; return { add: (row) => { if (p(row)) n++; }, result: () => n }; });
    }
    case 'dcount': case 'count_distinct': case 'dcountif': case 'count_distinctif': {
      // dcount "calculates an estimate"; this counts exactly, and the column is reported as estimated.
      const v = compileArg(0).fn;
      const p = name.endsWith('if') ? predicateArg(1) : () => true;
      return single(() => {
        const seen = new Set<unknown>();
        return { add: (row) => { if (!p(row)) return; const x = v(row); if (x !== null) seen.add(valueKey(x)); }, result: () => seen.size };
      });
    }
    case 'sum': case 'sumif': {
      const v = compileArg(0).fn;
      const p = name === 'sumif' ? predicateArg(1) : () => true;
      return single(() => { let s = 0; return { add: (row) => { if (!p(row)) return; const x = v(row) as number | null; if (x !== null) s += x; }, result: () => s }; });
    }
    case 'avg': case 'avgif': {
      const v = compileArg(0).fn;
      const p = name === 'avgif' ? predicateArg(1) : () => true;
      // On no values: sum 0 / count 0, NaN (the summarize page's "avg_x … is NaN due to dividing by 0").
      return single(() => { let s = 0; let n = 0; return { add: (row) => { if (!p(row)) return; const x = v(row) as number | null; if (x !== null) { s += x; n++; } }, result: () => s / n }; });
    }
    case 'min': case 'max': case 'minif': case 'maxif': {
      const v = compileArg(0).fn;
      const p = name.endsWith('if') ? predicateArg(1) : () => true;
      const sign = name.startsWith('max') ? 1 : -1;
      return single(() => {
        let best: unknown = null;
        return {
          add: (row) => {
            if (!p(row)) return;
            const x = v(row);
            if (x !== null && !(typeof x === 'number' && Number.isNaN(x)) && (best === null || sign * compareValues(x, best) > 0)) best = x;
          },
          result: () => best,
        };
      });
    }
    case 'stdev': case 'stdevif': case 'variance': case 'varianceif': case 'stdevp': case 'variancep': {
      const v = compileArg(0).fn;
      const p = name.endsWith('if') ? predicateArg(1) : () => true;
      const population = name.endsWith('p');
      const root = name.startsWith('stdev');
      return single(() => {
        const xs: number[] = [];
        return {
          add: (row) => { if (!p(row)) return; const x = v(row) as number | null; if (x !== null) xs.push(x); },
          result: () => {
            const n = xs.length;
            if (n === 0 || (!population && n < 2)) return 0;
            const mean = xs.reduce((s, x) => s + x, 0) / n;
            const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (population ? n : n - 1);
            return root ? Math.sqrt(variance) : variance;
          },
        };
      });
    }
    case 'make_set': case 'makeset': case 'make_set_if': {
      const arg = compileArg(0);
      const conditional = name === 'make_set_if';
      const p = conditional ? predicateArg(1) : () => true;
      const cap = constantArg(conditional ? 2 : 1, name === 'makeset' ? 128 : MAKE_SET_DEFAULT_CAP);
      const { fn, type } = arg;
      // "Set from array column": the elements of array values join the set.
      return single(() => {
        const seen = new Set<unknown>();
        const values: Dynamic[] = [];
        const put = (x: Dynamic) => {
          if (x === null || values.length >= cap) return;
          const k = valueKey(x);
          if (!seen.has(k)) { seen.add(k); values.push(x); }
        };
        return {
          add: (row) => {
            if (!p(row)) return;
            const x = toDynamic(fn(row), type);
            if (type === 'dynamic' && Array.isArray(x)) x.forEach(put);
            else put(x);
          },
          result: () => values,
        };
      });
    }
    case 'make_list': case 'makelist': case 'make_list_if': case 'make_list_with_nulls': {
      const arg = compileArg(0);
      const conditional = name === 'make_list_if';
      const withNulls = name === 'make_list_with_nulls';
      const p = conditional ? predicateArg(1) : () => true;
      const cap = constantArg(conditional ? 2 : 1, name === 'makelist' ? 128 : MAKE_SET_DEFAULT_CAP);
      const { fn, type } = arg;
      return single(() => {
        const values: Dynamic[] = [];
        return {
          add: (row) => {
            if (!p(row) || values.length >= cap) return;
            const x = toDynamic(fn(row), type);
            // Kusto documents flattening array values for make_set, not for make_list.
            if (Array.isArray(x) && type === 'dynamic') throw runError(`unsupported: ${name}() of a dynamic array value (Kusto documents no meaning for it)`, call);
            if (x !== null || withNulls) values.push(x);
          },
          result: () => values,
        };
      });
    }
    case 'make_bag': case 'make_bag_if': {
      const arg = compileArg(0);
      const conditional = name === 'make_bag_if';
      const p = conditional ? predicateArg(1) : () => true;
      const cap = constantArg(conditional ? 2 : 1, MAKE_SET_DEFAULT_CAP);
      const { fn } = arg;
      return single(() => {
        const bag: Record<string, Dynamic> = {};
        let size = 0;
        return {
          add: (row) => {
            if (!p(row)) return;
            const x = fn(row);
            if (!isBag(x)) return;
            for (const [k, v] of Object.entries(x)) {
              // "If a key appears in more than one row, an arbitrary value … is selected": the first.
              if (!Object.hasOwn(bag, k) && size < cap) { bag[k] = v; size++; }
            }
          },
          result: () => bag,
        };
      });
    }
    case 'take_any': case 'any': case 'take_anyif': case 'anyif': {
      const conditional = name.endsWith('if');
      const valueNodes = conditional ? [argNodes[0]!] : argNodes;
      const p = conditional ? predicateArg(1) : () => true;
      const star = valueNodes.some((n) => n.kind === 'StarExpression');
      const fns = star ? outputs.map((o) => columnReader(input, o.name, call)) : valueNodes.map((n) => input.compile(n).fn);
      if (fns.length !== outputs.length) throw unsupported(`${name}() giving ${outputs.length} columns for ${fns.length} values`, call);
      // "Returns the value of an arbitrarily selected record … tries to return a non-null/non-empty value":
      // the first such record here.
      const empty = (x: unknown) => x === null || x === '';
      return {
        estimated: false,
        width: fns.length,
        create: () => {
          let chosen: unknown[] | undefined;
          let settled = false;
          return {
            add: (row) => {
              if (settled || !p(row)) return;
              const values = fns.map((f) => f(row));
              if (!chosen) chosen = values;
              if (!values.every(empty) || fns.length > 1) { chosen = values; settled = true; }
            },
            result: () => (fns.length === 1 ? chosen?.[0] ?? null : chosen ?? fns.map(() => null)),
          };
        },
      };
    }
    case 'arg_max': case 'arg_min': case 'argmax': case 'argmin': {
      const by = compileArg(0);
      const rest = argNodes.slice(1);
      const readers: ((row: Row) => unknown)[] = [by.fn];
      if (rest.length === 1 && rest[0]!.kind === 'StarExpression') {
        for (const o of outputs.slice(1)) readers.push(columnReader(input, o.name, call));
      } else {
        for (const n of rest) readers.push(input.compile(n).fn);
      }
      if (readers.length !== outputs.length) throw unsupported(`${name}() giving ${outputs.length} columns for ${readers.length} values`, call);
      const sign = name.includes('max') ? 1 : -1;
      // A group whose maximized values are all null gives its first row (the arg_max page's null example).
      return {
        estimated: false,
        width: readers.length,
        create: () => {
          let best: unknown = null;
          let values: unknown[] | undefined;
          return {
            add: (row) => {
              const x = readers[0]!(row);
              const better = x !== null && (best === null || sign * compareValues(x, best) > 0);
              if (better || !values) {
                if (better) best = x;
                values = readers.map((r) => r(row));
              }
            },
            result: () => values ?? readers.map(() => null),
          };
        },
      };
    }
    case 'percentile': case 'percentiles': {
      const v = compileArg(0);
      const ps = argNodes.slice(1).map((_, i) => constantArg(i + 1, 50));
      if (!ps.length || ps.length !== outputs.length) throw unsupported(`${name}() giving ${outputs.length} columns for ${ps.length} percentiles`, call);
      // Nearest rank: the smallest value with at least P percent of the values at or below it
      // (the percentiles page, "Nearest-rank percentile"); Kusto estimates it, this is exact.
      return {
        estimated: true,
        width: ps.length,
        create: () => {
          const xs: unknown[] = [];
          return {
            add: (row) => { const x = v.fn(row); if (x !== null) xs.push(x); },
            result: () => {
              const sorted = [...xs].sort(compareValues);
              const at = ps.map((p) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : null));
              return ps.length === 1 ? at[0] : at;
            },
          };
        },
      };
    }
    default:
      throw unsupported(`aggregate ${name}() (${short(call)})`, call);
  }
}

/** A reader of the input column `name` (arg_max(…, *) / take_any(*) outputs; a clash-renamed `A1` reads `A`). */
function columnReader(input: ExpressionCompiler, name: string, at: KqlSyntaxNode): (row: Row) => unknown {
  const i = input.columnIndex(name) ?? input.columnIndex(name.replace(/\d+$/, ''));
  if (i === undefined) throw unsupported(`column ${name} of ${short(at)}`, at);
  return (row) => row[i];
}
