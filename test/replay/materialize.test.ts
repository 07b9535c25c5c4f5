import { describe, expect, it } from 'vitest';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { loadCatalog } from '../../generators/catalog.ts';
import { projectPath } from '../../generators/paths.ts';
import { replayEngines } from '../../generators/replay/engines.ts';
import { replayMacros } from '../../generators/replay/harness.ts';
import { materialize, materializeLazily, nativeTableOf } from '../../generators/replay/materialize.ts';
import { render } from '../../generators/targets/index.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';

const entra = loadLogSources().get('entra_signin')!;
const event: CanonicalEvent = {
  timestamp: Date.parse('2026-07-01T10:02:11Z'), user: 'adele.vance@contoso.com', src_ip: '203.0.113.7',
  client_app: 'IMAP4', result_code: 50126, city: 'Ashburn', country: 'US',
};

describe('materialize', () => {
  it('Splunk: nested JSON in _raw, _time in epoch seconds, extracted dotted fields', () => {
    const [e] = materialize([event], entra, 'splunk').rows;
    expect(e).toMatchObject({ _time: 1782900131, sourcetype: 'azure:aad:signin', userPrincipalName: 'adele.vance@contoso.com', 'status.errorCode': 50126, 'location.city': 'Ashburn' });
    expect(JSON.parse(e!._raw as string)).toEqual({
      createdDateTime: '2026-07-01T10:02:11.000Z', userPrincipalName: 'adele.vance@contoso.com', ipAddress: '203.0.113.7',
      clientAppUsed: 'IMAP4', status: { errorCode: 50126 }, location: { city: 'Ashburn', countryOrRegion: 'US' },
    });
  });

  it('Sentinel: ResultType is a string, dynamic paths nest, missing strings are empty', () => {
    const [row] = materialize([event], entra, 'sentinel').rows;
    expect(row).toMatchObject({ TimeGenerated: '2026-07-01T10:02:11.000Z', ResultType: '50126', LocationDetails: { city: 'Ashburn' }, AppDisplayName: '', IsInteractive: null });
  });

  it('Defender: ErrorCode stays an int; every documented column is present', () => {
    const table = materialize([event], entra, 'defender');
    expect(table.name).toBe('EntraIdSignInEvents');
    expect(table.rows[0]).toMatchObject({ Timestamp: '2026-07-01T10:02:11.000Z', ErrorCode: 50126, AccountUpn: 'adele.vance@contoso.com' });
    expect(Object.keys(table.rows[0]!).sort()).toEqual(table.columns.map((c) => c.name).sort());
  });

  it('Defender: dynamic paths into a string column (AdditionalFields) become its JSON text; other string columns stay empty', () => {
    const tls = loadLogSources().get('tls_session')!;
    const handshake: CanonicalEvent = { timestamp: Date.parse('2026-07-06T02:15:00Z'), src_ip: '192.0.2.12', dest_ip: '203.0.113.11', dest_port: 993, server_name: 'imap.example', tls_version: 'TLSv10', established: false, device: 'archiver.contoso.com' };
    const table = materialize([handshake, { ...handshake, server_name: null, tls_version: null, established: null }], tls, 'defender');
    const [row, bare] = table.rows;
    expect(JSON.parse(row!.AdditionalFields as string)).toEqual({ server_name: 'imap.example', version: 'TLSv10', established: false });
    expect(bare!.AdditionalFields).toBe('');
    const strings = table.columns.filter((c) => c.type === 'string' && c.name !== 'AdditionalFields');
    expect(strings.length).toBeGreaterThan(5);
    for (const c of strings) expect(typeof row![c.name], c.name).toBe('string');
    // The table is made once per profile, and is not to be changed by its readers.
    expect(materialize([], tls, 'defender').columns).toBe(table.columns);
    expect(Object.isFrozen(table.columns)).toBe(true);
  });
});

describe('materializeLazily with the columns a KQL query reads', () => {
  it('makes rows of those columns only, each value what the whole row holds', () => {
    const tls = loadLogSources().get('tls_session')!;
    const handshake: CanonicalEvent = { timestamp: Date.parse('2026-07-06T02:15:00Z'), src_ip: '192.0.2.12', dest_ip: '203.0.113.11', dest_port: 993, server_name: 'imap.example', tls_version: 'TLSv10', established: false, device: 'archiver.contoso.com' };
    for (const [source, e, target, columns] of [[entra, event, 'sentinel', ['TimeGenerated', 'LocationDetails', 'ResultType', 'AppDisplayName']], [tls, handshake, 'defender', ['Timestamp', 'AdditionalFields', 'RemotePort']]] as const) {
      const only = new Set<string>(columns);
      const [whole] = materialize([e], source, target).rows;
      const [row] = [...materializeLazily([e], source, target, undefined, only).rows];
      expect(Object.keys(row!).sort(), target).toEqual([...only].sort());
      for (const c of only) expect(row![c], `${target} ${c}`).toEqual(whole![c]);
    }
  });

  it('gives every shipped rule test the rows whole rows give, on Defender and Sentinel', () => {
    const catalog = loadCatalog(projectPath());
    const macros = replayMacros(catalog);
    let compared = 0;
    for (const engine of replayEngines().filter((e) => e.target !== 'splunk')) {
      for (const rule of catalog.rules) {
        const rendered = render(rule.query, engine.target);
        const only = engine.inputColumns!(rendered, nativeTableOf(rule.query.logsource, engine.target));
        for (const test of rule.tests) {
          const full = engine.run(rendered, materialize(test.events, rule.query.logsource, engine.target), { now: test.now, macros });
          const some = engine.run(rendered, materializeLazily(test.events, rule.query.logsource, engine.target, undefined, only), { now: test.now, macros });
          expect(some.rows, `${rule.document.name} ${test.name} on ${engine.target}`).toEqual(full.rows);
          if (only && full.rows.length) compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10); // queries that read some columns only, and return rows
  });
});
