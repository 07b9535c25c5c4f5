// Dedicated argument grammars for the commands SOC searches use most. Each grammar reads the
// tokens of one pipeline stage (after the command name) and returns the command's typed body;
// the parser adds the name, span and comments. Syntax per the Search Reference command pages,
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/<command>.
//
// Options (`name=value`) are checked against the options each command documents; a command
// whose option list we do not pin (mstats, collect, sendalert) accepts any.
import type {
  AddtotalsCommand,
  AppendCommand,
  Aggregation,
  AggregationArg,
  BinCommand,
  Command,
  Conversion,
  ConvertCommand,
  DedupCommand,
  EvalCommand,
  EvalValue,
  FieldListCommand,
  FieldOptionsCommand,
  FieldRef,
  FillnullCommand,
  ForeachCommand,
  FormatCommand,
  FromCommand,
  HeadCommand,
  InputLookupCommand,
  IplocationCommand,
  JoinCommand,
  Literal,
  LookupCommand,
  LookupField,
  LookupOutput,
  MacroRef,
  MakemvCommand,
  MvexpandCommand,
  OptionArg,
  OptionsCommand,
  OutputLookupCommand,
  RegexCommand,
  Rename,
  RenameCommand,
  ReturnCommand,
  ReturnItem,
  RexCommand,
  SearchCommand,
  SearchExpr,
  SendalertCommand,
  SortCommand,
  SortKey,
  SpathCommand,
  StatsCommand,
  Subsearch,
  TopCommand,
  TransactionCommand,
  WhereCommand,
} from './ast.ts';
import type { ParseContext } from './context.ts';
import { isKeyword, isOperator, type TokenCursor } from './cursor.ts';
import { arityProblem, BARE_STATS_FUNCTIONS, statsFunction, STATS_FUNCTIONS } from './functions.ts';
import { closestName } from './commands.ts';
import { checkRegexStructure, checkSedExpression, hasNamedGroup } from './regex-check.ts';
import { describe, parseSearchExpression, parseSearchGroup } from './search-parser.ts';
import type { SplToken } from './tokens.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type BodyOf<C extends Command> = Omit<C, 'name' | 'tail' | 'comments' | 'span'>;
/** A command without the parts the parser adds (name, tail, comments, span). */
export type CommandBody = DistributiveOmit<Command, 'name' | 'tail' | 'comments' | 'span'>;

export interface StageHeader {
  /** The command name token. */
  readonly nameToken: SplToken;
  /** Lower-case name (`bucket`, `stats`). */
  readonly command: string;
}

export type Grammar = (ctx: ParseContext, cursor: TokenCursor, header: StageHeader) => CommandBody;

const options = (...names: string[]): ReadonlySet<string> => new Set(names);
const CHART_OPTIONS = ['sep', 'format', 'cont', 'limit', 'agg', 'usenull', 'useother', 'nullstr', 'otherstr', 'bins', 'span', 'minspan', 'start', 'end', 'aligntime'];

/** Documented options per command; null accepts any option. */
const COMMAND_OPTIONS: Readonly<Record<string, ReadonlySet<string> | null>> = {
  stats: options('partitions', 'allnum', 'delim', 'dedup_splitvals'),
  sistats: options('partitions', 'allnum', 'delim', 'dedup_splitvals'),
  eventstats: options('allnum'),
  streamstats: options('reset_on_change', 'reset_before', 'reset_after', 'current', 'window', 'time_window', 'global', 'allnum'),
  chart: options(...CHART_OPTIONS),
  sichart: options(...CHART_OPTIONS),
  timechart: options(...CHART_OPTIONS, 'fixedrange', 'partial'),
  sitimechart: options(...CHART_OPTIONS, 'fixedrange', 'partial'),
  tstats: options('prestats', 'local', 'append', 'summariesonly', 'include_reduced_buckets', 'allow_old_summaries', 'use_summary_index_values', 'chunk_size', 'fillnull_value', 'span'),
  mstats: null,
  bin: options('bins', 'minspan', 'span', 'start', 'end', 'aligntime'),
  sort: options('limit'),
  head: options('limit', 'null', 'keeplast'),
  tail: options(),
  dedup: options('keepevents', 'keepempty', 'consecutive'),
  top: options('countfield', 'limit', 'otherstr', 'percentfield', 'showcount', 'showperc', 'useother'),
  rare: options('countfield', 'limit', 'percentfield', 'showcount', 'showperc'),
  rex: options('field', 'max_match', 'offset_field', 'mode'),
  spath: options('input', 'output', 'path'),
  lookup: options('local', 'update', 'event_time_field'),
  inputlookup: options('append', 'strict', 'start', 'max'),
  outputlookup: options('append', 'create_empty', 'override_if_empty', 'max', 'key_field', 'allow_updates', 'createinapp', 'create_context', 'output_format'),
  join: options('type', 'usetime', 'earlier', 'overwrite', 'max', 'left', 'right'),
  append: options('extendtimerange', 'maxtime', 'maxout', 'timeout'),
  appendcols: options('override', 'extendtimerange', 'maxtime', 'maxout', 'timeout'),
  appendpipe: options('run_in_preview'),
  fillnull: options('value'),
  mvexpand: options('limit'),
  makemv: options('delim', 'tokenizer', 'allowempty', 'setsv'),
  convert: options('timeformat'),
  iplocation: options('prefix', 'allfields', 'lang'),
  transaction: options('name', 'maxspan', 'maxpause', 'maxevents', 'startswith', 'endswith', 'connected', 'unifyends', 'keeporphans', 'maxopentxn', 'maxopenevents', 'keepevicted', 'mvlist', 'delim', 'nullstr', 'mvraw'),
  foreach: options('mode', 'fieldstr', 'matchstr', 'matchseg1', 'matchseg2', 'matchseg3', 'itemstr', 'iterstr'),
  fromjson: options('prefix'),
  xmlkv: options('maxinputs'),
  addtotals: options('row', 'col', 'labelfield', 'label', 'fieldname'),
  format: options('mvsep', 'maxresults', 'emptystr'),
  makeresults: options('count', 'annotate', 'splunk_server', 'splunk_server_group', 'format', 'data'),
  collect: null,
  sendalert: null,
};

// ---------------------------------------------------------------------------------------------
// Shared pieces

/**
 * Reports the first token a grammar did not expect and skips the rest of the stage. A macro
 * there is not an error: unexpanded, it may stand for any arguments; it and what follows become
 * the command's `tail` (validateSpl checks the expansion when it has the definitions).
 */
function rejectRest(ctx: ParseContext, cursor: TokenCursor, header: StageHeader): void {
  const t = cursor.peek();
  if (t === undefined) return;
  if (t.kind === 'macro') {
    ctx.macroTail(t.start);
    return;
  }
  ctx.sink.error(t, 'unexpected-token', `unexpected ${describe(t)} in ${header.command}`);
  while (!cursor.atEnd()) cursor.next();
}

/** `name=value`; the cursor is on `name`. */
function parseOption(ctx: ParseContext, cursor: TokenCursor, header: StageHeader): OptionArg {
  const nameToken = cursor.next();
  const eq = cursor.next();
  const allowed = COMMAND_OPTIONS[header.command];
  if (allowed && !allowed.has(nameToken.text.toLowerCase())) {
    const hint = closestName(nameToken.text, allowed);
    const list = [...allowed].join(', ') || 'none';
    ctx.sink.error(nameToken, 'unknown-option', `${header.command} has no option \`${nameToken.text}\`${hint ? ` (did you mean ${hint}?)` : ''}; its options: ${list}`);
  }
  const value = parseOptionValue(ctx, cursor, eq);
  return { kind: 'option', name: nameToken.text, value, span: ctx.span(nameToken, value.span) };
}

function parseOptionValue(ctx: ParseContext, cursor: TokenCursor, eq: SplToken): OptionArg['value'] {
  const t = cursor.peek();
  if (t?.kind === 'lparen') return parseSearchGroup(ctx, cursor);
  if (t && isKeyword(t, 'eval') && cursor.peek(1)?.kind === 'lparen') {
    cursor.next();
    return parseEvalValue(ctx, cursor, t);
  }
  if (t && (t.kind === 'word' || t.kind === 'number' || t.kind === 'string')) {
    cursor.next();
    return ctx.literal(t);
  }
  if (t?.kind === 'macro') return ctx.macro(cursor.next());
  ctx.sink.error(t ?? eq, 'missing-value', `\`${cursor.previous()?.text ?? '='}\` needs a value`);
  return { kind: 'literal', value: '', quoted: false, span: ctx.span(eq, eq) };
}

/** Index of the `)` matching the `(` at the cursor, or -1. */
function matchingParen(cursor: TokenCursor): number {
  let depth = 0;
  for (let i = cursor.index; i < cursor.end; i++) {
    const kind = cursor.tokens[i]!.kind;
    if (kind === 'lparen') depth++;
    else if (kind === 'rparen' && --depth === 0) return i;
  }
  return -1;
}

/** `eval( expr )` with the cursor on `(` after `eval`. */
function parseEvalValue(ctx: ParseContext, cursor: TokenCursor, evalToken: SplToken): EvalValue {
  const open = cursor.peek()!;
  const closeIndex = matchingParen(cursor);
  if (closeIndex < 0) {
    ctx.sink.error(open, 'unclosed-paren', 'unclosed `(` of eval(: expected `)`');
    while (!cursor.atEnd()) cursor.next();
    return { kind: 'evalValue', expr: { kind: 'number', text: '0', span: ctx.span(open, open) }, span: ctx.span(evalToken, open) };
  }
  const close = cursor.tokens[closeIndex]!;
  const expr = ctx.expression(open.end, close.start, 'eval()') ?? { kind: 'number', text: '0', span: ctx.span(open, open) };
  cursor.seek(closeIndex + 1);
  return { kind: 'evalValue', expr, span: ctx.span(evalToken, close) };
}

/** A field argument: a word, number or double-quoted string; a single-quoted name is taken (and reported by ctx.field). */
const isFieldToken = (t: SplToken | undefined): t is SplToken =>
  t !== undefined && (t.kind === 'word' || t.kind === 'number' || t.kind === 'string' || t.kind === 'quotedName');

/** `AS name` after a field or aggregation, if present. */
function parseAlias(ctx: ParseContext, cursor: TokenCursor): FieldRef | null {
  const as = cursor.acceptKeyword('AS');
  if (!as) return null;
  const t = cursor.peek();
  if (!isFieldToken(t)) {
    ctx.sink.error(t ?? as, 'missing-field', 'AS needs a field name after it');
    return null;
  }
  return takeField(ctx, cursor);
}

/**
 * The field at the cursor. A glued parenthesized suffix is part of the name, as in the fields
 * MLTK and `stats … AS aceFlags(inheritance)` produce: `predicted(score)`.
 */
function takeField(ctx: ParseContext, cursor: TokenCursor): FieldRef {
  const t = cursor.next();
  const open = cursor.peek();
  const inner = cursor.peek(1);
  const close = cursor.peek(2);
  if (t.kind === 'word' && open?.kind === 'lparen' && !open.spaceBefore && inner?.kind === 'word' && !inner.spaceBefore && close?.kind === 'rparen' && !close.spaceBefore) {
    cursor.seek(cursor.index + 3);
    return { kind: 'field', name: `${t.value}(${inner.value})`, quoted: false, span: ctx.span(t, close) };
  }
  // Splunk joins quoted and bare parts written without a space into one argument:
  // `rename "Authentication".* AS *` renames Authentication.* (what a macro argument gives).
  let glued = cursor.peek();
  if (!isFieldToken(glued) || glued.spaceBefore) return ctx.field(t);
  let name = ctx.field(t).name;
  let last: SplToken = t;
  while (isFieldToken(glued) && !glued.spaceBefore) {
    name += ctx.field(glued).name;
    last = cursor.next();
    glued = cursor.peek();
  }
  return { kind: 'field', name, quoted: true, span: ctx.span(t, last) };
}

/** A count such as `head 10` or `sort 0`. */
function acceptCount(ctx: ParseContext, cursor: TokenCursor): Literal | null {
  const t = cursor.peek();
  return t?.kind === 'number' ? ctx.literal(cursor.next()) : null;
}

/** Fields separated by spaces or commas, up to a token that is not a field (or `stop`). */
function parseFieldList(ctx: ParseContext, cursor: TokenCursor, stop: (t: SplToken) => boolean = () => false): FieldRef[] {
  const fields: FieldRef[] = [];
  for (let t = cursor.peek(); t !== undefined; t = cursor.peek()) {
    if (stop(t)) break;
    if (t.kind === 'comma') {
      cursor.next();
      continue;
    }
    if (!isFieldToken(t) || cursor.atOption()) break;
    fields.push(takeField(ctx, cursor));
  }
  return fields;
}

function requireSubsearch(ctx: ParseContext, cursor: TokenCursor, header: StageHeader, template = false): Subsearch {
  const t = cursor.peek();
  if (t?.kind === 'lbracket') return ctx.subsearch(cursor, { template });
  ctx.sink.error(t ?? { start: cursor.endOffset, end: cursor.endOffset }, 'missing-subsearch', `${header.command} needs a subsearch [ … ]`);
  const at = t ?? header.nameToken;
  return {
    kind: 'subsearch',
    pipeline: { kind: 'pipeline', leadingPipe: false, commands: [], span: ctx.span(at, at) },
    span: ctx.span(at, at),
  };
}

function requireField(ctx: ParseContext, cursor: TokenCursor, header: StageHeader): FieldRef {
  const t = cursor.peek();
  if (isFieldToken(t) && !cursor.atOption()) return takeField(ctx, cursor);
  ctx.sink.error(t ?? { start: cursor.endOffset, end: cursor.endOffset }, 'missing-field', `${header.command} needs a field name`);
  const at = t ?? header.nameToken;
  return { kind: 'field', name: '', quoted: false, span: ctx.span(at, at) };
}

const missingLiteral = (ctx: ParseContext, at: { start: number; end: number }): Literal => ({
  kind: 'literal',
  value: '',
  quoted: false,
  span: ctx.span(at, at),
});

// ---------------------------------------------------------------------------------------------
// search, where, eval

const search: Grammar = (ctx, cursor, header) => {
  const query = parseSearchExpression(ctx, cursor);
  if (query === null) ctx.sink.error(header.nameToken, 'missing-search', 'search needs search terms');
  return { kind: 'search', implicit: false, query } satisfies BodyOf<SearchCommand>;
};

const where: Grammar = (ctx, cursor, header) => {
  const start = cursor.peek()?.start ?? cursor.endOffset;
  const condition = ctx.expression(start, cursor.endOffset, 'where');
  cursor.seek(cursor.end);
  const fallback = { kind: 'number' as const, text: '1', span: ctx.span(header.nameToken, header.nameToken) };
  return { kind: 'where', condition: condition ?? fallback } satisfies BodyOf<WhereCommand>;
};

const evalGrammar: Grammar = (ctx, cursor, header) => {
  const start = cursor.peek()?.start ?? cursor.endOffset;
  const assignments = ctx.assignments(start, cursor.endOffset, header.command);
  cursor.seek(cursor.end);
  if (header.command === 'fieldformat' && assignments.length > 1) {
    ctx.sink.error(assignments[1]!.span, 'fieldformat-one', 'fieldformat takes one field=expression');
  }
  return { kind: 'eval', assignments } satisfies BodyOf<EvalCommand>;
};

// ---------------------------------------------------------------------------------------------
// The stats family

const STATS_CLAUSES: Readonly<Record<string, readonly string[]>> = {
  tstats: ['from', 'where', 'by'],
  mstats: ['where', 'by'],
  chart: ['over', 'by'],
  sichart: ['over', 'by'],
};

const stats: Grammar = (ctx, cursor, header) => {
  const clauses = STATS_CLAUSES[header.command] ?? ['by'];
  const isClause = (t: SplToken | undefined): boolean =>
    t !== undefined && t.kind === 'word' && clauses.includes(t.text.toLowerCase()) && !isOperator(cursor.peek(1), '=');
  const head: (OptionArg | MacroRef | Aggregation)[] = [];
  while (!cursor.atEnd() && !isClause(cursor.peek())) {
    const t = cursor.peek()!;
    if (t.kind === 'comma') cursor.next();
    else if (cursor.atOption()) head.push(parseOption(ctx, cursor, header));
    else if (t.kind === 'macro') head.push(ctx.macro(cursor.next()));
    else if (t.kind === 'word') head.push(parseAggregation(ctx, cursor));
    else break;
  }
  if (!head.some((item) => item.kind !== 'option')) {
    ctx.sink.error(cursor.peek() ?? header.nameToken, 'missing-aggregation', `${header.command} needs at least one statistical function (count, dc(x), values(x) …)`);
  }
  let from: StatsCommand['from'] = null;
  let whereClause: SearchExpr | null = null;
  let over: FieldRef | null = null;
  let by: (FieldRef | MacroRef)[] = [];
  const byOptions: (OptionArg | MacroRef)[] = [];
  while (isClause(cursor.peek())) {
    const keyword = cursor.next();
    switch (keyword.text.toLowerCase()) {
      case 'from': {
        if (cursor.atOption()) from = parseOption(ctx, cursor, { ...header, command: 'from' });
        else if (isFieldToken(cursor.peek())) from = ctx.literal(cursor.next());
        else ctx.sink.error(cursor.peek() ?? keyword, 'missing-dataset', 'FROM needs a data model or namespace');
        break;
      }
      case 'where':
        whereClause = parseSearchExpression(ctx, cursor, { stopAt: (t) => isClause(t) && isKeyword(t, 'by') });
        if (whereClause === null) ctx.sink.error(keyword, 'missing-search', 'WHERE needs search terms');
        break;
      case 'over':
        over = requireField(ctx, cursor, header);
        break;
      case 'by':
        // Fields, with options such as span= before, between or after them (`by _time span=5m user`).
        by = [];
        for (let t = cursor.peek(); t !== undefined && !isClause(t); t = cursor.peek()) {
          if (t.kind === 'comma') cursor.next();
          else if (cursor.atOption()) byOptions.push(parseOption(ctx, cursor, header));
          else if (t.kind === 'macro') by.push(ctx.macro(cursor.next()));
          else if (isFieldToken(t)) by.push(takeField(ctx, cursor));
          else break;
        }
        if (by.length === 0) ctx.sink.error(keyword, 'missing-field', 'BY needs at least one field');
        break;
    }
  }
  rejectRest(ctx, cursor, header);
  return { kind: 'stats', head, from, where: whereClause, over, by, byOptions } satisfies BodyOf<StatsCommand>;
};

/** `fn`, `fn(args)`, `fn(args) AS alias`; the cursor is on `fn`. */
function parseAggregation(ctx: ParseContext, cursor: TokenCursor): Aggregation {
  const name = cursor.next();
  const known = statsFunction(name.text);
  let args: AggregationArg[] | null = null;
  let last: { end: number } = name;
  if (cursor.peek()?.kind === 'lparen') {
    const open = cursor.next();
    args = [];
    let closed = false;
    for (let t = cursor.peek(); t !== undefined; t = cursor.peek()) {
      if (t.kind === 'rparen') {
        last = cursor.next();
        closed = true;
        break;
      }
      if (t.kind === 'comma') {
        cursor.next();
        continue;
      }
      if (isKeyword(t, 'eval') && cursor.peek(1)?.kind === 'lparen') {
        cursor.next();
        args.push(parseEvalValue(ctx, cursor, t));
      } else if (t.kind === 'word' && cursor.peek(1)?.kind === 'lparen') {
        args.push(parseAggregation(ctx, cursor));
      } else if (t.kind === 'macro') {
        args.push(ctx.macro(cursor.next()));
      } else if (isFieldToken(t)) {
        cursor.next();
        // sparkline(count(x), 1h): arguments after the first are literals.
        args.push(args.length > 0 && name.text.toLowerCase() === 'sparkline' ? ctx.literal(t) : ctx.field(t));
      } else break;
    }
    if (!closed) {
      ctx.sink.error(open, 'unclosed-paren', `unclosed \`(\` of ${name.text}(: expected \`)\``);
      last = cursor.previous() ?? open;
    }
  }
  if (known === undefined) {
    const hint = closestName(name.text, STATS_FUNCTIONS.keys());
    ctx.sink.error(name, 'unknown-stats-function', `unknown statistical function \`${name.text}\`${hint ? ` (did you mean ${hint}?)` : ''}`);
  } else if (args === null) {
    if (!BARE_STATS_FUNCTIONS.has(name.text.toLowerCase())) {
      ctx.sink.error(name, 'stats-arity', `${name.text} needs a field: ${name.text}(field)`);
    }
  } else {
    const problem = arityProblem(name.text, known, args.length);
    if (problem) ctx.sink.error(name, 'stats-arity', problem);
  }
  const alias = parseAlias(ctx, cursor);
  return { kind: 'aggregation', fn: name.text, args, alias, span: ctx.span(name, alias?.span ?? last) };
}

// ---------------------------------------------------------------------------------------------
// Field and ordering commands

const bin: Grammar = (ctx, cursor, header) => {
  const opts: (OptionArg | MacroRef)[] = [];
  let field: FieldRef | null = null;
  let alias: FieldRef | null = null;
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, { ...header, command: 'bin' }));
    else if (t.kind === 'macro') opts.push(ctx.macro(cursor.next()));
    else if (field === null && isFieldToken(t)) {
      field = takeField(ctx, cursor);
      alias = parseAlias(ctx, cursor);
    } else break;
  }
  rejectRest(ctx, cursor, header);
  if (field === null) {
    ctx.sink.error({ start: cursor.endOffset, end: cursor.endOffset }, 'missing-field', `${header.command} needs a field (e.g. ${header.command} _time span=1h)`);
    field = { kind: 'field', name: '', quoted: false, span: ctx.span(header.nameToken, header.nameToken) };
  }
  return { kind: 'bin', options: opts, field, alias } satisfies BodyOf<BinCommand>;
};

const fieldList: Grammar = (ctx, cursor, header) => {
  let mode: FieldListCommand['mode'] = null;
  const first = cursor.peek();
  if (header.command === 'fields' && first?.kind === 'word' && (first.text === '+' || first.text === '-')) {
    cursor.next();
    mode = first.text;
  }
  const fields: (FieldRef | MacroRef)[] = [];
  for (let t = cursor.peek(); t !== undefined; t = cursor.peek()) {
    if (t.kind === 'comma') cursor.next();
    else if (t.kind === 'macro') fields.push(ctx.macro(cursor.next()));
    else if (isFieldToken(t)) fields.push(takeField(ctx, cursor));
    else break;
  }
  rejectRest(ctx, cursor, header);
  if (fields.length === 0) ctx.sink.error(header.nameToken, 'missing-field', `${header.command} needs at least one field`);
  return { kind: 'fields', mode, fields } satisfies BodyOf<FieldListCommand>;
};

const rename: Grammar = (ctx, cursor, header) => {
  const renames: Rename[] = [];
  for (let t = cursor.peek(); t !== undefined; t = cursor.peek()) {
    if (t.kind === 'comma') {
      cursor.next();
      continue;
    }
    if (!isFieldToken(t)) break;
    const from = takeField(ctx, cursor);
    const as = cursor.acceptKeyword('AS');
    const target = cursor.peek();
    if (!as || !isFieldToken(target)) {
      ctx.sink.error(as ? (target ?? as) : (cursor.peek() ?? from.span), 'rename-syntax', `rename needs \`${from.name} AS <new name>\``);
      cursor.seek(cursor.end);
      break;
    }
    const to = takeField(ctx, cursor);
    renames.push({ kind: 'rename', from, to, span: ctx.span(from.span, to.span) });
  }
  rejectRest(ctx, cursor, header);
  if (renames.length === 0 && !ctx.sink.diagnostics.some((d) => d.start >= header.nameToken.start && d.code === 'rename-syntax')) {
    ctx.sink.error(header.nameToken, 'rename-syntax', 'rename needs at least one `field AS new_name`');
  }
  return { kind: 'rename', renames } satisfies BodyOf<RenameCommand>;
};

const SORT_FUNCTIONS: ReadonlySet<string> = new Set(['auto', 'str', 'ip', 'num']);

/** Sort keys: `[-|+]field`, `- field`, `[-|+]num(field)`, separated by spaces or commas. */
function parseSortKeys(ctx: ParseContext, cursor: TokenCursor, stop: (t: SplToken) => boolean): SortKey[] {
  const keys: SortKey[] = [];
  for (let t = cursor.peek(); t !== undefined && !stop(t); t = cursor.peek()) {
    if (t.kind === 'comma') {
      cursor.next();
      continue;
    }
    if (!isFieldToken(t) || cursor.atOption()) break;
    const start = cursor.next();
    let direction: SortKey['direction'] = null;
    let fieldToken: SplToken | undefined = start;
    let name = start.kind === 'string' ? start.value : start.value;
    if (start.kind === 'word' && (name.startsWith('-') || name.startsWith('+'))) {
      direction = name[0] === '-' ? '-' : '+';
      name = name.slice(1);
      if (name === '') {
        fieldToken = cursor.peek();
        if (!isFieldToken(fieldToken)) {
          ctx.sink.error(start, 'sort-syntax', `\`${start.text}\` needs a field after it`);
          break;
        }
        cursor.next();
        name = fieldToken.value;
      }
    }
    let fn: string | null = null;
    let last: { end: number } = fieldToken;
    let field: FieldRef;
    if (fieldToken.kind === 'word' && SORT_FUNCTIONS.has(name.toLowerCase()) && cursor.peek()?.kind === 'lparen') {
      fn = name;
      cursor.next();
      const inner = cursor.peek();
      if (!isFieldToken(inner)) {
        ctx.sink.error(inner ?? fieldToken, 'sort-syntax', `${fn}( needs a field`);
        break;
      }
      field = takeField(ctx, cursor);
      const close = cursor.peek();
      if (close?.kind !== 'rparen') {
        ctx.sink.error(cursor.tokens[cursor.index - 2]!, 'unclosed-paren', `unclosed \`(\` of ${fn}(: expected \`)\``);
        break;
      }
      last = cursor.next();
    } else if (fieldToken.kind === 'quotedName') {
      field = ctx.field(fieldToken);
    } else {
      const span = fieldToken === start && direction !== null ? ctx.lines.span(start.start + 1, start.end) : ctx.span(fieldToken, fieldToken);
      field = { kind: 'field', name, quoted: fieldToken.kind === 'string', span };
    }
    keys.push({ kind: 'sortKey', direction, fn, field, span: ctx.span(start, last) });
  }
  return keys;
}

const sort: Grammar = (ctx, cursor, header) => {
  const count = acceptCount(ctx, cursor);
  const opts: OptionArg[] = [];
  while (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
  const isReverse = (t: SplToken): boolean =>
    t.kind === 'word' && (t.text === 'd' || t.text === 'desc') && cursor.peek(1) === undefined;
  const keys = parseSortKeys(ctx, cursor, isReverse);
  let reverse: Literal | null = null;
  const t = cursor.peek();
  if (t && isReverse(t) && keys.length > 0) reverse = ctx.literal(cursor.next());
  rejectRest(ctx, cursor, header);
  if (keys.length === 0) ctx.sink.error(header.nameToken, 'missing-field', 'sort needs at least one field');
  return { kind: 'sort', count, options: opts, keys, reverse } satisfies BodyOf<SortCommand>;
};

const head: Grammar = (ctx, cursor, header) => {
  const count = acceptCount(ctx, cursor);
  const opts: OptionArg[] = [];
  let condition: HeadCommand['condition'] = null;
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (header.command === 'head' && count === null && condition === null && t.kind === 'lparen') {
      const closeIndex = matchingParen(cursor);
      if (closeIndex < 0) {
        ctx.sink.error(t, 'unclosed-paren', 'unclosed `(` of the head expression');
        cursor.seek(cursor.end);
        break;
      }
      const close = cursor.tokens[closeIndex]!;
      const expr = ctx.expression(t.end, close.start, 'head');
      cursor.seek(closeIndex + 1);
      if (expr) condition = { kind: 'group', expr, span: ctx.span(t, close) };
    } else break;
  }
  rejectRest(ctx, cursor, header);
  return { kind: 'head', count, options: opts, condition } satisfies BodyOf<HeadCommand>;
};

const dedup: Grammar = (ctx, cursor, header) => {
  const count = acceptCount(ctx, cursor);
  const opts: OptionArg[] = [];
  const fields: FieldRef[] = [];
  let sortBy: SortKey[] = [];
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (isKeyword(t, 'sortby')) {
      cursor.next();
      sortBy = parseSortKeys(ctx, cursor, () => false);
      if (sortBy.length === 0) ctx.sink.error(t, 'missing-field', 'sortby needs at least one field');
    } else if (t.kind === 'comma') cursor.next();
    else if (isFieldToken(t)) fields.push(takeField(ctx, cursor));
    else break;
  }
  rejectRest(ctx, cursor, header);
  if (fields.length === 0) ctx.sink.error(header.nameToken, 'missing-field', 'dedup needs at least one field');
  return { kind: 'dedup', count, fields, options: opts, sortBy } satisfies BodyOf<DedupCommand>;
};

const top: Grammar = (ctx, cursor, header) => {
  const count = acceptCount(ctx, cursor);
  const opts: OptionArg[] = [];
  const fields: FieldRef[] = [];
  let by: FieldRef[] = [];
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (isKeyword(t, 'by')) {
      cursor.next();
      by = parseFieldList(ctx, cursor);
      if (by.length === 0) ctx.sink.error(t, 'missing-field', 'BY needs at least one field');
    } else if (t.kind === 'comma') cursor.next();
    else if (isFieldToken(t) && by.length === 0) fields.push(takeField(ctx, cursor));
    else break;
  }
  rejectRest(ctx, cursor, header);
  if (fields.length === 0) ctx.sink.error(header.nameToken, 'missing-field', `${header.command} needs at least one field`);
  return { kind: 'top', count, options: opts, fields, by } satisfies BodyOf<TopCommand>;
};

// ---------------------------------------------------------------------------------------------
// Extraction commands

const rex: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  let pattern: Literal | null = null;
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (t.kind === 'string' && pattern === null) pattern = ctx.literal(cursor.next());
    else break;
  }
  rejectRest(ctx, cursor, header);
  if (pattern === null) {
    ctx.sink.error(header.nameToken, 'missing-regex', 'rex needs a regular expression in double quotes');
    return { kind: 'rex', options: opts, pattern: missingLiteral(ctx, header.nameToken) } satisfies BodyOf<RexCommand>;
  }
  const sed = opts.some((o) => o.name.toLowerCase() === 'mode' && o.value.kind === 'literal' && o.value.value === 'sed');
  const problem = sed ? checkSedExpression(pattern.value) : checkRegexStructure(pattern.value);
  if (problem) ctx.sink.error(pattern.span, sed ? 'sed-syntax' : 'regex-syntax', problem);
  else if (!sed && !hasNamedGroup(pattern.value)) {
    ctx.sink.error(pattern.span, 'rex-no-group', 'rex extracts nothing: the regular expression needs a named group (?<name>…)');
  }
  return { kind: 'rex', options: opts, pattern } satisfies BodyOf<RexCommand>;
};

const regex: Grammar = (ctx, cursor, header) => {
  let field: FieldRef | null = null;
  let negated = false;
  const t = cursor.peek();
  if (isFieldToken(t) && t.kind !== 'string' && (isOperator(cursor.peek(1), '=') || isOperator(cursor.peek(1), '!='))) {
    field = takeField(ctx, cursor);
    negated = cursor.next().text === '!=';
  }
  const value = cursor.peek();
  let pattern: Literal;
  if (isFieldToken(value)) {
    pattern = ctx.literal(cursor.next());
    const problem = checkRegexStructure(pattern.value);
    if (problem) ctx.sink.error(pattern.span, 'regex-syntax', problem);
  } else {
    ctx.sink.error(value ?? header.nameToken, 'missing-regex', 'regex needs a regular expression');
    pattern = missingLiteral(ctx, header.nameToken);
  }
  rejectRest(ctx, cursor, header);
  return { kind: 'regex', field, negated, pattern } satisfies BodyOf<RegexCommand>;
};

const spath: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  let path: Literal | null = null;
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (isFieldToken(t) && path === null) path = ctx.literal(cursor.next());
    else break;
  }
  rejectRest(ctx, cursor, header);
  return { kind: 'spath', options: opts, path } satisfies BodyOf<SpathCommand>;
};

// ---------------------------------------------------------------------------------------------
// Lookups

function parseTable(ctx: ParseContext, cursor: TokenCursor, header: StageHeader): Literal | MacroRef {
  const t = cursor.peek();
  if (t?.kind === 'macro') return ctx.macro(cursor.next());
  if (isFieldToken(t) && !cursor.atOption()) return ctx.literal(cursor.next());
  ctx.sink.error(t ?? { start: cursor.endOffset, end: cursor.endOffset }, 'missing-table', `${header.command} needs a lookup table name`);
  return missingLiteral(ctx, t ?? header.nameToken);
}

function parseLookupFields(ctx: ParseContext, cursor: TokenCursor): LookupField[] {
  const fields: LookupField[] = [];
  for (let t = cursor.peek(); t !== undefined; t = cursor.peek()) {
    if (t.kind === 'comma') {
      cursor.next();
      continue;
    }
    if (!isFieldToken(t) || isKeyword(t, 'OUTPUT') || isKeyword(t, 'OUTPUTNEW')) break;
    const field = takeField(ctx, cursor);
    const alias = parseAlias(ctx, cursor);
    fields.push({ kind: 'lookupField', field, alias, span: ctx.span(field.span, alias?.span ?? field.span) });
  }
  return fields;
}

const lookup: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  while (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
  const table = parseTable(ctx, cursor, header);
  const inputs = parseLookupFields(ctx, cursor);
  if (inputs.length === 0) ctx.sink.error(cursor.peek() ?? table.span, 'missing-field', 'lookup needs at least one lookup field to match on');
  let output: LookupOutput | null = null;
  const keyword = cursor.peek();
  if (keyword && (isKeyword(keyword, 'OUTPUT') || isKeyword(keyword, 'OUTPUTNEW'))) {
    cursor.next();
    const fields = parseLookupFields(ctx, cursor);
    if (fields.length === 0) ctx.sink.error(keyword, 'missing-field', `${keyword.text} needs at least one field`);
    const mode = keyword.text.toUpperCase() === 'OUTPUT' ? 'OUTPUT' : 'OUTPUTNEW';
    output = { kind: 'lookupOutput', mode, fields, span: ctx.span(keyword, fields.at(-1)?.span ?? keyword) };
  }
  rejectRest(ctx, cursor, header);
  return { kind: 'lookup', options: opts, table, inputs, output } satisfies BodyOf<LookupCommand>;
};

const inputlookup: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  while (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
  const table = parseTable(ctx, cursor, header);
  while (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
  let whereClause: SearchExpr | null = null;
  const keyword = cursor.acceptKeyword('where');
  if (keyword) {
    whereClause = parseSearchExpression(ctx, cursor);
    if (whereClause === null) ctx.sink.error(keyword, 'missing-search', 'WHERE needs search terms');
  }
  rejectRest(ctx, cursor, header);
  return { kind: 'inputlookup', options: opts, table, where: whereClause } satisfies BodyOf<InputLookupCommand>;
};

const outputlookup: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  while (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
  const table = parseTable(ctx, cursor, header);
  while (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
  rejectRest(ctx, cursor, header);
  return { kind: 'outputlookup', options: opts, table } satisfies BodyOf<OutputLookupCommand>;
};

// ---------------------------------------------------------------------------------------------
// Subsearch commands

const join: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  const fields: FieldRef[] = [];
  while (!cursor.atEnd() && cursor.peek()!.kind !== 'lbracket') {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (t.kind === 'comma') cursor.next();
    else if (isFieldToken(t)) fields.push(takeField(ctx, cursor));
    else break;
  }
  const subsearch = requireSubsearch(ctx, cursor, header);
  rejectRest(ctx, cursor, header);
  return { kind: 'join', options: opts, fields, subsearch } satisfies BodyOf<JoinCommand>;
};

const append: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  while (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
  const subsearch = requireSubsearch(ctx, cursor, header);
  rejectRest(ctx, cursor, header);
  return { kind: 'append', options: opts, subsearch } satisfies BodyOf<AppendCommand>;
};

const foreach: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  const fields: FieldRef[] = [];
  while (!cursor.atEnd() && cursor.peek()!.kind !== 'lbracket') {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (t.kind === 'comma') cursor.next();
    else if (isFieldToken(t)) fields.push(takeField(ctx, cursor));
    else break;
  }
  const template = requireSubsearch(ctx, cursor, header, true);
  rejectRest(ctx, cursor, header);
  return { kind: 'foreach', options: opts, fields, template } satisfies BodyOf<ForeachCommand>;
};

// ---------------------------------------------------------------------------------------------
// Commands of options and a few fields

/** Options and fields in any order; `fieldCount` bounds how many fields (min, max). */
function optionsAndFields(
  ctx: ParseContext,
  cursor: TokenCursor,
  header: StageHeader,
  fieldCount: { min: number; max: number },
): { options: OptionArg[]; fields: FieldRef[] } {
  const opts: OptionArg[] = [];
  const fields: FieldRef[] = [];
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (t.kind === 'comma' && fieldCount.max > 1) cursor.next();
    else if (isFieldToken(t) && fields.length < fieldCount.max) fields.push(takeField(ctx, cursor));
    else break;
  }
  rejectRest(ctx, cursor, header);
  if (fields.length < fieldCount.min) {
    ctx.sink.error(header.nameToken, 'missing-field', `${header.command} needs a field name`);
  }
  return { options: opts, fields };
}

const placeholderField = (ctx: ParseContext, header: StageHeader): FieldRef => ({
  kind: 'field',
  name: '',
  quoted: false,
  span: ctx.span(header.nameToken, header.nameToken),
});

const fillnull: Grammar = (ctx, cursor, header) => {
  const { options: opts, fields } = optionsAndFields(ctx, cursor, header, { min: 0, max: Infinity });
  return { kind: 'fillnull', options: opts, fields } satisfies BodyOf<FillnullCommand>;
};

const mvexpand: Grammar = (ctx, cursor, header) => {
  const { options: opts, fields } = optionsAndFields(ctx, cursor, header, { min: 1, max: 1 });
  return { kind: 'mvexpand', field: fields[0] ?? placeholderField(ctx, header), options: opts } satisfies BodyOf<MvexpandCommand>;
};

const makemv: Grammar = (ctx, cursor, header) => {
  const { options: opts, fields } = optionsAndFields(ctx, cursor, header, { min: 1, max: 1 });
  return { kind: 'makemv', options: opts, field: fields[0] ?? placeholderField(ctx, header) } satisfies BodyOf<MakemvCommand>;
};

const iplocation: Grammar = (ctx, cursor, header) => {
  const { options: opts, fields } = optionsAndFields(ctx, cursor, header, { min: 1, max: 1 });
  return { kind: 'iplocation', options: opts, field: fields[0] ?? placeholderField(ctx, header) } satisfies BodyOf<IplocationCommand>;
};

const transaction: Grammar = (ctx, cursor, header) => {
  const { options: opts, fields } = optionsAndFields(ctx, cursor, header, { min: 0, max: Infinity });
  return { kind: 'transaction', fields, options: opts } satisfies BodyOf<TransactionCommand>;
};

const addtotals: Grammar = (ctx, cursor, header) => {
  const { options: opts, fields } = optionsAndFields(ctx, cursor, header, { min: 0, max: Infinity });
  return { kind: 'addtotals', options: opts, fields } satisfies BodyOf<AddtotalsCommand>;
};

/** fromjson needs its field; xmlkv's is optional. */
const fieldOptions: Grammar = (ctx, cursor, header) => {
  const min = header.command === 'fromjson' ? 1 : 0;
  const { options: opts, fields } = optionsAndFields(ctx, cursor, header, { min, max: 1 });
  return { kind: 'fieldOptions', field: fields[0] ?? null, options: opts } satisfies BodyOf<FieldOptionsCommand>;
};

const optionsOnly: Grammar = (ctx, cursor, header) => {
  const opts: (OptionArg | MacroRef)[] = [];
  while (!cursor.atEnd()) {
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (cursor.peek()!.kind === 'macro') opts.push(ctx.macro(cursor.next()));
    else break;
  }
  rejectRest(ctx, cursor, header);
  return { kind: 'options', options: opts } satisfies BodyOf<OptionsCommand>;
};

const CONVERT_FUNCTIONS: ReadonlySet<string> = new Set(['auto', 'ctime', 'dur2sec', 'memk', 'mktime', 'mstime', 'none', 'num', 'rmcomma', 'rmunit']);

const convert: Grammar = (ctx, cursor, header) => {
  const opts: (OptionArg | MacroRef)[] = [];
  const conversions: Conversion[] = [];
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (t.kind === 'macro') opts.push(ctx.macro(cursor.next()));
    else if (t.kind === 'comma') cursor.next();
    else if (t.kind === 'word' && cursor.peek(1)?.kind === 'lparen') {
      const fn = cursor.next();
      const open = cursor.next();
      if (!CONVERT_FUNCTIONS.has(fn.text.toLowerCase())) {
        ctx.sink.error(fn, 'unknown-convert-function', `unknown convert function \`${fn.text}\` (${[...CONVERT_FUNCTIONS].join(', ')})`);
      }
      const field = requireField(ctx, cursor, header);
      const close = cursor.peek();
      if (close?.kind !== 'rparen') {
        ctx.sink.error(open, 'unclosed-paren', `unclosed \`(\` of ${fn.text}(: expected \`)\``);
        break;
      }
      cursor.next();
      const alias = parseAlias(ctx, cursor);
      conversions.push({ kind: 'conversion', fn: fn.text, field, alias, span: ctx.span(fn, alias?.span ?? close) });
    } else break;
  }
  rejectRest(ctx, cursor, header);
  if (conversions.length === 0) ctx.sink.error(header.nameToken, 'missing-conversion', 'convert needs a conversion such as ctime(field)');
  return { kind: 'convert', options: opts, conversions } satisfies BodyOf<ConvertCommand>;
};

const returnGrammar: Grammar = (ctx, cursor, header) => {
  const count = acceptCount(ctx, cursor);
  const items: ReturnItem[] = [];
  for (let t = cursor.peek(); t !== undefined; t = cursor.peek()) {
    if (t.kind === 'comma') {
      cursor.next();
      continue;
    }
    if (!isFieldToken(t)) break;
    if (cursor.atOption()) {
      cursor.next();
      cursor.next();
      const target = cursor.peek();
      if (!isFieldToken(target)) {
        ctx.sink.error(target ?? t, 'missing-field', `return ${t.text}= needs a field`);
        break;
      }
      const field = takeField(ctx, cursor);
      items.push({ kind: 'returnItem', alias: t.value, field, valueOnly: false, span: ctx.span(t, target) });
      continue;
    }
    cursor.next();
    const valueOnly = t.kind === 'word' && t.value.startsWith('$') && t.value.length > 1;
    const name = valueOnly ? t.value.slice(1) : t.value;
    const span = valueOnly ? ctx.lines.span(t.start + 1, t.end) : ctx.span(t, t);
    items.push({ kind: 'returnItem', alias: null, field: { kind: 'field', name, quoted: t.kind === 'string', span }, valueOnly, span: ctx.span(t, t) });
  }
  rejectRest(ctx, cursor, header);
  if (items.length === 0) ctx.sink.error(header.nameToken, 'missing-field', 'return needs at least one field');
  return { kind: 'return', count, items } satisfies BodyOf<ReturnCommand>;
};

const format: Grammar = (ctx, cursor, header) => {
  const opts: OptionArg[] = [];
  const markers: Literal[] = [];
  while (!cursor.atEnd()) {
    const t = cursor.peek()!;
    if (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
    else if (t.kind === 'string') markers.push(ctx.literal(cursor.next()));
    else break;
  }
  rejectRest(ctx, cursor, header);
  if (markers.length !== 0 && markers.length !== 6) {
    ctx.sink.error(markers[0]!.span, 'format-markers', `format takes all six strings (row prefix, column prefix, column separator, column end, row separator, row end) or none; given ${markers.length}`);
  }
  return { kind: 'format', options: opts, markers } satisfies BodyOf<FormatCommand>;
};

/** `from <type>:<name>` or `from <type> <name>`; the types are datamodel, lookup and savedsearch. */
const DATASET_TYPES: ReadonlySet<string> = new Set(['datamodel', 'lookup', 'savedsearch']);

const from: Grammar = (ctx, cursor, header) => {
  const t = cursor.peek();
  let datasetType = '';
  let separator: FromCommand['separator'] = ':';
  let dataset: Literal = missingLiteral(ctx, t ?? header.nameToken);
  if (t?.kind === 'word') {
    cursor.next();
    const colon = t.text.indexOf(':');
    if (colon > 0 && colon < t.text.length - 1) {
      datasetType = t.text.slice(0, colon);
      dataset = { kind: 'literal', value: t.value.slice(colon + 1), quoted: false, span: ctx.lines.span(t.start + colon + 1, t.end) };
    } else {
      datasetType = colon > 0 ? t.text.slice(0, colon) : t.text;
      separator = colon > 0 ? ':' : ' ';
      const next = cursor.peek();
      if (isFieldToken(next) && (colon < 0 || !next.spaceBefore)) dataset = ctx.literal(cursor.next());
      else ctx.sink.error(next ?? t, 'missing-dataset', `from ${t.text} needs a dataset name`);
    }
    if (!DATASET_TYPES.has(datasetType.toLowerCase())) {
      ctx.sink.error(t, 'dataset-type', `unknown dataset type \`${datasetType}\` (datamodel, lookup, savedsearch)`);
    }
  } else ctx.sink.error(t ?? header.nameToken, 'missing-dataset', 'from needs <type>:<dataset>, e.g. from datamodel:Authentication');
  rejectRest(ctx, cursor, header);
  return { kind: 'from', datasetType, separator, dataset } satisfies BodyOf<FromCommand>;
};

const sendalert: Grammar = (ctx, cursor, header) => {
  const t = cursor.peek();
  let action: Literal;
  if (isFieldToken(t) && !cursor.atOption()) action = ctx.literal(cursor.next());
  else {
    ctx.sink.error(t ?? header.nameToken, 'missing-action', 'sendalert needs an alert action name');
    action = missingLiteral(ctx, header.nameToken);
  }
  const opts: OptionArg[] = [];
  while (cursor.atOption()) opts.push(parseOption(ctx, cursor, header));
  rejectRest(ctx, cursor, header);
  return { kind: 'sendalert', action, options: opts } satisfies BodyOf<SendalertCommand>;
};

/** Lower-case command name (or alias) → its grammar. */
export const GRAMMARS: ReadonlyMap<string, Grammar> = new Map<string, Grammar>([
  ['search', search],
  ['where', where],
  ['eval', evalGrammar],
  ['fieldformat', evalGrammar],
  ['stats', stats],
  ['sistats', stats],
  ['eventstats', stats],
  ['streamstats', stats],
  ['chart', stats],
  ['sichart', stats],
  ['timechart', stats],
  ['sitimechart', stats],
  ['tstats', stats],
  ['mstats', stats],
  ['bin', bin],
  ['bucket', bin],
  ['discretize', bin],
  ['table', fieldList],
  ['fields', fieldList],
  ['rename', rename],
  ['sort', sort],
  ['head', head],
  ['tail', head],
  ['dedup', dedup],
  ['top', top],
  ['rare', top],
  ['rex', rex],
  ['regex', regex],
  ['spath', spath],
  ['lookup', lookup],
  ['inputlookup', inputlookup],
  ['outputlookup', outputlookup],
  ['join', join],
  ['append', append],
  ['appendcols', append],
  ['appendpipe', append],
  ['fillnull', fillnull],
  ['mvexpand', mvexpand],
  ['makemv', makemv],
  ['convert', convert],
  ['iplocation', iplocation],
  ['transaction', transaction],
  ['foreach', foreach],
  ['fromjson', fieldOptions],
  ['xmlkv', fieldOptions],
  ['addtotals', addtotals],
  ['return', returnGrammar],
  ['format', format],
  ['makeresults', optionsOnly],
  ['collect', optionsOnly],
  ['from', from],
  ['sendalert', sendalert],
]);
