// Aggregation functions (https://learn.microsoft.com/kusto/query/<name>-aggregation-function).
// "When applying these aggregates to entities that include null values, the null values are
// ignored" (https://learn.microsoft.com/kusto/query/summarize-operator).
import { describe, expect, it } from 'vitest';
import { rows, run } from './support.ts';

const V = 'datatable(g:string, x:long, s:string, t:datetime)["a", 1, "p", datetime(2024-01-01), "a", 5, "q", datetime(2024-01-03), "a", long(null), "", datetime(2024-01-02), "b", 3, "p", datetime(2024-01-05)]';

describe('aggregates', () => {
  it('count, countif, sum, sumif, avg, avgif, min, max, minif, maxif ignore nulls', () => {
    expect(rows(`${V} | summarize c = count(), ci = countif(x > 1), su = sum(x), si = sumif(x, x > 1), a = avg(x), ai = avgif(x, x > 1), mn = min(x), mx = max(x), mni = minif(x, x > 1), mxi = maxif(x, x < 5), tmin = min(t) by g`)).toEqual([
      { g: 'a', c: 3, ci: 1, su: 6, si: 5, a: 3, ai: 5, mn: 1, mx: 5, mni: 5, mxi: 1, tmin: '2024-01-01T00:00:00Z' },
      { g: 'b', c: 1, ci: 1, su: 3, si: 3, a: 3, ai: 3, mn: 3, mx: 3, mni: 3, mxi: 3, tmin: '2024-01-05T00:00:00Z' },
    ]);
  });

  // dcount-aggregation-function (an estimate; exact here), dcountif, count_distinct: nulls are
  // not counted; an empty string is a value (strings are never null).
  it('dcount, dcountif and count_distinct count distinct non-null values', () => {
    const result = run(`${V} | summarize d = dcount(x), ds = dcount(s), di = dcountif(s, x > 1), cd = count_distinct(s)`);
    expect(result.rows).toEqual([{ d: 3, ds: 3, di: 2, cd: 3 }]);
    expect(result.estimated).toEqual(['d', 'ds', 'di']);
  });

  // make-set-aggregation-function: distinct values, "The array's sort order is undefined" (so
  // compared as a set here), maxSize caps it (default and maximum 1,048,576); array values join
  // the set element by element ("Set from array column"); nulls are ignored.
  it('make_set: distinct values, capped, flattening arrays', () => {
    const [row] = rows(`${V} | summarize all = make_set(s), two = make_set(s, 2), big = make_set_if(s, x > 1), xs = make_set(x)`);
    expect(new Set(row!.all as string[])).toEqual(new Set(['p', 'q', '']));
    expect(row!.two).toHaveLength(2);
    expect(new Set(row!.big as string[])).toEqual(new Set(['q', 'p']));
    expect(new Set(row!.xs as number[])).toEqual(new Set([1, 5, 3]));
    expect(rows("datatable (Val: int, Arr1: dynamic)[1, dynamic(['A1', 'A2', 'A3']), 5, dynamic(['A2', 'C1']), 7, dynamic(['C2', 'A3']), 5, dynamic(['C2', 'A1'])] | summarize Arr1_set = make_set(Arr1) | project n = array_length(Arr1_set)")).toEqual([{ n: 5 }]);
  });

  // make-list-aggregation-function: every value; make_list_if; nulls ignored.
  it('make_list keeps every non-null value', () => {
    expect(rows(`${V} | summarize l = make_list(x), li = make_list_if(s, x > 2)`)).toEqual([{ l: [1, 5, 3], li: ['q', 'p'] }]);
  });

  // arg-max-aggregation-function (the page's null example): the row maximizing the expression;
  // a group whose values are all null gives one of its rows (the first, here).
  it('arg_max / arg_min return the row of the maximum (or minimum)', () => {
    expect(rows('datatable(Fruit: string, Color: string, Version: int)["Apple", "Red", 1, "Apple", "Green", int(null), "Banana", "Yellow", int(null), "Banana", "Green", int(null), "Pear", "Brown", 1, "Pear", "Green", 2] | summarize arg_max(Version, *) by Fruit')).toEqual([
      { Fruit: 'Apple', Version: 1, Color: 'Red' },
      { Fruit: 'Banana', Version: null, Color: 'Yellow' },
      { Fruit: 'Pear', Version: 2, Color: 'Green' },
    ]);
    expect(rows(`${V} | summarize arg_min(t, s, x) by g`)).toEqual([
      { g: 'a', t: '2024-01-01T00:00:00Z', s: 'p', x: 1 },
      { g: 'b', t: '2024-01-05T00:00:00Z', s: 'p', x: 3 },
    ]);
  });

  // take-any-aggregation-function: "an arbitrarily selected record … tries to return a
  // non-null/non-empty value" — the first such one here.
  it('take_any prefers a non-null, non-empty value', () => {
    expect(rows(`${V} | where g == "a" | order by t desc | summarize v = take_any(x), w = any(s)`)).toEqual([{ v: 5, w: 'q' }]);
  });

  // percentiles-aggregation-function#nearest-rank-percentile: "the smallest value in the list [such
  // that] P percent of the data is less or equal"; an estimate in Kusto, exact here.
  it('percentile is the nearest-rank percentile, reported as estimated', () => {
    const result = run('range x from 1 to 10 step 1 | summarize p50 = percentile(x, 50), p90 = percentile(x, 90), p100 = percentile(x, 100), percentiles(x, 25, 75)');
    expect(result.rows).toEqual([{ p50: 5, p90: 9, p100: 10, percentile_x_25: 3, percentile_x_75: 8 }]);
    expect(result.estimated).toEqual(['p50', 'p90', 'p100', 'percentile_x_25', 'percentile_x_75']);
  });

  // stdev-aggregation-function, variance-aggregation-function: sample (n - 1); stdevp / variancep population.
  it('stdev and variance are of the sample; stdevp and variancep of the population', () => {
    const [row] = rows('datatable(x:real)[2, 4, 4, 4, 5, 5, 7, 9] | summarize sd = stdev(x), v = variance(x), sdp = stdevp(x), vp = variancep(x), svi = varianceif(x, x > 4)');
    expect(row!.vp).toBe(4);
    expect(row!.sdp).toBe(2);
    expect(row!.v).toBeCloseTo(32 / 7);
    expect(row!.sd).toBeCloseTo(Math.sqrt(32 / 7));
    expect(row!.svi).toBeCloseTo(11 / 3);
  });

  // make-bag-aggregation-function: the bags merged into one.
  it('make_bag merges property bags', () => {
    expect(rows('datatable(d:dynamic)[dynamic({"a": 1}), dynamic({"b": 2}), dynamic(null)] | summarize b = make_bag(d)')).toEqual([{ b: { a: 1, b: 2 } }]);
  });
});
