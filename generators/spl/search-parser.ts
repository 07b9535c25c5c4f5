// The search language: the `search` command, the implicit search that starts a pipeline, and
// the WHERE clauses of tstats, mstats and inputlookup.
//
// Splunk rules followed here (cited in test/spl/parser.test.ts):
// - AND is implied between terms; AND, OR and NOT must be upper case (a lower-case `or` is a
//   search term, which we flag).
// - The search command evaluates NOT, then OR, then AND: `a b OR c` is `a AND (b OR c)`.
// - `field=value`, `field!=value`, `field<value` …; `field IN (v, …)`; `CASE(x)` and `TERM(x)`;
//   time modifiers `earliest=` / `latest=`; subsearches `[ … ]` and macros are terms.
import {
  TIME_MODIFIER_NAMES,
  type FieldRef,
  type Literal,
  type SearchComparison,
  type SearchDirective,
  type SearchExpr,
  type SearchGroup,
  type SearchOperator,
  type SearchValue,
  type TimeModifierName,
} from './ast.ts';
import type { ParseContext } from './context.ts';
import { isKeyword, isOperator, type TokenCursor } from './cursor.ts';
import { evalFunction } from './functions.ts';
import type { SplToken } from './tokens.ts';

export interface SearchParseOptions {
  /** Stop before a token that ends the clause (tstats WHERE stops at BY). */
  readonly stopAt?: (t: SplToken) => boolean;
  /** Nesting of groups and NOTs so far (internal). */
  readonly depth?: number;
}

/** Deeper nesting than any real search, and shallow enough for the call stack. */
const MAX_DEPTH = 100;

const SEARCH_OPERATORS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=']);
const TIME_MODIFIERS: ReadonlySet<string> = new Set(TIME_MODIFIER_NAMES);
/** Time modifiers whose value is a time specifier we can check. */
const CHECKED_TIME_MODIFIERS: ReadonlySet<string> = new Set(['earliest', 'latest', '_index_earliest', '_index_latest']);

/** `( search )` with the cursor on `(`: the value of options such as transaction's startswith=. */
export function parseSearchGroup(ctx: ParseContext, cursor: TokenCursor): SearchGroup {
  return new SearchParser(ctx, cursor, {}).parseGroup();
}

/** Parses search terms until the cursor's end (or `stopAt`); null when there are none. */
export function parseSearchExpression(ctx: ParseContext, cursor: TokenCursor, options: SearchParseOptions = {}): SearchExpr | null {
  return new SearchParser(ctx, cursor, options).parseTop();
}

class SearchParser {
  constructor(
    private readonly ctx: ParseContext,
    private readonly cursor: TokenCursor,
    private readonly options: SearchParseOptions,
  ) {}

  parseTop(): SearchExpr | null {
    const expr = this.parseAnd();
    // Whatever is left cannot start a term: report it once and skip the rest of the clause.
    const left = this.peek();
    if (left) {
      this.ctx.sink.error(left, 'unexpected-token', `unexpected ${describe(left)} in search`);
      while (this.peek()) this.cursor.next();
    }
    return expr;
  }

  private peek(): SplToken | undefined {
    const t = this.cursor.peek();
    if (t === undefined) return undefined;
    if (this.options.stopAt?.(t)) return undefined;
    return t;
  }

  /** AND, written or implied, has the lowest precedence in the search command. */
  private parseAnd(): SearchExpr | null {
    const operands: SearchExpr[] = [];
    for (;;) {
      const t = this.peek();
      if (t === undefined) break;
      if (t.kind === 'comma') {
        // Splunk reads a comma between search terms as a separator, like a space.
        this.cursor.next();
        continue;
      }
      if (t.kind === 'word' && t.text === 'AND') {
        const and = this.cursor.next();
        if (operands.length === 0) this.ctx.sink.error(and, 'search-operand', 'AND needs a term before it');
        if (!this.canStartTerm(this.peek())) {
          this.ctx.sink.error(and, 'search-operand', 'AND needs a term after it');
          break;
        }
        continue;
      }
      if (!this.canStartTerm(t)) break;
      const operand = this.parseOr();
      if (operand === null) break;
      operands.push(operand);
    }
    if (operands.length === 0) return null;
    if (operands.length === 1) return operands[0]!;
    return { kind: 'searchAnd', operands, span: this.ctx.span(operands[0]!.span, operands.at(-1)!.span) };
  }

  private parseOr(): SearchExpr | null {
    const first = this.parseNot();
    if (first === null) return null;
    const operands = [first];
    while (this.peek()?.kind === 'word' && this.peek()!.text === 'OR') {
      const or = this.cursor.next();
      if (!this.canStartTerm(this.peek())) {
        this.ctx.sink.error(or, 'search-operand', 'OR needs a term after it');
        break;
      }
      const next = this.parseNot();
      if (next === null) break;
      operands.push(next);
    }
    if (operands.length === 1) return first;
    return { kind: 'searchOr', operands, span: this.ctx.span(first.span, operands.at(-1)!.span) };
  }

  private parseNot(): SearchExpr | null {
    const t = this.peek();
    if (t?.kind === 'word' && t.text === 'NOT') {
      const not = this.cursor.next();
      if (this.tooDeep(not)) return null;
      if (!this.canStartTerm(this.peek())) {
        this.ctx.sink.error(not, 'search-operand', 'NOT needs a term after it');
        return null;
      }
      const operand = new SearchParser(this.ctx, this.cursor, { ...this.options, depth: (this.options.depth ?? 0) + 1 }).parseNot();
      if (operand === null) return null;
      return { kind: 'searchNot', operand, span: this.ctx.span(not, operand.span) };
    }
    return this.parsePrimary();
  }

  private canStartTerm(t: SplToken | undefined): boolean {
    if (t === undefined) return false;
    switch (t.kind) {
      case 'word':
        return t.text !== 'OR' && t.text !== 'AND';
      case 'number':
      case 'string':
      case 'macro':
      case 'lparen':
      case 'lbracket':
        return true;
      case 'quotedName':
      case 'comment':
      case 'operator':
      case 'pipe':
      case 'rparen':
      case 'rbracket':
      case 'comma':
      case 'eof':
        return false;
    }
  }

  private parsePrimary(): SearchExpr | null {
    const t = this.peek()!;
    switch (t.kind) {
      case 'lparen':
        return this.parseGroup();
      case 'lbracket':
        return this.ctx.subsearch(this.cursor);
      case 'macro':
        return this.ctx.macro(this.cursor.next());
      case 'string':
      case 'number':
      case 'word':
        return this.parseWordTerm();
      case 'quotedName':
      case 'comment':
      case 'operator':
      case 'pipe':
      case 'rparen':
      case 'rbracket':
      case 'comma':
      case 'eof':
        this.ctx.sink.error(t, 'unexpected-token', `unexpected ${describe(t)} in search`);
        this.cursor.next();
        return null;
    }
  }

  /** Reports nesting deeper than MAX_DEPTH and skips the rest of the clause. */
  private tooDeep(at: SplToken): boolean {
    if ((this.options.depth ?? 0) < MAX_DEPTH) return false;
    this.ctx.sink.error(at, 'too-deep', `search nested more than ${MAX_DEPTH} levels deep`);
    while (!this.cursor.atEnd()) this.cursor.next();
    return true;
  }

  parseGroup(): SearchGroup {
    const open = this.cursor.next();
    if (this.tooDeep(open)) return { kind: 'searchGroup', expr: null, span: this.ctx.span(open, open) };
    const innerParser = new SearchParser(this.ctx, this.cursor, {
      stopAt: (t) => t.kind === 'rparen' || (this.options.stopAt?.(t) ?? false),
      depth: (this.options.depth ?? 0) + 1,
    });
    let inner = innerParser.parseAnd();
    // Skip what cannot start a term (reported once) and go on to the closing parenthesis.
    let reported = false;
    for (let t = innerParser.peek(); t !== undefined; t = innerParser.peek()) {
      if (!reported) this.ctx.sink.error(t, 'unexpected-token', `unexpected ${describe(t)} in search`);
      reported = true;
      this.cursor.next();
      const more = innerParser.parseAnd();
      if (more !== null) {
        const operands = inner === null ? [more] : [inner, more];
        inner = operands.length === 1 ? more : { kind: 'searchAnd', operands, span: this.ctx.span(operands[0]!.span, more.span) };
      }
    }
    const close = this.cursor.peek();
    if (close?.kind === 'rparen') {
      this.cursor.next();
      return { kind: 'searchGroup', expr: inner, span: this.ctx.span(open, close) };
    }
    this.ctx.sink.error(open, 'unclosed-paren', 'unclosed `(`: no matching `)` in this search');
    return { kind: 'searchGroup', expr: inner, span: this.ctx.span(open, inner?.span ?? open) };
  }

  /** A term, or the start of `field=value`, `field IN (…)`, `CASE(…)`, `TERM(…)`. */
  private parseWordTerm(): SearchExpr {
    const t = this.cursor.next();
    const after = this.cursor.peek();
    if (t.kind === 'word' && (t.text === 'CASE' || t.text === 'TERM') && after?.kind === 'lparen' && !after.spaceBefore) {
      return this.parseDirective(t);
    }
    if (after?.kind === 'operator') {
      return this.parseComparison(t);
    }
    if (t.kind !== 'number' && isKeyword(after, 'IN') && this.cursor.peek(1)?.kind === 'lparen') {
      return this.parseIn(t);
    }
    const term = this.ctx.literal(t);
    if (t.kind === 'word' && (t.text === 'or' || t.text === 'and' || t.text === 'not')) {
      this.ctx.sink.warning(t, 'lowercase-operator', `\`${t.text}\` is searched as a word: Boolean operators must be upper case (${t.text.toUpperCase()})`);
    }
    return { kind: 'searchTerm', term, span: term.span };
  }

  private parseDirective(name: SplToken): SearchDirective {
    this.cursor.next(); // (
    const inner = this.cursor.peek();
    let term: Literal;
    if (inner && (inner.kind === 'word' || inner.kind === 'number' || inner.kind === 'string')) {
      term = this.ctx.literal(this.cursor.next());
    } else {
      this.ctx.sink.error(inner ?? name, 'search-directive', `${name.text}() needs one term`);
      term = { kind: 'literal', value: '', quoted: false, span: this.ctx.span(name, name) };
    }
    const close = this.cursor.peek();
    if (close?.kind === 'rparen') this.cursor.next();
    else this.ctx.sink.error(name, 'unclosed-paren', `unclosed \`${name.text}(\`: expected \`)\``);
    const directive = name.text === 'CASE' ? 'CASE' : 'TERM';
    return { kind: 'searchDirective', directive, term, span: this.ctx.span(name, close ?? term.span) };
  }

  private parseComparison(fieldToken: SplToken): SearchExpr {
    const opToken = this.cursor.next();
    const field = this.ctx.field(fieldToken);
    if (!SEARCH_OPERATORS.has(opToken.text)) {
      this.ctx.sink.error(opToken, 'search-operator', `\`${opToken.text}\` is not a search operator: use \`=\``);
    }
    const op = (SEARCH_OPERATORS.has(opToken.text) ? opToken.text : '=') as SearchOperator;
    const value = this.parseValue(opToken);
    const span = this.ctx.span(fieldToken, value.span);
    const timeName = fieldToken.kind === 'word' ? fieldToken.text.toLowerCase() : '';
    if (op === '=' && TIME_MODIFIERS.has(timeName) && value.kind !== 'searchDirective') {
      if (value.kind === 'literal' && CHECKED_TIME_MODIFIERS.has(timeName)) checkTimeSpecifier(this.ctx, timeName, value);
      return { kind: 'searchTimeModifier', name: timeName as TimeModifierName, value, span };
    }
    const comparison: SearchComparison = { kind: 'searchComparison', field, op, value, span };
    return comparison;
  }

  private parseValue(after: SplToken): SearchValue {
    const t = this.cursor.peek();
    if (t && (t.kind === 'word' || t.kind === 'number' || t.kind === 'string') && !(t.kind === 'word' && isBooleanOperator(t))) {
      this.cursor.next();
      const next = this.cursor.peek();
      if (t.kind === 'word' && (t.text === 'CASE' || t.text === 'TERM') && next?.kind === 'lparen' && !next.spaceBefore) {
        return this.parseDirective(t);
      }
      if (t.kind === 'word' && next?.kind === 'lparen' && !next.spaceBefore && evalFunction(t.text) !== undefined) {
        this.ctx.sink.warning(
          { start: t.start, end: next.end },
          'search-function',
          `the search command does not evaluate functions: \`${after.text}${t.text}(…)\` compares with the word ${t.text}; use | where for expressions`,
        );
      }
      return this.ctx.literal(t);
    }
    if (t?.kind === 'macro') return this.ctx.macro(this.cursor.next());
    this.ctx.sink.error(t ?? after, 'search-value', `\`${after.text}\` needs a value after it`);
    return { kind: 'literal', value: '', quoted: false, span: this.ctx.span(after, after) };
  }

  private parseIn(fieldToken: SplToken): SearchExpr {
    const field: FieldRef = this.ctx.field(fieldToken);
    this.cursor.next(); // IN
    const open = this.cursor.next(); // (
    const values: SearchValue[] = [];
    let close: SplToken | undefined;
    for (;;) {
      const t = this.cursor.peek();
      if (t === undefined || t.kind === 'pipe') break;
      if (t.kind === 'rparen') {
        close = this.cursor.next();
        break;
      }
      if (t.kind === 'comma') {
        this.cursor.next();
        continue;
      }
      if (t.kind === 'word' || t.kind === 'number' || t.kind === 'string') {
        this.cursor.next();
        const next = this.cursor.peek();
        if (t.kind === 'word' && (t.text === 'CASE' || t.text === 'TERM') && next?.kind === 'lparen' && !next.spaceBefore) {
          values.push(this.parseDirective(t));
        } else values.push(this.ctx.literal(t));
        continue;
      }
      if (t.kind === 'macro') {
        values.push(this.ctx.macro(this.cursor.next()));
        continue;
      }
      // Anything else ends the list: a missing `)`.
      break;
    }
    if (close === undefined) this.ctx.sink.error(open, 'unclosed-paren', 'unclosed `(` of IN: expected `)`');
    if (values.length === 0) this.ctx.sink.error(open, 'search-in', 'IN needs at least one value');
    return { kind: 'searchIn', field, values, span: this.ctx.span(fieldToken, close ?? values.at(-1)?.span ?? open) };
  }
}

const isBooleanOperator = (t: SplToken): boolean => t.text === 'AND' || t.text === 'OR' || t.text === 'NOT';

export function describe(t: SplToken): string {
  switch (t.kind) {
    case 'eof':
      return 'end of search';
    case 'pipe':
      return '`|`';
    case 'string':
      return `string ${t.text.length > 30 ? `${t.text.slice(0, 27)}…` : t.text}`;
    case 'word':
    case 'number':
    case 'quotedName':
    case 'macro':
    case 'comment':
    case 'operator':
    case 'lparen':
    case 'rparen':
    case 'lbracket':
    case 'rbracket':
    case 'comma':
      return `\`${t.text.length > 30 ? `${t.text.slice(0, 27)}…` : t.text}\``;
  }
}

// Time modifiers: `[+|-]<time_integer><time_unit>@<time_unit>` (the integer defaults to 1: `-h`),
// `now`, an epoch, or `%m/%d/%Y:%H:%M:%S`; real-time `rt` modifiers are an error in a search string.
// https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/specify-time-modifiers-in-your-search
const TIME_UNIT = '(?:s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks|mon|month|months|q|qtr|qtrs|quarter|quarters|y|yr|yrs|year|years)';
const SNAP_UNIT = `(?:${TIME_UNIT}|w[0-7])`;
const OFFSET = `[+-]\\d*${TIME_UNIT}`;
const RELATIVE_TIME = new RegExp(`^(?:(?:${OFFSET})+(?:@${SNAP_UNIT}(?:${OFFSET})*)?|@${SNAP_UNIT}(?:${OFFSET})*|now|now\\(\\))$`, 'i');
const EPOCH = /^\d+(?:\.\d+)?$/;
const ABSOLUTE_TIME = /^\d{1,2}\/\d{1,2}\/\d{4}(?::\d{1,2}:\d{1,2}:\d{1,2})?$/;

/** `-24h@h`, `@d`, `now`, `0`, an epoch or `%m/%d/%Y:%H:%M:%S`; tokens `$x$` (map, dashboards) pass. */
export function isTimeSpecifier(value: string): boolean {
  return RELATIVE_TIME.test(value) || EPOCH.test(value) || ABSOLUTE_TIME.test(value) || value.includes('$');
}

function checkTimeSpecifier(ctx: ParseContext, name: string, value: Literal): void {
  if (isTimeSpecifier(value.value)) return;
  // A custom timeformat= may define any absolute format; only flag what is clearly not a time.
  if (value.quoted && /\d/.test(value.value)) return;
  ctx.sink.error(value.span, 'time-modifier', `\`${value.value}\` is not a valid time for ${name}= (e.g. -24h@h, @d, now, an epoch, or %m/%d/%Y:%H:%M:%S)`);
}
