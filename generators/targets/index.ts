import { TARGETS, type TargetName } from '../logsources/types.ts';
import type { Query } from '../ir/types.ts';
import { renderKql } from './kql.ts';
import type { RenderedQuery } from './rendered.ts';
import { renderSpl } from './spl.ts';

export type { RenderedQuery };
export { TARGETS, type TargetName };

export function render(query: Query, target: TargetName, profile?: string): RenderedQuery {
  switch (target) {
    case 'splunk': return renderSpl(query, profile);
    case 'defender':
    case 'sentinel': return renderKql(query, target, profile);
  }
}

/** File extension of a target's query text. */
export const queryExtension = (target: TargetName): string => (target === 'splunk' ? 'spl' : 'kql');
