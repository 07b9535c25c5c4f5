// Every KQL query a content folder generates, with the tables each is analysed against: its
// Defender and Sentinel queries and, for a detection, its Defender custom detection query.
import { loadCatalog } from '../../generators/catalog.ts';
import type { KqlTableSchema } from '../../generators/kql/language-service.ts';
import { kqlQueryTables } from '../../generators/kql/validate.ts';
import { customDetectionQuery } from '../../generators/package/defender.ts';
import { renderOrError } from '../../generators/replay/harness.ts';

export function generatedKqlQueries(root: string): Array<[string, readonly KqlTableSchema[]]> {
  const queries: Array<[string, readonly KqlTableSchema[]]> = [];
  for (const rule of loadCatalog(root).rules) {
    for (const target of ['defender', 'sentinel'] as const) {
      const rendered = renderOrError(rule, target);
      if (rendered instanceof Error) continue;
      const tables = kqlQueryTables(rule.query.logsource, target, rendered.profile);
      queries.push([rendered.text, tables]);
      if (target === 'defender' && rule.document.kind === 'detection') {
        const plan = customDetectionQuery({ logsource: rule.query.logsource, queries: { defender: rendered }, compiled: rule });
        if (plan.ok) queries.push([plan.query.text, tables]);
      }
    }
  }
  return queries;
}
