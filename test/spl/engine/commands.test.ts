// The other commands, one block each, with the behaviour their Search Reference page documents.
import { describe, expect, it } from 'vitest';
import { SplRunError, SplUnsupportedError } from '../../../generators/spl/engine/index.ts';
import { columns, events, NOW_S, pluck, run } from './support.ts';

describe('bin / bucket', () => {
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/bin
  // bin adjusts the value of the field itself (unless AS names another field).
  const t = Date.parse('2026-07-01T10:46:45Z') / 1000;
  it('puts _time at the start of its span, aligned to the epoch (UTC)', () => {
    expect(run('* | bin _time span=1h', [{ _time: t }])[0]!._time).toBe(Date.parse('2026-07-01T10:00:00Z') / 1000);
    expect(run('* | bucket _time span=15m', [{ _time: t }])[0]!._time).toBe(Date.parse('2026-07-01T10:45:00Z') / 1000);
    expect(run('* | bin _time span=1d', [{ _time: t }])[0]!._time).toBe(Date.parse('2026-07-01T00:00:00Z') / 1000);
    expect(run('* | bin _time span=1mon', [{ _time: t }])[0]!._time).toBe(Date.parse('2026-07-01T00:00:00Z') / 1000);
  });

  it('replaces _time, so stats min(_time) after it sees the bin start; AS keeps _time', () => {
    expect(run('* | bin _time span=1h | stats min(_time) AS first', [{ _time: t }])[0]!.first).toBe(Date.parse('2026-07-01T10:00:00Z') / 1000);
    expect(run('* | bin _time AS window span=1h | stats min(_time) AS first BY window', [{ _time: t }])[0]).toEqual({ window: Date.parse('2026-07-01T10:00:00Z') / 1000, first: t });
  });

  it('numeric spans on other fields give ranges', () => {
    expect(pluck(run('* | bin n span=10', events({ n: 7 }, { n: 23 })), 'n')).toEqual(['20-30', '0-10']);
  });

  it('refuses bins inferred from the data', () => {
    expect(() => run('* | bin _time', [{ _time: t }])).toThrow(SplUnsupportedError);
  });
});

describe('table, fields, rename', () => {
  const data = events({ user: 'a', ip: '1', app: 'x', 'req.a': 1, 'req.b': 2 });
  it('table keeps exactly the listed fields in order; an unknown field is an empty column', () => {
    expect(run('* | table app user nothing', data)).toEqual([{ app: 'x', user: 'a' }]);
    expect(columns('* | table app user nothing', data)).toEqual(['app', 'user', 'nothing']);
    expect(columns('* | table req.*', data)).toEqual(['req.a', 'req.b']);
  });

  // https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.1.2507/search-commands/fields
  it('fields keeps the listed fields and _time/_raw unless told otherwise; fields - removes', () => {
    expect(Object.keys(run('* | fields user', data)[0]!).sort()).toEqual(['_time', 'user']);
    expect(Object.keys(run('* | fields user | fields - _*', data)[0]!)).toEqual(['user']);
    expect(Object.keys(run('* | fields - req.* _time', data)[0]!).sort()).toEqual(['app', 'ip', 'user']);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/rename
  it('rename moves a value to the new name, with wildcards', () => {
    expect(run('* | rename user AS account, req.* AS *', data)[0]).toMatchObject({ account: 'a', a: 1, b: 2 });
    expect(run('* | rename user AS account', data)[0]).not.toHaveProperty('user');
  });

  it('refuses a rename onto a field that a result has without the source field', () => {
    expect(() => run('* | rename nothing AS user', data)).toThrow(SplUnsupportedError);
  });
});

describe('sort, head, tail, reverse, dedup', () => {
  const data = events({ n: 10, s: 'b' }, { n: 9, s: 'a' }, { n: 100, s: 'B' }, { s: 'c' }, { n: 'x', s: 'a' });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/sort
  it('sorts numbers numerically before text, text lexicographically, missing values last', () => {
    expect(pluck(run('* | sort n', data), 'n')).toEqual([9, 10, 100, 'x', undefined]);
    expect(pluck(run('* | sort -n', data), 'n')).toEqual(['x', 100, 10, 9, undefined]);
    expect(pluck(run('* | sort s, -n', data), 's')).toEqual(['B', 'a', 'a', 'b', 'c']);
    expect(pluck(run('* | sort str(n)', data), 'n')).toEqual([10, 100, 9, 'x', undefined]);
    expect(pluck(run('* | sort n desc', data), 'n')).toEqual([undefined, 'x', 100, 10, 9]);
  });

  it('keeps 10,000 results by default; sort 0 keeps them all; sort N keeps N', () => {
    const many = Array.from({ length: 10050 }, (_, i) => ({ _time: NOW_S - 20000 + i, i }));
    expect(run('* | sort i', many)).toHaveLength(10000);
    expect(run('* | sort 0 i', many)).toHaveLength(10050);
    expect(run('* | sort 3 -i', many).map((r) => r.i)).toEqual([10049, 10048, 10047]);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/head
  it('head N (default 10), head (expr); tail gives the last N in reverse order; reverse', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ _time: NOW_S - 100 + i, i }));
    expect(run('* | head', many)).toHaveLength(10);
    expect(pluck(run('* | head 2', many), 'i')).toEqual([29, 28]);
    expect(pluck(run('* | head (i>26)', many), 'i')).toEqual([29, 28, 27]);
    expect(pluck(run('* | head (i>26) keeplast=true', many), 'i')).toEqual([29, 28, 27, 26]);
    expect(pluck(run('* | tail 2', many), 'i')).toEqual([0, 1]);
    expect(pluck(run('* | head 3 | reverse', many), 'i')).toEqual([27, 28, 29]);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/dedup
  it('dedup keeps the first result per value, drops those without the field unless keepempty', () => {
    expect(pluck(run('* | dedup s', data), 'n')).toEqual(['x', undefined, 100, 10]);
    expect(run('* | dedup n', data)).toHaveLength(4);
    expect(run('* | dedup n keepempty=true', data)).toHaveLength(5);
    expect(pluck(run('* | dedup 2 s sortby +n', events({ s: 'a', n: 3 }, { s: 'a', n: 1 }, { s: 'a', n: 2 })), 'n')).toEqual([1, 2]);
    expect(pluck(run('* | dedup s consecutive=true', events({ s: 'a' }, { s: 'a' }, { s: 'b' }, { s: 'a' })), 's')).toEqual(['a', 'b', 'a']);
  });
});

describe('rex, regex', () => {
  const data = events({ _raw: 'user=adele src=10.0.0.1 user=megan' });
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex
  it('extracts named groups from _raw or field=; max_match=0 makes multivalue fields', () => {
    expect(run('* | rex "user=(?<user>\\w+) src=(?<src>[\\d.]+)"', data)[0]).toMatchObject({ user: 'adele', src: '10.0.0.1' });
    expect(run('* | rex max_match=0 "user=(?<user>\\w+)"', data)[0]!.user).toEqual(['adele', 'megan']);
    expect(run('* | eval f="a-b" | rex field=f "(?P<left>\\w)-(?<right>\\w)"', data)[0]).toMatchObject({ left: 'a', right: 'b' });
  });

  it('mode=sed edits the field: s/// with g or an occurrence, y///', () => {
    expect(run('* | rex mode=sed "s/user=\\w+/user=X/g"', data)[0]!._raw).toBe('user=X src=10.0.0.1 user=X');
    expect(run('* | rex mode=sed "s/user=(\\w+)/\\1/2"', data)[0]!._raw).toBe('user=adele src=10.0.0.1 megan');
    expect(run('* | eval f="abc" | rex field=f mode=sed "y/abc/xyz/"', data)[0]!.f).toBe('xyz');
  });

  it('refuses PCRE features JavaScript cannot reproduce', () => {
    expect(() => run('* | rex "(?<a>x++)"', data)).toThrow(/possessive quantifier/);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex
  it('regex keeps matching results; != keeps the others', () => {
    const d = events({ u: 'adele' }, { u: 'megan' });
    expect(pluck(run('* | regex u="^ad"', d), 'u')).toEqual(['adele']);
    expect(pluck(run('* | regex u!="^ad"', d), 'u')).toEqual(['megan']);
  });
});

describe('spath, fromjson, KV_MODE=json', () => {
  const json = '{"user":{"name":"adele","roles":["a","b"]},"ok":true,"n":1.0,"list":[{"k":1},{"k":2}],"x":null}';
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/spath
  it('spath without a path extracts every field, flattened with . and {}', () => {
    const [row] = run('* | spath', events({ _raw: json }));
    expect(row).toMatchObject({ 'user.name': 'adele', 'user.roles{}': ['a', 'b'], ok: 'true', n: '1.0', 'list{}.k': [1, 2], x: 'null' });
  });

  it('spath with a path and output', () => {
    expect(run('* | spath input=j path=user.roles{} output=r', events({ j: json }))[0]!.r).toEqual(['a', 'b']);
    expect(run('* | spath input=j user.name', events({ j: json }))[0]!['user.name']).toBe('adele');
    expect(run('* | spath input=j path=user output=u', events({ j: json }))[0]!.u).toBe('{"name":"adele","roles":["a","b"]}');
  });

  it('an event with only _raw JSON gets the fields KV_MODE=json extracts', () => {
    expect(run('user.name=ADELE', [{ _time: NOW_S - 5, _raw: json, sourcetype: 'x' }])).toHaveLength(1);
    expect(run('list{}.k=2', [{ _time: NOW_S - 5, _raw: json }])).toHaveLength(1);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/fromjson
  it('fromjson makes top-level keys fields: arrays multivalue, objects JSON text', () => {
    const [row] = run('* | fromjson j prefix=p_', events({ j: json }));
    expect(row).toMatchObject({ p_user: '{"name":"adele","roles":["a","b"]}', p_ok: 'true', p_list: ['{"k":1}', '{"k":2}'] });
  });
});

describe('fillnull, mvexpand, makemv, convert, fieldformat, addtotals', () => {
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/fillnull
  it('fillnull fills the listed fields, or every field some result has', () => {
    const d = events({ a: 1 }, { b: 2 });
    expect(run('* | fillnull value=NA a', d)).toEqual([expect.objectContaining({ a: 'NA', b: 2 }), expect.objectContaining({ a: 1 })]);
    expect(run('* | fields - _time | fillnull', d)).toEqual([{ b: 2, a: 0 }, { a: 1, b: 0 }]);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/mvexpand
  it('mvexpand makes one result per value', () => {
    expect(pluck(run('* | mvexpand r limit=2', events({ r: ['x', 'y', 'z'], k: 1 })), 'r')).toEqual(['x', 'y']);
  });

  // https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2411/search-commands/makemv
  it('makemv splits at delim= (default a space) or tokenizer=', () => {
    expect(run('* | makemv delim="," v', events({ v: 'a,b,,c' }))[0]!.v).toEqual(['a', 'b', 'c']);
    expect(run('* | makemv allowempty=true delim="," v', events({ v: 'a,,c' }))[0]!.v).toEqual(['a', '', 'c']);
    expect(run('* | makemv tokenizer="(\\d+)" v', events({ v: 'a1b22c333' }))[0]!.v).toEqual(['1', '22', '333']);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/convert
  it('convert ctime() with the default format or timeformat=; mktime(), num(), dur2sec()', () => {
    const d = events({ t: 1782900131, s: '07/01/2026 10:02:11', d: '1+01:00:05', n: '1,234' });
    expect(run('* | convert ctime(t)', d)[0]!.t).toBe('07/01/2026 10:02:11');
    expect(run('* | convert timeformat="%Y-%m-%d" ctime(t) AS day', d)[0]!.day).toBe('2026-07-01');
    expect(run('* | convert mktime(s) dur2sec(d) rmcomma(n)', d)[0]).toMatchObject({ s: 1782900131, d: 90005, n: 1234 });
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/fieldformat
  it('fieldformat changes the display only: the value stays', () => {
    expect(run('* | fieldformat t=strftime(t, "%Y")', events({ t: 1782900131 }))[0]!.t).toBe(1782900131);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/addtotals
  it('addtotals sums numeric fields per row, and per column with col=true', () => {
    expect(run('* | fields - _time | addtotals col=true labelfield=k', events({ a: 1, b: 2, k: 'x' }, { a: 3 }))).toEqual([
      { a: 3, Total: 3 },
      { a: 1, b: 2, k: 'x', Total: 3 },
      { a: 4, Total: 6, b: 2, k: 'Total' },
    ]);
  });
});

describe('lookups', () => {
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup
  const lookups = { 'owners.csv': [{ ip: '10.0.0.1', owner: 'printer team', site: 'HQ' }, { ip: '10.0.0.1', owner: 'facilities', site: 'HQ' }, { ip: '10.0.0.2', owner: 'it', site: 'DC' }] };
  const data = events({ src: '10.0.0.1', site: 'old' }, { src: '10.0.0.2' }, { src: '10.0.0.3', site: 'old' });

  it('adds the output fields of matching rows; several matches are multivalue', () => {
    const rows = run('* | lookup owners ip AS src OUTPUT owner', data.slice(0, 2), { lookups });
    expect(pluck(rows, 'owner')).toEqual(['it', ['printer team', 'facilities']]);
  });

  it('without OUTPUT, every other column; OUTPUTNEW leaves existing fields', () => {
    expect(run('* | lookup owners.csv ip AS src', data.slice(1, 2), { lookups })[0]).toMatchObject({ owner: 'it', site: 'DC' });
    expect(pluck(run('* | lookup owners ip AS src OUTPUTNEW site', data, { lookups }), 'site')).toEqual(['old', 'DC', 'old']);
  });

  it('an unknown lookup table is an error', () => {
    expect(() => run('* | lookup nope ip', data)).toThrow(SplRunError);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/inputlookup
  it('inputlookup reads a table, filtered by WHERE; outputlookup writes one later commands can read', () => {
    expect(pluck(run('| inputlookup owners.csv WHERE site=hq', [], { lookups }), 'owner')).toEqual(['printer team', 'facilities']);
    expect(run('| makeresults count=2 | eval k="v" | outputlookup mine.csv | inputlookup append=t mine.csv', [], { lookups })).toHaveLength(4);
  });
});

describe('subsearches: append, appendpipe, join, return, format', () => {
  const data = events({ user: 'adele', ip: '1.1.1.1', kind: 'fail' }, { user: 'megan', ip: '2.2.2.2', kind: 'fail' }, { user: 'adele', ip: '3.3.3.3', kind: 'ok' });

  it('a subsearch in the search becomes ( ( f="v" ) OR … ) terms', () => {
    // https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.0/subsearches
    expect(pluck(run('kind=ok [search kind=fail ip=3.3.3.3 OR ip=1.1.1.1 | fields user]', data), 'ip')).toEqual(['3.3.3.3']);
    expect(pluck(run('* [search kind=ok | return ip]', data), 'ip')).toEqual(['3.3.3.3']);
    expect(run('* [search kind=none | fields user]', data)).toEqual([]);
  });

  it('return and format produce search strings', () => {
    expect(run('kind=fail | return 2 user', data)).toEqual([{ search: '(user="megan") OR (user="adele")' }]);
    expect(run('kind=fail | return $ip', data)).toEqual([{ search: '2.2.2.2' }]);
    expect(run('kind=fail | fields user ip | format', data)).toEqual([{ search: '( ( user="megan" AND ip="2.2.2.2" ) OR ( user="adele" AND ip="1.1.1.1" ) )' }]);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/append
  it('append adds the subsearch results after; appendpipe adds a pipeline over the results', () => {
    expect(run('kind=ok | append [search kind=fail]', data)).toHaveLength(3);
    expect(run('* | stats count BY kind | appendpipe [stats sum(count) AS count | eval kind="all"]', data)).toEqual([
      { kind: 'fail', count: 2 },
      { kind: 'ok', count: 1 },
      { count: 3, kind: 'all' },
    ]);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/join
  it('join matches on the fields: inner drops unmatched results, left keeps them', () => {
    const sub = '[search kind=ok | eval last_ok=ip | fields user last_ok]';
    expect(run(`kind=fail | join user ${sub} | table user last_ok`, data)).toEqual([{ user: 'adele', last_ok: '3.3.3.3' }]);
    expect(run(`kind=fail | join type=left user ${sub} | table user last_ok`, data)).toEqual([{ user: 'megan' }, { user: 'adele', last_ok: '3.3.3.3' }]);
  });
});

describe('makeresults, foreach', () => {
  it('makeresults makes count= results at now', () => {
    expect(run('| makeresults count=2')).toEqual([{ _time: NOW_S }, { _time: NOW_S }]);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/foreach
  it('foreach runs its template per matching field, <<FIELD>> and <<MATCHSTR>> replaced', () => {
    const [row] = run('* | foreach count_* [eval <<FIELD>>=<<FIELD>>*2, total_<<MATCHSTR>>=<<FIELD>>]', events({ count_a: 1, count_b: 5 }));
    expect(row).toMatchObject({ count_a: 2, count_b: 10, total_a: 2, total_b: 10 });
  });
});
