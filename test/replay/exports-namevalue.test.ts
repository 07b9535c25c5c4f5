// Exports in each product's shape give the namevalue field back as canonical entries.
import { describe, expect, it } from 'vitest';
import { loadLogSources, profileOf } from '../../generators/logsources/loader.ts';
import { toCanonicalEvent } from '../../generators/replay/exports.ts';
import { checkEvent } from '../../generators/rules/fixtures.ts';

const exchange = loadLogSources().get('exchange_admin_audit')!;
const canonical = (record: Record<string, unknown>, target: 'splunk' | 'defender' | 'sentinel') => {
  const problems: string[] = [];
  const event = checkEvent(toCanonicalEvent(record, { kind: 'native', target, profile: profileOf(exchange, target) }, exchange), exchange, (m) => problems.push(m));
  expect(problems).toEqual([]);
  return event!.parameters;
};
const want = { Identity: 'a@contoso.com', PopEnabled: 'True' };
const list = [{ Name: 'Identity', Value: 'a@contoso.com' }, { Name: 'PopEnabled', Value: 'True' }];
const common = { Operation: 'Set-CASMailbox', UserId: 'admin@contoso.com' };

describe('namevalue fields from exports', () => {
  it('Splunk results: the parallel Parameters{}.Name / Parameters{}.Value fields', () => {
    expect(canonical({ _time: '2026-06-30T10:00:00Z', ...common, 'Parameters{}.Name': ['Identity', 'PopEnabled'], 'Parameters{}.Value': ['a@contoso.com', 'True'] }, 'splunk')).toEqual(want);
  });

  it('Splunk CSV exports: each multivalue cell holds its values on separate lines', () => {
    expect(canonical({ _time: '2026-06-30T10:00:00Z', ...common, 'Parameters{}.Name': 'Identity\nPopEnabled', 'Parameters{}.Value': 'a@contoso.com\nTrue' }, 'splunk')).toEqual(want);
  });

  it('Splunk raw records: the Parameters array', () => {
    expect(canonical({ CreationTime: '2026-06-30T10:00:00', ...common, Parameters: list }, 'splunk')).toEqual(want);
  });

  it('Defender: RawEventData.Parameters; Sentinel: Parameters as JSON text', () => {
    expect(canonical({ Timestamp: '2026-06-30T10:00:00Z', ActionType: 'Set-CASMailbox', RawEventData: JSON.stringify({ UserId: 'admin@contoso.com', Parameters: list }) }, 'defender')).toEqual(want);
    expect(canonical({ TimeGenerated: '2026-06-30T10:00:00Z', ...common, Parameters: JSON.stringify(list) }, 'sentinel')).toEqual(want);
  });
});
