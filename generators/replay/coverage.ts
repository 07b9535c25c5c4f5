// Test coverage of a rule's logic: each selection and each `having` comparison should be seen
// both true and false across the rule's tests, or a test is missing.
import type { CompiledRule } from '../catalog.ts';
import { compileHaving, compilePredicate, inLookback, summarizedRows } from '../ir/evaluator.ts';
import type { HavingExpr } from '../ir/types.ts';

export interface CoverageItem {
  readonly kind: 'selection' | 'having';
  readonly name: string;
  readonly seenTrue: number;
  readonly seenFalse: number;
}

export interface RuleCoverage {
  readonly rule: CompiledRule;
  readonly items: readonly CoverageItem[];
  /** A test that expects no rows, or excludes rows: without one, nothing shows the rule stays quiet. */
  readonly hasNegativeTest: boolean;
}

export function ruleCoverage(rule: CompiledRule): RuleCoverage {
  const items: CoverageItem[] = [];
  for (const [name, predicate] of rule.query.selections) {
    const test = compilePredicate(predicate);
    let seenTrue = 0;
    let seenFalse = 0;
    for (const t of rule.tests) for (const e of inLookback(rule.query, t.events, t.now)) test(e) ? seenTrue++ : seenFalse++;
    items.push({ kind: 'selection', name, seenTrue, seenFalse });
  }
  for (const leaf of havingLeaves(rule.query.having)) {
    const test = compileHaving(leaf);
    let seenTrue = 0;
    let seenFalse = 0;
    for (const t of rule.tests) for (const row of summarizedRows(rule.query, t.events, t.now)) test(row) ? seenTrue++ : seenFalse++;
    items.push({ kind: 'having', name: `${leaf.column} ${leaf.op} ${JSON.stringify(leaf.value)}`, seenTrue, seenFalse });
  }
  const hasNegativeTest = rule.tests.some((t) => t.expect.rows === 0 || (t.expect.exclude?.length ?? 0) > 0 || t.expect.equals?.length === 0);
  return { rule, items, hasNegativeTest };
}

function havingLeaves(h: HavingExpr | undefined): Array<HavingExpr & { kind: 'compare' }> {
  if (!h) return [];
  if (h.kind === 'compare') return [h];
  if (h.kind === 'not') return havingLeaves(h.item);
  return h.items.flatMap(havingLeaves);
}

export function formatCoverage(coverage: readonly RuleCoverage[]): string {
  const lines: string[] = ['coverage: each selection and having clause seen true / false across the tests'];
  for (const c of coverage) {
    lines.push(`  ${c.rule.document.name}${c.hasNegativeTest ? '' : '   (warning: no negative test: add one that expects no rows)'}`);
    for (const item of c.items) {
      const full = item.seenTrue > 0 && item.seenFalse > 0;
      lines.push(`    ${full ? '✓' : '✗'} ${item.kind.padEnd(9)} ${item.name.padEnd(32)} true ${String(item.seenTrue).padStart(4)}  false ${String(item.seenFalse).padStart(4)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
