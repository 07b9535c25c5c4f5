// A record's time as `detc run` reads it, the same on the main thread (query-runs.ts) and in the
// scan's workers (line-scan-worker.mjs), which must agree on it; and the epoch milliseconds of an
// ISO 8601 UTC time written as exports write it, without Date.parse: reading the latest time of
// a million records (a run without --now) spent more on Date.parse than on anything else.
// Plain JavaScript: the workers import it without tsx.

const DIGIT_0 = 0x30;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The value of the two ASCII digits at `at` of `text`, or -1 if one is not a digit. */
function twoDigits(text, at) {
  const tens = text.charCodeAt(at) - DIGIT_0;
  const ones = text.charCodeAt(at + 1) - DIGIT_0;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/** Days from 1970-01-01 to the given date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil). */
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * `Date.parse(text.slice(from, to))` when that text is `YYYY-MM-DDTHH:mm:ssZ` or the same with a
 * fraction of a second of 1 to 9 digits before the Z (V8 keeps its first three), and names a
 * real date and time (hour 00–23, a day the month has); NaN for any other text, for which only
 * Date.parse can tell (it reads other forms, and rolls 2026-02-30 over to March).
 *
 * @param {string} text
 * @param {number} from
 * @param {number} to
 * @returns {number}
 */
export function utcTimeMs(text, from, to) {
  const length = to - from;
  if (length < 20 || length > 30 || text.charCodeAt(to - 1) !== 0x5a /* Z */) return NaN;
  if (text.charCodeAt(from + 4) !== 0x2d || text.charCodeAt(from + 7) !== 0x2d || text.charCodeAt(from + 10) !== 0x54 /* T */) return NaN;
  if (text.charCodeAt(from + 13) !== 0x3a || text.charCodeAt(from + 16) !== 0x3a) return NaN;
  let ms = 0;
  if (length > 20) {
    // `.` and 1–9 digits: milliseconds are the first three (V8 drops the others).
    if (text.charCodeAt(from + 19) !== 0x2e || length === 21) return NaN;
    for (let i = from + 20, scale = 100; i < to - 1; i++, scale /= 10) {
      const d = text.charCodeAt(i) - DIGIT_0;
      if (d < 0 || d > 9) return NaN;
      if (scale >= 1) ms += d * scale;
    }
  }
  const century = twoDigits(text, from);
  const yearOfCentury = twoDigits(text, from + 2);
  const month = twoDigits(text, from + 5);
  const day = twoDigits(text, from + 8);
  const hour = twoDigits(text, from + 11);
  const minute = twoDigits(text, from + 14);
  const second = twoDigits(text, from + 17);
  if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  const year = century * 100 + yearOfCentury;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
}

/**
 * A record's time (epoch milliseconds): its first key of `timeKeys` holding a number (epoch
 * milliseconds; seconds for `_time`) or a text Date.parse reads; undefined when none does.
 *
 * @param {readonly string[]} timeKeys
 * @returns {(record: Record<string, unknown>) => number | undefined}
 */
export function recordTimeReader(timeKeys) {
  return (record) => {
    for (const key of timeKeys) {
      const v = record[key];
      if (typeof v === 'number') return key === '_time' ? v * 1000 : v;
      if (typeof v === 'string') {
        const utc = utcTimeMs(v, 0, v.length);
        if (utc === utc) return utc;
        const ms = Date.parse(v);
        if (!Number.isNaN(ms)) return ms;
      }
    }
    return undefined;
  };
}
