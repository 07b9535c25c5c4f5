// Splunk's regular expressions are PCRE; JavaScript's RegExp is close but not the same. This
// translates a PCRE pattern to an equivalent RegExp, or refuses (PcreFeatureError) when it
// uses something with no faithful translation here (atomic groups, possessive quantifiers,
// recursion, mid-pattern flag changes, \G, \K, Unicode properties …).
//
// Named groups become plain numbered groups with their names kept aside: PCRE allows what
// JavaScript (Node 20) rejects, such as the same name in two alternatives.
// Differences handled: `$` also matches before a final newline; `.` does not match `\n` but
// matches `\r`; `\A`, `\z`, `\Z`, `\h`, `\R`, `\Q…\E`, `\x{…}`, POSIX classes, leading `(?i)`,
// `(?s)`, `(?m)`, `(?P<name>…)`, `(?'name'…)`, `\k<name>`, `(?P=name)`, `(?#comment)`.

export class PcreFeatureError extends Error {}

export interface CompiledPcre {
  readonly re: RegExp;
  /** Name of each capture group, by group number − 1; null for an unnamed group. */
  readonly groupNames: readonly (string | null)[];
}

const POSIX: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\r\\n\\v\\f',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

const cache = new Map<string, CompiledPcre>();

/** `flags` adds JavaScript flags (`g`, `i`). */
export function compilePcre(pattern: string, flags = ''): CompiledPcre {
  const key = `${flags}/${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = translate(pattern, flags);
  if (cache.size > 5000) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function hexEscape(code: number): string {
  if (code > 0xffff) throw new PcreFeatureError('a \\x{…} escape above U+FFFF');
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

function quoteLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}/]/g, '\\$&');
}

function translate(pattern: string, extraFlags: string): CompiledPcre {
  let flags = new Set(extraFlags.split('').filter(Boolean));
  let i = 0;
  // Leading inline flags apply to the whole pattern: (?i), (?s), (?m), (?is) …
  for (;;) {
    const m = /^\(\?([a-zA-Z]+)\)/.exec(pattern.slice(i));
    if (!m) break;
    for (const f of m[1]!) {
      if (f === 'i' || f === 's' || f === 'm') flags.add(f);
      else throw new PcreFeatureError(`the inline flag (?${f})`);
    }
    i += m[0].length;
  }
  const groupNames: (string | null)[] = [];
  const namedBackrefs: { at: number; name: string }[] = [];
  let out = '';
  const dotAll = (): boolean => flags.has('s');
  const multiline = (): boolean => flags.has('m');
  const isQuantifierStart = (c: string | undefined): boolean => c === '*' || c === '+' || c === '?' || c === '{';

  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new PcreFeatureError('a pattern ending in a backslash');
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        out += quoteLiteral(literal);
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (next === 'E') {
        i += 2;
        continue;
      }
      i += 2;
      switch (next) {
        case 'A': out += '(?<![\\s\\S])'; continue;
        case 'z': out += '(?![\\s\\S])'; continue;
        case 'Z': out += '(?=\\n?(?![\\s\\S]))'; continue;
        case 'h': out += '[ \\t]'; break;
        case 'H': out += '[^ \\t]'; break;
        case 'R': out += '(?:\\r\\n|\\n|\\r)'; break;
        case 'e': out += '\\x1b'; break;
        case 'a': out += '\\x07'; break;
        case 'G': case 'K': case 'p': case 'P': case 'X': case 'C': case 'N':
          throw new PcreFeatureError(`the escape \\${next}`);
        case 'x': {
          const braces = /^\{([0-9a-fA-F]+)\}/.exec(pattern.slice(i));
          if (braces) {
            out += hexEscape(parseInt(braces[1]!, 16));
            i += braces[0].length;
          } else {
            const hex = /^[0-9a-fA-F]{1,2}/.exec(pattern.slice(i));
            out += hex ? `\\x${hex[0].padStart(2, '0')}` : '\\x00';
            if (hex) i += hex[0].length;
          }
          break;
        }
        case 'g': {
          const m = /^(?:\{(-?\d+)\}|(\d+))/.exec(pattern.slice(i));
          if (!m || (m[1] ?? '').startsWith('-')) throw new PcreFeatureError('the escape \\g');
          out += `\\${m[1] ?? m[2]}`;
          i += m[0].length;
          break;
        }
        case 'k': {
          const m = /^(?:<([A-Za-z_]\w*)>|\{([A-Za-z_]\w*)\}|'([A-Za-z_]\w*)')/.exec(pattern.slice(i));
          if (!m) throw new PcreFeatureError('the escape \\k');
          namedBackrefs.push({ at: out.length, name: m[1] ?? m[2] ?? m[3]! });
          i += m[0].length;
          break;
        }
        default:
          out += `\\${next}`;
      }
      continue;
    }
    if (c === '[') {
      const { text, end } = translateClass(pattern, i);
      out += text;
      i = end;
      continue;
    }
    if (c === '(') {
      const rest = pattern.slice(i);
      if (rest.startsWith('(?#')) {
        const end = pattern.indexOf(')', i);
        i = end < 0 ? pattern.length : end + 1;
        continue;
      }
      const named = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
      if (named) {
        groupNames.push(named[1] ?? named[2]!);
        out += '(';
        i += named[0].length;
        continue;
      }
      const backref = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
      if (backref) {
        namedBackrefs.push({ at: out.length, name: backref[1]! });
        i += backref[0].length;
        continue;
      }
      if (rest.startsWith('(?:') || rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
        const len = rest.startsWith('(?<') ? 4 : 3;
        out += rest.slice(0, len);
        i += len;
        continue;
      }
      const scoped = /^\(\?([a-zA-Z]+):/.exec(rest);
      if (scoped) {
        // (?i:…) is only faithful when the flag already holds for the whole pattern.
        if ([...scoped[1]!].every((f) => flags.has(f))) {
          out += '(?:';
          i += scoped[0].length;
          continue;
        }
        throw new PcreFeatureError(`the scoped flag group (?${scoped[1]}:…)`);
      }
      if (rest.startsWith('(?')) {
        const what = /^\(\?[^)]{0,3}/.exec(rest)![0];
        throw new PcreFeatureError(`the group ${what}…`);
      }
      groupNames.push(null);
      out += '(';
      i++;
      continue;
    }
    if (c === ')') {
      out += ')';
      i++;
      continue;
    }
    if (isQuantifierStart(c)) {
      let q = c;
      let j = i + 1;
      if (c === '{') {
        const m = /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(i));
        if (!m) {
          out += '\\{';
          i++;
          continue;
        }
        q = m[0];
        j = i + m[0].length;
      }
      if (pattern[j] === '+') throw new PcreFeatureError('a possessive quantifier');
      out += q;
      if (pattern[j] === '?') {
        out += '?';
        j++;
      }
      i = j;
      continue;
    }
    if (c === '$') {
      out += multiline() ? '$' : '(?=\\n?(?![\\s\\S]))';
      i++;
      continue;
    }
    if (c === '.') {
      out += dotAll() ? '[\\s\\S]' : '[^\\n]';
      i++;
      continue;
    }
    if (c === '/') {
      out += '\\/';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  // Named backreferences → numbers, now that every group is known.
  for (const ref of namedBackrefs.reverse()) {
    const n = groupNames.indexOf(ref.name);
    if (n < 0) throw new PcreFeatureError(`a reference to the unknown group ${ref.name}`);
    out = `${out.slice(0, ref.at)}\\${n + 1}${out.slice(ref.at)}`;
  }
  flags = new Set([...flags].filter((f) => f !== 's'));
  let re: RegExp;
  try {
    re = new RegExp(out, [...flags].join(''));
  } catch (e) {
    throw new PcreFeatureError(`the regular expression ${JSON.stringify(pattern)} (${(e as Error).message})`);
  }
  return { re, groupNames };
}

/** A character class starting at `start` (`[`) → its JavaScript text and the index after it. */
function translateClass(pattern: string, start: number): { text: string; end: number } {
  let i = start + 1;
  let text = '[';
  if (pattern[i] === '^') {
    text += '^';
    i++;
  }
  // A `]` first in the class is literal.
  if (pattern[i] === ']') {
    text += '\\]';
    i++;
  }
  while (i < pattern.length && pattern[i] !== ']') {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) break;
      if (next === 'h') text += ' \\t';
      else if (next === 'x' && pattern[i + 2] === '{') {
        const m = /^\{([0-9a-fA-F]+)\}/.exec(pattern.slice(i + 2));
        if (!m) throw new PcreFeatureError('a \\x{…} escape');
        text += hexEscape(parseInt(m[1]!, 16));
        i += 2 + m[0].length;
        continue;
      } else if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        text += literal.replace(/[\\\]^-]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 2;
        continue;
      } else if ('pPHRNXG'.includes(next)) throw new PcreFeatureError(`the escape \\${next} in a character class`);
      else text += `\\${next}`;
      i += 2;
      continue;
    }
    if (c === '[') {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
      if (posix) {
        const set = POSIX[posix[2]!];
        if (!set || posix[1]) throw new PcreFeatureError(`the POSIX class [:${posix[1]}${posix[2]}:]`);
        text += set;
        i += posix[0].length;
        continue;
      }
      text += '\\[';
      i++;
      continue;
    }
    text += c;
    i++;
  }
  if (i >= pattern.length) throw new PcreFeatureError('an unterminated character class');
  return { text: `${text}]`, end: i + 1 };
}
