// dist/docs/: a Markdown page per rule (what it finds, why it matters, how to triage, the query
// for each target) and index.html, one self-contained page (no server, no network: inline CSS
// and script, a Content-Security-Policy that allows nothing else) listing every rule with
// filters by text, ATT&CK technique, severity and log source, and a copy button per query.
import { profileOf } from '../logsources/loader.ts';
import type { Aggregate } from '../ir/types.ts';
import { tuningMacro } from '../targets/spl.ts';
import { ATTACK_TECHNIQUE_URL, techniqueOf } from './attack.ts';
import type { DefenderRuleFiles } from './defender.ts';
import type { PackageContent, PackagedRule } from './model.ts';
import { savedSearchName } from './splunk-app.ts';
import { renderTemplate } from './templates.ts';

export const TARGET_LABELS = { splunk: 'Splunk SPL', defender: 'Defender XDR KQL', sentinel: 'Microsoft Sentinel KQL' } as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'] as const;

/** A Markdown code fence longer than any backtick run in the text. */
function fence(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

/** One Markdown table cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function aggregateMeaning(a: Aggregate, expression: string): string {
  switch (a.fn) {
    case 'count': return 'number of matching events';
    case 'countif': return `number of matching events that also satisfy \`${expression}\``;
    case 'dcount': return `number of distinct ${a.field} values`;
    case 'dcountif': return `number of distinct ${a.field} values among events that satisfy \`${expression}\``;
    case 'values': return `up to ${a.cap} distinct ${a.field} values, sorted`;
    case 'min': return `smallest (earliest) ${a.field}`;
    case 'max': return `largest (latest) ${a.field}`;
    case 'sum': return `sum of ${a.field}`;
    case 'avg': return `average of ${a.field}`;
  }
}

/** Each output column and what it holds. */
function columnMeanings(rule: PackagedRule): Array<{ name: string; meaning: string }> {
  const query = rule.compiled.query;
  return query.columns.map((c) => {
    if (c.field) return { name: c.name, meaning: rule.logsource.fields.get(c.field)?.description ?? c.field };
    const computed = query.summarize?.compute.find((x) => x.name === c.name);
    if (computed) return { name: c.name, meaning: aggregateMeaning(computed.aggregate, rule.doc.summarize?.compute[c.name] ?? '') };
    return { name: c.name, meaning: 'start of the UTC time window the row counts (windows are aligned to the epoch)' };
  });
}

export interface DocsInputs {
  readonly defender: ReadonlyMap<string, DefenderRuleFiles>;
}

function ruleMarkdown(rule: PackagedRule, inputs: DocsInputs): string {
  const { doc } = rule;
  const defender = inputs.defender.get(doc.name);
  const splunkProfile = profileOf(rule.logsource, 'splunk');
  const defenderDeployment = doc.kind === 'hunt'
    ? 'a hunting query: paste it into Advanced hunting.'
    : defender?.detectionRule
      ? `custom detection \`defender/${doc.name}.json\` (Microsoft Graph detectionRule); the hunting query alone is \`defender/${doc.name}.kql\`. The custom detection's query is the hunting query with ${defender.detectionQuery?.added.join(', ')} added. ${defender.detectionQuery?.design ?? ''}`
      : `hunt-only: ${defender?.check && !defender.check.ok ? defender.check.reason : 'not deployable as a custom detection'}; run \`defender/${doc.name}.kql\` in Advanced hunting.`;
  return renderTemplate('docs/rule.md.mustache', {
    title: doc.title,
    name: doc.name,
    id: doc.id,
    kind: doc.kind,
    isDetection: doc.kind === 'detection',
    severity: doc.severity,
    status: doc.status,
    version: doc.version,
    logsource: `${rule.logsource.title} (\`${rule.logsource.name}\`)`,
    lookback: doc.lookback,
    schedule: doc.schedule ?? '',
    attack: rule.techniques.map((t) => `[${t.id} ${t.name}](${ATTACK_TECHNIQUE_URL(t.id)})`).join(', ') || 'none',
    description: doc.description.trim(),
    columns: columnMeanings(rule).map((c) => {
      const natives = [...new Set((['splunk', 'defender', 'sentinel'] as const).map((t) => rule.queries[t].columns.find((n) => n.name === c.name)?.native ?? c.name))].filter((n) => n !== c.name);
      return { name: cell(c.name), natives: natives.length ? ` (${natives.map((n) => `\`${cell(n)}\``).join(', ')})` : '', meaning: cell(c.meaning) };
    }),
    hasFalsePositives: Boolean(doc.falsepositives?.length),
    falsepositives: doc.falsepositives ?? [],
    hasReferences: Boolean(doc.references?.length),
    references: doc.references ?? [],
    savedSearch: savedSearchName(rule),
    tuningMacro: tuningMacro(doc.name),
    logsourceMacro: splunkProfile.macro,
    defenderDeployment,
    sentinelFile: doc.kind === 'detection' ? `sentinel/analytic-rules/${doc.name}.yaml` : `sentinel/hunting-queries/${doc.name}.yaml`,
    splunkQuery: fence(rule.queries.splunk.text, 'spl'),
    defenderQuery: fence(rule.queries.defender.text, 'kusto'),
    sentinelQuery: fence(rule.queries.sentinel.text, 'kusto'),
  }, 'text');
}

function indexHtml(content: PackageContent): string {
  const attackIds = new Set<string>();
  const rules = content.rules.map((rule) => {
    const { doc } = rule;
    const ids = [...new Set(rule.techniques.flatMap((t) => [t.id, t.parent]))];
    ids.forEach((id) => attackIds.add(id));
    return {
      name: doc.name,
      title: doc.title,
      kind: doc.kind,
      severity: doc.severity,
      status: doc.status,
      logsource: rule.logsource.name,
      logsourceTitle: rule.logsource.title,
      attackData: ids.join(' '),
      techniques: rule.techniques.map((t) => ({ id: t.id, name: t.name, url: ATTACK_TECHNIQUE_URL(t.id) })),
      description: doc.description.trim(),
      searchText: [doc.name, doc.title, doc.description, ...doc.attack, rule.logsource.name].join(' ').toLowerCase(),
      lookback: doc.lookback,
      schedule: doc.schedule ?? '',
      queries: (['splunk', 'defender', 'sentinel'] as const).map((target) => ({
        target,
        label: TARGET_LABELS[target],
        id: `q-${doc.name}-${target}`,
        text: rule.queries[target].text,
      })),
    };
  });
  return renderTemplate('docs/index.html.mustache', {
    version: content.version,
    count: rules.length,
    rules,
    attackOptions: [...attackIds].sort().map((id) => ({ id, name: techniqueOf(id)?.name ?? id })),
    severityOptions: SEVERITIES.filter((s) => content.rules.some((r) => r.doc.severity === s)),
    logsourceOptions: content.logsources.map((l) => ({ name: l.name, title: l.title })),
  }, 'html');
}

export function docsFiles(content: PackageContent, inputs: DocsInputs): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of content.rules) files.set(`docs/${rule.doc.name}.md`, ruleMarkdown(rule, inputs));
  files.set('docs/index.html', indexHtml(content));
  return files;
}

