// RuleSource → Query IR, with every semantic problem reported at its place in the YAML:
// unknown canonical fields, modifiers that do not fit a field's type, unknown or unused
// selections, aggregates over the wrong types, `having`/`order` naming columns the rule does
// not compute.
import { error, type Diagnostic } from '../diagnostics.ts';
import { TARGETS, type CanonicalType, type LogSource } from '../logsources/types.ts';
import type { DataPath } from '../rules/yaml-document.ts';
import type { RuleScalar, RuleSource, SelectionMap } from '../rules/types.ts';
import { parseDuration } from './durations.ts';
import { ExpressionError, parseCall, parseCondition, parseHaving, type BoolExpr, type ConditionLeaf } from './expressions.ts';
import { parsePattern, simplifyPattern } from './patterns.ts';
import type { Aggregate, ComputedColumn, EntryValueTest, FieldTest, HavingExpr, OrderKey, OutputColumn, Predicate, Query } from './types.ts';
import { WINDOW_COLUMN } from './types.ts';

export const DEFAULT_VALUES_CAP = 100;
const VALUE_MODIFIERS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
type ValueModifier = (typeof VALUE_MODIFIERS)[number];
/** `field[EntryName]`: PowerShell-style parameter names. */
const ENTRY_ACCESSOR = /^([a-z_][a-z0-9_]*)\[([A-Za-z_][A-Za-z0-9_]*)\]$/;
const ENTRY_MODIFIERS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith', 'exists']);
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;

export interface BuildResult {
  query?: Query;
  diagnostics: Diagnostic[];
}

export function buildQuery(rule: RuleSource, logsources: ReadonlyMap<string, LogSource>): BuildResult {
  const doc = rule.document;
  const diagnostics: Diagnostic[] = [];
  const fail = (path: DataPath, message: string, options?: { key?: boolean; offset?: number }) =>
    diagnostics.push(error(rule.yaml.locate(path, options), message));

  const logsource = logsources.get(doc.logsource);
  if (!logsource) {
    fail(['logsource'], `unknown log source '${doc.logsource}' (have: ${[...logsources.keys()].join(', ')})`);
    return { diagnostics };
  }
  const fieldType = (name: string, path: DataPath, options?: { key?: boolean; offset?: number }): CanonicalType | undefined => {
    const field = logsource.fields.get(name);
    if (!field) {
      fail(path, `unknown field '${name}' for log source ${logsource.name} (fields: ${[...logsource.fields.keys()].join(', ')})`, options);
      return undefined;
    }
    for (const target of TARGETS) {
      const t = logsource.targets[target];
      const reason = t.profiles.get(t.defaultProfile)?.unavailable.get(name);
      if (reason) fail(path, `field '${name}' is not available on ${target} (${t.defaultProfile}): ${reason}`, options);
    }
    return field.type;
  };

  /** A field that becomes (or feeds) an output column: a name/value list cannot. */
  const outputFieldType = (name: string, path: DataPath, options?: { key?: boolean; offset?: number }): CanonicalType | undefined => {
    const type = fieldType(name, path, options);
    if (type !== 'namevalue') return type;
    fail(path, `'${name}' is a name/value list and cannot be an output column or aggregated; test its entries in match (${name}[Name]: "value")`, options);
    return undefined;
  };

  if (doc.kind === 'detection' && !doc.schedule) fail([], `a detection needs 'schedule' (how often it runs)`);
  if (doc.kind === 'hunt' && doc.schedule) fail(['schedule'], `a hunt is run by an analyst: remove 'schedule' or make it kind: detection`, { key: true });
  const lookback = parseDuration(doc.lookback);

  // Selections → predicates.
  const selections = new Map<string, Predicate>();
  for (const [name, selection] of Object.entries(doc.match)) {
    if (name === 'condition') continue;
    const maps = Array.isArray(selection) ? (selection as SelectionMap[]) : [selection as SelectionMap];
    const alternatives = maps.map((map, index) => {
      const base: DataPath = Array.isArray(selection) ? ['match', name, index] : ['match', name];
      const tests = Object.entries(map).map(([key, value]) => fieldTests(key, value, [...base, key]));
      return and(tests);
    });
    selections.set(name, or(alternatives));
  }

  function fieldTests(key: string, value: RuleScalar | readonly RuleScalar[], path: DataPath): Predicate {
    const [head, ...modifiers] = key.split('|') as [string, ...string[]];
    // `parameters[PopEnabled]`: one named entry of a namevalue field, its value a string.
    const accessor = ENTRY_ACCESSOR.exec(head);
    const field = accessor ? accessor[1]! : head;
    const entryName = accessor?.[2];
    const fieldTypeFound = fieldType(field, path, { key: true });
    if (fieldTypeFound && entryName !== undefined && fieldTypeFound !== 'namevalue') {
      fail(path, `'${field}[${entryName}]' reads one entry of a name/value list; '${field}' is ${fieldTypeFound}, not namevalue`, { key: true });
      return { kind: 'true' };
    }
    if (fieldTypeFound === 'namevalue' && entryName === undefined) {
      fail(path, `'${field}' is a name/value list: test one entry by its name, e.g. '${field}[PopEnabled]: "True"'`, { key: true });
      return { kind: 'true' };
    }
    const type = entryName !== undefined ? 'string' : fieldTypeFound;
    const valueModifiers = modifiers.filter((m): m is ValueModifier => (VALUE_MODIFIERS as readonly string[]).includes(m));
    if (valueModifiers.length > 1) fail(path, `'${key}' combines ${valueModifiers.join(' and ')}; use one of them`, { key: true });
    if (new Set(modifiers).size !== modifiers.length) fail(path, `'${key}' repeats a modifier`, { key: true });
    const op = valueModifiers[0];
    const cased = modifiers.includes('cased');
    const all = modifiers.includes('all');
    const values = Array.isArray(value) ? value : [value as RuleScalar];
    if (all && values.length < 2) fail(path, `'|all' needs a list of two or more values`, { key: true });
    if (!type) return { kind: 'true' };
    if (entryName !== undefined && op !== undefined && !ENTRY_MODIFIERS.has(op)) {
      fail(path, `'|${op}' does not apply to an entry of '${field}' (its value is a string): use equality, contains, startswith, endswith or exists`, { key: true });
      return { kind: 'true' };
    }
    const isString = type === 'string' || type === 'ip';
    if (cased && !(isString && (op === undefined || op === 'contains' || op === 'startswith' || op === 'endswith' || op === 're'))) {
      fail(path, `'|cased' applies to string comparisons only`, { key: true });
    }
    const tests = values.map((v, i): FieldTest | undefined => {
      const at: DataPath = Array.isArray(value) ? [...path, i] : path;
      if (typeof v === 'string' && !v.isWellFormed()) return void fail(at, 'the value holds a lone UTF-16 surrogate (an escape such as \\uD800); no query language can match it');
      if (op === 'exists') {
        if (typeof v !== 'boolean' || Array.isArray(value)) return void fail(at, `'|exists' takes true or false`);
        return { kind: 'exists', field, exists: v };
      }
      if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') {
        if (type !== 'int' && type !== 'real') return void fail(path, `'|${op}' needs a numeric field; '${field}' is ${type}`, { key: true });
        if (typeof v !== 'number') return void fail(at, `'|${op}' needs a number`);
        return { kind: 'number', field, op, value: v };
      }
      if (op === 'cidr') {
        if (type !== 'ip') return void fail(path, `'|cidr' needs an ip field; '${field}' is ${type}`, { key: true });
        if (typeof v !== 'string' || !IPV4_CIDR.test(v)) return void fail(at, `'|cidr' needs an IPv4 range such as 203.0.113.0/24`);
        return { kind: 'cidr', field, cidr: v };
      }
      if (op === 're') {
        if (!isString) return void fail(path, `'|re' needs a string field; '${field}' is ${type}`, { key: true });
        if (typeof v !== 'string') return void fail(at, `'|re' needs a regular expression string`);
        const problem = regexProblem(v);
        if (problem) return void fail(at, `regular expression: ${problem}`);
        return { kind: 'regex', field, regex: v, cased };
      }
      if (type === 'bool') {
        if (op || typeof v !== 'boolean') return void fail(op ? path : at, `'${field}' is bool: compare it with true or false`, op ? { key: true } : undefined);
        return { kind: 'bool', field, value: v };
      }
      if (type === 'int' || type === 'real') {
        if (op) return void fail(path, `'|${op}' needs a string field; '${field}' is ${type}`, { key: true });
        if (typeof v !== 'number' || (type === 'int' && !Number.isInteger(v))) return void fail(at, `'${field}' is ${type}: give a ${type === 'int' ? 'whole ' : ''}number`);
        return { kind: 'number', field, op: 'eq', value: v };
      }
      if (type === 'datetime') return void fail(path, `comparing '${field}' (datetime) in a selection is not supported; the lookback bounds time`, { key: true });
      if (typeof v === 'boolean') return void fail(at, entryName !== undefined ? `the values of '${field}' entries are strings: write ${JSON.stringify(v ? 'True' : 'False')} in quotes` : `'${field}' is ${type}: give a string`);
      if (v === '') return void fail(at, `an empty string: use '${field}|exists: false' for a missing or empty field`);
      return stringTest(field, String(v), op, cased);
    });
    const ok = tests.filter((t): t is FieldTest => t !== undefined);
    if (ok.length !== tests.length) return { kind: 'true' };
    const wrapped = entryName === undefined ? ok : ok.map((t): FieldTest => ({ kind: 'entry', field, name: entryName, test: t as EntryValueTest }));
    return all ? and(wrapped) : or(wrapped);
  }

  // The condition, and the conditions inside countif / dcountif.
  const used = new Set<string>();
  const conditionToPredicate = (text: string, path: DataPath, baseOffset = 0): Predicate | undefined => {
    let tree: BoolExpr<ConditionLeaf>;
    try {
      tree = parseCondition(text);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      fail(path, `condition: ${e.message}`, { offset: baseOffset + e.offset });
      return undefined;
    }
    let ok = true;
    const convert = (node: BoolExpr<ConditionLeaf>): Predicate => {
      if (node.kind === 'and') return { kind: 'and', items: node.items.map(convert) };
      if (node.kind === 'or') return { kind: 'or', items: node.items.map(convert) };
      if (node.kind === 'not') return { kind: 'not', item: convert(node.item) };
      const leaf = node.leaf;
      if (leaf.kind === 'selection') {
        const p = selections.get(leaf.name);
        if (!p) {
          ok = false;
          fail(path, `unknown selection '${leaf.name}' (have: ${[...selections.keys()].join(', ') || 'none'})`, { offset: baseOffset + node.offset });
          return { kind: 'true' };
        }
        used.add(leaf.name);
        return p;
      }
      const re = new RegExp(`^${leaf.pattern === 'them' ? '.*' : leaf.pattern.replace(/\*/g, '.*')}$`);
      const names = [...selections.keys()].filter((n) => re.test(n));
      if (names.length === 0) {
        ok = false;
        fail(path, `'${leaf.pattern}' matches no selection`, { offset: baseOffset + node.offset });
        return { kind: 'true' };
      }
      names.forEach((n) => used.add(n));
      const items = names.map((n) => selections.get(n)!);
      return leaf.quantifier === 'all' ? and(items) : or(items);
    };
    const predicate = convert(tree);
    return ok ? predicate : undefined;
  };
  const filter = conditionToPredicate(doc.match.condition, ['match', 'condition']) ?? { kind: 'true' as const };

  // Output columns.
  const columns: OutputColumn[] = [];
  let summarize: Query['summarize'];
  let project: string[] | undefined;
  if (doc.summarize) {
    const by = doc.summarize.by ?? [];
    by.forEach((f, i) => {
      const type = outputFieldType(f, ['summarize', 'by', i]);
      if (type) columns.push({ name: f, type, field: f });
    });
    const window = doc.summarize.window ? parseDuration(doc.summarize.window) : undefined;
    if (window !== undefined) {
      if (window > lookback) fail(['summarize', 'window'], `window (${doc.summarize.window}) is longer than lookback (${doc.lookback})`);
      if (by.includes(WINDOW_COLUMN)) fail(['summarize', 'by'], `'window' is the time-bin column; do not list it in by`);
      columns.push({ name: WINDOW_COLUMN, type: 'datetime' });
    }
    const compute: ComputedColumn[] = [];
    for (const [name, text] of Object.entries(doc.summarize.compute)) {
      const path: DataPath = ['summarize', 'compute', name];
      if (columns.some((c) => c.name === name)) fail(path, `'${name}' is already an output column`, { key: true });
      const aggregate = parseAggregate(text, path);
      if (!aggregate) continue;
      compute.push({ name, aggregate });
      columns.push({ name, type: aggregateType(aggregate) });
    }
    summarize = { by, window, compute };
  } else {
    if (!doc.fields) fail([], `a rule without 'summarize' needs 'fields': the canonical fields each result row shows`);
    project = [...(doc.fields ?? [])];
    project.forEach((f, i) => {
      const type = outputFieldType(f, ['fields', i]);
      if (type) columns.push({ name: f, type, field: f });
    });
  }
  if (doc.fields && doc.summarize) fail(['fields'], `'fields' is for rules without summarize; summarize.by and compute name the columns`, { key: true });

  function parseAggregate(text: string, path: DataPath): Aggregate | undefined {
    let call: ReturnType<typeof parseCall>;
    try {
      call = parseCall(text);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      return void fail(path, e.message);
    }
    const { fn, args } = call;
    const need = (n: number) => (args.length === n ? true : void fail(path, `${fn}() takes ${n} argument${n === 1 ? '' : 's'}`));
    const field = (i: number, accept?: (t: CanonicalType) => boolean, what?: string): string | undefined => {
      const a = args[i]!;
      const type = outputFieldType(a.text, path, { offset: a.offset });
      if (type && accept && !accept(type)) return void fail(path, `${fn}() needs ${what}; '${a.text}' is ${type}`, { offset: a.offset });
      return type ? a.text : undefined;
    };
    const numeric = (t: CanonicalType) => t === 'int' || t === 'real';
    switch (fn) {
      case 'count':
        return args.length === 0 ? { fn } : void fail(path, 'count() takes no arguments; use countif(condition) to count some events');
      case 'countif': {
        if (!need(1)) return undefined;
        const predicate = conditionToPredicate(args[0]!.text, path, args[0]!.offset);
        return predicate && { fn, predicate };
      }
      case 'dcount': {
        if (!need(1)) return undefined;
        const f = field(0);
        return f ? { fn, field: f } : undefined;
      }
      case 'dcountif': {
        if (!need(2)) return undefined;
        const f = field(0);
        const predicate = conditionToPredicate(args[1]!.text, path, args[1]!.offset);
        return f && predicate ? { fn, field: f, predicate } : undefined;
      }
      case 'values': {
        if (args.length < 1 || args.length > 2) return void fail(path, 'values() takes a field and an optional cap: values(user, 50)');
        // values() lists text sorted as text; a time has no text form all targets share (Splunk
        // epoch seconds, Kusto ISO 8601 with 7 decimals), so its list would differ per target.
        const f = field(0, (t) => t !== 'datetime', 'a field that is not a datetime (use min() and max() for times)');
        const cap = args[1] ? Number(args[1].text) : DEFAULT_VALUES_CAP;
        if (!Number.isInteger(cap) || cap < 1 || cap > 10000) return void fail(path, 'the cap of values() is a whole number from 1 to 10000', { offset: args[1]?.offset });
        return f ? { fn, field: f, cap } : undefined;
      }
      case 'sum':
      case 'avg': {
        if (!need(1)) return undefined;
        const f = field(0, numeric, 'a numeric field');
        return f ? { fn, field: f } : undefined;
      }
      case 'min':
      case 'max': {
        if (!need(1)) return undefined;
        const f = field(0, (t) => numeric(t) || t === 'datetime', 'a numeric or datetime field');
        return f ? { fn, field: f } : undefined;
      }
      default:
        return void fail(path, `unknown aggregate '${fn}' (known: count, countif, dcount, dcountif, values, min, max, sum, avg)`);
    }
  }

  function aggregateType(a: Aggregate): OutputColumn['type'] {
    switch (a.fn) {
      case 'count': case 'countif': case 'dcount': case 'dcountif': return 'long';
      case 'values': return 'list';
      case 'avg': return 'real';
      case 'sum': return logsource!.fields.get(a.field)?.type === 'int' ? 'long' : 'real';
      case 'min': case 'max': return logsource!.fields.get(a.field)!.type;
    }
  }

  for (const name of selections.keys()) {
    if (!used.has(name)) fail(['match', name], `selection '${name}' is not used by the condition or any aggregate`, { key: true });
  }

  // having / order / limit over the output columns.
  const columnNames = new Set(columns.map((c) => c.name));
  let having: HavingExpr | undefined;
  if (doc.having !== undefined) {
    if (!summarize) fail(['having'], `'having' filters summarized rows; this rule has no summarize`, { key: true });
    try {
      const convert = (node: ReturnType<typeof parseHaving>): HavingExpr | undefined => {
        if (node.kind === 'and' || node.kind === 'or') {
          const items = node.items.map(convert);
          return items.every((i) => i) ? { kind: node.kind, items: items as HavingExpr[] } : undefined;
        }
        if (node.kind === 'not') {
          const item = convert(node.item);
          return item && { kind: 'not', item };
        }
        const { column, op, value } = node.leaf;
        const col = columns.find((c) => c.name === column);
        if (!col) return void fail(['having'], `having: '${column}' is not a column this rule computes (columns: ${[...columnNames].join(', ')})`, { offset: node.offset });
        const numericColumn = ['long', 'int', 'real'].includes(col.type);
        if (numericColumn !== (typeof value === 'number')) return void fail(['having'], `having: '${column}' is ${col.type}; compare it with a ${numericColumn ? 'number' : 'quoted string'}`, { offset: node.offset });
        if (col.type === 'list') return void fail(['having'], `having: '${column}' is a list; compare a count instead`, { offset: node.offset });
        return { kind: 'compare', column, op, value };
      };
      having = convert(parseHaving(doc.having));
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      fail(['having'], `having: ${e.message}`, { offset: e.offset });
    }
  }
  const order: OrderKey[] | undefined = doc.order?.map((key, i) => {
    const descending = key.startsWith('-');
    const column = descending ? key.slice(1) : key;
    if (!columnNames.has(column)) fail(['order', i], `order: '${column}' is not an output column (columns: ${[...columnNames].join(', ')})`);
    else if (columns.find((c) => c.name === column)?.type === 'list') fail(['order', i], `order: '${column}' is a list and cannot be sorted on`);
    return { column, descending };
  });

  if (diagnostics.length) return { diagnostics };
  const query: Query = { name: doc.name, logsource, lookback, filter, project, summarize, having, order, limit: doc.limit, columns, selections };
  return { query, diagnostics };
}

function stringTest(field: string, value: string, op: 'contains' | 'startswith' | 'endswith' | undefined, cased: boolean): FieldTest {
  const parts = parsePattern(value);
  const wrapped = [
    ...(op === 'contains' || op === 'endswith' ? [{ kind: 'anyRun' as const }] : []),
    ...parts,
    ...(op === 'contains' || op === 'startswith' ? [{ kind: 'anyRun' as const }] : []),
  ].filter((p, i, all) => !(p.kind === 'anyRun' && all[i - 1]?.kind === 'anyRun'));
  const simple = simplifyPattern(wrapped);
  if (simple && !(simple.op !== 'eq' && simple.value === '')) return { kind: 'string', field, op: simple.op, value: simple.value, cased };
  return { kind: 'pattern', field, pattern: wrapped, source: value, cased };
}

/** Regex features outside what PCRE (Splunk) and RE2 (Kusto) agree on are refused. */
function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source, 'u');
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
  if (/\(\?<?[=!]/.test(source)) return 'lookaround is not supported by Kusto (RE2)';
  if (/\\[1-9]|\\k</.test(source)) return 'backreferences are not supported by Kusto (RE2)';
  if (/\(\?[a-zA-Z]/.test(source)) return 'inline flags are set by the rule (|cased), not in the expression';
  return undefined;
}

const and = (items: Predicate[]): Predicate => (items.length === 1 ? items[0]! : { kind: 'and', items });
const or = (items: Predicate[]): Predicate => (items.length === 1 ? items[0]! : { kind: 'or', items });
