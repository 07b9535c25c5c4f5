// Shorthand for the engine tests: run a search on a few events with a pinned "now".
import { runSpl, type SplRunOptions } from '../../../generators/spl/engine/index.ts';

/** 2026-07-01T12:00:00Z. */
export const NOW = Date.parse('2026-07-01T12:00:00Z');
export const NOW_S = NOW / 1000;

export type Event = Record<string, unknown>;

export function run(search: string, events: readonly Event[] = [], options: Partial<SplRunOptions> = {}): Record<string, unknown>[] {
  return runSpl(search, events, { now: NOW, ...options }).rows;
}

export function columns(search: string, events: readonly Event[] = [], options: Partial<SplRunOptions> = {}): string[] {
  return runSpl(search, events, { now: NOW, ...options }).columns;
}

/** The values of one field over the result rows. */
export function pluck(rows: readonly Record<string, unknown>[], field: string): unknown[] {
  return rows.map((r) => r[field]);
}

/** Events numbered 1…n, one second apart ending at now - 60 s, with the given fields. */
export function events(...fields: Event[]): Event[] {
  return fields.map((f, i) => ({ _time: NOW_S - 60 - (fields.length - i), ...f }));
}
