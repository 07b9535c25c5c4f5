// IR → KQL, for Defender XDR advanced hunting and Microsoft Sentinel. The two differ only by
// data: the log-source profile (table, column names, column types — e.g. Sentinel's
// `ResultType` is a string, Defender's `ErrorCode` an int).
// Shape: table, one `where` (time first, then the rule's filter), summarize with
// `bin()`, then having / order / limit; one operator per line.
import { impliesPresent } from './presence.ts';
import { sameFieldEqualities, sameFieldNumbers } from './value-lists.ts';
import { nativeField, profileOf } from '../logsources/loader.ts';
import type { KqlType, LogSource, LogSourceProfile, NativeField } from '../logsources/types.ts';
import { formatDuration } from '../ir/durations.ts';
import { patternToRegexSource } from '../ir/patterns.ts';
import type { Aggregate, FieldTest, HavingExpr, Predicate, Query } from '../ir/types.ts';
import { fieldsOf, usedFields, WINDOW_COLUMN } from '../ir/types.ts';
import { kqlStringLiteral } from '../kql/string-literal.ts';
import type { RenderedQuery } from './rendered.ts';

export function renderKql(query: Query, target: 'defender' | 'sentinel', profileName?: string): RenderedQuery {
  const profile = profileOf(query.logsource, target, profileName);
  const syntax = new KqlSyntax(profile, query.logsource, target);
  const timestamp = syntax.column('timestamp');
  const lines = [profile.table!];

  const conditions = [`${timestamp} >= ago(${formatDuration(query.lookback)})`];
  // A log source that is a slice of a shared table (e.g. one ActionType) selects it first.
  if (profile.filter) conditions.push(profile.filter.includes(' or ') ? `(${profile.filter})` : profile.filter);
  const conjuncts = query.filter.kind === 'and' ? query.filter.items : query.filter.kind === 'true' ? [] : [query.filter];
  // Tests of namevalue entries read a bag built per row by mv-apply: the other tests filter first.
  const entryConjuncts = conjuncts.filter((p) => entryFieldsOf(p).size > 0);
  // Fields read by path from a string column holding JSON: the column is parsed once, after the
  // tests that do not need it (time, slice, plain columns), and the tests that do follow.
  const jsonColumns = [...new Set([...usedFields(query)].map((f) => syntax.jsonTextColumn(f)).filter((c) => c !== undefined))].sort();
  const readsJson = (fields: Iterable<string>) => [...fields].some((f) => syntax.jsonTextColumn(f) !== undefined);
  const afterParse: string[] = [];
  // Conjuncts joined by `and` are parenthesized: `and` binds tighter than `or`, and a conjunct
  // can render as a disjunction even when it is not an `or` (a negation pushed down by De
  // Morgan, or the null guard `isempty(x) or …` of a negated test). The time test is always there.
  const plain = conjuncts.filter((p) => !entryConjuncts.includes(p));
  conditions.push(...plain.filter((p) => !readsJson(fieldsOf(p))).map((p) => syntax.render(p, true)));
  const parseSteps = jsonColumns.map((c) => syntax.parseOnce(c));
  afterParse.push(...plain.filter((p) => readsJson(fieldsOf(p))).map((p) => syntax.render(p, true)));
  // summarize keeps empty group keys; the rule's meaning drops events without them.
  for (const f of query.summarize?.by ?? []) {
    if (!query.logsource.fields.get(f)!.required && !impliesPresent(query.filter, f)) (readsJson([f]) ? afterParse : conditions).push(syntax.present(f));
  }
  // The entries' names as terms of the raw column, before mv-apply expands every row: Kusto
  // answers `has_any` from its term index (https://learn.microsoft.com/kusto/query/has-any-operator),
  // so rows that cannot hold a tested entry are dropped cheaply. A prefilter only: the bag's
  // tests decide.
  const names = requiredEntryNames({ kind: 'and', items: entryConjuncts });
  if (names) conditions.push(syntax.entryNamesPrefilter(names.field, names.names));
  lines.push(`| where ${conditions.join('\n    and ')}`);
  lines.push(...parseSteps);
  if (afterParse.length) lines.push(`| where ${afterParse.join('\n    and ')}`);
  const entryFields = entryFieldsOf(query.filter);
  for (const c of query.summarize?.compute ?? []) if ('predicate' in c.aggregate) entryFieldsOf(c.aggregate.predicate, entryFields);
  for (const f of [...entryFields].sort()) lines.push(syntax.entryBag(f));
  if (entryConjuncts.length) lines.push(`| where ${entryConjuncts.map((p) => syntax.render(p, entryConjuncts.length > 1)).join('\n    and ')}`);

  const columns: { name: string; native: string }[] = [];
  const s = query.summarize;
  if (s) {
    const aggregates = s.compute.map((c) => `${c.name} = ${syntax.aggregate(c.aggregate, query.filter)}`);
    const by = [
      ...s.by.map((f) => syntax.groupKey(f)),
      ...(s.window !== undefined ? [`${WINDOW_COLUMN} = bin(${timestamp}, ${formatDuration(s.window)})`] : []),
    ];
    // Two aggregates fit on the line; more read better one per line.
    const list = aggregates.length > 2 ? `\n    ${aggregates.join(',\n    ')}` : ` ${aggregates.join(', ')}`;
    lines.push(`| summarize${list}${by.length ? `\n    by ${by.join(', ')}` : ''}`);
    const capped = s.compute.filter((c) => c.aggregate.fn === 'values');
    if (capped.length) {
      // make_set's order is unspecified: sort, then keep the first n, as the rule says.
      lines.push(`| extend ${capped.map((c) => `${c.name} = array_slice(array_sort_asc(${c.name}), 0, ${(c.aggregate as { cap: number }).cap - 1})`).join(', ')}`);
    }
    for (const column of query.columns) {
      columns.push({ name: column.name, native: column.field ? syntax.outputName(column.field) : column.name });
    }
  } else {
    lines.push(`| project ${query.project!.map((f) => syntax.projection(f)).join(', ')}`);
    for (const f of query.project!) columns.push({ name: f, native: syntax.outputName(f) });
  }
  const nativeOf = (name: string) => columns.find((c) => c.name === name)?.native ?? name;
  // An output column read as is; a number kept in a string column (Sentinel's ResultType) is
  // compared and sorted as the number (as text, "50126" < "7").
  const valueOf = (name: string) => {
    const field = query.columns.find((c) => c.name === name)?.field;
    const column = kqlName(nativeOf(name));
    return field !== undefined && syntax.numberInString(field) ? `${query.logsource.fields.get(field)!.type === 'int' ? 'toint' : 'toreal'}(${column})` : column;
  };
  if (query.having) lines.push(`| where ${renderHaving(query.having, valueOf)}`);
  if (query.order) {
    // Kusto sorts nulls first when ascending; the rule's meaning puts them last. A missing
    // string is empty (never null) and the empty string sorts first, so an ascending string
    // key that can be empty (a shown field the log source does not always fill; group keys
    // never are) sorts on isempty() first.
    const stringColumns = new Set(query.columns.filter((c) => c.type === 'string' || c.type === 'ip').map((c) => c.name));
    const emptyable = new Set(query.columns.filter((c) => !query.summarize && c.field !== undefined && !query.logsource.fields.get(c.field)!.required).map((c) => c.name));
    const keys = query.order.flatMap((k) => {
      const name = valueOf(k.column);
      if (k.descending) return [`${name} desc`];
      // A bool kept in a string column (OfficeActivity's ExternalAccess) is "" when missing.
      const field = query.columns.find((c) => c.name === k.column)?.field;
      const boolInString = field !== undefined && query.logsource.fields.get(field)!.type === 'bool' && syntax.storedAsString(field);
      if (!stringColumns.has(k.column) && !boolInString) return [`${name} asc nulls last`];
      return emptyable.has(k.column) ? [`isempty(${name}) asc`, `${name} asc`] : [`${name} asc`];
    });
    // `top` takes ONE sort expression (T | top N by Expression [asc|desc] [nulls first|last]);
    // with more keys, sort then take, which the same page calls equivalent.
    // https://learn.microsoft.com/kusto/query/top-operator
    if (query.limit !== undefined && keys.length === 1) lines.push(`| top ${query.limit} by ${keys[0]}`);
    else lines.push(`| order by ${keys.join(', ')}`, ...(query.limit !== undefined ? [`| take ${query.limit}`] : []));
  } else if (query.limit !== undefined) lines.push(`| take ${query.limit}`);
  return { target, profile: profile.name, text: lines.join('\n'), columns };
}

/**
 * Entry names of which every row `p` holds has at least one (with a value): a positive entry
 * test needs its entry (a missing or empty one satisfies no positive test), `or` needs one of its
 * items' names, `and` the fewest names one item needs. Undefined when `p` holds without any (a
 * negation, `exists: false`, a test of another field), or when a name is not one plain term
 * (letters and digits), which the raw text would not show as it is.
 */
function requiredEntryNames(p: Predicate): { field: string; names: string[] } | undefined {
  switch (p.kind) {
    case 'entry':
      return (p.test.kind !== 'exists' || p.test.exists) && /^[A-Za-z0-9]+$/.test(p.name) ? { field: p.field, names: [p.name] } : undefined;
    case 'or': {
      const parts = p.items.map(requiredEntryNames);
      if (!parts.length || parts.some((x) => x === undefined || x.field !== parts[0]!.field)) return undefined;
      return { field: parts[0]!.field, names: [...new Set(parts.flatMap((x) => x!.names))] };
    }
    case 'and':
      return p.items.map(requiredEntryNames).filter((x) => x !== undefined).sort((a, b) => a.names.length - b.names.length)[0];
    default:
      return undefined;
  }
}

/** The namevalue fields whose entries `p` tests. */
function entryFieldsOf(p: Predicate, into = new Set<string>()): Set<string> {
  switch (p.kind) {
    case 'and': case 'or': p.items.forEach((i) => entryFieldsOf(i, into)); return into;
    case 'not': return entryFieldsOf(p.item, into);
    case 'entry': into.add(p.field); return into;
    default: return into;
  }
}

function renderHaving(h: HavingExpr, valueOf: (name: string) => string): string {
  switch (h.kind) {
    case 'and':
    case 'or':
      return `(${h.items.map((i) => renderHaving(i, valueOf)).join(` ${h.kind} `)})`;
    case 'not':
      return `not(${renderHaving(h.item, valueOf)})`;
    case 'compare':
      return `${valueOf(h.column)} ${h.op} ${typeof h.value === 'number' ? h.value : kqlStringLiteral(h.value)}`;
  }
}

const KQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Names that need ['…'] quoting as identifiers (keywords of the query language).
const KQL_KEYWORDS = new Set(['and', 'or', 'not', 'by', 'on', 'with', 'in', 'has', 'contains', 'between', 'let', 'set', 'where', 'project', 'extend', 'summarize', 'window', 'range', 'to', 'step', 'of', 'kind', 'bin', 'true', 'false', 'null', 'asc', 'desc', 'nulls', 'first', 'last', 'typeof']);

export function kqlName(name: string): string {
  return KQL_IDENTIFIER.test(name) && !KQL_KEYWORDS.has(name) ? name : `['${name.replace(/['\\]/g, (c) => `\\${c}`)}']`;
}

class KqlSyntax {
  /** String columns holding JSON that an `extend` parsed once into `_<column>` (read from there). */
  private readonly parsed = new Set<string>();

  constructor(private readonly profile: LogSourceProfile, private readonly logsource: LogSource, private readonly target: 'defender' | 'sentinel') {}

  /** The string column holding JSON that a field is read from by path, if any (Defender's AdditionalFields). */
  jsonTextColumn(name: string): string | undefined {
    const f = this.field(name);
    if (f.type !== 'dynamic') return undefined;
    const root = f.column.split('.')[0]!;
    return this.columnType(root) === 'string' ? root : undefined;
  }

  /**
   * `| extend _<column> = parse_json(<column>)`: the JSON text is parsed once per row and every
   * path is read from the column, instead of one parse_json per read.
   */
  parseOnce(column: string): string {
    this.parsed.add(column);
    return `| extend ${kqlName(`_${column}`)} = parse_json(${kqlName(column)})`;
  }

  private field(name: string): NativeField {
    return nativeField(this.logsource, this.target, this.profile, name);
  }

  private columnType(column: string): string | undefined {
    return this.profile.columns.get(column);
  }

  private nativeType(name: string): KqlType {
    return this.field(name).type as KqlType;
  }

  /** The expression reading a canonical field: a column, or a typed read from a dynamic one. */
  column(name: string): string {
    const f = this.field(name);
    if (f.type !== 'dynamic') return kqlName(f.column);
    const [root, ...path] = f.column.split('.');
    // parse_json returns a dynamic value as it is and parses JSON text, so a path read works on
    // a string column holding JSON (Defender's AdditionalFields is documented as string).
    // https://learn.microsoft.com/kusto/query/parse-json-function
    const base = this.parsed.has(root!) ? kqlName(`_${root}`) : this.columnType(root!) === 'string' ? `parse_json(${kqlName(root!)})` : kqlName(root!);
    const read = `${base}${path.map((p) => (KQL_IDENTIFIER.test(p) ? `.${p}` : `[${kqlStringLiteral(p)}]`)).join('')}`;
    const cast = { string: 'tostring', ip: 'tostring', int: 'toint', real: 'toreal', bool: 'tobool', datetime: 'todatetime', namevalue: 'parse_json' }[this.logsource.fields.get(name)!.type];
    return `${cast}(${read})`;
  }

  /**
   * The step that makes a namevalue field's entries testable: a per-row bag `_<field>` of
   * lower-cased names → values. mv-apply runs the subquery on each row's expanded list
   * (https://learn.microsoft.com/kusto/query/mv-apply-operator); summarize without `by` gives
   * one row per input row; make_bag merges the one-entry bags bag_pack makes
   * (https://learn.microsoft.com/kusto/query/make-bag-aggregation-function,
   * https://learn.microsoft.com/kusto/query/bag-pack-function). parse_json parses the JSON text
   * of a string column and returns a dynamic value as it is
   * (https://learn.microsoft.com/kusto/query/parse-json-function), so one rendering serves both.
   * An empty or missing list becomes [{}] so that the row is never dropped (mv-expand produces
   * no record for an empty array: https://learn.microsoft.com/kusto/query/mv-expand-operator).
   */
  entryBag(name: string): string {
    const f = this.field(name);
    const list = f.type === 'dynamic' ? this.column(name) : `parse_json(${kqlName(f.column)})`;
    return `| mv-apply _p = iff(array_length(${list}) > 0, ${list}, dynamic([{}])) on (\n    summarize ${kqlName(`_${name}`)} = make_bag(bag_pack(tolower(tostring(_p.Name)), tostring(_p.Value))))`;
  }

  /** `Column has_any ("Name", …)` on the column a namevalue field is read from (its root, for a path). */
  entryNamesPrefilter(name: string, names: readonly string[]): string {
    const root = this.field(name).column.split('.')[0]!;
    return names.length === 1 ? `${kqlName(root)} has ${kqlStringLiteral(names[0]!)}` : `${kqlName(root)} has_any (${names.map(kqlStringLiteral).join(', ')})`;
  }

  /** An entry's value: the bag's value under the lower-cased name, "" when there is none. */
  private entryValue(t: FieldTest & { kind: 'entry' }): string {
    return `tostring(${kqlName(`_${t.field}`)}[${kqlStringLiteral(t.name.toLowerCase())}])`;
  }

  /** An entry test, or its negation (exact: a missing entry reads as "", which no positive test accepts). */
  private entryTest(t: FieldTest & { kind: 'entry' }, negated: boolean): string {
    const c = this.entryValue(t);
    const inner = t.test;
    switch (inner.kind) {
      case 'exists': return inner.exists !== negated ? `isnotempty(${c})` : `isempty(${c})`;
      case 'pattern': {
        const test = `${c} matches regex ${kqlStringLiteral((inner.cased ? '' : '(?i)') + patternToRegexSource(inner.pattern))}`;
        return negated ? `not(${test})` : test;
      }
      case 'string': {
        if (inner.op === 'eq') return `${c} ${negated ? (inner.cased ? '!=' : '!~') : inner.cased ? '==' : '=~'} ${kqlStringLiteral(inner.value)}`;
        return `${c} ${negated ? '!' : ''}${inner.op}${inner.cased ? '_cs' : ''} ${kqlStringLiteral(inner.value)}`;
      }
    }
  }

  /** Whether the value read for a field can be null (Kusto strings never are: empty instead). */
  /** A field kept in a string column, whatever its canonical type (read as "" when missing). */
  storedAsString(name: string): boolean {
    return !this.nullable(name);
  }

  /** A numeric canonical field kept in a string column (Sentinel's ResultType). */
  numberInString(name: string): boolean {
    const type = this.logsource.fields.get(name)!.type;
    return (type === 'int' || type === 'real') && !this.nullable(name);
  }

  private nullable(name: string): boolean {
    const f = this.field(name);
    return f.type === 'dynamic' ? this.logsource.fields.get(name)!.type !== 'string' && this.logsource.fields.get(name)!.type !== 'ip' : f.type !== 'string';
  }

  /** Output column name for a field (dynamic reads get the canonical name). */
  outputName(name: string): string {
    const f = this.field(name);
    return f.type === 'dynamic' ? name : f.column;
  }

  groupKey(name: string): string {
    const f = this.field(name);
    return f.type === 'dynamic' ? `${kqlName(name)} = ${this.column(name)}` : this.column(name);
  }

  projection(name: string): string {
    return this.groupKey(name);
  }

  present(name: string): string {
    return this.nullable(name) ? `isnotnull(${this.column(name)})` : `isnotempty(${this.column(name)})`;
  }

  private absent(name: string): string {
    return this.nullable(name) ? `isnull(${this.column(name)})` : `isempty(${this.column(name)})`;
  }

  aggregate(a: Aggregate, filter: Predicate): string {
    // Kusto counts empty strings as values; the rule's meaning does not.
    const nonEmpty = (f: string) => !this.nullable(f) && !this.logsource.fields.get(f)!.required && !impliesPresent(filter, f);
    switch (a.fn) {
      case 'count': return 'count()';
      case 'countif': return `countif(${this.render(a.predicate, false)})`;
      case 'dcount': return nonEmpty(a.field) ? `dcountif(${this.column(a.field)}, ${this.present(a.field)})` : `dcount(${this.column(a.field)})`;
      case 'dcountif': {
        const condition = this.render(a.predicate, true);
        return `dcountif(${this.column(a.field)}, ${nonEmpty(a.field) ? `${condition} and ${this.present(a.field)}` : condition})`;
      }
      case 'values': {
        // values() is a list of text sorted as text (Splunk: lexicographical order), so a number
        // or bool column is turned to text before make_set: array_sort_asc sorts numbers as
        // numbers ([7, 443]), the rule's meaning as text (["443", "7"]). tostring(null) is "",
        // which make_set would keep, so a value that can be missing is guarded.
        if (!this.nullable(a.field)) return nonEmpty(a.field) ? `make_set_if(${this.column(a.field)}, ${this.present(a.field)})` : `make_set(${this.column(a.field)})`;
        const text = `tostring(${this.column(a.field)})`;
        return this.logsource.fields.get(a.field)!.required || impliesPresent(filter, a.field) ? `make_set(${text})` : `make_set_if(${text}, ${this.present(a.field)})`;
      }
      // sum() needs a number: one kept in a string column is converted (min/max would compare text).
      case 'min': case 'max': case 'sum': case 'avg': return `${a.fn}(${this.numberInString(a.field) ? `${this.logsource.fields.get(a.field)!.type === 'int' ? 'toint' : 'toreal'}(${this.column(a.field)})` : this.column(a.field)})`;
    }
  }

  /**
   * A predicate as a KQL boolean. Negation is pushed down to the tests (De Morgan), and each
   * negated test is written so a missing value makes it true: in Kusto a comparison with null
   * is null, and a null `where` predicate drops the row.
   */
  render(p: Predicate, parenthesize: boolean, negated = false): string {
    switch (p.kind) {
      case 'true': return negated ? 'false' : 'true';
      case 'not': return this.render(p.item, parenthesize, !negated);
      case 'and':
      case 'or': {
        const list = p.kind === 'or' ? sameFieldEqualities(p) : undefined;
        if (list) {
          const op = `${negated ? '!' : ''}${list.cased ? 'in' : 'in~'}`;
          return `${this.column(list.field)} ${op} (${list.values.map(kqlStringLiteral).join(', ')})`;
        }
        // Ports, error codes: `RemotePort in (110, 143)`. Only unnegated: `!in` on a null is null.
        const numbers = p.kind === 'or' && !negated ? sameFieldNumbers(p) : undefined;
        if (numbers) {
          const asString = !this.nullable(numbers.field); // a number kept in a string column (ResultType)
          return `${this.column(numbers.field)} in (${numbers.values.map((v) => (asString ? kqlStringLiteral(String(v)) : String(v))).join(', ')})`;
        }
        const joiner = (p.kind === 'and') !== negated ? 'and' : 'or';
        const inner = p.items.map((i) => this.render(i, true, negated)).join(` ${joiner} `);
        return parenthesize ? `(${inner})` : inner;
      }
      default: {
        if (!negated) return this.test(p);
        const test = this.negatedTest(p);
        if (!this.negationNeedsGuard(p)) return test;
        const inner = `${p.kind === 'entry' ? `isempty(${this.entryValue(p)})` : this.absent(p.field)} or ${test}`;
        return parenthesize ? `(${inner})` : inner;
      }
    }
  }

  /** Whether a negated test would be null, or wrongly false, on a missing value. */
  private negationNeedsGuard(t: FieldTest): boolean {
    // A missing entry reads as "": only a pattern might accept that.
    if (t.kind === 'entry') return t.test.kind === 'pattern';
    if (t.kind === 'exists' || t.kind === 'cidr' || this.logsource.fields.get(t.field)!.required) return false;
    if (this.nullable(t.field)) return true;
    // Empty strings: `"" !~ "x"` is already true; a regex may match "", and toint("") is null.
    return t.kind === 'pattern' || t.kind === 'regex' || (t.kind === 'number' && t.op !== 'eq');
  }

  private test(t: FieldTest): string {
    const c = this.column(t.field);
    const nativeString = !this.nullable(t.field);
    switch (t.kind) {
      case 'string': {
        const op = { eq: t.cased ? '==' : '=~', contains: 'contains', startswith: 'startswith', endswith: 'endswith' }[t.op];
        return `${c} ${t.op !== 'eq' && t.cased ? `${op}_cs` : op} ${kqlStringLiteral(t.value)}`;
      }
      case 'pattern':
      case 'regex': {
        const source = t.kind === 'pattern' ? patternToRegexSource(t.pattern) : t.regex;
        const test = `${c} matches regex ${kqlStringLiteral((t.cased ? '' : '(?i)') + source)}`;
        // A missing string is empty here, and an expression such as ^\w*$ matches "".
        return nativeString && new RegExp(source, 'u').test('') ? `(isnotempty(${c}) and ${test})` : test;
      }
      case 'cidr': return `ipv4_is_in_range(${c}, ${kqlStringLiteral(t.cidr)})`;
      case 'number': {
        // A number kept in a string column (Sentinel's ResultType): equality compares the
        // string as one; ordering needs the number.
        if (nativeString && t.op === 'eq') return `${c} == ${kqlStringLiteral(String(t.value))}`;
        return `${nativeString ? `toint(${c})` : c} ${NUMBER_OPS[t.op]} ${t.value}`;
      }
      case 'bool': return nativeString ? `${c} =~ ${kqlStringLiteral(String(t.value))}` : `${c} == ${t.value}`;
      case 'exists': return t.exists ? this.present(t.field) : this.absent(t.field);
      case 'entry': return this.entryTest(t, false);
    }
  }

  /** The test's negation, exact for present values (the caller adds the missing-value case). */
  private negatedTest(t: FieldTest): string {
    const c = this.column(t.field);
    const nativeString = !this.nullable(t.field);
    switch (t.kind) {
      case 'string': {
        if (t.op === 'eq') return `${c} ${t.cased ? '!=' : '!~'} ${kqlStringLiteral(t.value)}`;
        return `${c} !${t.op}${t.cased ? '_cs' : ''} ${kqlStringLiteral(t.value)}`;
      }
      case 'pattern': case 'regex': return `not(${this.test(t)})`;
      // ipv4_is_in_range is null for a value that is not an IPv4 address.
      case 'cidr': return `not(coalesce(${this.test(t)}, false))`;
      case 'number': {
        if (nativeString && t.op === 'eq') return `${c} != ${kqlStringLiteral(String(t.value))}`;
        const inverse = { eq: '!=', gt: '<=', gte: '<', lt: '>=', lte: '>' }[t.op];
        return `${nativeString ? `toint(${c})` : c} ${inverse} ${t.value}`;
      }
      case 'bool': return nativeString ? `${c} !~ ${kqlStringLiteral(String(t.value))}` : `${c} != ${t.value}`;
      case 'exists': return t.exists ? this.absent(t.field) : this.present(t.field);
      case 'entry': return this.entryTest(t, true);
    }
  }
}

const NUMBER_OPS = { eq: '==', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

