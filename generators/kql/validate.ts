// KQL validation: Kusto's own analyser (names, types, syntax) against the documented table
// schemas of our log sources, plus the number-vs-string comparisons it lets through.
import type { LogSource, TargetName } from '../logsources/types.ts';
import { analyzeKql, kqlSyntaxDiagnostics, type KqlDiagnostic, type KqlTableSchema } from './language-service.ts';

/** Every table the log sources define for a KQL target (all profiles), columns merged by table. */
export function kqlTablesFor(logsources: Iterable<LogSource>, target: Exclude<TargetName, 'splunk'>): KqlTableSchema[] {
  const tables = new Map<string, Map<string, string>>();
  for (const source of logsources) {
    for (const profile of source.targets[target].profiles.values()) {
      const columns = tables.get(profile.table!) ?? new Map<string, string>();
      for (const [name, type] of profile.columns) columns.set(name, type);
      tables.set(profile.table!, columns);
    }
  }
  return [...tables].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, columns]) => ({ name, columns: [...columns].map(([n, type]) => ({ name: n, type })) }));
}

export function validateKql(text: string, tables: readonly KqlTableSchema[], options: { syntaxOnly?: boolean } = {}): KqlDiagnostic[] {
  if (options.syntaxOnly) return kqlSyntaxDiagnostics(text);
  const { diagnostics, mismatches } = analyzeKql(text, tables);
  return [...diagnostics, ...mismatches].sort((a, b) => a.start - b.start);
}
