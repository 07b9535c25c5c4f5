// Our KQL string literal, decoded by Kusto's own parser: whatever a rule value holds, the literal
// we emit must parse without diagnostics and decode to exactly that value. The decoder is
// Kusto.Language's (KustoCode.Parse, then each literal's ValueInfo.ValueText), never ours.
// Literal rules: https://learn.microsoft.com/kusto/query/scalar-data-types/string
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kqlSyntaxDiagnostics } from '../../generators/kql/language-service.ts';
import { decodeKqlStringLiterals, kqlStringLiteral } from '../../generators/kql/string-literal.ts';

const RUNS = 1000;

/** Single UTF-16 code units: every BMP character and every lone surrogate half. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const special = fc.constantFrom('"', "'", '\\', '\n', '\r', '\t', '|', '`', '```', '\u0000', '\u007f', '\u0085', '\u00a0', '\u2028', '\u202e', '\ufeff', '\u{e0001}', '😀', '\ud800', '\udfff', 'é', 'e\u0301', '@', 'h', '//', '/*', '{', '}', '$', ' ', 'a');
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }), // any well-formed string, astral characters included
  fc.string({ unit: codeUnit, maxLength: 40 }), // any UTF-16 sequence, lone surrogates included
  fc.string({ unit: special, maxLength: 20 }), // the characters that break literals, densely
);

const roundTrips = (value: string) => {
  const query = `T | where C == ${kqlStringLiteral(value)}`;
  expect(kqlSyntaxDiagnostics(query)).toEqual([]);
  expect(decodeKqlStringLiterals(query)).toEqual([value]);
};

describe('kqlStringLiteral', () => {
  it(`decodes under Kusto's parser to exactly the value (${RUNS} cases)`, () => {
    fc.assert(fc.property(anyString, roundTrips), {
      numRuns: RUNS,
      examples: [[''], ['"'], ["'"], ['\\'], ['\\"'], ['"\\'], ['\n'], ['\r\n'], ['\t'], ['|'], ['`'], ['```'], ['\u0000'], ['😀'], ['\ud83d'], ['\ude00'], ['a" | take 1 //'], ["O'Brien"], ['C:\\Windows\\'], ['\\u0041'], ['h"x"']],
    });
  });

  it('decodes exactly for every code point and every lone surrogate (in chunks of 4,096)', () => {
    const chunks: string[] = [];
    for (let start = 0; start <= 0x10ffff; start += 4096) {
      let chunk = '';
      for (let cp = start; cp < start + 4096 && cp <= 0x10ffff; cp++) chunk += String.fromCodePoint(cp);
      chunks.push(chunk);
    }
    // Chunks from 0xd000 hold the surrogate range as single, unpaired code units (String.fromCodePoint
    // of 0xd800…0xdfff); reversing a chunk's order also puts low halves before high ones.
    chunks.push([...chunks[13]!].reverse().join(''));
    const query = `print ${chunks.map(kqlStringLiteral).join(', ')}`;
    expect(kqlSyntaxDiagnostics(query)).toEqual([]);
    expect(decodeKqlStringLiterals(query)).toEqual(chunks);
  });

  // The documented escapes for the quote, the backslash, newline and tab; \uXXXX for the rest.
  it('writes the documented escapes and \\uXXXX for invisible characters; the rest as itself', () => {
    expect(kqlStringLiteral("O'Brien")).toBe(`"O'Brien"`);
    expect(kqlStringLiteral('a"b\\c')).toBe(String.raw`"a\"b\\c"`);
    expect(kqlStringLiteral('line\nnext\tcol\r')).toBe(String.raw`"line\nnext\tcol\u000D"`);
    // Zero-width, bidi override and BOM (Trojan-Source text), NBSP (the docs' own \u00A0 example), separators.
    expect(kqlStringLiteral('a\u200bb\u202ec\ufeff\u00a0\u2028')).toBe(String.raw`"a\u200Bb\u202Ec\uFEFF\u00A0\u2028"`);
    expect(kqlStringLiteral('Zürich 東京 😀 | `x`')).toBe('"Zürich 東京 😀 | `x`"');
    // A lone surrogate is written as its escape: raw, it would become U+FFFD when the query is saved as UTF-8.
    expect(kqlStringLiteral('\ud800x\udc00')).toBe(String.raw`"\uD800x\uDC00"`);
    expect(kqlStringLiteral('\u{e0041}')).toBe(String.raw`"\uDB40\uDC41"`); // an astral format character: a pair of escapes
  });
});

describe("decodeKqlStringLiterals (Kusto's decoder)", () => {
  // The examples of https://learn.microsoft.com/kusto/query/scalar-data-types/string, with their documented output.
  it('decodes the documented examples to their documented values', () => {
    expect(decodeKqlStringLiterals(`print s1 = 'string with "double quotes"', s2 = "string with 'single quotes'"`)).toEqual(['string with "double quotes"', "string with 'single quotes'"]);
    expect(decodeKqlStringLiterals(String.raw`print pattern = '\\n.*(>|\'|=|\")[a-zA-Z0-9/+]{86}=='`)).toEqual([String.raw`\n.*(>|'|=|")[a-zA-Z0-9/+]{86}==`]);
    expect(decodeKqlStringLiterals(String.raw`print space = "Hello\u00A0World"`)).toEqual(['Hello\u00a0World']);
    expect(decodeKqlStringLiterals(String.raw`print myPath = @'C:\Folder\filename.txt'`)).toEqual([String.raw`C:\Folder\filename.txt`]);
    expect(decodeKqlStringLiterals('print program = ```\n  public class Program {}```')).toEqual(['\n  public class Program {}']);
    expect(decodeKqlStringLiterals(`print blob="https://contoso.blob.core.windows.net/container/blob.txt?"\n    h'sv=2012-02-12&se=2013-04-13T0...'`)).toEqual(['https://contoso.blob.core.windows.net/container/blob.txt?sv=2012-02-12&se=2013-04-13T0...']);
  });

  // "Concatenation of separated string literals": adjacent literals, even across whitespace and
  // comments, are one literal — so one value, not one per token.
  it('returns one value for adjacent literals, as Kusto concatenates them', () => {
    const text = `print\n    none = strlen("Hello"', '@"world!"),\n    whitespaceAndComment = strlen("Hello"\n        // Comment\n        ', '@"world!"\n    );`;
    expect(decodeKqlStringLiterals(text)).toEqual(['Hello, world!', 'Hello, world!']);
  });

  it('returns every literal in source order, including bracketed names and dynamic property names', () => {
    expect(decodeKqlStringLiterals(`T | where A == "x" | extend d = dynamic({"k": "v"}) | project ['a b'], y = 'z'`)).toEqual(['x', 'k', 'v', 'a b', 'z']);
  });
});
