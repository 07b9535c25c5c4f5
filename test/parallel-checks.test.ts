// Checking on several threads gives exactly what checking on one gives: the same diagnostics
// and outcomes, in the same order (rules handed out to whichever thread is free).
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../generators/catalog.ts';
import { checkGeneratedQueriesInParallel, checkThreads } from '../generators/parallel-checks.ts';
import { projectPath } from '../generators/paths.ts';
import { checkGeneratedQueries } from '../generators/query-validation.ts';
import { replayEngines } from '../generators/replay/engines.ts';
import { forgetYamlData } from '../generators/rules/yaml-data-cache.ts';
import type { TestOutcome } from '../generators/replay/harness.ts';

const catalog = loadCatalog(projectPath());
const summary = (o: TestOutcome) => ({ rule: o.rule.file, test: o.test.name, target: o.target, failures: o.failures, rows: o.rows });

describe('checkGeneratedQueriesInParallel', () => {
  it('with a worker thread, gives checkGeneratedQueries\' diagnostics and outcomes in the same order', async () => {
    const parallel = await checkGeneratedQueriesInParallel(catalog, { threads: 2, minRules: 0, thisThreadChecks: false });
    expect(parallel.byWorkers).toBe(catalog.rules.length);
    const single = checkGeneratedQueries(catalog, { engines: replayEngines() });
    expect(parallel.diagnostics).toEqual(single.diagnostics);
    expect(parallel.outcomes.map(summary)).toEqual(single.outcomes.map(summary));
    expect(parallel.outcomes.every((o, i) => o.rule === single.outcomes[i]!.rule && o.test === single.outcomes[i]!.test)).toBe(true);
    expect(parallel.ruleMs).toHaveLength(catalog.rules.length);
  }, 60_000);

  it('has the workers take the YAML this thread parsed instead of parsing it again', async () => {
    forgetYamlData();
    const loaded = loadCatalog(projectPath()); // parses every rule file and log source here
    const parallel = await checkGeneratedQueriesInParallel(loaded, { threads: 2, minRules: 0, thisThreadChecks: false });
    expect(parallel.byWorkers).toBe(loaded.rules.length);
    expect(parallel.yamlParsedByWorkers).toBe(0);
  }, 60_000);

  it('limits the replayed targets', async () => {
    const parallel = await checkGeneratedQueriesInParallel(catalog, { threads: 2, minRules: 0, thisThreadChecks: false, targets: ['splunk'] });
    expect(parallel.byWorkers).toBe(catalog.rules.length);
    expect(new Set(parallel.outcomes.map((o) => o.target))).toEqual(new Set(['reference', 'splunk']));
  }, 60_000);

  it('throws what checkGeneratedQueries throws, and stops the workers', async () => {
    const broken = {
      ...catalog,
      rules: catalog.rules.map((r) => {
        const source = r.query.logsource;
        const logsource = { ...source, targets: { ...source.targets, defender: { ...source.targets.defender, defaultProfile: 'no-such-profile' } } };
        return { ...r, query: { ...r.query, logsource } };
      }),
    };
    expect(() => checkGeneratedQueries(broken, { engines: replayEngines() })).toThrow(/has no defender profile/);
    await expect(checkGeneratedQueriesInParallel(broken, { threads: 2, minRules: 0 })).rejects.toThrow(/has no defender profile/);
  }, 60_000);

  it('checks small content on this thread alone', () => {
    expect(checkThreads(9)).toBe(1);
    expect(checkThreads(1000, { threads: 2 })).toBe(2);
    expect(checkThreads(3, { threads: 8, minRules: 0 })).toBe(3);
  });
});
