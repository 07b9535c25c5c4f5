// Each tabular operator, with the behaviour its page documents (most examples are the page's own).
import { describe, expect, it } from 'vitest';
import { column, rows, run } from './support.ts';

const X = "datatable(Key:string, Value1:long)['a',1,'b',2,'b',3,'c',4]";
const Y = "datatable(Key:string, Value2:long)['b',10,'c',20,'c',30,'d',40]";

describe('where, extend, project', () => {
  // https://learn.microsoft.com/kusto/query/where-operator (filter is its synonym)
  it('where and filter keep the rows whose predicate is true', () => {
    expect(column('T | where Code == 0', 'User')).toEqual(['Alice@contoso.com']);
    expect(column('T | filter Code == 0', 'User')).toEqual(['Alice@contoso.com']);
  });

  // https://learn.microsoft.com/kusto/query/extend-operator: a new column is appended; a name that
  // exists replaces the column; an unnamed expression gets a derived name or Column1, Column2 ….
  it('extend appends, replaces in place, and names as Kusto does', () => {
    const result = run('T | take 1 | extend Code = tostring(Code), tolower(User), x = 1, Details.city, tostring(Bytes)');
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['Timestamp:datetime', 'User:string', 'Ip:string', 'Code:string', 'Bytes:string', 'Details:dynamic', 'Column1:string', 'x:long', 'Details_city:dynamic']);
    expect(result.rows[0]).toMatchObject({ Code: '50126', Bytes: '100', Column1: 'alice@contoso.com', x: 1, Details_city: 'Ashburn' });
  });

  // https://learn.microsoft.com/kusto/query/project-operator, project-away, project-rename,
  // project-reorder, project-keep
  it('project, project-away, project-rename, project-reorder, project-keep', () => {
    expect(rows('T | take 1 | project User, c = Code, Code * 2')).toEqual([{ User: 'alice@contoso.com', c: 50126, Column1: 100252 }]);
    expect(run('T | project-away Details, Timestamp').columns.map((c) => c.name)).toEqual(['User', 'Ip', 'Code', 'Bytes']);
    expect(run('T | project-away D*, Ti*').columns.map((c) => c.name)).toEqual(['User', 'Ip', 'Code', 'Bytes']);
    expect(rows('T | take 1 | project-rename Account = User | project Account')).toEqual([{ Account: 'alice@contoso.com' }]);
    expect(run('T | project-reorder Code, User').columns.map((c) => c.name)).toEqual(['Code', 'User', 'Timestamp', 'Ip', 'Bytes', 'Details']);
    expect(run('T | project-keep U*, Ip').columns.map((c) => c.name)).toEqual(['User', 'Ip']);
  });
});

describe('summarize', () => {
  // https://learn.microsoft.com/kusto/query/summarize-operator: the by columns come first, then
  // the aggregates with their default names (count_, dcount_User, sum_Bytes …).
  it('groups by the by expressions and names unnamed aggregates as Kusto does', () => {
    const result = run('T | summarize count(), dcount(User), sum(Bytes), make_set(User) by Ip');
    expect(result.columns.map((c) => c.name)).toEqual(['Ip', 'count_', 'dcount_User', 'sum_Bytes', 'set_User']);
    expect(result.rows).toEqual([
      { Ip: '203.0.113.7', count_: 2, dcount_User: 2, sum_Bytes: 350, set_User: ['alice@contoso.com', 'Alice@contoso.com'] },
      { Ip: '', count_: 1, dcount_User: 1, sum_Bytes: 0, set_User: ['bob@contoso.com'] },
    ]);
  });

  // https://learn.microsoft.com/kusto/query/summarize-operator: "If GroupExpression isn't provided,
  // the output is a single (empty) row" on empty input, with the aggregates' default values
  // (count, dcount, sum … 0; make_set … []; avg NaN; the others null). "If GroupExpression is
  // provided, the output has no rows."
  it('no input rows: one row of defaults without by, no rows with by', () => {
    expect(rows('datatable(x:long)[] | summarize count(), countif(x > 0), dcount(x), dcountif(x, x > 0)')).toEqual([{ count_: 0, countif_: 0, dcount_x: 0, dcountif_x: 0 }]);
    expect(rows('datatable(x:long)[] | summarize make_set(x), make_list(x)')).toEqual([{ set_x: [], list_x: [] }]);
    expect(rows('datatable(x:long)[] | summarize take_any(x), avg(x), max(x), min(x), sum(x), stdev(x), variance(x)')).toEqual([
      { x: null, avg_x: NaN, max_x: null, min_x: null, sum_x: 0, stdev_x: 0, variance_x: 0 },
    ]);
    expect(rows('datatable(x:long, k:string)[] | summarize count() by k')).toEqual([]);
  });

  // https://learn.microsoft.com/kusto/query/bin-function with summarize: the bin column keeps the
  // name of the binned column.
  it('summarize by bin() names the column after the binned one', () => {
    expect(rows('T | summarize n = count() by bin(Timestamp, 1h)')).toEqual([
      { Timestamp: '2026-07-01T10:00:00Z', n: 2 },
      { Timestamp: '2026-07-01T11:00:00Z', n: 1 },
    ]);
  });

  // (Code != 0 is true for the null Code: "inequality … a null value and a non-null value yields
  // bool(true)", https://learn.microsoft.com/kusto/query/scalar-data-types/null-values.)
  it('aggregates inside expressions are computed per group', () => {
    expect(rows('T | summarize pct = round(100.0 * countif(Code != 0) / count(), 1), span = max(Timestamp) - min(Timestamp)')).toEqual([{ pct: 66.7, span: '00:50:00' }]);
  });

  // Nulls form a group of their own (summarize groups "by the by expressions" values).
  it('null group keys form one group', () => {
    expect(rows('T | summarize n = count() by Code | order by n desc')).toHaveLength(3);
  });
});

describe('order, top, take, distinct, count', () => {
  // https://learn.microsoft.com/kusto/query/sort-operator: desc is the default; "Default for asc
  // is nulls first. Default for desc is nulls last."
  it('sort: descending by default, nulls first ascending and last descending', () => {
    expect(column('T | order by Code', 'Code')).toEqual([50126, 0, null]);
    expect(column('T | sort by Code asc', 'Code')).toEqual([null, 0, 50126]);
    expect(column('T | order by Code asc nulls last', 'Code')).toEqual([0, 50126, null]);
    expect(column('T | order by Code desc nulls first', 'Code')).toEqual([null, 50126, 0]);
    expect(column('T | order by Ip asc, Bytes desc', 'Bytes')).toEqual([null, 250, 100]);
  });

  // https://learn.microsoft.com/kusto/query/sort-operator#using-special-floating-point-values
  it('NaN sorts with null', () => {
    expect(column('datatable(x:real)[5, real(nan), real(null), -5, real(+inf)] | order by x asc', 'x')).toEqual([NaN, null, -5, 5, Infinity]);
  });

  // https://learn.microsoft.com/kusto/query/top-operator: "desc (the default)".
  it('top n by expr is descending by default', () => {
    expect(column('T | top 2 by Bytes', 'Bytes')).toEqual([250, 100]);
    expect(column('T | top 1 by Bytes asc', 'Bytes')).toEqual([null]);
  });

  // https://learn.microsoft.com/kusto/query/take-operator (limit is its synonym)
  it('take / limit', () => {
    expect(rows('T | take 2')).toHaveLength(2);
    expect(rows('T | limit 0')).toEqual([]);
  });

  // https://learn.microsoft.com/kusto/query/distinct-operator, count-operator
  it('distinct and count', () => {
    expect(rows('T | distinct Ip')).toEqual([{ Ip: '203.0.113.7' }, { Ip: '' }]);
    expect(rows('T | project-away Details | distinct *')).toHaveLength(3);
    expect(rows('T | distinct Ip, Big = Bytes > 0')).toEqual([{ Ip: '203.0.113.7', Big: true }, { Ip: '', Big: null }]);
    expect(rows('T | count')).toEqual([{ Count: 3 }]);
  });
});

describe('join and lookup', () => {
  // https://learn.microsoft.com/kusto/query/join-innerunique: the default; "The deduplication
  // keeps only the first record" of each left key. Columns of both sides; the right key is Key1.
  it('the default join is innerunique', () => {
    expect(rows(`${X} | join ${Y} on Key`)).toEqual([
      { Key: 'b', Value1: 2, Key1: 'b', Value2: 10 },
      { Key: 'c', Value1: 4, Key1: 'c', Value2: 20 },
      { Key: 'c', Value1: 4, Key1: 'c', Value2: 30 },
    ]);
  });

  // https://learn.microsoft.com/kusto/query/join-inner, join-leftouter, join-fullouter …
  it('inner, leftouter, rightouter and fullouter', () => {
    expect(rows(`${X} | join kind=inner ${Y} on Key`)).toHaveLength(4);
    expect(rows(`${X} | join kind=leftouter ${Y} on Key`)).toEqual([
      { Key: 'a', Value1: 1, Key1: '', Value2: null },
      { Key: 'b', Value1: 2, Key1: 'b', Value2: 10 },
      { Key: 'b', Value1: 3, Key1: 'b', Value2: 10 },
      { Key: 'c', Value1: 4, Key1: 'c', Value2: 20 },
      { Key: 'c', Value1: 4, Key1: 'c', Value2: 30 },
    ]);
    expect(column(`${X} | join kind=rightouter ${Y} on Key`, 'Key1')).toEqual(['b', 'b', 'c', 'c', 'd']);
    expect(rows(`${X} | join kind=fullouter ${Y} on Key`)).toHaveLength(6);
  });

  // https://learn.microsoft.com/kusto/query/join-leftsemi, join-leftanti, join-rightsemi, join-rightanti
  it('semi and anti joins keep one side', () => {
    expect(rows(`${X} | join kind=leftsemi ${Y} on Key`)).toEqual([{ Key: 'b', Value1: 2 }, { Key: 'b', Value1: 3 }, { Key: 'c', Value1: 4 }]);
    expect(rows(`${X} | join kind=leftanti ${Y} on Key`)).toEqual([{ Key: 'a', Value1: 1 }]);
    expect(rows(`${X} | join kind=rightsemi ${Y} on Key`)).toEqual([{ Key: 'b', Value2: 10 }, { Key: 'c', Value2: 20 }, { Key: 'c', Value2: 30 }]);
    expect(rows(`${X} | join kind=rightanti ${Y} on Key`)).toEqual([{ Key: 'd', Value2: 40 }]);
  });

  // https://learn.microsoft.com/kusto/query/join-operator: "on $left.LeftColumn == $right.RightColumn".
  it('on $left.a == $right.b, and keys compare as == does (case-sensitively)', () => {
    expect(rows(`${X} | join kind=inner (${Y} | project K = toupper(Key), Value2) on $left.Key == $right.K`)).toEqual([]);
    expect(rows(`${X} | join kind=inner (${Y} | project K = Key, Value2) on $left.Key == $right.K`)).toHaveLength(4);
  });

  // https://learn.microsoft.com/kusto/query/lookup-operator: leftouter by default; "The result
  // doesn't repeat columns from the $right table that are the basis for the join operation."
  it('lookup extends the left rows without repeating the right keys', () => {
    const fact = 'datatable(Row:string,Personal:string,Family:string)["1","Rowan","Murphy","2","Ellis","Turner","3","Ellis","Turner","4","Maya","Robinson","5","Quinn","Campbell","6","Nobody","Here"]';
    const dim = 'datatable(Personal:string,Family:string,Alias:string)["Rowan","Murphy","rowanm","Ellis","Turner","ellist","Maya","Robinson","mayar","Quinn","Campbell","quinnc"]';
    const result = run(`let FactTable = ${fact}; let DimTable = ${dim}; FactTable | lookup kind=leftouter DimTable on Personal, Family`);
    expect(result.columns.map((c) => c.name)).toEqual(['Row', 'Personal', 'Family', 'Alias']);
    expect(result.rows.map((r) => r.Alias)).toEqual(['rowanm', 'ellist', 'ellist', 'mayar', 'quinnc', '']);
    expect(rows(`let FactTable = ${fact}; let DimTable = ${dim}; FactTable | lookup kind=inner DimTable on Personal, Family`)).toHaveLength(5);
  });
});

describe('union', () => {
  // https://learn.microsoft.com/kusto/query/union-operator: kind=outer (the default) keeps every
  // column, null where an input lacks it; withsource= names each row's table.
  it('union takes every column, filling the missing ones', () => {
    const tables = { A: { columns: [{ name: 'x', type: 'long' }, { name: 's', type: 'string' }], rows: [{ x: 1, s: 'a' }] }, B: { columns: [{ name: 'x', type: 'long' }, { name: 'y', type: 'real' }], rows: [{ x: 2, y: 0.5 }] } };
    expect(rows('A | union B', tables)).toEqual([{ x: 1, s: 'a', y: null }, { x: 2, s: '', y: 0.5 }]);
    expect(rows('union withsource=Table A, B | project Table, x', tables)).toEqual([{ Table: 'A', x: 1 }, { Table: 'B', x: 2 }]);
  });
});

describe('mv-expand, mv-apply, parse', () => {
  // https://learn.microsoft.com/kusto/query/mv-expand-operator (the page's examples): arrays and
  // bags expand to rows, bags to single-entry bags (or [key, value] with kind=array), several
  // expansions "in parallel", with_itemindex, to typeof().
  it('mv-expand follows the page\'s examples', () => {
    expect(rows("datatable (a: int, b: dynamic)[1, dynamic([10, 20]), 2, dynamic(['a', 'b'])] | mv-expand b")).toEqual([{ a: 1, b: 10 }, { a: 1, b: 20 }, { a: 2, b: 'a' }, { a: 2, b: 'b' }]);
    expect(column('datatable (a: int, b: dynamic)[1, dynamic({"prop1": "a1", "prop2": "b1"})] | mv-expand b', 'b')).toEqual([{ prop1: 'a1' }, { prop2: 'b1' }]);
    expect(rows('datatable (a: int, b: dynamic)[1, dynamic({"prop1": "a1", "prop2": "b1"})] | mv-expand kind=array b | extend key = b[0], val = b[1] | project key, val')).toEqual([{ key: 'prop1', val: 'a1' }, { key: 'prop2', val: 'b1' }]);
    expect(rows('datatable (a: int, b: dynamic, c: dynamic)[1, dynamic({"prop1": "a", "prop2": "b"}), dynamic([5, 4, 3])] | mv-expand b, c')).toEqual([
      { a: 1, b: { prop1: 'a' }, c: 5 }, { a: 1, b: { prop2: 'b' }, c: 4 }, { a: 1, b: null, c: 3 },
    ]);
    expect(run('datatable (a: string, b: dynamic, c: dynamic)["Constant", dynamic([1, 2, 3, 4]), dynamic([6, 7, 8, 9])] | mv-expand b, c to typeof(int)').columns.map((c) => c.type)).toEqual(['string', 'dynamic', 'int']);
    expect(rows('range x from 1 to 4 step 1 | summarize x = make_list(x) | mv-expand with_itemindex=Index x')).toEqual([{ x: 1, Index: 0 }, { x: 2, Index: 1 }, { x: 3, Index: 2 }, { x: 4, Index: 3 }]);
  });

  // https://learn.microsoft.com/kusto/query/mv-expand-operator: "If the dynamic value is null, then
  // a single record is produced … If the dynamic value is an empty array or property bag, no
  // record is produced."
  it('mv-expand: null gives one row, an empty array none; limit caps the rows', () => {
    expect(column('T | mv-expand Details.tags | project User', 'User')).toEqual(['alice@contoso.com', 'alice@contoso.com', 'bob@contoso.com']);
    expect(rows('print d = dynamic([1, 2, 3]) | mv-expand d limit 2')).toHaveLength(2);
  });

  // https://learn.microsoft.com/kusto/query/mv-apply-operator: the subquery runs on each record's
  // expansion; its rows come out with the record's other columns.
  it('mv-apply runs the subquery per record', () => {
    expect(rows('datatable(id:int, Metric:dynamic)[1, dynamic([1, 9, 4]), 2, dynamic([7, 3])] | mv-apply Metric to typeof(long) on (top 2 by Metric desc)')).toEqual([
      { id: 1, Metric: 9 }, { id: 1, Metric: 4 }, { id: 2, Metric: 7 }, { id: 2, Metric: 3 },
    ]);
    expect(rows('datatable(id:int, d:dynamic)[1, dynamic([1, 2]), 2, dynamic([5])] | mv-apply x = d to typeof(long) on (summarize s = sum(x))')).toEqual([
      { id: 1, d: [1, 2], s: 3 }, { id: 2, d: [5], s: 5 },
    ]);
  });

  // https://learn.microsoft.com/kusto/query/parse-operator (the page's Traces example, shortened):
  // "The calculated columns return null values for unsuccessfully parsed strings".
  it('parse extracts typed columns, and null ones when the text does not match', () => {
    const traces = 'datatable(EventText: string)["Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=27, sliceNumber=23, lockTime=02/17/2016 08:40:01)", "something else"]';
    expect(rows(`${traces} | parse EventText with * "resourceName=" resourceName ", totalSlices=" totalSlices: long * "sliceNumber=" sliceNumber: long * | project resourceName, totalSlices, sliceNumber`)).toEqual([
      { resourceName: 'PipelineScheduler', totalSlices: 27, sliceNumber: 23 },
      { resourceName: '', totalSlices: null, sliceNumber: null },
    ]);
    expect(rows(`${traces} | parse kind=regex EventText with * "resourceName=" name "," * "=" n:long "," | project name, n | take 1`)).toEqual([{ name: 'PipelineScheduler', n: 27 }]);
  });

  // https://learn.microsoft.com/kusto/query/parse-where-operator: rows that do not match are dropped.
  it('parse-where drops the rows that do not parse', () => {
    expect(rows('T | parse-where User with name "@" domain | project name, domain')).toEqual([
      { name: 'alice', domain: 'contoso.com' }, { name: 'Alice', domain: 'contoso.com' }, { name: 'bob', domain: 'contoso.com' },
    ]);
    expect(rows('T | parse-where Ip with a:long "." b:long "." c:long "." d:long | project d')).toEqual([{ d: 7 }, { d: 7 }]);
  });
});

describe('let, functions, sub-queries', () => {
  // https://learn.microsoft.com/kusto/query/let-statement: scalars, tabular expressions and
  // lambdas (with typed parameters, scalar or tabular, and defaults).
  it('let binds scalars, tables and functions', () => {
    expect(column('let threshold = 100; T | where Bytes > threshold', 'Bytes')).toEqual([250]);
    expect(rows('let recent = T | where Code == 0; recent | project User')).toEqual([{ User: 'Alice@contoso.com' }]);
    expect(column('let domain = (upn:string) { tostring(split(upn, "@")[1]) }; T | extend d = domain(User) | distinct d', 'd')).toEqual(['contoso.com']);
    expect(column('let over = (n:long, limit:long = 200) { n > limit }; T | where over(Bytes)', 'Bytes')).toEqual([250]);
    // (the null Code passes `!= 0`, as above)
    expect(rows('let failures = (t:(Code:int)) { t | where Code != 0 }; T | invoke failures() | count')).toEqual([{ Count: 2 }]);
    expect(rows('let f = (t:(Code:int), c:int) { t | where Code == c }; f(T, 0) | count')).toEqual([{ Count: 1 }]);
  });

  // https://learn.microsoft.com/kusto/query/toscalar-function; materialize-function; as-operator
  it('toscalar, materialize and as', () => {
    expect(column('let total = toscalar(T | summarize sum(Bytes)); T | where isnotnull(Bytes) | project share = Bytes * 1.0 / total', 'share')).toEqual([100 / 350, 250 / 350]);
    expect(rows('let m = materialize(T | where Code == 0); m | union m | count')).toEqual([{ Count: 2 }]);
    expect(column('T | summarize n = count() by Ip | as G | extend share = n * 1.0 / toscalar(G | summarize sum(n))', 'share')).toEqual([2 / 3, 1 / 3]);
  });

  // https://learn.microsoft.com/kusto/query/print-operator, range-operator, datatable-operator
  it('print, range and datatable', () => {
    expect(rows('print 1, s = "a"')).toEqual([{ print_0: 1, s: 'a' }]);
    expect(column('range x from 1 to 7 step 3', 'x')).toEqual([1, 4, 7]);
    expect(column('range t from datetime(2024-01-01) to datetime(2024-01-02) step 12h', 't')).toEqual(['2024-01-01T00:00:00Z', '2024-01-01T12:00:00Z', '2024-01-02T00:00:00Z']);
    expect(rows('datatable(a:int, b:string)[1, "x", int(null), "y"]')).toEqual([{ a: 1, b: 'x' }, { a: null, b: 'y' }]);
  });

  // https://learn.microsoft.com/kusto/query/render-operator ("a visualization hint"): the rows are unchanged.
  it('render and serialize leave the rows as they are', () => {
    expect(rows('T | summarize count() by Ip | render barchart')).toHaveLength(2);
    expect(rows('T | serialize | count')).toEqual([{ Count: 3 }]);
  });
});

describe('make-series, search, getschema, evaluate', () => {
  // https://learn.microsoft.com/kusto/query/make-series-operator: bins start + k·step < end, the
  // default (0) where a bin has no rows, the axis array last.
  it('make-series builds one array per aggregate and the axis', () => {
    expect(rows('T | make-series n = count() default = 0 on Timestamp from datetime(2026-07-01 10:00) to datetime(2026-07-01 12:00) step 30m by Ip')).toEqual([
      { Ip: '203.0.113.7', n: [1, 1, 0, 0], Timestamp: ['2026-07-01T10:00:00Z', '2026-07-01T10:30:00Z', '2026-07-01T11:00:00Z', '2026-07-01T11:30:00Z'] },
      { Ip: '', n: [0, 0, 1, 0], Timestamp: ['2026-07-01T10:00:00Z', '2026-07-01T10:30:00Z', '2026-07-01T11:00:00Z', '2026-07-01T11:30:00Z'] },
    ]);
  });

  // https://learn.microsoft.com/kusto/query/search-operator: `billg` is has, `billg*` hasprefix,
  // `*billg*` contains, `col:"x"` restricts to a column; the output starts with $table.
  it('search matches terms in any column', () => {
    expect(column('search in (T) "bob"', 'User')).toEqual(['bob@contoso.com']);
    expect(column('search in (T) "ash*" and Code == 0', 'User')).toEqual(['Alice@contoso.com']);
    expect(column('search in (T) User:"alice"', '$table')).toEqual(['T', 'T']);
    expect(rows('search in (T) "*ntos*"')).toHaveLength(3);
  });

  // https://learn.microsoft.com/kusto/query/getschema-operator
  it('getschema', () => {
    expect(rows('T | project User, Code, Details | getschema')).toEqual([
      { ColumnName: 'User', ColumnOrdinal: 0, DataType: 'System.String', ColumnType: 'string' },
      { ColumnName: 'Code', ColumnOrdinal: 1, DataType: 'System.Int32', ColumnType: 'int' },
      { ColumnName: 'Details', ColumnOrdinal: 2, DataType: 'System.Object', ColumnType: 'dynamic' },
    ]);
  });

  // https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin: matching rows only by default.
  it('evaluate ipv4_lookup joins on an address inside a range', () => {
    expect(rows('let nets = datatable(net:string, owner:string)["203.0.113.0/24", "test-net-3"]; T | evaluate ipv4_lookup(nets, Ip, net) | project User, owner')).toEqual([
      { User: 'alice@contoso.com', owner: 'test-net-3' }, { User: 'Alice@contoso.com', owner: 'test-net-3' },
    ]);
  });
});
