// eval and where: expressions, operators, null and Boolean logic, the evaluation functions.
import { describe, expect, it } from 'vitest';
import { SplRunError, SplUnsupportedError } from '../../../generators/spl/engine/index.ts';
import { events, NOW_S, pluck, run } from './support.ts';

/** One result with the fields `fields`, then `| eval out=<expr>`: the value of out. */
function evaluate(expr: string, fields: Record<string, unknown> = {}): unknown {
  return run(`* | eval out=${expr}`, events(fields))[0]!.out;
}

describe('where: comparisons are case-sensitive; numbers compare as numbers', () => {
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where
  // "The <eval-expression> is case-sensitive."
  const data = events({ user: 'Adele', n: '10' }, { user: 'adele', n: 9 }, { user: 'megan' });

  it('= compares text exactly', () => {
    expect(pluck(run('* | where user="adele"', data), 'user')).toEqual(['adele']);
    expect(pluck(run('* | where user=="Adele"', data), 'user')).toEqual(['Adele']);
  });

  it('numeric text compares numerically (10 > 9), other text lexicographically', () => {
    expect(pluck(run('* | where n>9', data), 'user')).toEqual(['Adele']);
    expect(pluck(run('* | where user>"b"', data), 'user')).toEqual(['megan']);
    expect(pluck(run('* | where user<"a"', data), 'user')).toEqual(['Adele']);
  });

  it('a comparison with a missing field is null, and where drops it; NOT null is still null', () => {
    expect(pluck(run('* | where n!=10', data), 'user')).toEqual(['adele']);
    expect(pluck(run('* | where NOT n=10', data), 'user')).toEqual(['adele']);
    expect(pluck(run('* | where isnull(n) OR n=10', data), 'user')).toEqual(['megan', 'Adele']);
  });

  it('AND/OR use three-valued logic: false AND null is false, true OR null is true', () => {
    expect(run('* | where n=10 OR user="megan"', data)).toHaveLength(2);
    expect(run('* | where NOT (n=10 AND user="megan")', data)).toHaveLength(2);
  });

  it('a multivalue field compared with = matches when any value does', () => {
    expect(run('* | where roles="admin"', events({ roles: ['reader', 'admin'] }, { roles: ['reader'] }))).toHaveLength(1);
  });

  it('LIKE and like() use % and _ and are case-sensitive', () => {
    expect(pluck(run('* | where user LIKE "A%"', data), 'user')).toEqual(['Adele']);
    expect(pluck(run('* | where like(user, "_dele")', data), 'user')).toEqual(['adele', 'Adele']);
  });

  it('a where expression that is not a Boolean is an error', () => {
    expect(() => run('* | where user', data)).toThrow(SplRunError);
  });
});

describe('eval: operators', () => {
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval (Operators)
  it('+ adds numbers and concatenates strings; . concatenates anything', () => {
    expect(evaluate('1+2')).toBe(3);
    expect(evaluate('a+b', { a: '2', b: 3 })).toBe(5);
    expect(evaluate('"ab"+"cd"')).toBe('abcd');
    expect(evaluate('"n=".n', { n: 5 })).toBe('n=5');
    expect(evaluate('"ab"+1')).toBeUndefined();
  });

  it('arithmetic needs numbers; division by zero is null', () => {
    expect(evaluate('7%3')).toBe(1);
    expect(evaluate('10/4')).toBe(2.5);
    expect(evaluate('1/0')).toBeUndefined();
    expect(evaluate('"x"*2')).toBeUndefined();
  });

  it('anything with null is null, and null removes the field', () => {
    expect(evaluate('missing+1')).toBeUndefined();
    expect(evaluate('"a".missing')).toBeUndefined();
    expect(run('* | eval user=null()', events({ user: 'a' }))[0]).not.toHaveProperty('user');
  });

  it('assignments run left to right and see earlier ones', () => {
    expect(run('* | eval a=1, b=a+1', events({}))[0]).toMatchObject({ a: 1, b: 2 });
  });

  it('eval cannot assign a Boolean', () => {
    expect(() => run('* | eval x=1==1', events({}))).toThrow(/Boolean/);
  });

  it('single quotes name a field, double quotes a string', () => {
    expect(evaluate("'status.errorCode'+1", { 'status.errorCode': 50126 })).toBe(50127);
    expect(evaluate('"status.errorCode"', { 'status.errorCode': 50126 })).toBe('status.errorCode');
  });
});

describe('eval: conditional and informational functions', () => {
  // https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2408/evaluation-functions/comparison-and-conditional-functions
  it('if, case, coalesce, nullif, validate', () => {
    expect(evaluate('if(n>5, "big", "small")', { n: 7 })).toBe('big');
    expect(evaluate('if(missing>5, "big", "small")')).toBe('small');
    expect(evaluate('case(n==1, "one", n==2, "two", true(), "many")', { n: 2 })).toBe('two');
    expect(evaluate('case(n==1, "one")', { n: 2 })).toBeUndefined();
    expect(evaluate('coalesce(missing, "", "x")')).toBe('');
    expect(evaluate('nullif(a, b)', { a: 1, b: '1' })).toBeUndefined();
    expect(evaluate('validate(n>0, "positive", n<10, "small")', { n: 20 })).toBe('small');
  });

  it('in, match, cidrmatch, searchmatch', () => {
    expect(evaluate('if(in(app, "POP3", "IMAP4"), 1, 0)', { app: 'IMAP4' })).toBe(1);
    expect(evaluate('if(in(app, "pop3"), 1, 0)', { app: 'POP3' })).toBe(0); // case-sensitive
    expect(evaluate('if(match(app, "^IMAP\\d$"), 1, 0)', { app: 'IMAP4' })).toBe(1);
    expect(evaluate('if(match(app, "(?i)^imap"), 1, 0)', { app: 'IMAP4' })).toBe(1);
    expect(evaluate('if(cidrmatch("203.0.113.0/24", ip), 1, 0)', { ip: '203.0.113.7' })).toBe(1);
    expect(evaluate('if(searchmatch("app=imap*"), 1, 0)', { app: 'IMAP4' })).toBe(1);
  });

  it('isnull, isnotnull, isnum, isstr, isint, typeof', () => {
    expect(evaluate('if(isnull(missing) AND isnotnull(a), 1, 0)', { a: '' })).toBe(1);
    expect(evaluate('if(isnum(a) AND NOT isnum(b) AND isstr(b) AND isint(a), 1, 0)', { a: '42', b: 'x' })).toBe(1);
    expect(evaluate('typeof(a)', { a: 1.5 })).toBe('Number');
    expect(evaluate('typeof(missing)')).toBe('Invalid');
  });
});

describe('eval: text, conversion and math functions', () => {
  // https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions
  it('len, lower, upper, substr, trim, replace, urldecode', () => {
    expect(evaluate('len("héllo")')).toBe(5);
    expect(evaluate('lower("AbC")')).toBe('abc');
    expect(evaluate('upper("AbC")')).toBe('ABC');
    expect(evaluate('substr("splunk", 2, 3)')).toBe('plu');
    expect(evaluate('substr("splunk", -3)')).toBe('unk');
    expect(evaluate('trim("  a b \t")')).toBe('a b');
    expect(evaluate('ltrim("xxaxx", "x")')).toBe('axx');
    expect(evaluate('rtrim("xxaxx", "x")')).toBe('xxa');
    expect(evaluate('replace("2026-07-01", "(\\d+)-(\\d+)-(\\d+)", "\\3/\\2/\\1")')).toBe('01/07/2026');
    expect(evaluate('replace("a.b.c", "\\.", "-")')).toBe('a-b-c');
    expect(evaluate('urldecode("a%20b%2Fc")')).toBe('a b/c');
  });

  it('tonumber, tostring', () => {
    expect(evaluate('tonumber("0x1F", 16)')).toBe(31);
    expect(evaluate('tonumber("12.5")')).toBe(12.5);
    expect(evaluate('tonumber("abc")')).toBeUndefined();
    expect(evaluate('tostring(1234567.891, "commas")')).toBe('1,234,567.89');
    expect(evaluate('tostring(3725, "duration")')).toBe('01:02:05');
    expect(evaluate('tostring(255, "hex")')).toBe('0xFF');
    expect(evaluate('tostring(1==1)')).toBe('True');
  });

  it('round (half away from zero), floor, ceiling, abs, pow, sqrt, log, min, max', () => {
    expect(evaluate('round(2.5)')).toBe(3);
    expect(evaluate('round(-2.5)')).toBe(-3);
    expect(evaluate('round(3.14159, 2)')).toBe(3.14);
    expect(evaluate('floor(2.7)')).toBe(2);
    expect(evaluate('ceiling(2.1)')).toBe(3);
    expect(evaluate('abs(-4)')).toBe(4);
    expect(evaluate('pow(2, 10)')).toBe(1024);
    expect(evaluate('sqrt(16)')).toBe(4);
    expect(evaluate('log(100)')).toBe(2);
    // https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/statistical-eval-functions
    // "Strings are greater than numbers."
    expect(evaluate('max(1, 3, "foo", 2)')).toBe('foo');
    expect(evaluate('min(1, 3, "foo", 2)')).toBe(1);
  });
});

describe('eval: multivalue functions', () => {
  // https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions
  const mv = { v: ['b', 'a', 'b', 'c'] };
  it('split, mvcount, mvindex, mvjoin, mvappend, mvdedup, mvsort, mvfind, mvzip', () => {
    expect(evaluate('split("a,b,,c", ",")')).toEqual(['a', 'b', '', 'c']);
    expect(evaluate('mvcount(v)', mv)).toBe(4);
    expect(evaluate('mvcount(missing)')).toBeUndefined();
    expect(evaluate('mvindex(v, 1)', mv)).toBe('a');
    expect(evaluate('mvindex(v, -1)', mv)).toBe('c');
    expect(evaluate('mvindex(v, 1, 2)', mv)).toEqual(['a', 'b']);
    expect(evaluate('mvindex(v, 9)', mv)).toBeUndefined();
    expect(evaluate('mvjoin(v, ";")', mv)).toBe('b;a;b;c');
    expect(evaluate('mvappend(v, "d", missing)', mv)).toEqual(['b', 'a', 'b', 'c', 'd']);
    expect(evaluate('mvdedup(v)', mv)).toEqual(['b', 'a', 'c']);
    expect(evaluate('mvsort(v)', mv)).toEqual(['a', 'b', 'b', 'c']);
    expect(evaluate('mvfind(v, "c")', mv)).toBe(3);
    expect(evaluate('mvzip(mvindex(v, 0, 1), mvindex(v, 2, 3))', mv)).toEqual(['b,b', 'a,c']);
  });

  it('mvfilter keeps the values for which the expression is true; mvmap maps each value', () => {
    expect(evaluate('mvfilter(v!="b")', mv)).toEqual(['a', 'c']);
    expect(evaluate('mvfilter(match(v, "^[ab]$"))', mv)).toEqual(['b', 'a', 'b']);
    expect(evaluate('mvmap(v, upper(v))', mv)).toEqual(['B', 'A', 'B', 'C']);
  });

  it('a function whose page does not define multivalue input refuses it', () => {
    expect(() => evaluate('lower(v)', mv)).toThrow(SplUnsupportedError);
  });
});

describe('eval: time functions', () => {
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/date-and-time-format-variables
  it('now() is the search time; relative_time snaps; strftime/strptime work in UTC', () => {
    expect(evaluate('now()')).toBe(NOW_S);
    expect(evaluate('relative_time(now(), "-1d@d")')).toBe(Date.parse('2026-06-30T00:00:00Z') / 1000);
    expect(evaluate('strftime(1782900131, "%Y-%m-%dT%H:%M:%S%z")')).toBe('2026-07-01T10:02:11+0000');
    expect(evaluate('strftime(1782900131.25, "%d %b %Y %H:%M:%S.%3N %Z %a %j")')).toBe('01 Jul 2026 10:02:11.250 UTC Wed 182');
    // "%N ... The default is %9N"; "%Q ... The default is milliseconds, %3Q".
    expect(evaluate('strftime(1782900131.5, "%S.%N|%S.%Q|%S.%6Q")')).toBe('11.500000000|11.500|11.500000');
    expect(evaluate('strptime("2026-07-01T10:02:11", "%Y-%m-%dT%H:%M:%S")')).toBe(1782900131);
    expect(evaluate('strptime("07/01/2026 10:02:11 +0200", "%m/%d/%Y %H:%M:%S %z")')).toBe(1782900131 - 7200);
    expect(evaluate('strptime("nope", "%Y")')).toBeUndefined();
  });
});

describe('eval: JSON functions', () => {
  // https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/json-functions
  const doc = { j: '{"a":{"b":[1,2]},"s":"x","t":true}' };
  it('json_extract and spath read values at a path', () => {
    expect(evaluate('json_extract(j, "s")', doc)).toBe('x');
    expect(evaluate('json_extract(j, "a")', doc)).toBe('{"b":[1,2]}');
    expect(evaluate('spath(j, "a.b{}")', doc)).toEqual([1, 2]);
    expect(evaluate('spath(j, "t")', doc)).toBe('true');
  });
});

describe('eval: what the engine refuses', () => {
  it('an unknown function is unsupported, with its position', () => {
    expect(() => run('* | eval x=printf("%d", 1)', events({}))).toThrow(/^unsupported: eval function printf\(\) at 1:12$/);
  });
});
