// The harness catches a renderer that picked the wrong construct: rendering KQL's
// case-insensitive `in~` / `=~` as the case-sensitive `in` / `==` changes which rows match
// when the data's case differs from the rule's, and `detc test` must say so, naming the
// target and the row. (Kusto: `==` is case-sensitive, `=~` is not —
// https://learn.microsoft.com/en-us/kusto/query/datatypes-string-operators)
import { describe, expect, it } from 'vitest';
import { loadCatalog, type Catalog } from '../../generators/catalog.ts';
import { projectPath } from '../../generators/paths.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import type { ReplayEngine } from '../../generators/replay/engine.ts';
import { replayEngines } from '../../generators/replay/engines.ts';
import { replayCatalog } from '../../generators/replay/harness.ts';

const content = loadCatalog(projectPath());

/** The spray rule's tests, with the client names in lower case as some exports write them. */
const lowerCased: Catalog = {
  ...content,
  rules: content.rules.filter((r) => r.document.name === 'pop-imap-password-spray').map((rule) => ({
    ...rule,
    tests: rule.tests.map((t) => ({ ...t, events: t.events.map((e): CanonicalEvent => (typeof e.client_app === 'string' ? { ...e, client_app: e.client_app.toLowerCase() } : e)) })),
  })),
};

const engines = replayEngines();
const defender = engines.find((e) => e.target === 'defender')!;
const caseSensitiveDefender: ReplayEngine = {
  target: 'defender',
  run: (query, table, context) => defender.run({ ...query, text: query.text.replace(/ in~ \(/g, ' in (').replace(/ =~ /g, ' == ') }, table, context),
};

describe('a broken renderer is caught by replay', () => {
  it('the real renderers agree with the reference on lower-cased data, on every target', () => {
    const failed = replayCatalog(lowerCased, { engines }).filter((o) => o.failures.length);
    expect(failed.map((o) => `${o.target}: ${o.failures.join('; ')}`)).toEqual([]);
  });

  it('rendering =~ as == fails the test, naming the target and the missing row', () => {
    const failed = replayCatalog(lowerCased, { engines: [caseSensitiveDefender] }).filter((o) => o.failures.length);
    expect(failed.map((o) => o.target)).toEqual(['defender']);
    expect(failed[0]!.test.name).toMatch(/one IP spraying twelve mailboxes/);
    expect(failed[0]!.failures.join('\n')).toMatch(/disagrees with the reference: row \{"src_ip":"203\.0\.113\.7","window":"2026-07-01T10:00:00\.000Z","distinct_users":12.* is missing/);
  });
});
