// Every generated query is proven valid before it ships: KQL through Microsoft's Kusto
// language service against the documented schemas (plus our number-vs-string check), SPL
// through our SPL parser and validator (macros left as they are: the app defines them).
// A problem is reported at the rule's `match` and names the target and the query line.
import type { Catalog } from './catalog.ts';
import { error, warning, type Diagnostic } from './diagnostics.ts';
import { kqlTablesFor, validateKql } from './kql/validate.ts';
import { validateSpl } from './spl/validate.ts';
import { render } from './targets/index.ts';

export function validateGeneratedQueries(catalog: Catalog): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const logsources = [...catalog.logsources.values()];
  for (const target of ['defender', 'sentinel'] as const) {
    const tables = kqlTablesFor(logsources, target);
    for (const rule of catalog.rules) {
      const text = render(rule.query, target).text;
      for (const d of validateKql(text, tables)) {
        const make = d.severity === 'error' ? error : warning;
        diagnostics.push(make(rule.source.yaml.locate(['match'], { key: true }), `generated ${target} query, line ${d.line} col ${d.col}: ${d.code}: ${d.message}`));
      }
    }
  }
  for (const rule of catalog.rules) {
    for (const d of validateSpl(render(rule.query, 'splunk').text, { undefinedMacros: 'keep' })) {
      const make = d.severity === 'error' ? error : warning;
      diagnostics.push(make(rule.source.yaml.locate(['match'], { key: true }), `generated splunk query, line ${d.line} col ${d.col}: ${d.code}: ${d.message}`));
    }
  }
  return diagnostics;
}
