// The engines that replay generated queries, one per target. A target without an engine here
// is rendered and validated but not replayed.
import type { ReplayEngine } from './engine.ts';

export function replayEngines(): ReplayEngine[] {
  return [];
}
