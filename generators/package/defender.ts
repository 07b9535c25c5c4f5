// Defender XDR: dist/defender/<rule>.kql (the advanced hunting query under a header comment)
// and, for a detection, dist/defender/<rule>.json, a custom detection rule in the shape of
// Microsoft Graph's detectionRule (POST /v1.0/security/rules/detectionRules): status,
// schedule.frequency, alertTemplate.tactics and alertTemplate.entityMappings — the beta's
// isEnabled, schedule.period, category, mitreTechniques and impactedAssets were deprecated and
// removed on 2026-10-01 (https://learn.microsoft.com/graph/api/resources/security-detectionrule).
//
// A custom detection's query must return `Timestamp`, `ReportId` and one column naming an
// impacted device, user or mailbox (DeviceId, AccountObjectId, AccountUpn …) — "Required
// columns in the query results", https://learn.microsoft.com/defender-xdr/custom-detection-rules;
// a query that aggregates keeps them with `summarize (Timestamp, ReportId) = arg_max(Timestamp,
// ReportId) … by …` (same page). The hunting query does not return them, so a detection gets a
// *custom detection variant* of it (customDetectionQuery): the same rows plus those columns —
// and, where the rule groups by something that is not an asset (a source IP), one row per
// account of the group's user set. The variant is validated with Kusto's language service and
// its output columns are read from Kusto's own analysis; a rule for which no correct variant
// exists gets no JSON, and its .kql header says why.
import type { CompiledRule } from '../catalog.ts';
import { customDetectionKey, readCustomDetectionAnalysis, storeCustomDetectionAnalysis } from '../check-cache.ts';
import type { PackageOptions } from './artifacts.ts';
import { takePrefetchedKqlAnalysis } from '../kql/analysis-apart.ts';
import type { KqlQueryToAnalyse } from '../kql/kusto-snapshot.ts';
import { analyzeKqlTree, type KqlAnalysedTree, type KqlDiagnostic, type KqlTableSchema } from '../kql/language-service.ts';
import { kqlAnalysisDiagnostics, kqlQueryTables } from '../kql/validate.ts';
import { profileOf } from '../logsources/loader.ts';
import { tacticPascalCase } from './attack.ts';
import type { PackageContent, PackagedRule, PackageProblems } from './model.ts';
import { renderTemplate } from './templates.ts';
import { render } from '../targets/index.ts';

/**
 * Output columns the custom detection maps to alert entities (alertTemplate.entityMappings:
 * accountEntityMapping, hostEntityMapping, ipEntityMapping of Microsoft Graph), and whether the
 * column names an impacted asset — a user or device, which Defender requires of every custom
 * detection row; an IP address is an entity of the alert but not an impacted asset.
 */
const ENTITY_COLUMNS: Readonly<Record<string, { readonly kind: 'accounts' | 'hosts' | 'ips'; readonly property: string; readonly asset?: 'user' | 'device' }>> = {
  AccountUpn: { kind: 'accounts', property: 'upnColumn', asset: 'user' },
  AccountObjectId: { kind: 'accounts', property: 'aadUserIdColumn', asset: 'user' },
  AccountSid: { kind: 'accounts', property: 'sidColumn', asset: 'user' },
  DeviceId: { kind: 'hosts', property: 'deviceIdColumn', asset: 'device' },
  DeviceName: { kind: 'hosts', property: 'nameColumn', asset: 'device' },
  IPAddress: { kind: 'ips', property: 'addressColumn' },
  LocalIP: { kind: 'ips', property: 'addressColumn' },
  RemoteIP: { kind: 'ips', property: 'addressColumn' },
};

/** The asset an output column names, if it names one. */
const assetOf = (column: string): 'user' | 'device' | undefined => ENTITY_COLUMNS[column]?.asset;

/**
 * Custom detection frequencies and the data each run reads ("Rule frequency",
 * https://learn.microsoft.com/defender-xdr/custom-detection-rules): every 1h reads 4h, 3h reads
 * 12h, 12h reads 48h, 24h reads 30d; `frequency` is the ISO 8601 duration Graph's ruleSchedule
 * takes (https://learn.microsoft.com/graph/api/resources/security-ruleschedule?view=graph-rest-1.0).
 */
const PERIODS = [
  { period: '1H', frequency: 'PT1H', every: 3600, reads: 4 * 3600 },
  { period: '3H', frequency: 'PT3H', every: 3 * 3600, reads: 12 * 3600 },
  { period: '12H', frequency: 'PT12H', every: 12 * 3600, reads: 48 * 3600 },
  { period: '24H', frequency: 'P1D', every: 86400, reads: 30 * 86400 },
] as const;

/** Graph alertSeverity has no critical. */
const GRAPH_SEVERITY: Record<PackagedRule['doc']['severity'], string> = { informational: 'informational', low: 'low', medium: 'medium', high: 'high', critical: 'high' };

export type EntityMappings = Partial<Record<'accounts' | 'hosts' | 'ips', Array<Record<string, string>>>>;

export type CustomDetectionCheck =
  | { readonly ok: true; readonly entityMappings: EntityMappings }
  | { readonly ok: false; readonly reason: string };

/** The output columns of a KQL query, as Kusto's binder types the last statement. */
export function kqlOutputColumns(text: string, tables: readonly KqlTableSchema[]): string[] {
  return outputColumnsOf(analyzeKqlTree(text, tables));
}

/** kqlOutputColumns from an analysis made already. */
function outputColumnsOf({ root }: KqlAnalysedTree): string[] {
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
  if (!columns.some(assetOf)) missing.push('a column naming the impacted user, device or mailbox (AccountUpn, AccountObjectId, DeviceId …)');
  if (missing.length) return { ok: false, reason: `the query returns ${columns.join(', ')}; a custom detection also needs ${missing.join(' and ')}` };
  // One account and one host entity (their columns together), one IP entity per address column.
  const entityMappings: EntityMappings = {};
  for (const column of columns) {
    const entity = ENTITY_COLUMNS[column];
    if (!entity) continue;
    const list = (entityMappings[entity.kind] ??= []);
    if (entity.kind !== 'ips' && list[0]) list[0][entity.property] ??= column;
    else list.push({ [entity.property]: column });
  }
  return { ok: true, entityMappings };
}

/** alertTemplate.tactics: each tactic of the rule with its techniques, sub-techniques under their parent. */
export function graphTactics(rule: Pick<PackagedRule, 'techniques' | 'tactics'>): Array<{ tactic: string; techniques: Array<{ technique: string; subTechniques?: string[] }> }> {
  return rule.tactics.map((tactic) => {
    const byParent = new Map<string, string[]>();
    for (const t of rule.techniques.filter((t) => t.tactics.includes(tactic))) {
      const subs = byParent.get(t.parent) ?? [];
      if (t.id !== t.parent) subs.push(t.id);
      byParent.set(t.parent, subs);
    }
    return { tactic: tacticPascalCase(tactic), techniques: [...byParent].map(([technique, subs]) => (subs.length ? { technique, subTechniques: subs } : { technique })) };
  });
}

/** The custom detection variant of a rule's Defender query, and how its rows relate to the hunting query's. */
export interface CustomDetectionQuery {
  readonly text: string;
  /** Columns the variant returns besides the hunting query's. */
  readonly added: readonly string[];
  /** Set when one hunting row becomes one row per element of an array column (mv-expand). */
  readonly expanded?: { readonly column: string; readonly from: string };
  /** One paragraph for the .kql header and the docs page: what one alert row is. */
  readonly design: string;
}

export type CustomDetectionPlan = { readonly ok: true; readonly query: CustomDetectionQuery } | { readonly ok: false; readonly reason: string };

/** Where an aggregating rule takes the impacted asset from when it does not group by one, most specific first. */
const DEVICE_COLUMNS = ['DeviceId', 'DeviceName'] as const;

/**
 * The custom detection variant of a rule's Defender hunting query: the same text with
 * - a `project` rule: Timestamp, ReportId and the table's impacted-user or device column added
 *   to the projection (one alert per event);
 * - a `summarize` rule: `(Timestamp, ReportId) = arg_max(Timestamp, ReportId)` as the first
 *   aggregate (the group's latest event, Microsoft's pattern for aggregating queries), and
 *   - nothing more when a group key is an asset column (one alert per account …);
 *   - else, when the rule collects the group's users (`values(user)` rendered `make_set(AccountUpn)`),
 *     `mv-expand AccountUpn = <set> to typeof(string)`: one alert per account of the set;
 *   - else, when the table names the device of each event, the latest event's DeviceId and
 *     DeviceName in the same arg_max (so the alert's device and its event key belong together).
 * Anything else has no correct variant: the reason says why.
 */
export function customDetectionQuery(rule: Pick<PackagedRule, 'logsource'> & { readonly queries: Pick<PackagedRule['queries'], 'defender'>; readonly compiled: Pick<CompiledRule, 'query'> }): CustomDetectionPlan {
  const profile = profileOf(rule.logsource, 'defender');
  const hunting = rule.queries.defender;
  const table = profile.table!;
  for (const column of ['Timestamp', 'ReportId']) {
    if (!profile.columns.has(column)) return { ok: false, reason: `${table} documents no ${column} column, which a custom detection returns to point each alert at its event` };
  }
  const outputs = hunting.columns.map((c) => c.native);
  const lines = hunting.text.split('\n');
  const query = rule.compiled.query;
  const assetIn = (columns: readonly string[]) => columns.find(assetOf);
  const native = (field: string) => profile.fields.get(field)?.column;

  if (!query.summarize) {
    const i = lines.findIndex((l) => l.startsWith('| project '));
    const tableAsset = assetIn(outputs) ? undefined : ['AccountObjectId', 'AccountUpn', ...DEVICE_COLUMNS].find((c) => profile.columns.has(c));
    if (!assetIn(outputs) && !tableAsset) return { ok: false, reason: `${table} has no column naming the impacted user, device or mailbox of an event` };
    const added = ['Timestamp', 'ReportId', ...(tableAsset ? [tableAsset] : [])].filter((c) => !outputs.includes(c));
    lines[i] = `| project ${added.join(', ')}, ${lines[i]!.slice('| project '.length)}`;
    const asset = assetIn(outputs) ?? tableAsset!;
    return { ok: true, query: { text: lines.join('\n'), added, design: `One alert per event: the hunting query's rows with their Timestamp and ReportId (the event's key) and ${asset}, the impacted ${assetOf(asset)}${asset === 'AccountObjectId' ? ' (the Entra object id of the account that acted)' : ''}.` } };
  }

  const keys = query.summarize.by.map((f) => hunting.columns.find((c) => c.name === f)?.native ?? f).join(', ');
  const i = lines.findIndex((l) => l.startsWith('| summarize'));
  const addAggregate = (columns: readonly string[]) => {
    const aggregate = `(${columns.join(', ')}) = arg_max(${columns.join(', ')})`;
    const rest = lines[i]!.slice('| summarize'.length);
    lines[i] = rest === '' ? `| summarize\n    ${aggregate},` : `| summarize\n    ${aggregate},\n   ${rest}`;
  };
  const keyAsset = assetIn(outputs);
  if (keyAsset) {
    addAggregate(['Timestamp', 'ReportId']);
    return { ok: true, query: { text: lines.join('\n'), added: ['Timestamp', 'ReportId'], design: `One alert per hunting row: the query groups by ${keys}, so ${keyAsset} names the impacted ${assetOf(keyAsset)}; Timestamp and ReportId are those of the group's latest event (arg_max).` } };
  }
  const userSet = query.summarize.compute.find((c) => c.aggregate.fn === 'values' && assetOf(native(c.aggregate.field) ?? '') === 'user');
  if (userSet && userSet.aggregate.fn === 'values') {
    const column = native(userSet.aggregate.field)!;
    if (!outputs.includes(column)) {
      addAggregate(['Timestamp', 'ReportId']);
      lines.push(`| mv-expand ${column} = ${userSet.name} to typeof(string)`);
      return {
        ok: true,
        query: {
          text: lines.join('\n'),
          added: ['Timestamp', 'ReportId', column],
          expanded: { column, from: userSet.name },
          design: `One alert per targeted account: the query groups by ${keys}, which is not an asset Defender can attach an alert to, so each hunting row is expanded (mv-expand) into one row per account of ${userSet.name} (${column}, the impacted user) — at most ${userSet.aggregate.cap} accounts per row, the cap of ${userSet.name}. Every row of a group carries the Timestamp and ReportId of the group's latest sign-in (arg_max), so they may point at another account's event. A custom detection raises at most 150 alerts per run (https://learn.microsoft.com/defender-xdr/custom-detection-rules): past that, targeted accounts go unalerted in that run.`,
        },
      };
    }
  }
  const devices = DEVICE_COLUMNS.filter((c) => profile.columns.has(c) && !outputs.includes(c));
  if (devices.length) {
    const added = ['Timestamp', 'ReportId', ...devices];
    addAggregate(added);
    return { ok: true, query: { text: lines.join('\n'), added, design: `One alert per hunting row: the query groups by ${keys}; the impacted device is that of the group's latest event (${devices.join(', ')}), taken with its Timestamp and ReportId in one arg_max so the alert's device and event key belong together. Should several devices share the group (one ${keys} in an hour), the alert names the latest.` } };
  }
  return { ok: false, reason: `the query groups by ${keys}, and ${table} gives it no impacted user, device or mailbox to name (no user set to expand, no device column)` };
}

/**
 * The custom detection frequency for a rule: the least frequent one that still runs at least as
 * often as the rule's schedule (1h at most) and reads back at least its lookback; failing that,
 * the most frequent one that reads back far enough.
 */
export function detectionPeriod(schedule: number, lookback: number): (typeof PERIODS)[number] | undefined {
  const reaching = PERIODS.filter((p) => p.reads >= lookback);
  const asOften = reaching.filter((p) => p.every <= Math.max(schedule, 3600));
  return asOften.at(-1) ?? reaching[0];
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
  /** The query of the custom detection (detectionRule's queryText), when there is one. */
  readonly detectionQuery?: CustomDetectionQuery;
}

export function defenderRuleFiles(rule: PackagedRule, tables: readonly KqlTableSchema[], problems: PackageProblems, options: PackageOptions = {}): DefenderRuleFiles {
  const { doc } = rule;
  const query = rule.queries.defender.text;
  let deployment: string;
  let detectionRule: string | undefined;
  let check: CustomDetectionCheck | undefined;
  let detectionQuery: CustomDetectionQuery | undefined;
  if (doc.kind === 'detection') {
    const plan = customDetectionQuery(rule);
    if (plan.ok) {
      detectionQuery = plan.query;
      const analysis = customDetectionAnalysis(plan.query.text, tables, options);
      for (const d of analysis.diagnostics) {
        problems.at(rule, ['match'], `custom detection query for Defender XDR, line ${d.line} col ${d.col}: ${d.code}: ${d.message}`);
      }
      check = checkCustomDetection(analysis.columns);
    } else check = { ok: false, reason: plan.reason };
    const period = detectionPeriod(rule.schedule ?? 3600, rule.lookback);
    if (!period) problems.at(rule, ['lookback'], `lookback ${doc.lookback} is longer than any Defender custom detection reads (30 days)`);
    if (check.ok && period && detectionQuery) {
      deployment = `Custom detection: ${doc.name}.json (Microsoft Graph detectionRule, runs every ${period.period}). Its query is this one with ${detectionQuery.added.join(', ')} added. ${detectionQuery.design}`;
      detectionRule = renderTemplate('defender/detection-rule.json.mustache', {
        displayName: doc.title,
        description: doc.description.trim(),
        status: doc.status === 'deprecated' ? 'disabled' : 'enabled',
        queryText: detectionQuery.text,
        frequency: period.frequency,
        title: doc.title,
        severity: GRAPH_SEVERITY[doc.severity],
        recommendedActions: JSON.stringify(doc.falsepositives?.length ? `Rule out the known benign causes: ${doc.falsepositives.join(' ')}` : null),
        tactics: graphTactics(rule),
        entityMappings: check.entityMappings,
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
  return { kql, detectionRule, check, ...(detectionRule ? { detectionQuery } : {}) };
}

export function defenderFiles(content: PackageContent, problems: PackageProblems, options: PackageOptions = {}): { files: Map<string, string>; byRule: Map<string, DefenderRuleFiles> } {
  const files = new Map<string, string>();
  const byRule = new Map<string, DefenderRuleFiles>();
  for (const rule of content.rules) {
    // Against the one table the query reads, as validation analyses the hunting query.
    const made = defenderRuleFiles(rule, kqlQueryTables(rule.logsource, 'defender', rule.queries.defender.profile), problems, options);
    byRule.set(rule.doc.name, made);
    files.set(`defender/${rule.doc.name}.kql`, made.kql);
    if (made.detectionRule) files.set(`defender/${rule.doc.name}.json`, made.detectionRule);
  }
  return { files, byRule };
}

/**
 * The custom detection query `detc build` has Kusto analyse for a detection (defenderRuleFiles),
 * with its tables; undefined for a hunt or a detection that has none.
 */
export function customDetectionQueryToAnalyse(rule: CompiledRule): KqlQueryToAnalyse | undefined {
  if (rule.document.kind !== 'detection') return undefined;
  let defender;
  try {
    defender = render(rule.query, 'defender');
  } catch {
    return undefined;
  }
  const plan = customDetectionQuery({ logsource: rule.query.logsource, queries: { defender }, compiled: rule });
  return plan.ok ? { text: plan.query.text, tables: kqlQueryTables(rule.query.logsource, 'defender', defender.profile) } : undefined;
}

/** Kusto's verdict on a custom detection query: plain data (the cache of checks keeps it). */
export interface CustomDetectionAnalysis {
  readonly diagnostics: readonly KqlDiagnostic[];
  /** The output columns, as Kusto's binder types the last statement. */
  readonly columns: readonly string[];
}

const tableKeys = new WeakMap<readonly KqlTableSchema[], string>();

/**
 * One Kusto analysis both validates a custom detection query and gives its output columns; with
 * a cache (check-cache.ts), made once for as long as the query, its tables and detc are the same.
 */
function customDetectionAnalysis(text: string, tables: readonly KqlTableSchema[], { cache, sink }: PackageOptions): CustomDetectionAnalysis {
  const analyse = (): CustomDetectionAnalysis => {
    const analysed = takePrefetchedKqlAnalysis(text, tables) ?? analyzeKqlTree(text, tables);
    return { diagnostics: kqlAnalysisDiagnostics(analysed), columns: outputColumnsOf(analysed) };
  };
  if (!cache) return analyse();
  let tablesKey = tableKeys.get(tables);
  if (tablesKey === undefined) tableKeys.set(tables, (tablesKey = JSON.stringify(tables)));
  const key = customDetectionKey(cache, tablesKey, text);
  const stored = readCustomDetectionAnalysis(cache, key);
  if (stored) return stored;
  const analysis = analyse();
  storeCustomDetectionAnalysis(cache, key, analysis, sink);
  return analysis;
}
