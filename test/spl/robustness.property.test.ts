// Whatever text an analyst pastes, the parser answers with a tree and diagnostics inside the
// text: it never throws. Checked on random SPL-like text and on randomly damaged corpus searches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSpl } from '../../generators/spl/parser.ts';
import { printSpl } from '../../generators/spl/printer.ts';
import { validateSpl } from '../../generators/spl/validate.ts';
import { corpusSearches } from './support.ts';

const ALPHABET = [...'abcXYZ019 _.*-+/%$@:{}\\\'"`|()[],=<>!\n\t'].concat(['AND', 'OR', 'NOT', 'IN', 'eval ', 'stats ', 'where ', 'by ', 'as ', '```', '<<FIELD>>']);

function checkAnswers(text: string): void {
  const { ast, diagnostics } = parseSpl(text);
  for (const d of diagnostics) {
    expect(d.start).toBeGreaterThanOrEqual(0);
    expect(d.end).toBeLessThanOrEqual(text.length);
    expect(d.start).toBeLessThanOrEqual(d.end);
    expect(d.line).toBeGreaterThanOrEqual(1);
  }
  expect(typeof printSpl(ast)).toBe('string');
  validateSpl(text);
}

describe('robustness', () => {
  it('answers any SPL-like text without throwing, with diagnostics inside the text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }), (pieces) => checkAnswers(pieces.join(''))),
      { numRuns: 1500 },
    );
  });

  it('answers damaged corpus searches (a span deleted or duplicated) without throwing', () => {
    const searches = corpusSearches().map((s) => s.search);
    fc.assert(
      fc.property(fc.nat(searches.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(40), fc.boolean(), (i, at, length, duplicate) => {
        const text = searches[i]!;
        const start = Math.floor(at * text.length);
        const piece = text.slice(start, start + length);
        checkAnswers(duplicate ? text.slice(0, start) + piece + piece + text.slice(start + length) : text.slice(0, start) + text.slice(start + length));
      }),
      { numRuns: 600 },
    );
  });
});
