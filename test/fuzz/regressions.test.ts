// Every counterexample the differential fuzzer found (test/fuzz/regressions/*.yml, one rule
// file each, with its events inline) loads like content, and on it every target — on every
// log-source profile that maps the rule's fields — returns exactly the rows the file expects.
// Each file's header says what was wrong and cites the documentation that settles it.
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../generators/paths.ts';
import { checkExpectations } from '../../generators/replay/expectations.ts';
import { loadRegressions } from './cases.ts';
import { differential } from './differential.ts';

const { rules, problems } = loadRegressions(projectPath());

describe('fuzzer counterexamples stay fixed', () => {
  it('every regression file is a valid rule with valid events', () => {
    expect(problems).toEqual([]);
    expect(rules.length).toBeGreaterThan(0);
  });

  for (const rule of rules) {
    for (const test of rule.tests) {
      it(`${rule.file}: every target returns the expected rows`, () => {
        const result = differential(rule.query, test.events, test.now);
        expect(checkExpectations(test.expect, result.reference).map((f) => f.message), 'reference').toEqual([]);
        expect(result.disagreements.map((d) => `${d.target} (${d.profile}): ${d.message}`)).toEqual([]);
        expect(result.replays).toBeGreaterThanOrEqual(3);
      });
    }
  }
});
