// The harness's own logic, with stand-in engines: it maps native output back to canonical
// columns, checks expectations, and names the target and the differing row on disagreement.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { projectPath } from '../../generators/paths.ts';
import type { ReplayEngine } from '../../generators/replay/engine.ts';
import { replayCatalog } from '../../generators/replay/harness.ts';

const catalog = loadCatalog(projectPath());
const spray = { ...catalog, rules: catalog.rules.filter((r) => r.document.name === 'pop-imap-password-spray') };

/** An engine that answers with the reference rows in native shape, then lets a test tamper. */
function standIn(tamper: (rows: Record<string, unknown>[]) => Record<string, unknown>[] = (r) => r): ReplayEngine {
  return {
    target: 'defender',
    run(rendered, table, context) {
      const rule = spray.rules[0]!;
      // (now, number of events) tells this rule's tests apart
      const test = rule.tests.find((t) => t.now === context.now && t.events.length === [...table.rows].length)!;
      const rows = evaluateQuery(rule.query, test.events, context.now).map((row) =>
        Object.fromEntries(rendered.columns.map((c) => [c.native, row[c.name]])));
      return { rows: tamper(rows), estimated: ['distinct_users'] };
    },
  };
}

describe('replay harness', () => {
  it('a target returning the reference rows in native names passes every test', () => {
    const outcomes = replayCatalog(spray, { engines: [standIn()] });
    expect(outcomes.filter((o) => o.target === 'defender')).toHaveLength(spray.rules[0]!.tests.length);
    expect(outcomes.filter((o) => o.failures.length)).toEqual([]);
  });

  it('a missing row fails the test, naming the target and the row', () => {
    const outcomes = replayCatalog(spray, { engines: [standIn((rows) => rows.slice(1))] });
    const failed = outcomes.filter((o) => o.failures.length);
    expect(failed.map((o) => o.target)).toEqual(['defender']);
    expect(failed[0]!.failures.join('\n')).toMatch(/disagrees with the reference: row .*"src_ip":"203\.0\.113\.7".* is missing/);
  });

  it('a differing value is shown as a diff of the nearest row', () => {
    const outcomes = replayCatalog(spray, { engines: [standIn((rows) => rows.map((r) => ({ ...r, attempts: 99 })))] });
    const failure = outcomes.find((o) => o.failures.length)!.failures.join('\n');
    expect(failure).toMatch(/nearest row differs in attempts: reference 15, target 99/);
  });

  it('columns the engine marks as estimates compare within 2%', () => {
    const outcomes = replayCatalog(spray, { engines: [standIn((rows) => rows.map((r) => ({ ...r, distinct_users: 13 })))] });
    // 13 vs 12 is beyond 2% of 12 (and beyond 1): a disagreement
    expect(outcomes.some((o) => o.failures.some((f) => f.includes('distinct_users')))).toBe(true);
  });

  it('an engine error is a failed test that says the query did not run', () => {
    const broken: ReplayEngine = { target: 'sentinel', run: () => { throw new Error('unsupported: mv-apply at 3:3'); } };
    const outcome = replayCatalog(spray, { engines: [broken] }).find((o) => o.target === 'sentinel')!;
    expect(outcome.failures).toEqual(['the generated query did not run: unsupported: mv-apply at 3:3']);
  });
});

describe('coverage', () => {
  it('reports each selection and having clause as seen true and false, and flags rules without a negative test', async () => {
    const { ruleCoverage } = await import('../../generators/replay/coverage.ts');
    const c = ruleCoverage(spray.rules[0]!);
    expect(c.hasNegativeTest).toBe(true);
    expect(c.items.map((i) => [i.kind, i.name, i.seenTrue > 0, i.seenFalse > 0])).toEqual([
      ['selection', 'legacy_mail_client', true, true],
      ['selection', 'success', true, true],
      ['having', 'distinct_users >= 5', true, true],
    ]);
    const onlyPositive = { ...spray.rules[0]!, tests: spray.rules[0]!.tests.slice(0, 1) };
    const partial = ruleCoverage(onlyPositive);
    expect(partial.hasNegativeTest).toBe(false);
    expect(partial.items.find((i) => i.kind === 'having')).toMatchObject({ seenTrue: 1, seenFalse: 1 });
  });
});
