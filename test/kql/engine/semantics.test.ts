// Kusto's documented semantics, each pinned with the page it comes from. These are the rules a
// renderer gets wrong when it picks a construct that reads right but means something else.
import { describe, expect, it } from 'vitest';
import { column, rows, run, T, value } from './support.ts';

describe('string comparison', () => {
  // https://learn.microsoft.com/kusto/query/datatypes-string-operators
  // == "Equals, case-sensitive: "aBc" == "aBc""; =~ "Equals, not case-sensitive: "abc" =~ "ABC"".
  it('== is case-sensitive and =~ is not', () => {
    expect(value('"abc" == "ABC"')).toBe(false);
    expect(value('"aBc" == "aBc"')).toBe(true);
    expect(value('"abc" =~ "ABC"')).toBe(true);
    expect(value('"abc" != "ABC"')).toBe(true);
    expect(value('"aBc" !~ "xyz"')).toBe(true);
    expect(column('T | where User == "alice@contoso.com"', 'User')).toEqual(['alice@contoso.com']);
    expect(column('T | where User =~ "ALICE@contoso.com"', 'User')).toEqual(['alice@contoso.com', 'Alice@contoso.com']);
  });

  // https://learn.microsoft.com/kusto/query/datatypes-string-operators
  // in "Equals to any of the elements", case-sensitive; in~ not case-sensitive.
  it('in is case-sensitive, in~ is not, and !in / !in~ negate them', () => {
    expect(value('"abc" in ("123", "345", "abc")')).toBe(true);
    expect(value('"Abc" in ("123", "345", "abc")')).toBe(false);
    expect(value('"Abc" in~ ("123", "345", "abc")')).toBe(true);
    expect(value('"bca" !in ("123", "345", "abc")')).toBe(true);
    expect(value('"bCa" !in~ ("123", "345", "ABC")')).toBe(true);
    expect(value('"abc" !in~ ("ABC")')).toBe(false);
  });

  // https://learn.microsoft.com/kusto/query/in-operator: the list may hold dynamic arrays and
  // tabular expressions (their first column).
  it('in reads dynamic arrays and the first column of a tabular expression', () => {
    expect(value('"b" in (dynamic(["a", "b"]))')).toBe(true);
    expect(column('let users = datatable(u:string)["bob@contoso.com"]; T | where User in (users)', 'User')).toEqual(['bob@contoso.com']);
    expect(column('T | where User in ((T | where Code == 0 | project User))', 'User')).toEqual(['Alice@contoso.com']);
  });

  // https://learn.microsoft.com/kusto/query/datatypes-string-operators#what-is-a-term
  // "each string value is broken into maximal sequences of alphanumeric characters, and each of
  // those sequences is made into a term"; "KustoExplorerQueryRun" has "Explorer" is false.
  it('has matches whole terms, case-insensitively', () => {
    expect(value('"North America" has "america"')).toBe(true);
    expect(value('"KustoExplorerQueryRun" has "Explorer"')).toBe(false);
    expect(value('"KustoExplorerQueryRun" contains "Explorer"')).toBe(true);
    expect(value('"North America" !has "amer"')).toBe(true);
    expect(value('"North America" has_cs "America"')).toBe(true);
    expect(value('"North America" has_cs "america"')).toBe(false);
    // A needle of several terms matches them in sequence, at term boundaries.
    expect(value('"Source address is 10.1.2.3:1234" has "10.1.2.3"')).toBe(true);
    expect(value('"Source address is 110.1.2.3:1234" has "10.1.2.3"')).toBe(false);
    expect(value('"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun" has "c1db"')).toBe(true);
  });

  // https://learn.microsoft.com/kusto/query/datatypes-string-operators (hasprefix, hassuffix)
  it('hasprefix and hassuffix match the start and the end of a term', () => {
    expect(value('"North America" hasprefix "ame"')).toBe(true);
    expect(value('"North America" !hasprefix "mer"')).toBe(true);
    expect(value('"North America" hassuffix "ica"')).toBe(true);
    expect(value('"North America" !hassuffix "americ"')).toBe(true);
  });

  // https://learn.microsoft.com/kusto/query/has-any-operator, has-all-operator
  it('has_any and has_all apply has to each value (lists, dynamic arrays)', () => {
    expect(value('"North America" has_any ("south", "north")')).toBe(true);
    expect(value('"North and South America" has_all ("south", "north")')).toBe(true);
    expect(value('"North America" has_all ("south", "north")')).toBe(false);
    expect(value('"North America" has_any (dynamic(["south", "NORTH"]))')).toBe(true);
  });

  // https://learn.microsoft.com/kusto/query/datatypes-string-operators
  // contains "RHS occurs as a subsequence of LHS", not case-sensitive; _cs variants are.
  it('contains, startswith and endswith are case-insensitive; their _cs forms are not', () => {
    expect(value('"FabriKam" contains "BRik"')).toBe(true);
    expect(value('"Fabrikam" !contains "xyz"')).toBe(true);
    expect(value('"FabriKam" contains_cs "Kam"')).toBe(true);
    expect(value('"FabriKam" contains_cs "kam"')).toBe(false);
    expect(value('"Fabrikam" startswith "fab"')).toBe(true);
    expect(value('"Fabrikam" startswith_cs "fab"')).toBe(false);
    expect(value('"Fabrikam" endswith "Kam"')).toBe(true);
    expect(value('"Fabrikam" endswith_cs "kam"')).toBe(true);
    expect(value('"Fabrikam" !endswith "brik"')).toBe(true);
  });

  // https://learn.microsoft.com/kusto/query/matches-regex-operator ("LHS contains a match for RHS",
  // case-sensitive); https://learn.microsoft.com/kusto/query/regex ((?i) flag).
  it('matches regex is case-sensitive, finds a match anywhere, and takes (?i)', () => {
    expect(value('"Fabrikam" matches regex "b.*k"')).toBe(true);
    expect(value('"Fabrikam" matches regex "B.*K"')).toBe(false);
    expect(value('"Fabrikam" matches regex "(?i)B.*K"')).toBe(true);
  });
});

describe('null', () => {
  // https://learn.microsoft.com/kusto/query/scalar-data-types/null-values
  // "val > 3" is null for a null val; "val == int(null)" is false for 5 and null for null;
  // "val != int(null)" is true for 5 and null for null.
  it('comparisons with null follow the null-values page', () => {
    const result = rows('datatable(val:int)[5, int(null)] | extend IsBiggerThan3 = val > 3, IsBiggerThan3OrNull = val > 3 or isnull(val), IsEqualToNull = val == int(null), IsNotEqualToNull = val != int(null)');
    expect(result).toEqual([
      { val: 5, IsBiggerThan3: true, IsBiggerThan3OrNull: true, IsEqualToNull: false, IsNotEqualToNull: true },
      { val: null, IsBiggerThan3: null, IsBiggerThan3OrNull: true, IsEqualToNull: null, IsNotEqualToNull: null },
    ]);
  });

  // https://learn.microsoft.com/kusto/query/scalar-data-types/null-values#null-values-and-the-where-operator
  // "Records for which the predicate returns the null value are dropped": ival != 5 keeps only the null row.
  it('where drops rows whose predicate is null', () => {
    expect(rows('datatable(ival:int, sval:string)[5, "a", int(null), "b"] | where ival != 5')).toEqual([{ ival: null, sval: 'b' }]);
    expect(column('T | where Code > 0', 'User')).toEqual(['alice@contoso.com']);
    expect(column('T | where not(Code > 0)', 'User')).toEqual(['Alice@contoso.com']);
  });

  // https://learn.microsoft.com/kusto/query/scalar-data-types/null-values#exceptions-to-this-rule
  // "For the logical AND operator, if one of the values is bool(false), the result is also
  // bool(false). For the logical OR operator, if one of the values is bool(true), the result is
  // also bool(true)"; otherwise null is sticky. (The logical-operators page's table says
  // `bool(null) and true` is false; the null-values page, followed here, gives null — which a
  // `where` treats the same.)
  it('and / or with null are three-valued', () => {
    expect(value('bool(null) and false')).toBe(false);
    expect(value('bool(null) and true')).toBe(null);
    expect(value('bool(null) or true')).toBe(true);
    expect(value('bool(null) or false')).toBe(null);
    expect(value('not(bool(null))')).toBe(null);
  });

  // https://learn.microsoft.com/kusto/query/scalar-data-types/null-values#null-values-and-binary-operators
  it('arithmetic with null is null', () => {
    expect(rows('datatable(val:int)[5, int(null)] | extend Add = val + 10, Multiply = val * 10')).toEqual([
      { val: 5, Add: 15, Multiply: 50 },
      { val: null, Add: null, Multiply: null },
    ]);
  });

  // https://learn.microsoft.com/kusto/query/scalar-data-types/null-values: "The string data type
  // doesn't support null values"; tostring(null) is "" (https://learn.microsoft.com/kusto/query/tostring-function).
  it('strings are never null: a missing string is empty', () => {
    const result = rows('T | where User startswith "bob" | project Ip, isnull_ip = isnull(Ip), isempty_ip = isempty(Ip), s = tostring(Code)');
    expect(result).toEqual([{ Ip: '', isnull_ip: false, isempty_ip: true, s: '' }]);
    const missing = run('T | project User', { T: { columns: T.columns, rows: [{ Code: 1 }] } });
    expect(missing.rows).toEqual([{ User: '' }]);
  });

  // https://learn.microsoft.com/kusto/query/isempty-function: "true if the argument is an empty
  // string or is null"; parsejson("") is empty, parsejson("[]") and parsejson("{}") are not.
  // https://learn.microsoft.com/kusto/query/isnull-function: a string is never null.
  it('isempty / isnotempty are for strings and null; isnull / isnotnull for null only', () => {
    expect(value('isempty("")')).toBe(true);
    expect(value('isempty("x")')).toBe(false);
    expect(value('isempty(parsejson(""))')).toBe(true);
    expect(value('isempty(parsejson("[]"))')).toBe(false);
    expect(value('isempty(parsejson("{}"))')).toBe(false);
    expect(value('isempty(int(null))')).toBe(true);
    expect(value('isnotempty(5)')).toBe(true);
    expect(value('isnull("")')).toBe(false);
    expect(value('isnotnull("")')).toBe(true);
    expect(value('isnull(long(null))')).toBe(true);
  });
});

describe('numbers', () => {
  // https://learn.microsoft.com/kusto/query/numerical-operators#type-rules-for-arithmetic-operations
  // "If both of the operands are of integer types (int or long), the result will be of type long";
  // 1 / 2 is 0, 1.0 / 2 is 0.5.
  it('integer division truncates; a real operand makes a real', () => {
    const result = run('print a = 1 / 2, b = 1.0 / 2, c = 1 / 2.0, d = real(1) / 2, e = -7 / 2, f = toint(3) + toint(4)');
    expect(result.rows).toEqual([{ a: 0, b: 0.5, c: 0.5, d: 0.5, e: -3, f: 7 }]);
    expect(result.columns.map((c) => c.type)).toEqual(['long', 'real', 'real', 'real', 'long', 'long']);
  });

  // https://learn.microsoft.com/kusto/query/numerical-operators#comment-about-the-modulo-operator
  it('modulo is never negative: 14 % 12, -14 % 12, 14 % -12, -14 % -12 are 2, 10, 2, 10', () => {
    expect(rows('print plusPlus = 14 % 12, minusPlus = -14 % 12, plusMinus = 14 % -12, minusMinus = -14 % -12')).toEqual([{ plusPlus: 2, minusPlus: 10, plusMinus: 2, minusMinus: 10 }]);
  });

  // https://learn.microsoft.com/kusto/query/numerical-operators: int, long and real compare by value.
  it('int, long and real compare by value', () => {
    expect(value('toint(1) == 1.0')).toBe(true);
    expect(value('tolong(2) > toint(1)')).toBe(true);
    expect(column('T | where Code == 50126.0', 'User')).toEqual(['alice@contoso.com']);
  });

  // A number never equals a string: Kusto does not convert between them, so `ErrorCode != "0"`
  // on an int column is true on every row (DESIGN.md; our validator's DETC001). The operator pages
  // define == only between values of one kind: https://learn.microsoft.com/kusto/query/logical-operators
  it('a number compared with a string is never equal', () => {
    expect(value('1 == "1"')).toBe(false);
    expect(value('1 != "1"')).toBe(true);
    expect(column('T | where Code != "0"', 'User')).toEqual(['alice@contoso.com', 'Alice@contoso.com', 'bob@contoso.com']);
  });

  // https://learn.microsoft.com/kusto/query/scalar-data-types/bool: "true (1), false (0)".
  it('a bool compares with a number as 1 or 0', () => {
    expect(value('true == 1')).toBe(true);
    expect(value('false == 1')).toBe(false);
  });
});

describe('time', () => {
  // https://learn.microsoft.com/kusto/query/bin-function: "Rounds values down to an integer
  // multiple of a given bin size"; bin(datetime(1970-05-11 13:45:07), 1d) is 1970-05-11;
  // bin(time(16d), 7d) is 14d; bin(4.5, 1) is 4. Datetime bins count from the Unix epoch, so a
  // week bin starts on a Thursday (1970-01-01 was one).
  it('bin() floors to multiples counted from the epoch', () => {
    expect(value('bin(datetime(1970-05-11 13:45:07), 1d)')).toBe('1970-05-11T00:00:00Z');
    expect(value('bin(time(16d), 7d)')).toBe('14.00:00:00');
    expect(value('bin(4.5, 1)')).toBe(4);
    expect(value('bin(-4.5, 1)')).toBe(-5);
    expect(value('bin(datetime(2026-07-01 10:59:59.999), 1h)')).toBe('2026-07-01T10:00:00Z');
    expect(value('bin(datetime(2026-07-06), 7d)')).toBe('2026-07-02T00:00:00Z');
    expect(value('bin(5, 0)')).toBe(null);
  });

  // https://learn.microsoft.com/kusto/query/now-function, ago-function: both measure from the
  // time the query starts, which the engine takes as a pinned value.
  it('now() and ago() are the pinned now', () => {
    expect(value('now()')).toBe('2026-07-02T00:00:00Z');
    expect(value('ago(1d)')).toBe('2026-07-01T00:00:00Z');
    expect(value('now(-2h)')).toBe('2026-07-01T22:00:00Z');
    expect(column('T | where Timestamp >= ago(13h)', 'User')).toEqual(['bob@contoso.com']);
    expect(column('T | where Timestamp >= ago(13.5h)', 'User')).toEqual(['Alice@contoso.com', 'bob@contoso.com']);
  });

  // https://learn.microsoft.com/kusto/query/datetime-timespan-arithmetic: datetime - datetime is
  // a timespan, timespan / timespan a real ("1d / 5h gives 4.8"), 1.5 * 1h a timespan.
  it('datetime and timespan arithmetic', () => {
    expect(value('datetime(1997-06-25) - datetime(1910-06-11)')).toBe('31791.00:00:00');
    expect(value('1d / 5h')).toBe(4.8);
    expect(value('1h / 1s')).toBe(3600);
    expect(value('1.5 * 1h')).toBe('01:30:00');
    expect(value('datetime(1910-06-11) + 1d')).toBe('1910-06-12T00:00:00Z');
    expect(value('datetime(2017-01-01 10:10:17) between (datetime(2017-01-01) .. 1d)')).toBe(true);
  });
});

describe('dynamic values', () => {
  // https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic#dynamic-object-accessors
  // dict.key and dict["key"] are equivalent; arr[-1] is the last element; a missing key is null.
  it('obj.field, obj["field"], arr[0] and arr[-1]', () => {
    expect(rows('T | take 1 | project a = Details.city, b = Details["city"], c = Details.tags[0], d = Details.tags[-1], e = Details.absent, f = Details.tags[5]')).toEqual([
      { a: 'Ashburn', b: 'Ashburn', c: 'a', d: 'b', e: null, f: null },
    ]);
    expect(value('dynamic({"a": [1, {"b": "c"}]}).a[1].b')).toBe('c');
    expect(value('tostring(dynamic({"a":1}))')).toBe('{"a":1}');
  });

  // https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic: dynamic literals hold JSON
  // and Kusto literals.
  it('dynamic literals', () => {
    expect(value('dynamic([1, "two", null, true])')).toEqual([1, 'two', null, true]);
    expect(value('dynamic({"t": datetime(2024-01-01), "s": 1h})')).toEqual({ t: '2024-01-01T00:00:00Z', s: '01:00:00' });
    expect(value('dynamic(null)')).toBe(null);
  });
});

describe('estimates', () => {
  // https://learn.microsoft.com/kusto/query/dcount-aggregation-function: dcount "calculates an
  // estimate of the number of distinct values"; the engine counts exactly and reports the column
  // (and what is computed from it) as estimated.
  it('dcount is exact here and reported in estimated, through the columns derived from it', () => {
    const result = run('T | summarize users = dcount(User), n = count() by Ip | extend ratio = users * 1.0 / n | project Ip, users, ratio, n');
    expect(result.rows).toEqual([
      { Ip: '203.0.113.7', users: 2, ratio: 1, n: 2 },
      { Ip: '', users: 1, ratio: 1, n: 1 },
    ]);
    expect(result.estimated).toEqual(['users', 'ratio']);
  });
});
