// The entry accessor on every target: the generated SPL (mvzip/mvfind after a Parameters{}.Name
// prefilter) and KQL (a per-row bag built by mv-apply) run on our engines over the fixture as
// each product holds it, and must return the reference evaluator's rows — for positive and
// negated tests, every string modifier, |cased, and events whose list is empty or missing.
import { describe, expect, it } from 'vitest';
import { buildQuery } from '../../generators/ir/build.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { replayEngines } from '../../generators/replay/engines.ts';
import { compareWithReference, runGeneratedQuery } from '../../generators/replay/harness.ts';
import { parseRuleText } from '../../generators/rules/loader.ts';
import type { CompiledRule } from '../../generators/catalog.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { huntText } from '../ir/rule-text.ts';

const logsources = loadLogSources();
const macros = new Map([
  ['detc_exchange_admin_audit', 'sourcetype="o365:management:activity" Workload=Exchange RecordType=1'],
  ['detc_q_filter', 'search *'],
]);

function query(match: string, rest = 'fields: [object]\norder: [object]') {
  const parsed = parseRuleText(huntText(`match:\n${match}\n${rest}`, 'exchange_admin_audit'), 'q.yml');
  expect(parsed.diagnostics).toEqual([]);
  const built = buildQuery(parsed.rule!, logsources);
  expect(built.diagnostics).toEqual([]);
  return built.query!;
}

const NOW = Date.parse('2026-06-30T12:00:00Z');
let second = 0;
const ev = (object: string, parameters: Record<string, string> | null, extra: Record<string, unknown> = {}): CanonicalEvent =>
  ({ timestamp: Date.parse('2026-06-30T10:00:00Z') + 1000 * second++, operation: 'Set-CASMailbox', user: 'admin@contoso.com', object, parameters, result: 'True', ...extra }) as CanonicalEvent;
const EVENTS = [
  ev('a-pop-on', { Identity: 'a', PopEnabled: 'True' }),
  ev('b-pop-on-lower', { identity: 'b', popenabled: 'true' }),
  ev('c-pop-off', { Identity: 'c', PopEnabled: 'False', ImapEnabled: 'True' }),
  ev('d-imap-on', { Identity: 'd', ImapEnabled: 'True' }),
  ev('e-empty', {}),
  ev('f-missing', null),
  ev('g-odd-values', { Identity: 'x=y (1.5) [a]*?', PopEnabled: 'True\\' }),
  ev('h-legacy-tls', { AllowLegacyTLSClients: 'True' }, { operation: 'Set-TransportConfig', result: 'False' }),
];

function agree(q: ReturnType<typeof query>): string[] {
  const reference = evaluateQuery(q, EVENTS, NOW);
  const rule = { query: q } as unknown as CompiledRule; // the harness reads only the query
  for (const engine of replayEngines()) {
    const { rows, estimated } = runGeneratedQuery(engine, rule, EVENTS, NOW, macros);
    expect(compareWithReference(rows, reference, rule, estimated), `${engine.target}`).toBeUndefined();
  }
  return reference.map((r) => String(r.object));
}

describe('entry tests agree with the reference on Splunk, Defender and Sentinel', () => {
  const cases: [string, string[]][] = [
    ['parameters[PopEnabled]: "True"', ['a-pop-on', 'b-pop-on-lower']],
    ['parameters[POPENABLED]|cased: "True"', ['a-pop-on']],
    ['parameters[PopEnabled]|startswith: "t"', ['a-pop-on', 'b-pop-on-lower', 'g-odd-values']],
    ['parameters[PopEnabled]|endswith: "LSE"', ['c-pop-off']],
    ['parameters[Identity]|contains: "=y (1.5) [a]\\\\*?"', ['g-odd-values']],
    ['parameters[PopEnabled]: "T?ue"', ['a-pop-on', 'b-pop-on-lower']],
    ['parameters[PopEnabled]: ["False", "True\\\\"]', ['c-pop-off', 'g-odd-values']],
    ['parameters[ImapEnabled]|exists: true', ['c-pop-off', 'd-imap-on']],
    ['parameters[ImapEnabled]|exists: false', ['a-pop-on', 'b-pop-on-lower', 'e-empty', 'f-missing', 'g-odd-values', 'h-legacy-tls']],
  ];
  for (const [test, objects] of cases) {
    it(`${test} and its negation`, () => {
      expect(agree(query(`  sel:\n    ${test}\n  condition: sel`))).toEqual(objects);
      const all = EVENTS.map((e) => e.object as string);
      expect(agree(query(`  sel:\n    ${test}\n  condition: not sel`))).toEqual(all.filter((o) => !objects.includes(o)));
    });
  }

  it('entry tests beside other tests, in or / and / not', () => {
    expect(agree(query(`  on:\n    - parameters[PopEnabled]: "True"\n    - parameters[ImapEnabled]: "True"\n  tls:\n    operation: Set-TransportConfig\n    parameters[AllowLegacyTLSClients]: "True"\n  ok:\n    result: "True"\n  condition: (on and ok) or tls`)))
      .toEqual(['a-pop-on', 'b-pop-on-lower', 'c-pop-off', 'd-imap-on', 'h-legacy-tls']);
    expect(agree(query(`  off:\n    parameters[PopEnabled]: "False"\n  other:\n    object|startswith: "e"\n  condition: not off and not other`)))
      .toEqual(['a-pop-on', 'b-pop-on-lower', 'd-imap-on', 'f-missing', 'g-odd-values', 'h-legacy-tls']);
  });

  it('entry tests inside countif', () => {
    const q = query('  any:\n    user|exists: true\n  pop_on:\n    parameters[PopEnabled]: "True"\n  condition: any', 'summarize:\n  by: [user]\n  compute:\n    enabled: countif(pop_on)\n    n: count()');
    agree(q);
    expect(evaluateQuery(q, EVENTS, NOW)).toEqual([{ user: 'admin@contoso.com', enabled: 2, n: 8 }]);
  });
});
