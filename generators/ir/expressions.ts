// The small expression languages inside a rule: `condition` (and countif/dcountif
// conditions) over selection names, and `having` over output columns.
// Parse errors carry the offset inside the expression so the loader can point at it.

export class ExpressionError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

interface Token { kind: 'word' | 'number' | 'string' | 'op' | '(' | ')' | 'end'; text: string; offset: number }

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_*]*|\*)|(-?\d+(?:\.\d+)?)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(==|!=|<=|>=|<|>|=)|([()]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) {
      const offset = at + (text.slice(at).length - text.slice(at).trimStart().length);
      throw new ExpressionError(`unexpected '${text[offset]}'`, offset);
    }
    const offset = m.index + m[0].length - m[0].trimStart().length;
    if (m[1] !== undefined) tokens.push({ kind: 'word', text: m[1], offset });
    else if (m[2] !== undefined) tokens.push({ kind: 'number', text: m[2], offset });
    else if (m[3] !== undefined || m[4] !== undefined) tokens.push({ kind: 'string', text: (m[3] ?? m[4]!).replace(/\\(.)/g, '$1'), offset });
    else if (m[5] !== undefined) tokens.push({ kind: 'op', text: m[5] === '=' ? '==' : m[5], offset });
    else tokens.push({ kind: m[6] as '(' | ')', text: m[6]!, offset });
    at = re.lastIndex;
  }
  tokens.push({ kind: 'end', text: '', offset: text.length });
  return tokens;
}

/** A boolean expression over names; `kind: 'name'` leaves are selection or column tests. */
export type BoolExpr<Leaf> =
  | { kind: 'leaf'; leaf: Leaf; offset: number }
  | { kind: 'and'; items: BoolExpr<Leaf>[] }
  | { kind: 'or'; items: BoolExpr<Leaf>[] }
  | { kind: 'not'; item: BoolExpr<Leaf> };

/** Recursive descent with the usual precedence: not > and > or. */
function parseBool<Leaf>(text: string, parseLeaf: (tokens: Token[], at: { i: number }) => BoolExpr<Leaf>): BoolExpr<Leaf> {
  const tokens = tokenize(text);
  const at = { i: 0 };
  const peek = () => tokens[at.i]!;
  const isWord = (w: string) => peek().kind === 'word' && peek().text.toLowerCase() === w;
  const parseOr = (): BoolExpr<Leaf> => {
    const items = [parseAnd()];
    while (isWord('or')) (at.i++, items.push(parseAnd()));
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (): BoolExpr<Leaf> => {
    const items = [parseNot()];
    while (isWord('and')) (at.i++, items.push(parseNot()));
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseNot = (): BoolExpr<Leaf> => {
    if (isWord('not')) return (at.i++, { kind: 'not', item: parseNot() });
    if (peek().kind === '(') {
      at.i++;
      const inner = parseOr();
      if (peek().kind !== ')') throw new ExpressionError(`expected ')'`, peek().offset);
      at.i++;
      return inner;
    }
    return parseLeaf(tokens, at);
  };
  const result = parseOr();
  if (peek().kind !== 'end') throw new ExpressionError(`unexpected '${peek().text}'`, peek().offset);
  return result;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them']);

/** A condition leaf: one selection, or `1 of pattern` / `all of pattern` (pattern may be `them`). */
export type ConditionLeaf =
  | { kind: 'selection'; name: string }
  | { kind: 'quantified'; quantifier: 'any' | 'all'; pattern: string };

export function parseCondition(text: string): BoolExpr<ConditionLeaf> {
  return parseBool<ConditionLeaf>(text, (tokens, at) => {
    const t = tokens[at.i]!;
    if ((t.kind === 'number' && t.text === '1') || (t.kind === 'word' && t.text.toLowerCase() === 'all')) {
      const of = tokens[at.i + 1];
      const target = tokens[at.i + 2];
      if (of?.kind === 'word' && of.text.toLowerCase() === 'of' && target?.kind === 'word') {
        at.i += 3;
        return { kind: 'leaf', offset: t.offset, leaf: { kind: 'quantified', quantifier: t.text === '1' ? 'any' : 'all', pattern: target.text } };
      }
      if (t.kind === 'number') throw new ExpressionError(`expected '1 of <selections>'`, t.offset);
    }
    if (t.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase()) || t.text.includes('*')) {
      throw new ExpressionError(t.kind === 'end' ? 'expression ends too early' : `expected a selection name, got '${t.text}'`, t.offset);
    }
    at.i++;
    return { kind: 'leaf', offset: t.offset, leaf: { kind: 'selection', name: t.text } };
  });
}

export interface HavingLeaf { column: string; op: '==' | '!=' | '<' | '<=' | '>' | '>='; value: number | string }

export function parseHaving(text: string): BoolExpr<HavingLeaf> {
  return parseBool<HavingLeaf>(text, (tokens, at) => {
    const [column, op, value] = [tokens[at.i]!, tokens[at.i + 1]!, tokens[at.i + 2]!];
    if (column.kind !== 'word' || KEYWORDS.has(column.text)) throw new ExpressionError(`expected a column name, got '${column.text}'`, column.offset);
    if (op.kind !== 'op') throw new ExpressionError(`expected a comparison (==, !=, <, <=, >, >=) after '${column.text}'`, op.offset);
    if (value.kind !== 'number' && value.kind !== 'string') throw new ExpressionError(`expected a number or a quoted string`, value.offset);
    at.i += 3;
    return {
      kind: 'leaf', offset: column.offset,
      leaf: { column: column.text, op: op.text as HavingLeaf['op'], value: value.kind === 'number' ? Number(value.text) : value.text },
    };
  });
}

/** `name(args)` of a summarize compute entry; arguments split at top-level commas. */
export function parseCall(text: string): { fn: string; args: { text: string; offset: number }[] } {
  const m = /^\s*([a-z_]+)\s*\(([\s\S]*)\)\s*$/.exec(text);
  if (!m) throw new ExpressionError('expected an aggregate call such as count() or dcount(user)', 0);
  const argsStart = text.indexOf('(') + 1;
  const args: { text: string; offset: number }[] = [];
  let depth = 0;
  let start = 0;
  const inner = m[2]!;
  for (let i = 0; i <= inner.length; i++) {
    const ch = inner[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if ((ch === ',' && depth === 0) || i === inner.length) {
      const raw = inner.slice(start, i);
      if (raw.trim() !== '') args.push({ text: raw.trim(), offset: argsStart + start + (raw.length - raw.trimStart().length) });
      start = i + 1;
    }
  }
  return { fn: m[1]!, args };
}
