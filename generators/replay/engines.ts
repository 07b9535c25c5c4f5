// The engines that replay generated queries, one per target. A target without an engine here
// is rendered and validated but not replayed.
import { compileKql, type CompiledKql } from '../kql/engine/index.ts';
import type { RenderedQuery } from '../targets/rendered.ts';
import type { TargetName } from '../logsources/types.ts';
import { runSpl } from '../spl/engine/index.ts';
import type { ReplayEngine } from './engine.ts';

const splunk: ReplayEngine = {
  target: 'splunk',
  run: (query, table, context) => ({ rows: runSpl(query.text, table.rows, { now: context.now, macros: context.macros }).rows }),
};

/**
 * Defender and Sentinel differ only by their tables: one KQL engine serves both. Compiling (Kusto's
 * parse and bind) costs far more than running on a test's rows, so a rendered query is compiled
 * once and run for each of its rule's tests.
 */
const kql = (target: Exclude<TargetName, 'splunk'>): ReplayEngine => {
  const compiled = new WeakMap<RenderedQuery, CompiledKql>();
  return {
    target,
    run: (query, table, context) => {
      let program = compiled.get(query);
      if (!program) compiled.set(query, (program = compileKql(query.text, { [table.name]: { columns: table.columns } })));
      const result = program.run({ [table.name]: { rows: table.rows } }, { now: context.now });
      return { rows: result.rows, estimated: result.estimated };
    },
  };
};

export function replayEngines(): ReplayEngine[] {
  return [splunk, kql('defender'), kql('sentinel')];
}
