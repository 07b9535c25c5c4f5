// Reading a run of tokens: the cursor every grammar in the parser walks, plus the token
// clean-up the parser applies after lexing (comments set aside, foreach placeholders joined).
import type { SplSpan } from './ast.ts';
import type { LineMap } from './diagnostics.ts';
import type { SplToken } from './tokens.ts';

/** The placeholders `foreach` substitutes in its template: `<<FIELD>>`, `<<MATCHSEG1>>` … */
export const FOREACH_PLACEHOLDER = /<<(?:FIELD|MATCHSTR|MATCHSEG[123]|ITEM|ITER)>>/;
const PLACEHOLDER_NAME = /^(?:FIELD|MATCHSTR|MATCHSEG[123]|ITEM|ITER)$/;

/**
 * Joins `<<FIELD>>`-style placeholders, and the words glued to them (`avg_<<MATCHSTR>>`), into
 * one word token. The lexer reads `<<FIELD>>` as `< < FIELD > >` (`<<FIELD>>=` even ends in
 * `>=`); `<<` is not SPL anywhere else, so this is safe to do on any token list.
 */
export function joinPlaceholders(tokens: readonly SplToken[], source: string): SplToken[] {
  const out: SplToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const at = placeholderAt(tokens, i);
    if (at === null) {
      out.push(tokens[i]!);
      continue;
    }
    // Pull in a glued word before, and glued words/placeholders after.
    let start = tokens[i]!.start;
    const previous = out.at(-1);
    if (previous && isWordLike(previous) && previous.end === start) {
      out.pop();
      start = previous.start;
    }
    let end = at.end;
    let j = at.next;
    let trailingEquals: SplToken | null = at.trailingEquals;
    while (trailingEquals === null && j < tokens.length) {
      const t = tokens[j]!;
      if (t.start !== end) break;
      const more = placeholderAt(tokens, j);
      if (more) {
        end = more.end;
        j = more.next;
        trailingEquals = more.trailingEquals;
      } else if (isWordLike(t)) {
        end = t.end;
        j++;
      } else break;
    }
    const first = previous && previous.start === start ? previous : tokens[i]!;
    const text = source.slice(start, end);
    out.push({ ...first, kind: 'word', text, value: text, start, end });
    if (trailingEquals) out.push(trailingEquals);
    i = j - 1;
  }
  return out;
}

function isWordLike(t: SplToken): boolean {
  return t.kind === 'word' || t.kind === 'number';
}

/** `< < NAME > >` (glued) starting at `i`; a final `>=` leaves an `=` token behind. */
function placeholderAt(
  tokens: readonly SplToken[],
  i: number,
): { end: number; next: number; trailingEquals: SplToken | null } | null {
  const [a, b, name, c, d] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3], tokens[i + 4]];
  if (!a || !b || !name || !c || !d) return null;
  if (a.text !== '<' || b.text !== '<' || c.text !== '>' || (d.text !== '>' && d.text !== '>=')) return null;
  if (name.kind !== 'word' || !PLACEHOLDER_NAME.test(name.text)) return null;
  if (b.start !== a.end || name.start !== b.end || c.start !== name.end || d.start !== c.end) return null;
  if (d.text === '>') return { end: d.end, next: i + 5, trailingEquals: null };
  const equals: SplToken = { ...d, kind: 'operator', text: '=', value: '=', start: d.start + 1, col: d.col + 1, spaceBefore: false };
  return { end: d.start + 1, next: i + 5, trailingEquals: equals };
}

/**
 * A read position over `tokens[start, end)` (comments already removed). At the end, `peek()`
 * returns undefined and `endOffset` is where the range stops in the source (the next `|`, the
 * closing `]`, or the end of the text).
 */
export class TokenCursor {
  private i: number;

  constructor(
    readonly tokens: readonly SplToken[],
    start: number,
    readonly end: number,
    readonly endOffset: number,
  ) {
    this.i = start;
  }

  get index(): number {
    return this.i;
  }

  seek(index: number): void {
    this.i = Math.min(index, this.end);
  }

  atEnd(): boolean {
    return this.i >= this.end;
  }

  peek(ahead = 0): SplToken | undefined {
    const j = this.i + ahead;
    return j < this.end ? this.tokens[j] : undefined;
  }

  next(): SplToken {
    const t = this.tokens[this.i];
    if (this.i >= this.end || t === undefined) throw new Error('TokenCursor.next() past the end of its range');
    this.i++;
    return t;
  }

  /** The token just consumed. */
  previous(): SplToken | undefined {
    return this.i > 0 ? this.tokens[this.i - 1] : undefined;
  }

  /** Where the next token starts, or the end of the range. */
  offset(): number {
    return this.peek()?.start ?? this.endOffset;
  }

  /** Consumes the next token if it is the word `keyword` (case-insensitive). */
  acceptKeyword(keyword: string): SplToken | undefined {
    const t = this.peek();
    if (t && isKeyword(t, keyword)) return this.next();
    return undefined;
  }

  acceptKind(kind: SplToken['kind']): SplToken | undefined {
    const t = this.peek();
    return t?.kind === kind ? this.next() : undefined;
  }

  /** The next token is a word followed by `=` (an option `name=value`). */
  atOption(): boolean {
    const t = this.peek();
    const eq = this.peek(1);
    return t?.kind === 'word' && eq?.kind === 'operator' && eq.text === '=';
  }
}

export const isKeyword = (t: SplToken | undefined, keyword: string): boolean =>
  t !== undefined && t.kind === 'word' && t.text.toLowerCase() === keyword.toLowerCase();

export const isOperator = (t: SplToken | undefined, op?: string): boolean =>
  t !== undefined && t.kind === 'operator' && (op === undefined || t.text === op);

/** Spans from the start of `first` to the end of `last`. */
export function spanBetween(lines: LineMap, first: { start: number }, last: { end: number }): SplSpan {
  return lines.span(first.start, Math.max(first.start, last.end));
}
