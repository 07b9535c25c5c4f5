// Which fields a filter guarantees present: both renderers skip guards it makes redundant.
import type { Predicate } from '../ir/types.ts';

/** True when every event passing `filter` has a non-empty `field` (a positive test on it). */
export function impliesPresent(filter: Predicate, field: string): boolean {
  switch (filter.kind) {
    case 'and': return filter.items.some((i) => impliesPresent(i, field));
    case 'or': return filter.items.every((i) => impliesPresent(i, field));
    case 'not': case 'true': return false;
    case 'exists': return filter.field === field && filter.exists;
    default: return filter.field === field;
  }
}
