// `field[Name]`: one named entry of a namevalue field (README, "The rule format"). Names match
// case-insensitively (PowerShell parameter names are); the value is a string and is compared as
// every string is: case-insensitively unless |cased. A missing entry is a missing value.
import { describe, expect, it } from 'vitest';
import { buildQuery } from '../../generators/ir/build.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { parseRuleText } from '../../generators/rules/loader.ts';
import { checkEvent, type CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { huntText } from './rule-text.ts';

const logsources = loadLogSources();
const exchange = logsources.get('exchange_admin_audit')!;

const ruleText = (match: string, rest = 'fields: [object]', logsource = 'exchange_admin_audit'): string => huntText(`match:\n${match}\n${rest}`, logsource);

function build(match: string, rest?: string, logsource?: string) {
  const parsed = parseRuleText(ruleText(match, rest, logsource), 'q.yml');
  if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics };
  return buildQuery(parsed.rule!, logsources);
}

const NOW = Date.parse('2026-06-30T12:00:00Z');
const ev = (object: string, parameters: Record<string, string> | null): CanonicalEvent =>
  ({ timestamp: Date.parse('2026-06-30T10:00:00Z'), operation: 'Set-CASMailbox', user: 'admin@contoso.com', object, parameters }) as CanonicalEvent;
const EVENTS = [
  ev('pop-on', { Identity: 'a', PopEnabled: 'True' }),
  ev('pop-on-lower', { identity: 'b', popenabled: 'true' }),
  ev('pop-off', { Identity: 'c', PopEnabled: 'False' }),
  ev('imap-on', { Identity: 'd', ImapEnabled: 'True' }),
  ev('empty', {}),
  ev('missing', null),
];
const objects = (match: string) => {
  const built = build(match);
  expect(built.diagnostics).toEqual([]);
  return evaluateQuery(built.query!, EVENTS, NOW).map((r) => r.object);
};

describe('the entry accessor in the IR', () => {
  it('builds an entry test wrapping the value test', () => {
    const built = build('  sel:\n    parameters[PopEnabled]: "True"\n  condition: sel');
    expect(built.query!.filter).toEqual({ kind: 'entry', field: 'parameters', name: 'PopEnabled', test: { kind: 'string', field: 'parameters', op: 'eq', value: 'True', cased: false } });
  });

  it('names match in any case; values case-insensitively unless |cased', () => {
    expect(objects('  sel:\n    parameters[popenabled]: "TRUE"\n  condition: sel')).toEqual(['pop-on', 'pop-on-lower']);
    expect(objects('  sel:\n    parameters[PopEnabled]|cased: "True"\n  condition: sel')).toEqual(['pop-on']);
  });

  it('contains, startswith, endswith and wildcards test the value', () => {
    expect(objects('  sel:\n    parameters[PopEnabled]|startswith: "tr"\n  condition: sel')).toEqual(['pop-on', 'pop-on-lower']);
    expect(objects('  sel:\n    parameters[PopEnabled]|endswith: "SE"\n  condition: sel')).toEqual(['pop-off']);
    expect(objects('  sel:\n    parameters[PopEnabled]|contains: "ru"\n  condition: sel')).toEqual(['pop-on', 'pop-on-lower']);
    expect(objects('  sel:\n    parameters[PopEnabled]: "F*e"\n  condition: sel')).toEqual(['pop-off']);
  });

  it('a missing entry (or field) satisfies no positive test, so its negation holds', () => {
    expect(objects('  sel:\n    parameters[PopEnabled]: "True"\n  condition: not sel')).toEqual(['pop-off', 'imap-on', 'empty', 'missing']);
    expect(objects('  sel:\n    parameters[PopEnabled]|exists: true\n  condition: sel')).toEqual(['pop-on', 'pop-on-lower', 'pop-off']);
    expect(objects('  sel:\n    parameters[PopEnabled]|exists: false\n  condition: sel')).toEqual(['imap-on', 'empty', 'missing']);
  });

  it('a list is any of the values; |all every one', () => {
    expect(objects('  sel:\n    parameters[PopEnabled]: ["True", "False"]\n  condition: sel')).toEqual(['pop-on', 'pop-on-lower', 'pop-off']);
    expect(objects('  sel:\n    parameters[PopEnabled]|contains|all: ["t", "e"]\n  condition: sel')).toEqual(['pop-on', 'pop-on-lower']);
  });
});

describe('errors at the rule\'s line', () => {
  const messages = (match: string, rest?: string, logsource?: string) => build(match, rest, logsource).diagnostics.map((d) => `${d.line}: ${d.message}`);

  it('the accessor on a field that is not namevalue', () => {
    expect(messages('  sel:\n    operation[PopEnabled]: "True"\n  condition: sel')).toEqual([
      "14: 'operation[PopEnabled]' reads one entry of a name/value list; 'operation' is string, not namevalue",
    ]);
    expect(messages('  sel:\n    user[x]: "a"\n  condition: sel', 'fields: [user]', 'entra_signin')[0]).toMatch(/^14: 'user\[x\]' reads one entry of a name\/value list; 'user' is string/);
  });

  it('a namevalue field tested or shown without an entry name', () => {
    expect(messages('  sel:\n    parameters|contains: PopEnabled\n  condition: sel')).toEqual([
      `14: 'parameters' is a name/value list: test one entry by its name, e.g. 'parameters[PopEnabled]: "True"'`,
    ]);
    expect(messages('  sel:\n    parameters[PopEnabled]: "True"\n  condition: sel', 'fields: [object, parameters]')[0]).toMatch(/^16: 'parameters' is a name\/value list and cannot be an output column/);
  });

  it('modifiers and values that do not fit a string entry', () => {
    expect(messages('  sel:\n    parameters[PopEnabled]|re: "^T"\n  condition: sel')[0]).toMatch(/^14: '\|re' does not apply to an entry of 'parameters'/);
    expect(messages('  sel:\n    parameters[PopEnabled]|gt: 1\n  condition: sel')[0]).toMatch(/^14: '\|gt' does not apply to an entry/);
    expect(messages('  sel:\n    parameters[PopEnabled]: true\n  condition: sel')).toEqual([`14: the values of 'parameters' entries are strings: write "True" in quotes`]);
  });

  it('the schema refuses an entry name that is not a parameter name', () => {
    expect(messages('  sel:\n    parameters[Pop Enabled]: "True"\n  condition: sel').join('\n')).toMatch(/^14: .*parameters\[Pop Enabled\]/);
  });
});

describe('namevalue fixtures', () => {
  const check = (value: unknown) => {
    const problems: string[] = [];
    const event = checkEvent({ timestamp: '2026-06-30T10:00:00Z', operation: 'Set-CASMailbox', user: 'a', parameters: value }, exchange, (m) => problems.push(m));
    return event ? event.parameters : problems;
  };

  it('are an object of names and string values, or the audit record\'s list (or its JSON text)', () => {
    expect(check({ PopEnabled: 'True' })).toEqual({ PopEnabled: 'True' });
    expect(check([{ Name: 'PopEnabled', Value: 'True' }])).toEqual({ PopEnabled: 'True' });
    expect(check('[{"Name":"PopEnabled","Value":"True"}]')).toEqual({ PopEnabled: 'True' });
  });

  it('refuse non-string values and names repeated in another case', () => {
    expect(check({ PopEnabled: true })).toEqual([`'parameters' is namevalue: the value of 'PopEnabled' must be a string, not {"PopEnabled":true}`]);
    expect(check({ PopEnabled: 'True', popenabled: 'False' })).toEqual([`'parameters' is namevalue: 'popenabled' appears twice (names are case-insensitive), not {"PopEnabled":"True","popenabled":"False"}`]);
    expect(check('PopEnabled=True')).toHaveLength(1);
  });
});
