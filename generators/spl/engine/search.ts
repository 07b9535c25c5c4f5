// The search language (the base search, `| search`, inputlookup WHERE, searchmatch()) →
// row predicates, with Splunk's semantics:
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
// - `field=value` compares case-insensitively, `*` is a wildcard (there is no escape for it);
//   a value in CIDR notation matches the IP addresses in that range.
// - A multivalue field matches when any of its values does.
// - `field!=value` needs the field: events without it are not returned, while `NOT
//   field=value` returns them (Search Manual, "Difference between NOT and !=").
// - `<`, `<=`, `>`, `>=` compare numbers numerically, other values lexicographically.
// - A bare term or quoted phrase matches `_raw` case-insensitively at segment boundaries
//   (Splunk's major and minor breakers), `*` matching within a segment. Results without
//   `_raw` (after stats) are matched against their field values.
// - `index` is "main" (Splunk's default index) for events that carry no index.
// - Time modifiers (earliest/latest) bound `_time`: earliest inclusive, latest exclusive,
//   latest defaulting to now once earliest is given; they belong to the base search.
import type { SearchExpr, SearchValue, SplSpan } from '../ast.ts';
import { parseSpl } from '../parser.ts';
import { runErrorAt, unsupportedAt, type CompileContext, type RunEnv } from './context.ts';
import { resolveTimeSpecifier, TimeFeatureError } from './time.ts';
import { cidrTest, compareText, numberOf, textOf, wildcardMatcher, type ReadRow, type Row, type Scalar } from './values.ts';

export type RowPredicate = (row: ReadRow) => boolean;
type Bindable = (env: RunEnv | null) => RowPredicate;

export interface TimeBound {
  readonly spec: string;
  readonly span: SplSpan;
}

export interface SearchFilter {
  /** Builds the predicate for a run (running the subsearches it holds). */
  bind(env: RunEnv): RowPredicate;
  /**
   * A necessary condition on an event's lower-cased `_raw` JSON, for events whose fields all come
   * from `_raw` (KV_MODE=json): events failing it cannot match, so they need not be parsed.
   * Splunk's index plays this part. Null when the search gives none.
   */
  readonly rawPrefilter: ((raw: string) => boolean) | null;
  /** The prefilter as data: every group must hold one of its lower-case ASCII values (null: none). */
  readonly rawNeeds: readonly (readonly string[])[] | null;
  readonly earliest: TimeBound | null;
  readonly latest: TimeBound | null;
  /** Matches every event: no predicate to run. */
  readonly matchesAll: boolean;
}

/** Subsearches return at most this many results (limits.conf [subsearch] maxout). */
export const SUBSEARCH_MAXOUT = 10000;

export function compileSearchFilter(expr: SearchExpr | null, ctx: CompileContext, where: 'base' | 'command'): SearchFilter {
  const bounds: { earliest: TimeBound | null; latest: TimeBound | null } = { earliest: null, latest: null };
  const conjuncts = expr === null ? [] : expr.kind === 'searchAnd' ? expr.operands : [expr];
  const tests: Bindable[] = [];
  for (const c of conjuncts) {
    if (c.kind === 'searchTimeModifier') {
      if (where !== 'base') throw unsupportedAt(ctx, `the time modifier ${c.name}= outside the base search`, c.span);
      if (c.name !== 'earliest' && c.name !== 'latest') throw unsupportedAt(ctx, `the time modifier ${c.name}=`, c.span);
      if (c.value.kind !== 'literal') throw runErrorAt(ctx, `macro \`${c.value.name}\` is not defined`, c.value.span);
      bounds[c.name] = { spec: c.value.value, span: c.value.span };
      continue;
    }
    tests.push(compileNode(c, ctx));
  }
  const and = combineAnd(tests);
  const needs = rawNeeds(conjuncts);
  return {
    bind: (env) => and(env),
    rawPrefilter: needs && rawPrefilter(needs),
    rawNeeds: needs,
    earliest: bounds.earliest,
    latest: bounds.latest,
    matchesAll: tests.length === 0,
  };
}

/** Text that JSON writes as is (no escapes), so a field value equal to it appears in `_raw` verbatim. */
const VERBATIM = /^[A-Za-z0-9 ._@:,;+=#()-]+$/;
const RAW_METADATA = new Set(['index', 'sourcetype', 'source', 'host', 'eventtype', 'tag', 'splunk_server', 'linecount', 'punct']);

/** Groups of values an event's `_raw` must hold (one of each group, case-insensitively), or null. */
function rawNeeds(conjuncts: readonly SearchExpr[]): string[][] | null {
  const needs: string[][] = [];
  const alternatives = (e: SearchExpr): string[] | null => {
    switch (e.kind) {
      case 'searchComparison': {
        if ((e.op !== '=' && e.op !== '==') || e.value.kind !== 'literal') return null;
        const v = e.value.value;
        if (e.field.name.startsWith('_') || RAW_METADATA.has(e.field.name) || !VERBATIM.test(v) || CIDR_LIKE.test(v)) return null;
        return [v.toLowerCase()];
      }
      case 'searchIn': {
        if (e.field.name.startsWith('_') || RAW_METADATA.has(e.field.name)) return null;
        const out: string[] = [];
        for (const v of e.values) {
          if (v.kind !== 'literal' || !VERBATIM.test(v.value) || CIDR_LIKE.test(v.value)) return null;
          out.push(v.value.toLowerCase());
        }
        return out;
      }
      case 'searchOr': {
        const out: string[] = [];
        for (const o of e.operands) {
          const a = alternatives(o);
          if (a === null) return null;
          out.push(...a);
        }
        return out;
      }
      case 'searchGroup':
        return e.expr === null ? null : alternatives(e.expr);
      default:
        return null;
    }
  };
  for (const c of conjuncts) {
    const a = alternatives(c);
    if (a !== null && a.length > 0) needs.push(a);
  }
  return needs.length === 0 ? null : needs;
}

function rawPrefilter(needs: readonly (readonly string[])[]): (raw: string) => boolean {
  // The needles are ASCII (VERBATIM): a case-insensitive regex finds them as lowercasing the
  // text would, except that U+0130 and U+212A (K, the Kelvin sign) lowercase to ASCII letters;
  // text with either takes the slow path. One regex per conjunct, no copy of the text.
  const regexes = needs.map((any) => new RegExp(any.map(escapeRegex).join('|'), 'i'));
  return (raw) => {
    if (!LOWERCASES_TO_ASCII.test(raw)) return regexes.every((re) => re.test(raw));
    const lower = raw.toLowerCase();
    return needs.every((any) => any.some((v) => lower.includes(v)));
  };
}

/** The only characters past ASCII whose lowercase holds ASCII letters (İ → i̇, K → k). */
const LOWERCASES_TO_ASCII = /[\u0130\u212a]/;

/** searchmatch("…"): a search string compiled once, without subsearches. */
export function compileSearchText(text: string, at: SplSpan, ctx: CompileContext): RowPredicate {
  const sub = subContext(ctx, `search ${text}`, at);
  const { ast, diagnostics } = parseSpl(sub.source);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw runErrorAt(ctx, `searchmatch(): ${error.message}`, at);
  const command = ast.commands[0];
  if (ast.commands.length !== 1 || command?.kind !== 'search') throw unsupportedAt(ctx, 'searchmatch() of a pipeline', at);
  const filter = compileSearchFilter(command.query, sub, 'command');
  return filter.bind(null as unknown as RunEnv);
}

/** Time bounds (epoch seconds) of a base search: its modifiers override the picker's range. */
export function resolveBounds(filter: SearchFilter, env: RunEnv, ctx: CompileContext): { earliest?: number; latest?: number } {
  const resolve = (b: TimeBound): number => {
    try {
      return resolveTimeSpecifier(b.spec, env.now);
    } catch (e) {
      if (e instanceof TimeFeatureError) throw unsupportedAt(ctx, e.message, b.span);
      throw e;
    }
  };
  if (filter.earliest === null && filter.latest === null) return env.range;
  const earliest = filter.earliest ? resolve(filter.earliest) : env.range.earliest;
  // "Because the search does not specify the latest time modifier, the default value now is used for latest."
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers
  const latest = filter.latest ? resolve(filter.latest) : env.now;
  return { ...(earliest !== undefined ? { earliest } : {}), ...(latest !== undefined ? { latest } : {}) };
}

function subContext(ctx: CompileContext, source: string, at: SplSpan): CompileContext {
  return { ...ctx, source, locate: () => ctx.locate(at) };
}

function combineAnd(tests: Bindable[]): Bindable {
  if (tests.length === 0) return () => () => true;
  if (tests.length === 1) return tests[0]!;
  return (env) => {
    const bound = tests.map((t) => t(env));
    if (bound.length === 2) {
      const [a, b] = bound as [RowPredicate, RowPredicate];
      return (row) => a(row) && b(row);
    }
    return (row) => {
      for (const t of bound) if (!t(row)) return false;
      return true;
    };
  };
}

function compileNode(expr: SearchExpr, ctx: CompileContext): Bindable {
  switch (expr.kind) {
    case 'searchAnd':
      return combineAnd(expr.operands.map((o) => compileNode(o, ctx)));
    case 'searchOr': {
      const items = expr.operands.map((o) => compileNode(o, ctx));
      return (env) => {
        const bound = items.map((t) => t(env));
        return (row) => {
          for (const t of bound) if (t(row)) return true;
          return false;
        };
      };
    }
    case 'searchNot': {
      const item = compileNode(expr.operand, ctx);
      return (env) => {
        const t = item(env);
        return (row) => !t(row);
      };
    }
    case 'searchGroup':
      return expr.expr === null ? () => () => true : compileNode(expr.expr, ctx);
    case 'searchTerm': {
      // `field::value` names an indexed field: here, the field.
      const indexed = expr.term.quoted ? null : /^([A-Za-z_][\w.]*)::(.+)$/.exec(expr.term.value);
      if (indexed) return compileComparison(indexed[1]!, '=', { ...expr.term, value: indexed[2]! }, expr.span, ctx);
      const test = termTest(expr.term.value, false);
      return () => test;
    }
    case 'searchDirective': {
      // CASE(x): the term, case-sensitively; TERM(x): x as one whole term between major breakers.
      const test = expr.directive === 'CASE' ? termTest(expr.term.value, true) : termTest(expr.term.value, false, true);
      return () => test;
    }
    case 'searchComparison':
      return compileComparison(expr.field.name, expr.op, expr.value, expr.span, ctx);
    case 'searchIn': {
      const items = expr.values.map((v) => compileComparison(expr.field.name, '=', v, expr.span, ctx));
      return (env) => {
        const bound = items.map((t) => t(env));
        return (row) => {
          for (const t of bound) if (t(row)) return true;
          return false;
        };
      };
    }
    case 'searchTimeModifier':
      throw unsupportedAt(ctx, `the time modifier ${expr.name}= inside OR, NOT or parentheses`, expr.span);
    case 'macro':
      throw runErrorAt(ctx, `macro \`${expr.name}\` is not defined`, expr.span);
    case 'subsearch': {
      const pipeline = ctx.compilePipeline(expr.pipeline);
      return (env) => {
        if (env === null) throw unsupportedAt(ctx, 'a subsearch here', expr.span);
        const rows = env.collect(pipeline, SUBSEARCH_MAXOUT);
        const text = subsearchSearchString(rows);
        if (text === null) return () => false;
        const sub = subContext(ctx, `search ${text}`, expr.span);
        const { ast, diagnostics } = parseSpl(sub.source);
        const error = diagnostics.find((d) => d.severity === 'error');
        if (error) throw runErrorAt(ctx, `the subsearch's search string does not parse: ${error.message}`, expr.span);
        const command = ast.commands[0];
        if (command?.kind !== 'search' || command.query === null) return () => false;
        return compileNode(command.query, sub)(env);
      };
    }
  }
}

/**
 * What a subsearch's results say as search terms: a `search` field's value when the results
 * carry one (return, format), otherwise `format`'s default: ( ( f1="v1" AND f2="v2" ) OR ( … ) ).
 * Null when there is nothing (no results: the outer search matches nothing).
 */
export function subsearchSearchString(rows: readonly Row[]): string | null {
  if (rows.length === 0) return null;
  const first = rows[0]!;
  if (first.has('search') && [...first.keys()].every((k) => k === 'search' || k.startsWith('_'))) {
    const v = first.get('search');
    return v === null || v === undefined ? null : textOf(typeof v === 'object' ? v[0]! : v);
  }
  return formatRows(rows);
}

/** `format` with its default markers: ( ( f1="v1" AND f2="v2" ) OR ( … ) ); multivalues joined by OR. */
export function formatRows(rows: readonly Row[], markers: readonly [string, string, string, string, string, string] = ['(', '(', 'AND', ')', 'OR', ')']): string {
  const [rowPrefix, colPrefix, colSep, colEnd, rowSep, rowEnd] = markers;
  const quote = (v: Scalar): string => `"${textOf(v).replace(/[\\"]/g, '\\$&')}"`;
  const parts: string[] = [];
  for (const row of rows) {
    const terms: string[] = [];
    for (const [name, value] of row) {
      if (name.startsWith('_') || value === null) continue;
      if (typeof value === 'object') terms.push(`( ${value.map((v) => `${name}=${quote(v)}`).join(' OR ')} )`);
      else terms.push(`${name}=${quote(value)}`);
    }
    if (terms.length > 0) parts.push(`${colPrefix} ${terms.join(` ${colSep} `)} ${colEnd}`);
  }
  if (parts.length === 0) return 'NOT ()';
  return `${rowPrefix} ${parts.join(` ${rowSep} `)} ${rowEnd}`;
}

// ---------------------------------------------------------------------------------------------
// field=value

function compileComparison(field: string, op: string, value: SearchValue, span: SplSpan, ctx: CompileContext): Bindable {
  if (field.includes('*')) throw unsupportedAt(ctx, `a wildcard field name (${field}) in search`, span);
  if (field.startsWith('tag::')) throw unsupportedAt(ctx, `${field}= (tags on field values need tags.conf)`, span);
  if (value.kind === 'macro') throw runErrorAt(ctx, `macro \`${value.name}\` is not defined`, value.span);
  if (field === 'eventtype' && ctx.eventtypes.size > 0 && value.kind === 'literal') return eventtypeTest(op, value.value, span, ctx);
  const text = value.kind === 'literal' ? value.value : value.term.value;
  const caseSensitive = value.kind === 'searchDirective' && value.directive === 'CASE';
  const read = field === 'index' ? (row: ReadRow) => row.get('index') ?? 'main' : (row: ReadRow) => row.get(field);
  let test: (v: Scalar) => boolean;
  switch (op) {
    case '=':
    case '==':
    case '!=': {
      const matches = valueTest(text, caseSensitive);
      if (op === '!=') {
        const p: RowPredicate = (row) => {
          const v = read(row);
          if (v === null || v === undefined) return false;
          if (typeof v === 'object') return v.length > 0 && !v.some(matches);
          return !matches(v);
        };
        return () => p;
      }
      test = matches;
      break;
    }
    default: {
      const want = numberOf(text);
      const cmp = { '<': (n: number) => n < 0, '<=': (n: number) => n <= 0, '>': (n: number) => n > 0, '>=': (n: number) => n >= 0 }[op as '<'];
      if (!cmp) throw unsupportedAt(ctx, `the search operator ${op}`, span);
      test = (v) => {
        const n = numberOf(v);
        if (want !== undefined && n !== undefined) return cmp(n < want ? -1 : n > want ? 1 : 0);
        return cmp(compareText(textOf(v), text));
      };
    }
  }
  const p: RowPredicate = (row) => {
    const v = read(row);
    if (v === null || v === undefined) return false;
    if (typeof v === 'object') return v.some(test);
    return test(v);
  };
  return () => p;
}

/**
 * `eventtype=name`: the events an event type's definition matches (wildcards select several),
 * or whose own `eventtype` field (as Splunk exports it) names it.
 * https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.4/event-types/about-event-types
 */
let eventtypeDepth = 0;
function eventtypeTest(op: string, pattern: string, span: SplSpan, ctx: CompileContext): Bindable {
  if (op !== '=' && op !== '==') throw unsupportedAt(ctx, `eventtype${op} with event type definitions`, span);
  if (eventtypeDepth > 20) throw runErrorAt(ctx, 'event types defined in terms of each other without end', span);
  const matcher = wildcardMatcher(pattern, true);
  eventtypeDepth++;
  let definitions: RowPredicate[];
  try {
    definitions = [...ctx.eventtypes].filter(([name]) => matcher(name)).map(([, definition]) => compileSearchText(definition, span, ctx));
  } finally {
    eventtypeDepth--;
  }
  const own = valueTest(pattern, false);
  const p: RowPredicate = (row) => {
    const v = row.get('eventtype');
    if (v !== undefined && v !== null && (typeof v === 'object' ? v.some(own) : own(v))) return true;
    for (const d of definitions) if (d(row)) return true;
    return false;
  };
  return () => p;
}

const CIDR_LIKE = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

function valueTest(value: string, caseSensitive: boolean): (v: Scalar) => boolean {
  const wildcard = wildcardMatcher(value, !caseSensitive);
  const cidr = CIDR_LIKE.test(value) ? cidrTest(value) : undefined;
  if (cidr) return (v) => cidr(textOf(v)) || wildcard(textOf(v));
  return (v) => wildcard(typeof v === 'string' ? v : textOf(v));
}

// ---------------------------------------------------------------------------------------------
// Terms against _raw

/** Splunk's default major and minor breakers (segmenters.conf), as single characters. */
const MAJOR = ' \t\n\r\v\f[]<>(){}|!;,\'"*&?+';
const MINOR = '/:=@.-$#%\\_';
const BREAKERS = new Set([...MAJOR, ...MINOR]);
const MAJORS = new Set(MAJOR);
const escapeRegex = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}/-]/g, '\\$&');
const MAJOR_CLASS = `[${escapeRegex(MAJOR)}]`;
const NOT_MAJOR_CLASS = `[^${escapeRegex(MAJOR)}]`;
const BREAKER_CLASS = `[${escapeRegex(MAJOR + MINOR)}]`;

function termTest(term: string, caseSensitive: boolean, wholeTerm = false): RowPredicate {
  // "If you specify an asterisk with no other criteria, you are asking to match everything":
  // a lone `*` keeps every result, even one whose fields are all empty (a `table` row).
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.3/search-primer/wildcards
  if (/^\*+$/.test(term)) return () => true;
  const matches = textTermMatcher(term, caseSensitive, wholeTerm);
  return (row) => {
    const raw = row.get('_raw');
    if (raw !== undefined && raw !== null) return typeof raw === 'object' ? raw.some((r) => matches(textOf(r))) : matches(textOf(raw));
    // Results without _raw (after a transforming command): any field value.
    if (!(row instanceof Map)) return false;
    for (const [, v] of row as Row) {
      if (v === null) continue;
      for (const x of typeof v === 'object' ? v : [v]) if (matches(textOf(x))) return true;
    }
    return false;
  };
}

function textTermMatcher(term: string, caseSensitive: boolean, wholeTerm: boolean): (text: string) => boolean {
  if (term === '' || /^\*+$/.test(term)) return () => true;
  const boundary = wholeTerm ? MAJORS : BREAKERS;
  if (!term.includes('*')) {
    const needle = caseSensitive ? term : term.toLowerCase();
    const startFree = boundary.has(needle[0]!);
    const endFree = boundary.has(needle[needle.length - 1]!);
    return (text) => {
      const hay = caseSensitive ? text : text.toLowerCase();
      for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
        const before = i === 0 || startFree || boundary.has(hay[i - 1]!);
        const end = i + needle.length;
        const after = end === hay.length || endFree || boundary.has(hay[end]!);
        if (before && after) return true;
      }
      return false;
    };
  }
  const boundaryClass = wholeTerm ? MAJOR_CLASS : BREAKER_CLASS;
  const pieces = term.split('*').map(escapeRegex).join(`${NOT_MAJOR_CLASS}*`);
  const start = term.startsWith('*') ? '' : `(?:^|(?<=${boundaryClass}))`;
  const end = term.endsWith('*') ? '' : `(?=${boundaryClass}|$)`;
  const re = new RegExp(`${start}${pieces}${end}`, caseSensitive ? '' : 'i');
  return (text) => re.test(text);
}
