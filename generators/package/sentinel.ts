// Microsoft Sentinel: analytic rules (detections) and hunting queries (hunts) in the YAML
// format of the Azure-Sentinel repository (github.com/Azure/Azure-Sentinel, Detections/ and
// Hunting Queries/), and one ARM template deploying every analytic rule to a workspace
// (Microsoft.SecurityInsights/alertRules, kind Scheduled, as an extension resource of the
// workspace: https://learn.microsoft.com/azure/templates/microsoft.securityinsights/alertrules).
import { formatDuration } from '../ir/durations.ts';
import { profileOf } from '../logsources/loader.ts';
import { tacticPascalCase } from './attack.ts';
import type { PackageContent, PackagedRule, PackageProblems } from './model.ts';
import { entityFields } from './model.ts';
import { renderTemplate } from './templates.ts';
import { yamlBlock } from './yaml-text.ts';

/** The API version of Microsoft.SecurityInsights/alertRules the ARM template uses. */
export const ALERT_RULES_API_VERSION = '2024-09-01';

/**
 * Sentinel data connectors (`requiredDataConnectors[].connectorId`) by the table they fill. A
 * log source whose Sentinel table is not here is an error that says to add it.
 */
const CONNECTORS: Readonly<Record<string, string>> = {
  SigninLogs: 'AzureActiveDirectory',
  AADNonInteractiveUserSignInLogs: 'AzureActiveDirectory',
  AADServicePrincipalSignInLogs: 'AzureActiveDirectory',
  AADManagedIdentitySignInLogs: 'AzureActiveDirectory',
  AuditLogs: 'AzureActiveDirectory',
  OfficeActivity: 'Office365',
  AzureActivity: 'AzureActivity',
  SecurityEvent: 'SecurityEvents',
  // Defender XDR tables streamed to Sentinel by the Microsoft Defender XDR connector.
  CloudAppEvents: 'MicrosoftThreatProtection',
  DeviceEvents: 'MicrosoftThreatProtection',
  DeviceLogonEvents: 'MicrosoftThreatProtection',
  DeviceNetworkEvents: 'MicrosoftThreatProtection',
  DeviceProcessEvents: 'MicrosoftThreatProtection',
  EmailEvents: 'MicrosoftThreatProtection',
  IdentityLogonEvents: 'MicrosoftThreatProtection',
};

/**
 * Sentinel entities by the canonical field an output column comes from (entity identifiers:
 * https://learn.microsoft.com/azure/sentinel/entities-reference). Fields of type `ip` are IP
 * entities whatever their name.
 */
const ENTITIES: Readonly<Record<string, { readonly entityType: string; readonly identifier: string }>> = {
  user: { entityType: 'Account', identifier: 'FullName' },
  user_id: { entityType: 'Account', identifier: 'AadUserId' },
  host: { entityType: 'Host', identifier: 'HostName' },
  device: { entityType: 'Host', identifier: 'HostName' },
  url: { entityType: 'URL', identifier: 'Url' },
  mailbox: { entityType: 'Mailbox', identifier: 'MailboxPrimaryAddress' },
  app: { entityType: 'CloudApplication', identifier: 'Name' },
};

const SEVERITY: Record<PackagedRule['doc']['severity'], string> = { informational: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'High' };

/** Scheduled analytic rules run every 5 minutes to 14 days and read 5 minutes to 14 days back. */
const MIN_PERIOD = 300;
const MAX_PERIOD = 14 * 86400;

export interface EntityMapping {
  readonly entityType: string;
  readonly fieldMappings: ReadonlyArray<{ readonly identifier: string; readonly columnName: string }>;
}

export function entityMappings(rule: PackagedRule): EntityMapping[] {
  const mappings: Array<{ entityType: string; fieldMappings: Array<{ identifier: string; columnName: string }> }> = [];
  for (const f of entityFields(rule)) {
    const entity = ENTITIES[f.field] ?? (rule.logsource.fields.get(f.field)?.type === 'ip' ? { entityType: 'IP', identifier: 'Address' } : undefined);
    if (!entity) continue;
    const fieldMapping = { identifier: entity.identifier, columnName: f.kqlColumn('sentinel') };
    // The identifiers of one account (its UPN and object id) describe one entity.
    const same = entity.entityType === 'Account' ? mappings.find((m) => m.entityType === 'Account' && !m.fieldMappings.some((x) => x.identifier === entity.identifier)) : undefined;
    if (same) same.fieldMappings.push(fieldMapping);
    else mappings.push({ entityType: entity.entityType, fieldMappings: [fieldMapping] });
  }
  return mappings.slice(0, 10);
}

/** Seconds → ISO 8601 duration (ARM's queryFrequency, queryPeriod …). */
export function isoDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `P${seconds / 86400}D`;
  if (seconds % 3600 === 0) return `PT${seconds / 3600}H`;
  if (seconds % 60 === 0) return `PT${seconds / 60}M`;
  return `PT${seconds}S`;
}

interface SentinelRuleView {
  readonly rule: PackagedRule;
  readonly table: string;
  readonly connectorId: string;
  readonly entityMappings: EntityMapping[];
}

function ruleView(rule: PackagedRule, problems: PackageProblems): SentinelRuleView {
  const table = profileOf(rule.logsource, 'sentinel').table!;
  const connectorId = CONNECTORS[table];
  if (!connectorId) problems.at(rule, ['logsource'], `no Sentinel data connector is known for table ${table}: add it to CONNECTORS in generators/package/sentinel.ts`);
  if (rule.doc.kind === 'detection') {
    for (const [key, seconds] of [['schedule', rule.schedule ?? 0], ['lookback', rule.lookback]] as const) {
      if (seconds < MIN_PERIOD || seconds > MAX_PERIOD) problems.at(rule, [key], `a Sentinel scheduled analytic rule's ${key === 'schedule' ? 'query frequency' : 'query period'} must be 5m to 14d, not ${rule.doc[key]}`);
    }
  }
  return { rule, table, connectorId: connectorId ?? 'CustomLogs', entityMappings: entityMappings(rule) };
}

function yamlView(v: SentinelRuleView) {
  const { rule } = v;
  return {
    id: rule.doc.id,
    name: rule.doc.title,
    description: yamlBlock(rule.doc.description.trim(), 2),
    severity: SEVERITY[rule.doc.severity],
    connectorId: v.connectorId,
    table: v.table,
    queryFrequency: formatDuration(rule.schedule ?? 0),
    queryPeriod: formatDuration(rule.lookback),
    tactics: rule.tactics.map(tacticPascalCase),
    techniques: rule.doc.attack,
    query: yamlBlock(rule.queries.sentinel.text, 2),
    hasEntityMappings: v.entityMappings.length > 0,
    entityMappings: v.entityMappings,
    version: `${rule.doc.version}.0.0`,
  };
}

function armResource(v: SentinelRuleView) {
  const { rule } = v;
  const techniques = [...new Set(rule.techniques.map((t) => t.parent))];
  const subTechniques = rule.techniques.filter((t) => t.id !== t.parent).map((t) => t.id);
  return {
    type: 'Microsoft.SecurityInsights/alertRules',
    apiVersion: ALERT_RULES_API_VERSION,
    scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]",
    name: rule.doc.id,
    kind: 'Scheduled',
    properties: {
      displayName: rule.doc.title,
      description: rule.doc.description.trim(),
      severity: SEVERITY[rule.doc.severity],
      enabled: rule.doc.status !== 'deprecated',
      query: rule.queries.sentinel.text,
      queryFrequency: isoDuration(rule.schedule ?? 0),
      queryPeriod: isoDuration(rule.lookback),
      triggerOperator: 'GreaterThan',
      triggerThreshold: 0,
      suppressionDuration: isoDuration(rule.schedule ?? 0),
      suppressionEnabled: false,
      tactics: rule.tactics.map(tacticPascalCase),
      techniques,
      subTechniques,
      entityMappings: v.entityMappings,
      // One alert per result row; alerts on the same entities within a day join one incident
      // (what alert.suppress does in the Splunk app).
      eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
      incidentConfiguration: {
        createIncident: true,
        groupingConfiguration: {
          enabled: v.entityMappings.length > 0,
          reopenClosedIncident: false,
          lookbackDuration: 'P1D',
          matchingMethod: 'AllEntities',
          groupByEntities: [],
          groupByAlertDetails: [],
          groupByCustomDetails: [],
        },
      },
    },
  };
}

export function sentinelFiles(content: PackageContent, problems: PackageProblems): Map<string, string> {
  const files = new Map<string, string>();
  const views = content.rules.map((rule) => ruleView(rule, problems));
  for (const v of views) {
    if (v.rule.doc.kind === 'detection') files.set(`sentinel/analytic-rules/${v.rule.doc.name}.yaml`, renderTemplate('sentinel/analytic-rule.yaml.mustache', yamlView(v), 'yaml'));
    else files.set(`sentinel/hunting-queries/${v.rule.doc.name}.yaml`, renderTemplate('sentinel/hunting-query.yaml.mustache', yamlView(v), 'yaml'));
  }
  const detections = views.filter((v) => v.rule.doc.kind === 'detection');
  files.set('sentinel/azuredeploy.json', renderTemplate('sentinel/azuredeploy.json.mustache', {
    description: `detc ${content.version}: every detc detection as a Microsoft Sentinel scheduled analytic rule. Generated by npx detc build; do not edit.`,
    resources: detections.map(armResource),
  }, 'json'));
  return files;
}
