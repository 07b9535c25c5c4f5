/** `Date.parse(text.slice(from, to))` for ISO 8601 UTC times as exports write them, else NaN (record-time.mjs). */
export function utcTimeMs(text: string, from: number, to: number): number;
/** A record's time: its first of `timeKeys` holding a number (ms; seconds for `_time`) or a date text (record-time.mjs). */
export function recordTimeReader(timeKeys: readonly string[]): (record: Record<string, unknown>) => number | undefined;
