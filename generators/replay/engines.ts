// The engines that replay generated queries, one per target. A target without an engine here
// is rendered and validated but not replayed.
import { takePrefetchedKqlAnalysis } from '../kql/analysis-apart.ts';
import { compileKql, type CompiledKql } from '../kql/engine/index.ts';
import { analyzeKqlTree, type KqlAnalysedTree, type KqlTableSchema } from '../kql/language-service.ts';
import type { RenderedQuery } from '../targets/rendered.ts';
import type { TargetName } from '../logsources/types.ts';
import { compileSpl, type CompiledSpl } from '../spl/engine/index.ts';
import type { ReplayEngine } from './engine.ts';
import type { NativeRows } from './materialize.ts';

/**
 * Kusto's analysis of a generated KQL query against the one table it reads, made once per
 * rendered query: validation reports its diagnostics and the engine compiles from it (Kusto's
 * parse and bind is most of what checking a rule costs). Held only as long as the rendered
 * query is, so a caller that renders rule by rule holds one rule's analyses at a time.
 */
export function kqlAnalysisOf(query: RenderedQuery, tables: readonly KqlTableSchema[]): KqlAnalysedTree {
  let analysed = analyses.get(query);
  if (!analysed || analysed.tables !== tables) analyses.set(query, (analysed = { tables, tree: takePrefetchedKqlAnalysis(query.text, tables) ?? analyzeKqlTree(query.text, tables) }));
  return analysed.tree;
}
const analyses = new WeakMap<RenderedQuery, { tables: readonly KqlTableSchema[]; tree: KqlAnalysedTree }>();

/** Gives kqlAnalysisOf (and the KQL engines) Kusto's analysis of `query` against `tables`, made elsewhere (kqlAnalysesApart). */
export function provideKqlAnalysis(query: RenderedQuery, tables: readonly KqlTableSchema[], tree: KqlAnalysedTree): void {
  analyses.set(query, { tables, tree });
}

/**
 * The Splunk search parsed and compiled once per rendered query and macro table, then run for
 * each of its rule's tests.
 */
const splunk = (): ReplayEngine => {
  const compiled = new WeakMap<RenderedQuery, { macros: ReadonlyMap<string, string>; program: CompiledSpl }>();
  return {
    target: 'splunk',
    run: (query, table, context) => {
      let entry = compiled.get(query);
      if (!entry || entry.macros !== context.macros) compiled.set(query, (entry = { macros: context.macros, program: compileSpl(query.text, { macros: context.macros }) }));
      return { rows: entry.program.run(table.rows, { now: context.now }).rows };
    },
  };
};

/**
 * Defender and Sentinel differ only by their tables: one KQL engine serves both. Compiling (Kusto's
 * parse and bind) costs far more than running on a test's rows, so a rendered query is compiled
 * once and run for each of its rule's tests — from validation's analysis when it made one
 * against the same table.
 */
const kql = (target: Exclude<TargetName, 'splunk'>): ReplayEngine => {
  const compiled = new WeakMap<RenderedQuery, CompiledKql>();
  const programOf = (query: RenderedQuery, table: Omit<NativeRows, 'rows'>): CompiledKql => {
    let program = compiled.get(query);
    if (!program) {
      const shared = analyses.get(query);
      const same = shared?.tables.length === 1 && shared.tables[0]!.name === table.name && sameColumns(shared.tables[0]!.columns, table.columns);
      compiled.set(query, (program = compileKql(query.text, { [table.name]: { columns: table.columns } }, same ? { analysed: shared.tree } : {})));
    }
    return program;
  };
  return {
    target,
    run: (query, table, context) => {
      const result = programOf(query, table).run({ [table.name]: { rows: table.rows } }, { now: context.now });
      return { rows: result.rows, estimated: result.estimated };
    },
    inputColumns: (query, table) => programOf(query, table).inputColumns(table.name),
  };
};

function sameColumns(a: KqlTableSchema['columns'], b: KqlTableSchema['columns']): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.type === b[i]!.type);
}

export function replayEngines(): ReplayEngine[] {
  return [splunk(), kql('defender'), kql('sentinel')];
}
