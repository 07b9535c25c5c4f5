// How each renderer says an entry test (`parameters[PopEnabled]: "True"`).
// Splunk: KV_MODE=json flattens Parameters [{Name, Value}] into the parallel multivalue fields
// Parameters{}.Name / Parameters{}.Value. "mvzip(mv_left, mv_right, delim): Combines the values in
// two multivalue fields. The delimiter is used to specify a delimiting character to join the two
// values" (pairwise, like Python's zip), and "mvfind(mv, regex): Finds the index of a value in a
// multivalue field that matches the regular expression … If no values match, NULL is returned"
// — https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions
// The search command matches a multivalue field when any value matches, case-insensitively, so
// `Parameters{}.Name="PopEnabled"` is a sound prefilter for a positive entry test.
// KQL: mv-apply + summarize make_bag(bag_pack(…)) builds a bag per row —
// https://learn.microsoft.com/kusto/query/mv-apply-operator,
// https://learn.microsoft.com/kusto/query/make-bag-aggregation-function ("If a key appears in
// more than one row, an arbitrary value … is selected": fixtures refuse names repeated in another
// case), https://learn.microsoft.com/kusto/query/bag-pack-function, and parse_json, which returns
// a dynamic value as it is (https://learn.microsoft.com/kusto/query/parse-json-function).
import { describe, expect, it } from 'vitest';
import type { FieldTest, Predicate, Query } from '../../generators/ir/types.ts';
import { kqlSemanticDiagnostics } from '../../generators/kql/language-service.ts';
import { loadLogSources, profileOf } from '../../generators/logsources/loader.ts';
import { validateSpl } from '../../generators/spl/validate.ts';
import { renderKql } from '../../generators/targets/kql.ts';
import { renderSpl } from '../../generators/targets/spl.ts';

const logsource = loadLogSources().get('exchange_admin_audit')!;
const tables = (['defender', 'sentinel'] as const).map((t) => {
  const p = profileOf(logsource, t);
  return { name: p.table!, columns: [...p.columns].map(([name, type]) => ({ name, type })) };
});
const q = (filter: Predicate): Query => ({ name: 'test-rule', logsource, lookback: 86400, filter, project: ['object'], columns: [{ name: 'object', type: 'string', field: 'object' }], selections: new Map() });
const spl = (p: Predicate) => {
  const text = renderSpl(q(p)).text;
  expect(validateSpl(text, { undefinedMacros: 'keep' }).filter((d) => d.severity === 'error')).toEqual([]);
  return text;
};
const kql = (p: Predicate, target: 'defender' | 'sentinel') => {
  const text = renderKql(q(p), target).text;
  expect(kqlSemanticDiagnostics(text, tables)).toEqual([]);
  return text;
};
const entry = (name: string, test: Omit<FieldTest & { kind: 'string' }, 'kind' | 'field'> | { exists: boolean }): FieldTest =>
  ({ kind: 'entry', field: 'parameters', name, test: 'exists' in test ? { kind: 'exists', field: 'parameters', ...test } : { kind: 'string', field: 'parameters', ...test } });
const popOn = entry('PopEnabled', { op: 'eq', value: 'True', cased: false });
const operation: Predicate = { kind: 'string', field: 'operation', op: 'eq', value: 'Set-CASMailbox', cased: false };

describe('SPL', () => {
  it('a positive entry test: a Parameters{}.Name prefilter in the base search, mvfind over mvzip in | where', () => {
    expect(spl({ kind: 'and', items: [operation, popOn] })).toBe([
      '`detc_exchange_admin_audit` earliest=-1d Operation="Set-CASMailbox" Parameters{}.Name="PopEnabled"',
      `| where isnotnull(mvfind(mvzip('Parameters{}.Name', 'Parameters{}.Value', "="), "(?i)^PopEnabled=True$"))`,
      '| table ObjectId',
      '| `detc_test_rule_filter`',
    ].join('\n'));
  });

  it('negated: isnull(mvfind(…)) — true when the fields are missing — and no prefilter', () => {
    const text = spl({ kind: 'not', item: popOn });
    expect(text.split('\n')[0]).toBe('`detc_exchange_admin_audit` earliest=-1d');
    expect(text).toContain(`| where isnull(mvfind(mvzip('Parameters{}.Name', 'Parameters{}.Value', "="), "(?i)^PopEnabled=True$"))`);
  });

  it('the value is regex-escaped; |cased spells the name case-insensitively letter by letter', () => {
    expect(spl(entry('Identity', { op: 'contains', value: 'a.b(c)', cased: false }))).toContain(`"(?i)^Identity=[\\\\s\\\\S]*a\\\\.b\\\\(c\\\\)"`);
    expect(spl(entry('Pop_1', { op: 'eq', value: 'True', cased: true }))).toContain(`"^[Pp][Oo][Pp]_1=True$"`);
  });

  it('exists: false needs no entry, so it implies nothing for the base search', () => {
    const text = spl(entry('PopEnabled', { exists: false }));
    expect(text).toContain(`| where isnull(mvfind(mvzip('Parameters{}.Name', 'Parameters{}.Value', "="), "(?i)^PopEnabled=[\\\\s\\\\S]"))`);
    expect(text.split('\n')[0]).toBe('`detc_exchange_admin_audit` earliest=-1d');
  });

  it('an or prefilters only when every branch implies something', () => {
    const imapOn = entry('ImapEnabled', { op: 'eq', value: 'True', cased: false });
    expect(spl({ kind: 'or', items: [popOn, imapOn] }).split('\n')[0]).toContain('(Parameters{}.Name="PopEnabled" OR Parameters{}.Name="ImapEnabled")');
    expect(spl({ kind: 'or', items: [popOn, { kind: 'not', item: operation }] }).split('\n')[0]).toContain('(Parameters{}.Name="PopEnabled" OR Operation!="Set-CASMailbox")');
    expect(spl({ kind: 'or', items: [popOn, { kind: 'not', item: imapOn }] }).split('\n')[0]).toBe('`detc_exchange_admin_audit` earliest=-1d');
  });
});

describe('KQL', () => {
  it('Defender: the bag is built after the time and log-source filters, then the entry is read from it', () => {
    expect(kql({ kind: 'and', items: [operation, popOn] }, 'defender')).toBe([
      'CloudAppEvents',
      '| where Timestamp >= ago(1d)',
      '    and Application == "Microsoft Exchange Online"',
      '    and ActionType =~ "Set-CASMailbox"',
      '    and RawEventData has "PopEnabled"',
      '| mv-apply _p = iff(array_length(parse_json(RawEventData.Parameters)) > 0, parse_json(RawEventData.Parameters), dynamic([{}])) on (',
      '    summarize _parameters = make_bag(bag_pack(tolower(tostring(_p.Name)), tostring(_p.Value))))',
      '| where tostring(_parameters["popenabled"]) =~ "True"',
      '| project object = tostring(RawEventData.ObjectId)',
    ].join('\n'));
  });

  // Before mv-apply expands each row, `has` drops rows whose raw column does not hold a tested
  // name as a term; Kusto answers has / has_any from its term index and matches terms
  // case-insensitively (https://learn.microsoft.com/kusto/query/has-operator,
  // https://learn.microsoft.com/kusto/query/has-any-operator). Only names some entry test needs.
  it('a prefilter on the raw column names the entries every kept row must hold', () => {
    const imapOn = entry('ImapEnabled', { op: 'eq', value: 'True', cased: false });
    expect(kql({ kind: 'or', items: [popOn, imapOn] }, 'sentinel')).toContain('    and Parameters has_any ("PopEnabled", "ImapEnabled")\n| mv-apply');
    expect(kql({ kind: 'and', items: [{ kind: 'or', items: [popOn, imapOn] }, popOn] }, 'defender')).toContain('    and RawEventData has "PopEnabled"\n| mv-apply');
  });

  it('no prefilter when a row can pass without the entry (negation, exists: false, or another field)', () => {
    expect(kql({ kind: 'not', item: popOn }, 'sentinel')).not.toMatch(/\bhas(_any)? /);
    expect(kql(entry('PopEnabled', { exists: false }), 'sentinel')).not.toMatch(/\bhas(_any)? /);
    expect(kql({ kind: 'or', items: [popOn, operation] }, 'sentinel')).not.toMatch(/\bhas(_any)? /);
  });

  it('Sentinel: the same over the string column through parse_json', () => {
    expect(kql(popOn, 'sentinel')).toContain('| mv-apply _p = iff(array_length(parse_json(Parameters)) > 0, parse_json(Parameters), dynamic([{}])) on (');
  });

  it('negations read a missing entry as "" and need no guard (patterns aside)', () => {
    expect(kql({ kind: 'not', item: popOn }, 'sentinel')).toContain('| where tostring(_parameters["popenabled"]) !~ "True"');
    expect(kql({ kind: 'not', item: entry('PopEnabled', { op: 'startswith', value: 'T', cased: true }) }, 'defender')).toContain('| where tostring(_parameters["popenabled"]) !startswith_cs "T"');
    expect(kql(entry('PopEnabled', { exists: false }), 'defender')).toContain('| where isempty(tostring(_parameters["popenabled"]))');
    const pattern: FieldTest = { kind: 'entry', field: 'parameters', name: 'PopEnabled', test: { kind: 'pattern', field: 'parameters', pattern: [{ kind: 'literal', text: 'T' }, { kind: 'anyChar' }, { kind: 'literal', text: 'ue' }], source: 'T?ue', cased: false } };
    expect(kql({ kind: 'not', item: pattern }, 'defender')).toContain('| where isempty(tostring(_parameters["popenabled"])) or not(tostring(_parameters["popenabled"]) matches regex "(?i)^T[\\\\s\\\\S]ue$")');
  });
});
