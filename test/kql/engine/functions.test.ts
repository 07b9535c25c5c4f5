// Scalar functions, mostly with the examples of their own pages
// (https://learn.microsoft.com/kusto/query/<name>-function).
import { describe, expect, it } from 'vitest';
import { column, rows, value } from './support.ts';

/** [expression, expected value]; the page is named above each group. */
type Case = readonly [string, unknown];

function cases(list: readonly Case[]): void {
  for (const [expression, expected] of list) {
    it(`${expression} is ${JSON.stringify(expected)}`, () => {
      expect(value(expression)).toEqual(expected);
    });
  }
}

describe('strings', () => {
  // tolower-function, toupper-function, strlen-function, strcat-function, strcat-delim-function
  cases([
    ['tolower("Hello")', 'hello'],
    ['toupper("Hello")', 'HELLO'],
    ['strlen("hello")', 5],
    ['strcat("hello", " ", "world", 1)', 'hello world1'],
    ['strcat_delim("-", "a", "b", 3)', 'a-b-3'],
  ]);
  // strcat-array-function
  cases([
    ['strcat_array(dynamic([1, 2, 3]), "->")', '1->2->3'],
  ]);
  // substring-function: "If a negative number, the substring will be retrieved from the end".
  cases([
    ['substring("123456", 1)', '23456'],
    ['substring("123456", 2, 2)', '34'],
    ['substring("ABCD", 0, 2)', 'AB'],
    ['substring("123456", -2, 2)', '56'],
  ]);
  // split-function
  cases([
    ['split("aa_bb", "_")', ['aa', 'bb']],
    ['split("aaa_bbb_ccc", "_", 1)', ['bbb']],
    ['split("", "_")', ['']],
    ['split("a__b", "_")', ['a', '', 'b']],
    ['split("aabbcc", "bb")', ['aa', 'cc']],
  ]);
  // indexof-function (the page's nine examples)
  cases([
    ['indexof("abcdefg","cde")', 2],
    ['indexof("abcdefg","cde",1,4)', 2],
    ['indexof("abcdefg","cde",1,2)', -1],
    ['indexof("abcdefg","cde",3,4)', -1],
    ['indexof("abcdefg","cde",-5)', 2],
    ['indexof(1234567,5,1,4)', 4],
    ['indexof("abcdefg","cde",2,-1)', 2],
    ['indexof("abcdefgabcdefg", "cde", 1, 10, 2)', 9],
    ['indexof("abcdefgabcdefg", "cde", 1, -1, 3)', -1],
  ]);
  // trim-function, trim-start-function, trim-end-function
  cases([
    ['trim("--", "--https://bing.com--")', 'https://bing.com'],
    ['trim(@"[^\\w]+", "-  Te st1// $")', 'Te st1'],
    ['trim(@"\\s+", "    Hello, world!    ")', 'Hello, world!'],
    ['trim_start("a", "aabaa")', 'baa'],
    ['trim_end("a", "aabaa")', 'aab'],
  ]);
  // replace-string-function, replace-regex-function ("Use \0 to refer to the whole match, \1 …")
  cases([
    ['replace_string("A magic trick can turn a cat into a dog", "cat", "hamster")', 'A magic trick can turn a hamster into a dog'],
    ['replace_regex("Number is 1", @"is (\\d+)", @"was: \\1")', 'Number was: 1'],
    ['replace_regex("aXbXc", "X", @"<\\0>")', 'a<X>b<X>c'],
  ]);
  // extract-function, extract-all-function
  cases([
    ['extract("User: ([^,]+)", 1, "User: James, Email: James@example.com, Age: 29")', 'James'],
    ['extract(@"Email: (\\S+),", 1, "User: David, Age: 35")', ''],
    ['extract(@"\\d+", 0, "User: David, Age: 35")', '35'],
    ['extract(@"Age: (\\d+)", 1, "Age: 35", typeof(long))', 35],
    ['extract_all(@"(\\d+)", "a set of numbers: 123, 567 and 789")', ['123', '567', '789']],
    ['extract_all(@"(\\w)(\\w+)(\\w)", "82b8be2d-dfa7")', [['8', '2b8be2', 'd'], ['d', 'fa', '7']]],
  ]);
  // translate-function
  cases([
    ['translate("abc", "x", "abc")', 'xxx'],
    ['translate("abc", "", "ab")', ''],
    ['translate("krasp", "otsku", "spark")', 'kusto'],
  ]);
  // parse-url-function (the page's example)
  it('parse_url splits a URL as the page shows', () => {
    expect(value('parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")')).toEqual({
      Scheme: 'scheme', Host: 'host', Port: '1234', Path: 'this/is/a/path', Username: 'username', Password: 'password', 'Query Parameters': { k1: 'v1', k2: 'v2' }, Fragment: 'fragment',
    });
  });
});

describe('conversions', () => {
  // tostring-function, toint-function ("If the input includes a decimal value, the result
  // truncate"), tolong-function, toreal-function, tobool-function, todatetime-function,
  // totimespan-function
  cases([
    ['tostring(123)', '123'],
    ['tostring(datetime(2024-01-02 03:04:05))', '2024-01-02T03:04:05Z'],
    ['tostring(1h)', '01:00:00'],
    ['tostring(true)', 'true'],
    ['toint("123") == 123', true],
    ['toint(2.3)', 2],
    ['toint("abc")', null],
    ['tolong("123") == 123', true],
    ['toreal("123.4") == 123.4', true],
    ['todouble("1e3")', 1000],
    ['tobool("true") == true', true],
    ['tobool("false") == false', true],
    ['tobool(1) == true', true],
    ['tobool(123) == true', true],
    ['todatetime("2015-12-31 23:59:59.9")', '2015-12-31T23:59:59.9000000Z'],
    ['todatetime("not a date")', null],
    ['totimespan("0.00:03:00")', '00:03:00'],
    ['totimespan(4d)', '4.00:00:00'],
    ['toguid("0697F7E6-1A2B-4C3D-8E9F-0123456789AB")', '0697f7e6-1a2b-4c3d-8e9f-0123456789ab'],
  ]);
  // parse-json-function / todynamic: JSON text to dynamic; text that is not JSON stays a string.
  cases([
    ['parse_json(\'{"a": [1, 2]}\').a[1]', 2],
    ['todynamic("[1, 2]")', [1, 2]],
    ['parse_json("plain")', 'plain'],
    ['gettype(parse_json("[1]"))', 'array'],
    ['gettype(parse_json("{}"))', 'dictionary'],
  ]);
});

describe('logic', () => {
  // iff-function, case-function (the page's Size buckets), coalesce-function
  it('case returns the value of the first true predicate', () => {
    expect(column('range Size from 1 to 15 step 2 | extend bucket = case(Size <= 3, "Small", Size <= 10, "Medium", "Large")', 'bucket')).toEqual(['Small', 'Small', 'Medium', 'Medium', 'Medium', 'Large', 'Large', 'Large']);
  });
  cases([
    ['iff(1 > 2, "yes", "no")', 'no'],
    ['iif(true, 1, 2)', 1],
    ['iff(bool(null), 1, 2)', 2],
    ['coalesce(tolong("not a number"), tolong("42"), 33)', 42],
    ['coalesce("", "b")', 'b'],
    ['max_of(10, 1, -3, 17)', 17],
    ['min_of(10, 1, -3, 17)', -3],
  ]);
});

describe('dynamic arrays and bags', () => {
  // array-length-function, bag-keys-function (the page's examples), array-slice-function,
  // array-index-of-function (the page's nine examples), set-has-element-function, pack-array,
  // bag-pack (pack), array-concat, array-sort-asc / desc, set-union / intersect / difference
  it('bag_keys of bags, and null for what is not a bag', () => {
    expect(column("datatable(index:long, d:dynamic)[1, dynamic({'a':'b', 'c':123}), 4, dynamic(null), 5, dynamic({}), 6, dynamic('a'), 7, dynamic([])] | extend keys = bag_keys(d)", 'keys')).toEqual([['a', 'c'], null, [], null, null]);
  });
  cases([
    ['array_length(dynamic([1, 2, 3]))', 3],
    ['array_length(parse_json(\'{"a": 1}\'))', null],
    ['array_slice(dynamic([1,2,3]), 1, 2)', [2, 3]],
    ['array_slice(dynamic([1,2,3,4,5]), 2, -1)', [3, 4, 5]],
    ['array_slice(dynamic([1,2,3,4,5]), -3, -2)', [3, 4]],
    ['set_has_element(dynamic(["this", "is", "an", "example"]), "example")', true],
    ['pack_array(1, "a", true)', [1, 'a', true]],
    ['bag_pack("a", 1, "b", "x")', { a: 1, b: 'x' }],
    ['pack("a", 1)', { a: 1 }],
    ['array_concat(dynamic([1, 2]), dynamic([3]))', [1, 2, 3]],
    ['array_sort_asc(dynamic([3, 1, 2]))', [1, 2, 3]],
    ['array_sort_desc(dynamic(["b", "a", "c"]))', ['c', 'b', 'a']],
    ['set_union(dynamic([1, 2]), dynamic([2, 3]))', [1, 2, 3]],
    ['set_intersect(dynamic([1, 2, 3]), dynamic([2, 3, 4]))', [2, 3]],
    ['set_difference(dynamic([1, 2, 3]), dynamic([2]))', [1, 3]],
    ['bag_has_key(dynamic({"a": 1}), "a")', true],
  ]);
  it('array_index_of follows the page\'s examples', () => {
    expect(rows(`let arr=dynamic(["this", "is", "an", "example", "an", "example"]);
print idx1 = array_index_of(arr,"an"), idx2 = array_index_of(arr,"example",1,3), idx3 = array_index_of(arr,"example",1,2), idx4 = array_index_of(arr,"is",2,4), idx5 = array_index_of(arr,"example",2,-1), idx6 = array_index_of(arr, "an", 1, -1, 2), idx7 = array_index_of(arr, "an", 1, -1, 3), idx8 = array_index_of(arr, "an", -3), idx9 = array_index_of(arr, "is", -4)`)).toEqual([
      { idx1: 2, idx2: 3, idx3: -1, idx4: -1, idx5: 3, idx6: 4, idx7: -1, idx8: 4, idx9: -1 },
    ]);
  });
  // extract-json-function
  cases([
    ['extract_json("$.hosts[1].AvailableMB", \'{"hosts": [{"AvailableMB": 1}, {"AvailableMB": 2}]}\', typeof(int))', 2],
    ['extract_json("$.a", \'{"a": "x"}\')', 'x'],
  ]);
});

describe('date and time', () => {
  // startofday-function, startofweek-function (the page: weeks start on Sunday, with offsets),
  // startofmonth, startofyear, endofday
  it('startofweek with offsets follows the page', () => {
    expect(column('range offset from -1 to 1 step 1 | project weekStart = startofweek(datetime(2017-01-01 10:10:17), offset)', 'weekStart')).toEqual(['2016-12-25T00:00:00Z', '2017-01-01T00:00:00Z', '2017-01-08T00:00:00Z']);
  });
  cases([
    ['startofday(datetime(2017-01-01 10:10:17))', '2017-01-01T00:00:00Z'],
    ['startofday(datetime(2017-01-01 10:10:17), -1)', '2016-12-31T00:00:00Z'],
    ['startofmonth(datetime(2017-01-01 10:10:17), 1)', '2017-02-01T00:00:00Z'],
    ['startofyear(datetime(2017-01-01 10:10:17), -1)', '2016-01-01T00:00:00Z'],
    ['endofday(datetime(2017-01-01 10:10:17))', '2017-01-01T23:59:59.9999999Z'],
    // dayofweek-function: "the integer number of days since the preceding Sunday, as a timespan"
    ['dayofweek(datetime(1947-11-30 10:00:05))', '00:00:00'],
    ['dayofweek(datetime(1970-05-11))', '1.00:00:00'],
    ['hourofday(datetime(2015-12-14 18:54))', 18],
    ['dayofmonth(datetime(2015-12-14))', 14],
    ['getmonth(datetime(2015-10-12))', 10],
    ['getyear(datetime(2015-10-12))', 2015],
    ['dayofyear(datetime(2015-12-14))', 348],
    ['datetime_add("month", 1, datetime(2017-01-31))', '2017-02-28T00:00:00Z'],
    ['datetime_part("hour", datetime(2017-10-30 01:02:03))', 1],
    ['unixtime_seconds_todatetime(1546300800)', '2019-01-01T00:00:00Z'],
    ['make_datetime(2017, 10, 1, 12, 10)', '2017-10-01T12:10:00Z'],
  ]);
  // datetime-diff-function (the page's table: boundaries crossed, per period)
  it('datetime_diff counts the period boundaries between two times', () => {
    expect(rows(`print
year = datetime_diff('year',datetime(2017-01-01),datetime(2000-12-31)),
quarter = datetime_diff('quarter',datetime(2017-07-01),datetime(2017-03-30)),
month = datetime_diff('month',datetime(2017-01-01),datetime(2015-12-30)),
week = datetime_diff('week',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)),
day = datetime_diff('day',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)),
hour = datetime_diff('hour',datetime(2017-10-31 01:00),datetime(2017-10-30 23:59)),
minute = datetime_diff('minute',datetime(2017-10-30 23:05:01),datetime(2017-10-30 23:00:59)),
second = datetime_diff('second',datetime(2017-10-30 23:00:10.100),datetime(2017-10-30 23:00:00.900)),
millisecond = datetime_diff('millisecond',datetime(2017-10-30 23:00:00.200100),datetime(2017-10-30 23:00:00.100900)),
microsecond = datetime_diff('microsecond',datetime(2017-10-30 23:00:00.1009001),datetime(2017-10-30 23:00:00.1008009)),
nanosecond = datetime_diff('nanosecond',datetime(2017-10-30 23:00:00.0000000),datetime(2017-10-30 23:00:00.0000007))`)).toEqual([
      { year: 17, quarter: 2, month: 13, week: 5, day: 29, hour: 2, minute: 5, second: 10, millisecond: 100, microsecond: 100, nanosecond: -700 },
    ]);
  });
  // format-datetime-function (the page's examples)
  cases([
    ["format_datetime(datetime(2017-01-29 09:00:05), 'yy-MM-dd [HH:mm:ss]')", '17-01-29 [09:00:05]'],
    ["format_datetime(datetime(2017-01-29 09:00:05), 'yyyy-M-dd [H:mm:ss]')", '2017-1-29 [9:00:05]'],
    ["format_datetime(datetime(2017-01-29 09:00:05), 'yy-MM-dd [hh:mm:ss tt]')", '17-01-29 [09:00:05 AM]'],
    ["format_datetime(datetime(2009-06-15 13:45:30.6175425), 'fffffff')", '6175425'],
  ]);
});

describe('numbers', () => {
  // round-function (the page's examples)
  cases([
    ['round(2.98765, 3)', 2.988],
    ['round(2.15, 1)', 2.2],
    ['round(2.15)', 2],
    ['round(-50.55, -2)', -100],
    ['round(21.5, -1)', 20],
  ]);
  // abs, log10, pow, sqrt, floor (= bin), exp, sign
  cases([
    ['abs(-5)', 5],
    ['log10(1000)', 3],
    ['pow(2, 10)', 1024],
    ['sqrt(16)', 4],
    ['floor(-5.1, 1)', -6],
    ['sign(-4.2)', -1],
    ['isnan(real(nan))', true],
  ]);
});

describe('IPv4', () => {
  // parse-ipv4-function (the page's table)
  cases([
    ['parse_ipv4("192.168.1.1")', 3232235777],
    ['parse_ipv4("192.168.1.1/24")', 3232235776],
    ['parse_ipv4("255.255.255.255/31")', 4294967294],
    ['parse_ipv4("not an address")', null],
  ]);
  // ipv4-is-in-range-function, ipv4-is-private-function, ipv4-compare-function, ipv4-is-match-function
  cases([
    ["ipv4_is_in_range('192.168.1.1', '192.168.1.1')", true],
    ["ipv4_is_in_range('192.168.1.1', '192.168.1.255/24')", true],
    ["ipv4_is_in_range('192.168.2.1', '192.168.1.255/24')", false],
    ["ipv4_is_in_range('fe80::1', '10.0.0.0/8')", null],
    ["ipv4_is_private('192.168.1.1/24')", true],
    ["ipv4_is_private('10.1.2.3/24')", true],
    ["ipv4_is_private('202.1.2.3')", false],
    ["ipv4_is_private('127.0.0.1')", false],
    ["ipv4_compare('192.168.1.1/24', '192.168.1.255')", 0],
    ["ipv4_compare('192.168.1.1', '192.168.1.255/24')", 0],
    ["ipv4_compare('192.168.1.1/30', '192.168.1.255/24')", 0],
    ["ipv4_compare('192.168.1.1', '192.168.1.0', 31)", 0],
    ["ipv4_compare('192.168.1.1', '192.168.1.2')", -1],
    ["ipv4_is_match('192.168.1.1/24', '192.168.1.255')", true],
  ]);
});
