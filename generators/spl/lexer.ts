// SPL text → tokens with positions. The first stage of our own SPL parser.
//
// SPL has no context-free token grammar: `a-b` is one term to `search` and a subtraction to
// `eval`. So the lexer has two modes that differ only in how words are cut (see SplLexMode):
// a parser lexes the pipeline in `search` mode and re-lexes the span of an eval/where
// expression in `expression` mode with the same source and `start`/`end`, so positions stay
// those of the whole text. Strings, quoted names, macros, comments and punctuation are read
// the same way in both modes.
//
// Splunk rules this file relies on (the tests cite the documentation for each):
// - A double-quoted string ends at the first unescaped `"`; `\"`, `\\` and `\|` are escapes in
//   the search language; other backslash sequences are passed on unaltered. `*` stays a
//   wildcard inside quotes: there is no escape for it, so the lexer does not invent one.
// - Eval string literals also turn `\t` into a tab.
// - Single quotes delimit field names in eval/where expressions.
// - A macro is text between single backticks; backticks inside a quoted string are not a
//   macro (Splunk does not expand macros inside quoted values).
// - A comment runs from ``` to the next ```; Splunk replaces it with a space.
//
// Errors (unterminated string, quoted name, macro or comment; a macro with no name) are
// collected with the position where the construct starts, and lexing carries on.
import type {
  SplLexError,
  SplLexMode,
  SplLexResult,
  SplToken,
  SplTokenKind,
} from './tokens.ts';

export type { SplLexError, SplLexMode, SplLexResult, SplToken, SplTokenKind } from './tokens.ts';

export interface SplLexOptions {
  /** Default `search`. */
  readonly mode?: SplLexMode;
  /** Lex only `source[start, end)`; positions stay offsets, lines and columns of `source`. */
  readonly start?: number;
  readonly end?: number;
}

const COMMENT_FENCE = '```';

const PUNCTUATION: Readonly<Record<string, SplTokenKind>> = {
  '|': 'pipe',
  '(': 'lparen',
  ')': 'rparen',
  '[': 'lbracket',
  ']': 'rbracket',
  ',': 'comma',
};

/** Characters that end a word in either mode (besides whitespace and `!=`). */
const WORD_DELIMITERS = new Set(['|', '(', ')', '[', ']', ',', '"', "'", '`', '=', '<', '>']);
/** Characters that are operators, not word characters, in `expression` mode. */
const EXPRESSION_OPERATOR_CHARS = new Set(['+', '-', '*', '/', '%', '.']);

const SEARCH_NUMBER = /^\d+(?:\.\d+)?$/;
const EXPRESSION_NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

const isWhitespace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || /\s/u.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Decodes the body of a double-quoted string (without its quotes), or a bare word, the way
 * Splunk does in `mode`. Unknown backslash sequences stay as they are (a regex's `\d` reaches
 * the regex engine intact).
 */
export function decodeSplString(body: string, mode: SplLexMode): string {
  return decodeBackslashes(body, mode === 'search' ? SEARCH_ESCAPES : EXPRESSION_ESCAPES);
}

/** Decodes the body of a single-quoted field name: `\'` and `\\`. */
export function decodeQuotedName(body: string): string {
  return decodeBackslashes(body, QUOTED_NAME_ESCAPES);
}

const SEARCH_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['|', '|'],
]);
const EXPRESSION_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['t', '\t'],
]);
const QUOTED_NAME_ESCAPES: ReadonlyMap<string, string> = new Map([
  ["'", "'"],
  ['\\', '\\'],
]);

function decodeBackslashes(body: string, escapes: ReadonlyMap<string, string>): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    const next = body[i + 1];
    if (c === '\\' && next !== undefined) {
      const decoded = escapes.get(next);
      out += decoded ?? c + next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

export function lexSpl(source: string, options: SplLexOptions = {}): SplLexResult {
  return new SplLexer(source, options).run();
}

class SplLexer {
  private readonly mode: SplLexMode;
  private readonly limit: number;
  private readonly lineStarts: number[];
  private readonly tokens: SplToken[] = [];
  private readonly errors: SplLexError[] = [];
  private pos: number;
  private spaceBefore = true;

  constructor(
    private readonly source: string,
    options: SplLexOptions,
  ) {
    this.mode = options.mode ?? 'search';
    this.pos = Math.max(0, options.start ?? 0);
    this.limit = Math.min(source.length, options.end ?? source.length);
    this.lineStarts = lineStartsOf(source);
  }

  run(): SplLexResult {
    while (this.pos < this.limit) {
      const c = this.source[this.pos]!;
      if (isWhitespace(c)) {
        this.pos++;
        this.spaceBefore = true;
      } else if (this.source.startsWith(COMMENT_FENCE, this.pos)) {
        this.lexComment();
      } else if (c === '`') {
        this.lexMacro();
      } else if (c === '"') {
        this.lexQuoted('"', 'string');
      } else if (c === "'") {
        this.lexQuoted("'", 'quotedName');
      } else if (PUNCTUATION[c] !== undefined) {
        this.emit(PUNCTUATION[c], this.pos, this.pos + 1, c);
      } else if (!this.lexOperator(c)) {
        this.lexWordOrNumber();
      }
    }
    this.emit('eof', this.limit, this.limit, '');
    return { tokens: this.tokens, errors: this.errors };
  }

  private lexComment(): void {
    const start = this.pos;
    const close = this.indexOf(COMMENT_FENCE, start + COMMENT_FENCE.length);
    if (close < 0) {
      this.error(start, `unterminated comment: no closing ${COMMENT_FENCE}`);
      this.emit('comment', start, this.limit, this.source.slice(start + COMMENT_FENCE.length, this.limit));
    } else {
      this.emit('comment', start, close + COMMENT_FENCE.length, this.source.slice(start + COMMENT_FENCE.length, close));
    }
    // Splunk replaces a comment with a space.
    this.spaceBefore = true;
  }

  private lexMacro(): void {
    const start = this.pos;
    const close = this.indexOf('`', start + 1);
    if (close < 0) {
      const end = this.endOfLine(start);
      this.error(start, 'unterminated macro: no closing backtick');
      this.emit('macro', start, end, this.source.slice(start + 1, end));
      return;
    }
    const body = this.source.slice(start + 1, close);
    if (body.trim() === '') this.error(start, 'macro has no name');
    this.emit('macro', start, close + 1, body);
  }

  /** A double-quoted string or a single-quoted field name; a backslash escapes the next character. */
  private lexQuoted(quote: '"' | "'", kind: 'string' | 'quotedName'): void {
    const start = this.pos;
    let i = start + 1;
    while (i < this.limit && this.source[i] !== quote) i += this.source[i] === '\\' ? 2 : 1;
    const decode = (body: string): string =>
      kind === 'string' ? decodeSplString(body, this.mode) : decodeQuotedName(body);
    if (i >= this.limit) {
      // Close it at the end of its first line so the rest of the text still lexes.
      const end = this.endOfLine(start);
      const what = kind === 'string' ? 'string' : 'field name';
      this.error(start, `unterminated ${what}: no closing ${quote}`);
      this.emit(kind, start, end, decode(this.source.slice(start + 1, end)));
      return;
    }
    this.emit(kind, start, i + 1, decode(this.source.slice(start + 1, i)));
  }

  /** Emits an operator starting at the current position, if there is one. */
  private lexOperator(c: string): boolean {
    const two = this.pos + 1 < this.limit ? this.source.slice(this.pos, this.pos + 2) : c;
    if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      this.emit('operator', this.pos, this.pos + 2, two);
      return true;
    }
    if (c === '=' || c === '<' || c === '>') {
      this.emit('operator', this.pos, this.pos + 1, c);
      return true;
    }
    if (this.mode === 'expression' && EXPRESSION_OPERATOR_CHARS.has(c)) {
      this.emit('operator', this.pos, this.pos + 1, c);
      return true;
    }
    return false;
  }

  private lexWordOrNumber(): void {
    const start = this.pos;
    if (this.mode === 'expression' && isDigit(this.source[start])) {
      EXPRESSION_NUMBER.lastIndex = start;
      const match = EXPRESSION_NUMBER.exec(this.source);
      const end = Math.min(this.limit, start + match![0].length);
      if (end >= this.limit || !this.isWordChar(end)) {
        this.emit('number', start, end, this.source.slice(start, end));
        return;
      }
      // A number glued to letters (`5minutes`, `0x17`) is a word.
    }
    let i = start;
    while (i < this.limit && this.isWordChar(i)) {
      // A backslash keeps the next character in the word: `\|` and `\"` do not split it.
      i += this.source[i] === '\\' && i + 1 < this.limit && !isWhitespace(this.source[i + 1]!) ? 2 : 1;
    }
    if (i === start) i++; // unreachable by construction; guarantees progress
    const text = this.source.slice(start, i);
    const kind = this.mode === 'search' && SEARCH_NUMBER.test(text) ? 'number' : 'word';
    this.emit(kind, start, i, kind === 'word' ? decodeSplString(text, 'search') : text);
  }

  private isWordChar(i: number): boolean {
    const c = this.source[i]!;
    if (isWhitespace(c) || WORD_DELIMITERS.has(c)) return false;
    if (c === '!' && this.source[i + 1] === '=' && i + 1 < this.limit) return false;
    if (this.mode === 'expression' && EXPRESSION_OPERATOR_CHARS.has(c)) return false;
    return true;
  }

  private indexOf(needle: string, from: number): number {
    const found = this.source.indexOf(needle, from);
    return found < 0 || found + needle.length > this.limit ? -1 : found;
  }

  private endOfLine(from: number): number {
    for (let i = from; i < this.limit; i++) {
      const c = this.source[i];
      if (c === '\n' || c === '\r') return i;
    }
    return this.limit;
  }

  private emit(kind: SplTokenKind, start: number, end: number, value: string): void {
    const { line, col } = this.position(start);
    this.tokens.push({
      kind,
      text: this.source.slice(start, end),
      value,
      start,
      end,
      line,
      col,
      spaceBefore: this.spaceBefore,
    });
    this.pos = end;
    this.spaceBefore = false;
  }

  private error(start: number, message: string): void {
    const { line, col } = this.position(start);
    this.errors.push({ message, start, line, col });
  }

  private position(offset: number): { line: number; col: number } {
    // Binary search for the last line that starts at or before `offset`.
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.lineStarts[lo]! + 1 };
  }
}

/** Offsets where each line starts; `\n`, `\r\n` and a lone `\r` end a line. */
function lineStartsOf(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\r' && source[i + 1] === '\n') continue;
    if (c === '\n' || c === '\r') starts.push(i + 1);
  }
  return starts;
}
