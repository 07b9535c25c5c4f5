// Runs every rule test on the reference evaluator and checks its expectations. (The replay
// of the generated SPL and KQL joins here once the engines exist.)
import type { Catalog, CompiledRule } from './catalog.ts';
import { evaluateQuery } from './ir/evaluator.ts';
import { checkExpectations } from './replay/expectations.ts';

export interface TestOutcome {
  readonly rule: CompiledRule;
  readonly test: string;
  readonly index: number;
  readonly engine: 'reference';
  readonly failures: readonly string[];
  readonly rows: number;
}

export function runReferenceTests(catalog: Catalog): TestOutcome[] {
  const outcomes: TestOutcome[] = [];
  for (const rule of catalog.rules) {
    for (const test of rule.tests) {
      const rows = evaluateQuery(rule.query, test.events, test.now);
      const failures = checkExpectations(test.expect, rows).map((f) => f.message);
      outcomes.push({ rule, test: test.name, index: test.index, engine: 'reference', failures, rows: rows.length });
    }
  }
  return outcomes;
}
