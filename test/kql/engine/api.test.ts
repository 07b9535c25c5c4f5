// The engine's contract: compile once and run many times; values in and out; errors that name
// what is missing and where, never a guessed answer.
import { describe, expect, it } from 'vitest';
import { compileKql, KqlRunError, KqlUnsupportedError, runKql } from '../../../generators/kql/engine/index.ts';
import { analyzeKqlTree } from '../../../generators/kql/language-service.ts';
import { NOW, rows, run, T } from './support.ts';

function error(query: string): Error {
  try {
    run(query);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`no error from: ${query}`);
}

describe('compile once, run many times', () => {
  it('a compiled query runs on new rows and a new now', () => {
    const q = compileKql('T | where Timestamp > ago(1h) | summarize n = count() by Ip', { T });
    expect(q.columns).toEqual([{ name: 'Ip', type: 'string' }, { name: 'n', type: 'long' }]);
    expect(q.run({ T }, { now: Date.parse('2026-07-01T11:30:00Z') }).rows).toEqual([{ Ip: '203.0.113.7', n: 1 }, { Ip: '', n: 1 }]);
    expect(q.run({ T }, { now: new Date('2026-07-01T12:00:00Z') }).rows).toEqual([{ Ip: '', n: 1 }]);
    expect(q.run({ T: { rows: [] } }, { now: NOW }).rows).toEqual([]);
  });

  it('compiles from an analysis the caller made already, and refuses one of another text', () => {
    const text = 'T | where Timestamp > ago(1h) | summarize n = count() by Ip';
    const analysed = analyzeKqlTree(text, [{ name: 'T', columns: T.columns }]);
    const q = compileKql(text, { T }, { analysed });
    expect(q.run({ T }, { now: Date.parse('2026-07-01T11:30:00Z') }).rows).toEqual(compileKql(text, { T }).run({ T }, { now: Date.parse('2026-07-01T11:30:00Z') }).rows);
    expect(() => compileKql('T | count', { T }, { analysed })).toThrow(/another text/);
  });

  it('let scalars are computed once per run, with that run\'s now', () => {
    const q = compileKql('let since = ago(1h); T | where Timestamp >= since | count', { T });
    expect(q.run({ T }, { now: Date.parse('2026-07-01T11:15:00Z') }).rows).toEqual([{ Count: 3 }]);
    expect(q.run({ T }, { now: Date.parse('2026-07-01T12:00:00Z') }).rows).toEqual([{ Count: 1 }]);
  });
});

describe('values in and out', () => {
  it('datetimes are read from ISO text, epoch milliseconds or a Date, and given back as ISO text', () => {
    const table = { columns: [{ name: 't', type: 'datetime' }], rows: [{ t: '2026-07-01T10:00:00.1234567Z' }, { t: Date.parse('2026-07-01T10:00:00Z') }, { t: new Date('2026-07-01T10:00:00Z') }, { t: null }] };
    expect(rows('X | extend u = t + 1tick', { X: table })).toEqual([
      { t: '2026-07-01T10:00:00.1234567Z', u: '2026-07-01T10:00:00.1234568Z' },
      { t: '2026-07-01T10:00:00Z', u: '2026-07-01T10:00:00.0000001Z' },
      { t: '2026-07-01T10:00:00Z', u: '2026-07-01T10:00:00.0000001Z' },
      { t: null, u: null },
    ]);
  });

  it('dynamic columns take JSON values or JSON text; timespans come back as Kusto text', () => {
    const table = { columns: [{ name: 'd', type: 'dynamic' }, { name: 'span', type: 'timespan' }], rows: [{ d: '{"a": [1]}', span: '1.02:03:04' }, { d: { a: [2] }, span: null }] };
    expect(rows('X | project a = d.a[0], span', { X: table })).toEqual([{ a: 1, span: '1.02:03:04' }, { a: 2, span: null }]);
  });

  it('a column the query never names is not read, and still comes back when it is output', () => {
    const getter = { get User() { throw new Error('read'); }, Code: 1 };
    expect(runKql('T | where Code == 1 | project Code', { T: { columns: T.columns, rows: [getter] } }, { now: NOW }).rows).toEqual([{ Code: 1 }]);
    expect(rows('T | take 1')[0]).toMatchObject({ User: 'alice@contoso.com', Details: { city: 'Ashburn', tags: ['a', 'b'] } });
  });

  it('says which columns of a table it looks up in a row (the first always), or none of that when a query reads columns it does not name', () => {
    const compiled = compileKql('T | where Code == 1 | summarize n = count() by User', { T: { columns: T.columns } });
    const read = compiled.inputColumns('T');
    expect([...read!].sort()).toEqual([T.columns[0]!.name, 'Code', 'User'].sort());
    expect(compiled.inputColumns('T')).toBe(read); // the same set each time: a row maker is made once for it
    // Rows of those columns only give what whole rows give.
    const whole = rows('T');
    const only = whole.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => read!.has(k))));
    expect(compiled.run({ T: { rows: only } }, { now: NOW }).rows).toEqual(compiled.run({ T: { rows: whole } }, { now: NOW }).rows);
    for (const query of ['T | project-away Code', 'T | union T', 'T | join kind=inner (T | where Code == 1) on User']) expect(compileKql(query, { T: { columns: T.columns } }).inputColumns('T'), query).toBeUndefined();
  });

  it('externaldata reads the rows supplied for its URL, and downloads nothing', () => {
    const query = 'externaldata(ip:string, score:int)["https://example.com/ips.csv"] with (format="csv") | where score > 1';
    expect(runKql(query, {}, { now: NOW, externalData: { 'https://example.com/ips.csv': [{ ip: '203.0.113.7', score: '5' }, { ip: '10.0.0.1', score: 1 }] } }).rows).toEqual([{ ip: '203.0.113.7', score: 5 }]);
    expect(() => runKql(query, {}, { now: NOW })).toThrow(/externaldata: no rows were supplied for https:\/\/example.com\/ips.csv/);
  });
});

describe('errors', () => {
  it('what the engine does not run is `unsupported: <feature> at line:col`', () => {
    const e = error('T\n| where Ip != ""\n| evaluate pivot(Ip)');
    expect(e).toBeInstanceOf(KqlUnsupportedError);
    expect(e.message).toBe('unsupported: plugin pivot (evaluate pivot(Ip)) at 3:3');
    expect(error('T | extend g = geo_info_from_ip_address(Ip)').message).toBe('unsupported: function geo_info_from_ip_address() at 1:16');
    expect(error('T | sample 2').message).toBe('unsupported: operator sample (sample 2) at 1:5');
    expect(error('T | summarize hll(User)').message).toMatch(/^unsupported: aggregate hll\(\) .* at 1:15$/);
  });

  it('what Kusto itself rejects is a KqlRunError with Kusto\'s diagnostics', () => {
    const e = error('T\n| where Nope == 1');
    expect(e).toBeInstanceOf(KqlRunError);
    expect(e.message).toBe("KS142 The name 'Nope' does not refer to any known column, table, variable or function. at 2:9");
    expect((e as KqlRunError).diagnostics.map((d) => d.code)).toEqual(['KS142']);
  });

  it('a case whose Kusto meaning is not documented is refused when it happens, not guessed', () => {
    // make_list of array values: Kusto documents flattening for make_set only.
    expect(() => rows('T | summarize make_list(Details.tags)')).toThrow(/^unsupported: make_list\(\) of a dynamic array value .* at 1:15$/);
    // a null join key: whether nulls match is not documented.
    expect(() => rows('T | join kind=inner (T | project Code) on Code')).toThrow(/^unsupported: a null join key Code .* at 1:43$/);
  });

  it('a table the query reads must be given rows', () => {
    const q = compileKql('T | count', { T });
    expect(() => q.run({}, { now: NOW })).toThrow(/no rows were given for table T/);
  });
});
