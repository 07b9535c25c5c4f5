// What the rendering of namevalue entry tests relies on in our SPL engine, pinned to Splunk's
// documentation (Multivalue eval functions,
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/multivalue-eval-functions):
// mvzip "combines the values in two multivalue fields", pairwise, joined by the delimiter;
// mvfind "finds the index of a value in a multivalue field that matches the regular expression
// … If no values match, NULL is returned."
import { describe, expect, it } from 'vitest';
import { events, pluck, run } from './support.ts';

const names = { 'Parameters{}.Name': ['Identity', 'PopEnabled'], 'Parameters{}.Value': ['a@contoso.com', 'True'] };

function evaluate(expr: string, fields: Record<string, unknown> = {}): unknown {
  return run(`* | eval out=${expr}`, events(fields))[0]!.out;
}

describe('mvzip and mvfind over Parameters{}.Name / Parameters{}.Value', () => {
  it('mvzip pairs the values in order: Name=Value', () => {
    expect(evaluate(`mvzip('Parameters{}.Name', 'Parameters{}.Value', "=")`, names)).toEqual(['Identity=a@contoso.com', 'PopEnabled=True']);
  });

  it('mvfind gives the first matching index, with (?i) case-insensitive; null when nothing matches', () => {
    expect(evaluate(`mvfind(mvzip('Parameters{}.Name', 'Parameters{}.Value', "="), "(?i)^popenabled=true$")`, names)).toBe(1);
    expect(evaluate(`if(isnull(mvfind(mvzip('Parameters{}.Name', 'Parameters{}.Value', "="), "^popenabled=True$")), "null", "found")`, names)).toBe('null');
  });

  it('missing fields give null, so isnull() is the null-safe negation', () => {
    const data = events(names, {});
    expect(pluck(run(`* | where isnull(mvfind(mvzip('Parameters{}.Name', 'Parameters{}.Value', "="), "(?i)^PopEnabled=True$")) | eval n=1`, data), 'n')).toEqual([1]);
  });

  it('the search command matches a multivalue field when any value matches, case-insensitively', () => {
    const data = events(names, { 'Parameters{}.Name': ['Identity'] });
    expect(run('Parameters{}.Name="popenabled"', data)).toHaveLength(1);
  });
});
