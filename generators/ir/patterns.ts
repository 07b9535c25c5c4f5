// Rule string values: `*` matches any run, `?` one character; `\*`, `\?` and `\\` are literal.
// A backslash before anything else is itself literal (Windows paths stay readable).
import type { PatternPart, StringOp } from './types.ts';

export function parsePattern(value: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const next = value[i + 1];
    if (ch === '\\' && (next === '*' || next === '?' || next === '\\')) {
      literal += next;
      i++;
    } else if (ch === '*') {
      flush();
      if (parts.at(-1)?.kind !== 'anyRun') parts.push({ kind: 'anyRun' });
    } else if (ch === '?') {
      flush();
      parts.push({ kind: 'anyChar' });
    } else literal += ch;
  }
  flush();
  return parts;
}

/**
 * The simplest test a pattern amounts to: `abc` is equality, `abc*` startswith, `*abc`
 * endswith, `*abc*` contains; anything else stays a pattern.
 */
export function simplifyPattern(parts: readonly PatternPart[]): { op: StringOp; value: string } | undefined {
  const kinds = parts.map((p) => p.kind).join(',');
  const literalOf = (p: PatternPart | undefined) => (p?.kind === 'literal' ? p.text : '');
  switch (kinds) {
    case '': return { op: 'eq', value: '' };
    case 'literal': return { op: 'eq', value: literalOf(parts[0]) };
    case 'literal,anyRun': return { op: 'startswith', value: literalOf(parts[0]) };
    case 'anyRun,literal': return { op: 'endswith', value: literalOf(parts[1]) };
    case 'anyRun,literal,anyRun': return { op: 'contains', value: literalOf(parts[1]) };
    default: return undefined;
  }
}

/** A JavaScript RegExp source matching the whole value against the pattern. */
export function patternToRegexSource(parts: readonly PatternPart[]): string {
  const body = parts
    .map((p) => (p.kind === 'anyRun' ? '[\\s\\S]*' : p.kind === 'anyChar' ? '[\\s\\S]' : escapeRegex(p.text)))
    .join('');
  return `^${body}$`;
}

export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
