import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeQuotedName, decodeSplString, lexSpl, type SplLexMode, type SplToken } from '../../generators/spl/lexer.ts';

// Each test that pins a Splunk behaviour cites the documentation page in a comment above it.
// A copy of ../shared/corpus (see test/corpus/README.md for sources and licenses): CI clones have only the repo.
const CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url));

/** [kind, text] of every token but eof, for compact expectations. */
const shape = (source: string, mode: SplLexMode = 'search'): [string, string][] =>
  lexSpl(source, { mode }).tokens.filter((t) => t.kind !== 'eof').map((t) => [t.kind, t.text]);

const only = (source: string, mode: SplLexMode = 'search'): SplToken => {
  const { tokens, errors } = lexSpl(source, { mode });
  expect(errors).toEqual([]);
  expect(tokens).toHaveLength(2);
  return tokens[0]!;
};

describe('positions', () => {
  it('gives 1-based line and column for tokens across lines', () => {
    const { tokens } = lexSpl('index=main\n  | stats count\n\n| where x>1');
    const at = (text: string) => tokens.filter((t) => t.text === text).map((t) => [t.line, t.col]);
    expect(at('index')).toEqual([[1, 1]]);
    expect(at('|')).toEqual([
      [2, 3],
      [4, 1],
    ]);
    expect(at('count')).toEqual([[2, 11]]);
    expect(at('>')).toEqual([[4, 10]]);
  });

  it('counts \\r\\n and a lone \\r as one line break', () => {
    const { tokens } = lexSpl('a\r\nb\rc');
    expect(tokens.slice(0, 3).map((t) => [t.text, t.line, t.col])).toEqual([
      ['a', 1, 1],
      ['b', 2, 1],
      ['c', 3, 1],
    ]);
  });

  it('gives start/end offsets that slice the source back to the token text', () => {
    const source = 'search "a b" `m(1)` ```c``` x!=1';
    for (const t of lexSpl(source).tokens) expect(source.slice(t.start, t.end)).toBe(t.text);
  });

  it('ends with an eof token at the end of the text', () => {
    const { tokens } = lexSpl('a\nbc');
    expect(tokens.at(-1)).toMatchObject({ kind: 'eof', start: 4, end: 4, line: 2, col: 3, text: '', value: '' });
    expect(lexSpl('').tokens).toEqual([
      { kind: 'eof', text: '', value: '', start: 0, end: 0, line: 1, col: 1, spaceBefore: true },
    ]);
  });

  it('re-lexes a span with absolute positions', () => {
    const source = 'index=x\n| eval y=a-b | table y';
    const start = source.indexOf('y=');
    const end = source.indexOf(' | table');
    const { tokens } = lexSpl(source, { mode: 'expression', start, end });
    expect(tokens.map((t) => [t.text, t.line, t.col])).toEqual([
      ['y', 2, 8],
      ['=', 2, 9],
      ['a', 2, 10],
      ['-', 2, 11],
      ['b', 2, 12],
      ['', 2, 13],
    ]);
  });

  it('marks tokens that follow whitespace or a comment', () => {
    const { tokens } = lexSpl('count(x) name."s" a ```c```b');
    expect(tokens.map((t) => [t.text, t.spaceBefore])).toEqual([
      ['count', true],
      ['(', false],
      ['x', false],
      [')', false],
      ['name.', true],
      ['"s"', false],
      ['a', true],
      ['```c```', true],
      ['b', true],
      ['', false],
    ]);
  });
});

describe('words, numbers and operators in search mode', () => {
  it('keeps field names with dots, colons, slashes, wildcards and time modifiers in one word', () => {
    expect(
      shape('sourcetype=azure:aad:signin status.errorCode!=0 TargetUserName=*$ earliest=-30d@d target{}.type=App'),
    ).toEqual([
      ['word', 'sourcetype'],
      ['operator', '='],
      ['word', 'azure:aad:signin'],
      ['word', 'status.errorCode'],
      ['operator', '!='],
      ['number', '0'],
      ['word', 'TargetUserName'],
      ['operator', '='],
      ['word', '*$'],
      ['word', 'earliest'],
      ['operator', '='],
      ['word', '-30d@d'],
      ['word', 'target{}.type'],
      ['operator', '='],
      ['word', 'App'],
    ]);
  });

  // The search command matches CIDR notation: `ip="10.10.10.0/24"`.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search (section "CIDR matching")
  it('reads a CIDR block as one word', () => {
    expect(shape('src=10.0.0.0/8')).toEqual([
      ['word', 'src'],
      ['operator', '='],
      ['word', '10.0.0.0/8'],
    ]);
  });

  it('reads comparison operators, and `!` alone as part of a word', () => {
    expect(shape('a=1 b==2 c!=3 d<4 e<=5 f>6 g>=7 !x')).toEqual([
      ['word', 'a'], ['operator', '='], ['number', '1'],
      ['word', 'b'], ['operator', '=='], ['number', '2'],
      ['word', 'c'], ['operator', '!='], ['number', '3'],
      ['word', 'd'], ['operator', '<'], ['number', '4'],
      ['word', 'e'], ['operator', '<='], ['number', '5'],
      ['word', 'f'], ['operator', '>'], ['number', '6'],
      ['word', 'g'], ['operator', '>='], ['number', '7'],
      ['word', '!x'],
    ]);
  });

  it('reads only plain decimals as numbers', () => {
    expect(shape('404 1.5 5m 0x17 1e3 10.0.0.1').map(([k]) => k)).toEqual([
      'number', 'number', 'word', 'word', 'word', 'word',
    ]);
  });

  it('leaves + - * / % . inside words, and alone as words, in search mode', () => {
    expect(shape('sort -_time | fields - percent | eval x = a . b')).toEqual([
      ['word', 'sort'], ['word', '-_time'], ['pipe', '|'],
      ['word', 'fields'], ['word', '-'], ['word', 'percent'], ['pipe', '|'],
      ['word', 'eval'], ['word', 'x'], ['operator', '='], ['word', 'a'], ['word', '.'], ['word', 'b'],
    ]);
  });

  // `field=CASE(value)` makes a field match case-sensitive (example `host=CASE(LOCALHOST)`).
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases
  it('reads CASE() and TERM() directives as a word and parentheses', () => {
    expect(shape('host=CASE(LOCALHOST) TERM(127.0.0.1)')).toEqual([
      ['word', 'host'], ['operator', '='], ['word', 'CASE'], ['lparen', '('], ['word', 'LOCALHOST'], ['rparen', ')'],
      ['word', 'TERM'], ['lparen', '('], ['word', '127.0.0.1'], ['rparen', ')'],
    ]);
  });

  it('reads punctuation: pipes, parentheses, brackets of a subsearch, commas', () => {
    expect(shape('a IN (1,2) | join x [search b]')).toEqual([
      ['word', 'a'], ['word', 'IN'], ['lparen', '('], ['number', '1'], ['comma', ','], ['number', '2'], ['rparen', ')'],
      ['pipe', '|'], ['word', 'join'], ['word', 'x'], ['lbracket', '['], ['word', 'search'], ['word', 'b'], ['rbracket', ']'],
    ]);
  });

  // "The sequence \| as part of a search sends a pipe character to the command, instead of using
  // the pipe as a split between commands."
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search (section "Quotes and escaping characters")
  it('does not split a word at an escaped pipe or quote, and decodes them', () => {
    const t = only('a\\|b\\"c');
    expect(t).toMatchObject({ kind: 'word', text: 'a\\|b\\"c', value: 'a|b"c' });
  });

  // "To search for a file path, such as D:\Digital\RTFM, you must escape the backslash
  // characters in the path, for example D:\\Digital\\RTFM."
  // https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/search-primer
  it('decodes \\\\ in a bare word to one backslash', () => {
    expect(only('D:\\\\Digital\\\\RTFM').value).toBe('D:\\Digital\\RTFM');
  });
});

describe('double-quoted strings', () => {
  // The backslash escapes quotes, pipes and itself; "Backslash escape sequences are expanded
  // inside quotation marks".
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search (section "Quotes and escaping characters")
  it('decodes the tricky text "a \\"quoted\\" \\\\ value"', () => {
    const t = only('"a \\"quoted\\" \\\\ value"');
    expect(t.kind).toBe('string');
    expect(t.text).toBe('"a \\"quoted\\" \\\\ value"');
    expect(t.value).toBe('a "quoted" \\ value');
  });

  // \| sends a pipe; "Unrecognized backslash sequences are not altered: \s in a search string
  // is available as \s to the command"; "the search string \\s is available as \s".
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search (section "Quotes and escaping characters")
  it('decodes \\| and leaves unknown sequences such as \\s, \\d, \\t unaltered in search mode', () => {
    expect(only('"a\\|b"').value).toBe('a|b');
    expect(only('"\\s+\\d{3}\\t"').value).toBe('\\s+\\d{3}\\t');
    expect(only('"\\\\s"').value).toBe('\\s');
  });

  // "The backslash symbol can't be used to escape the asterisk in search strings."
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/search-primer/backslashes
  // and `"my*"` matches myhost1: the asterisk stays a wildcard inside quotes.
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.1/search-primer/wildcards
  it('has no escape for the asterisk: \\* stays a backslash and a star', () => {
    expect(only('"my*"').value).toBe('my*');
    expect(only('"a\\*b"').value).toBe('a\\*b');
  });

  // "A search such as ... | search "error | stats count" would return the raw events containing
  // error, a pipe, stats, and count"; quotes are needed around values with brackets.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
  it('keeps pipes, brackets, parentheses, equals and single quotes inside the string', () => {
    const t = only('"error | stats count [x] (y) a=b it\'s"');
    expect(t.value).toBe("error | stats count [x] (y) a=b it's");
  });

  // "Macros inside of quoted values are not expanded", e.g. "audit`users`local".
  // https://help.splunk.com/en/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/10.0/search-macros
  it('does not read backticks inside a string as a macro or comment', () => {
    expect(only('"audit`users`local"').value).toBe('audit`users`local');
    expect(only('"a ```not a comment``` b"').value).toBe('a ```not a comment``` b');
  });

  it('may span lines', () => {
    const { tokens, errors } = lexSpl('"a\nb" c');
    expect(errors).toEqual([]);
    expect(tokens[0]).toMatchObject({ kind: 'string', value: 'a\nb' });
    expect(tokens[1]).toMatchObject({ text: 'c', line: 2, col: 4 });
  });

  // Eval string literals: "C:\\windows\temp" → C:\windows<tab>emp, "The \t in the path is
  // interpreted as a tab".
  // https://help.splunk.com/en/splunk-enterprise/search/search-manual/10.2/expressions-and-predicates/types-of-expressions (section "String literal")
  it('turns \\t into a tab in expression mode, and keeps \\\\ and \\" escapes', () => {
    expect(only('"C:\\\\windows\\temp"', 'expression').value).toBe('C:\\windows\temp');
    expect(only('"C:\\\\windows\\\\temp"', 'expression').value).toBe('C:\\windows\\temp');
    // match(test, "\"yes\"") escapes embedded quotation marks (section "match").
    // https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2408/evaluation-functions/comparison-and-conditional-functions
    expect(only('"\\"yes\\""', 'expression').value).toBe('"yes"');
  });

  // A regex reaches match() with its escapes: match(field, "^\d{1,3}\.\d{1,3}$").
  // https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2408/evaluation-functions/comparison-and-conditional-functions
  it('leaves regex escapes such as \\d and \\. alone in expression mode', () => {
    expect(only('"^\\d{1,3}\\.\\d{1,3}$"', 'expression').value).toBe('^\\d{1,3}\\.\\d{1,3}$');
  });

  it('exposes the decoding for a parser that re-reads a string in another mode', () => {
    expect(decodeSplString('a\\tb\\|c', 'search')).toBe('a\\tb|c');
    expect(decodeSplString('a\\tb\\|c', 'expression')).toBe('a\tb\\|c');
  });
});

describe('quoted field names', () => {
  // Field names that start with a digit or contain non-alphanumeric characters must be in single
  // quotation marks in eval/where expressions: '5minutes'="late", new=count+'server-1'.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval
  it("reads 'status.errorCode' as a quotedName whose value is the field name", () => {
    expect(only("'status.errorCode'")).toMatchObject({ kind: 'quotedName', value: 'status.errorCode' });
    expect(shape("'5minutes'=\"late\"", 'expression')).toEqual([
      ['quotedName', "'5minutes'"],
      ['operator', '='],
      ['string', '"late"'],
    ]);
    expect(shape("new=count+'server-1'", 'expression')).toEqual([
      ['word', 'new'], ['operator', '='], ['word', 'count'], ['operator', '+'], ['quotedName', "'server-1'"],
    ]);
  });

  // Not documented by Splunk: our choice is that a backslash escapes ' and \ inside a field name.
  it("decodes \\' and \\\\ inside a quoted name (our convention)", () => {
    expect(only("'it\\'s \\\\ x'").value).toBe("it's \\ x");
    expect(decodeQuotedName('a\\d')).toBe('a\\d');
  });
});

describe('expression mode', () => {
  // eval operators: arithmetic + - * / %, concatenation ".", booleans and comparisons; "the single
  // equal sign ( = ) is a synonym for the double equal sign ( == )".
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval (section "Operators")
  it('reads + - * / % . as operators and cuts words at them', () => {
    expect(shape('x=a+b-c*d/e%f . g', 'expression').filter(([k]) => k === 'operator').map(([, t]) => t)).toEqual([
      '=', '+', '-', '*', '/', '%', '.',
    ]);
  });

  // new="server-".host and name."server" are concatenations.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval
  // https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions
  it('splits concatenation glued to strings and names', () => {
    expect(shape('new="server-".host', 'expression')).toEqual([
      ['word', 'new'], ['operator', '='], ['string', '"server-"'], ['operator', '.'], ['word', 'host'],
    ]);
    expect(shape('name."server"', 'expression')).toEqual([
      ['word', 'name'], ['operator', '.'], ['string', '"server"'],
    ]);
  });

  it('reads numbers with fractions and exponents, and a number glued to letters as a word', () => {
    expect(shape('1.5*2e3 5minutes', 'expression')).toEqual([
      ['number', '1.5'], ['operator', '*'], ['number', '2e3'], ['word', '5minutes'],
    ]);
  });

  it('reads eval functions as word, parentheses, commas', () => {
    expect(shape('if(like(x, "a%"), 1, 0)', 'expression').map(([k]) => k)).toEqual([
      'word', 'lparen', 'word', 'lparen', 'word', 'comma', 'string', 'rparen', 'comma', 'number', 'comma', 'number', 'rparen',
    ]);
  });
});

describe('macros', () => {
  // "place a back tick character ( ` ) before and after the macro name".
  // https://help.splunk.com/en/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/10.0/search-macros
  it('reads a macro and a macro with arguments; the value is the text between the backticks', () => {
    expect(only('`detc_entra_signin`')).toMatchObject({ kind: 'macro', value: 'detc_entra_signin' });
    expect(only('`drop_dm_object_name("Authentication")`')).toMatchObject({
      kind: 'macro',
      value: 'drop_dm_object_name("Authentication")',
    });
    expect(only('`iis_search(fragment=TM)`').value).toBe('iis_search(fragment=TM)');
  });

  it('reads a macro in the middle of a pipeline', () => {
    expect(shape('| tstats `summariesonly` count | `m_filter`')).toEqual([
      ['pipe', '|'], ['word', 'tstats'], ['macro', '`summariesonly`'], ['word', 'count'], ['pipe', '|'], ['macro', '`m_filter`'],
    ]);
  });
});

describe('comments', () => {
  // Comments are enclosed in triple backticks; "The search processor replaces comments with a
  // space": ...| stats```Let's use 'stats' to count this```count becomes ...| stats count.
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.3/using-the-search-app/add-comments-to-searches
  it('reads ```text``` as a comment that separates the words around it', () => {
    const { tokens, errors } = lexSpl("| stats```Let's use 'stats' to count this```count");
    expect(errors).toEqual([]);
    expect(tokens.map((t) => [t.kind, t.value, t.spaceBefore])).toEqual([
      ['pipe', '|', true],
      ['word', 'stats', true],
      ['comment', "Let's use 'stats' to count this", false],
      ['word', 'count', true],
      ['eof', '', false],
    ]);
  });

  it('ends a comment at the next triple backtick, whatever is inside', () => {
    expect(shape('a ```x "y `z` \n w``` b')).toEqual([
      ['word', 'a'], ['comment', '```x "y `z` \n w```'], ['word', 'b'],
    ]);
  });
});

describe('errors', () => {
  it('reports an unterminated string where its quote is, and lexes the following lines', () => {
    const source = 'index=main\n| search user="bob x=1\n| stats count';
    const { tokens, errors } = lexSpl(source);
    expect(errors).toEqual([{ message: 'unterminated string: no closing "', start: 25, line: 2, col: 15 }]);
    expect(source[errors[0]!.start]).toBe('"');
    expect(tokens.find((t) => t.kind === 'string')).toMatchObject({ text: '"bob x=1', value: 'bob x=1' });
    expect(tokens.slice(-4).map((t) => [t.text, t.line])).toEqual([
      ['|', 3],
      ['stats', 3],
      ['count', 3],
      ['', 3],
    ]);
  });

  it('reports an unterminated string ending in a backslash', () => {
    expect(lexSpl('x="abc\\').errors).toMatchObject([{ start: 2, line: 1, col: 3 }]);
  });

  it('reports an unterminated quoted name, macro and comment, each once, with positions', () => {
    expect(lexSpl("eval y='a b\nz").errors).toEqual([
      { message: "unterminated field name: no closing '", start: 7, line: 1, col: 8 },
    ]);
    const macro = lexSpl('a `m(x)\n| b');
    expect(macro.errors).toEqual([{ message: 'unterminated macro: no closing backtick', start: 2, line: 1, col: 3 }]);
    expect(macro.tokens.map((t) => t.kind)).toEqual(['word', 'macro', 'pipe', 'word', 'eof']);
    expect(lexSpl('a\n  ```never closed | b').errors).toEqual([
      { message: 'unterminated comment: no closing ```', start: 4, line: 2, col: 3 },
    ]);
  });

  it('reports a macro with no name', () => {
    expect(lexSpl('a `` b').errors).toEqual([{ message: 'macro has no name', start: 2, line: 1, col: 3 }]);
  });

  it('does not stop at the first error', () => {
    expect(lexSpl('`a\n"b\nc').errors.map((e) => e.line)).toEqual([1, 2]);
  });
});

describe('corpus: splunk/security_content searches', () => {
  const read = (file: string): Record<string, unknown>[] => {
    const path = CORPUS_DIR + file;
    expect(existsSync(path), `corpus file ${path} (see ../shared/corpus/README.md)`).toBe(true);
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  // Splunk accepts every one of these searches (corpus README): each must lex without an error.
  it('lexes all 1,711 searches without an error, in both modes, covering every non-space character', () => {
    const searches = read('spl-security-content.jsonl').map((row) => String(row.search));
    expect(searches).toHaveLength(1711);
    const failures: string[] = [];
    for (const search of searches) {
      for (const mode of ['search', 'expression'] as const) {
        const { tokens, errors } = lexSpl(search, { mode });
        if (errors.length > 0) failures.push(`${mode}: ${errors[0]!.message} in ${search.slice(0, 120)}`);
        let last = 0;
        for (const t of tokens) {
          if (search.slice(last, t.start).trim() !== '') failures.push(`${mode}: untokenized text in ${search.slice(0, 120)}`);
          last = t.end;
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('finds balanced parentheses and brackets in every search (strings, macros, comments delimited right)', () => {
    const unbalanced = read('spl-security-content.jsonl')
      .map((row) => String(row.search))
      .filter((search) => {
        let parens = 0;
        let brackets = 0;
        for (const t of lexSpl(search).tokens) {
          parens += t.kind === 'lparen' ? 1 : t.kind === 'rparen' ? -1 : 0;
          brackets += t.kind === 'lbracket' ? 1 : t.kind === 'rbracket' ? -1 : 0;
        }
        return parens !== 0 || brackets !== 0;
      });
    expect(unbalanced).toEqual([]);
  });

  it('lexes all 189 macro definitions the searches use without an error', () => {
    const definitions = read('spl-security-content-macros.jsonl').map((row) => String(row.definition));
    expect(definitions).toHaveLength(189);
    expect(definitions.filter((d) => lexSpl(d).errors.length > 0)).toEqual([]);
  });
});
