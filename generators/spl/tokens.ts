// The vocabulary of SPL text: token kinds, the token shape, and lexer errors.
// Kept apart from the lexer so the parser and AST can import the types alone.

/**
 * What a token is. Whitespace is not a token; comments are (the parser skips them).
 *
 * - `word`        a bare term, field name, command name, keyword (AND, OR, NOT, BY, AS, IN …
 *                 are words too: the parser decides). In `search` mode a word may contain
 *                 `* . - / : % $ @ { } \ ? + ~ ;` and any non-ASCII character, so
 *                 `status.errorCode`, `azure:aad:signin`, `10.0.0.0/8`, `-30d@d`, `*$`,
 *                 `target{}.type` are one word each. In `expression` mode a word is an
 *                 identifier: `+ - * / % .` are operators there, not word characters.
 * - `number`      digits with an optional fraction (`404`, `1.5`); `expression` mode also
 *                 takes an exponent (`1e3`). A number glued to letters (`5m`, `0x17`) is a word.
 * - `string`      a double-quoted string; `value` is the content, decoded per the mode.
 * - `quotedName`  a single-quoted field name as used in eval/where (`'status.errorCode'`).
 * - `macro`       `` `name` `` or `` `name(args)` ``; `value` is the text between the backticks.
 * - `comment`     ```` ```text``` ````; `value` is the text between the triple backticks.
 * - `operator`    `=`, `==`, `!=`, `<`, `<=`, `>`, `>=` in both modes; in `expression` mode
 *                 also `+ - * / % .` (`.` is concatenation there).
 * - `pipe`, `lparen`, `rparen`, `lbracket`, `rbracket`, `comma`: the single characters
 *   `| ( ) [ ] ,`.
 * - `eof`         always the last token; `start` = `end` = the length of the text lexed.
 */
export type SplTokenKind =
  | 'word'
  | 'number'
  | 'string'
  | 'quotedName'
  | 'macro'
  | 'comment'
  | 'operator'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'lbracket'
  | 'rbracket'
  | 'comma'
  | 'eof';

export const SPL_COMPARISON_OPERATORS = ['=', '==', '!=', '<', '<=', '>', '>='] as const;
export const SPL_ARITHMETIC_OPERATORS = ['+', '-', '*', '/', '%', '.'] as const;
export type SplOperator =
  | (typeof SPL_COMPARISON_OPERATORS)[number]
  | (typeof SPL_ARITHMETIC_OPERATORS)[number];

/**
 * How words and string escapes are read. Everything else (strings' extent, quoted names,
 * macros, comments, brackets, pipes, commas) is the same in both modes, so a parser can lex
 * a whole pipeline in `search` mode and re-lex the span of an eval/where expression in
 * `expression` mode: token boundaries agree except inside words.
 *
 * - `search`: the rules of the `search` command and of command arguments generally.
 * - `expression`: the rules of eval expressions (eval, where, fieldformat, `eval(...)` in stats).
 */
export type SplLexMode = 'search' | 'expression';

export interface SplToken {
  readonly kind: SplTokenKind;
  /** The exact source slice, quotes and backticks included. */
  readonly text: string;
  /**
   * Decoded: a string's or quoted name's unescaped content, a word with its backslash
   * escapes applied, a macro's or comment's inner text, an operator's or punctuation's text;
   * '' for `eof`.
   */
  readonly value: string;
  /** Offsets into the source, in UTF-16 code units; `end` is exclusive. */
  readonly start: number;
  readonly end: number;
  /** 1-based; columns count UTF-16 code units from the start of the line. */
  readonly line: number;
  readonly col: number;
  /**
   * Whitespace or a comment (which Splunk replaces with a space) comes right before this
   * token, or it starts the lexed text. Lets a parser tell `name."x"` from `name ."x"` and
   * `count(x)` from `count (x)`.
   */
  readonly spaceBefore: boolean;
}

export interface SplLexError {
  readonly message: string;
  /** Where the offending construct starts (for an unterminated string: its opening quote). */
  readonly start: number;
  readonly line: number;
  readonly col: number;
}

export interface SplLexResult {
  readonly tokens: SplToken[];
  readonly errors: SplLexError[];
}
