// A reader of JSON Lines may drop, unparsed, the lines the query's raw pre-filter rejects: that
// must never change the result.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../generators/catalog.ts';
import { compileKql } from '../../../generators/kql/engine/index.ts';
import { projectPath } from '../../../generators/paths.ts';
import { materialize } from '../../../generators/replay/materialize.ts';
import { render } from '../../../generators/targets/index.ts';

const catalog = loadCatalog(projectPath());

/** Rows as JSON Lines text, the ones the pre-filter keeps parsed back. */
const filtered = (rows: readonly Record<string, unknown>[], keep: ((line: string) => boolean) | null) =>
  rows.map((r) => JSON.stringify(r)).filter((line) => keep === null || keep(line)).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the raw pre-filter on the bundled rules', () => {
  const cases = catalog.rules.flatMap((rule) => rule.tests.flatMap((test, i) => (['defender', 'sentinel'] as const).map((target) => ({ rule, test, target, name: `${rule.document.name} test ${i + 1} on ${target}` }))));

  it.each(cases)('$name: the same rows from the lines it keeps', ({ rule, test, target }) => {
    const table = materialize(test.events, rule.query.logsource, target);
    const query = compileKql(render(rule.query, target).text, { [table.name]: { columns: table.columns } });
    const rows = JSON.parse(JSON.stringify(table.rows)) as Record<string, unknown>[];
    const keep = query.rawPrefilter(table.name);
    expect(query.run({ [table.name]: { rows: filtered(rows, keep) } }, { now: test.now })).toEqual(query.run({ [table.name]: { rows } }, { now: test.now }));
  });

  it('the spray rule has one', () => {
    const rule = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
    const table = materialize(rule.tests[0]!.events, rule.query.logsource, 'sentinel');
    expect(compileKql(render(rule.query, 'sentinel').text, { [table.name]: { columns: table.columns } }).rawPrefilter(table.name)).not.toBeNull();
  });
});

describe('what the pre-filter keeps', () => {
  const columns = [{ name: 'App', type: 'string' }, { name: 'Code', type: 'string' }, { name: 'N', type: 'long' }];
  const prefilter = (query: string) => compileKql(query, { T: { columns } }).rawPrefilter('T');
  const rows = [
    { App: 'IMAP4', Code: '1' }, { App: 'imap4', Code: '0' }, { App: 'Browser', Code: '1' }, { App: '\u212Aafka', Code: '1' },
    { App: 'kafka', Code: '1' }, { App: 'IMAP\u00e44', Code: '1' }, { App: 'Exchange ActiveSync', Code: '1', N: 3 }, { Code: '1' },
  ];

  it.each([
    'T | where App in~ ("imap4", "exchange activesync") and Code != "0"',
    'T | where App in ("IMAP4") | count',
    'T | where App =~ "KAFKA"',
    'T | where (App == "Browser" and Code == "1") or App == "kafka"',
    'T | where App =~ "imap4" and N > 1',
  ])('%s: as many rows from the kept lines as from all', (query) => {
    const q = compileKql(query, { T: { columns } });
    expect(q.run({ T: { rows: filtered(rows, q.rawPrefilter('T')) } }, { now: 0 })).toEqual(q.run({ T: { rows } }, { now: 0 }));
  });

  it('drops lines without any value a condition needs; keeps lines with escapes or K/İ', () => {
    const keep = prefilter('T | where App in~ ("imap4", "pop3")')!;
    expect(keep('{"App":"Browser"}')).toBe(false);
    expect(keep('{"App":"IMAP4"}')).toBe(true);
    expect(keep('{"App":"\\u0049MAP4"}')).toBe(true);
    expect(keep('{"App":"\u212Aafka"}')).toBe(true);
  });

  it('gives none when a condition could hold without its text in the line, or the table is read twice', () => {
    expect(prefilter('T | where App != "imap4"')).toBeNull();
    expect(prefilter('T | where App == "1"')).toBeNull();
    expect(prefilter('T | where App has "imap"')).toBeNull();
    expect(prefilter('T | where App == "imap4" or Code == "x"')).toBeNull();
    expect(prefilter('T | extend X = 1 | where App == "imap4"')).toBeNull();
    expect(prefilter('T | where App == "imap4" | join kind=inner (T) on App')).toBeNull();
    expect(prefilter('let x = 1; T | where App == "imap4"')).toBeNull();
  });
});
