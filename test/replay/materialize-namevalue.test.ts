// namevalue fields as each product holds them, and `x{}.y` paths in Splunk events.
import { describe, expect, it } from 'vitest';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import type { LogSource, LogSourceProfile } from '../../generators/logsources/types.ts';
import { materialize } from '../../generators/replay/materialize.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { runSpl } from '../../generators/spl/engine/index.ts';

const exchange = loadLogSources().get('exchange_admin_audit')!;
const event: CanonicalEvent = {
  timestamp: Date.parse('2026-06-30T09:12:44Z'), operation: 'Set-CASMailbox', user: 'admin@contoso.com',
  parameters: { Identity: 'scanner@contoso.com', PopEnabled: 'True' }, result: 'True',
};
const list = [{ Name: 'Identity', Value: 'scanner@contoso.com' }, { Name: 'PopEnabled', Value: 'True' }];

describe('materialize: namevalue', () => {
  it('Splunk: Parameters is the nested JSON array in _raw, and KV_MODE=json\'s Parameters{}.Name / .Value beside it', () => {
    const [row] = materialize([event], exchange, 'splunk').rows;
    expect(JSON.parse(row!._raw as string).Parameters).toEqual(list);
    expect(row).toMatchObject({ 'Parameters{}.Name': ['Identity', 'PopEnabled'], 'Parameters{}.Value': ['scanner@contoso.com', 'True'] });
  });

  it('Splunk: our engine\'s own KV_MODE=json extraction of that _raw gives the same parallel fields', () => {
    const [row] = materialize([event], exchange, 'splunk').rows;
    const { rows } = runSpl('search * | table Parameters{}.Name Parameters{}.Value', [{ _time: row!._time, _raw: row!._raw, sourcetype: row!.sourcetype }], { now: Date.parse('2026-07-01T00:00:00Z') });
    expect(rows).toEqual([{ 'Parameters{}.Name': ['Identity', 'PopEnabled'], 'Parameters{}.Value': ['scanner@contoso.com', 'True'] }]);
  });

  it('Defender: RawEventData.Parameters is a dynamic array; Sentinel: Parameters is its JSON text', () => {
    expect((materialize([event], exchange, 'defender').rows[0]!.RawEventData as Record<string, unknown>).Parameters).toEqual(list);
    expect(JSON.parse(materialize([event], exchange, 'sentinel').rows[0]!.Parameters as string)).toEqual(list);
  });

  it('an empty list: [] in the record, no Splunk fields; a missing one: "" on Sentinel', () => {
    const [splunk] = materialize([{ ...event, parameters: {} }], exchange, 'splunk').rows;
    expect(JSON.parse(splunk!._raw as string).Parameters).toEqual([]);
    expect(splunk).not.toHaveProperty('Parameters{}.Name');
    expect(materialize([{ ...event, parameters: null }], exchange, 'sentinel').rows[0]!.Parameters).toBe('');
  });
});

describe('materialize: x{}.y paths', () => {
  it('a scalar field read at Targets{}.Id is the Id of the array\'s first element in _raw', () => {
    const profile = exchange.targets.splunk.profiles.get('o365_management_activity')!;
    const fields = new Map(profile.fields);
    fields.set('object', { column: 'Targets{}.Id', type: 'multivalue' });
    fields.set('user', { column: 'Targets{}.Type', type: 'multivalue' });
    const patched: LogSourceProfile = { ...profile, fields };
    const source: LogSource = { ...exchange, targets: { ...exchange.targets, splunk: { defaultProfile: patched.name, profiles: new Map([[patched.name, patched]]) } } };
    const [row] = materialize([{ ...event, object: 'scanner' }], source, 'splunk').rows;
    expect(JSON.parse(row!._raw as string).Targets).toEqual([{ Id: 'scanner', Type: 'admin@contoso.com' }]);
    expect(row).toMatchObject({ 'Targets{}.Id': 'scanner', 'Targets{}.Type': 'admin@contoso.com' });
  });
});
