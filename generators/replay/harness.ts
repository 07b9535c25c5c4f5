// Replay: every rule test runs on the reference evaluator and, for each target with an
// engine, as the GENERATED query text on the fixture materialized for that target. Each
// result must satisfy `expect`, and every target must agree with the reference row for row.
import { performance } from 'node:perf_hooks';
import type { Catalog, CompiledRule, RuleTest } from '../catalog.ts';
import { evaluateQuery, type ResultRow } from '../ir/evaluator.ts';
import { profileOf } from '../logsources/loader.ts';
import type { TargetName } from '../logsources/types.ts';
import { render } from '../targets/index.ts';
import type { RenderedQuery } from '../targets/rendered.ts';
import { tuningMacro, TUNING_MACRO_DEFAULT } from '../targets/spl.ts';
import { toCanonicalRows } from './canonical-rows.ts';
import type { ReplayEngine } from './engine.ts';
import { checkExpectations, valuesEqual } from './expectations.ts';
import { materializeLazily, nativeTableOf } from './materialize.ts';
import type { CanonicalEvent } from '../rules/fixtures.ts';

export type ReplayTarget = 'reference' | TargetName;

export interface TestOutcome {
  readonly rule: CompiledRule;
  readonly test: RuleTest;
  readonly target: ReplayTarget;
  readonly failures: readonly string[];
  readonly rows: readonly ResultRow[];
  readonly durationMs: number;
}

export interface ReplayOptions {
  /** Engines by target; targets without one are not replayed. */
  readonly engines?: readonly ReplayEngine[];
  /** Limit the targets (the reference always runs: it is what the others are held to). */
  readonly targets?: readonly TargetName[];
}

/** The Splunk macros as the app ships them: each log source's (default profile) and each rule's tuning macro. */
export function replayMacros(catalog: Pick<Catalog, 'logsources' | 'rules'>): Map<string, string> {
  const macros = new Map([...catalog.logsources.values()].map((source) => {
    const p = profileOf(source, 'splunk');
    return [p.macro!, p.macroDefinition!] as const;
  }));
  for (const rule of catalog.rules) macros.set(tuningMacro(rule.document.name), TUNING_MACRO_DEFAULT);
  return macros;
}

export function replayCatalog(catalog: Catalog, options: ReplayOptions = {}): TestOutcome[] {
  const macros = replayMacros(catalog);
  return catalog.rules.flatMap((rule) => replayRule(rule, options, macros));
}

/**
 * One rule's tests on the reference and every engine. Each target's query is rendered once
 * (not per test), so an engine can compile it once for all tests; `renderings` passes renderings
 * made already (validation's, so the engine reuses its analysis). A rendering error fails each
 * of the rule's tests on that target.
 */
export function replayRule(rule: CompiledRule, options: ReplayOptions, macros: ReadonlyMap<string, string>, renderings: ReadonlyMap<TargetName, RenderedQuery | Error> = new Map()): TestOutcome[] {
  const engines = (options.engines ?? []).filter((e) => !options.targets || options.targets.includes(e.target));
  const rendered = new Map(engines.map((engine) => [engine, renderings.get(engine.target) ?? renderOrError(rule, engine.target)]));
  const outcomes: TestOutcome[] = [];
  for (const test of rule.tests) {
    const started = performance.now();
    const reference = evaluateQuery(rule.query, test.events, test.now);
    outcomes.push({ rule, test, target: 'reference', rows: reference, failures: checkExpectations(test.expect, reference).map((f) => f.message), durationMs: performance.now() - started });
    for (const engine of engines) outcomes.push(replayOn(engine, rule, test, reference, macros, rendered.get(engine)!));
  }
  return outcomes;
}

/** The rule's query for a target, or the error rendering it raised. */
export function renderOrError(rule: Pick<CompiledRule, 'query'>, target: TargetName): RenderedQuery | Error {
  try {
    return render(rule.query, target);
  } catch (e) {
    return e as Error;
  }
}

function replayOn(engine: ReplayEngine, rule: CompiledRule, test: RuleTest, reference: readonly ResultRow[], macros: ReadonlyMap<string, string>, rendered: RenderedQuery | Error): TestOutcome {
  const started = performance.now();
  const base = { rule, test, target: engine.target };
  let rows: ResultRow[];
  let estimated: ReadonlySet<string>;
  try {
    if (rendered instanceof Error) throw rendered;
    ({ rows, estimated } = runGeneratedQuery(engine, rule, test.events, test.now, macros, undefined, rendered));
  } catch (e) {
    return { ...base, rows: [], failures: [`the generated query did not run: ${(e as Error).message}`], durationMs: performance.now() - started };
  }
  const failures = checkExpectations(test.expect, rows).map((f) => f.message);
  const disagreement = compareWithReference(rows, reference, rule, estimated);
  if (disagreement) failures.push(disagreement);
  return { ...base, rows, failures, durationMs: performance.now() - started };
}

/**
 * The rule's generated query for the engine's target, run on the events materialized for that
 * target, with its rows mapped back to canonical columns (and which columns it estimates).
 */
export function runGeneratedQuery(engine: ReplayEngine, rule: Pick<CompiledRule, 'query'>, events: Iterable<CanonicalEvent>, now: number, macros: ReadonlyMap<string, string>, profile?: string, rendered: RenderedQuery = render(rule.query, engine.target, profile)): { rows: ResultRow[]; estimated: ReadonlySet<string> } {
  // Native rows are made as the engine reads them (`detc run` may give a window of millions), of
  // the columns it reads only (a KQL query reads a few of a table's hundred).
  const columns = engine.inputColumns?.(rendered, nativeTableOf(rule.query.logsource, engine.target, profile));
  const table = materializeLazily(events, rule.query.logsource, engine.target, profile, columns);
  const result = engine.run(rendered, table, { now, macros });
  const estimated = (result.estimated ?? []).map((native) => rendered.columns.find((c) => c.native === native)?.name ?? native);
  return { rows: toCanonicalRows(result.rows, rendered, rule.query.columns), estimated: new Set(estimated) };
}

/**
 * Row-for-row agreement with the reference, order-insensitive unless the rule orders (then the
 * target's rows must also be in the rule's order). Columns a target estimates compare within 2%.
 */
export function compareWithReference(rows: readonly ResultRow[], reference: readonly ResultRow[], rule: Pick<CompiledRule, 'query'>, estimated: ReadonlySet<string>): string | undefined {
  const same = (a: ResultRow, b: ResultRow) => rule.query.columns.every((c) => {
    const [x, y] = [a[c.name] ?? null, b[c.name] ?? null];
    if (estimated.has(c.name) && typeof x === 'number' && typeof y === 'number') return Math.abs(x - y) <= Math.max(1, 0.02 * y);
    return valuesEqual(x, y);
  });
  const remaining = [...rows];
  for (const expected of reference) {
    const i = remaining.findIndex((r) => same(r, expected));
    if (i < 0) {
      const closest = remaining[0];
      const diff = closest ? rule.query.columns.filter((c) => !valuesEqual(closest[c.name] ?? null, expected[c.name] ?? null)).map((c) => `${c.name}: reference ${JSON.stringify(expected[c.name] ?? null)}, target ${JSON.stringify(closest[c.name] ?? null)}`) : [];
      return `disagrees with the reference: row ${JSON.stringify(expected)} is missing${closest ? `; nearest row differs in ${diff.join('; ')}` : ' (the target returned no rows)'}`;
    }
    remaining.splice(i, 1);
  }
  if (remaining.length) return `disagrees with the reference: extra row ${JSON.stringify(remaining[0])}`;
  if (rule.query.order) {
    for (let i = 1; i < rows.length; i++) {
      for (const key of rule.query.order) {
        const [a, b] = [rows[i - 1]![key.column] ?? null, rows[i]![key.column] ?? null];
        if (valuesEqual(a, b)) continue;
        const inOrder = a !== null && (b === null || (key.descending ? a > b : a < b));
        if (!inOrder) return `rows are not in the rule's order at row ${i + 1}: ${JSON.stringify(rows[i])}`;
        break;
      }
    }
  }
  return undefined;
}
