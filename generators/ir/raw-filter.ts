// What a rule's filter requires of an event's raw text, so that `detc run` need not parse the
// lines of a large export that cannot match: a value that equals, contains, starts or ends with
// a literal holds that literal, so the line that carries the value does too. Only literals that
// read the same in any JSON writer's output qualify (printable ASCII, no quote or backslash, not
// a number's spelling). The requirement is data (the parallel scan's workers apply it); the test
// of a line (replay/parallel-scan.ts lineFilterTest) compares case-insensitively, as the
// evaluator's case-insensitive tests do (a cased match is also a case-insensitive one), and
// passes any line holding a backslash (an escape could spell anything).
import type { FieldTest, Predicate } from './types.ts';

/** Each inner list: at least one of its (lowercased) literals is in the line of every event the filter keeps. */
export type RawRequirement = readonly (readonly string[])[];

/** Shorter literals hold in too many lines to be worth a search. */
const MIN_LITERAL = 3;

/** The literals an event's text must hold for `filter` to keep it; empty when nothing can be said. */
export function rawRequirement(filter: Predicate, minLiteral = MIN_LITERAL): RawRequirement {
  switch (filter.kind) {
    case 'and':
      return filter.items.flatMap((item) => rawRequirement(item, minLiteral));
    case 'or': {
      // One literal of any branch: each branch must require something, else the or requires nothing.
      const branches = filter.items.map((item) => rawRequirement(item, minLiteral));
      if (branches.length === 0 || branches.some((b) => b.length === 0)) return [];
      return [[...new Set(branches.flatMap((b) => b[0]!))]];
    }
    case 'not':
    case 'true':
      return [];
    default:
      return fieldTestLiteral(filter, minLiteral);
  }
}

function fieldTestLiteral(test: FieldTest, minLiteral: number): RawRequirement {
  switch (test.kind) {
    case 'string':
      return usable(test.value, minLiteral) ? [[test.value.toLowerCase()]] : [];
    case 'pattern': {
      const longest = test.pattern.reduce((best, part) => (part.kind === 'literal' && part.text.length > best.length ? part.text : best), '');
      return usable(longest, minLiteral) ? [[longest.toLowerCase()]] : [];
    }
    case 'entry':
      return fieldTestLiteral(test.test, minLiteral);
    default:
      return [];
  }
}

/** Printable ASCII without " or \, long enough to be worth a search, and not a number's spelling (1e5 is 100000). */
function usable(literal: string, minLiteral: number): boolean {
  return literal.length >= minLiteral && /^[\x20-\x7e]+$/.test(literal) && !/["\\]/.test(literal) && /[^0-9eE+\-. ]/.test(literal);
}
