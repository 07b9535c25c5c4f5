// The fuzzer is not vacuous: with a renderer broken on purpose — KQL negations without their
// null-safety (`isempty(x) or not(…)` → `not(…)`: in Kusto a test on a missing value is false or
// null, so "not" of it drops the row) — the same property finds a counterexample within the
// cases `npm test` runs, and the message names the target and the first differing row. The real
// renderer is not edited: the engine is wrapped and rewrites the generated text it receives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import type { ReplayEngine } from '../../generators/replay/engine.ts';
import { replayEngines } from '../../generators/replay/engines.ts';
import { fuzzCase } from './arbitraries.ts';
import { compileCase } from './cases.ts';
import { differential } from './differential.ts';

const logsources = loadLogSources();
const source = logsources.get('tls_session')!;

/** Defender's engine, fed the generated KQL with every negation's missing-value guard removed. */
const unguarded: ReplayEngine = (() => {
  const defender = replayEngines().find((e) => e.target === 'defender')!;
  return {
    target: 'defender',
    run: (query, table, context) => defender.run({ ...query, text: query.text.replace(/\b(isempty|isnull)\(([^()]*(\([^()]*\))?[^()]*)\) or /g, '') }, table, context),
  };
})();

describe('a renderer broken on purpose is caught by the differential fuzzer', () => {
  it('dropping the null guard of negations: a counterexample naming defender and the missing row', () => {
    const details = fc.check(fc.property(fuzzCase(source), (c) => {
      const compiled = compileCase(source, logsources, c);
      return differential(compiled.query, compiled.events, compiled.now, [unguarded]).disagreements.length === 0;
    }), { seed: 20260701, numRuns: 200 });
    expect(details.failed).toBe(true);
    const compiled = compileCase(source, logsources, details.counterexample![0]);
    const found = differential(compiled.query, compiled.events, compiled.now, [unguarded]).disagreements;
    expect(found.map((d) => d.target)).toContain('defender');
    expect(found[0]!.message).toMatch(/disagrees with the reference: (row \{.*\} is missing|extra row \{.*\})/);
    // The real renderer agrees on that very case.
    expect(differential(compiled.query, compiled.events, compiled.now).disagreements).toEqual([]);
  });
});
