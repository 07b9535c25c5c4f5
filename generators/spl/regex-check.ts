// Structural checks of the PCRE regular expressions given to rex and regex, and of rex's sed
// expressions. We do not compile PCRE (JavaScript's engine differs); we only find what no
// engine accepts: unbalanced parentheses and unterminated character classes.
// rex: "The regular expression must contain a named capturing group"; sed mode takes
// `s/<regex>/<replacement>/<flags>` or `y/<chars>/<chars>/`.
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex

interface RegexScan {
  readonly problem: string | null;
  readonly namedGroups: number;
}

function scan(pattern: string): RegexScan {
  const opens: number[] = [];
  let namedGroups = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? pattern.length : end + 1;
      } else i++;
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) return { problem: `unterminated character class \`[\` at offset ${i} of the regular expression`, namedGroups };
      i = end;
      continue;
    }
    if (c === '(') {
      if (pattern.startsWith('(?#', i)) {
        const end = pattern.indexOf(')', i);
        if (end < 0) return { problem: 'unterminated (?# comment in the regular expression', namedGroups };
        i = end;
        continue;
      }
      if (/^\(\?(?:P?<[A-Za-z_]\w*>|'[A-Za-z_]\w*')/.test(pattern.slice(i, i + 40))) namedGroups++;
      opens.push(i);
      continue;
    }
    if (c === ')') {
      if (opens.pop() === undefined) return { problem: `unmatched \`)\` at offset ${i} of the regular expression`, namedGroups };
    }
  }
  if (opens.length > 0) return { problem: `unclosed \`(\` at offset ${opens.at(-1)} of the regular expression`, namedGroups };
  return { problem: null, namedGroups };
}

/** Index of the `]` closing the class opened at `open`, or -1. A `]` first in the class is literal. */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[' && pattern[i + 1] === ':') {
      const end = pattern.indexOf(':]', i + 2);
      if (end > 0) i = end + 1;
    } else if (c === ']') return i;
  }
  return -1;
}

/** Why `pattern` cannot be a regular expression, or null. */
export function checkRegexStructure(pattern: string): string | null {
  return scan(pattern).problem;
}

export function hasNamedGroup(pattern: string): boolean {
  return scan(pattern).namedGroups > 0;
}

/** Why `expression` is not a sed expression for `rex mode=sed`, or null. */
export function checkSedExpression(expression: string): string | null {
  const command = expression[0];
  const delimiter = expression[1];
  if ((command !== 's' && command !== 'y') || delimiter === undefined || /[\w\s\\]/.test(delimiter)) {
    return 'a sed expression is s/<regex>/<replacement>/<flags> or y/<chars>/<chars>/';
  }
  const parts: string[] = [];
  let current = '';
  for (let i = 2; i < expression.length; i++) {
    const c = expression[i]!;
    if (c === '\\' && i + 1 < expression.length) {
      current += c + expression[i + 1];
      i++;
    } else if (c === delimiter) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  if (parts.length !== 3) return `a sed expression needs three \`${delimiter}\` delimiters: ${command}${delimiter}…${delimiter}…${delimiter}`;
  const flags = parts[2]!;
  if (command === 's') {
    if (!/^(?:g|\d+)?$/.test(flags)) return `sed flags are g or a number, not \`${flags}\``;
    return checkRegexStructure(parts[0]!);
  }
  if (flags !== '') return 'y/…/…/ takes no flags';
  return null;
}
