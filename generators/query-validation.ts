// Every generated query is proven valid before it ships: KQL through Microsoft's Kusto
// language service against the documented schema of the table it reads (plus our
// number-vs-string check), SPL through our SPL parser and validator (macros left as they are:
// the app defines them). A problem is reported at the rule's `match` and names the target and
// the query line.
//
// `detc build` and `detc test` check rule by rule (checkGeneratedQueries): each query is
// rendered once, and Kusto's analysis of a KQL query (most of the cost) serves both its
// validation and its replay; only one rule's analyses are held at a time.
import { performance } from 'node:perf_hooks';
import type { Catalog, CompiledRule } from './catalog.ts';
import { error, warning, type Diagnostic } from './diagnostics.ts';
import { kqlAnalysisDiagnostics, kqlQueryTables } from './kql/validate.ts';
import type { KqlQueryToAnalyse } from './kql/kusto-snapshot.ts';
import type { TargetName } from './logsources/types.ts';
import { kqlAnalysisOf } from './replay/engines.ts';
import { renderOrError, replayMacros, replayRule, type ReplayOptions, type ReplayTarget, type TestOutcome } from './replay/harness.ts';
import type { ResultRow } from './ir/evaluator.ts';
import { validateSpl } from './spl/validate.ts';
import type { RenderedQuery } from './targets/rendered.ts';

const KQL_TARGETS = ['defender', 'sentinel'] as const;

/** Diagnostics by target, in the order they are reported: Defender, Sentinel, then Splunk (each in rule order). */
export type DiagnosticsByTarget = Record<TargetName, Diagnostic[]>;

export function validateGeneratedQueries(catalog: Catalog): Diagnostic[] {
  const found: DiagnosticsByTarget = { defender: [], sentinel: [], splunk: [] };
  for (const rule of catalog.rules) validateRule(rule, renderAll(rule), found);
  return reported([found]);
}

/**
 * validateGeneratedQueries and replayCatalog in one pass, rule by rule, sharing each rule's
 * renderings and Kusto analyses between the two: the same diagnostics and outcomes, in the same
 * order, as calling one after the other.
 */
export function checkGeneratedQueries(catalog: Catalog, options: ReplayOptions = {}): { diagnostics: Diagnostic[]; outcomes: TestOutcome[] } {
  const macros = replayMacros(catalog);
  const checks = catalog.rules.map((rule) => checkRule(rule, options, macros));
  return { diagnostics: reported(checks.map((c) => c.diagnostics)), outcomes: checks.flatMap((c) => c.outcomes) };
}

export interface RuleCheck {
  readonly diagnostics: DiagnosticsByTarget;
  readonly outcomes: TestOutcome[];
  /** Wall time of the check. */
  readonly ms: number;
}

/** One rule's share of checkGeneratedQueries: its queries rendered once, validated, then its tests replayed. */
export function checkRule(rule: CompiledRule, options: ReplayOptions, macros: ReadonlyMap<string, string>): RuleCheck {
  const started = performance.now();
  const diagnostics: DiagnosticsByTarget = { defender: [], sentinel: [], splunk: [] };
  const renderings = renderAll(rule);
  validateRule(rule, renderings, diagnostics);
  const outcomes = replayRule(rule, options, macros, renderings);
  return { diagnostics, outcomes, ms: performance.now() - started };
}

/**
 * A RuleCheck as plain data, without the rule (its outcomes name their test by its place in the
 * rule): what a worker thread sends back and what the cache of rule checks keeps.
 */
export interface PortableRuleCheck {
  readonly diagnostics: DiagnosticsByTarget;
  readonly outcomes: ReadonlyArray<{ readonly test: number; readonly target: ReplayTarget; readonly failures: readonly string[]; readonly rows: readonly ResultRow[]; readonly durationMs: number }>;
  readonly ms: number;
}

export function portableRuleCheck(rule: CompiledRule, check: RuleCheck): PortableRuleCheck {
  return {
    diagnostics: check.diagnostics,
    outcomes: check.outcomes.map((o) => ({ test: rule.tests.indexOf(o.test), target: o.target, failures: o.failures, rows: o.rows, durationMs: o.durationMs })),
    ms: check.ms,
  };
}

export function ruleCheckOf(rule: CompiledRule, portable: PortableRuleCheck): RuleCheck {
  return {
    diagnostics: portable.diagnostics,
    outcomes: portable.outcomes.map((o) => ({ rule, test: rule.tests[o.test]!, target: o.target, failures: o.failures, rows: o.rows, durationMs: o.durationMs })),
    ms: portable.ms,
  };
}

/** Rules' diagnostics (in rule order) in the order they are reported. */
export function reported(byRule: readonly DiagnosticsByTarget[]): Diagnostic[] {
  return (['defender', 'sentinel', 'splunk'] as const).flatMap((target) => byRule.flatMap((found) => found[target]));
}

/** A rule's query for a KQL target, with the tables Kusto analyses it against. */
export interface RuleKqlQuery extends KqlQueryToAnalyse {
  readonly target: (typeof KQL_TARGETS)[number];
  readonly query: RenderedQuery;
}

/**
 * The KQL queries checkRule has Kusto analyse for `rule` (its Defender and Sentinel queries, or
 * those of `targets`), against the tables validation uses; a query that does not render is left out.
 */
export function ruleKqlQueries(rule: CompiledRule, targets: readonly TargetName[] = KQL_TARGETS): RuleKqlQuery[] {
  return KQL_TARGETS.filter((target) => targets.includes(target)).flatMap((target) => {
    const query = renderOrError(rule, target);
    return query instanceof Error ? [] : [{ target, query, text: query.text, tables: kqlQueryTables(rule.query.logsource, target, query.profile) }];
  });
}

function renderAll(rule: CompiledRule): Map<TargetName, RenderedQuery | Error> {
  return new Map((['defender', 'sentinel', 'splunk'] as const).map((target) => [target, renderOrError(rule, target)]));
}

function validateRule(rule: CompiledRule, renderings: ReadonlyMap<TargetName, RenderedQuery | Error>, found: DiagnosticsByTarget): void {
  const rendered = (target: TargetName): RenderedQuery => {
    const query = renderings.get(target)!;
    if (query instanceof Error) throw query;
    return query;
  };
  const at = () => rule.source.yaml.locate(['match'], { key: true });
  for (const target of KQL_TARGETS) {
    const query = rendered(target);
    for (const d of kqlAnalysisDiagnostics(kqlAnalysisOf(query, kqlQueryTables(rule.query.logsource, target, query.profile)))) {
      const make = d.severity === 'error' ? error : warning;
      found[target].push(make(at(), `generated ${target} query, line ${d.line} col ${d.col}: ${d.code}: ${d.message}`));
    }
  }
  for (const d of validateSpl(rendered('splunk').text, { undefinedMacros: 'keep' })) {
    const make = d.severity === 'error' ? error : warning;
    found.splunk.push(make(at(), `generated splunk query, line ${d.line} col ${d.col}: ${d.code}: ${d.message}`));
  }
}
