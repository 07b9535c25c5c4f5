// Syntax tree → SPL text. One line, single spaces, keywords upper case (BY, AS, OUTPUT, AND,
// OR, NOT …), values re-escaped so that `parse(print(ast))` gives `ast` back (spans aside).
// Parentheses come from the tree's group nodes; for a tree built by hand the printer adds them
// where precedence requires.
import type {
  Aggregation,
  EvalAssignment,
  AggregationArg,
  BinaryOperator,
  Command,
  EvalValue,
  Expr,
  FieldRef,
  GenericArg,
  Literal,
  LookupField,
  MacroRef,
  OptionArg,
  Pipeline,
  SearchExpr,
  SearchValue,
  SortKey,
  Subsearch,
} from './ast.ts';

export function printSpl(ast: Pipeline): string {
  return printPipeline(ast);
}

function printPipeline(pipeline: Pipeline): string {
  const parts = pipeline.commands.map((command, i) => {
    const text = printCommand(command);
    return i === 0 && !pipeline.leadingPipe ? text : `| ${text}`;
  });
  return parts.join(' ');
}

const join = (parts: readonly (string | null | undefined | false)[]): string =>
  parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ');

function printCommand(command: Command): string {
  const comments = command.comments.map((c) => `\`\`\`${c.text}\`\`\``);
  return join([printCommandBody(command), printGenericArgs(command.tail), ...comments]);
}

function printCommandBody(command: Command): string {
  switch (command.kind) {
    case 'search': {
      const query = command.query ? printSearch(command.query) : '';
      return command.implicit ? query : join([command.name, query]);
    }
    case 'where':
      return join([command.name, printExpr(command.condition)]);
    case 'eval':
      return join([command.name, command.assignments.map((a) => `${evalTarget(a)}=${printExpr(a.value)}`).join(', ')]);
    case 'stats': {
      const head = command.head.map((item) => (item.kind === 'aggregation' ? printAggregation(item) : printOptionOrMacro(item)));
      const from = command.from ? `FROM ${command.from.kind === 'option' ? printOption(command.from) : literal(command.from, 'search')}` : null;
      const where = command.where ? `WHERE ${printSearch(command.where)}` : null;
      const over = command.over ? `OVER ${commandField(command.over)}` : null;
      const by = command.by.length ? `BY ${command.by.map((f) => (f.kind === 'macro' ? macro(f) : commandField(f))).join(', ')}` : null;
      return join([command.name, ...head, from, where, over, by, ...command.byOptions.map(printOptionOrMacro)]);
    }
    case 'bin':
      return join([command.name, commandField(command.field), command.alias && `AS ${commandField(command.alias)}`, ...command.options.map(printOptionOrMacro)]);
    case 'fields': {
      const fields = command.fields.map((f) => (f.kind === 'macro' ? macro(f) : commandField(f)));
      return join([command.name, command.mode, fields.join(', ')]);
    }
    case 'rename':
      return join([command.name, command.renames.map((r) => `${commandField(r.from)} AS ${commandField(r.to)}`).join(', ')]);
    case 'sort':
      return join([
        command.name,
        command.count && literal(command.count, 'search'),
        ...command.options.map(printOption),
        command.keys.map(printSortKey).join(', '),
        command.reverse && literal(command.reverse, 'search'),
      ]);
    case 'head':
      return join([command.name, command.count && literal(command.count, 'search'), ...command.options.map(printOption), command.condition && printExpr(command.condition)]);
    case 'dedup':
      return join([
        command.name,
        command.count && literal(command.count, 'search'),
        command.fields.map(commandField).join(', '),
        ...command.options.map(printOption),
        command.sortBy.length > 0 && `sortby ${command.sortBy.map(printSortKey).join(', ')}`,
      ]);
    case 'top':
      return join([
        command.name,
        command.count && literal(command.count, 'search'),
        ...command.options.map(printOption),
        command.fields.map(commandField).join(', '),
        command.by.length > 0 && `BY ${command.by.map(commandField).join(', ')}`,
      ]);
    case 'rex':
      return join([command.name, ...command.options.map(printOption), literal(command.pattern, 'search')]);
    case 'regex': {
      const pattern = literal(command.pattern, 'search');
      return join([command.name, command.field ? `${commandField(command.field)}${command.negated ? '!=' : '='}${pattern}` : pattern]);
    }
    case 'spath':
      return join([command.name, ...command.options.map(printOption), command.path && literal(command.path, 'search')]);
    case 'lookup':
      return join([
        command.name,
        ...command.options.map(printOption),
        printTable(command.table),
        ...command.inputs.map(printLookupField),
        command.output && join([command.output.mode, ...command.output.fields.map(printLookupField)]),
      ]);
    case 'inputlookup':
      return join([command.name, ...command.options.map(printOption), printTable(command.table), command.where && `WHERE ${printSearch(command.where)}`]);
    case 'outputlookup':
      return join([command.name, ...command.options.map(printOption), printTable(command.table)]);
    case 'join':
      return join([command.name, ...command.options.map(printOption), command.fields.map(commandField).join(', '), printSubsearch(command.subsearch)]);
    case 'append':
      return join([command.name, ...command.options.map(printOption), printSubsearch(command.subsearch)]);
    case 'fillnull':
      return join([command.name, ...command.options.map(printOption), ...command.fields.map(commandField)]);
    case 'mvexpand':
      return join([command.name, commandField(command.field), ...command.options.map(printOption)]);
    case 'makemv':
      return join([command.name, ...command.options.map(printOption), commandField(command.field)]);
    case 'convert':
      return join([
        command.name,
        ...command.options.map(printOptionOrMacro),
        ...command.conversions.map((c) => join([`${c.fn}(${commandField(c.field)})`, c.alias && `AS ${commandField(c.alias)}`])),
      ]);
    case 'iplocation':
      return join([command.name, ...command.options.map(printOption), commandField(command.field)]);
    case 'transaction':
      return join([command.name, ...command.fields.map(commandField), ...command.options.map(printOption)]);
    case 'foreach':
      return join([command.name, ...command.options.map(printOption), ...command.fields.map(commandField), printSubsearch(command.template)]);
    case 'fieldOptions':
      return join([command.name, command.field && commandField(command.field), ...command.options.map(printOption)]);
    case 'addtotals':
      return join([command.name, ...command.options.map(printOption), ...command.fields.map(commandField)]);
    case 'return':
      return join([
        command.name,
        command.count && literal(command.count, 'search'),
        ...command.items.map((item) => {
          if (item.alias !== null) return `${searchWord(item.alias)}=${commandField(item.field)}`;
          return item.valueOnly ? `$${commandField(item.field)}` : commandField(item.field);
        }),
      ]);
    case 'format':
      return join([command.name, ...command.options.map(printOption), ...command.markers.map((m) => literal(m, 'search'))]);
    case 'options':
      return join([command.name, ...command.options.map(printOptionOrMacro)]);
    case 'from':
      return join([command.name, `${command.datasetType}${command.separator === ':' ? ':' : ' '}${literal(command.dataset, 'search')}`]);
    case 'sendalert':
      return join([command.name, literal(command.action, 'search'), ...command.options.map(printOption)]);
    case 'generic':
      return join([command.name, printGenericArgs(command.args)]);
    case 'macroCommand':
      return join([macro(command.macro), printGenericArgs(command.args)]);
  }
}

function printGenericArgs(args: readonly GenericArg[]): string {
  let out = '';
  for (const arg of args) {
    if (arg.kind === 'subsearch') out += ` ${printSubsearch(arg)}`;
    else out += arg.glued && out !== '' ? arg.text : ` ${arg.text}`;
  }
  return out.trim();
}

function printSubsearch(subsearch: Subsearch): string {
  return `[${printPipeline(subsearch.pipeline)}]`;
}

function printOption(option: OptionArg): string {
  const value = option.value;
  switch (value.kind) {
    case 'literal':
      return `${option.name}=${literal(value, 'search')}`;
    case 'macro':
      return `${option.name}=${macro(value)}`;
    case 'evalValue':
      return `${option.name}=${printEvalValue(value)}`;
    case 'searchGroup':
      return `${option.name}=${printSearch(value)}`;
  }
}

function printOptionOrMacro(item: OptionArg | MacroRef): string {
  return item.kind === 'macro' ? macro(item) : printOption(item);
}

function printEvalValue(value: EvalValue): string {
  return `eval(${printExpr(value.expr)})`;
}

function printAggregation(aggregation: Aggregation): string {
  const args = aggregation.args === null ? '' : `(${aggregation.args.map(printAggregationArg).join(', ')})`;
  return join([`${aggregation.fn}${args}`, aggregation.alias && `AS ${commandField(aggregation.alias)}`]);
}

function printAggregationArg(arg: AggregationArg): string {
  switch (arg.kind) {
    case 'field':
      return commandField(arg);
    case 'evalValue':
      return printEvalValue(arg);
    case 'aggregation':
      return printAggregation(arg);
    case 'literal':
      return literal(arg, 'search');
    case 'macro':
      return macro(arg);
  }
}

function printSortKey(key: SortKey): string {
  const field = key.fn ? `${key.fn}(${commandField(key.field)})` : commandField(key.field);
  return `${key.direction ?? ''}${field}`;
}

function printLookupField(field: LookupField): string {
  return join([commandField(field.field), field.alias && `AS ${commandField(field.alias)}`]);
}

function printTable(table: Literal | MacroRef): string {
  return table.kind === 'macro' ? macro(table) : literal(table, 'search');
}

// ---------------------------------------------------------------------------------------------
// The search language

/** Binding strength in the search command: NOT > OR > AND. */
const searchStrength = (expr: SearchExpr): number => (expr.kind === 'searchAnd' ? 1 : expr.kind === 'searchOr' ? 2 : 3);

function printSearch(expr: SearchExpr, context = 0): string {
  const text = printSearchBare(expr);
  return searchStrength(expr) < context ? `(${text})` : text;
}

function printSearchBare(expr: SearchExpr): string {
  switch (expr.kind) {
    case 'searchAnd':
      return expr.operands.map((o) => printSearch(o, 2)).join(' ');
    case 'searchOr':
      return expr.operands.map((o) => printSearch(o, 3)).join(' OR ');
    case 'searchNot':
      return `NOT ${printSearch(expr.operand, 3)}`;
    case 'searchGroup':
      return `(${expr.expr ? printSearch(expr.expr) : ''})`;
    case 'searchTerm':
      return searchTerm(expr.term);
    case 'searchComparison':
      return `${commandField(expr.field)}${expr.op}${printSearchValue(expr.value)}`;
    case 'searchIn':
      return `${commandField(expr.field)} IN (${expr.values.map(printSearchValue).join(', ')})`;
    case 'searchTimeModifier':
      return `${expr.name}=${expr.value.kind === 'macro' ? macro(expr.value) : literal(expr.value, 'search')}`;
    case 'searchDirective':
      return `${expr.directive}(${literal(expr.term, 'search')})`;
    case 'macro':
      return macro(expr);
    case 'subsearch':
      return printSubsearch(expr);
  }
}

function printSearchValue(value: SearchValue): string {
  switch (value.kind) {
    case 'literal':
      return literal(value, 'search');
    case 'searchDirective':
      return `${value.directive}(${literal(value.term, 'search')})`;
    case 'macro':
      return macro(value);
  }
}

const SEARCH_KEYWORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT']);

/** A bare term may not read as an operator or a directive. */
function searchTerm(term: Literal): string {
  if (!term.quoted && SEARCH_KEYWORDS.has(term.value)) return quote(term.value, 'search');
  return literal(term, 'search');
}

// ---------------------------------------------------------------------------------------------
// Eval expressions

const BINARY_STRENGTH: Readonly<Record<BinaryOperator, number>> = {
  XOR: 1,
  OR: 2,
  AND: 3,
  '=': 5,
  '==': 5,
  '!=': 5,
  LIKE: 5,
  '<': 6,
  '<=': 6,
  '>': 6,
  '>=': 6,
  '+': 7,
  '-': 7,
  '.': 7,
  '*': 8,
  '/': 8,
  '%': 8,
};
const NOT_STRENGTH = 4;
const UNARY_STRENGTH = 9;

function exprStrength(expr: Expr): number {
  switch (expr.kind) {
    case 'binary':
      return BINARY_STRENGTH[expr.op];
    case 'unary':
      return expr.op === 'NOT' ? NOT_STRENGTH : UNARY_STRENGTH;
    case 'in':
      return 5;
    case 'call':
    case 'field':
    case 'string':
    case 'number':
    case 'group':
    case 'macro':
      return 10;
  }
}

/** Prints `expr`, in parentheses when it binds looser than `min`. */
function printExpr(expr: Expr, min = 0): string {
  const text = printExprBare(expr);
  return exprStrength(expr) < min ? `(${text})` : text;
}

function printExprBare(expr: Expr): string {
  switch (expr.kind) {
    case 'binary': {
      const strength = BINARY_STRENGTH[expr.op];
      return `${printExpr(expr.left, strength)} ${expr.op} ${printExpr(expr.right, strength + 1)}`;
    }
    case 'unary':
      return expr.op === 'NOT' ? `NOT ${printExpr(expr.operand, NOT_STRENGTH)}` : `${expr.op}${printExpr(expr.operand, UNARY_STRENGTH)}`;
    case 'call':
      return `${expr.name}(${expr.args.map((a) => printExpr(a)).join(', ')})`;
    case 'in':
      return `${printExpr(expr.operand, 6)} IN (${expr.values.map((v) => printExpr(v)).join(', ')})`;
    case 'field':
      return evalField(expr);
    case 'string':
      return quote(expr.value, 'expression');
    case 'number':
      return expr.text;
    case 'group':
      return `(${printExpr(expr.expr)})`;
    case 'macro':
      return macro(expr);
  }
}

// ---------------------------------------------------------------------------------------------
// Leaves

function macro(ref: MacroRef): string {
  return ref.args === null ? `\`${ref.name}\`` : `\`${ref.name}(${ref.args.join(', ')})\``;
}

/** Escapes that each mode decodes inside double quotes (see lexer.ts). */
const STRING_ESCAPES: Readonly<Record<'search' | 'expression', ReadonlySet<string>>> = {
  search: new Set(['"', '\\', '|']),
  expression: new Set(['"', '\\', 't']),
};

/** A double-quoted string whose decoded value is `value`. */
export function quote(value: string, mode: 'search' | 'expression'): string {
  const escapes = STRING_ESCAPES[mode];
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const next = value[i + 1];
    if (c === '"') out += '\\"';
    else if (c === '\\') out += next === undefined || escapes.has(next) ? '\\\\' : '\\';
    else if (c === '\t' && mode === 'expression') out += '\\t';
    else out += c;
  }
  return `"${out}"`;
}

/** foreach placeholders join into words (see cursor.ts), so they do not break one. */
const withoutPlaceholders = (value: string): string => value.replace(/<<(?:FIELD|MATCHSTR|MATCHSEG[123]|ITEM|ITER)>>/g, 'x');

/** Characters a bare word cannot hold (see lexer.ts: they end a word). */
const WORD_BREAK = /[\s|()[\],"'`=<>]|!=/u;

/** A bare word whose decoded value is `value` (search-mode escapes), or null when it cannot be one. */
function searchWord(value: string): string {
  if (value === '' || WORD_BREAK.test(withoutPlaceholders(value).replace(/[|"]/g, ''))) return quote(value, 'search');
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const next = value[i + 1];
    if (c === '|' || c === '"') out += `\\${c}`;
    else if (c === '\\') out += next === undefined || next === '\\' || next === '|' || next === '"' ? '\\\\' : '\\';
    else out += c;
  }
  return out;
}

function literal(value: Literal, mode: 'search' | 'expression'): string {
  return value.quoted ? quote(value.value, mode) : searchWord(value.value);
}

/** `name(suffix)`: an alias such as `AS aceFlags(inheritance)`, written bare. */
const GLUED_SUFFIX = /^[^\s()[\]"'`=<>,|]+\([^\s()[\]"'`=<>,|]+\)$/u;

function commandField(field: FieldRef): string {
  if (field.quoted) return quote(field.name, 'search');
  return GLUED_SUFFIX.test(field.name) ? field.name : searchWord(field.name);
}

const EXPRESSION_WORD_BREAK = /[\s|()[\],"'`=<>+\-*/%.]|!=/u;

function evalField(field: FieldRef): string {
  if (field.quoted || field.name === '' || EXPRESSION_WORD_BREAK.test(withoutPlaceholders(field.name)) || /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(field.name)) {
    return `'${field.name.replace(/\\(?=['\\]|$)|'/g, (c) => `\\${c}`)}'`;
  }
  return searchWord(field.name);
}

function evalTarget(assignment: EvalAssignment): string {
  switch (assignment.targetQuotes) {
    case 'none':
      // A bare target is read up to `=` (see parser.ts), so `feature_-value` needs no quotes.
      return /^[^\s=,'"`()[\]|<>!]+$/u.test(assignment.field.name) ? assignment.field.name : evalField(assignment.field);
    case 'single':
      return evalField(assignment.field);
    case 'double':
      return quote(assignment.field.name, 'expression');
  }
}
