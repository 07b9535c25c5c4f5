// Defender XDR: the hunting query files and the custom detection JSON in Microsoft Graph's
// detectionRule shape (POST /v1.0/security/rules/detectionRules), per the Graph reference:
// https://learn.microsoft.com/graph/api/resources/security-detectionrule?view=graph-rest-1.0,
// https://learn.microsoft.com/graph/api/security-rulesroot-post-detectionrules?view=graph-rest-1.0,
// https://learn.microsoft.com/graph/api/resources/security-ruleschedule?view=graph-rest-1.0,
// https://learn.microsoft.com/graph/api/resources/security-detectionaction?view=graph-rest-1.0,
// https://learn.microsoft.com/graph/api/resources/security-alerttemplate?view=graph-rest-1.0,
// https://learn.microsoft.com/graph/api/resources/security-mitretactic?view=graph-rest-1.0,
// https://learn.microsoft.com/graph/api/resources/security-mitretechnique?view=graph-rest-1.0,
// https://learn.microsoft.com/graph/api/resources/security-entitymappingconfiguration?view=graph-rest-1.0,
// https://learn.microsoft.com/graph/api/resources/security-accountentitymapping?view=graph-rest-beta,
// https://learn.microsoft.com/graph/api/resources/security-hostentitymapping?view=graph-rest-beta,
// https://learn.microsoft.com/graph/api/resources/security-ipentitymapping?view=graph-rest-beta
// (impactedAsset and its derived types are deprecated, "removed on 2026-10-01":
// https://learn.microsoft.com/graph/api/resources/security-impactedasset?view=graph-rest-beta);
// and the rule Microsoft gives for what a custom detection query must return: Timestamp,
// ReportId and an impacted device, user or mailbox column ("Required columns in the query
// results", https://learn.microsoft.com/defender-xdr/custom-detection-rules).
import { describe, expect, it } from 'vitest';
import { kqlTablesFor, validateKql } from '../../generators/kql/validate.ts';
import { checkCustomDetection, customDetectionQuery, defenderRuleFiles, detectionPeriod, graphTactics, kqlComment, kqlOutputColumns } from '../../generators/package/defender.ts';
import { packageContent, PackageProblems, type PackagedRule } from '../../generators/package/model.ts';
import { DETC_VERSION } from '../../generators/package/version.ts';
import { TACTICS, tacticPascalCase } from '../../generators/package/attack.ts';
import { bundled, file } from './support.ts';

const { catalog, files } = bundled();
const tables = kqlTablesFor(catalog.logsources.values(), 'defender');
const content = packageContent(catalog.rules, DETC_VERSION, new PackageProblems());
const spray = content.rules.find((r) => r.doc.name === 'pop-imap-password-spray')!;

/**
 * What Graph documents for a detectionRule body, as of the v1.0 API (the beta's isEnabled,
 * schedule.period, alertTemplate.category / mitreTechniques / impactedAssets and responseActions
 * are deprecated and were removed on 2026-10-01): detectionRule, ruleSchedule (frequency, an ISO
 * 8601 duration), alertTemplate (title, description, severity, recommendedActions, tactics,
 * entityMappings), mitreTactic / mitreTechnique, entityMappingConfiguration and its
 * accountEntityMapping / hostEntityMapping / ipEntityMapping. Anything else is a problem.
 */
function detectionRuleProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const expectKeys = (where: string, value: unknown, keys: string[], optional: string[] = []) => {
    if (typeof value !== 'object' || value === null) return void problems.push(`${where} is not an object`);
    for (const k of Object.keys(value)) if (!keys.includes(k) && !optional.includes(k)) problems.push(`${where}.${k} is not a documented property`);
    for (const k of keys) if (!(k in value)) problems.push(`${where}.${k} is missing`);
  };
  expectKeys('rule', body, ['displayName', 'description', 'status', 'queryCondition', 'schedule', 'detectionAction']);
  const b = body as { displayName: unknown; description: unknown; status: unknown; queryCondition: { queryText: unknown }; schedule: { frequency: unknown }; detectionAction: { alertTemplate: Record<string, unknown> } };
  if (typeof b.displayName !== 'string' || !b.displayName) problems.push('displayName');
  if (typeof b.description !== 'string') problems.push('description');
  if (!['enabled', 'disabled'].includes(String(b.status))) problems.push(`status ${b.status}`);
  expectKeys('queryCondition', b.queryCondition, ['queryText']);
  if (typeof b.queryCondition?.queryText !== 'string') problems.push('queryText');
  expectKeys('schedule', b.schedule, ['frequency']);
  // The frequencies a custom detection on Defender XDR data can run at (Sentinel-only data may use others).
  if (!['PT1H', 'PT3H', 'PT12H', 'P1D'].includes(String(b.schedule?.frequency))) problems.push(`schedule.frequency ${b.schedule?.frequency}`);
  expectKeys('detectionAction', b.detectionAction, ['alertTemplate'], ['automatedActions', 'organizationalScope']);
  const t = b.detectionAction?.alertTemplate ?? {};
  expectKeys('alertTemplate', t, ['title', 'description', 'severity', 'recommendedActions', 'tactics', 'entityMappings'], ['customDetails']);
  if (!['informational', 'low', 'medium', 'high'].includes(String(t.severity))) problems.push(`severity ${t.severity}`);
  if (t.recommendedActions !== null && typeof t.recommendedActions !== 'string') problems.push('recommendedActions');
  const tactics = TACTICS.map(tacticPascalCase);
  const tacticList = t.tactics as Array<{ tactic: unknown; techniques: Array<{ technique: unknown; subTechniques?: unknown[] }> }>;
  if (!Array.isArray(tacticList) || tacticList.length === 0) problems.push('tactics must name at least one tactic');
  for (const x of tacticList ?? []) {
    expectKeys('mitreTactic', x, ['tactic', 'techniques']);
    if (!tactics.includes(String(x.tactic))) problems.push(`tactic ${x.tactic}`);
    for (const technique of x.techniques ?? []) {
      expectKeys('mitreTechnique', technique, ['technique'], ['subTechniques']);
      if (!/^T\d{4}$/.test(String(technique.technique))) problems.push(`technique ${technique.technique}`);
      for (const sub of technique.subTechniques ?? []) if (!String(sub).startsWith(`${technique.technique}.`) || !/^T\d{4}\.\d{3}$/.test(String(sub))) problems.push(`subTechnique ${sub}`);
    }
  }
  const properties: Record<string, string[]> = {
    accounts: ['aadUserIdColumn', 'dnsDomainColumn', 'nameColumn', 'ntDomainColumn', 'sidColumn', 'upnColumn', 'upnSuffixColumn'],
    hosts: ['deviceIdColumn', 'dnsDomainColumn', 'nameColumn', 'netBiosNameColumn', 'ntDomainColumn'],
    ips: ['addressColumn', 'scopeColumn'],
  };
  const mappings = t.entityMappings as Record<string, Array<Record<string, unknown>>>;
  if (typeof mappings !== 'object' || mappings === null) problems.push('entityMappings');
  for (const [kind, list] of Object.entries(mappings ?? {})) {
    if (!properties[kind]) problems.push(`entityMappings.${kind} is not used by detc`);
    for (const m of list) for (const [k, v] of Object.entries(m)) if (!properties[kind]?.includes(k) || typeof v !== 'string') problems.push(`entityMappings.${kind} ${k}`);
  }
  return problems;
}

/** The spray rule with a Defender query that returns what a custom detection needs. */
function compliant(rule: PackagedRule): PackagedRule {
  const text = `EntraIdSignInEvents
| where Timestamp >= ago(1h)
    and ClientAppUsed in~ ("POP3", "IMAP4", "Exchange ActiveSync")
    and ErrorCode != 0
| summarize (Timestamp, ReportId, AccountUpn) = arg_max(Timestamp, ReportId, AccountUpn), distinct_users = dcount(AccountUpn) by IPAddress
| where distinct_users >= 5`;
  return { ...rule, queries: { ...rule.queries, defender: { ...rule.queries.defender, text } } };
}

describe('Defender hunting queries', () => {
  it('every rule has a .kql file: a header comment, then the generated query, valid for Kusto', () => {
    for (const rule of content.rules) {
      const kql = file(`defender/${rule.doc.name}.kql`);
      expect(kql.startsWith(`// ${rule.doc.title}\n`)).toBe(true);
      expect(kql).toContain(`// ATT&CK: ${rule.techniques.map((t) => `${t.id} ${t.name}`).join('; ')}\n`);
      expect(kql.endsWith(`\n${rule.queries.defender.text}\n`)).toBe(true);
      expect(validateKql(kql, tables), rule.doc.name).toEqual([]);
    }
  });

  it('header comments wrap at 100 columns and never break the query', () => {
    const comment = kqlComment('word '.repeat(60));
    expect(comment.split('\n').every((l) => l.startsWith('// ') && l.length <= 100)).toBe(true);
  });
});

describe('what a custom detection query must return', () => {
  it("reads the query's output columns from Kusto's analysis", () => {
    expect(kqlOutputColumns(spray.queries.defender.text, tables)).toEqual(['IPAddress', 'window', 'distinct_users', 'attempts', 'users', 'first_seen', 'last_seen']);
    expect(kqlOutputColumns(compliant(spray).queries.defender.text, tables)).toEqual(['IPAddress', 'Timestamp', 'ReportId', 'AccountUpn', 'distinct_users']);
  });

  it('needs Timestamp, ReportId and an impacted asset; names what is missing', () => {
    expect(checkCustomDetection(['Timestamp', 'ReportId', 'AccountUpn'])).toEqual({ ok: true, entityMappings: { accounts: [{ upnColumn: 'AccountUpn' }] } });
    expect(checkCustomDetection(['IPAddress', 'Timestamp', 'ReportId', 'DeviceId', 'DeviceName', 'AccountObjectId', 'AccountUpn'])).toEqual({
      ok: true,
      entityMappings: {
        ips: [{ addressColumn: 'IPAddress' }],
        hosts: [{ deviceIdColumn: 'DeviceId', nameColumn: 'DeviceName' }],
        accounts: [{ aadUserIdColumn: 'AccountObjectId', upnColumn: 'AccountUpn' }],
      },
    });
    // An IP address is an entity of the alert, not an impacted asset.
    const ipOnly = checkCustomDetection(['Timestamp', 'ReportId', 'IPAddress']);
    expect(!ipOnly.ok && ipOnly.reason).toMatch(/needs a column naming the impacted user, device or mailbox/);
    const missing = checkCustomDetection(['IPAddress', 'distinct_users']);
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.reason).toMatch(/needs Timestamp and ReportId and a column naming the impacted user, device or mailbox/);
  });

  it('picks the custom detection frequency that runs as often as the rule and reads back far enough', () => {
    const frequency = (schedule: number, lookback: number) => detectionPeriod(schedule, lookback)?.frequency;
    expect(frequency(3600, 3600)).toBe('PT1H');
    expect(frequency(900, 3600)).toBe('PT1H');
    expect(frequency(6 * 3600, 6 * 3600)).toBe('PT3H');
    expect(frequency(86400, 86400)).toBe('P1D');
    expect(frequency(3600, 86400)).toBe('PT12H');
    expect(frequency(86400, 31 * 86400)).toBeUndefined();
  });
});

describe('custom detection JSON', () => {
  it('every detection gets a Graph detectionRule body of the documented shape, its query the custom detection variant', () => {
    const detections = content.rules.filter((r) => r.doc.kind === 'detection');
    expect([...files.keys()].filter((f) => /^defender\/.*\.json$/.test(f))).toEqual(detections.map((r) => `defender/${r.doc.name}.json`));
    for (const rule of detections) {
      const plan = customDetectionQuery(rule);
      if (!plan.ok) throw new Error(plan.reason);
      const body = JSON.parse(file(`defender/${rule.doc.name}.json`)) as Record<string, never>;
      expect(detectionRuleProblems(body), rule.doc.name).toEqual([]);
      expect(body).toMatchObject({ displayName: rule.doc.title, queryCondition: { queryText: plan.query.text }, schedule: { frequency: 'PT1H' } });
    }
  });

  it('the spray detection alerts per targeted account (user asset accountUpn)', () => {
    const problems = new PackageProblems();
    const made = defenderRuleFiles(spray, tables, problems);
    expect(problems.diagnostics).toEqual([]);
    const body = JSON.parse(made.detectionRule!) as Record<string, never>;
    expect(detectionRuleProblems(body)).toEqual([]);
    expect(body).toMatchObject({
      displayName: spray.doc.title,
      description: spray.doc.description.trim(),
      status: 'enabled',
      queryCondition: { queryText: made.detectionQuery!.text },
      schedule: { frequency: 'PT1H' },
      detectionAction: {
        alertTemplate: {
          title: spray.doc.title,
          description: spray.doc.description.trim(),
          severity: 'medium',
          tactics: [{ tactic: 'CredentialAccess', techniques: [{ technique: 'T1110', subTechniques: ['T1110.003'] }] }],
          entityMappings: { ips: [{ addressColumn: 'IPAddress' }], accounts: [{ upnColumn: 'AccountUpn' }] },
        },
      },
    });
    expect(made.kql).toContain(`// Custom detection: ${spray.doc.name}.json (Microsoft Graph detectionRule, runs every 1H).`);
    expect(made.kql).toContain('One alert per targeted account');
  });

  it('entities per detection: accounts for sign-ins and admin cmdlets, the device for network sessions, source IPs', () => {
    const entities = (name: string) => (JSON.parse(file(`defender/${name}.json`)) as { detectionAction: { alertTemplate: { entityMappings: unknown } } }).detectionAction.alertTemplate.entityMappings;
    expect(entities('legacy-auth-credential-stuffing')).toEqual({ accounts: [{ upnColumn: 'AccountUpn' }] });
    expect(entities('legacy-auth-success-after-spray')).toEqual({ ips: [{ addressColumn: 'IPAddress' }], accounts: [{ upnColumn: 'AccountUpn' }] });
    expect(entities('legacy-tls-or-protocol-reenabled')).toEqual({ accounts: [{ aadUserIdColumn: 'AccountObjectId' }], ips: [{ addressColumn: 'IPAddress' }] });
    expect(entities('legacy-pop-imap-endpoint-use')).toEqual({ ips: [{ addressColumn: 'LocalIP' }], hosts: [{ deviceIdColumn: 'DeviceId', nameColumn: 'DeviceName' }] });
  });

  it('alert tactics group sub-techniques under their technique, for every tactic of the rule', () => {
    const stuffing = content.rules.find((r) => r.doc.name === 'legacy-auth-credential-stuffing')!;
    expect(graphTactics(stuffing)).toEqual([{ tactic: 'CredentialAccess', techniques: [{ technique: 'T1110', subTechniques: ['T1110.004', 'T1110.001'] }] }]);
    const success = content.rules.find((r) => r.doc.name === 'legacy-auth-success-after-spray')!;
    expect(graphTactics(success).map((t) => t.tactic)).toEqual(['InitialAccess', 'Persistence', 'PrivilegeEscalation', 'DefenseEvasion', 'CredentialAccess']);
    expect(graphTactics(success).at(-1)).toEqual({ tactic: 'CredentialAccess', techniques: [{ technique: 'T1110', subTechniques: ['T1110.003'] }] });
  });

  it('a hunt gets a hunting query and no JSON', () => {
    for (const rule of content.rules.filter((r) => r.doc.kind === 'hunt')) {
      expect(files.has(`defender/${rule.doc.name}.json`)).toBe(false);
      expect(file(`defender/${rule.doc.name}.kql`)).toContain('// Hunting query: run it in Advanced hunting');
    }
  });
});
