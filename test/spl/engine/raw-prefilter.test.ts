// The base search skips events whose _raw cannot hold the values it looks for, before parsing
// them: that shortcut must never drop an event the search itself matches.
import { describe, expect, it } from 'vitest';
import { runSpl } from '../../../generators/spl/engine/index.ts';

/** The same events as _raw JSON (pre-filtered) and with their fields extracted (never pre-filtered). */
const both = (records: Record<string, unknown>[]) => ({
  raw: records.map((r, i) => ({ _time: 1000 + i, _raw: JSON.stringify(r) })),
  extracted: records.map((r, i) => ({ _time: 1000 + i, _raw: JSON.stringify(r), ...r })),
});
const count = (search: string, events: Record<string, unknown>[]) => runSpl(`${search} | stats count`, events, { now: 10_000_000 }).rows[0]!.count;

describe('the _raw pre-filter of the base search', () => {
  const records = [
    { app: 'IMAP4' }, { app: 'imap4' }, { app: 'Exchange ActiveSync' }, { app: 'EXCHANGE ACTIVESYNC' },
    { app: '\u212Aafka' }, { app: 'kafka' }, { app: '\u0130map4' }, { app: 'POP3', other: 'x' }, { app: 'Browser' },
    { app: 'a.b' }, { app: 'aXb' },
  ];
  const { raw, extracted } = both(records);

  it.each([
    'app IN ("IMAP4", "Exchange ActiveSync")',
    'app="kafka"',
    'app="Kafka" OR app="pop3"',
    'app="a.b"',
    '(app="imap4" OR app="browser") app!="x"',
  ])('%s: as many events from _raw as from extracted fields', (search) => {
    expect(count(search, raw)).toBe(count(search, extracted));
  });

  it('matches case-insensitively, the Kelvin sign K as k (it lowercases to k)', () => {
    expect(count('app="KAFKA"', raw)).toBe(count('app="KAFKA"', extracted));
    expect(count('app="a.b"', raw)).toBe(1);
  });
});
