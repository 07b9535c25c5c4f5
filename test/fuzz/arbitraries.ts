// Random rules in the rule format (YAML documents, compiled by the real loader and builder) and
// random canonical event sets for them, over any bundled log source.
//   - Rules: selections with every modifier (equality with `*`/`?` wildcards and escapes,
//     contains/startswith/endswith, re, cidr, gt/gte/lt/lte, exists, all, cased), conditions
//     with and/or/not/parentheses/`1 of`/`all of`, summarize with by-fields, windows and every
//     aggregate (countif/dcountif included), having, order and limit — or per-event fields.
//   - Events: values drawn from a small alphabet that rule values also use (so tests match
//     often), in mixed case, with `*` `?` `%` `_` quotes and backslashes, empty strings and
//     missing fields; times exactly on bin boundaries, exactly at the lookback start, just
//     before it, and anywhere up to (not including) `now`.
// `now` is always after every event: what a query means for events stamped after the moment
// it runs is left open by design (see test/fuzz/README.md).
import fc from 'fast-check';
import { parseDuration } from '../../generators/ir/durations.ts';
import type { CanonicalField, LogSource } from '../../generators/logsources/types.ts';

/** Fields whose meaning differs by target on purpose (documented in the log source). */
const NOT_PORTABLE: Readonly<Record<string, readonly string[]>> = {
  // Splunk reads the parameter NAMES, KQL the whole JSON text (exchange_admin_audit.yml header).
  exchange_admin_audit: ['parameters'],
};

/** The fields the fuzzer may use: available on every default profile, portable, not name/value lists. */
export function fuzzableFields(source: LogSource): CanonicalField[] {
  return [...source.fields.values()].filter((f) =>
    (f.type as string) !== 'namevalue' &&
    !(NOT_PORTABLE[source.name] ?? []).includes(f.name) &&
    (['splunk', 'defender', 'sentinel'] as const).every((t) => {
      const p = source.targets[t].profiles.get(source.targets[t].defaultProfile)!;
      return p.fields.has(f.name) && !p.unavailable.has(f.name);
    }));
}

// One alphabet for event values and rule values: case pairs, wildcard and LIKE characters,
// quotes, a backslash, a space, a non-ASCII letter.
const ALPHABET = ['a', 'A', 'b', 'B', 'é', 'É', '*', '?', '%', '_', '"', "'", '\\', ' ', '.', '-'];
const char = fc.constantFrom(...ALPHABET);
const eventText = fc.oneof({ weight: 4, arbitrary: fc.string({ unit: char, minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.constantFrom('', 'ab', 'AB', 'a*b', 'a?b', 'a\\b', 'IMAP4', 'imap4') });
const ruleText = fc.string({ unit: char, minLength: 1, maxLength: 3 });
const IPS = ['10.0.0.1', '10.20.30.40', '203.0.113.7', '203.0.113.200', '198.51.100.1', '192.168.0.1', '2001:db8::1', '203.0.113.7:51522', 'x'];
const CIDRS = ['10.0.0.0/8', '203.0.113.0/24', '203.0.113.7/32', '0.0.0.0/0', '192.168.0.0/16', '198.51.100.0/25'];
const INTS = [0, 1, 7, 443, 993, 50126, -1];
// The regular-expression subset every target shares (no lookaround, backreferences or inline flags).
const REGEXES = ['^a', 'b$', 'a.b', '[ab]+', 'a|b', '^\\w*$', '\\.', '%_', 'é', '^[^a]', '\\*', '\\\\', '^a?b*$', 'a{2}', '\\d'];

const LOOKBACKS = ['90s', '5m', '1h', '1d'];
const WINDOWS = ['30s', '1m', '5m', '1h', '1d'];

type Scalar = string | number | boolean;
type SelectionMap = Record<string, Scalar | Scalar[]>;

/** One `key: value` of a selection map for a field. */
function fieldEntry(f: CanonicalField): fc.Arbitrary<[string, Scalar | Scalar[]]> {
  const one = <T extends Scalar>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: arb }, { weight: 1, arbitrary: fc.array(arb, { minLength: 2, maxLength: 3 }) });
  const exists = fc.boolean().map((b): [string, Scalar] => [`${f.name}|exists`, b]);
  switch (f.type) {
    case 'string':
    case 'ip': {
      const cased = fc.constantFrom('', '|cased');
      const text = f.type === 'ip' ? fc.oneof(ruleText, fc.constantFrom(...IPS, '203.0.113.*', '10.*', '*.7')) : ruleText;
      const options: fc.Arbitrary<[string, Scalar | Scalar[]]>[] = [
        fc.tuple(fc.constantFrom('', '|contains', '|startswith', '|endswith'), cased, one(text)).map(([op, c, v]) => [`${f.name}${op}${c}`, v]),
        fc.tuple(fc.constantFrom('|contains', '|startswith', '|endswith'), cased, fc.array(text, { minLength: 2, maxLength: 2 })).map(([op, c, v]) => [`${f.name}${op}|all${c}`, v]),
        fc.tuple(cased, one(fc.constantFrom(...REGEXES))).map(([c, v]) => [`${f.name}|re${c}`, v]),
        exists,
      ];
      if (f.type === 'ip') options.push(one(fc.constantFrom(...CIDRS)).map((v): [string, Scalar | Scalar[]] => [`${f.name}|cidr`, v]));
      return fc.oneof(...options);
    }
    case 'int':
    case 'real':
      return fc.oneof(
        one(fc.constantFrom(...INTS)).map((v): [string, Scalar | Scalar[]] => [f.name, v]),
        fc.tuple(fc.constantFrom('gt', 'gte', 'lt', 'lte'), fc.constantFrom(...INTS, 100)).map(([op, v]): [string, Scalar] => [`${f.name}|${op}`, v]),
        exists,
      );
    case 'bool':
      return fc.oneof(fc.boolean().map((b): [string, Scalar] => [f.name, b]), exists);
    default:
      return exists;
  }
}

function selectionMap(fields: readonly CanonicalField[]): fc.Arbitrary<SelectionMap> {
  const testable = fields.filter((f) => f.type !== 'datetime');
  return fc.array(fc.constantFrom(...testable).chain(fieldEntry), { minLength: 1, maxLength: 2 })
    .map((entries) => Object.fromEntries(entries));
}

/** A condition using every name exactly once: a random tree of and/or/not. */
function conditionOver(names: readonly string[]): fc.Arbitrary<string> {
  if (names.length === 1) return fc.boolean().map((negate) => (negate ? `not ${names[0]}` : names[0]!));
  return fc.tuple(fc.integer({ min: 1, max: names.length - 1 }), fc.constantFrom('and', 'or'), fc.boolean()).chain(([cut, op, negate]) =>
    fc.tuple(conditionOver(names.slice(0, cut)), conditionOver(names.slice(cut))).map(([a, b]) => {
      const inner = `(${a}) ${op} (${b})`;
      return negate ? `not (${inner})` : inner;
    }));
}

export interface FuzzRule {
  readonly document: Record<string, unknown>;
  readonly lookbackSeconds: number;
  readonly windowSeconds?: number;
}

/** A rule document in the rule format (everything but `tests`) over the log source. */
export function ruleDocument(source: LogSource): fc.Arbitrary<FuzzRule> {
  const fields = fuzzableFields(source);
  const outputs = fields.filter((f) => f.type !== 'datetime');
  const numeric = fields.filter((f) => f.type === 'int' || f.type === 'real').map((f) => f.name);
  const ordered = fields.filter((f) => ['int', 'real', 'datetime'].includes(f.type)).map((f) => f.name);
  const names = ['sel_a', 'sel_b', 'sel_c'];

  const match = fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: selectionMap(fields) }, { weight: 1, arbitrary: fc.array(selectionMap(fields), { minLength: 2, maxLength: 2 }) }), { minLength: n, maxLength: n }),
    fc.oneof({ weight: 5, arbitrary: conditionOver(names.slice(0, n)) }, { weight: 1, arbitrary: fc.constantFrom('1 of sel_*', 'all of them', 'not 1 of them') }),
  ).map(([maps, condition]) => ({ n, match: { ...Object.fromEntries(maps.map((m, i) => [names[i]!, m])), condition } })));

  return fc.tuple(match, fc.constantFrom(...LOOKBACKS), fc.boolean()).chain(([{ n, match: m }, lookback, summarized]) => {
    const lookbackSeconds = parseDuration(lookback);
    const subCondition = fc.oneof(fc.constantFrom(...names.slice(0, n)), fc.constantFrom(...names.slice(0, n)).map((s) => `not ${s}`), fc.constant(n > 1 ? 'sel_a and not sel_b' : 'not sel_a'));
    const base = { lookback, match: m };
    if (!summarized) {
      return fc.tuple(fc.uniqueArray(fc.constantFrom(...outputs.map((f) => f.name)), { minLength: 1, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), fc.boolean())
        .map(([shown, limit, descending]): FuzzRule => ({
          lookbackSeconds,
          // A limit needs a total order, or which rows survive it is up to each engine.
          document: { ...base, fields: shown, ...(limit !== undefined ? { order: shown.map((f) => (descending ? `-${f}` : f)), limit } : {}) },
        }));
    }
    const aggregate = fc.oneof(
      fc.constant('count()'),
      subCondition.map((c) => `countif(${c})`),
      fc.constantFrom(...outputs.map((f) => f.name)).map((f) => `dcount(${f})`),
      fc.tuple(fc.constantFrom(...outputs.map((f) => f.name)), subCondition).map(([f, c]) => `dcountif(${f}, ${c})`),
      fc.tuple(fc.constantFrom(...outputs.map((f) => f.name)), fc.constantFrom(1, 2, 100)).map(([f, cap]) => `values(${f}, ${cap})`),
      fc.tuple(fc.constantFrom('min', 'max'), fc.constantFrom(...ordered)).map(([fn, f]) => `${fn}(${f})`),
      ...(numeric.length ? [fc.tuple(fc.constantFrom('sum', 'avg'), fc.constantFrom(...numeric)).map(([fn, f]) => `${fn}(${f})`)] : []),
    );
    const windows = WINDOWS.filter((w) => parseDuration(w) <= lookbackSeconds);
    return fc.record({
      by: fc.uniqueArray(fc.constantFrom(...outputs.map((f) => f.name)), { maxLength: 2 }),
      window: fc.option(fc.constantFrom(...windows), { nil: undefined }),
      compute: fc.array(aggregate, { minLength: 1, maxLength: 3 }),
      having: fc.option(fc.tuple(fc.constantFrom('==', '!=', '<', '<=', '>', '>='), fc.integer({ min: 0, max: 3 }), fc.constantFrom('', 'not', 'or')), { nil: undefined }),
      order: fc.option(fc.boolean(), { nil: undefined }),
      limit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    }).map(({ by, window, compute, having, order, limit }): FuzzRule => {
      const computeMap = Object.fromEntries(compute.map((c, i) => [`c${i}`, c]));
      const counts = compute.map((c, i) => [c, `c${i}`] as const).filter(([c]) => /^(count|countif|dcount|dcountif)\(/.test(c)).map(([, name]) => name);
      let havingText: string | undefined;
      if (having && counts[0]) {
        const [op, value, shape] = having;
        const leaf = `${counts[0]} ${op} ${value}`;
        havingText = shape === 'not' ? `not (${leaf})` : shape === 'or' ? `${leaf} or ${counts.at(-1)} >= ${value + 1}` : leaf;
      }
      // Group keys (by-fields and the window) make the order total, so a limit keeps the same rows everywhere.
      const sortable = compute.map((c, i) => [c, `c${i}`] as const).filter(([c]) => !c.startsWith('values(')).map(([, name]) => name);
      const keys = order !== undefined || limit !== undefined ? [...sortable.slice(0, 1).map((k) => (order ? `-${k}` : k)), ...by, ...(window ? ['window'] : [])] : [];
      const total = keys.length > 0;
      return {
        lookbackSeconds,
        windowSeconds: window ? parseDuration(window) : undefined,
        document: {
          ...base,
          summarize: { by, ...(window ? { window } : {}), compute: computeMap },
          ...(havingText ? { having: havingText } : {}),
          ...(total ? { order: keys } : {}),
          ...(total && limit !== undefined ? { limit } : {}),
        },
      };
    });
  });
}

/** A canonical event (fixture form: ISO times) for the log source. */
function event(fields: readonly CanonicalField[], times: fc.Arbitrary<number>): fc.Arbitrary<Record<string, unknown>> {
  const entries = fields.map((f) => {
    let value: fc.Arbitrary<unknown>;
    switch (f.type) {
      case 'datetime': value = times.map((t) => new Date(t).toISOString()); break;
      case 'ip': value = fc.oneof(fc.constantFrom(...IPS), f.required ? eventText.filter((t) => t !== '') : eventText); break;
      case 'int': case 'real': value = fc.constantFrom(...INTS); break;
      case 'bool': value = fc.boolean(); break;
      // A required field is always there and never empty (the renderers rely on it: `f!=v`).
      default: value = f.required ? eventText.filter((t) => t !== '') : eventText;
    }
    // Optional fields are sometimes missing (absent or null).
    const maybe = f.required ? value : fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: fc.constantFrom(null, undefined) });
    return [f.name, maybe] as const;
  });
  return fc.tuple(...entries.map(([, a]) => a)).map((values) => {
    const e: Record<string, unknown> = {};
    values.forEach((v, i) => {
      if (v !== undefined) e[entries[i]![0]] = v;
    });
    return e;
  });
}

/** Epoch ms of a fixed "now", sometimes on an hour boundary, sometimes not. */
const NOW = fc.constantFrom(Date.UTC(2026, 6, 1, 12, 0, 0), Date.UTC(2026, 6, 1, 12, 7, 31, 250));

export interface FuzzCase {
  readonly rule: Record<string, unknown>;
  readonly events: readonly Record<string, unknown>[];
  readonly now: number;
}

/** A rule and an event set for it over the log source. */
export function fuzzCase(source: LogSource): fc.Arbitrary<FuzzCase> {
  const fields = fuzzableFields(source);
  return fc.tuple(ruleDocument(source), NOW).chain(([rule, now]) => {
    const start = now - rule.lookbackSeconds * 1000;
    const w = (rule.windowSeconds ?? 300) * 1000;
    const lastBin = Math.floor((now - 1) / w) * w;
    const times = fc.oneof(
      fc.constant(start), // exactly at the lookback start (inside)
      fc.constant(start - 1), // just before it (outside)
      fc.integer({ min: 0, max: 3 }).map((k) => lastBin - k * w).filter((t) => t < now), // on a bin boundary
      fc.integer({ min: 0, max: 3 }).map((k) => lastBin - k * w - 1), // the last millisecond of a bin
      fc.integer({ min: start, max: now - 1 }),
      fc.constant(now - 1), // the last moment before now
    );
    return fc.array(event(fields, times), { minLength: 0, maxLength: 8 }).map((events): FuzzCase => ({ rule: rule.document, events, now }));
  });
}
