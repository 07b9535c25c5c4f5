// Disjunctions both languages write as one list test: `f IN (…)` in SPL, `f in (…)` in KQL.
import type { Predicate } from '../ir/types.ts';

/** `f == 1 or f == 2 …` on one numeric field, as its values (ports, error codes). */
export function sameFieldNumbers(p: Predicate & { kind: 'or' }): { field: string; values: number[] } | undefined {
  const first = p.items[0];
  if (p.items.length < 2 || first?.kind !== 'number') return undefined;
  const ok = p.items.every((i) => i.kind === 'number' && i.op === 'eq' && i.field === first.field);
  return ok ? { field: first.field, values: p.items.map((i) => (i as { value: number }).value) } : undefined;
}

/** `f == "a" or f == "b" …` on one string field, all with the same case sensitivity. */
export function sameFieldEqualities(p: Predicate & { kind: 'or' }): { field: string; values: string[]; cased: boolean } | undefined {
  const first = p.items[0];
  if (p.items.length < 2 || first?.kind !== 'string') return undefined;
  const ok = p.items.every((i) => i.kind === 'string' && i.op === 'eq' && i.cased === first.cased && i.field === first.field);
  return ok ? { field: first.field, values: p.items.map((i) => (i as { value: string }).value), cased: first.cased } : undefined;
}
