// Every generated query is proven valid before it ships: KQL through Microsoft's Kusto
// language service against the documented schema of the table it reads (plus our
// number-vs-string check), SPL through our SPL parser and validator (macros left as they are:
// the app defines them). A problem is reported at the rule's `match` and names the target and
// the query line.
//
// `detc build` and `detc test` check rule by rule (checkGeneratedQueries): each query is
// rendered once, and Kusto's analysis of a KQL query (most of the cost) serves both its
// validation and its replay; only one rule's analyses are held at a time.
import type { Catalog, CompiledRule } from './catalog.ts';
import { error, warning, type Diagnostic } from './diagnostics.ts';
import { kqlAnalysisDiagnostics, kqlQueryTables } from './kql/validate.ts';
import type { TargetName } from './logsources/types.ts';
import { kqlAnalysisOf } from './replay/engines.ts';
import { renderOrError, replayMacros, replayRule, type ReplayOptions, type TestOutcome } from './replay/harness.ts';
import { validateSpl } from './spl/validate.ts';
import type { RenderedQuery } from './targets/rendered.ts';

const KQL_TARGETS = ['defender', 'sentinel'] as const;

/** Diagnostics by target, in the order they are reported: Defender, Sentinel, then Splunk (each in rule order). */
type ByTarget = Record<TargetName, Diagnostic[]>;

export function validateGeneratedQueries(catalog: Catalog): Diagnostic[] {
  const found: ByTarget = { defender: [], sentinel: [], splunk: [] };
  for (const rule of catalog.rules) validateRule(rule, renderAll(rule), found);
  return [...found.defender, ...found.sentinel, ...found.splunk];
}

/**
 * validateGeneratedQueries and replayCatalog in one pass, rule by rule, sharing each rule's
 * renderings and Kusto analyses between the two: the same diagnostics and outcomes, in the same
 * order, as calling one after the other.
 */
export function checkGeneratedQueries(catalog: Catalog, options: ReplayOptions = {}): { diagnostics: Diagnostic[]; outcomes: TestOutcome[] } {
  const found: ByTarget = { defender: [], sentinel: [], splunk: [] };
  const outcomes: TestOutcome[] = [];
  const macros = replayMacros(catalog);
  for (const rule of catalog.rules) {
    const renderings = renderAll(rule);
    validateRule(rule, renderings, found);
    for (const outcome of replayRule(rule, options, macros, renderings)) outcomes.push(outcome);
  }
  return { diagnostics: [...found.defender, ...found.sentinel, ...found.splunk], outcomes };
}

function renderAll(rule: CompiledRule): Map<TargetName, RenderedQuery | Error> {
  return new Map((['defender', 'sentinel', 'splunk'] as const).map((target) => [target, renderOrError(rule, target)]));
}

function validateRule(rule: CompiledRule, renderings: ReadonlyMap<TargetName, RenderedQuery | Error>, found: ByTarget): void {
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
