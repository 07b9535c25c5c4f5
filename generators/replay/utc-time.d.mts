/** `Date.parse(text.slice(from, to))` for ISO 8601 UTC times as exports write them, else NaN (utc-time.mjs). */
export function utcTimeMs(text: string, from: number, to: number): number;
