// Defender XDR: dist/defender/<rule>.kql (the advanced hunting query under a header comment)
// and, for a detection, dist/defender/<rule>.json, a custom detection rule in the shape of
// Microsoft Graph's detectionRule (POST /beta/security/rules/detectionRules).
//
// A custom detection's query must return `Timestamp`, `ReportId` and one column naming an
// impacted device, user or mailbox (DeviceId, AccountObjectId, AccountUpn …) — "Required
// columns in the query results", https://learn.microsoft.com/defender-xdr/custom-detection-rules.
// The output columns are read from Kusto's own analysis of the generated query. A detection
// whose query lacks them gets no JSON, and its .kql header says why: it is hunt-only on
// Defender until the query returns them.
import { analyzeKqlTree, type KqlTableSchema } from '../kql/language-service.ts';
import { kqlTablesFor } from '../kql/validate.ts';
import { tacticPascalCase } from './attack.ts';
import type { PackageContent, PackagedRule, PackageProblems } from './model.ts';
import { renderTemplate } from './templates.ts';

/** Output columns Defender accepts as the impacted asset, and the Graph impactedAsset for each. */
const IMPACTED_ASSET_COLUMNS: Readonly<Record<string, { readonly type: 'device' | 'user' | 'mailbox'; readonly identifier: string }>> = {
  DeviceId: { type: 'device', identifier: 'deviceId' },
  DeviceName: { type: 'device', identifier: 'deviceName' },
  RemoteDeviceName: { type: 'device', identifier: 'remoteDeviceName' },
  RecipientEmailAddress: { type: 'mailbox', identifier: 'recipientEmailAddress' },
  SenderFromAddress: { type: 'mailbox', identifier: 'senderFromAddress' },
  SenderMailFromAddress: { type: 'mailbox', identifier: 'senderMailFromAddress' },
  RecipientObjectId: { type: 'user', identifier: 'recipientObjectId' },
  AccountObjectId: { type: 'user', identifier: 'accountObjectId' },
  AccountSid: { type: 'user', identifier: 'accountSid' },
  AccountUpn: { type: 'user', identifier: 'accountUpn' },
  InitiatingProcessAccountSid: { type: 'user', identifier: 'initiatingAccountSid' },
  InitiatingProcessAccountUpn: { type: 'user', identifier: 'initiatingProcessAccountUpn' },
  InitiatingProcessAccountObjectId: { type: 'user', identifier: 'processAccountObjectId' },
};

const ODATA_TYPE = { device: '#microsoft.graph.security.impactedDeviceAsset', user: '#microsoft.graph.security.impactedUserAsset', mailbox: '#microsoft.graph.security.impactedMailboxAsset' } as const;

/**
 * Custom detection frequencies and the data each run reads (same page, "Rule frequency"):
 * every 1h reads 4h, 3h reads 12h, 12h reads 48h, 24h reads 30d.
 */
const PERIODS = [
  { period: '1H', every: 3600, reads: 4 * 3600 },
  { period: '3H', every: 3 * 3600, reads: 12 * 3600 },
  { period: '12H', every: 12 * 3600, reads: 48 * 3600 },
  { period: '24H', every: 86400, reads: 30 * 86400 },
] as const;

/** Graph alertSeverity has no critical. */
const GRAPH_SEVERITY: Record<PackagedRule['doc']['severity'], string> = { informational: 'informational', low: 'low', medium: 'medium', high: 'high', critical: 'high' };

export type CustomDetectionCheck =
  | { readonly ok: true; readonly impactedAssets: ReadonlyArray<{ readonly '@odata.type': string; readonly identifier: string }> }
  | { readonly ok: false; readonly reason: string };

/** The output columns of a KQL query, as Kusto's binder types the last statement. */
export function kqlOutputColumns(text: string, tables: readonly KqlTableSchema[]): string[] {
  const { root } = analyzeKqlTree(text, tables);
  const statements = root.child('Statements');
  const last = statements?.children.at(-1);
  const expression = last?.children[0]?.child('Expression');
  const type = expression?.resultType;
  return type?.kind === 'columns' ? type.columns.map((c) => c.name) : [];
}

export function checkCustomDetection(columns: readonly string[]): CustomDetectionCheck {
  const missing: string[] = [];
  if (!columns.includes('Timestamp')) missing.push('Timestamp');
  if (!columns.includes('ReportId')) missing.push('ReportId');
  const assets = columns.filter((c) => IMPACTED_ASSET_COLUMNS[c]);
  if (!assets.length) missing.push('a column naming the impacted user, device or mailbox (AccountUpn, AccountObjectId, DeviceId …)');
  if (missing.length) return { ok: false, reason: `the query returns ${columns.join(', ')}; a custom detection also needs ${missing.join(' and ')}` };
  // One impacted asset per kind (the portal lets you pick one column per device, user, mailbox).
  const byType = new Map<string, { '@odata.type': string; identifier: string }>();
  for (const column of assets) {
    const asset = IMPACTED_ASSET_COLUMNS[column]!;
    if (!byType.has(asset.type)) byType.set(asset.type, { '@odata.type': ODATA_TYPE[asset.type], identifier: asset.identifier });
  }
  return { ok: true, impactedAssets: [...byType.values()] };
}

/**
 * The custom detection frequency for a rule: the least frequent one that still runs at least as
 * often as the rule's schedule (1h at most) and reads back at least its lookback; failing that,
 * the most frequent one that reads back far enough.
 */
export function detectionPeriod(schedule: number, lookback: number): string | undefined {
  const reaching = PERIODS.filter((p) => p.reads >= lookback);
  const asOften = reaching.filter((p) => p.every <= Math.max(schedule, 3600));
  return (asOften.at(-1) ?? reaching[0])?.period;
}

/** `// ` lines of at most ~100 characters. */
export function kqlComment(text: string, width = 100): string {
  const lines: string[] = [];
  for (const paragraph of text.trim().split(/\n\s*\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (line && line.length + word.length + 1 > width - 3) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines.map((l) => `// ${l}`.trimEnd()).join('\n');
}

export interface DefenderRuleFiles {
  readonly kql: string;
  readonly detectionRule?: string;
  readonly check?: CustomDetectionCheck;
}

export function defenderRuleFiles(rule: PackagedRule, tables: readonly KqlTableSchema[], problems: PackageProblems): DefenderRuleFiles {
  const { doc } = rule;
  const query = rule.queries.defender.text;
  let deployment: string;
  let detectionRule: string | undefined;
  let check: CustomDetectionCheck | undefined;
  if (doc.kind === 'detection') {
    check = checkCustomDetection(kqlOutputColumns(query, tables));
    const period = detectionPeriod(rule.schedule ?? 3600, rule.lookback);
    if (!period) problems.at(rule, ['lookback'], `lookback ${doc.lookback} is longer than any Defender custom detection reads (30 days)`);
    if (check.ok && period) {
      deployment = `Custom detection: ${doc.name}.json (Microsoft Graph detectionRule, runs every ${period}).`;
      detectionRule = renderTemplate('defender/detection-rule.json.mustache', {
        displayName: doc.title,
        isEnabled: doc.status !== 'deprecated',
        queryText: query,
        period,
        title: doc.title,
        description: doc.description.trim(),
        severity: GRAPH_SEVERITY[doc.severity],
        category: rule.tactics[0] ? tacticPascalCase(rule.tactics[0]) : 'SuspiciousActivity',
        recommendedActions: JSON.stringify(doc.falsepositives?.length ? `Rule out the known benign causes: ${doc.falsepositives.join(' ')}` : null),
        mitreTechniques: doc.attack,
        impactedAssets: check.impactedAssets,
      }, 'json');
    } else {
      deployment = `Hunt-only on Defender XDR: not deployable as a custom detection, because ${check.ok ? 'no custom detection frequency covers its lookback' : check.reason}.`;
    }
  } else {
    deployment = 'Hunting query: run it in Advanced hunting (it is not a scheduled detection).';
  }
  const kql = renderTemplate('defender/query.kql.mustache', {
    title: doc.title,
    name: doc.name,
    id: doc.id,
    version: doc.version,
    kind: doc.kind,
    severity: doc.severity,
    status: doc.status,
    attack: rule.techniques.map((t) => `${t.id} ${t.name}`).join('; ') || 'none',
    description: kqlComment(doc.description),
    deployment: kqlComment(deployment),
    query,
  }, 'text');
  return { kql, detectionRule, check };
}

export function defenderFiles(content: PackageContent, problems: PackageProblems): { files: Map<string, string>; byRule: Map<string, DefenderRuleFiles> } {
  const files = new Map<string, string>();
  const byRule = new Map<string, DefenderRuleFiles>();
  const tables = kqlTablesFor(content.logsources, 'defender');
  for (const rule of content.rules) {
    const made = defenderRuleFiles(rule, tables, problems);
    byRule.set(rule.doc.name, made);
    files.set(`defender/${rule.doc.name}.kql`, made.kql);
    if (made.detectionRule) files.set(`defender/${rule.doc.name}.json`, made.detectionRule);
  }
  return { files, byRule };
}
