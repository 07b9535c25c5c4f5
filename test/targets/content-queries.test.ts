// The generated queries of the bundled content, checked for what a senior engineer expects
// of them: valid against the real table schemas, filters first, the right comparisons.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { kqlSemanticDiagnostics, type KqlTableSchema } from '../../generators/kql/language-service.ts';
import { profileOf } from '../../generators/logsources/loader.ts';
import { projectPath } from '../../generators/paths.ts';
import { render } from '../../generators/targets/index.ts';

const catalog = loadCatalog(projectPath());
const rule = (name: string) => catalog.rules.find((r) => r.document.name === name)!;

function tableOf(logsource: string, target: 'defender' | 'sentinel', profile?: string): KqlTableSchema {
  const p = profileOf(catalog.logsources.get(logsource)!, target, profile);
  return { name: p.table!, columns: [...p.columns].map(([name, type]) => ({ name, type })) };
}

describe('the content', () => {
  it('loads with no diagnostics', () => {
    expect(catalog.diagnostics).toEqual([]);
    expect(catalog.rules.map((r) => r.document.name).sort()).toEqual([
      'legacy-auth-app-inventory', 'legacy-auth-credential-stuffing', 'legacy-auth-inventory', 'legacy-auth-success-after-spray',
      'legacy-mail-tls-handshake-failures', 'legacy-pop-imap-endpoint-use', 'legacy-tls-or-protocol-reenabled',
      'legacy-tls-pop-imap-clients', 'pop-imap-password-spray',
    ]);
  });

  // Every KQL profile of every rule's log source (both Defender sign-in tables, for instance):
  // the generated query must bind against each one's documented columns.
  for (const target of ['defender', 'sentinel'] as const) {
    it(`every rule's ${target} query, on every profile of its log source, has zero Kusto diagnostics against the documented schema`, () => {
      let checked = 0;
      for (const r of catalog.rules) {
        const source = catalog.logsources.get(r.document.logsource)!;
        for (const profile of source.targets[target].profiles.keys()) {
          const text = render(r.query, target, profile).text;
          expect(kqlSemanticDiagnostics(text, [tableOf(source.name, target, profile)]), `${r.document.name} (${profile}):\n${text}`).toEqual([]);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(catalog.rules.length);
    });
  }
});

describe('pop-imap-password-spray', () => {
  const spray = rule('pop-imap-password-spray');

  it('Defender: filters first, compares case-insensitively, groups by 1-hour bins', () => {
    const text = render(spray.query, 'defender').text;
    const lines = text.split('\n');
    expect(lines[0]).toBe('EntraIdSignInEvents');
    expect(lines[1]).toMatch(/^\| where Timestamp >= ago\(1h\)$/);
    expect(text).toContain('ClientAppUsed in~ ("POP3", "IMAP4", "Exchange ActiveSync")');
    expect(text).toContain('ErrorCode != 0');
    expect(text).toMatch(/\n\| summarize\n(    \w+ = [^\n]+\n)+    by IPAddress, window = bin\(Timestamp, 1h\)/);
    expect(text.indexOf('| where')).toBeLessThan(text.indexOf('| summarize'));
    // The Defender tables have no ResultType, IsLegacyAuth or AppDisplayName.
    expect(text).not.toMatch(/ResultType|IsLegacyAuth|AppDisplayName/);
  });

  it('Sentinel: compares the string ResultType as a string', () => {
    const text = render(spray.query, 'sentinel').text;
    expect(text.split('\n')[0]).toBe('SigninLogs');
    expect(text).toContain('ResultType != "0"');
    expect(text).not.toMatch(/ResultType\s*(==|!=|>|<)\s*\d/);
    expect(text).toContain('bin(TimeGenerated, 1h)');
  });

  it('Splunk: starts from the log-source macro, filters in the base search, bins _time before stats by _time', () => {
    const text = render(spray.query, 'splunk').text;
    const lines = text.split('\n');
    expect(lines[0]).toBe('`detc_entra_signin` earliest=-1h clientAppUsed IN ("POP3", "IMAP4", "Exchange ActiveSync") status.errorCode!=0 ipAddress!=""');
    expect(text).not.toContain('| where client');
    const bin = lines.findIndex((l) => l === '| bin _time span=1h');
    const stats = lines.findIndex((l) => l.startsWith('| stats') && / BY _time ipAddress$/.test(l));
    expect(bin).toBeGreaterThan(0);
    expect(stats).toBe(bin + 1);
    expect(text).toContain('| where distinct_users>=5');
  });
});

describe('legacy-auth-inventory', () => {
  it('keeps every legacy client value in one IN / in~ list', () => {
    const inventory = rule('legacy-auth-inventory');
    expect(render(inventory.query, 'splunk').text).toMatch(/clientAppUsed IN \("IMAP4", "POP3", "Authenticated SMTP", .*"Other clients"\)/);
    expect(render(inventory.query, 'defender').text).toMatch(/ClientAppUsed in~ \("IMAP4", "POP3", .*"Other clients"\)/);
  });
});

describe('legacy-tls-pop-imap-clients', () => {
  // Defender's DeviceNetworkEvents page types AdditionalFields as string (JSON text), the Azure
  // Monitor page for Sentinel as dynamic. parse_json parses text and returns a dynamic value as it
  // is, so the Defender read is right for either type.
  // https://learn.microsoft.com/defender-xdr/advanced-hunting-devicenetworkevents-table
  // https://learn.microsoft.com/azure/azure-monitor/reference/tables/devicenetworkevents
  // https://learn.microsoft.com/kusto/query/parse-json-function
  const tls = rule('legacy-tls-pop-imap-clients');

  it('Defender parses the AdditionalFields text once per row (extend) and reads the TLS details from that column', () => {
    const text = render(tls.query, 'defender').text;
    expect(text.match(/parse_json\(AdditionalFields\)/g)).toEqual(['parse_json(AdditionalFields)']);
    expect(text).toContain('| extend _AdditionalFields = parse_json(AdditionalFields)\n');
    expect(text).toContain('tostring(_AdditionalFields.version)');
    // The slice's own test stays on the table, before the parse.
    expect(text.indexOf('ActionType == "SslConnectionInspected"')).toBeLessThan(text.indexOf('| extend _AdditionalFields'));
    expect(kqlSemanticDiagnostics(text, [tableOf('tls_session', 'defender')])).toEqual([]);
  });

  it('Sentinel reads the dynamic column directly', () => {
    const text = render(tls.query, 'sentinel').text;
    expect(text).toContain('tostring(AdditionalFields.version)');
    expect(text).not.toContain('parse_json');
  });
});
