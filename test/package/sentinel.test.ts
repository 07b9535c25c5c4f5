// Microsoft Sentinel: analytic rules and hunting queries in the Azure-Sentinel repository's
// YAML format (the fields its analytic-rule template and validation require), read back with a
// YAML parser; the ARM template deploying every analytic rule; entity mappings that name
// columns the query really returns (Kusto's own analysis).
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runKql } from '../../generators/kql/engine/index.ts';
import { kqlTablesFor } from '../../generators/kql/validate.ts';
import { TACTICS, tacticPascalCase } from '../../generators/package/attack.ts';
import { kqlOutputColumns } from '../../generators/package/defender.ts';
import { packageContent, PackageProblems, type PackagedRule } from '../../generators/package/model.ts';
import { ALERT_RULES_API_VERSION, isoDuration } from '../../generators/package/sentinel.ts';
import { DETC_VERSION } from '../../generators/package/version.ts';
import { yamlBlock, yamlScalar } from '../../generators/package/yaml-text.ts';
import { materialize } from '../../generators/replay/materialize.ts';
import { bundled, file } from './support.ts';

const { catalog, files } = bundled();
const content = packageContent(catalog.rules, DETC_VERSION, new PackageProblems());
const tables = kqlTablesFor(catalog.logsources.values(), 'sentinel');
const TACTIC_NAMES = TACTICS.map(tacticPascalCase);
const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'];
const ENTITY_TYPES = ['Account', 'Host', 'IP', 'URL', 'Mailbox', 'CloudApplication', 'FileHash', 'Process', 'File', 'AzureResource', 'DNS', 'RegistryKey', 'RegistryValue', 'SecurityGroup', 'MailCluster', 'MailMessage', 'SubmissionMail', 'Malware', 'IoTDevice'];

const sentinelTable = (rule: PackagedRule) => rule.logsource.targets.sentinel.profiles.get(rule.logsource.targets.sentinel.defaultProfile)!.table!;

type Yaml = Record<string, unknown> & { entityMappings?: Array<{ entityType: string; fieldMappings: Array<{ identifier: string; columnName: string }> }> };

describe('analytic rules (detections)', () => {
  for (const rule of content.rules.filter((r) => r.doc.kind === 'detection')) {
    it(`${rule.doc.name}: every field of the repository format, with the rule's values`, () => {
      const y = parse(file(`sentinel/analytic-rules/${rule.doc.name}.yaml`)) as Yaml;
      // entityMappings only when the output has an entity column (see the next test).
      expect(Object.keys(y).filter((k) => k !== 'entityMappings')).toEqual(['id', 'name', 'description', 'severity', 'requiredDataConnectors', 'queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold', 'tactics', 'relevantTechniques', 'query', 'eventGroupingSettings', 'version', 'kind']);
      expect(y).toMatchObject({
        id: rule.doc.id,
        name: rule.doc.title,
        description: `${rule.doc.description.trim()}\n`,
        queryFrequency: rule.doc.schedule,
        queryPeriod: rule.doc.lookback,
        triggerOperator: 'gt',
        triggerThreshold: 0,
        relevantTechniques: rule.doc.attack,
        query: `${rule.queries.sentinel.text}\n`,
        version: `${rule.doc.version}.0.0`,
        kind: 'Scheduled',
      });
      expect(SEVERITIES).toContain(y.severity);
      expect(y.requiredDataConnectors).toEqual([{ connectorId: expect.stringMatching(/^\w+$/), dataTypes: [sentinelTable(rule)] }]);
      expect((y.tactics as string[]).every((t) => TACTIC_NAMES.includes(t))).toBe(true);
      expect(y.tactics).toEqual(rule.tactics.map(tacticPascalCase));
    });

    it(`${rule.doc.name}: entity mappings name columns the query returns`, () => {
      const y = parse(file(`sentinel/analytic-rules/${rule.doc.name}.yaml`)) as Yaml;
      const columns = kqlOutputColumns(rule.queries.sentinel.text, tables);
      for (const m of y.entityMappings ?? []) {
        expect(ENTITY_TYPES).toContain(m.entityType);
        for (const f of m.fieldMappings) expect(columns).toContain(f.columnName);
      }
    });
  }

  it('sign-in rules name the Entra ID connector; the spray detection maps its source IP', () => {
    expect((parse(file('sentinel/analytic-rules/pop-imap-password-spray.yaml')) as Yaml).requiredDataConnectors).toEqual([{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }]);
    const y = parse(file('sentinel/analytic-rules/pop-imap-password-spray.yaml')) as Yaml;
    expect(y.entityMappings).toEqual([{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }] }]);
  });
});

/**
 * The identifiers each entity type takes, and the sets of which one must be mapped: the Azure-Sentinel
 * repository's validation (.script/tests/detectionTemplateSchemaValidation/Models/EntityMappingIdentifiers.cs,
 * https://github.com/Azure/Azure-Sentinel/blob/master/.script/tests/detectionTemplateSchemaValidation/Models/EntityMappingIdentifiers.cs),
 * for the entity types a detc rule can map.
 */
const IDENTIFIERS: Record<string, { identifiers: string[]; required: string[][] }> = {
  Account: { identifiers: ['Name', 'FullName', 'NTDomain', 'DnsDomain', 'UPNSuffix', 'Sid', 'AadTenantId', 'AadUserId', 'PUID', 'IsDomainJoined', 'DisplayName', 'ObjectGuid'], required: [['FullName'], ['Sid'], ['Name'], ['AadUserId'], ['PUID'], ['ObjectGuid']] },
  Host: { identifiers: ['DnsDomain', 'NTDomain', 'HostName', 'FullName', 'NetBiosName', 'AzureID', 'OMSAgentID', 'OSFamily', 'OSVersion', 'IsDomainJoined'], required: [['FullName'], ['HostName'], ['NetBiosName'], ['AzureID'], ['OMSAgentID']] },
  IP: { identifiers: ['Address'], required: [['Address']] },
  URL: { identifiers: ['Url'], required: [['Url']] },
  Mailbox: { identifiers: ['MailboxPrimaryAddress', 'DisplayName', 'Upn', 'ExternalDirectoryObjectId', 'RiskLevel'], required: [['MailboxPrimaryAddress']] },
  CloudApplication: { identifiers: ['AppId', 'Name', 'InstanceName'], required: [['AppId'], ['Name']] },
};

describe('analytic rules pass the Azure-Sentinel repository validation', () => {
  const detections = content.rules.filter((r) => r.doc.kind === 'detection');

  it('ids are GUIDs, every detection maps at least one entity, with identifiers valid for its type', () => {
    for (const rule of detections) {
      const y = parse(file(`sentinel/analytic-rules/${rule.doc.name}.yaml`)) as Yaml;
      expect(String(y.id), rule.doc.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
      expect(y.entityMappings?.length, rule.doc.name).toBeGreaterThan(0);
      for (const m of y.entityMappings ?? []) {
        const allowed = IDENTIFIERS[m.entityType];
        expect(allowed, `${rule.doc.name}: ${m.entityType}`).toBeDefined();
        const identifiers = m.fieldMappings.map((f) => f.identifier);
        for (const identifier of identifiers) expect(allowed!.identifiers, `${rule.doc.name}: ${m.entityType}.${identifier}`).toContain(identifier);
        expect(allowed!.required.some((set) => set.every((i) => identifiers.includes(i))), `${rule.doc.name}: ${m.entityType} lacks a required identifier`).toBe(true);
        expect(new Set(identifiers).size).toBe(identifiers.length);
      }
    }
  });

  it("each mapped column is in the rows the Sentinel query returns on the rule's fixtures, with a value", () => {
    for (const rule of detections) {
      const y = parse(file(`sentinel/analytic-rules/${rule.doc.name}.yaml`)) as Yaml;
      const rows: Array<Record<string, unknown>> = [];
      for (const test of rule.compiled.tests) {
        const table = materialize(test.events, rule.logsource, 'sentinel');
        rows.push(...runKql(rule.queries.sentinel.text, { [table.name]: { columns: table.columns, rows: table.rows } }, { now: test.now }).rows);
      }
      expect(rows.length, rule.doc.name).toBeGreaterThan(0);
      for (const m of y.entityMappings ?? []) {
        for (const f of m.fieldMappings) {
          expect(rows.every((r) => f.columnName in r), `${rule.doc.name}: ${f.columnName}`).toBe(true);
          expect(rows.some((r) => r[f.columnName] !== null && r[f.columnName] !== ''), `${rule.doc.name}: ${f.columnName} is always empty`).toBe(true);
        }
      }
    }
  });
});

describe('hunting queries (hunts)', () => {
  for (const rule of content.rules.filter((r) => r.doc.kind === 'hunt')) {
    it(`${rule.doc.name}: id, name, description, connectors, tactics, techniques, query, version`, () => {
      expect(files.has(`sentinel/analytic-rules/${rule.doc.name}.yaml`)).toBe(false);
      const y = parse(file(`sentinel/hunting-queries/${rule.doc.name}.yaml`)) as Yaml;
      expect(y).toMatchObject({ id: rule.doc.id, name: rule.doc.title, relevantTechniques: rule.doc.attack, query: `${rule.queries.sentinel.text}\n`, version: `${rule.doc.version}.0.0` });
      expect(y.requiredDataConnectors).toEqual([{ connectorId: expect.stringMatching(/^\w+$/), dataTypes: [sentinelTable(rule)] }]);
      expect(y.kind).toBeUndefined();
      const columns = kqlOutputColumns(rule.queries.sentinel.text, tables);
      for (const m of y.entityMappings ?? []) for (const f of m.fieldMappings) expect(columns).toContain(f.columnName);
    });
  }
});

describe('ARM template', () => {
  const arm = JSON.parse(file('sentinel/azuredeploy.json')) as { $schema: string; contentVersion: string; parameters: Record<string, { type: string }>; resources: Array<{ name: string; properties: Record<string, unknown> & { severity: string; entityMappings: unknown } }> };

  it('deploys every detection, and only detections, to the workspace named by a parameter', () => {
    expect(arm.$schema).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
    expect(arm.contentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(arm.parameters.workspace?.type).toBe('string');
    const detections = content.rules.filter((r) => r.doc.kind === 'detection');
    expect(arm.resources.map((r) => r.name)).toEqual(detections.map((r) => r.doc.id));
    for (const r of arm.resources) {
      expect(r).toMatchObject({ type: 'Microsoft.SecurityInsights/alertRules', apiVersion: ALERT_RULES_API_VERSION, kind: 'Scheduled', scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]" });
    }
  });

  it("each rule's properties carry its query, schedule and ATT&CK mapping", () => {
    for (const rule of content.rules.filter((r) => r.doc.kind === 'detection')) {
      const p = arm.resources.find((r) => r.name === rule.doc.id)!.properties;
      expect(p).toMatchObject({
        displayName: rule.doc.title,
        enabled: true,
        query: rule.queries.sentinel.text,
        queryFrequency: isoDuration(rule.schedule!),
        queryPeriod: isoDuration(rule.lookback),
        triggerOperator: 'GreaterThan',
        triggerThreshold: 0,
        suppressionEnabled: false,
        tactics: rule.tactics.map(tacticPascalCase),
        techniques: [...new Set(rule.doc.attack.map((t) => t.split('.')[0]))],
        subTechniques: rule.doc.attack.filter((t) => t.includes('.')),
        eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
      });
      expect(SEVERITIES).toContain(p.severity);
      expect(p.entityMappings).toEqual((parse(file(`sentinel/analytic-rules/${rule.doc.name}.yaml`)) as Yaml).entityMappings);
    }
  });

  it('writes durations in ISO 8601', () => {
    expect([isoDuration(300), isoDuration(3600), isoDuration(86400), isoDuration(90)]).toEqual(['PT5M', 'PT1H', 'P1D', 'PT90S']);
  });
});

describe('YAML text', () => {
  it('a scalar reads back as the same string, plain only where that is safe', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(parse(`key: ${yamlScalar(s)}\n`).key).toBe(s);
    }), { numRuns: 1000 });
    for (const tricky of ['yes', 'No', 'null', '~', '1h', '1.0.0', '0x1F', '2026-07-01', '12:30', '1e3', '.5', '-1', 'a: b', 'a #b', '- x', '[x]', '{x}', '*x', '&x', '!x', '"x', "'x", '@x', '`x', '%x', '|x', '>x', ' x', 'x ']) {
      expect(parse(`key: ${yamlScalar(tricky)}\n`).key, tricky).toBe(tricky);
    }
    expect(yamlScalar('CredentialAccess')).toBe('CredentialAccess');
    expect(yamlScalar('0b8a6f0e-3c5d-4a7e-9d7c-2f4b1e6a9c10')).toBe('0b8a6f0e-3c5d-4a7e-9d7c-2f4b1e6a9c10');
  });

  it('a literal block reads back as the text plus one newline', () => {
    const line = fc.string({ unit: fc.constantFrom('a', ' ', '\t', '#', ':', '-', '|', '"', "'", '\\', 'é') });
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
      const text = lines.join('\n').replace(/\n+$/, '');
      fc.pre(text.trim() !== '' && !/\s$/.test(text) && !/^\s*\n/.test(text) && !text.split('\n').some((l) => /^\s+$/.test(l)));
      expect(parse(`key: ${yamlBlock(text, 2)}\nnext: 1\n`)).toEqual({ key: `${text}\n`, next: 1 });
    }), { numRuns: 500 });
  });
});
