// Issue 3: load the Kusto language service once, then validate generated queries.
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../generators/catalog.ts';
import { kusto } from '../../generators/kql/language-service.ts';
import { kqlTablesFor, validateKql } from '../../generators/kql/validate.ts';
import { projectPath } from '../../generators/paths.ts';
import { render } from '../../generators/targets/index.ts';

export function benchKqlValidation(): Record<string, string> {
  const t0 = performance.now();
  kusto();
  const loadMs = performance.now() - t0;
  const catalog = loadCatalog(projectPath());
  const queries: { text: string; target: 'defender' | 'sentinel' }[] = [];
  while (queries.length < 100) {
    for (const rule of catalog.rules) for (const target of ['defender', 'sentinel'] as const) queries.push({ text: render(rule.query, target).text, target });
  }
  queries.length = 100;
  const tables = { defender: kqlTablesFor(catalog.logsources.values(), 'defender'), sentinel: kqlTablesFor(catalog.logsources.values(), 'sentinel') };
  const round = () => {
    const started = performance.now();
    let diagnostics = 0;
    for (const q of queries) diagnostics += validateKql(q.text, tables[q.target]).length;
    return { ms: performance.now() - started, diagnostics };
  };
  const cold = round(); // includes building the schema symbols and JIT warm-up
  const warm = round();
  return {
    'language service load': `${loadMs.toFixed(0)} ms`,
    'validate 100 queries, first pass': `${cold.ms.toFixed(0)} ms (${cold.diagnostics} diagnostics)`,
    'validate 100 queries, warm': `${warm.ms.toFixed(0)} ms (${(warm.ms / 100).toFixed(2)} ms/query)`,
  };
}
