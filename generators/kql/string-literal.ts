// KQL string literals.
//
// Kusto's documentation of the string type, https://learn.microsoft.com/kusto/query/scalar-data-types/string
// ("string literals", "String literal with Unicode", "Concatenation of separated string literals"):
// a double- or single-quoted literal takes backslash escapes for the enclosing quote, tab (\t),
// newline (\n), the backslash itself (\\) and a UTF-16 code unit (\u00A0); a raw newline or
// return may not appear in it. Verbatim (@"…") and multi-line (```…```) literals have no escapes
// at all, so they cannot hold every string; the quoted form can.
//
// What we emit: "…" (double quotes, since values hold apostrophes — O'Brien — far more often
// than double quotes), with
//   \\  \"  \n  \t                for those four characters (the documented escapes);
//   \uXXXX (per UTF-16 unit)      for every other control character (C0, DEL, C1), every format
//                                 character (zero-width, bidi overrides, BOM, tags: Trojan-Source
//                                 text would read differently to the analyst than to Kusto),
//                                 line/paragraph separators, spaces other than U+0020, and lone
//                                 surrogates;
//   the character itself          for everything else, including emoji and other astral characters.
// Kusto's parser requires only \\, \", \n and \r to be escaped; the rest is for the reader, and so
// that the query text is always well-formed Unicode.
//
// Lone surrogates: a JS string may hold an unpaired UTF-16 surrogate (U+D800–U+DFFF). Written
// raw it would become U+FFFD when the query is saved as UTF-8, silently changing the value; so
// it is written as \uD800, which Kusto's parser decodes back to exactly that code unit. No
// ingested value can hold one (Kusto replaces invalid UTF-8 with U+FFFD at ingestion), so such a
// literal matches nothing: the rule loader refuses lone surrogates before anything is rendered
// (generators/ir/build.ts). This function stays total and exact regardless.
import { kqlStringLiterals } from './language-service.ts';

const ESCAPED = /[\\"\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|(?! )\p{Zs}/gu;
const SHORT: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t' };

function escape(char: string): string {
  const short = SHORT[char];
  if (short) return short;
  let out = '';
  for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`;
  return out;
}

/** The KQL literal for `value`: Kusto decodes it to exactly `value`, whatever it holds. */
export function kqlStringLiteral(value: string): string {
  return `"${value.replace(ESCAPED, escape)}"`;
}

/**
 * The decoded values of the query's string literals, in source order, by Kusto's own parser
 * (adjacent literals concatenate into one value, as Kusto reads them). For tests that check
 * our literals against Kusto's rules: it never uses our encoder's assumptions.
 */
export function decodeKqlStringLiterals(query: string): string[] {
  return kqlStringLiterals(query).map((literal) => literal.value);
}
