// Eval expressions (eval, where, `eval(…)` in stats, head, mvfilter …) → closures, compiled
// once per search. Semantics from the Search Reference:
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where
// - Comparisons are case-sensitive. Two numbers (or numeric text, as field values are) compare
//   as numbers; otherwise as text, lexicographically.
// - `+` adds two numbers or concatenates two strings; `.` concatenates (numbers as text);
//   `- * / %` need numbers. Division by zero gives null.
// - A missing field is null; operators and functions given null give null; Boolean operators
//   follow three-valued logic (false AND null is false, true OR null is true); `where` keeps a
//   result only when its expression is true.
// - A multivalue field compared with `=`, `==`, `<` … matches when any value does.
import type { BinaryExpr, CallExpr, Expr, SplSpan } from '../ast.ts';
import { runErrorAt, unsupportedAt, type CompileContext } from './context.ts';
import { EVAL_FUNCTIONS } from './eval-functions.ts';
import { compareText, isMulti, numberOf, textOf, type ReadRow, type Scalar, type Value } from './values.ts';

export type Evaluator = (row: ReadRow) => Value;

export interface ExpressionCompiler {
  readonly ctx: CompileContext;
  compile(expr: Expr): Evaluator;
}

export function compileExpression(expr: Expr, ctx: CompileContext): Evaluator {
  const compiler: ExpressionCompiler = { ctx, compile: (e) => compileNode(e, compiler) };
  return compiler.compile(expr);
}

/** A condition for where/head: true keeps; a value that is not a Boolean is an error, as Splunk type-checks it. */
export function compileCondition(expr: Expr, ctx: CompileContext, what: string): (row: ReadRow) => boolean {
  const evaluate = compileExpression(expr, ctx);
  return (row) => {
    const v = evaluate(row);
    if (v === true) return true;
    if (v === false || v === null) return false;
    throw runErrorAt(ctx, `${what} needs a Boolean expression, this one gives ${JSON.stringify(v)}`, expr.span);
  };
}

function compileNode(expr: Expr, c: ExpressionCompiler): Evaluator {
  switch (expr.kind) {
    case 'field': {
      const name = expr.name;
      return (row) => row.get(name) ?? null;
    }
    case 'string': {
      const v = expr.value;
      return () => v;
    }
    case 'number': {
      const v = Number(expr.text);
      return () => v;
    }
    case 'group':
      return c.compile(expr.expr);
    case 'macro':
      throw runErrorAt(c.ctx, `macro \`${expr.name}\` is not defined`, expr.span);
    case 'unary':
      return compileUnary(expr.op, c.compile(expr.operand), expr.span, c);
    case 'binary':
      return compileBinary(expr, c);
    case 'in': {
      const operand = c.compile(expr.operand);
      const values = expr.values.map((v) => c.compile(v));
      return (row) => inList(operand(row), values.map((v) => v(row)));
    }
    case 'call':
      return compileCall(expr, c);
  }
}

function compileCall(call: CallExpr, c: ExpressionCompiler): Evaluator {
  const impl = EVAL_FUNCTIONS.get(call.name.toLowerCase());
  if (!impl) throw unsupportedAt(c.ctx, `eval function ${call.name}()`, call.span);
  return impl(call, c);
}

function compileUnary(op: 'NOT' | '-' | '+', operand: Evaluator, span: SplSpan, c: ExpressionCompiler): Evaluator {
  if (op === 'NOT') {
    return (row) => {
      const v = operand(row);
      if (v === null) return null;
      if (typeof v !== 'boolean') throw runErrorAt(c.ctx, 'NOT needs a Boolean operand', span);
      return !v;
    };
  }
  return (row) => {
    const v = scalar(operand(row), `unary ${op}`, span, c);
    if (v === null) return null;
    const n = numberOf(v);
    if (n === undefined) return null;
    return op === '-' ? -n : n;
  };
}

/** A value that must be single: null stays null, a multivalue is out of scope for `what`. */
export function scalar(v: Value, what: string, span: SplSpan, c: { ctx: CompileContext }): Scalar | boolean | null {
  if (isMulti(v)) throw unsupportedAt(c.ctx, `${what} of a multivalue field`, span);
  return v;
}

function compileBinary(expr: BinaryExpr, c: ExpressionCompiler): Evaluator {
  const left = c.compile(expr.left);
  const right = c.compile(expr.right);
  const span = expr.span;
  const bool = (v: Value, side: string): boolean | null => {
    if (v === null) return null;
    if (typeof v !== 'boolean') throw runErrorAt(c.ctx, `${expr.op} needs Boolean operands (its ${side} is not)`, span);
    return v;
  };
  switch (expr.op) {
    case 'AND':
      return (row) => {
        const a = bool(left(row), 'left');
        if (a === false) return false;
        const b = bool(right(row), 'right');
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    case 'OR':
      return (row) => {
        const a = bool(left(row), 'left');
        if (a === true) return true;
        const b = bool(right(row), 'right');
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    case 'XOR':
      return (row) => {
        const a = bool(left(row), 'left');
        const b = bool(right(row), 'right');
        return a === null || b === null ? null : a !== b;
      };
    case '=':
    case '==':
      return (row) => anyPair(left(row), right(row), equalValues);
    case '!=':
      return (row) => {
        const a = left(row);
        const b = right(row);
        if (isMulti(a) || isMulti(b)) throw unsupportedAt(c.ctx, '!= with a multivalue field', span);
        if (a === null || b === null) return null;
        return !equalValues(a, b);
      };
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const test = { '<': (n: number) => n < 0, '<=': (n: number) => n <= 0, '>': (n: number) => n > 0, '>=': (n: number) => n >= 0 }[expr.op];
      return (row) =>
        anyPair(left(row), right(row), (a, b) => {
          const order = orderValues(a, b);
          if (order === undefined) throw runErrorAt(c.ctx, `${expr.op} cannot compare Boolean values`, span);
          return test(order);
        });
    }
    case 'LIKE':
      return (row) => {
        const a = scalar(left(row), 'LIKE', span, c);
        const b = scalar(right(row), 'LIKE', span, c);
        if (a === null || b === null) return null;
        return likeRegex(textOf(b)).test(textOf(a));
      };
    case '.':
      return (row) => {
        const a = scalar(left(row), 'the . operator', span, c);
        const b = scalar(right(row), 'the . operator', span, c);
        if (a === null || b === null) return null;
        if (typeof a === 'boolean' || typeof b === 'boolean') throw runErrorAt(c.ctx, 'the . operator cannot concatenate a Boolean', span);
        return textOf(a) + textOf(b);
      };
    case '+':
      return (row) => {
        const a = scalar(left(row), 'the + operator', span, c);
        const b = scalar(right(row), 'the + operator', span, c);
        if (a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean') return null;
        const x = numberOf(a);
        const y = numberOf(b);
        if (x !== undefined && y !== undefined) return x + y;
        if (typeof a === 'string' && typeof b === 'string') return a + b;
        return null;
      };
    case '-':
    case '*':
    case '/':
    case '%': {
      const op = expr.op;
      return (row) => {
        const a = scalar(left(row), `the ${op} operator`, span, c);
        const b = scalar(right(row), `the ${op} operator`, span, c);
        if (a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean') return null;
        const x = numberOf(a);
        const y = numberOf(b);
        if (x === undefined || y === undefined) return null;
        switch (op) {
          case '-': return x - y;
          case '*': return x * y;
          case '/': return y === 0 ? null : x / y;
          case '%': return y === 0 ? null : x % y;
        }
      };
    }
  }
}

/** `test` over every pair of values (a multivalue side matches when any value does); null when a side is null. */
function anyPair(a: Value, b: Value, test: (x: Scalar | boolean, y: Scalar | boolean) => boolean): boolean | null {
  if (a === null || b === null) return null;
  const xs = isMulti(a) ? a : [a];
  const ys = isMulti(b) ? b : [b];
  for (const x of xs) for (const y of ys) if (test(x, y)) return true;
  return false;
}

export function equalValues(a: Scalar | boolean, b: Scalar | boolean): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  if (a === b) return true;
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x === y;
  return textOf(a) === textOf(b);
}

/** Numbers numerically, otherwise text lexicographically; undefined for Booleans. */
export function orderValues(a: Scalar | boolean, b: Scalar | boolean): number | undefined {
  if (typeof a === 'boolean' || typeof b === 'boolean') return undefined;
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  return compareText(textOf(a), textOf(b));
}

/** `x IN (…)` / in(x, …): exact, case-sensitive equality with any listed value. */
export function inList(v: Value, list: readonly Value[]): boolean | null {
  if (v === null) return null;
  const xs = isMulti(v) ? v : [v];
  for (const item of list) {
    if (item === null) continue;
    const ys = isMulti(item) ? item : [item];
    for (const x of xs) for (const y of ys) if (equalValues(x, y)) return true;
  }
  return false;
}

const likeCache = new Map<string, RegExp>();

/** SQL LIKE: `%` any run, `_` one character, everything else literal; case-sensitive. */
export function likeRegex(pattern: string): RegExp {
  let re = likeCache.get(pattern);
  if (!re) {
    let source = '^';
    for (const ch of pattern) source += ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[\\^$.|?*+()[\]{}/]/g, '\\$&');
    re = new RegExp(`${source}$`, 'u');
    if (likeCache.size > 1000) likeCache.clear();
    likeCache.set(pattern, re);
  }
  return re;
}
