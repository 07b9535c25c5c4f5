// Eval expressions: eval, where, fieldformat, `eval(…)` in stats and option values, head.
// Reads tokens lexed in `expression` mode (see lexer.ts), where `+ - * / % .` are operators.
//
// Precedence, loosest first (Splunk evaluates NOT, then AND, then OR, then XOR in eval and
// where; the rest is the usual arithmetic order, with `.` beside `+` and `-`):
//   XOR < OR < AND < NOT < = == != LIKE IN < < <= > >= < + - . < * / % < unary - + < primary
// AND, OR, NOT, XOR, LIKE and IN are matched case-insensitively (`and` works in eval).
import type { BinaryOperator, Expr, FieldRef, MacroRef } from './ast.ts';
import type { ParseContext } from './context.ts';
import { isKeyword, TokenCursor } from './cursor.ts';
import { arityProblem, evalFunction } from './functions.ts';
import { describe } from './search-parser.ts';
import type { SplToken } from './tokens.ts';

/** An expression parse failed at this token; the caller has already been told. */
class ExpressionError extends Error {}

const EQUALITY: ReadonlyMap<string, BinaryOperator> = new Map([
  ['=', '='],
  ['==', '=='],
  ['!=', '!='],
]);
const RELATIONAL: ReadonlyMap<string, BinaryOperator> = new Map([
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
]);
const ADDITIVE: ReadonlyMap<string, BinaryOperator> = new Map([
  ['+', '+'],
  ['-', '-'],
  ['.', '.'],
]);
const MULTIPLICATIVE: ReadonlyMap<string, BinaryOperator> = new Map([
  ['*', '*'],
  ['/', '/'],
  ['%', '%'],
]);

/** Deeper nesting than any real search, and shallow enough for the call stack. */
const MAX_DEPTH = 100;

export class ExpressionParser {
  private depth = 0;

  constructor(
    private readonly ctx: ParseContext,
    private readonly cursor: TokenCursor,
  ) {}

  /** One expression; null after reporting an error (the cursor is then at the end of its range). */
  parse(): Expr | null {
    try {
      return this.parseXor();
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      while (!this.cursor.atEnd()) this.cursor.next();
      return null;
    }
  }

  /** Reports tokens left after a complete expression (not a macro: unexpanded, it may continue it). */
  expectEnd(what: string): void {
    const t = this.cursor.peek();
    if (t === undefined) return;
    if (t.kind === 'macro') this.ctx.macroTail(t.start);
    else this.ctx.sink.error(t, 'unexpected-token', `unexpected ${describe(t)} after the ${what} expression`);
    while (!this.cursor.atEnd()) this.cursor.next();
  }

  private fail(t: SplToken | undefined, message: string, code = 'eval-syntax'): never {
    // At the end of the expression, point at what came last (the operator missing its operand).
    const at = t ?? this.cursor.previous() ?? { start: this.cursor.endOffset, end: this.cursor.endOffset };
    this.ctx.sink.error(at, code, message);
    throw new ExpressionError(message);
  }

  private binary(op: BinaryOperator, left: Expr, right: Expr): Expr {
    return { kind: 'binary', op, left, right, span: this.ctx.span(left.span, right.span) };
  }

  /** Runs `parse` one level deeper, refusing absurd nesting before the stack does. */
  private nested(at: SplToken | undefined, parse: () => Expr): Expr {
    if (++this.depth > MAX_DEPTH) this.fail(at, `expression nested more than ${MAX_DEPTH} levels deep`, 'too-deep');
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parseXor(): Expr {
    return this.nested(this.cursor.peek(), () => this.parseXorLevel());
  }

  private parseXorLevel(): Expr {
    let left = this.parseOr();
    while (isKeyword(this.cursor.peek(), 'XOR')) {
      this.cursor.next();
      left = this.binary('XOR', left, this.parseOr());
    }
    return left;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (isKeyword(this.cursor.peek(), 'OR')) {
      this.cursor.next();
      left = this.binary('OR', left, this.parseAnd());
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (isKeyword(this.cursor.peek(), 'AND')) {
      this.cursor.next();
      left = this.binary('AND', left, this.parseNot());
    }
    return left;
  }

  private parseNot(): Expr {
    const t = this.cursor.peek();
    if (isKeyword(t, 'NOT')) {
      this.cursor.next();
      const operand = this.nested(t, () => this.parseNot());
      return { kind: 'unary', op: 'NOT', operand, span: this.ctx.span(t!, operand.span) };
    }
    return this.parseEquality();
  }

  private parseEquality(): Expr {
    let left = this.parseRelational();
    for (;;) {
      const t = this.cursor.peek();
      if (t?.kind === 'operator' && EQUALITY.has(t.text)) {
        this.cursor.next();
        left = this.binary(EQUALITY.get(t.text)!, left, this.parseRelational());
      } else if (isKeyword(t, 'LIKE')) {
        this.cursor.next();
        left = this.binary('LIKE', left, this.parseRelational());
      } else if (isKeyword(t, 'IN') && this.cursor.peek(1)?.kind === 'lparen') {
        this.cursor.next();
        const open = this.cursor.next();
        const values = this.parseArguments(open, 'IN');
        left = { kind: 'in', operand: left, values, span: this.ctx.span(left.span, this.cursor.previous()!) };
      } else return left;
    }
  }

  private parseRelational(): Expr {
    let left = this.parseAdditive();
    for (let t = this.cursor.peek(); t?.kind === 'operator' && RELATIONAL.has(t.text); t = this.cursor.peek()) {
      this.cursor.next();
      left = this.binary(RELATIONAL.get(t.text)!, left, this.parseAdditive());
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (let t = this.cursor.peek(); t?.kind === 'operator' && ADDITIVE.has(t.text); t = this.cursor.peek()) {
      this.cursor.next();
      left = this.binary(ADDITIVE.get(t.text)!, left, this.parseMultiplicative());
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (let t = this.cursor.peek(); t?.kind === 'operator' && MULTIPLICATIVE.has(t.text); t = this.cursor.peek()) {
      this.cursor.next();
      left = this.binary(MULTIPLICATIVE.get(t.text)!, left, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): Expr {
    const t = this.cursor.peek();
    if (t?.kind === 'operator' && (t.text === '-' || t.text === '+')) {
      this.cursor.next();
      const operand = this.nested(t, () => this.parseUnary());
      return { kind: 'unary', op: t.text, operand, span: this.ctx.span(t, operand.span) };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.cursor.peek();
    if (t === undefined) {
      const previous = this.cursor.previous();
      return this.fail(t, previous ? `expected an operand after ${describe(previous)}` : 'expected an operand');
    }
    switch (t.kind) {
      case 'number':
        this.cursor.next();
        return { kind: 'number', text: t.text, span: this.ctx.span(t, t) };
      case 'string':
        this.cursor.next();
        return { kind: 'string', value: t.value, span: this.ctx.span(t, t) };
      case 'quotedName':
        this.cursor.next();
        return this.fieldRef(t, true);
      case 'macro':
        this.cursor.next();
        return this.ctx.macro(t) satisfies MacroRef;
      case 'lparen': {
        this.cursor.next();
        const expr = this.parseXor();
        const close = this.cursor.peek();
        if (close?.kind !== 'rparen') this.fail(t, 'unclosed `(`: expected `)`', 'unclosed-paren');
        this.cursor.next();
        return { kind: 'group', expr, span: this.ctx.span(t, close) };
      }
      case 'word':
        return this.parseWord(t);
      case 'operator': {
        // `.5`: a number without its leading zero.
        const digits = this.cursor.peek(1);
        if (t.text === '.' && digits?.kind === 'number' && !digits.spaceBefore && /^\d+$/.test(digits.text)) {
          this.cursor.next();
          this.cursor.next();
          return { kind: 'number', text: `.${digits.text}`, span: this.ctx.span(t, digits) };
        }
        return this.fail(t, `expected an operand, found ${describe(t)}`);
      }
      case 'comma':
      case 'rparen':
      case 'lbracket':
      case 'rbracket':
      case 'pipe':
      case 'comment':
      case 'eof':
        return this.fail(t, `expected an operand, found ${describe(t)}`);
    }
  }

  private parseWord(t: SplToken): Expr {
    this.cursor.next();
    const open = this.cursor.peek();
    if (open?.kind === 'lparen') {
      this.cursor.next();
      const args = this.parseArguments(open, t.text);
      const call: Expr = { kind: 'call', name: t.text, args, span: this.ctx.span(t, this.cursor.previous()!) };
      this.checkCall(t, args.length);
      return call;
    }
    if (isKeyword(t, 'AND') || isKeyword(t, 'OR') || isKeyword(t, 'XOR') || isKeyword(t, 'LIKE')) {
      return this.fail(t, `expected an operand, found the operator ${t.text}`);
    }
    return this.fieldRef(t, false);
  }

  /** Comma-separated expressions up to the `)` matching `open` (already consumed). */
  private parseArguments(open: SplToken, owner: string): Expr[] {
    const args: Expr[] = [];
    if (this.cursor.peek()?.kind === 'rparen') {
      this.cursor.next();
      return args;
    }
    for (;;) {
      args.push(this.parseXor());
      const t = this.cursor.peek();
      if (t?.kind === 'comma') {
        this.cursor.next();
        continue;
      }
      if (t?.kind === 'rparen') {
        this.cursor.next();
        return args;
      }
      if (t === undefined) this.fail(open, `unclosed \`(\` of ${owner}(: expected \`)\``, 'unclosed-paren');
      this.fail(t, `expected \`,\` or \`)\` in ${owner}(…), found ${describe(t)}`);
    }
  }

  private checkCall(name: SplToken, argc: number): void {
    const arity = evalFunction(name.text);
    if (arity === undefined) {
      this.ctx.sink.error(name, 'unknown-eval-function', `unknown eval function \`${name.text}\``);
      return;
    }
    const problem = arityProblem(name.text, arity, argc);
    if (problem) this.ctx.sink.error(name, 'eval-arity', problem);
  }

  private fieldRef(t: SplToken, quoted: boolean): FieldRef {
    return { kind: 'field', name: t.value, quoted, span: this.ctx.span(t, t) };
  }
}

/** Parses one expression over expression-mode `tokens`, reporting leftovers. */
export function parseExpressionTokens(ctx: ParseContext, tokens: readonly SplToken[], endOffset: number, what: string): Expr | null {
  const cursor = new TokenCursor(tokens, 0, tokens.length, endOffset);
  if (cursor.atEnd()) {
    ctx.sink.error({ start: endOffset, end: endOffset }, 'missing-expression', `${what} needs an expression`);
    return null;
  }
  const parser = new ExpressionParser(ctx, cursor);
  const expr = parser.parse();
  if (expr !== null) parser.expectEnd(what);
  return expr;
}
