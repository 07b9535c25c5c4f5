// Differential check of one rule on one event set: the reference evaluator's rows against the
// generated query of every target on every log-source profile that maps the rule's fields
// (Splunk through our SPL engine, Defender and Sentinel through our KQL engine), compared
// with the harness's own canonical-row mapping and comparison.
import type { ResultRow } from '../../generators/ir/evaluator.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { usedFields, type Query } from '../../generators/ir/types.ts';
import { profileOf } from '../../generators/logsources/loader.ts';
import { TARGETS, type TargetName } from '../../generators/logsources/types.ts';
import type { ReplayEngine } from '../../generators/replay/engine.ts';
import { replayEngines } from '../../generators/replay/engines.ts';
import { compareWithReference, runGeneratedQuery } from '../../generators/replay/harness.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { kqlTablesFor, validateKql } from '../../generators/kql/validate.ts';
import { validateSpl } from '../../generators/spl/validate.ts';
import { render } from '../../generators/targets/index.ts';
import { tuningMacro, TUNING_MACRO_DEFAULT } from '../../generators/targets/spl.ts';
import type { LogSource } from '../../generators/logsources/types.ts';

export interface Disagreement {
  readonly target: TargetName;
  readonly profile: string;
  readonly message: string;
}

/** Profiles of a target that map every field the query reads (the others cannot run it). */
export function profilesFor(query: Query, target: TargetName): string[] {
  const used = usedFields(query);
  return [...query.logsource.targets[target].profiles.values()].filter((p) => [...used].every((f) => p.fields.has(f))).map((p) => p.name);
}

/** The macros as an admin sets them up for one Splunk profile (profiles share the macro's name), and the query's tuning macro. */
function splunkMacros(query: Query, profile: string): Map<string, string> {
  const p = profileOf(query.logsource, 'splunk', profile);
  return new Map([[p.macro!, p.macroDefinition!], [tuningMacro(query.name), TUNING_MACRO_DEFAULT]]);
}

const kqlTables = new Map<string, ReturnType<typeof kqlTablesFor>>();

/**
 * Diagnostics of the generated text: Microsoft's Kusto language service with the documented
 * tables, or our SPL validator. An engine may run a query the product would refuse.
 */
function invalid(query: Query, target: TargetName, profile: string): string | undefined {
  const text = render(query, target, profile).text;
  if (target === 'splunk') {
    const errors = validateSpl(text, { undefinedMacros: 'keep' }).filter((d) => d.severity === 'error');
    return errors.length ? `the generated SPL is invalid: ${errors.map((d) => d.message).join('; ')}` : undefined;
  }
  const key = `${query.logsource.name}/${target}`;
  if (!kqlTables.has(key)) kqlTables.set(key, kqlTablesFor([query.logsource as LogSource], target));
  const errors = validateKql(text, kqlTables.get(key)!);
  return errors.length ? `the generated KQL is invalid: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}` : undefined;
}

export interface DifferentialResult {
  readonly reference: ResultRow[];
  readonly disagreements: Disagreement[];
  /** How many (target, profile) replays ran. */
  readonly replays: number;
}

/**
 * Runs the query on the reference and on every engine × profile; a target that throws, or whose
 * rows differ from the reference's, is a disagreement. `engines` defaults to the real ones.
 */
export function differential(query: Query, events: readonly CanonicalEvent[], now: number, engines: readonly ReplayEngine[] = replayEngines()): DifferentialResult {
  const reference = evaluateQuery(query, events, now);
  const disagreements: Disagreement[] = [];
  let replays = 0;
  for (const target of TARGETS) {
    const engine = engines.find((e) => e.target === target);
    if (!engine) continue;
    for (const profile of profilesFor(query, target)) {
      replays++;
      const where = { target, profile };
      const problem = invalid(query, target, profile);
      if (problem) disagreements.push({ ...where, message: problem });
      let rows: ResultRow[];
      let estimated: ReadonlySet<string>;
      try {
        ({ rows, estimated } = runGeneratedQuery(engine, { query }, events, now, target === 'splunk' ? splunkMacros(query, profile) : new Map(), profile));
      } catch (e) {
        disagreements.push({ ...where, message: `the generated query did not run: ${(e as Error).message}` });
        continue;
      }
      const message = compareWithReference(rows, reference, { query }, estimated);
      if (message) disagreements.push({ ...where, message });
    }
  }
  return { reference, disagreements, replays };
}

/** A readable account of the disagreements, with each failing target's query text. */
export function describeDisagreements(query: Query, result: DifferentialResult, render: (target: TargetName, profile: string) => string): string {
  return result.disagreements
    .map((d) => `${d.target} (${d.profile}) ${d.message}\n--- ${d.target} query:\n${render(d.target, d.profile)}`)
    .join('\n\n');
}
