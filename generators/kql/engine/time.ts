// Kusto's datetime and timespan values, held as numbers of milliseconds, with Kusto's text forms.
// A datetime is milliseconds since DATETIME_ORIGIN (2022-01-01 UTC) rather than the Unix epoch:
// a double then keeps Kusto's 100 ns ticks exactly for 2015–2029 (7.1 years either side, where
// the spacing of doubles stays under half a tick), so `…30.4020666Z` reads and prints back as
// itself; further away the last fraction digit may be off by one tick. Convert with
// fromUnixMs / toUnixMs at the edges.
// https://learn.microsoft.com/kusto/query/scalar-data-types/datetime
// https://learn.microsoft.com/kusto/query/scalar-data-types/timespan

export const MS_PER_TICK = 1e-4;
export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** Where datetimes count from: a day (and second) boundary, so days and seconds align as from the epoch. */
export const DATETIME_ORIGIN = Date.UTC(2022, 0, 1);
export const fromUnixMs = (ms: number): number => ms - DATETIME_ORIGIN;
export const toUnixMs = (datetime: number): number => datetime + DATETIME_ORIGIN;

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(?:(\d{2}))?)?Z?$/;

/** Milliseconds in a fraction of a second written with up to 7 digits (ticks). */
function fraction(digits: string | undefined): number {
  return digits ? Number(digits.padEnd(7, '0')) * MS_PER_TICK : 0;
}

/**
 * A datetime in one of the formats `todatetime()` and `datetime()` literals accept (ISO 8601,
 * with or without time and zone; RFC 822/850/1123), always read as UTC; null when it is not one.
 * https://learn.microsoft.com/kusto/query/scalar-data-types/datetime#supported-formats
 */
const PLAIN_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/;

export function parseDateTime(text: string): number | null {
  // The common case (what exports and fixtures hold), at the precision Date.parse keeps.
  if (PLAIN_ISO.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : fromUnixMs(ms);
  }
  const s = text.trim();
  if (s === '' || s === 'null') return null;
  const m = ISO.exec(s) ?? COMPACT.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    let ms = fromUnixMs(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0)));
    if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31) return null;
    ms += fraction(frac);
    if (zone && /^[+-]/.test(zone)) {
      const z = zone.replace(':', '');
      const offset = (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * MS_PER_MINUTE;
      ms -= z.startsWith('-') ? -offset : offset;
    }
    return ms;
  }
  // RFC 822 / 850 / 1123 ("Sat, 8 Nov 14 15:05:02 GMT"): month names; no zone means UTC.
  if (/[a-z]{3}/i.test(s) && /\d{1,2}:\d{2}/.test(s)) {
    const zoned = /(GMT|UTC|UT|Z|[+-]\d{4}|\b[ECMP][SD]T)\s*$/i.test(s) ? s : `${s} GMT`;
    const ms = Date.parse(zoned);
    return Number.isNaN(ms) ? null : fromUnixMs(ms);
  }
  return null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Whole ticks of the sub-second part of a millisecond value (0 … 9,999,999). */
function ticksOfSecond(ms: number): number {
  const withinSecond = ms - Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND;
  return Math.min(9_999_999, Math.round(withinSecond / MS_PER_TICK));
}

/**
 * ISO 8601 in UTC, the form Kusto gives `tostring(datetime)`: `2024-01-02T03:04:05Z`, with seven
 * fraction digits when there is a fraction (`…05.1230000Z`).
 */
export function formatDateTime(ms: number): string {
  const d = new Date(toUnixMs(Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND));
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ticks = ticksOfSecond(ms);
  return ticks ? `${base}.${pad(ticks, 7)}Z` : `${base}Z`;
}

const UNITS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(d|days?)$/, MS_PER_DAY],
  [/^(h|hrs?|hours?)$/, MS_PER_HOUR],
  [/^(m|min|minutes?)$/, MS_PER_MINUTE],
  [/^(s|sec|seconds?)$/, MS_PER_SECOND],
  [/^(ms|milli|millis|milliseconds?)$/, 1],
  [/^(microsecond|microseconds|micro|micros)$/, 1e-3],
  [/^(tick|ticks)$/, MS_PER_TICK],
  [/^(nanosecond|nanoseconds|nano|nanos)$/, 1e-6],
];

/**
 * A timespan as Kusto writes one: `1.5h`, `30m`, `10ms`, `3tick`, `15 seconds`, `2` (days),
 * `[-][d.]hh:mm[:ss[.fffffff]]`; null when it is not one.
 * https://learn.microsoft.com/kusto/query/scalar-data-types/timespan
 */
export function parseTimespan(text: string): number | null {
  const s = text.trim();
  if (s === '' || s === 'null') return null;
  const unit = /^([+-]?\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(s);
  if (unit) {
    const value = Number(unit[1]);
    if (!unit[2]) return value * MS_PER_DAY;
    const name = unit[2].toLowerCase();
    const found = UNITS.find(([re]) => re.test(name));
    return found ? value * found[1] : null;
  }
  const clock = /^([+-])?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?$/.exec(s);
  if (clock) {
    const [, sign, days, h, m, sec, frac] = clock;
    const ms = Number(days ?? 0) * MS_PER_DAY + Number(h) * MS_PER_HOUR + Number(m) * MS_PER_MINUTE + Number(sec ?? 0) * MS_PER_SECOND + fraction(frac);
    return sign === '-' ? -ms : ms;
  }
  return null;
}

/** Kusto's text for a timespan: `[-][d.]hh:mm:ss[.fffffff]` (`1.02:03:04`, `00:00:00.5000000`). */
export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const totalTicks = Math.round(Math.abs(ms) / MS_PER_TICK);
  const ticks = totalTicks % 10_000_000;
  let seconds = Math.floor(totalTicks / 10_000_000);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const clock = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  return `${sign}${days ? `${days}.` : ''}${clock}${ticks ? `.${pad(ticks, 7)}` : ''}`;
}

/** The UTC date parts of a datetime. */
export function utc(datetime: number): Date {
  return new Date(toUnixMs(datetime));
}

/** The start of the UTC day holding `ms`. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}

/** Sunday 00:00 UTC of the week holding `ms` (Kusto's weeks start on Sunday). */
export function startOfWeek(ms: number): number {
  const day = startOfDay(ms);
  return day - new Date(toUnixMs(day)).getUTCDay() * MS_PER_DAY;
}

export function startOfMonth(ms: number, offsetMonths = 0): number {
  const d = new Date(toUnixMs(ms));
  return fromUnixMs(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offsetMonths, 1));
}

export function startOfYear(ms: number, offsetYears = 0): number {
  return fromUnixMs(Date.UTC(new Date(toUnixMs(ms)).getUTCFullYear() + offsetYears, 0, 1));
}

/**
 * `format_datetime(value, format)` with the format specifiers Kusto documents (d, dd, f…fffffff,
 * F…FFFFFFF, h, hh, H, HH, m, mm, M, MM, s, ss, y, yy, yyyy, tt, and the separators); another
 * letter is refused by the caller's `unsupported`.
 * https://learn.microsoft.com/kusto/query/format-datetime-function
 */
export function formatDateTimeWith(ms: number, format: string): string | undefined {
  const d = new Date(toUnixMs(Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND));
  const ticks = ticksOfSecond(ms);
  let out = '';
  for (let i = 0; i < format.length;) {
    const c = format[i]!;
    let n = 1;
    while (format[i + n] === c) n++;
    const h24 = d.getUTCHours();
    switch (c) {
      case 'y': out += n === 1 ? String(d.getUTCFullYear() % 100) : n === 2 ? pad(d.getUTCFullYear() % 100) : pad(d.getUTCFullYear(), n); break;
      case 'M': if (n > 2) return undefined; out += n === 1 ? String(d.getUTCMonth() + 1) : pad(d.getUTCMonth() + 1); break;
      case 'd': if (n > 2) return undefined; out += n === 1 ? String(d.getUTCDate()) : pad(d.getUTCDate()); break;
      case 'H': out += n === 1 ? String(h24) : pad(h24); break;
      case 'h': { const h12 = h24 % 12 || 12; out += n === 1 ? String(h12) : pad(h12); break; }
      case 'm': out += n === 1 ? String(d.getUTCMinutes()) : pad(d.getUTCMinutes()); break;
      case 's': out += n === 1 ? String(d.getUTCSeconds()) : pad(d.getUTCSeconds()); break;
      case 'f': if (n > 7) return undefined; out += pad(ticks, 7).slice(0, n); break;
      case 'F': { if (n > 7) return undefined; out += pad(ticks, 7).slice(0, n).replace(/0+$/, ''); break; }
      case 't': out += (h24 < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2); break;
      default:
        if (/[a-zA-Z]/.test(c)) return undefined;
        out += c.repeat(n);
    }
    i += n;
  }
  return out;
}

