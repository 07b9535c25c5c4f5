// Time: relative time specifiers (`-30d@d`, `@w1`, `now`), spans (`1h`, `30m`), and the
// strftime/strptime format variables. Every calendar operation is in UTC: the engine runs as a
// search head whose time zone is UTC (Splunk snaps and bins days in the user's time zone).
//
// https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/specify-time-modifiers-in-your-search
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/date-and-time-format-variables

/** Thrown for a specifier or format this module does not handle; callers add the position. */
export class TimeFeatureError extends Error {}

type Unit = 's' | 'm' | 'h' | 'd' | 'w' | 'mon' | 'q' | 'y';

const UNITS: ReadonlyMap<string, Unit> = new Map([
  ...['s', 'sec', 'secs', 'second', 'seconds'].map((u) => [u, 's'] as const),
  ...['m', 'min', 'mins', 'minute', 'minutes'].map((u) => [u, 'm'] as const),
  ...['h', 'hr', 'hrs', 'hour', 'hours'].map((u) => [u, 'h'] as const),
  ...['d', 'day', 'days'].map((u) => [u, 'd'] as const),
  ...['w', 'week', 'weeks'].map((u) => [u, 'w'] as const),
  ...['mon', 'month', 'months'].map((u) => [u, 'mon'] as const),
  ...['q', 'qtr', 'qtrs', 'quarter', 'quarters'].map((u) => [u, 'q'] as const),
  ...['y', 'yr', 'yrs', 'year', 'years'].map((u) => [u, 'y'] as const),
]);

const SECONDS: Readonly<Record<'s' | 'm' | 'h' | 'd' | 'w', number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Adds `n` units to epoch seconds `t`; months, quarters and years move the calendar (UTC). */
function addUnits(t: number, n: number, unit: Unit): number {
  switch (unit) {
    case 's':
    case 'm':
    case 'h':
    case 'd':
    case 'w':
      return t + n * SECONDS[unit];
    case 'mon':
    case 'q':
    case 'y': {
      const months = n * (unit === 'mon' ? 1 : unit === 'q' ? 3 : 12);
      const ms = Math.floor(t) * 1000;
      const d = new Date(ms);
      d.setUTCMonth(d.getUTCMonth() + months);
      return d.getTime() / 1000 + (t - Math.floor(t));
    }
  }
}

/** Rounds epoch seconds `t` down to the start of `unit` (`w0`…`w7`: that weekday, w0 = w7 = Sunday). */
function snap(t: number, unit: string): number {
  const d = new Date(Math.floor(t) * 1000);
  const week = /^w([0-7])$/.exec(unit);
  const u = week ? 'w' : UNITS.get(unit);
  if (u === undefined) throw new TimeFeatureError(`snap-to unit @${unit}`);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 1000;
  switch (u) {
    case 's':
      return Math.floor(t);
    case 'm':
      return Math.floor(t / 60) * 60;
    case 'h':
      return Math.floor(t / 3600) * 3600;
    case 'd':
      return dayStart;
    case 'w': {
      // The most recent such weekday at 00:00, today included.
      const target = week ? Number(week[1]) % 7 : 0;
      const back = (d.getUTCDay() - target + 7) % 7;
      return dayStart - back * 86400;
    }
    case 'mon':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
    case 'q':
      return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1) / 1000;
    case 'y':
      return Date.UTC(d.getUTCFullYear(), 0, 1) / 1000;
  }
}

const OFFSET = /^([+-])(\d*)([a-z]+)/i;
const ABSOLUTE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?::(\d{1,2}):(\d{1,2}):(\d{1,2}))?$/;

/**
 * A time specifier → epoch seconds, relative to `now` (epoch seconds): `now`, an epoch,
 * `%m/%d/%Y:%H:%M:%S`, or `[+|-]<n><unit>…[@<unit>[+|-]<n><unit>…]`.
 */
export function resolveTimeSpecifier(spec: string, now: number): number {
  const text = spec.trim();
  if (text === 'now' || text === 'now()') return now;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  const abs = ABSOLUTE.exec(text);
  if (abs) {
    const [, mo, da, yr, hh, mi, ss] = abs;
    return Date.UTC(Number(yr), Number(mo) - 1, Number(da), Number(hh ?? 0), Number(mi ?? 0), Number(ss ?? 0)) / 1000;
  }
  if (/rt/i.test(text) && /^[+-]?rt|rt$/i.test(text)) throw new TimeFeatureError(`real-time modifier ${spec}`);
  let t = now;
  let rest = text;
  let snapped = false;
  while (rest.length > 0) {
    if (rest[0] === '@') {
      if (snapped) throw new TimeFeatureError(`time specifier ${spec}`);
      const m = /^@([a-z]+[0-7]?)/i.exec(rest);
      if (!m) throw new TimeFeatureError(`time specifier ${spec}`);
      t = snap(t, m[1]!.toLowerCase());
      snapped = true;
      rest = rest.slice(m[0].length);
      continue;
    }
    const m = OFFSET.exec(rest);
    if (!m) throw new TimeFeatureError(`time specifier ${spec}`);
    const unit = UNITS.get(m[3]!.toLowerCase());
    if (unit === undefined) throw new TimeFeatureError(`time unit ${m[3]} in ${spec}`);
    const n = m[2] === '' ? 1 : Number(m[2]);
    t = addUnits(t, m[1] === '-' ? -n : n, unit);
    rest = rest.slice(m[0].length);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Spans

export type Span =
  | { readonly kind: 'seconds'; readonly seconds: number }
  | { readonly kind: 'months'; readonly months: number }
  | { readonly kind: 'number'; readonly size: number };

/** `1h`, `30m`, `1d`, `1mon`, `3600` … ; a bare number is a plain numeric span. */
export function parseSpan(text: string): Span {
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(text.trim());
  if (!m) throw new TimeFeatureError(`span ${text}`);
  const n = Number(m[1]);
  if (m[2] === '') return { kind: 'number', size: n };
  const unit = UNITS.get(m[2]!.toLowerCase());
  if (unit === undefined) throw new TimeFeatureError(`span unit ${m[2]}`);
  if (n <= 0) throw new TimeFeatureError(`span ${text}`);
  switch (unit) {
    case 'mon':
      return { kind: 'months', months: n };
    case 'q':
      return { kind: 'months', months: n * 3 };
    case 'y':
      return { kind: 'months', months: n * 12 };
    default:
      return { kind: 'seconds', seconds: n * SECONDS[unit] };
  }
}

/** The start of the time bin holding epoch seconds `t`: seconds spans align to the epoch, month spans to calendar months. */
export function timeBinStart(t: number, span: Span): number {
  switch (span.kind) {
    case 'seconds':
    case 'number': {
      const size = span.kind === 'seconds' ? span.seconds : span.size;
      return Math.floor(t / size) * size;
    }
    case 'months': {
      if (span.months !== 1 && span.months !== 3 && span.months !== 12) throw new TimeFeatureError(`span of ${span.months} months`);
      const d = new Date(Math.floor(t) * 1000);
      const month = Math.floor(d.getUTCMonth() / span.months) * span.months;
      return Date.UTC(d.getUTCFullYear(), span.months === 12 ? 0 : month, 1) / 1000;
    }
  }
}

/** The start of the bin after the one starting at `start`. */
export function nextTimeBin(start: number, span: Span): number {
  if (span.kind === 'months') return addUnits(start, span.months, 'mon');
  return start + (span.kind === 'seconds' ? span.seconds : span.size);
}

// ---------------------------------------------------------------------------------------------
// strftime / strptime

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

type FormatPart = string | { readonly spec: string; readonly width?: number };

const formatCache = new Map<string, FormatPart[]>();
const SUPPORTED_SPECS = new Set(['a', 'A', 'b', 'B', 'c', 'C', 'd', 'D', 'e', 'f', 'F', 'g', 'G', 'h', 'H', 'I', 'j', 'k', 'l', 'm', 'M', 'n', 'N', 'p', 'Q', 'r', 'R', 's', 'S', 't', 'T', 'u', 'U', 'V', 'w', 'W', 'x', 'X', 'y', 'Y', 'z', ':z', 'Z', '%']);

function compileFormat(format: string): FormatPart[] {
  const cached = formatCache.get(format);
  if (cached) return cached;
  const parts: FormatPart[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      literal += c;
      continue;
    }
    const m = /^%(\d*)(:z|[A-Za-z%])/.exec(format.slice(i));
    if (!m) throw new TimeFeatureError(`time format ${JSON.stringify(format)}`);
    const spec = m[2]!;
    if (!SUPPORTED_SPECS.has(spec) || (m[1] !== '' && spec !== 'N' && spec !== 'Q')) throw new TimeFeatureError(`time format variable %${m[1]}${spec}`);
    if (literal) parts.push(literal);
    literal = '';
    parts.push(m[1] ? { spec, width: Number(m[1]) } : { spec });
    i += m[0].length - 1;
  }
  if (literal) parts.push(literal);
  if (formatCache.size > 1000) formatCache.clear();
  formatCache.set(format, parts);
  return parts;
}

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

function isoWeek(d: Date): { year: number; week: number } {
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / 86400000 / 7 - ((firstThursday.getUTCDay() + 6) % 7 - 3) / 7);
  return { year, week };
}

/** Epoch seconds → text in `format` (UTC). */
export function strftime(t: number, format: string): string {
  const parts = compileFormat(format);
  const ms = Math.floor(t * 1000);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new TimeFeatureError(`time ${t}`);
  const frac = t - Math.floor(t);
  const yday = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  const h12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    switch (part.spec) {
      case 'a': out += DAYS[d.getUTCDay()]!.slice(0, 3); break;
      case 'A': out += DAYS[d.getUTCDay()]; break;
      case 'b': case 'h': out += MONTHS[d.getUTCMonth()]!.slice(0, 3); break;
      case 'B': out += MONTHS[d.getUTCMonth()]; break;
      case 'c': out += strftime(t, '%a %b %e %H:%M:%S %Y'); break;
      case 'C': out += pad(Math.floor(d.getUTCFullYear() / 100), 2); break;
      case 'd': out += pad(d.getUTCDate(), 2); break;
      case 'D': case 'x': out += strftime(t, '%m/%d/%y'); break;
      case 'e': out += pad(d.getUTCDate(), 2, ' '); break;
      case 'F': out += strftime(t, '%Y-%m-%d'); break;
      case 'g': out += pad(isoWeek(d).year % 100, 2); break;
      case 'G': out += isoWeek(d).year; break;
      case 'H': out += pad(d.getUTCHours(), 2); break;
      case 'I': out += pad(h12, 2); break;
      case 'j': out += pad(yday, 3); break;
      case 'k': out += pad(d.getUTCHours(), 2, ' '); break;
      case 'l': out += pad(h12, 2, ' '); break;
      case 'm': out += pad(d.getUTCMonth() + 1, 2); break;
      case 'M': out += pad(d.getUTCMinutes(), 2); break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'f':
      case 'N':
      case 'Q': {
        // Subseconds: %N defaults to nine digits, %Q to three, %f is microseconds; %3N, %6Q … say the digits.
        const width = part.spec === 'f' ? 6 : (part.width ?? (part.spec === 'N' ? 9 : 3));
        out += Math.floor(frac * 10 ** width + 1e-7).toString().padStart(width, '0').slice(0, width);
        break;
      }
      case 'p': out += d.getUTCHours() < 12 ? 'AM' : 'PM'; break;
      case 'r': out += strftime(t, '%I:%M:%S %p'); break;
      case 'R': out += strftime(t, '%H:%M'); break;
      case 's': out += String(Math.floor(t)); break;
      case 'S': out += pad(d.getUTCSeconds(), 2); break;
      case 'T': case 'X': out += strftime(t, '%H:%M:%S'); break;
      case 'u': out += String(((d.getUTCDay() + 6) % 7) + 1); break;
      case 'U': out += pad(Math.floor((yday + 6 - d.getUTCDay()) / 7), 2); break;
      case 'V': out += pad(isoWeek(d).week, 2); break;
      case 'w': out += String(d.getUTCDay()); break;
      case 'W': out += pad(Math.floor((yday + 6 - ((d.getUTCDay() + 6) % 7)) / 7), 2); break;
      case 'y': out += pad(d.getUTCFullYear() % 100, 2); break;
      case 'Y': out += String(d.getUTCFullYear()); break;
      case 'z': out += '+0000'; break;
      case ':z': out += '+00:00'; break;
      case 'Z': out += 'UTC'; break;
      case '%': out += '%'; break;
    }
  }
  return out;
}

const monthIndex = (name: string): number => MONTHS.findIndex((m) => m.slice(0, 3).toLowerCase() === name.slice(0, 3).toLowerCase());

/**
 * Text → epoch seconds per `format` (UTC unless the text carries %z); null when the text does
 * not match. Text after the format's end is ignored, as C strptime leaves it unread.
 */
export function strptime(text: string, format: string): number | null {
  const parts = compileFormat(format);
  let pos = 0;
  let year: number | undefined;
  let month = 1;
  let day = 1;
  let yday: number | undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let frac = 0;
  let pm: boolean | undefined;
  let offset = 0;
  let epoch: number | undefined;
  let hasDate = false;
  const expand: Record<string, string> = { T: '%H:%M:%S', X: '%H:%M:%S', F: '%Y-%m-%d', D: '%m/%d/%y', x: '%m/%d/%y', R: '%H:%M', r: '%I:%M:%S %p', c: '%a %b %e %H:%M:%S %Y' };
  const queue: FormatPart[] = [...parts];
  const num = (min: number, max: number): number | null => {
    const m = new RegExp(`^[+-]?\\d{${min},${max}}`).exec(text.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return Number(m[0]);
  };
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (typeof part === 'string') {
      for (const ch of part) {
        if (/\s/.test(ch)) {
          while (pos < text.length && /\s/.test(text[pos]!)) pos++;
        } else if (text[pos] === ch) pos++;
        else return null;
      }
      continue;
    }
    const e = expand[part.spec];
    if (e) {
      queue.unshift(...compileFormat(e));
      continue;
    }
    if (part.spec !== 'n' && part.spec !== 't' && part.spec !== '%') {
      while (pos < text.length && text[pos] === ' ' && (part.spec === 'e' || part.spec === 'k' || part.spec === 'l')) pos++;
    }
    let v: number | null;
    switch (part.spec) {
      case 'Y': v = num(4, 4); if (v === null) return null; year = v; hasDate = true; break;
      case 'y': v = num(2, 2); if (v === null) return null; year = v < 69 ? 2000 + v : 1900 + v; hasDate = true; break;
      case 'm': v = num(1, 2); if (v === null) return null; month = v; break;
      case 'd': case 'e': v = num(1, 2); if (v === null) return null; day = v; break;
      case 'j': v = num(1, 3); if (v === null) return null; yday = v; break;
      case 'H': case 'k': v = num(1, 2); if (v === null) return null; hour = v; break;
      case 'I': case 'l': v = num(1, 2); if (v === null) return null; hour = v % 12; break;
      case 'M': v = num(1, 2); if (v === null) return null; minute = v; break;
      case 'S': v = num(1, 2); if (v === null) return null; second = v; break;
      case 'f':
      case 'N':
      case 'Q': {
        const width = part.spec === 'f' ? 6 : (part.width ?? (part.spec === 'N' ? 9 : 3));
        const m = new RegExp(`^\\d{1,${Math.max(width, 1)}}`).exec(text.slice(pos));
        if (!m) return null;
        pos += m[0].length;
        frac = Number(`0.${m[0]}`);
        break;
      }
      case 'p': {
        const m = /^(AM|PM)/i.exec(text.slice(pos));
        if (!m) return null;
        pos += 2;
        pm = m[1]!.toUpperCase() === 'PM';
        break;
      }
      case 'b': case 'B': case 'h': {
        const m = /^[A-Za-z]+/.exec(text.slice(pos));
        const i = m ? monthIndex(m[0]) : -1;
        if (!m || i < 0 || (m[0].length !== 3 && MONTHS[i]!.toLowerCase() !== m[0].toLowerCase())) return null;
        pos += m[0].length;
        month = i + 1;
        break;
      }
      case 'a': case 'A': {
        const m = /^[A-Za-z]+/.exec(text.slice(pos));
        if (!m || !DAYS.some((d) => d.toLowerCase() === m[0].toLowerCase() || d.slice(0, 3).toLowerCase() === m[0].toLowerCase())) return null;
        pos += m[0].length;
        break;
      }
      case 'z': case ':z': {
        const m = /^(?:Z|([+-])(\d{2}):?(\d{2}))/.exec(text.slice(pos));
        if (!m) return null;
        pos += m[0].length;
        offset = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
        break;
      }
      case 'Z': {
        const m = /^(UTC|GMT|Z)\b/.exec(text.slice(pos));
        if (!m) throw new TimeFeatureError('strptime %Z with a time zone other than UTC/GMT');
        pos += m[0].length;
        break;
      }
      case 's': v = num(1, 12); if (v === null) return null; epoch = v; break;
      case 'n': case 't': while (pos < text.length && /\s/.test(text[pos]!)) pos++; break;
      case '%': if (text[pos] !== '%') return null; pos++; break;
      default:
        throw new TimeFeatureError(`strptime of %${part.spec}`);
    }
  }
  if (epoch !== undefined) return epoch + frac;
  if (!hasDate || year === undefined) throw new TimeFeatureError(`strptime format without a year (${format})`);
  if (pm !== undefined && pm) hour += 12;
  let ms: number;
  if (yday !== undefined) ms = Date.UTC(year, 0, yday, hour, minute, second);
  else {
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 61) return null;
    ms = Date.UTC(year, month - 1, day, hour, minute, second);
  }
  return ms / 1000 - offset + frac;
}
