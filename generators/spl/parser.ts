// SPL text → syntax tree and diagnostics. The pipeline machinery lives here: lexing, splitting
// a pipeline into stages at the top-level pipes, subsearches, the implicit search, dispatch to
// each command's grammar (command-grammars.ts), eval expressions (re-lexed in `expression` mode,
// see lexer.ts) and macros as nodes. Nothing throws on bad input: every problem is a
// diagnostic with a position, and the tree is as complete as the text allows.
//
// Splunk rules relied on (each pinned by a test citing its documentation):
// - A search is a pipeline of commands separated by `|`; the first command is an implicit
//   `search` unless the text starts with `|` (then it starts with a generating command).
// - A subsearch is a pipeline in square brackets; its first command needs no pipe
//   (`[search …]`, `[inputlookup x]`, `foreach … [eval …]`, `appendpipe [stats count]`).
// - Comments (```…```) and macros (`name`, `name(args)`) may appear between any tokens.
import type {
  Command,
  EvalAssignment,
  Expr,
  FieldRef,
  GenericArg,
  Literal,
  MacroRef,
  Pipeline,
  SearchCommand,
  SplComment,
  SplSpan,
  Subsearch,
} from './ast.ts';
import { BUILTIN_COMMANDS, closestName, commandKey, isKnownCommand } from './commands.ts';
import { type CommandBody, GRAMMARS, type StageHeader } from './command-grammars.ts';
import type { ParseContext } from './context.ts';
import { FOREACH_PLACEHOLDER, isKeyword, isOperator, joinPlaceholders, TokenCursor } from './cursor.ts';
import { DiagnosticSink, LineMap, sortDiagnostics, type Range, type SplDiagnostic } from './diagnostics.ts';
import { ExpressionParser, parseExpressionTokens } from './expression-parser.ts';
import { lexSpl } from './lexer.ts';
import { describe, parseSearchExpression } from './search-parser.ts';
import type { SplToken } from './tokens.ts';

export interface SplParseOptions {
  /** Names of custom (app) commands to accept besides Splunk's built-in ones. */
  readonly customCommands?: Iterable<string>;
}

export interface SplParseResult {
  readonly ast: Pipeline;
  /** Sorted by position. */
  readonly diagnostics: SplDiagnostic[];
}

export function parseSpl(text: string, options: SplParseOptions = {}): SplParseResult {
  const customCommands = new Set([...(options.customCommands ?? [])].map(commandKey));
  const parser = new SplParser(text, customCommands);
  const ast = parser.parse();
  const unbalanced = parser.sink.diagnostics.some((d) => d.code === 'unterminated-string' || d.code === 'unterminated-field-name');
  if (unbalanced) locateUnbalancedQuote(text, customCommands, parser.sink);
  return { ast, diagnostics: sortDiagnostics(parser.sink.diagnostics) };
}

/**
 * After a closing quote goes missing, quotes pair up wrongly and the lexer's error surfaces at
 * the last one, far from the cause. We look for the string that swallowed code: put back a
 * closing quote inside a string, at a boundary (before a space, `,` or `)`); if the text then
 * parses without an error, that string is the one. Strings whose content ends the way code
 * does before a string (`x=`, `,`, `(`, `+`, ` BY `), holds a pipe before a command, or runs
 * straight into the next token are tried first; the search is bounded (it only runs on text
 * that already has an unbalanced quote). Without a clean repair, the first such string is named.
 */
function locateUnbalancedQuote(text: string, customCommands: ReadonlySet<string>, sink: DiagnosticSink): void {
  // Expression mode, so that `"a"+b` (eval concatenation) does not look like a glued argument.
  const tokens = lexSpl(text, { mode: 'expression' }).tokens;
  const strings = tokens.filter((t) => t.kind === 'string');
  const flagged = strings.filter((t) => looksLikeSwallowedCode(t, tokens[tokens.indexOf(t) + 1]!));
  const ordered = [...flagged, ...strings.filter((t) => !flagged.includes(t))];
  let budget = 150;
  const parsesCleanly = (repaired: string): boolean => {
    budget--;
    const parser = new SplParser(repaired, customCommands);
    parser.parse();
    return !parser.sink.diagnostics.some((d) => d.severity === 'error');
  };
  let culprit: SplToken | undefined;
  search: for (const t of ordered) {
    for (const at of closingQuoteCandidates(t)) {
      if (budget <= 0) break search;
      if (parsesCleanly(`${text.slice(0, at)}"${text.slice(at)}`)) {
        culprit = t;
        break search;
      }
    }
  }
  culprit ??= flagged[0];
  if (culprit === undefined || sink.diagnostics.some((d) => d.start === culprit.start)) return;
  sink.error({ start: culprit.start, end: culprit.start + 1 }, 'unbalanced-quotes', 'this string seems to be missing its closing quote: what follows it reads as code');
}

/** Offsets inside string `t` where its closing quote may have been: before a space run, `,`, `)`, `=` or `!=`. */
function closingQuoteCandidates(t: SplToken): number[] {
  const candidates: number[] = [];
  for (let i = t.start + 2; i < t.end - 1 && candidates.length < 12; i++) {
    const c = t.text[i - t.start]!;
    const before = t.text[i - t.start - 1]!;
    const boundary = /\s/.test(c) ? !/\s/.test(before) : /[,)=]/.test(c) || (c === '!' && t.text[i - t.start + 1] === '=');
    if (boundary && before !== '\\' && before !== '!') candidates.push(i);
  }
  return candidates;
}

const CODE_BEFORE_STRING = /(?:[^\s,(=+]\s*(?:=|!=|,|\(|\+)|['"]\.|\s(?:BY|AS|OR|AND|NOT|IN|WITH|OUTPUT|OUTPUTNEW|by|as|with))\s*$/;

function looksLikeSwallowedCode(t: SplToken, next: SplToken): boolean {
  const body = t.text.slice(1, -1);
  const glued = !next.spaceBefore && (next.kind === 'word' || next.kind === 'string' || next.kind === 'number');
  return glued || CODE_BEFORE_STRING.test(body) || /\s\|\s*[A-Za-z]/.test(body);
}

/** A stage's extent in the text, from its `|` to the next; comments inside belong to its command. */
interface StageExtent {
  readonly start: number;
  readonly end: number;
  readonly comments: SplComment[];
}

const MACRO_NAME = /^[A-Za-z0-9_][\w.:-]*$/;
/** Deeper nesting than any real search, and shallow enough for the call stack. */
const MAX_SUBSEARCH_DEPTH = 50;

class SplParser implements ParseContext {
  readonly lines: LineMap;
  readonly sink: DiagnosticSink;
  private readonly tokens: SplToken[];
  private readonly comments: SplToken[];
  private readonly extents: StageExtent[] = [];
  private readonly templateRanges: Range[] = [];
  private subsearchDepth = 0;
  /** Where the command being parsed stopped at a macro (see macroTail). */
  private tailAt: number | null = null;

  constructor(
    readonly source: string,
    readonly customCommands: ReadonlySet<string>,
  ) {
    this.lines = new LineMap(source);
    this.sink = new DiagnosticSink(this.lines);
    const { tokens, errors } = lexSpl(source);
    for (const e of errors) this.sink.error({ start: e.start, end: e.start + 1 }, lexErrorCode(e.message), e.message);
    this.comments = tokens.filter((t) => t.kind === 'comment');
    this.tokens = joinPlaceholders(
      tokens.filter((t) => t.kind !== 'comment'),
      source,
    );
  }

  parse(): Pipeline {
    const eofIndex = this.tokens.length - 1;
    const pipeline = this.parsePipeline(0, eofIndex, { start: 0, end: this.source.length }, 'top');
    if (eofIndex === 0 && this.sink.diagnostics.length === 0) this.sink.error({ start: 0, end: 0 }, 'empty-search', 'the search is empty');
    this.assignComments();
    this.checkPlaceholders();
    return pipeline;
  }

  // -------------------------------------------------------------------------------------------
  // ParseContext

  span(first: { start: number }, last: { end: number }): SplSpan {
    return this.lines.span(first.start, Math.max(first.start, last.end));
  }

  literal(t: SplToken): Literal {
    return { kind: 'literal', value: t.kind === 'number' ? t.text : t.value, quoted: t.kind === 'string', span: this.span(t, t) };
  }

  field(t: SplToken): FieldRef {
    if (t.kind === 'quotedName') {
      // Single quotes name a field only inside eval expressions (eval, where, fieldformat).
      this.sink.error(t, 'single-quoted-field', `single quotes name a field only in eval and where expressions: write ${t.value} bare, or "${t.value}" in double quotes`);
    }
    return { kind: 'field', name: t.kind === 'number' ? t.text : t.value, quoted: t.kind === 'string' || t.kind === 'quotedName', span: this.span(t, t) };
  }

  macro(t: SplToken): MacroRef {
    const body = t.value.trim();
    const open = body.indexOf('(');
    const span = this.span(t, t);
    if (open < 0) {
      if (body !== '' && !MACRO_NAME.test(body)) this.sink.error(t, 'macro-name', `\`${body}\` is not a macro name`);
      return { kind: 'macro', name: body, args: null, span };
    }
    const name = body.slice(0, open).trim();
    if (!MACRO_NAME.test(name)) this.sink.error(t, 'macro-name', `\`${name}\` is not a macro name`);
    if (!body.endsWith(')')) {
      this.sink.error(t, 'macro-args', `macro \`${name}\`: arguments must end with \`)\``);
      return { kind: 'macro', name, args: [body.slice(open + 1)], span };
    }
    return { kind: 'macro', name, args: splitMacroArguments(body.slice(open + 1, -1)), span };
  }

  macroTail(offset: number): void {
    this.tailAt ??= offset;
  }

  subsearch(cursor: TokenCursor, options: { readonly template?: boolean } = {}): Subsearch {
    const open = cursor.next();
    const openIndex = cursor.index - 1;
    if (this.subsearchDepth >= MAX_SUBSEARCH_DEPTH) {
      this.sink.error(open, 'too-deep', `subsearches nested more than ${MAX_SUBSEARCH_DEPTH} levels deep`);
      cursor.seek(cursor.end);
      const pipeline: Pipeline = { kind: 'pipeline', leadingPipe: false, commands: [], span: this.span(open, open) };
      return { kind: 'subsearch', pipeline, span: this.span(open, open) };
    }
    let depth = 0;
    let closeIndex = -1;
    for (let i = openIndex; i < cursor.end; i++) {
      const kind = this.tokens[i]!.kind;
      if (kind === 'lbracket') depth++;
      else if (kind === 'rbracket' && --depth === 0) {
        closeIndex = i;
        break;
      }
    }
    if (closeIndex < 0) {
      this.sink.error(open, 'unclosed-bracket', 'unclosed `[`: the subsearch has no closing `]`');
      closeIndex = cursor.end;
    }
    const close = this.tokens[closeIndex];
    const end = closeIndex < cursor.end ? close!.start : cursor.endOffset;
    if (options.template) this.templateRanges.push({ start: open.end, end });
    this.subsearchDepth++;
    const pipeline = this.parsePipeline(openIndex + 1, closeIndex, { start: open.end, end }, 'subsearch');
    this.subsearchDepth--;
    if (pipeline.commands.length === 0) this.sink.error(open, 'empty-subsearch', 'empty subsearch `[ ]`');
    cursor.seek(closeIndex < cursor.end ? closeIndex + 1 : cursor.end);
    return { kind: 'subsearch', pipeline, span: this.lines.span(open.start, closeIndex < cursor.end ? close!.end : end) };
  }

  expression(start: number, end: number, what: string): Expr | null {
    const tokens = this.expressionTokens(start, end);
    return parseExpressionTokens(this, tokens, end, what);
  }

  assignments(start: number, end: number, what: string): EvalAssignment[] {
    const tokens = this.expressionTokens(start, end, { assignments: true });
    const cursor = new TokenCursor(tokens, 0, tokens.length, end);
    const assignments: EvalAssignment[] = [];
    while (!cursor.atEnd()) {
      const target = this.evalTarget(cursor);
      if (target.kind !== 'word' && target.kind !== 'quotedName' && target.kind !== 'string') {
        this.sink.error(target, 'eval-target', `${what} needs field=expression, found ${describe(target)}`);
        return assignments;
      }
      const eq = cursor.peek();
      if (!isOperator(eq, '=')) {
        const found = eq ? describe(eq) : 'nothing';
        this.sink.error(eq ?? target, 'eval-target', `${what}: expected \`=\` after \`${target.text}\`, found ${found}`);
        return assignments;
      }
      cursor.next();
      if (cursor.atEnd() || cursor.peek()!.kind === 'comma') {
        this.sink.error(cursor.peek() ?? eq!, 'missing-expression', `${what}: \`${target.text}=\` needs an expression`);
        return assignments;
      }
      const value = new ExpressionParser(this, cursor).parse();
      if (value === null) return assignments;
      const targetQuotes = target.kind === 'quotedName' ? 'single' : target.kind === 'string' ? 'double' : 'none';
      const field: FieldRef = { kind: 'field', name: target.value, quoted: targetQuotes !== 'none', span: this.span(target, target) };
      assignments.push({ kind: 'assignment', field, targetQuotes, value, span: this.span(target, value.span) });
      const after = cursor.peek();
      if (after === undefined) break;
      if (after.kind === 'comma') {
        cursor.next();
        if (cursor.atEnd()) this.sink.error(after, 'missing-expression', `${what}: nothing after \`,\``);
        continue;
      }
      // A macro may stand for more assignments until it is expanded.
      if (after.kind === 'macro') this.macroTail(after.start);
      else this.sink.error(after, 'unexpected-token', `unexpected ${describe(after)} in ${what} (separate assignments with commas)`);
      return assignments;
    }
    if (assignments.length === 0) this.sink.error({ start, end: start }, 'missing-expression', `${what} needs field=expression`);
    return assignments;
  }

  /**
   * The field an eval assigns to. Splunk reads the name up to `=`, so `feature_-value=…` assigns
   * the field `feature_-value`: glued words and operators before `=` make one word here.
   */
  private evalTarget(cursor: TokenCursor): SplToken {
    const first = cursor.next();
    if (first.kind !== 'word' && first.kind !== 'number') return first;
    let end = cursor.index;
    while (end < cursor.end) {
      const t = cursor.tokens[end]!;
      if (t.spaceBefore || !(t.kind === 'word' || t.kind === 'number' || (t.kind === 'operator' && t.text !== '=' && t.text !== '=='))) break;
      end++;
    }
    const eq = cursor.tokens[end];
    if (end === cursor.index || !isOperator(eq, '=')) return first;
    const last = cursor.tokens[end - 1]!;
    cursor.seek(end);
    const text = this.source.slice(first.start, last.end);
    return { ...first, kind: 'word', text, value: text, end: last.end };
  }

  // -------------------------------------------------------------------------------------------
  // Pipelines and stages

  /** Tokens [from, to) form a pipeline occupying `extent` of the text. */
  private parsePipeline(from: number, to: number, extent: Range, where: 'top' | 'subsearch'): Pipeline {
    const leadingPipe = from < to && this.tokens[from]!.kind === 'pipe';
    const stages = this.splitStages(from, to);
    const commands: Command[] = [];
    stages.forEach(([a, b], index) => {
      const stageStart = index === 0 ? extent.start : this.tokens[a]!.start;
      const stageEnd = b < to ? this.tokens[b]!.start : extent.end;
      const stageExtent: StageExtent = { start: stageStart, end: stageEnd, comments: [] };
      const command = index === 0 && !leadingPipe ? this.parseFirstStage(a, b, where, stageExtent) : this.parsePipedStage(a, b, stageExtent);
      if (command) {
        commands.push(command);
        this.extents.push(stageExtent);
      }
    });
    const first = this.tokens[from];
    const spanStart = from < to && first ? first.start : extent.start;
    const last = commands.at(-1);
    return { kind: 'pipeline', leadingPipe, commands, span: this.lines.span(spanStart, last ? last.span.end : spanStart) };
  }

  /** [start, end) token ranges of the stages: split at pipes outside brackets; each later stage starts at its pipe. */
  private splitStages(from: number, to: number): [number, number][] {
    const stages: [number, number][] = [];
    let depth = 0;
    let stageStart = from;
    for (let i = from; i < to; i++) {
      const t = this.tokens[i]!;
      if (t.kind === 'lbracket') depth++;
      else if (t.kind === 'rbracket') depth = Math.max(0, depth - 1);
      else if (t.kind === 'pipe' && depth === 0 && i > from) {
        stages.push([stageStart, i]);
        stageStart = i;
      }
    }
    if (stageStart < to || stages.length === 0) stages.push([stageStart, to]);
    return stages;
  }

  private parseFirstStage(a: number, b: number, where: 'top' | 'subsearch', extent: StageExtent): Command | null {
    const first = this.tokens[a];
    if (a >= b || first === undefined) return null;
    const next = b > a + 1 ? this.tokens[a + 1] : undefined;
    const startsCommand =
      first.kind === 'word' &&
      !isOperator(next, '=') &&
      (where === 'top' ? isKeyword(first, 'search') : isKnownCommand(first.text, this.customCommands));
    if (startsCommand) return this.parseCommand(a, a, b, extent);
    // The implicit search: everything up to the first pipe.
    const cursor = this.cursor(a, b);
    const query = parseSearchExpression(this, cursor);
    const span = this.lines.span(first.start, this.tokens[b - 1]!.end);
    const command: SearchCommand = { kind: 'search', name: '', implicit: true, query, tail: [], comments: extent.comments, span };
    return command;
  }

  /** Tokens [a, b) start with `|`. */
  private parsePipedStage(a: number, b: number, extent: StageExtent): Command | null {
    const pipe = this.tokens[a]!;
    if (a + 1 >= b) {
      const atEnd = b >= this.tokens.length - 1 || this.tokens[b]!.kind === 'rbracket';
      this.sink.error(pipe, 'empty-command', atEnd ? 'nothing after `|`: expected a command' : 'empty command between `|` and `|`');
      return null;
    }
    return this.parseCommand(a, a + 1, b, extent);
  }

  /** The command whose name is at `nameIndex`; its stage starts at `stageIndex` (the pipe, or the name). */
  private parseCommand(stageIndex: number, nameIndex: number, b: number, extent: StageExtent): Command {
    const nameToken = this.tokens[nameIndex]!;
    const first = this.tokens[stageIndex]!;
    const cursor = this.cursor(nameIndex + 1, b);
    const outerTail = this.tailAt;
    this.tailAt = null;
    const finish = (body: CommandBody, name: string): Command => {
      const tail = this.tailAt === null ? [] : this.genericArgs(this.cursorFrom(this.tailAt, b));
      this.tailAt = outerTail;
      const lastToken = this.tokens[b - 1];
      const lastEnd = tail.length > 0 && lastToken ? lastToken.end : cursor.previous() && cursor.index > nameIndex + 1 ? cursor.previous()!.end : nameToken.end;
      return { ...body, name, tail, comments: extent.comments, span: this.lines.span(first.start, lastEnd) } as Command;
    };
    if (nameToken.kind === 'macro') {
      const macro = this.macro(nameToken);
      return finish({ kind: 'macroCommand', macro, args: this.genericArgs(cursor) }, '');
    }
    if (nameToken.kind !== 'word') {
      this.sink.error(nameToken, 'expected-command', `expected a command name after \`|\`, found ${describe(nameToken)}`);
      return finish({ kind: 'generic', args: this.genericArgs(cursor) }, nameToken.text);
    }
    const key = commandKey(nameToken.text);
    const header: StageHeader = { nameToken, command: key };
    const grammar = GRAMMARS.get(key);
    if (grammar) return finish(grammar(this, cursor, header), nameToken.text);
    if (!isKnownCommand(key, this.customCommands)) {
      const hint = closestName(key, [...BUILTIN_COMMANDS, ...this.customCommands]);
      this.sink.error(
        nameToken,
        'unknown-command',
        `unknown command \`${nameToken.text}\`${hint ? ` (did you mean ${hint}?)` : ''}; declare app commands with customCommands`,
      );
    }
    return finish({ kind: 'generic', args: this.genericArgs(cursor) }, nameToken.text);
  }

  /** Raw arguments of a command without a grammar; subsearches are still parsed. */
  private genericArgs(cursor: TokenCursor): GenericArg[] {
    const args: GenericArg[] = [];
    while (!cursor.atEnd()) {
      const t = cursor.peek()!;
      if (t.kind === 'lbracket') {
        args.push(this.subsearch(cursor));
        continue;
      }
      cursor.next();
      if (t.kind === 'macro') this.macro(t); // checks the macro's form
      if (t.kind === 'rbracket') this.sink.error(t, 'unmatched-bracket', 'unmatched `]`');
      args.push({ kind: 'raw', text: t.text, glued: !t.spaceBefore, span: this.span(t, t) });
    }
    return args;
  }

  /** A cursor from the first token at or after `offset`, up to token `to`. */
  private cursorFrom(offset: number, to: number): TokenCursor {
    let from = to;
    while (from > 0 && this.tokens[from - 1]!.start >= offset) from--;
    return this.cursor(from, to);
  }

  private cursor(from: number, to: number): TokenCursor {
    const endOffset = this.tokens[to]?.start ?? this.source.length;
    return new TokenCursor(this.tokens, from, to, endOffset);
  }

  private expressionTokens(start: number, end: number, options: { readonly assignments?: boolean } = {}): SplToken[] {
    const { tokens } = lexSpl(this.source, { mode: 'expression', start, end });
    const significant = joinPlaceholders(
      tokens.filter((t) => t.kind !== 'comment' && t.kind !== 'eof'),
      this.source,
    );
    this.warnDottedFields(significant, options.assignments === true);
    return significant;
  }

  // -------------------------------------------------------------------------------------------
  // Checks over tokens

  /**
   * `status.errorCode` unquoted in eval/where is `status . errorCode`, a concatenation of two
   * fields. Field names with characters other than letters, digits and `_` need single quotes.
   */
  private warnDottedFields(tokens: readonly SplToken[], assignments: boolean): void {
    for (let i = 0; i + 2 < tokens.length; i++) {
      const first = tokens[i]!;
      if (first.kind !== 'word' || (tokens[i - 1]?.text === '.' && !first.spaceBefore)) continue;
      let j = i;
      while (isGluedDot(tokens, j)) j += 2;
      if (j === i || tokens[j + 1]?.kind === 'lparen') continue;
      // An eval target is read up to `=` (see evalTarget): `a.b=1` assigns the field a.b.
      const target = assignments && (i === 0 || tokens[i - 1]!.kind === 'comma') && isOperator(tokens[j + 1], '=');
      if (target) {
        i = j;
        continue;
      }
      const text = this.source.slice(first.start, tokens[j]!.end);
      this.sink.warning(
        { start: first.start, end: tokens[j]!.end },
        'dotted-field',
        `\`${text}\` is read as a concatenation (${text.split('.').join(' . ')}); quote a field name with dots: '${text}'`,
      );
      i = j;
    }
  }

  private checkPlaceholders(): void {
    for (const t of this.tokens) {
      if ((t.kind !== 'word' && t.kind !== 'quotedName') || !FOREACH_PLACEHOLDER.test(t.text)) continue;
      if (this.templateRanges.some((r) => t.start >= r.start && t.end <= r.end)) continue;
      this.sink.error(t, 'placeholder', `\`${t.text}\` is a foreach placeholder, only valid inside a foreach template`);
    }
  }

  /** Each comment belongs to the innermost stage whose extent holds it. */
  private assignComments(): void {
    for (const c of this.comments) {
      let owner: StageExtent | undefined;
      for (const extent of this.extents) {
        if (c.start >= extent.start && c.start < Math.max(extent.end, extent.start + 1) && (!owner || extent.start >= owner.start)) owner = extent;
      }
      owner ??= this.extents.at(-1);
      owner?.comments.push({ kind: 'comment', text: c.value, span: this.span(c, c) });
    }
  }
}

function isGluedDot(tokens: readonly SplToken[], i: number): boolean {
  const dot = tokens[i + 1];
  const next = tokens[i + 2];
  return dot !== undefined && next !== undefined && dot.text === '.' && dot.kind === 'operator' && !dot.spaceBefore && next.kind === 'word' && !next.spaceBefore;
}

function lexErrorCode(message: string): string {
  if (message.startsWith('unterminated string')) return 'unterminated-string';
  if (message.startsWith('unterminated field name')) return 'unterminated-field-name';
  if (message.startsWith('unterminated macro')) return 'unterminated-macro';
  if (message.startsWith('unterminated comment')) return 'unterminated-comment';
  if (message.startsWith('macro has no name')) return 'macro-name';
  return 'lex';
}

/** Splits macro arguments at commas outside double quotes and parentheses; each is trimmed. */
export function splitMacroArguments(text: string): string[] {
  if (text.trim() === '') return [];
  const args: string[] = [];
  let depth = 0;
  let inQuotes = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '\\' && i + 1 < text.length) {
        current += c + text[i + 1];
        i++;
        continue;
      }
      if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  args.push(current.trim());
  return args;
}
