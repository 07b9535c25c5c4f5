// The raw-text requirement `detc run <rule>` uses to skip lines of an export without parsing
// them (applied by lineFilterTest, or the parallel scan's workers, which say it again in plain
// JavaScript) must never refuse a line whose event the rule selects: checked on generated filters and
// events, in every shape the events are exported in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePredicate } from '../../generators/ir/evaluator.ts';
import { rawRequirement } from '../../generators/ir/raw-filter.ts';
import { lineFilterTest } from '../../generators/replay/parallel-scan.ts';
import type { Predicate } from '../../generators/ir/types.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { materialize } from '../../generators/replay/materialize.ts';
import { TARGETS } from '../../generators/logsources/types.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';

/**
 * What trips text search: case pairs, characters whose lowercase is ASCII (K KELVIN SIGN) or
 * longer (İ), final sigma, quotes, backslashes, digits and a number's letters (1e5). Each case
 * draws its literals and values from `a` and one or two of these, so that values often hold them.
 */
const TRICKY = ['a', 'A', 'k', 'K', '\u212A', 'i', 'I', '\u0130', 'é', 'É', 'ß', 'Σ', 'σ', 'ς', '"', '\\', '/', '1', '0', 'e', '.', '-', ' ', '@'];
const FIELDS = ['user', 'client_app', 'app', 'city'] as const;

function filterAndEvents(alphabet: readonly string[]): fc.Arbitrary<[Predicate, CanonicalEvent[]]> {
  const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 3 }).map((chars) => chars.join(''));
  const fieldTest: fc.Arbitrary<Predicate> = fc.oneof(
    fc.record({ kind: fc.constant('string' as const), field: fc.constantFrom(...FIELDS), op: fc.constantFrom('eq', 'contains', 'startswith', 'endswith' as const), value: text, cased: fc.boolean() }),
    fc.record({
      kind: fc.constant('pattern' as const),
      field: fc.constantFrom(...FIELDS),
      pattern: fc.array(fc.oneof(text.map((t) => ({ kind: 'literal' as const, text: t })), fc.constant({ kind: 'anyRun' as const }), fc.constant({ kind: 'anyChar' as const })), { minLength: 1, maxLength: 3 }),
      source: fc.constant('(generated)'),
      cased: fc.boolean(),
    }),
  );
  const predicate = fc.letrec<{ p: Predicate }>((tie) => ({
    p: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      fieldTest,
      fc.record({ kind: fc.constantFrom('and', 'or' as const), items: fc.array(tie('p'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant('not' as const), item: tie('p') })),
  })).p;
  const event = fc.record(Object.fromEntries(FIELDS.map((f) => [f, text])) as Record<(typeof FIELDS)[number], fc.Arbitrary<string>>)
    .map((values): CanonicalEvent => ({ timestamp: Date.parse('2026-07-01T10:00:00Z'), result_code: 0, ...values }));
  return fc.tuple(predicate, fc.array(event, { minLength: 1, maxLength: 8 }));
}

describe('the line test of rawRequirement never refuses the line of an event the filter selects', () => {
  const source = loadLogSources().get('entra_signin')!;
  it('on tricky literals and values, with events as canonical JSON and as every target exports them', () => {
    let selected = 0;
    let refused = 0;
    // Always with an ASCII letter: a literal needs one to be used.
    const cases = fc.subarray(TRICKY, { minLength: 1, maxLength: 2 }).chain((alphabet) => filterAndEvents(['a', ...alphabet]));
    fc.assert(fc.property(cases, ([filter, events]) => {
      // Every literal, however short (the run itself needs three characters).
      const needs = rawRequirement(filter, 1);
      if (needs.length === 0) return;
      const lineTest = lineFilterTest({ needs });
      const selects = compilePredicate(filter);
      const shapes = [
        events.map((e) => JSON.stringify(e)),
        ...TARGETS.map((target) => materialize(events, source, target).rows.map((row) => (typeof row._raw === 'string' ? row._raw : JSON.stringify(row)))),
      ];
      events.forEach((e, i) => {
        for (const lines of shapes) {
          if (selects(e)) {
            selected++;
            expect(lineTest(lines[i]!), `${lines[i]} is selected by ${JSON.stringify(filter)}`).toBe(true);
          } else if (!lineTest(lines[i]!)) refused++;
        }
      });
    }), { numRuns: 3000, seed: 42 });
    // Not vacuous: many selected events were checked, and the test does refuse lines.
    expect(selected).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
  });
});

describe('rawRequirement', () => {
  const eq = (field: string, value: string): Predicate => ({ kind: 'string', field, op: 'eq', value, cased: false });

  it('a string test requires its literal, lowercased; and requires every part; or one literal of any branch', () => {
    expect(rawRequirement(eq('client_app', 'IMAP4'))).toEqual([['imap4']]);
    expect(rawRequirement({ kind: 'and', items: [eq('client_app', 'IMAP4'), eq('user', 'adele')] })).toEqual([['imap4'], ['adele']]);
    expect(rawRequirement({ kind: 'or', items: [eq('client_app', 'POP3'), eq('client_app', 'IMAP4')] })).toEqual([['pop3', 'imap4']]);
  });

  it('requires nothing of a negation, of an or with a branch that requires nothing, or of tests that hold no literal', () => {
    expect(rawRequirement({ kind: 'not', item: eq('client_app', 'IMAP4') })).toEqual([]);
    expect(rawRequirement({ kind: 'or', items: [eq('client_app', 'IMAP4'), { kind: 'exists', field: 'ip', exists: true }] })).toEqual([]);
    expect(rawRequirement({ kind: 'number', field: 'result_code', op: 'eq', value: 50126 })).toEqual([]);
    expect(rawRequirement({ kind: 'regex', field: 'user', regex: 'adele', cased: false })).toEqual([]);
  });

  it('skips literals a JSON writer may spell otherwise: numbers (1e5), quotes, backslashes, non-ASCII, short ones', () => {
    for (const value of ['100000', '1e5', 'say "hi"', 'a\\b', 'café', 'ab', '']) expect(rawRequirement(eq('user', value))).toEqual([]);
  });

  it('a pattern requires its longest literal part', () => {
    expect(rawRequirement({ kind: 'pattern', field: 'user', pattern: [{ kind: 'anyRun' }, { kind: 'literal', text: '@contoso.com' }, { kind: 'anyChar' }, { kind: 'literal', text: 'x' }], source: '*@contoso.com?x', cased: true })).toEqual([['@contoso.com']]);
  });

  it('passes a line that holds a backslash (an escape could spell the literal), and compares case-insensitively', () => {
    const test = lineFilterTest({ needs: rawRequirement(eq('client_app', 'IMAP4')) });
    expect(test('{"clientAppUsed":"Imap4"}')).toBe(true);
    expect(test('{"clientAppUsed":"\\u0049MAP4"}')).toBe(true);
    expect(test('{"clientAppUsed":"Browser"}')).toBe(false);
  });
});
