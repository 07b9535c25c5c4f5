// KQL validation: Kusto's own analyser (names, types, syntax) against the documented table
// schemas of our log sources, plus the number-vs-string comparisons it lets through.
import { profileOf } from '../logsources/loader.ts';
import type { LogSource, LogSourceProfile, TargetName } from '../logsources/types.ts';
import { analyzeKql, kqlSyntaxDiagnostics, type KqlAnalysedTree, type KqlDiagnostic, type KqlTableSchema } from './language-service.ts';

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

/**
 * The tables a query rendered for a profile of the log source reads: the profile's one table,
 * with the profile's columns. The replay engine runs the query on that table, so validation
 * analyses it against the same and both share one analysis. The same list for the same profile
 * (Kusto's globals are then looked up by identity).
 */
export function kqlQueryTables(source: LogSource, target: Exclude<TargetName, 'splunk'>, profile?: string): readonly KqlTableSchema[] {
  const p = profileOf(source, target, profile);
  let tables = queryTables.get(p);
  if (!tables) queryTables.set(p, (tables = [{ name: p.table!, columns: [...p.columns].map(([name, type]) => ({ name, type })) }]));
  return tables;
}
const queryTables = new WeakMap<LogSourceProfile, readonly KqlTableSchema[]>();

export function validateKql(text: string, tables: readonly KqlTableSchema[], options: { syntaxOnly?: boolean } = {}): KqlDiagnostic[] {
  if (options.syntaxOnly) return kqlSyntaxDiagnostics(text);
  const { diagnostics, mismatches } = analyzeKql(text, tables);
  return [...diagnostics, ...mismatches].sort((a, b) => a.start - b.start);
}

/** validateKql's answer from an analysis made already (analyzeKqlTree, against the same tables). */
export function kqlAnalysisDiagnostics(analysed: KqlAnalysedTree): KqlDiagnostic[] {
  return [...analysed.diagnostics, ...analysed.mismatches()].sort((a, b) => a.start - b.start);
}
