// Every generated Defender and Sentinel query of the content, run as TEXT by the KQL engine on
// rows derived from the content's fixtures, returns what the reference evaluator returns.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../generators/paths.ts';
import { runKql } from '../../generators/kql/engine/index.ts';
import type { ReplayEngine } from '../../generators/replay/engine.ts';
import { checkExpectations } from '../../generators/replay/expectations.ts';
import { replayCatalog } from '../../generators/replay/harness.ts';
import { materialize } from '../../generators/replay/materialize.ts';
import { loadFixtureFile } from '../../generators/rules/fixtures.ts';
import { catalog, compare, compiledQuery, KQL_TARGETS, nativeRows } from './content-support.ts';

describe('content conformance: generated KQL replayed by the engine', () => {
  it('the content has rules to replay', () => {
    expect(catalog.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(catalog.rules.length).toBeGreaterThan(0);
  });

  for (const rule of catalog.rules) {
    for (const target of KQL_TARGETS) {
      describe(`${rule.document.name} on ${target}`, () => {
        it('compiles: nothing in the generated text is outside the engine', () => {
          expect(() => compiledQuery(rule, target)).not.toThrow();
        });

        for (const test of rule.tests) {
          it(`test "${test.name}": agrees with the reference and meets the expectations`, () => {
            const { target: rows, disagreement } = compare(rule, target, test.events, test.now);
            expect(disagreement).toBeUndefined();
            expect(checkExpectations(test.expect, rows).map((f) => f.message)).toEqual([]);
          });
        }

        // Beyond the rule's own tests: every fixture of its log source, at the end of the data
        // and at each test's pinned time.
        const dir = projectPath('samples', rule.query.logsource.name);
        const fixtures = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
        for (const file of fixtures) {
          it(`fixture ${file}: agrees with the reference at every pinned time`, () => {
            const { events } = loadFixtureFile(join(dir, file), file, rule.query.logsource);
            const latest = Math.max(...events.map((e) => e.timestamp as number));
            const nows = [...new Set([latest + 1000, ...rule.tests.map((t) => t.now)])];
            for (const now of nows) {
              const { disagreement } = compare(rule, target, events, now);
              expect(disagreement, `${file} at ${new Date(now).toISOString()}`).toBeUndefined();
            }
          });
        }
      });
    }
  }

  // The engine plugged into the replay harness as generators/replay/engines.ts would plug it:
  // every rule test, on both KQL targets, passes the harness's own checks.
  it('as a replay engine, every rule test passes on Defender and Sentinel', () => {
    const engines: ReplayEngine[] = KQL_TARGETS.map((target) => ({
      target,
      run: (rendered, table, context) => runKql(rendered.text, { [table.name]: { ...table, rows: [...table.rows] } }, { now: context.now }),
    }));
    const outcomes = replayCatalog(catalog, { engines });
    expect(outcomes.filter((o) => o.target !== 'reference')).toHaveLength(2 * catalog.rules.reduce((n, r) => n + r.tests.length, 0));
    expect(outcomes.filter((o) => o.failures.length).map((o) => `${o.rule.document.name} / ${o.target} / ${o.test.name}: ${o.failures.join('; ')}`)).toEqual([]);
  });

  it('the test-local conversion and the harness\'s materialize() give the same native rows', () => {
    for (const rule of catalog.rules) {
      for (const test of rule.tests) {
        for (const target of KQL_TARGETS) {
          expect(materialize(test.events, rule.query.logsource, target).rows).toEqual(nativeRows(test.events, rule.query.logsource, target));
        }
      }
    }
  });
});
