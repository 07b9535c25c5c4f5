// When a Splunk saved search runs and which events it reads.
//
// A detection runs LATE_EVENT_DELAY after each schedule boundary and reads the lookback that
// ended at that boundary, snapped to the minute: schedule 1h, lookback 1h gives cron
// `5 * * * *`, earliest `-65m@m`, latest `-5m@m` (at 11:05 it reads 10:00–11:00, so a clock-hour
// window is whole, and events indexed up to five minutes late are still counted). This is
// Splunk's own advice: "Coordinate an alert schedule and search time range" and "Schedule
// alerts with at least one minute of delay" (Alerting Manual, "Alert scheduling tips", whose
// example is earliest -90m, latest -30m, cron `30 * * * *`). A hunt is not scheduled: it reads
// the lookback up to now. (savedsearches.conf.spec: cron_schedule, dispatch.earliest_time,
// dispatch.latest_time.)
import { formatDuration } from '../ir/durations.ts';

/** How late an event may be indexed and still be seen by the run that covers its time. */
export const LATE_EVENT_DELAY = 5 * 60;

export type CronResult = { readonly cron: string } | { readonly error: string };

/** The cron schedule of a detection run every `seconds`, LATE_EVENT_DELAY after each boundary. */
export function cronFor(seconds: number): CronResult {
  const delay = LATE_EVENT_DELAY / 60;
  const minutes = seconds / 60;
  const fail = (why: string): CronResult => ({ error: `schedule ${formatDuration(seconds)} cannot be a Splunk cron schedule: ${why}` });
  if (!Number.isInteger(minutes) || minutes < 1) return fail('it must be whole minutes');
  if (minutes === 1) return { cron: '* * * * *' };
  if (minutes < 60) {
    if (60 % minutes !== 0) return fail('a schedule under an hour must divide the hour (1m, 5m, 10m, 15m, 20m, 30m …)');
    const offset = delay % minutes;
    const list = Array.from({ length: 60 / minutes }, (_, i) => offset + i * minutes);
    return { cron: `${list.join(',')} * * * *` };
  }
  const hours = minutes / 60;
  if (hours === 1) return { cron: `${delay} * * * *` };
  if (Number.isInteger(hours) && hours < 24) {
    if (24 % hours !== 0) return fail('a schedule under a day must divide the day (1h, 2h, 3h, 4h, 6h, 8h, 12h)');
    const list = Array.from({ length: 24 / hours }, (_, i) => i * hours);
    return { cron: `${delay} ${list.join(',')} * * *` };
  }
  if (hours === 24) return { cron: `${delay} 0 * * *` };
  if (hours === 24 * 7) return { cron: `${delay} 0 * * 1` };
  return fail('use a divisor of the hour or of the day, 1d or 7d');
}

/** dispatch.earliest_time / dispatch.latest_time. */
export function dispatchWindow(kind: 'detection' | 'hunt', lookback: number): { readonly earliest: string; readonly latest: string } {
  if (kind === 'hunt') return { earliest: `-${formatDuration(lookback)}`, latest: 'now' };
  const minutes = (n: number) => `${Math.ceil(n / 60)}m`;
  return { earliest: `-${minutes(lookback + LATE_EVENT_DELAY)}@m`, latest: `-${minutes(LATE_EVENT_DELAY)}@m` };
}
