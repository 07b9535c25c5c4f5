// KQL string literals. From Kusto's documentation of the string type
// (https://learn.microsoft.com/en-us/kusto/query/scalar-data-types/string): a double-quoted
// literal takes backslash escapes (\" \\ \n \r \t \uXXXX …) and may not hold a raw line break.
// We escape the backslash, the quote and every control or line-separator character as
// \uXXXX; everything else is written as itself. (Lone surrogates cannot be written in any
// literal; the rule loader refuses them.)
import { kqlTokens } from './language-service.ts';

const NEEDS_ESCAPE = /[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function kqlStringLiteral(value: string): string {
  return `"${value.replace(NEEDS_ESCAPE, (c) => (c === '\\' || c === '"' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

/** The decoded values of the query's string literals, in order, by Kusto's own parser. */
export function decodeKqlStringLiterals(query: string): string[] {
  return kqlTokens(query).filter((t) => t.kind === 'StringLiteralToken').map((t) => t.value);
}
