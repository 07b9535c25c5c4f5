// What every packaged artifact is made from: each rule with its ATT&CK techniques, its time
// settings in seconds and its query rendered for each target (the log source's default
// profile). Problems found while packaging are diagnostics at the rule's own lines; the build
// stops on them like on any other input error.
import type { CompiledRule } from '../catalog.ts';
import { error, type Diagnostic } from '../diagnostics.ts';
import { parseDuration } from '../ir/durations.ts';
import type { LogSource } from '../logsources/types.ts';
import type { RuleDocument } from '../rules/types.ts';
import { render, TARGETS, type RenderedQuery, type TargetName } from '../targets/index.ts';
import { techniqueOf, tacticsOf, type Tactic, type Technique } from './attack.ts';

export interface PackagedRule {
  readonly compiled: CompiledRule;
  readonly doc: RuleDocument;
  readonly logsource: LogSource;
  readonly techniques: readonly Technique[];
  readonly tactics: readonly Tactic[];
  /** Seconds. */
  readonly lookback: number;
  /** Seconds; detections only. */
  readonly schedule?: number;
  readonly queries: Readonly<Record<TargetName, RenderedQuery>>;
}

export interface PackageContent {
  /** Sorted by rule name. */
  readonly rules: readonly PackagedRule[];
  /** The log sources the rules use, sorted by name. */
  readonly logsources: readonly LogSource[];
  /** The version the Splunk app and the ATT&CK layer carry. */
  readonly version: string;
}

/** Collects problems; `at` points into a rule file. */
export class PackageProblems {
  readonly diagnostics: Diagnostic[] = [];

  at(rule: PackagedRule | CompiledRule, path: ReadonlyArray<string | number>, message: string): void {
    const source = 'compiled' in rule ? rule.compiled.source : rule.source;
    this.diagnostics.push(error(source.yaml.locate(path), message));
  }
}

export function packageContent(rules: readonly CompiledRule[], version: string, problems: PackageProblems): PackageContent {
  const packaged: PackagedRule[] = [];
  const titles = new Map<string, string>();
  for (const compiled of [...rules].sort((a, b) => (a.document.name < b.document.name ? -1 : 1))) {
    const doc = compiled.document;
    const techniques: Technique[] = [];
    doc.attack.forEach((id, i) => {
      const technique = techniqueOf(id);
      if (technique) techniques.push(technique);
      else problems.at(compiled, ['attack', i], `ATT&CK technique ${id} is not in generators/package/attack.ts: add it with its name and tactics (https://attack.mitre.org/techniques/${id.replace('.', '/')}/)`);
    });
    const clash = titles.get(doc.title.toLowerCase());
    if (clash) problems.at(compiled, ['title'], `rule ${clash} has the same title; titles name the Splunk saved search, the Defender rule and the Sentinel rule, so they must differ`);
    titles.set(doc.title.toLowerCase(), doc.name);
    const queries = Object.fromEntries(TARGETS.map((t) => [t, render(compiled.query, t)])) as Record<TargetName, RenderedQuery>;
    packaged.push({
      compiled,
      doc,
      logsource: compiled.query.logsource,
      techniques,
      tactics: tacticsOf(techniques),
      lookback: parseDuration(doc.lookback),
      ...(doc.kind === 'detection' && doc.schedule ? { schedule: parseDuration(doc.schedule) } : {}),
      queries,
    });
  }
  const logsources = [...new Map(packaged.map((r) => [r.logsource.name, r.logsource])).values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return { rules: packaged, logsources, version };
}

/** Canonical fields a rule's output rows carry one value of (group-by and projected fields). */
export function entityFields(rule: PackagedRule): Array<{ field: string; column: string; kqlColumn: (target: 'defender' | 'sentinel') => string; splunkColumn: string }> {
  const fieldColumns = rule.compiled.query.columns.filter((c) => c.field !== undefined);
  return fieldColumns.map((c) => ({
    field: c.field!,
    column: c.name,
    kqlColumn: (target) => rule.queries[target].columns.find((n) => n.name === c.name)!.native,
    splunkColumn: rule.queries.splunk.columns.find((n) => n.name === c.name)!.native,
  }));
}
