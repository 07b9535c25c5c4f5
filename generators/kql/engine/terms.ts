// Kusto's term matching (has, hasprefix, hassuffix and their _cs / negated forms). "Each string
// value is broken into maximal sequences of alphanumeric characters, and each of those sequences
// is made into a term." `has` is true when the right-hand side is a whole term — or a run of
// whole terms with what separates them (`has "10.1.2.3"`) — of the left-hand side.
// https://learn.microsoft.com/kusto/query/datatypes-string-operators#what-is-a-term

const ALNUM = /[\p{L}\p{N}]/u;

export function isAlphanumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return ALNUM.test(c);
}

export type TermMatch = 'whole' | 'prefix' | 'suffix';

/**
 * Whether `needle` occurs in `haystack` at term boundaries: a needle that starts with an
 * alphanumeric character must start a term (for `whole` and `prefix`), one that ends with one
 * must end a term (for `whole` and `suffix`). Both strings already in the case to compare.
 */
export function hasTerm(haystack: string, needle: string, match: TermMatch = 'whole'): boolean {
  if (needle === '') return true;
  const startsAlnum = isAlphanumeric(needle[0]);
  const endsAlnum = isAlphanumeric(needle[needle.length - 1]);
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
    const startOk = match === 'suffix' || !startsAlnum || i === 0 || !isAlphanumeric(haystack[i - 1]);
    const end = i + needle.length;
    const endOk = match === 'prefix' || !endsAlnum || end === haystack.length || !isAlphanumeric(haystack[end]);
    if (startOk && endOk) return true;
  }
  return false;
}
