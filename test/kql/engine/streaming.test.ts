// Rows given as a stream (a file being read) go through the query once, unheld: the result must
// be exactly the result on the same rows given as an array.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../generators/catalog.ts';
import { compileKql } from '../../../generators/kql/engine/index.ts';
import { projectPath } from '../../../generators/paths.ts';
import { materialize } from '../../../generators/replay/materialize.ts';
import { render } from '../../../generators/targets/index.ts';

const catalog = loadCatalog(projectPath());

function* once<T>(rows: readonly T[]): Generator<T> {
  yield* rows;
}

describe('streaming the rows of the bundled rules', () => {
  const cases = catalog.rules.flatMap((rule) => rule.tests.flatMap((test, i) => (['defender', 'sentinel'] as const).map((target) => ({ rule, test, target, name: `${rule.document.name} test ${i + 1} on ${target}` }))));

  it.each(cases)('$name: the same rows streamed as from an array', ({ rule, test, target }) => {
    const table = materialize(test.events, rule.query.logsource, target);
    const query = compileKql(render(rule.query, target).text, { [table.name]: { columns: table.columns } });
    const rows = table.rows as Record<string, unknown>[];
    expect(query.run({ [table.name]: { rows: once(rows) } }, { now: test.now })).toEqual(query.run({ [table.name]: { rows } }, { now: test.now }));
  });
});

describe('a stream is read once', () => {
  const columns = [{ name: 'User', type: 'string' }];
  const rows = [{ User: 'a' }, { User: 'b' }];

  it('a query that reads its table twice cannot take a stream, and says so', () => {
    const query = compileKql('T | join kind=inner (T) on User', { T: { columns } });
    expect(query.run({ T: { rows } }, { now: 0 }).rows).toHaveLength(2);
    expect(() => query.run({ T: { rows: once(rows) } }, { now: 0 })).toThrow(/reads table T more than once/);
  });

  it('each run reads its own stream', () => {
    const query = compileKql('T | count', { T: { columns } });
    expect(query.run({ T: { rows: once(rows) } }, { now: 0 }).rows).toEqual([{ Count: 2 }]);
    expect(query.run({ T: { rows: once(rows) } }, { now: 0 }).rows).toEqual([{ Count: 2 }]);
  });
});
