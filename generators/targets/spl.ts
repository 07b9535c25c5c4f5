// IR → Splunk SPL.
// Shape: the log-source macro and every filter the search command can say exactly go in the
// base search (indexed, case-insensitive field matching); only what it cannot say (regexes,
// `?` wildcards, case-sensitive tests, values holding a literal `*`, backticks or control
// characters) goes to one `| where`. Time bins come from `bin _time` before `stats … by _time`.
import { impliesPresent } from './presence.ts';
import { sameFieldEqualities, sameFieldNumbers } from './value-lists.ts';
import { nativeField, profileOf } from '../logsources/loader.ts';
import { formatDuration } from '../ir/durations.ts';
import { patternToRegexSource } from '../ir/patterns.ts';
import type { Aggregate, FieldTest, HavingExpr, Predicate, Query } from '../ir/types.ts';
import { WINDOW_COLUMN } from '../ir/types.ts';
import type { RenderedQuery } from './rendered.ts';
import { pcreEscape, SEARCH_UNSAFE, splEvalField, splEvalString, splQuoted, splSearchField } from './spl-literals.ts';

export function renderSpl(query: Query, profileName?: string): RenderedQuery {
  const profile = profileOf(query.logsource, 'splunk', profileName);
  const native = (field: string): string => nativeField(query.logsource, 'splunk', profile, field).column;
  const required = (field: string): boolean => query.logsource.fields.get(field)!.required;
  const search = new SearchSyntax(native, required);
  const evalSyntax = new EvalSyntax(native, required);

  // Split the filter: conjuncts the search command can say exactly stay in the base search.
  const conjuncts = query.filter.kind === 'and' ? query.filter.items : query.filter.kind === 'true' ? [] : [query.filter];
  const base = conjuncts.filter((p) => search.canSay(p));
  const rest = conjuncts.filter((p) => !search.canSay(p));

  const lines: string[] = [];
  // What the search command cannot say exactly may still imply a cheap indexed test (an entry
  // test implies its name is among X{}.Name): keep that in the base search too.
  const implied = rest.map((p) => search.implied(p)).filter((t): t is string => t !== undefined);
  // stats BY drops events missing a group key but keeps an empty one (a JSON "" is extracted as
  // an empty field); the rule's meaning drops both.
  const groupKeys = (query.summarize?.by ?? []).filter((f) => !required(f) && !impliesPresent(query.filter, f)).map((f) => `${splSearchField(native(f))}!=""`);
  const head = [`\`${profile.macro}\``, `earliest=-${formatDuration(query.lookback)}`, ...base.map((p) => search.render(p, true)), ...implied, ...groupKeys];
  lines.push(head.join(' '));
  if (rest.length) lines.push(`| where ${rest.map((p) => evalSyntax.render(p, rest.length > 1)).join(' AND ')}`);

  const columns: { name: string; native: string }[] = [];
  const s = query.summarize;
  if (s) {
    // bin rewrites _time to the start of its bin, so aggregates over the event time read a
    // copy made before it; _time stays the window (Splunk shows it, alerts throttle on it).
    const readsTime = s.window !== undefined && s.compute.some((c) => 'field' in c.aggregate && native(c.aggregate.field) === '_time');
    if (readsTime) lines.push(`| eval ${EVENT_TIME}=_time`);
    if (s.window !== undefined) lines.push(`| bin _time span=${formatDuration(s.window)}`);
    const by = [...(s.window !== undefined ? ['_time'] : []), ...s.by.map((f) => splSearchField(native(f)))];
    const nativeForStats = (f: string) => (readsTime && native(f) === '_time' ? EVENT_TIME : native(f));
    const aggregates = s.compute.map((c) => `${aggregateCall(c.aggregate, nativeForStats, evalSyntax, required)} AS ${c.name}`);
    lines.push(`| stats ${aggregates.join(', ')}${by.length ? ` BY ${by.join(' ')}` : ''}`);
    // stats leaves sum() empty when no event has the field (or there are no events); the rule's
    // sum is 0 then, as Kusto's is ("Default values of aggregations": sum() → 0).
    const sums = s.compute.filter((c) => c.aggregate.fn === 'sum');
    if (sums.length) lines.push(`| fillnull value=0 ${sums.map((c) => c.name).join(' ')}`);
    const caps = s.compute.filter((c) => c.aggregate.fn === 'values');
    for (const c of caps) {
      // values() is distinct and lexically sorted; keep its first n like the rule says.
      if (c.aggregate.fn === 'values') lines.push(`| eval ${c.name}=mvindex(${c.name}, 0, ${c.aggregate.cap - 1})`);
    }
    const times = s.compute.filter((c) => (c.aggregate.fn === 'min' || c.aggregate.fn === 'max') && query.logsource.fields.get(c.aggregate.field)?.type === 'datetime');
    // fieldformat shows a readable time but keeps the epoch value for sorting and alerting.
    for (const c of times) lines.push(`| fieldformat ${c.name}=strftime(${c.name}, "%Y-%m-%dT%H:%M:%S%z")`);
    for (const column of query.columns) {
      columns.push({ name: column.name, native: column.name === WINDOW_COLUMN && !column.field ? '_time' : column.field ? native(column.field) : column.name });
    }
  } else {
    const fields = query.project!.map((f) => splSearchField(native(f)));
    lines.push(`| table ${fields.join(' ')}`);
    for (const f of query.project!) columns.push({ name: f, native: native(f) });
  }
  if (query.having) lines.push(`| where ${renderHaving(query.having, columns)}`);
  if (query.order) {
    // sort puts results missing a key last, an empty value first: make empty values missing
    // (in shown fields the log source does not always fill; group keys are never empty).
    const emptyable = query.order.map((k) => query.columns.find((c) => c.name === k.column)!)
      .filter((c) => !query.summarize && (c.type === 'string' || c.type === 'ip') && c.field !== undefined && !required(c.field));
    for (const c of emptyable) {
      const f = splEvalField(columns.find((x) => x.name === c.name)!.native);
      lines.push(`| eval ${f}=nullif(${f}, "")`);
    }
    // sort takes plain field names; single quotes name a field only inside eval/where.
    const keys = query.order.map((k) => `${k.descending ? '-' : ''}${splSearchField(columns.find((c) => c.name === k.column)?.native ?? k.column)}`);
    // sort's default keeps 10,000 rows; say the count we want (0 = all).
    lines.push(`| sort ${query.limit ?? 0} ${keys.join(', ')}`);
  } else if (query.limit !== undefined) lines.push(`| head ${query.limit}`);
  // Local tuning without editing the rule: the app ships this macro as `search *`.
  lines.push(`| \`${tuningMacro(query.name)}\``);
  return { target: 'splunk', profile: profile.name, text: lines.join('\n'), columns };
}

/** A copy of each event's time, taken before `bin` rounds _time down. */
const EVENT_TIME = 'event_time';

/** The per-rule macro an admin edits to tune a search's results (`search *` by default). */
export const tuningMacro = (ruleName: string): string => `detc_${ruleName.replace(/-/g, '_')}_filter`;
export const TUNING_MACRO_DEFAULT = 'search *';

const columnIn = (columns: readonly { name: string; native: string }[], name: string): string =>
  splEvalField(columns.find((c) => c.name === name)?.native ?? name);

function renderHaving(h: HavingExpr, columns: readonly { name: string; native: string }[]): string {
  switch (h.kind) {
    case 'and':
    case 'or':
      return `(${h.items.map((i) => renderHaving(i, columns)).join(h.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `NOT (${renderHaving(h.item, columns)})`;
    case 'compare':
      return `${columnIn(columns, h.column)}${h.op}${typeof h.value === 'number' ? h.value : splEvalString(h.value)}`;
  }
}

function aggregateCall(a: Aggregate, native: (f: string) => string, evalSyntax: EvalSyntax, required: (f: string) => boolean): string {
  // dc() counts an empty value (a JSON "" is extracted as an empty field); the rule's distinct
  // count does not (nor do its values). A field the log source always fills needs no guard.
  const counted = (f: string, condition?: Predicate) => {
    const field = splEvalField(native(f));
    const guard = required(f) ? [] : [`${field}!=""`];
    const tests = [...(condition ? [evalSyntax.render(condition, guard.length > 0)] : []), ...guard];
    return tests.length ? `dc(eval(if(${tests.join(' AND ')}, ${field}, null())))` : `dc(${splSearchField(native(f))})`;
  };
  switch (a.fn) {
    case 'count': return 'count';
    case 'countif': return `count(eval(${evalSyntax.render(a.predicate, false)}))`;
    case 'dcount': return counted(a.field);
    case 'dcountif': return counted(a.field, a.predicate);
    // values() keeps an empty value too, and sorts it first, so a cap would keep it.
    case 'values': return required(a.field) ? `values(${splSearchField(native(a.field))})` : `values(eval(if(${splEvalField(native(a.field))}!="", ${splEvalField(native(a.field))}, null())))`;
    case 'min':
    case 'max':
    case 'sum':
    case 'avg': return `${a.fn}(${splSearchField(native(a.field))})`;
  }
}

/** Predicates in the search command's own syntax (case-insensitive field values, `*` wildcards). */
class SearchSyntax {
  constructor(private readonly native: (field: string) => string, private readonly required: (field: string) => boolean) {}

  canSay(p: Predicate): boolean {
    switch (p.kind) {
      case 'true': return true;
      case 'and': case 'or': return p.items.every((i) => this.canSay(i));
      case 'not': return this.canSay(p.item);
      case 'string': return !p.cased && !SEARCH_UNSAFE.test(p.value);
      case 'pattern': return !p.cased && p.pattern.every((part) => part.kind === 'anyRun' || (part.kind === 'literal' && !SEARCH_UNSAFE.test(part.text)));
      case 'regex': case 'entry': return false;
      case 'cidr': case 'number': case 'bool': case 'exists': return true;
    }
  }

  /**
   * A search-command test that every event satisfying `p` passes, or undefined: the base
   * search's cheap, indexed prefilter for what only `| where` says exactly. An entry test that
   * needs its entry implies the name among X{}.Name (the search command matches any value of a
   * multivalue field, case-insensitively); nothing is implied under `not`.
   */
  implied(p: Predicate): string | undefined {
    if (this.canSay(p)) return this.render(p, false) || undefined;
    switch (p.kind) {
      case 'and': {
        const items = p.items.map((i) => this.implied(i)).filter((t): t is string => t !== undefined);
        return items.length === 0 ? undefined : items.length === 1 ? items[0] : `(${items.join(' ')})`;
      }
      case 'or': {
        const items = p.items.map((i) => this.implied(i));
        return items.every((t) => t !== undefined) ? `(${items.join(' OR ')})` : undefined;
      }
      case 'entry':
        return p.test.kind === 'exists' && !p.test.exists ? undefined : `${splSearchField(`${this.native(p.field)}.Name`)}=${splQuoted(p.name)}`;
      default: return undefined;
    }
  }

  render(p: Predicate, top: boolean): string {
    switch (p.kind) {
      case 'true': return '';
      case 'and': {
        const inner = p.items.map((i) => this.render(i, false)).join(' ');
        return top ? inner : `(${inner})`;
      }
      case 'or': {
        const list = sameFieldEqualities(p);
        if (list && !list.cased) return `${splSearchField(this.native(list.field))} IN (${list.values.map(splQuoted).join(', ')})`;
        const numbers = sameFieldNumbers(p);
        if (numbers) return `${splSearchField(this.native(numbers.field))} IN (${numbers.values.join(', ')})`;
        return `(${p.items.map((i) => this.render(i, false)).join(' OR ')})`;
      }
      case 'not': {
        // `f!=v` drops events without f, `NOT f=v` keeps them; they agree when f is always there.
        const item = p.item;
        if ((item.kind === 'string' || item.kind === 'number') && item.op === 'eq' && this.required(item.field)) return this.test(item, '!=');
        return `NOT ${this.render(item, false)}`;
      }
      default: return this.test(p);
    }
  }

  /** `equals` is `!=` only for the negated equalities above. */
  private test(t: FieldTest, equals: '=' | '!=' = '='): string {
    const f = splSearchField(this.native(t.field));
    switch (t.kind) {
      case 'string': {
        const v = { eq: t.value, contains: `*${t.value}*`, startswith: `${t.value}*`, endswith: `*${t.value}` }[t.op];
        return `${f}${equals}${splQuoted(v)}`;
      }
      case 'pattern':
        // Wildcards alone (`*`) match any value, the empty one too; the rule's meaning takes an
        // empty value for a missing one, so it is `exists` then.
        if (t.pattern.every((p) => p.kind === 'anyRun')) return this.test({ kind: 'exists', field: t.field, exists: true });
        return `${f}=${splQuoted(t.pattern.map((p) => (p.kind === 'literal' ? p.text : '*')).join(''))}`;
      case 'cidr': return `${f}=${splQuoted(t.cidr)}`;
      case 'number': return `${f}${{ eq: equals, gt: '>', gte: '>=', lt: '<', lte: '<=' }[t.op]}${t.value}`;
      case 'bool': return `${f}=${t.value}`;
      // Present and not empty: a JSON "" is extracted as an empty field, which `f=*` matches.
      case 'exists': return t.exists ? `(${f}=* ${f}!="")` : `NOT (${f}=* ${f}!="")`;
      case 'regex': case 'entry': throw new Error(`unreachable: ${t.kind} is never in the base search`);
    }
  }
}

/** `a OR b OR c` of case-insensitive equalities on one field → an IN list. */
/**
 * Predicates in eval syntax (for `| where` and `count(eval(…))`). Eval comparisons are
 * case-sensitive, so case-insensitive tests compare lower() or use (?i) regexes. A test on a
 * missing field is null there; negation is pushed down to the tests (De Morgan) and each
 * negated test is written so that a missing field makes it true.
 */
class EvalSyntax {
  constructor(private readonly native: (field: string) => string, private readonly required: (field: string) => boolean) {}

  render(p: Predicate, parenthesize: boolean, negated = false): string {
    switch (p.kind) {
      case 'true': return negated ? 'false()' : 'true()';
      case 'not': return this.render(p.item, parenthesize, !negated);
      case 'and':
      case 'or': {
        const joiner = (p.kind === 'and') !== negated ? ' AND ' : ' OR ';
        const inner = p.items.map((i) => this.render(i, true, negated)).join(joiner);
        return parenthesize ? `(${inner})` : inner;
      }
      default: {
        if (p.kind === 'entry') return this.entry(p, !negated);
        if (!negated) return this.test(p);
        if (p.kind === 'exists') return this.test({ ...p, exists: !p.exists });
        if (this.required(p.field)) return `NOT ${this.test(p)}`;
        const inner = `isnull(${splEvalField(this.native(p.field))}) OR NOT ${this.test(p)}`;
        return parenthesize ? `(${inner})` : inner;
      }
    }
  }

  private test(t: FieldTest): string {
    const f = splEvalField(this.native(t.field));
    const ci = (cased: boolean) => (cased ? '' : '(?i)');
    switch (t.kind) {
      case 'string':
        if (t.op === 'eq') return t.cased ? `${f}==${splEvalString(t.value)}` : `lower(${f})==${splEvalString(t.value.toLowerCase())}`;
        return `match(${f}, ${splEvalString(ci(t.cased) + (t.op === 'startswith' ? '^' : '') + pcreEscape(t.value) + (t.op === 'endswith' ? '$' : ''))})`;
      case 'pattern':
      case 'regex': {
        const source = t.kind === 'pattern' ? patternToRegexSource(t.pattern) : t.regex;
        const test = `match(${f}, ${splEvalString(ci(t.cased) + source)})`;
        // An empty value is a missing one, and an expression such as ^\w*$ matches "".
        return new RegExp(source, 'u').test('') ? `(${f}!="" AND ${test})` : test;
      }
      case 'cidr': return `cidrmatch(${splQuoted(t.cidr)}, ${f})`;
      case 'number': return `${f}${{ eq: '==', gt: '>', gte: '>=', lt: '<', lte: '<=' }[t.op]}${t.value}`;
      case 'bool': return `lower(${f})==${splQuoted(String(t.value))}`;
      case 'exists': return t.exists ? `(isnotnull(${f}) AND ${f}!="")` : `(isnull(${f}) OR ${f}=="")`;
      case 'entry': return this.entry(t, true);
    }
  }

  /**
   * An entry test of a namevalue field X{} (KV_MODE=json's parallel X{}.Name / X{}.Value):
   * mvzip pairs them as "Name=Value" and mvfind returns the index of the first pair matching a
   * regex, null when none does or the fields are missing — so `isnotnull` is the test and
   * `isnull` its null-safe negation. Names match case-insensitively: `(?i)` on the whole regex,
   * or a character class per letter when the value test is |cased. Entry names hold no `=`, so
   * the first `=` ends the name.
   */
  private entry(t: FieldTest & { kind: 'entry' }, holds: boolean): string {
    const column = this.native(t.field);
    const pairs = `mvzip(${splEvalField(`${column}.Name`)}, ${splEvalField(`${column}.Value`)}, "=")`;
    const inner = t.test;
    const cased = inner.kind !== 'exists' && inner.cased;
    const name = cased ? [...t.name].map((ch) => (/[A-Za-z]/.test(ch) ? `[${ch.toUpperCase()}${ch.toLowerCase()}]` : pcreEscape(ch))).join('') : pcreEscape(t.name);
    let value: string;
    switch (inner.kind) {
      case 'exists': value = '[\\s\\S]'; break; // present and not empty
      case 'string': {
        const v = pcreEscape(inner.value);
        value = { eq: `${v}$`, startswith: v, contains: `[\\s\\S]*${v}`, endswith: `[\\s\\S]*${v}$` }[inner.op];
        break;
      }
      case 'pattern': value = patternToRegexSource(inner.pattern).slice(1); break; // its own ^ goes before the name
    }
    const found = `mvfind(${pairs}, ${splEvalString(`${cased ? '' : '(?i)'}^${name}=${value}`)})`;
    const positive = inner.kind === 'exists' ? inner.exists : true;
    return `${positive === holds ? 'isnotnull' : 'isnull'}(${found})`;
  }
}
