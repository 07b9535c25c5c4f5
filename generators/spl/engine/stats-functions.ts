// Statistical functions (stats, eventstats, streamstats, chart, timechart) as accumulators.
// https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/statistical-and-charting-functions
// - Most functions read values as numbers and ignore the rest; count, dc, values, list, mode,
//   first/last, earliest/latest read them as text; min/max read numbers when there are any,
//   text otherwise. Every value of a multivalue field counts.
// - values(): distinct, lexicographic order. list(): event order, the first 100 values. dc():
//   exact. count(eval(x)): events where x is true.
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/statistical-and-charting-functions/multivalue-stats-and-chart-functions
import type { Aggregation, AggregationArg, SplSpan } from '../ast.ts';
import { runErrorAt, unsupportedAt, type CompileContext } from './context.ts';
import { compileExpression } from './expression.ts';
import { compareText, fromValues, numberOf, textOf, valuesOf, type FieldValue, type ReadRow, type Scalar } from './values.ts';

export interface Accumulator {
  add(row: ReadRow): void;
  result(): FieldValue | null;
}

export interface AggregationSpec {
  /** The output field: the AS name, or Splunk's default (`count`, `dc(user)`). */
  readonly name: string;
  readonly fn: string;
  create(): Accumulator;
  /** `values(userIdentity.*) AS *`: one output per matching field, each with its own spec. */
  readonly wildcard?: WildcardAggregation;
}

export interface WildcardAggregation {
  /** The matching fields of a row (internal `_` fields only when the pattern starts with `_`). */
  fieldsOf(row: ReadRow & { keys(): IterableIterator<string> }): string[];
  /** The spec for one matching field (its output name with the wildcard filled in). */
  forField(field: string): AggregationSpec;
}

type Extract = (row: ReadRow) => readonly Scalar[];

const LIST_CAP = 100;
/** Above this many distinct values Splunk's perc and median approximate (radix-tree digest). */
const EXACT_PERCENTILE_LIMIT = 1000;

export function compileAggregation(agg: Aggregation, ctx: CompileContext): AggregationSpec {
  const fn = agg.fn.toLowerCase();
  const argsText = agg.args === null ? null : agg.args.length === 0 ? '' : ctx.source.slice(agg.args[0]!.span.start, agg.args.at(-1)!.span.end);
  const name = agg.alias?.name ?? (agg.args === null ? agg.fn : `${agg.fn}(${argsText})`);
  const at = agg.span;
  if ((fn === 'count' || fn === 'c') && (agg.args === null || agg.args.length === 0)) {
    return { name, fn, create: () => new CountRows() };
  }
  if (fn === 'sparkline' || fn.startsWith('per_') || fn === 'rate' || fn.startsWith('estdc')) throw unsupportedAt(ctx, `statistical function ${fn}()`, at);
  if (agg.args === null || agg.args.length !== 1) throw runErrorAt(ctx, `${agg.fn} takes one field`, at);
  const arg = agg.args[0]!;
  if (arg.kind === 'field' && arg.name.includes('*')) return wildcardAggregation(agg, arg.name, fn, ctx);
  const extract = extractor(arg, fn, ctx);
  const make = accumulatorFactory(fn, extract, ctx, at);
  return { name, fn, create: make };
}

function wildcardAggregation(agg: Aggregation, pattern: string, fn: string, ctx: CompileContext): AggregationSpec {
  const alias = agg.alias?.name ?? null;
  const stars = (t: string) => t.split('*').length - 1;
  if (alias !== null && stars(alias) !== stars(pattern)) throw unsupportedAt(ctx, `${agg.fn}(${pattern}) AS ${alias} (the wildcards must correspond)`, agg.span);
  const escape = (t: string) => t.replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
  const re = new RegExp(`^${pattern.split('*').map(escape).join('(.*)')}$`);
  const internal = pattern.startsWith('_');
  const cache = new Map<string, AggregationSpec>();
  const forField = (field: string): AggregationSpec => {
    let spec = cache.get(field);
    if (!spec) {
      const m = re.exec(field)!;
      let i = 1;
      const name = alias === null ? `${agg.fn}(${field})` : alias.replace(/\*/g, () => m[i++] ?? '');
      const extract: Extract = (row) => valuesOf(row.get(field));
      spec = { name, fn, create: accumulatorFactory(fn, extract, ctx, agg.span) };
      cache.set(field, spec);
    }
    return spec;
  };
  return {
    name: alias ?? `${agg.fn}(${pattern})`,
    fn,
    create: () => {
      throw unsupportedAt(ctx, `${agg.fn}(${pattern}) here (a wildcard field)`, agg.span);
    },
    wildcard: {
      fieldsOf: (row) => [...row.keys()].filter((k) => re.test(k) && (internal || !k.startsWith('_'))),
      forField,
    },
  };
}

function extractor(arg: AggregationArg, fn: string, ctx: CompileContext): Extract {
  switch (arg.kind) {
    case 'field': {
      if (arg.name.includes('*')) throw unsupportedAt(ctx, `a wildcard field (${arg.name}) in ${fn}()`, arg.span);
      const name = arg.name;
      return (row) => valuesOf(row.get(name));
    }
    case 'evalValue': {
      const evaluate = compileExpression(arg.expr, ctx);
      return (row) => {
        const v = evaluate(row);
        // count(eval(x)) counts the events where x is true; false and null add nothing.
        if (v === true) return ONE;
        if (v === false || v === null) return NONE;
        return valuesOf(v);
      };
    }
    case 'literal':
      throw unsupportedAt(ctx, `a literal argument to ${fn}()`, arg.span);
    case 'aggregation':
      throw unsupportedAt(ctx, `a nested statistical function in ${fn}()`, arg.span);
    case 'macro':
      throw runErrorAt(ctx, `macro \`${arg.name}\` is not defined`, arg.span);
  }
}
const ONE: readonly Scalar[] = [1];
const NONE: readonly Scalar[] = [];

const PERCENTILE = /^(perc|p|exactperc|upperperc)(\d+(?:\.\d+)?)$/;

function accumulatorFactory(fn: string, extract: Extract, ctx: CompileContext, at: SplSpan): () => Accumulator {
  switch (fn) {
    case 'count':
    case 'c':
      return () => new CountValues(extract);
    case 'dc':
    case 'distinct_count':
      return () => new DistinctCount(extract);
    case 'values':
      return () => new Values(extract);
    case 'list':
      return () => new List(extract);
    case 'min':
    case 'max':
      return () => new Extreme(extract, fn);
    case 'sum':
    case 'sumsq':
    case 'avg':
    case 'mean':
    case 'range':
    case 'stdev':
    case 'stdevp':
    case 'var':
    case 'varp':
      return () => new Moments(extract, fn);
    case 'mode':
      return () => new Mode(extract);
    case 'first':
    case 'last':
      return () => new FirstLast(extract, fn);
    case 'earliest':
    case 'latest':
    case 'earliest_time':
    case 'latest_time':
      return () => new ByTime(extract, fn);
    case 'median':
      return () => new Percentile(extract, 50, 'median', ctx, at);
    default: {
      const m = PERCENTILE.exec(fn);
      if (m && m[1] !== 'upperperc') return () => new Percentile(extract, Number(m[2]), m[1] === 'exactperc' ? 'exact' : 'perc', ctx, at);
      throw unsupportedAt(ctx, `statistical function ${fn}()`, at);
    }
  }
}

class CountRows implements Accumulator {
  private n = 0;
  add(): void {
    this.n++;
  }
  result(): FieldValue {
    return this.n;
  }
}

class CountValues implements Accumulator {
  private n = 0;
  constructor(private readonly extract: Extract) {}
  add(row: ReadRow): void {
    this.n += this.extract(row).length;
  }
  result(): FieldValue {
    return this.n;
  }
}

class DistinctCount implements Accumulator {
  private readonly seen = new Set<string>();
  constructor(private readonly extract: Extract) {}
  add(row: ReadRow): void {
    for (const v of this.extract(row)) this.seen.add(typeof v === 'string' ? v : textOf(v));
  }
  result(): FieldValue {
    return this.seen.size;
  }
}

class Values implements Accumulator {
  private readonly seen = new Map<string, Scalar>();
  constructor(private readonly extract: Extract) {}
  add(row: ReadRow): void {
    for (const v of this.extract(row)) {
      const key = typeof v === 'string' ? v : textOf(v);
      // 1 and "1" are one value: the text is kept whichever came first (order-free, see orderFree).
      const held = this.seen.get(key);
      if (held === undefined || (typeof v === 'string' && typeof held !== 'string')) this.seen.set(key, v);
    }
  }
  result(): FieldValue | null {
    const keys = [...this.seen.keys()].sort(compareText);
    return fromValues(keys.map((k) => this.seen.get(k)!));
  }
}

class List implements Accumulator {
  private readonly items: Scalar[] = [];
  constructor(private readonly extract: Extract) {}
  add(row: ReadRow): void {
    for (const v of this.extract(row)) if (this.items.length < LIST_CAP) this.items.push(v);
  }
  result(): FieldValue | null {
    return fromValues(this.items);
  }
}

class Extreme implements Accumulator {
  private number: number | undefined;
  private numberValue: Scalar | undefined;
  private text: string | undefined;
  constructor(
    private readonly extract: Extract,
    private readonly which: 'min' | 'max',
  ) {}
  add(row: ReadRow): void {
    for (const v of this.extract(row)) {
      const n = numberOf(v);
      if (n !== undefined) {
        if (this.number === undefined || (this.which === 'min' ? n < this.number : n > this.number)) {
          this.number = n;
          this.numberValue = v;
        }
      } else {
        const s = textOf(v);
        if (this.text === undefined || (this.which === 'min' ? compareText(s, this.text) < 0 : compareText(s, this.text) > 0)) this.text = s;
      }
    }
  }
  result(): FieldValue | null {
    // Values are read as numbers when possible: numbers win; text only when there is no number.
    if (this.numberValue !== undefined) return typeof this.numberValue === 'number' ? this.numberValue : this.number!;
    return this.text ?? null;
  }
}

class Moments implements Accumulator {
  private n = 0;
  private sum = 0;
  private sumsq = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  constructor(
    private readonly extract: Extract,
    private readonly fn: string,
  ) {}
  add(row: ReadRow): void {
    for (const v of this.extract(row)) {
      const x = numberOf(v);
      if (x === undefined) continue;
      this.n++;
      this.sum += x;
      this.sumsq += x * x;
      const d = x - this.mean;
      this.mean += d / this.n;
      this.m2 += d * (x - this.mean);
      if (x < this.min) this.min = x;
      if (x > this.max) this.max = x;
    }
  }
  result(): FieldValue | null {
    if (this.n === 0) return null;
    switch (this.fn) {
      case 'sum': return this.sum;
      case 'sumsq': return this.sumsq;
      case 'avg':
      case 'mean': return this.sum / this.n;
      case 'range': return this.max - this.min;
      case 'var': return this.n < 2 ? 0 : this.m2 / (this.n - 1);
      case 'varp': return this.m2 / this.n;
      case 'stdev': return this.n < 2 ? 0 : Math.sqrt(this.m2 / (this.n - 1));
      case 'stdevp': return Math.sqrt(this.m2 / this.n);
      default: return null;
    }
  }
}

class Mode implements Accumulator {
  private readonly counts = new Map<string, { value: Scalar; n: number }>();
  constructor(private readonly extract: Extract) {}
  add(row: ReadRow): void {
    for (const v of this.extract(row)) {
      const key = textOf(v);
      const entry = this.counts.get(key);
      if (entry) entry.n++;
      else this.counts.set(key, { value: v, n: 1 });
    }
  }
  result(): FieldValue | null {
    let best: { value: Scalar; n: number } | undefined;
    for (const entry of this.counts.values()) if (!best || entry.n > best.n) best = entry;
    return best?.value ?? null;
  }
}

class FirstLast implements Accumulator {
  private value: Scalar | undefined;
  constructor(
    private readonly extract: Extract,
    private readonly fn: 'first' | 'last',
  ) {}
  add(row: ReadRow): void {
    const values = this.extract(row);
    if (values.length === 0) return;
    if (this.fn === 'first') this.value ??= values[0];
    else this.value = values[values.length - 1];
  }
  result(): FieldValue | null {
    return this.value ?? null;
  }
}

/** earliest/latest: the value in the event with the smallest/largest _time; *_time: that time. */
class ByTime implements Accumulator {
  private time: number | undefined;
  private value: readonly Scalar[] = [];
  constructor(
    private readonly extract: Extract,
    private readonly fn: 'earliest' | 'latest' | 'earliest_time' | 'latest_time',
  ) {}
  add(row: ReadRow): void {
    const t = row.get('_time');
    const time = t === null || t === undefined || typeof t === 'object' ? undefined : numberOf(t);
    if (time === undefined) return;
    const values = this.extract(row);
    if (values.length === 0) return;
    const earliest = this.fn.startsWith('earliest');
    if (this.time === undefined || (earliest ? time < this.time : time > this.time)) {
      this.time = time;
      this.value = values;
    }
  }
  result(): FieldValue | null {
    if (this.time === undefined) return null;
    return this.fn.endsWith('_time') ? this.time : fromValues(this.value);
  }
}

/**
 * perc<X>, exactperc<X>, median. Below 1000 distinct values Splunk uses nearest rank; median
 * of an even count is "approximated to the higher of the two values". Nearest-rank conventions
 * differ on which rank a fractional position takes; where the two common ones disagree the
 * engine refuses rather than pick one. Above 1000 distinct values perc and median approximate
 * (radix-tree digest), which the engine does not reproduce.
 * https://community.splunk.com/t5/Splunk-Search/Percentile-Implementation/td-p/106641
 */
class Percentile implements Accumulator {
  private readonly numbers: number[] = [];
  constructor(
    private readonly extract: Extract,
    private readonly p: number,
    private readonly kind: 'perc' | 'exact' | 'median',
    private readonly ctx: CompileContext,
    private readonly at: SplSpan,
  ) {}
  add(row: ReadRow): void {
    for (const v of this.extract(row)) {
      const n = numberOf(v);
      if (n !== undefined) this.numbers.push(n);
    }
  }
  result(): FieldValue | null {
    const n = this.numbers.length;
    if (n === 0) return null;
    const sorted = [...this.numbers].sort((a, b) => a - b);
    if (this.kind !== 'exact' && new Set(sorted).size >= EXACT_PERCENTILE_LIMIT) {
      throw unsupportedAt(this.ctx, `${this.kind === 'median' ? 'median' : `perc${this.p}`}() over 1,000 or more distinct values (Splunk approximates)`, this.at);
    }
    const upper = sorted[Math.min(n - 1, Math.floor((this.p / 100) * (n - 1) + 0.5))]!;
    if (this.kind === 'median') return upper;
    const rank = sorted[Math.max(0, Math.ceil((this.p / 100) * n) - 1)]!;
    if (rank !== upper) throw unsupportedAt(this.ctx, `a percentile whose value depends on the nearest-rank convention (${rank} or ${upper})`, this.at);
    return rank;
  }
}
