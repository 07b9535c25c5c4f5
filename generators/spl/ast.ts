// The SPL syntax tree. One small node type per construct, discriminated by `kind`, each with
// the source span it was read from (`span`; a node built by hand may carry NO_SPAN).
//
// What the tree keeps and what it drops:
// - Values are stored decoded (a word's or a string's escapes applied); the printer encodes
//   them again, so `parse → print → parse` gives the same tree (spans aside).
// - Formatting is not kept: spacing, line breaks, `AND` written or implied, commas between
//   list items, the case of keywords (BY, AS, OUTPUT…). Command names keep their spelling.
// - Comments are kept, attached to the command they appear in (printed after its arguments).
// - A macro is a node wherever it may appear; nothing is expanded here (see macros.ts).
// - Commands without a dedicated grammar keep their arguments as raw tokens (GenericCommand),
//   except subsearches, which are always parsed.

/** Where a node was read: offsets into the source (UTF-16 units, `end` exclusive), 1-based line/col of `start`. */
export interface SplSpan {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
}

export const NO_SPAN: SplSpan = { start: 0, end: 0, line: 0, col: 0 };

// ---------------------------------------------------------------------------------------------
// Shared leaves

/** A word, number or double-quoted string in command arguments or the search language. */
export interface Literal {
  readonly kind: 'literal';
  /** Decoded text. */
  readonly value: string;
  /** Written in double quotes. */
  readonly quoted: boolean;
  readonly span: SplSpan;
}

/**
 * A field name. In eval/where `quoted` means single quotes ('status.errorCode'); in command
 * arguments it means double quotes (`table "Last Seen"`).
 */
export interface FieldRef {
  readonly kind: 'field';
  readonly name: string;
  readonly quoted: boolean;
  readonly span: SplSpan;
}

/** `` `name` `` or `` `name(arg, …)` ``; `args` is null without parentheses. Arguments are trimmed source text. */
export interface MacroRef {
  readonly kind: 'macro';
  readonly name: string;
  readonly args: readonly string[] | null;
  readonly span: SplSpan;
}

/** ```` ```text``` ````. */
export interface SplComment {
  readonly kind: 'comment';
  readonly text: string;
  readonly span: SplSpan;
}

/**
 * `name=value` in command arguments. The value is an eval expression for `startswith=eval(…)`,
 * a parenthesized search for `startswith=(EventCode=4624)`.
 */
export interface OptionArg {
  readonly kind: 'option';
  readonly name: string;
  readonly value: Literal | MacroRef | EvalValue | SearchGroup;
  readonly span: SplSpan;
}

/** `eval(<expression>)` given as an option value or a statistical function's argument. */
export interface EvalValue {
  readonly kind: 'evalValue';
  readonly expr: Expr;
  readonly span: SplSpan;
}

/** `[ pipeline ]`. */
export interface Subsearch {
  readonly kind: 'subsearch';
  readonly pipeline: Pipeline;
  readonly span: SplSpan;
}

// ---------------------------------------------------------------------------------------------
// Pipeline

export interface Pipeline {
  readonly kind: 'pipeline';
  /** Written with a `|` before the first command (`| tstats …`, `[| inputlookup …]`). */
  readonly leadingPipe: boolean;
  readonly commands: readonly Command[];
  readonly span: SplSpan;
}

export type Command =
  | SearchCommand
  | WhereCommand
  | EvalCommand
  | StatsCommand
  | BinCommand
  | FieldListCommand
  | RenameCommand
  | SortCommand
  | HeadCommand
  | DedupCommand
  | TopCommand
  | RexCommand
  | RegexCommand
  | SpathCommand
  | LookupCommand
  | InputLookupCommand
  | OutputLookupCommand
  | JoinCommand
  | AppendCommand
  | FillnullCommand
  | MvexpandCommand
  | MakemvCommand
  | ConvertCommand
  | IplocationCommand
  | TransactionCommand
  | ForeachCommand
  | FieldOptionsCommand
  | AddtotalsCommand
  | ReturnCommand
  | FormatCommand
  | OptionsCommand
  | FromCommand
  | SendalertCommand
  | GenericCommand
  | MacroCommand;

export type CommandKind = Command['kind'];

interface CommandBase {
  /** The command name as written (`bucket`, `STATS`); empty for an implicit search. */
  readonly name: string;
  /**
   * What follows a macro the command's grammar could not place (unexpanded, a macro may stand
   * for any arguments), kept as written. Empty almost always.
   */
  readonly tail: readonly GenericArg[];
  readonly comments: readonly SplComment[];
  readonly span: SplSpan;
}

/** `search <query>`, or the implicit search at the start of a pipeline (`implicit`, no name). */
export interface SearchCommand extends CommandBase {
  readonly kind: 'search';
  readonly implicit: boolean;
  readonly query: SearchExpr | null;
}

/** `where <expression>`. */
export interface WhereCommand extends CommandBase {
  readonly kind: 'where';
  readonly condition: Expr;
}

/** `eval f=expr, …` and `fieldformat f=expr`. */
export interface EvalCommand extends CommandBase {
  readonly kind: 'eval';
  readonly assignments: readonly EvalAssignment[];
}

export interface EvalAssignment {
  readonly kind: 'assignment';
  /** `field.quoted` for 'x' and "x"; `targetQuotes` tells which (Splunk accepts both). */
  readonly field: FieldRef;
  readonly targetQuotes: 'none' | 'single' | 'double';
  readonly value: Expr;
  readonly span: SplSpan;
}

/**
 * stats, eventstats, streamstats, chart, timechart, tstats, mstats (and the si* forms):
 * `head` holds options, macros and aggregations in the order written, then the clauses.
 */
export interface StatsCommand extends CommandBase {
  readonly kind: 'stats';
  readonly head: readonly (OptionArg | MacroRef | Aggregation)[];
  /** tstats/mstats: `FROM datamodel=Name` or `FROM name`. */
  readonly from: Literal | OptionArg | null;
  /** tstats/mstats: `WHERE <search>`. */
  readonly where: SearchExpr | null;
  /** chart: `OVER field`. */
  readonly over: FieldRef | null;
  readonly by: readonly (FieldRef | MacroRef)[];
  /** Options after the BY fields (`by _time span=1h`, `by host limit=5`). */
  readonly byOptions: readonly (OptionArg | MacroRef)[];
}

/** `fn`, `fn(args)` or `fn(args) AS alias`. */
export interface Aggregation {
  readonly kind: 'aggregation';
  readonly fn: string;
  /** null when written without parentheses (`count`). */
  readonly args: readonly AggregationArg[] | null;
  readonly alias: FieldRef | null;
  readonly span: SplSpan;
}

/** A field (wildcards allowed), `eval(expr)`, a nested aggregation (`sparkline(count(x), 1h)`) or a literal. */
export type AggregationArg = FieldRef | EvalValue | Aggregation | Literal | MacroRef;

/** `bin|bucket [options] field [AS alias] [options]`. */
export interface BinCommand extends CommandBase {
  readonly kind: 'bin';
  readonly options: readonly (OptionArg | MacroRef)[];
  readonly field: FieldRef;
  readonly alias: FieldRef | null;
}

/** `table f…` and `fields [+|-] f…`. */
export interface FieldListCommand extends CommandBase {
  readonly kind: 'fields';
  readonly mode: '+' | '-' | null;
  readonly fields: readonly (FieldRef | MacroRef)[];
}

/** `rename a AS b, …`. */
export interface RenameCommand extends CommandBase {
  readonly kind: 'rename';
  readonly renames: readonly Rename[];
}

export interface Rename {
  readonly kind: 'rename';
  readonly from: FieldRef;
  readonly to: FieldRef;
  readonly span: SplSpan;
}

/** `sort [count] [limit=n] [-|+][fn(]field[)] … [desc]`. */
export interface SortCommand extends CommandBase {
  readonly kind: 'sort';
  readonly count: Literal | null;
  readonly options: readonly OptionArg[];
  readonly keys: readonly SortKey[];
  /** A trailing `d` or `desc` reverses the whole order. */
  readonly reverse: Literal | null;
}

export interface SortKey {
  readonly kind: 'sortKey';
  readonly direction: '+' | '-' | null;
  /** `auto`, `str`, `ip`, `num`. */
  readonly fn: string | null;
  readonly field: FieldRef;
  readonly span: SplSpan;
}

/** `head [N] [options] [expression]` and `tail [N]`. */
export interface HeadCommand extends CommandBase {
  readonly kind: 'head';
  readonly count: Literal | null;
  readonly options: readonly OptionArg[];
  readonly condition: Expr | null;
}

/** `dedup [N] fields [options] [sortby keys]`. */
export interface DedupCommand extends CommandBase {
  readonly kind: 'dedup';
  readonly count: Literal | null;
  readonly fields: readonly FieldRef[];
  readonly options: readonly OptionArg[];
  readonly sortBy: readonly SortKey[];
}

/** `top|rare [N] [options] fields [BY fields]`. */
export interface TopCommand extends CommandBase {
  readonly kind: 'top';
  readonly count: Literal | null;
  readonly options: readonly OptionArg[];
  readonly fields: readonly FieldRef[];
  readonly by: readonly FieldRef[];
}

/** `rex [field=f] [options] "regex"` (or `mode=sed "s/…/…/"`). */
export interface RexCommand extends CommandBase {
  readonly kind: 'rex';
  readonly options: readonly OptionArg[];
  readonly pattern: Literal;
}

/** `regex [field=|!=]"regex"`. */
export interface RegexCommand extends CommandBase {
  readonly kind: 'regex';
  readonly field: FieldRef | null;
  readonly negated: boolean;
  readonly pattern: Literal;
}

/** `spath [input=] [output=] [path=|<path>]`. */
export interface SpathCommand extends CommandBase {
  readonly kind: 'spath';
  readonly options: readonly OptionArg[];
  readonly path: Literal | null;
}

/** `lookup [options] table field [AS f] … [OUTPUT|OUTPUTNEW field [AS f] …]`. */
export interface LookupCommand extends CommandBase {
  readonly kind: 'lookup';
  readonly options: readonly OptionArg[];
  readonly table: Literal | MacroRef;
  readonly inputs: readonly LookupField[];
  readonly output: LookupOutput | null;
}

export interface LookupField {
  readonly kind: 'lookupField';
  readonly field: FieldRef;
  readonly alias: FieldRef | null;
  readonly span: SplSpan;
}

export interface LookupOutput {
  readonly kind: 'lookupOutput';
  readonly mode: 'OUTPUT' | 'OUTPUTNEW';
  readonly fields: readonly LookupField[];
  readonly span: SplSpan;
}

/** `inputlookup [options] table [WHERE search]`. */
export interface InputLookupCommand extends CommandBase {
  readonly kind: 'inputlookup';
  readonly options: readonly OptionArg[];
  readonly table: Literal | MacroRef;
  readonly where: SearchExpr | null;
}

/** `outputlookup [options] table`. */
export interface OutputLookupCommand extends CommandBase {
  readonly kind: 'outputlookup';
  readonly options: readonly OptionArg[];
  readonly table: Literal | MacroRef;
}

/** `join [options] [fields] [subsearch]`. */
export interface JoinCommand extends CommandBase {
  readonly kind: 'join';
  readonly options: readonly OptionArg[];
  readonly fields: readonly FieldRef[];
  readonly subsearch: Subsearch;
}

/** `append|appendpipe|appendcols [options] [subsearch]`. */
export interface AppendCommand extends CommandBase {
  readonly kind: 'append';
  readonly options: readonly OptionArg[];
  readonly subsearch: Subsearch;
}

/** `fillnull [value=v] [fields]`. */
export interface FillnullCommand extends CommandBase {
  readonly kind: 'fillnull';
  readonly options: readonly OptionArg[];
  readonly fields: readonly FieldRef[];
}

/** `mvexpand field [limit=n]`. */
export interface MvexpandCommand extends CommandBase {
  readonly kind: 'mvexpand';
  readonly field: FieldRef;
  readonly options: readonly OptionArg[];
}

/** `makemv [delim=|tokenizer=] [allowempty=] [setsv=] field`. */
export interface MakemvCommand extends CommandBase {
  readonly kind: 'makemv';
  readonly options: readonly OptionArg[];
  readonly field: FieldRef;
}

/** `convert [timeformat=] fn(field) [AS f] …`. */
export interface ConvertCommand extends CommandBase {
  readonly kind: 'convert';
  readonly options: readonly (OptionArg | MacroRef)[];
  readonly conversions: readonly Conversion[];
}

export interface Conversion {
  readonly kind: 'conversion';
  readonly fn: string;
  readonly field: FieldRef;
  readonly alias: FieldRef | null;
  readonly span: SplSpan;
}

/** `iplocation [options] field`. */
export interface IplocationCommand extends CommandBase {
  readonly kind: 'iplocation';
  readonly options: readonly OptionArg[];
  readonly field: FieldRef;
}

/** `transaction [fields] [options]`. */
export interface TransactionCommand extends CommandBase {
  readonly kind: 'transaction';
  readonly fields: readonly FieldRef[];
  readonly options: readonly OptionArg[];
}

/** `foreach [options] fields [options] [template]`; the template is a subsearch with `<<FIELD>>`-style placeholders. */
export interface ForeachCommand extends CommandBase {
  readonly kind: 'foreach';
  readonly options: readonly OptionArg[];
  readonly fields: readonly FieldRef[];
  readonly template: Subsearch;
}

/** Commands that take at most one field and options: `fromjson field [prefix=]`, `xmlkv [field] [maxinputs=]`. */
export interface FieldOptionsCommand extends CommandBase {
  readonly kind: 'fieldOptions';
  readonly field: FieldRef | null;
  readonly options: readonly OptionArg[];
}

/** `addtotals [options] [fields]`. */
export interface AddtotalsCommand extends CommandBase {
  readonly kind: 'addtotals';
  readonly options: readonly OptionArg[];
  readonly fields: readonly FieldRef[];
}

/** `return [N] [alias=field] [field] [$field] …`. */
export interface ReturnCommand extends CommandBase {
  readonly kind: 'return';
  readonly count: Literal | null;
  readonly items: readonly ReturnItem[];
}

export interface ReturnItem {
  readonly kind: 'returnItem';
  /** `alias=field`; null for a plain field or `$field`. */
  readonly alias: string | null;
  readonly field: FieldRef;
  /** `$field`: the value alone. */
  readonly valueOnly: boolean;
  readonly span: SplSpan;
}

/** `format [options] ["row prefix" "col prefix" "col sep" "col end" "row sep" "row end"]`. */
export interface FormatCommand extends CommandBase {
  readonly kind: 'format';
  readonly options: readonly OptionArg[];
  readonly markers: readonly Literal[];
}

/** Commands whose arguments are options only: makeresults, collect, mcollect… */
export interface OptionsCommand extends CommandBase {
  readonly kind: 'options';
  readonly options: readonly (OptionArg | MacroRef)[];
}

/** `from <type>:<name>` (also `from datamodel <name>`). */
export interface FromCommand extends CommandBase {
  readonly kind: 'from';
  readonly datasetType: string;
  readonly separator: ':' | ' ';
  readonly dataset: Literal;
}

/** `sendalert <action> [param.x=v …]`. */
export interface SendalertCommand extends CommandBase {
  readonly kind: 'sendalert';
  readonly action: Literal;
  readonly options: readonly OptionArg[];
}

/** Any other command (a catalogued built-in or a declared custom command): raw arguments. */
export interface GenericCommand extends CommandBase {
  readonly kind: 'generic';
  readonly args: readonly GenericArg[];
}

export type GenericArg = RawArg | Subsearch;

/** A token kept as written. `glued`: no whitespace before it. */
export interface RawArg {
  readonly kind: 'raw';
  readonly text: string;
  readonly glued: boolean;
  readonly span: SplSpan;
}

/** A command position holding a macro (`` | `drop_dm_object_name(x)` ``), with any raw arguments after it. */
export interface MacroCommand extends CommandBase {
  readonly kind: 'macroCommand';
  readonly macro: MacroRef;
  readonly args: readonly GenericArg[];
}

// ---------------------------------------------------------------------------------------------
// The search language (search command, tstats/mstats WHERE, inputlookup WHERE)

export type SearchExpr =
  | SearchAnd
  | SearchOr
  | SearchNot
  | SearchGroup
  | SearchTerm
  | SearchComparison
  | SearchIn
  | SearchTimeModifier
  | SearchDirective
  | MacroRef
  | Subsearch;

/** Terms joined by AND, written or implied. */
export interface SearchAnd {
  readonly kind: 'searchAnd';
  readonly operands: readonly SearchExpr[];
  readonly span: SplSpan;
}

export interface SearchOr {
  readonly kind: 'searchOr';
  readonly operands: readonly SearchExpr[];
  readonly span: SplSpan;
}

export interface SearchNot {
  readonly kind: 'searchNot';
  readonly operand: SearchExpr;
  readonly span: SplSpan;
}

/** `( … )`. */
export interface SearchGroup {
  readonly kind: 'searchGroup';
  readonly expr: SearchExpr | null;
  readonly span: SplSpan;
}

/** A bare term or quoted phrase (`error`, `"access denied"`, `*.exe`). */
export interface SearchTerm {
  readonly kind: 'searchTerm';
  readonly term: Literal;
  readonly span: SplSpan;
}

export type SearchOperator = '=' | '==' | '!=' | '<' | '<=' | '>' | '>=';

/** `field=value`, `field!=value`, `field>5` … */
export interface SearchComparison {
  readonly kind: 'searchComparison';
  readonly field: FieldRef;
  readonly op: SearchOperator;
  readonly value: SearchValue;
  readonly span: SplSpan;
}

export type SearchValue = Literal | SearchDirective | MacroRef;

/** `field IN (v, …)`. */
export interface SearchIn {
  readonly kind: 'searchIn';
  readonly field: FieldRef;
  readonly values: readonly SearchValue[];
  readonly span: SplSpan;
}

export const TIME_MODIFIER_NAMES = [
  'earliest',
  'latest',
  '_index_earliest',
  '_index_latest',
  'starttime',
  'endtime',
  'starttimeu',
  'endtimeu',
  'timeformat',
  'startdaysago',
  'enddaysago',
  'startminutesago',
  'endminutesago',
  'starthoursago',
  'endhoursago',
  'startmonthsago',
  'endmonthsago',
  'daysago',
  'minutesago',
  'hoursago',
  'monthsago',
  'searchtimespandays',
  'searchtimespanhours',
  'searchtimespanminutes',
  'searchtimespanmonths',
] as const;
export type TimeModifierName = (typeof TIME_MODIFIER_NAMES)[number];

/** `earliest=-24h@h`, `latest=now` … */
export interface SearchTimeModifier {
  readonly kind: 'searchTimeModifier';
  readonly name: TimeModifierName;
  readonly value: Literal | MacroRef;
  readonly span: SplSpan;
}

/** `CASE(term)` or `TERM(term)`. */
export interface SearchDirective {
  readonly kind: 'searchDirective';
  readonly directive: 'CASE' | 'TERM';
  readonly term: Literal;
  readonly span: SplSpan;
}

// ---------------------------------------------------------------------------------------------
// Eval expressions (eval, where, fieldformat, `eval(…)` arguments, head)

export type Expr =
  | BinaryExpr
  | UnaryExpr
  | CallExpr
  | InExpr
  | FieldRef
  | StringExpr
  | NumberExpr
  | GroupExpr
  | MacroRef;

export type BinaryOperator =
  | 'OR'
  | 'XOR'
  | 'AND'
  | '='
  | '=='
  | '!='
  | 'LIKE'
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '.'
  | '*'
  | '/'
  | '%';

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: SplSpan;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: 'NOT' | '-' | '+';
  readonly operand: Expr;
  readonly span: SplSpan;
}

/** `fn(args)`; `name` as written (function names are matched case-insensitively). */
export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly span: SplSpan;
}

/** `x IN (a, b)` (the where/eval operator form; `in(x, a, b)` is a CallExpr). */
export interface InExpr {
  readonly kind: 'in';
  readonly operand: Expr;
  readonly values: readonly Expr[];
  readonly span: SplSpan;
}

export interface StringExpr {
  readonly kind: 'string';
  readonly value: string;
  readonly span: SplSpan;
}

export interface NumberExpr {
  readonly kind: 'number';
  readonly text: string;
  readonly span: SplSpan;
}

export interface GroupExpr {
  readonly kind: 'group';
  readonly expr: Expr;
  readonly span: SplSpan;
}

export type SplNode =
  | Pipeline
  | Command
  | SearchExpr
  | Expr
  | Literal
  | OptionArg
  | EvalValue
  | Aggregation
  | EvalAssignment
  | Rename
  | SortKey
  | LookupField
  | LookupOutput
  | Conversion
  | ReturnItem
  | RawArg
  | SplComment;

// ---------------------------------------------------------------------------------------------
// Walking the tree

function isNode(value: unknown): value is SplNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && 'span' in value;
}

/** `root` and every node below it, depth first, in source order. */
export function* descendants(root: SplNode): Generator<SplNode> {
  yield root;
  for (const value of Object.values(root)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) yield* descendants(item);
    } else if (isNode(value)) yield* descendants(value);
  }
}
