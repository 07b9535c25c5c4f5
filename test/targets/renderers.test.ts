// Renderer choices for the constructs each language cannot say directly.
import { describe, expect, it } from 'vitest';
import type { Predicate, Query } from '../../generators/ir/types.ts';
import { kqlSemanticDiagnostics } from '../../generators/kql/language-service.ts';
import { loadLogSources, profileOf } from '../../generators/logsources/loader.ts';
import { renderKql } from '../../generators/targets/kql.ts';
import { renderSpl } from '../../generators/targets/spl.ts';

const logsource = loadLogSources().get('entra_signin')!;
const tables = (['defender', 'sentinel'] as const).map((t) => {
  const p = profileOf(logsource, t);
  return { name: p.table!, columns: [...p.columns].map(([name, type]) => ({ name, type })) };
});
const q = (filter: Predicate): Query => ({ name: 'test-rule', logsource, lookback: 86400, filter, project: ['user'], columns: [{ name: 'user', type: 'string', field: 'user' }], selections: new Map() });
const spl = (p: Predicate) => renderSpl(q(p)).text;
const kql = (p: Predicate, target: 'defender' | 'sentinel' = 'defender') => {
  const text = renderKql(q(p), target).text;
  expect(kqlSemanticDiagnostics(text, tables)).toEqual([]);
  return text;
};

describe('SPL: base search when it can say the test exactly, | where when not', () => {
  it('plain, contains and wildcard values stay in the base search (case-insensitive there)', () => {
    expect(spl({ kind: 'string', field: 'app', op: 'contains', value: 'Exchange', cased: false })).toMatch(/^`detc_entra_signin` earliest=-1d appDisplayName="\*Exchange\*"\n/);
    expect(spl({ kind: 'pattern', field: 'app', pattern: [{ kind: 'literal', text: 'Office' }, { kind: 'anyRun' }, { kind: 'literal', text: 'Online' }], source: 'Office*Online', cased: false })).toContain('appDisplayName="Office*Online"');
  });

  // `?` is not a wildcard in the search command and `*` cannot be escaped there:
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.1/search-primer/wildcards
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/search-primer/backslashes
  it('a ? wildcard or a literal * moves to | where with a regex or ==', () => {
    expect(spl({ kind: 'pattern', field: 'app', pattern: [{ kind: 'literal', text: 'App' }, { kind: 'anyChar' }], source: 'App?', cased: false })).toContain('| where match(appDisplayName, "(?i)^App[\\\\s\\\\S]$")');
    expect(spl({ kind: 'string', field: 'user', op: 'eq', value: 'a*b', cased: false })).toContain('| where lower(userPrincipalName)=="a*b"');
  });

  // where/eval comparisons are case-sensitive:
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where
  it('|cased and regexes use | where; dotted names are single-quoted there', () => {
    expect(spl({ kind: 'string', field: 'client_app', op: 'eq', value: 'IMAP4', cased: true })).toContain('| where clientAppUsed=="IMAP4"');
    expect(spl({ kind: 'regex', field: 'city', regex: '^Ams', cased: false })).toContain(`| where match('location.city', "(?i)^Ams")`);
  });

  // `field!=v` drops events without the field; `NOT field=v` keeps them:
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
  it('negation keeps events without the field unless the field is always present', () => {
    expect(spl({ kind: 'not', item: { kind: 'string', field: 'city', op: 'eq', value: 'Utrecht', cased: false } })).toContain('NOT location.city="Utrecht"');
    expect(spl({ kind: 'not', item: { kind: 'number', field: 'result_code', op: 'eq', value: 0 } })).toContain('status.errorCode!=0');
    expect(spl({ kind: 'not', item: { kind: 'regex', field: 'city', regex: 'x', cased: true } })).toContain(`| where isnull('location.city') OR NOT match('location.city', "x")`);
  });

  it('cidr uses the search command\'s CIDR matching', () => {
    expect(spl({ kind: 'cidr', field: 'src_ip', cidr: '203.0.113.0/24' })).toContain('ipAddress="203.0.113.0/24"');
  });
});

describe('KQL: null-safe negation, typed reads, case-insensitive operators', () => {
  // A comparison with null is null and a null predicate drops the row:
  // https://learn.microsoft.com/en-us/kusto/query/null-values
  it('negated tests on nullable columns keep rows where the value is missing', () => {
    const text = kql({ kind: 'not', item: { kind: 'bool', field: 'is_interactive', value: true } }, 'sentinel');
    expect(text).toContain('isnull(IsInteractive) or IsInteractive != true');
  });

  it('strings are never null in Kusto: negated string tests need no guard', () => {
    expect(kql({ kind: 'not', item: { kind: 'string', field: 'user_agent', op: 'contains', value: 'Outlook', cased: false } })).toContain('UserAgent !contains "Outlook"');
    expect(kql({ kind: 'not', item: { kind: 'or', items: [{ kind: 'string', field: 'client_app', op: 'eq', value: 'POP3', cased: false }, { kind: 'string', field: 'client_app', op: 'eq', value: 'IMAP4', cased: false }] } })).toContain('ClientAppUsed !in~ ("POP3", "IMAP4")');
  });

  it('a dynamic path is read with the cast of its canonical type', () => {
    expect(kql({ kind: 'string', field: 'city', op: 'eq', value: 'Utrecht', cased: false }, 'sentinel')).toContain('tostring(LocationDetails.city) =~ "Utrecht"');
  });

  it('ordering a number kept in a string column converts it; a missing one still passes a negation', () => {
    expect(kql({ kind: 'number', field: 'result_code', op: 'gt', value: 0 }, 'sentinel')).toContain('toint(ResultType) > 0');
  });

  it('cidr under not() treats a non-IPv4 value as outside the range', () => {
    expect(kql({ kind: 'not', item: { kind: 'cidr', field: 'src_ip', cidr: '10.0.0.0/8' } })).toContain('not(coalesce(ipv4_is_in_range(IPAddress, "10.0.0.0/8"), false))');
  });

  it('cased string tests use the _cs operators', () => {
    expect(kql({ kind: 'string', field: 'user_agent', op: 'startswith', value: 'Mozilla', cased: true })).toContain('UserAgent startswith_cs "Mozilla"');
  });
});

describe('numeric disjunctions on one field are one list test', () => {
  const codes = (...values: number[]): Predicate => ({ kind: 'or', items: values.map((value) => ({ kind: 'number', field: 'result_code', op: 'eq', value })) });

  // The search command's IN operator matches a field against a list of values, as an OR of
  // field=value terms would (numbers included, e.g. `error_code IN (400, 402)`):
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
  // https://www.splunk.com/en_us/blog/tips-and-tricks/smooth-operator-searching-for-multiple-field-values.html
  it('SPL: `field IN (…)` in the base search', () => {
    expect(spl(codes(50126, 50053))).toMatch(/^`detc_entra_signin` earliest=-1d status\.errorCode IN \(50126, 50053\)\n/);
  });

  // in: equals to one of the elements: https://learn.microsoft.com/kusto/query/in-operator
  it('KQL: `in (…)` with numbers on a numeric column, with strings on a string column', () => {
    expect(kql(codes(0, 53003), 'defender')).toContain('ErrorCode in (0, 53003)');
    expect(kql(codes(0, 53003), 'sentinel')).toContain('ResultType in ("0", "53003")');
  });

  it('KQL: negated, it stays a null-safe conjunction of tests (`!in` on a null value is null, which drops the row)', () => {
    const text = kql({ kind: 'not', item: codes(0, 53003) }, 'defender');
    expect(text).not.toContain('!in');
    expect(text).toContain('ErrorCode != 0 and ErrorCode != 53003');
  });
});
