// Checking generated queries rule by rule (what detc build and detc test do) gives exactly what
// validating every query and then replaying every test gives.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../generators/catalog.ts';
import { kqlQueryTables } from '../generators/kql/validate.ts';
import { projectPath } from '../generators/paths.ts';
import { checkGeneratedQueries, validateGeneratedQueries } from '../generators/query-validation.ts';
import { kqlAnalysisOf, replayEngines } from '../generators/replay/engines.ts';
import { replayCatalog, type TestOutcome } from '../generators/replay/harness.ts';
import { render } from '../generators/targets/index.ts';

const catalog = loadCatalog(projectPath());
const summary = (o: TestOutcome) => ({ rule: o.rule.document.name, test: o.test.name, target: o.target, failures: o.failures, rows: o.rows });

describe('checkGeneratedQueries', () => {
  it('gives the diagnostics of validateGeneratedQueries and the outcomes of replayCatalog, in the same order', () => {
    const checked = checkGeneratedQueries(catalog, { engines: replayEngines() });
    expect(checked.diagnostics).toEqual(validateGeneratedQueries(catalog));
    expect(checked.outcomes.map(summary)).toEqual(replayCatalog(catalog, { engines: replayEngines() }).map(summary));
    expect(checked.outcomes.filter((o) => o.failures.length)).toEqual([]);
  });

  it('limits the replayed targets as replayCatalog does, still validating every target', () => {
    const checked = checkGeneratedQueries(catalog, { engines: replayEngines(), targets: ['sentinel'] });
    expect(new Set(checked.outcomes.map((o) => o.target))).toEqual(new Set(['reference', 'sentinel']));
  });
});

describe('one Kusto analysis per rendered query', () => {
  it('validation and the engine get the same analysis of a rendering, against the one table it reads', () => {
    const rule = catalog.rules[0]!;
    const query = render(rule.query, 'defender');
    const tables = kqlQueryTables(rule.query.logsource, 'defender');
    expect(tables).toBe(kqlQueryTables(rule.query.logsource, 'defender'));
    expect(tables.map((t) => t.name)).toEqual([[...rule.query.logsource.targets.defender.profiles.values()].find((p) => p.name === rule.query.logsource.targets.defender.defaultProfile)!.table]);
    expect(kqlAnalysisOf(query, tables)).toBe(kqlAnalysisOf(query, tables));
    expect(kqlAnalysisOf(render(rule.query, 'defender'), tables)).not.toBe(kqlAnalysisOf(query, tables));
  });
});
