// The engines that replay generated queries, one per target. A target without an engine here
// is rendered and validated but not replayed.
import { runKql } from '../kql/engine/index.ts';
import type { TargetName } from '../logsources/types.ts';
import { runSpl } from '../spl/engine/index.ts';
import type { ReplayEngine } from './engine.ts';

const splunk: ReplayEngine = {
  target: 'splunk',
  run: (query, table, context) => ({ rows: runSpl(query.text, table.rows, { now: context.now, macros: context.macros }).rows }),
};

/** Defender and Sentinel differ only by their tables: one KQL engine serves both. */
const kql = (target: Exclude<TargetName, 'splunk'>): ReplayEngine => ({
  target,
  run: (query, table, context) => {
    const result = runKql(query.text, { [table.name]: { columns: table.columns, rows: table.rows } }, { now: context.now });
    return { rows: result.rows, estimated: result.estimated };
  },
});

export function replayEngines(): ReplayEngine[] {
  return [splunk, kql('defender'), kql('sentinel')];
}
