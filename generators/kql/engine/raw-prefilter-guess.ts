// The raw pre-filter (raw-prefilter.ts) guessed from a query's text, before Kusto has analysed
// it: so that `detc run` can start reading a large export on its worker threads while Kusto
// loads (≈0.8 s). A guess is never trusted: a scan started on it is used only when the needs of
// the analysed query imply it (guessImplied), i.e. when every line the real pre-filter keeps,
// the guessed one keeps too — the engine then sees a superset of the lines it needs, and still
// evaluates the whole query on each. Read here: `<table> | where c1 and c2 …` whose conjuncts
// are `col in~ (…)`, `col in (…)`, `col == "…"`, `col =~ "…"` on a string column, with the
// same conditions on values as raw-prefilter.ts; any other conjunct is left out (a weaker guess).
import { isPrefilterValue } from './raw-prefilter.ts';

type Token = { readonly kind: 'word' | 'string' | 'symbol'; readonly text: string };

const SYMBOLS = ['==', '=~', '!=', '!~', '<=', '>=', '=>', '..'];

/** Words, quoted strings (their text between the quotes) and symbols; undefined for text this reader does not know. */
function tokens(text: string): Token[] | undefined {
  const out: Token[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (text.startsWith('//', i)) i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (/[A-Za-z_]/.test(c)) {
      const word = /[A-Za-z_][A-Za-z0-9_]*/y;
      word.lastIndex = i;
      const w = word.exec(text)![0];
      // `in~`, `has~` …: the tilde belongs to the operator.
      const tilde = text[i + w.length] === '~';
      out.push({ kind: 'word', text: tilde ? `${w}~` : w });
      i += w.length + (tilde ? 1 : 0);
    } else if (/[0-9]/.test(c)) {
      const number = /[0-9][A-Za-z0-9_.]*/y;
      number.lastIndex = i;
      const n = number.exec(text)![0];
      out.push({ kind: 'word', text: n });
      i += n.length;
    } else if (c === '"' || c === "'") {
      const literal = c === '"' ? /"((?:[^"\\\n]|\\.)*)"/y : /'((?:[^'\\\n]|\\.)*)'/y;
      literal.lastIndex = i;
      const m = literal.exec(text);
      if (!m) return undefined;
      out.push({ kind: 'string', text: m[1]! });
      i += m[0].length;
    } else if (/[|(),;=<>!~+\-*/%.[\]{}:?]/.test(c)) {
      const two = SYMBOLS.find((s) => text.startsWith(s, i));
      out.push({ kind: 'symbol', text: two ?? c });
      i += two?.length ?? 1;
    } else return undefined; // @"…", ```…```, non-ASCII names …: not guessed
  }
  return out;
}

/** Splits `list` at each of its top-level (outside parentheses and brackets) tokens that `at` accepts. */
function splitTopLevel(list: readonly Token[], at: (t: Token) => boolean): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of list) {
    if (t.kind === 'symbol' && '([{'.includes(t.text)) depth++;
    if (t.kind === 'symbol' && ')]}'.includes(t.text)) depth--;
    if (depth === 0 && at(t)) parts.push([]);
    else parts.at(-1)!.push(t);
  }
  return parts;
}

const isWord = (t: Token | undefined, ...words: string[]): boolean => t?.kind === 'word' && words.includes(t.text);
const isSymbol = (t: Token | undefined, symbol: string): boolean => t?.kind === 'symbol' && t.text === symbol;

/** The values one of which a line must hold for a conjunct, or null when it is not one this reader knows. */
function valuesOf(conjunct: readonly Token[], stringColumns: ReadonlySet<string>): string[] | null {
  const [column, operator, ...rest] = conjunct;
  if (column?.kind !== 'word' || !stringColumns.has(column.text)) return null;
  let literals: readonly Token[];
  if (isWord(operator, 'in', 'in~') && isSymbol(rest[0], '(') && isSymbol(rest.at(-1), ')')) {
    literals = rest.slice(1, -1).filter((_, i) => i % 2 === 0);
    if (!rest.slice(1, -1).every((t, i) => (i % 2 === 0 ? t.kind === 'string' : isSymbol(t, ',')))) return null;
  } else if ((isSymbol(operator, '==') || isSymbol(operator, '=~')) && rest.length === 1) literals = rest;
  else return null;
  if (literals.length === 0 || !literals.every((l) => l.kind === 'string' && isPrefilterValue(l.text))) return null;
  return literals.map((l) => l.text);
}

/**
 * The groups of values raw-prefilter.ts would likely find in `text`'s first `where` on `table`
 * (a line must hold one value of every group), or undefined when the text gives none.
 */
export function guessRawPrefilterNeeds(text: string, table: string, stringColumns: ReadonlySet<string>): string[][] | undefined {
  const list = tokens(text);
  if (!list || !isWord(list[0], table) || !isSymbol(list[1], '|') || !isWord(list[2], 'where', 'filter')) return undefined;
  const condition = splitTopLevel(list.slice(3), (t) => isSymbol(t, '|') || isSymbol(t, ';'))[0]!;
  // `a and b or c` is `(a and b) or c`: no conjunct of it is needed.
  if (splitTopLevel(condition, (t) => isWord(t, 'or')).length > 1) return undefined;
  const needs = splitTopLevel(condition, (t) => isWord(t, 'and')).map((c) => valuesOf(c, stringColumns)).filter((v) => v !== null);
  return needs.length > 0 ? needs : undefined;
}

/**
 * Whether every line that `real` keeps, `guess` keeps too (both as LineFilter.needs: a line is
 * kept when it holds, case-insensitively, one value of every group): each guessed group has a
 * real group each of whose values contains one of the guessed group's values.
 */
export function guessImplied(guess: readonly (readonly string[])[], real: readonly (readonly string[])[] | undefined): boolean {
  if (!real) return false;
  const lower = (group: readonly string[]) => group.map((v) => v.toLowerCase());
  return guess.every((g) => real.some((r) => lower(r).every((value) => lower(g).some((part) => value.includes(part)))));
}
