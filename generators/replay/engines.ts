// The engines that replay generated queries, one per target. A target without an engine here
// is rendered and validated but not replayed.
import { runSpl } from '../spl/engine/index.ts';
import type { ReplayEngine } from './engine.ts';

const splunk: ReplayEngine = {
  target: 'splunk',
  run: (query, table, context) => ({ rows: runSpl(query.text, table.rows, { now: context.now, macros: context.macros }).rows }),
};

export function replayEngines(): ReplayEngine[] {
  return [splunk];
}
