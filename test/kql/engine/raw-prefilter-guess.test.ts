// The raw pre-filter guessed from a query's text (before Kusto analyses it) is only a head start:
// it must agree with the analysed query's needs on the content's own queries, and the check that
// decides whether a scan made on a guess can stand must never accept one that drops a line the
// real pre-filter keeps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../../generators/kql/engine/index.ts';
import { guessImplied, guessRawPrefilterNeeds } from '../../../generators/kql/engine/raw-prefilter-guess.ts';
import { rawPrefilterNeeds } from '../../../generators/kql/engine/raw-prefilter.ts';
import { lineFilterTest } from '../../../generators/replay/parallel-scan.ts';
import { contentQueries } from '../content-support.ts';

const columns = [{ name: 'App', type: 'string' }, { name: 'Code', type: 'string' }, { name: 'N', type: 'long' }];
const strings = new Set(['App', 'Code']);
const real = (text: string) => {
  const test = compileKql(text, { T: { columns } }).rawPrefilter('T');
  return test ? rawPrefilterNeeds(test) : undefined;
};

describe('guessRawPrefilterNeeds', () => {
  it.each([
    ['T | where App in~ ("IMAP4", "POP3") and Code == "x1" and N > 2', [['IMAP4', 'POP3'], ['x1']]],
    ['// a hunt\nT\n| where App in ("IMAP4") and (N > 1 or N < 0) and Code =~ \'x1\'\n| summarize count() by App', [['IMAP4'], ['x1']]],
    ['T | filter App == "IMAP4" | where Code == "x1"', [['IMAP4']]],
    ['T | where App == "IMAP4" and Code == "1234"', [['IMAP4']]],
  ])('%s: %j, as Kusto\'s analysis finds', (text, want) => {
    expect(guessRawPrefilterNeeds(text, 'T', strings)).toEqual(want);
    expect(real(text)).toEqual(want);
  });

  it.each([
    'T | where App == "IMAP4" or Code == "x1"',
    'T | where N > 1',
    'T | project App | where App == "IMAP4"',
    'let x = 1; T | where App == "IMAP4"',
    'T | where App == @"IMAP4"',
    'T | where App == "IMAP4',
    'U | where App == "IMAP4"',
  ])('%s: no guess', (text) => {
    expect(guessRawPrefilterNeeds(text, 'T', strings)).toBeUndefined();
  });

  it('leaves out what it cannot read, never adds: a guess on the content is implied by the analysed needs', () => {
    let guessed = 0;
    for (const { rule, target, rendered: { text }, table, columns } of contentQueries()) {
      const test = compileKql(text, { [table]: { columns } }).rawPrefilter(table);
      const needs = test ? rawPrefilterNeeds(test) : undefined;
      const guess = guessRawPrefilterNeeds(text, table, new Set(columns.filter((c) => c.type === 'string').map((c) => c.name)));
      if (!guess) continue;
      guessed++;
      expect(guessImplied(guess, needs), `${rule.document.name} on ${target}: ${JSON.stringify(guess)} against ${JSON.stringify(needs)}`).toBe(true);
    }
    expect(guessed).toBeGreaterThan(5);
  });
});

describe('guessImplied', () => {
  it('accepts a guess with fewer groups, or wider ones, and nothing else', () => {
    expect(guessImplied([['imap4']], [['IMAP4', 'POP3'].slice(0, 1), ['x']])).toBe(true);
    expect(guessImplied([['IMAP', 'POP']], [['IMAP4', 'POP3']])).toBe(true);
    expect(guessImplied([['IMAP4']], [['IMAP4', 'POP3']])).toBe(false);
    expect(guessImplied([['x']], [['IMAP4']])).toBe(false);
    expect(guessImplied([['x']], undefined)).toBe(false);
  });

  it('never accepts a guess that drops a line the real needs keep', () => {
    const value = fc.stringMatching(/^[a-cA-C]{1,3}$/);
    const groups = fc.array(fc.array(value, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(groups, groups, fc.array(fc.stringMatching(/^[a-cA-C ]{0,12}$/), { minLength: 1, maxLength: 10 }), (guess, needs, lines) => {
      if (!guessImplied(guess, needs)) return;
      const keepsReal = lineFilterTest({ needs });
      const keepsGuess = lineFilterTest({ needs: guess });
      for (const line of lines) if (keepsReal(line)) expect(keepsGuess(line)).toBe(true);
    }), { numRuns: 2000 });
  });
});
