// Kusto's regular expressions are RE2 (https://learn.microsoft.com/kusto/query/regex). This
// translates the RE2 syntax that JavaScript spells differently and refuses what it cannot say.
import type { KqlPosition } from './errors.ts';
import { unsupported } from './errors.ts';

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-/:-@[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();

/**
 * A JavaScript RegExp with the meaning of an RE2 pattern: leading `(?flags)` become RegExp flags
 * (i, m, s; RE2's `U` is refused), `(?P<name>` is `(?<name>`, `\A` / `\z` anchor the text,
 * `\Q…\E` quotes, `[[:alpha:]]` classes and `\pL` are spelled out.
 */
export function kustoRegex(source: string, at: KqlPosition, extraFlags = ''): RegExp {
  const key = `${extraFlags}/${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let flags = new Set(extraFlags.split('').filter(Boolean));
  let body = source;
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    flags = new Set([...flags, ...leading[1]!]);
    body = body.slice(leading[0].length);
  }
  if (flags.has('U')) throw unsupported(`regular expression flag U (ungreedy) in ${JSON.stringify(source)}`, at);
  let unicode = false;
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const n = body[i + 1];
      if (n === undefined) throw unsupported(`regular expression ending in a backslash: ${JSON.stringify(source)}`, at);
      if (n === 'Q') {
        const end = body.indexOf('\\E', i + 2);
        const quoted = body.slice(i + 2, end < 0 ? undefined : end);
        out += quoted.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? body.length : end + 1;
        continue;
      }
      if (!inClass && n === 'A') { out += '(?<![\\s\\S])'; i++; continue; }
      if (!inClass && n === 'z') { out += '(?![\\s\\S])'; i++; continue; }
      if (n === 'p' || n === 'P') {
        unicode = true;
        const name = body[i + 2] === '{' ? body.slice(i + 3, body.indexOf('}', i + 3)) : body[i + 2];
        out += `\\${n}{${name}}`;
        i += body[i + 2] === '{' ? name!.length + 3 : 2;
        continue;
      }
      if (n === 'C' || n === 'Z') throw unsupported(`regular expression escape \\${n} in ${JSON.stringify(source)}`, at);
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && body[i + 1] === ':') {
        const end = body.indexOf(':]', i + 2);
        const name = end < 0 ? '' : body.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (!cls || negated) throw unsupported(`regular expression class [:${name}:] in ${JSON.stringify(source)}`, at);
        out += cls;
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (body[i + 1] === '^') { out += '^'; i++; }
      if (body[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && body[i + 1] === '?') {
      if (body[i + 2] === 'P' && body[i + 3] === '<') { out += '(?<'; i += 3; continue; }
      if (body[i + 2] !== ':' && body[i + 2] !== '<' && body[i + 2] !== '=' && body[i + 2] !== '!') {
        throw unsupported(`regular expression group ${body.slice(i, i + 5)}… in ${JSON.stringify(source)}`, at);
      }
    }
    out += c;
  }
  let re: RegExp;
  try {
    re = new RegExp(out, [...flags].filter((f) => 'ims'.includes(f)).join('') + (unicode ? 'u' : ''));
  } catch (e) {
    throw unsupported(`regular expression ${JSON.stringify(source)} (${(e as Error).message})`, at);
  }
  cache.set(key, re);
  return re;
}

/** A global copy, for scanning every match. */
export function globalRegex(re: RegExp): RegExp {
  return new RegExp(re.source, `${re.flags}g`);
}

/**
 * An RE2 replacement (`\1`, `$1`, `${name}`) as a function of a match: Kusto's replace_regex
 * documents `\1`-style back references. https://learn.microsoft.com/kusto/query/replace-regex-function
 */
export function replacer(rewrite: string): (match: RegExpExecArray) => string {
  const parts = rewrite.split(/(\\\d|\$\d|\$\{\w+\})/);
  return (m) => parts.map((p) => {
    if (/^[\\$]\d$/.test(p)) return m[Number(p[1])] ?? '';
    if (/^\$\{\w+\}$/.test(p)) return m.groups?.[p.slice(2, -1)] ?? '';
    return p;
  }).join('');
}
