// Differential fuzzing: for random rules in the rule format over every bundled log source and
// random event sets, the reference evaluator, the generated SPL on our Splunk engine and the
// generated KQL on our Kusto engine (Defender and Sentinel, every profile that maps the rule's
// fields) return the same rows. A fixed seed keeps `npm test` deterministic; `npm run fuzz`
// runs the same property for as long as asked with fresh seeds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { fuzzCase } from './arbitraries.ts';
import { compileCase } from './cases.ts';
import { differential } from './differential.ts';
import { render } from '../../generators/targets/index.ts';

const logsources = loadLogSources();
const SEED = 20260701;
const RUNS_PER_SOURCE = 70;

describe('random rules and events: every target returns the reference rows', () => {
  for (const source of logsources.values()) {
    it(`${source.name} (${RUNS_PER_SOURCE} cases, seed ${SEED})`, () => {
      let replays = 0;
      fc.assert(fc.property(fuzzCase(source), (c) => {
        const compiled = compileCase(source, logsources, c);
        const result = differential(compiled.query, compiled.events, compiled.now);
        replays += result.replays;
        const report = result.disagreements.map((d) => `${d.target} (${d.profile}): ${d.message}\n${render(compiled.query, d.target, d.profile).text}`);
        expect(report, `${compiled.yaml}`).toEqual([]);
      }), { seed: SEED, numRuns: RUNS_PER_SOURCE });
      // Every case ran on at least one profile of each target.
      expect(replays).toBeGreaterThanOrEqual(RUNS_PER_SOURCE * 3);
    });
  }
});
