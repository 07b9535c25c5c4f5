// For random rules within the format (selections with every modifier, conditions with
// and/or/not, aggregates, having, order, limit), every target's generated query is valid:
// zero diagnostics from Microsoft's Kusto language service against the documented tables (on
// every Defender and Sentinel profile) and none from our SPL validator (on every Splunk
// profile). Agreement of results is the replay harness's job; this catches invalid text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Aggregate, FieldTest, HavingExpr, Predicate, Query } from '../../generators/ir/types.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { kqlTablesFor, validateKql } from '../../generators/kql/validate.ts';
import { validateSpl } from '../../generators/spl/validate.ts';
import { render } from '../../generators/targets/index.ts';

const sources = loadLogSources();
const logsource = sources.get('entra_signin')!;
const tables = { defender: kqlTablesFor(sources.values(), 'defender'), sentinel: kqlTablesFor(sources.values(), 'sentinel') };

/** Fields every default profile maps, by canonical type. */
const available = [...logsource.fields.values()].filter((f) =>
  (['splunk', 'defender', 'sentinel'] as const).every((t) => logsource.targets[t].profiles.get(logsource.targets[t].defaultProfile)!.fields.has(f.name)));
const ofType = (...types: string[]) => available.filter((f) => types.includes(f.type)).map((f) => f.name);
const strings = ofType('string', 'ip');
const numbers = ofType('int', 'real');

const text = fc.string({ unit: fc.constantFrom('a', 'B', '1', ' ', '-', '.', '"', "'", '\\', '|', '*', '?', '`', '[', '%', '_', 'é'), minLength: 1, maxLength: 8 });
const fieldTest: fc.Arbitrary<FieldTest> = fc.oneof(
  fc.record({ kind: fc.constant('string' as const), field: fc.constantFrom(...strings), op: fc.constantFrom('eq', 'contains', 'startswith', 'endswith' as const), value: text, cased: fc.boolean() }),
  fc.record({ kind: fc.constant('pattern' as const), field: fc.constantFrom(...strings), pattern: fc.constant([{ kind: 'literal' as const, text: 'a' }, { kind: 'anyChar' as const }, { kind: 'anyRun' as const }, { kind: 'literal' as const, text: 'b' }]), source: fc.constant('a?*b'), cased: fc.boolean() }),
  fc.record({ kind: fc.constant('regex' as const), field: fc.constantFrom(...strings), regex: fc.constantFrom('^IMAP\\d$', 'smtp|pop', '[a-z]+@contoso\\.com'), cased: fc.boolean() }),
  fc.record({ kind: fc.constant('cidr' as const), field: fc.constant('src_ip'), cidr: fc.constantFrom('203.0.113.0/24', '10.0.0.0/8') }),
  fc.record({ kind: fc.constant('number' as const), field: fc.constantFrom(...numbers), op: fc.constantFrom('eq', 'gt', 'gte', 'lt', 'lte' as const), value: fc.integer({ min: 0, max: 60000 }) }),
  fc.record({ kind: fc.constant('exists' as const), field: fc.constantFrom(...strings, ...numbers), exists: fc.boolean() }),
);
const predicate: fc.Arbitrary<Predicate> = fc.letrec<{ p: Predicate }>((tie) => ({
  p: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fieldTest,
    fc.record({ kind: fc.constant('and' as const), items: fc.array(tie('p'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('or' as const), items: fc.array(tie('p'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), item: tie('p') })),
})).p;

const aggregate: fc.Arbitrary<Aggregate> = fc.oneof(
  fc.constant({ fn: 'count' as const }),
  predicate.map((p) => ({ fn: 'countif' as const, predicate: p })),
  fc.constantFrom(...strings).map((field) => ({ fn: 'dcount' as const, field })),
  fc.tuple(fc.constantFrom(...strings), predicate).map(([field, p]) => ({ fn: 'dcountif' as const, field, predicate: p })),
  fc.tuple(fc.constantFrom(...strings), fc.integer({ min: 1, max: 100 })).map(([field, cap]) => ({ fn: 'values' as const, field, cap })),
  fc.constantFrom('min', 'max').map((fn) => ({ fn: fn as 'min' | 'max', field: 'timestamp' })),
);

const query: fc.Arbitrary<Query> = fc.record({
  filter: predicate,
  by: fc.uniqueArray(fc.constantFrom(...strings), { maxLength: 2 }),
  window: fc.option(fc.constantFrom(300, 3600, 86400), { nil: undefined }),
  compute: fc.array(aggregate, { minLength: 1, maxLength: 3 }),
  limit: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
  descending: fc.boolean(),
  threshold: fc.integer({ min: 0, max: 20 }),
}).map(({ filter, by, window, compute, limit, descending, threshold }) => {
  const computed = compute.map((aggregate, i) => ({ name: `c${i}`, aggregate }));
  const counts = computed.filter((c) => ['count', 'countif', 'dcount', 'dcountif'].includes(c.aggregate.fn));
  const having: HavingExpr | undefined = counts[0] ? { kind: 'compare', column: counts[0].name, op: '>=', value: threshold } : undefined;
  return {
    name: 'random-rule', logsource, lookback: 86400, filter,
    summarize: { by, window, compute: computed },
    having,
    order: counts[0] ? [{ column: counts[0].name, descending }] : undefined,
    limit,
    columns: [
      ...by.map((f) => ({ name: f, type: logsource.fields.get(f)!.type, field: f })),
      ...(window ? [{ name: 'window', type: 'datetime' as const }] : []),
      ...computed.map((c) => ({ name: c.name, type: c.aggregate.fn === 'values' ? ('list' as const) : c.aggregate.fn === 'min' || c.aggregate.fn === 'max' ? ('datetime' as const) : ('long' as const) })),
    ],
    selections: new Map(),
  } satisfies Query;
});

describe('random rules render to valid queries', () => {
  it('KQL (every Defender and Sentinel profile): zero Kusto diagnostics (200 rules)', () => {
    fc.assert(fc.property(query, (q) => {
      for (const target of ['defender', 'sentinel'] as const) {
        for (const profile of logsource.targets[target].profiles.keys()) {
          if (!profileMapsAll(q, target, profile)) continue;
          const text = render(q, target, profile).text;
          expect(validateKql(text, tables[target]), `${target}/${profile}:\n${text}`).toEqual([]);
        }
      }
    }), { numRuns: 200 });
  });

  it('SPL (every Splunk profile): no diagnostics from our SPL validator (200 rules)', () => {
    fc.assert(fc.property(query, (q) => {
      for (const profile of logsource.targets.splunk.profiles.keys()) {
        if (!profileMapsAll(q, 'splunk', profile)) continue;
        const text = render(q, 'splunk', profile).text;
        expect(validateSpl(text, { undefinedMacros: 'keep' }).filter((d) => d.severity === 'error'), `${profile}:\n${text}`).toEqual([]);
      }
    }), { numRuns: 200 });
  });
});

/** Profiles that lack a field the rule uses are skipped (the loader reports that case). */
function profileMapsAll(q: Query, target: 'splunk' | 'defender' | 'sentinel', profile: string): boolean {
  const fields = logsource.targets[target].profiles.get(profile)!.fields;
  const used = JSON.stringify(q, (k, v) => (k === 'logsource' ? undefined : v instanceof Map ? undefined : v));
  return [...logsource.fields.keys()].every((f) => fields.has(f) || !used.includes(`"${f}"`));
}
