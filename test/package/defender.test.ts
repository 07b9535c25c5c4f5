// Defender XDR: the hunting query files and the custom detection JSON in Microsoft Graph's
// detectionRule shape (POST /beta/security/rules/detectionRules; resource and alertTemplate,
// impactedAsset pages of the Graph reference), and the rule Microsoft gives for what a custom
// detection query must return: Timestamp, ReportId and an impacted device, user or mailbox
// column ("Required columns in the query results",
// https://learn.microsoft.com/defender-xdr/custom-detection-rules).
import { describe, expect, it } from 'vitest';
import { kqlTablesFor, validateKql } from '../../generators/kql/validate.ts';
import { checkCustomDetection, defenderRuleFiles, detectionPeriod, kqlComment, kqlOutputColumns } from '../../generators/package/defender.ts';
import { packageContent, PackageProblems, type PackagedRule } from '../../generators/package/model.ts';
import { DETC_VERSION } from '../../generators/package/version.ts';
import { TACTICS, tacticPascalCase } from '../../generators/package/attack.ts';
import { bundled, file } from './support.ts';

const { catalog, files } = bundled();
const tables = kqlTablesFor(catalog.logsources.values(), 'defender');
const content = packageContent(catalog.rules, DETC_VERSION, new PackageProblems());
const spray = content.rules.find((r) => r.doc.name === 'pop-imap-password-spray')!;

/** What Graph documents for a detectionRule body; anything else is a problem. */
function detectionRuleProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const expectKeys = (where: string, value: unknown, keys: string[]) => {
    if (typeof value !== 'object' || value === null) return void problems.push(`${where} is not an object`);
    for (const k of Object.keys(value)) if (!keys.includes(k)) problems.push(`${where}.${k} is not a documented property`);
    for (const k of keys) if (!(k in value)) problems.push(`${where}.${k} is missing`);
  };
  expectKeys('rule', body, ['displayName', 'isEnabled', 'queryCondition', 'schedule', 'detectionAction']);
  const b = body as { displayName: unknown; isEnabled: unknown; queryCondition: { queryText: unknown }; schedule: { period: unknown }; detectionAction: { alertTemplate: Record<string, unknown>; organizationalScope: unknown; responseActions: unknown } };
  if (typeof b.displayName !== 'string' || !b.displayName) problems.push('displayName');
  if (typeof b.isEnabled !== 'boolean') problems.push('isEnabled');
  expectKeys('queryCondition', b.queryCondition, ['queryText']);
  if (typeof b.queryCondition?.queryText !== 'string') problems.push('queryText');
  expectKeys('schedule', b.schedule, ['period']);
  if (!['0', '1H', '3H', '12H', '24H'].includes(String(b.schedule?.period))) problems.push(`schedule.period ${b.schedule?.period}`);
  expectKeys('detectionAction', b.detectionAction, ['alertTemplate', 'organizationalScope', 'responseActions']);
  const t = b.detectionAction?.alertTemplate ?? {};
  expectKeys('alertTemplate', t, ['title', 'description', 'severity', 'category', 'recommendedActions', 'mitreTechniques', 'impactedAssets']);
  if (!['informational', 'low', 'medium', 'high'].includes(String(t.severity))) problems.push(`severity ${t.severity}`);
  const categories = [...TACTICS.map(tacticPascalCase), 'Malware', 'Ransomware', 'SuspiciousActivity', 'UnwantedSoftware'];
  if (!categories.includes(String(t.category))) problems.push(`category ${t.category}`);
  if (!Array.isArray(t.mitreTechniques) || !t.mitreTechniques.every((x) => /^T\d{4}(\.\d{3})?$/.test(String(x)))) problems.push('mitreTechniques');
  if (t.recommendedActions !== null && typeof t.recommendedActions !== 'string') problems.push('recommendedActions');
  const identifiers: Record<string, string[]> = {
    '#microsoft.graph.security.impactedDeviceAsset': ['deviceId', 'deviceName', 'remoteDeviceName', 'targetDeviceName', 'destinationDeviceName'],
    '#microsoft.graph.security.impactedUserAsset': ['accountObjectId', 'accountSid', 'accountUpn', 'accountName', 'accountDomain', 'accountId', 'requestAccountSid', 'requestAccountName', 'requestAccountDomain', 'recipientObjectId', 'processAccountObjectId', 'initiatingAccountSid', 'initiatingProcessAccountUpn', 'initiatingAccountName', 'initiatingAccountDomain', 'servicePrincipalId', 'servicePrincipalName', 'targetAccountUpn'],
    '#microsoft.graph.security.impactedMailboxAsset': ['accountUpn', 'fileOwnerUpn', 'initiatingProcessAccountUpn', 'lastModifyingAccountUpn', 'targetAccountUpn', 'senderFromAddress', 'senderDisplayName', 'recipientEmailAddress', 'senderMailFromAddress'],
  };
  const assets = t.impactedAssets as Array<Record<string, string>>;
  if (!Array.isArray(assets) || assets.length === 0) problems.push('impactedAssets must hold at least one asset');
  for (const a of assets ?? []) {
    if (!identifiers[a['@odata.type']!]?.includes(a.identifier!)) problems.push(`impactedAsset ${JSON.stringify(a)}`);
  }
  if (!Array.isArray(b.detectionAction?.responseActions)) problems.push('responseActions');
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
    expect(checkCustomDetection(['Timestamp', 'ReportId', 'AccountUpn'])).toEqual({ ok: true, impactedAssets: [{ '@odata.type': '#microsoft.graph.security.impactedUserAsset', identifier: 'accountUpn' }] });
    expect(checkCustomDetection(['Timestamp', 'ReportId', 'DeviceId', 'AccountObjectId', 'AccountUpn'])).toEqual({
      ok: true,
      impactedAssets: [
        { '@odata.type': '#microsoft.graph.security.impactedDeviceAsset', identifier: 'deviceId' },
        { '@odata.type': '#microsoft.graph.security.impactedUserAsset', identifier: 'accountObjectId' },
      ],
    });
    const missing = checkCustomDetection(['IPAddress', 'distinct_users']);
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.reason).toMatch(/needs Timestamp and ReportId and a column naming the impacted user, device or mailbox/);
  });

  it('picks the custom detection frequency that runs as often as the rule and reads back far enough', () => {
    expect(detectionPeriod(3600, 3600)).toBe('1H');
    expect(detectionPeriod(900, 3600)).toBe('1H');
    expect(detectionPeriod(6 * 3600, 6 * 3600)).toBe('3H');
    expect(detectionPeriod(86400, 86400)).toBe('24H');
    expect(detectionPeriod(3600, 86400)).toBe('12H');
    expect(detectionPeriod(86400, 31 * 86400)).toBeUndefined();
  });
});

describe('custom detection JSON', () => {
  it('the spray detection, whose query summarizes by IP, stays hunt-only and says why', () => {
    expect(files.has('defender/pop-imap-password-spray.json')).toBe(false);
    expect(file('defender/pop-imap-password-spray.kql')).toMatch(/\/\/ Hunt-only on Defender XDR: not deployable as a custom detection, because the query returns\n\/\/ IPAddress, window/);
    expect([...files.keys()].filter((f) => /^defender\/.*\.json$/.test(f))).toEqual(
      content.rules.filter((r) => r.doc.kind === 'detection' && checkCustomDetection(kqlOutputColumns(r.queries.defender.text, tables)).ok).map((r) => `defender/${r.doc.name}.json`),
    );
  });

  it('a detection whose query returns the required columns gets a Graph detectionRule body of the documented shape', () => {
    const rule = compliant(spray);
    const problems = new PackageProblems();
    const made = defenderRuleFiles(rule, tables, problems);
    expect(problems.diagnostics).toEqual([]);
    const body = JSON.parse(made.detectionRule!) as Record<string, never>;
    expect(detectionRuleProblems(body)).toEqual([]);
    expect(body).toMatchObject({
      displayName: rule.doc.title,
      isEnabled: true,
      queryCondition: { queryText: rule.queries.defender.text },
      schedule: { period: '1H' },
      detectionAction: {
        alertTemplate: {
          title: rule.doc.title,
          description: rule.doc.description.trim(),
          severity: 'medium',
          category: 'CredentialAccess',
          mitreTechniques: ['T1110.003'],
          impactedAssets: [{ '@odata.type': '#microsoft.graph.security.impactedUserAsset', identifier: 'accountUpn' }],
        },
        responseActions: [],
      },
    });
    expect(made.kql).toContain(`// Custom detection: ${rule.doc.name}.json (Microsoft Graph detectionRule, runs every 1H).`);
  });

  it('a hunt gets a hunting query and no JSON', () => {
    for (const rule of content.rules.filter((r) => r.doc.kind === 'hunt')) {
      expect(files.has(`defender/${rule.doc.name}.json`)).toBe(false);
      expect(file(`defender/${rule.doc.name}.kql`)).toContain('// Hunting query: run it in Advanced hunting');
    }
  });
});
