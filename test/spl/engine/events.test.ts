// Events as the engine reads them: Splunk add-on rows (materialize), KV_MODE=json extraction,
// input shapes, and the order events are searched in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventToRow, jsonKeysFor, PARSED_RAW } from '../../../generators/spl/engine/events.ts';
import { hasLossyNumber, parseJson } from '../../../generators/spl/engine/json.ts';
import { loadLogSources } from '../../../generators/logsources/loader.ts';
import { materialize } from '../../../generators/replay/materialize.ts';
import type { CanonicalEvent } from '../../../generators/rules/fixtures.ts';
import { NOW_S, pluck, run } from './support.ts';

const entra = loadLogSources().get('entra_signin')!;
const signin: CanonicalEvent = {
  timestamp: Date.parse('2026-07-01T10:02:11Z'),
  user: 'adele.vance@contoso.com',
  src_ip: '203.0.113.7',
  client_app: 'IMAP4',
  result_code: 50126,
};

describe('events', () => {
  it('reads materialized Splunk rows: _time in seconds, dotted field names', () => {
    const rows = materialize([signin], entra, 'splunk').rows;
    expect(run('sourcetype="azure:aad:signin" status.errorCode=50126 clientAppUsed=imap4', rows)).toHaveLength(1);
    expect(run('* | table _time userPrincipalName', rows)).toEqual([{ _time: 1782900131, userPrincipalName: 'adele.vance@contoso.com' }]);
  });

  it('reads an event\'s _raw parsed by its caller (PARSED_RAW) as it reads _raw: JSON.parse\'s value, unless a number would lose its text', () => {
    const object = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 8 });
    fc.assert(
      fc.property(object, fc.boolean(), (value, projected) => {
        const raw = JSON.stringify(value);
        const jsonKeys = projected ? jsonKeysFor(new Set(Object.keys(value).slice(0, 2))) : undefined;
        const parsed = hasLossyNumber(raw) ? parseJson(raw) : JSON.parse(raw);
        expect(eventToRow({ _raw: raw, _time: 1, [PARSED_RAW]: parsed }, jsonKeys)).toEqual(eventToRow({ _raw: raw, _time: 1 }, jsonKeys));
      }),
      { numRuns: 500 },
    );
    // It is read instead of _raw (no second parse), so it must be _raw's own value.
    expect(eventToRow({ _raw: '{"a":"x"}', _time: 1, [PARSED_RAW]: { a: 'y' } }).get('a')).toBe('y');
    // Where JSON.parse would differ: the caller must not pass its value.
    expect(hasLossyNumber('{"n":1.0}')).toBe(true);
    expect(eventToRow({ _raw: '{"n":1.0}', _time: 1 }).get('n')).toBe('1.0');
  });

  it('extracts fields from _raw JSON as KV_MODE=json does when the event has none', () => {
    const [row] = materialize([signin], entra, 'splunk').rows;
    const rawOnly = { _time: row!._time, _raw: row!._raw, sourcetype: row!.sourcetype };
    expect(run('* | table userPrincipalName status.errorCode', [rawOnly])).toEqual([{ userPrincipalName: 'adele.vance@contoso.com', 'status.errorCode': 50126 }]);
  });

  it('keeps fields an event already has, and does not re-extract _raw then', () => {
    expect(run('* | table a b', [{ _time: NOW_S, _raw: '{"a":1,"b":2}', a: 'given' }])).toEqual([{ a: 'given' }]);
  });

  it('a raw value written with JSON escapes is still found', () => {
    expect(run('app=IMAP4', [{ _time: NOW_S, _raw: '{"app":"\\u0049MAP4"}' }])).toHaveLength(1);
    expect(run('app=IMAP4', [{ _time: NOW_S, _raw: '{"app":"POP3"}' }])).toHaveLength(0);
  });

  it('flattens nested input objects and turns Booleans into text', () => {
    const [row] = run('*', [{ _time: NOW_S, status: { errorCode: 0 }, ok: true, tags: ['a', 'b'], details: [{ k: 1 }, { k: 2 }] }]);
    expect(row).toMatchObject({ 'status.errorCode': 0, ok: 'true', tags: ['a', 'b'], 'details{}.k': [1, 2] });
  });

  it('searches newest first; events with the same _time keep their order', () => {
    const data = [{ _time: 1, id: 'a' }, { _time: 2, id: 'b' }, { _time: 2, id: 'c' }, { _time: 3, id: 'd' }];
    expect(pluck(run('*', data), 'id')).toEqual(['d', 'b', 'c', 'a']);
    expect(pluck(run('*', [data[2]!, data[0]!, data[3]!, data[1]!]), 'id')).toEqual(['d', 'c', 'b', 'a']);
  });

  it('reads _time given as an ISO timestamp', () => {
    expect(run('* | table _time', [{ _time: '2026-07-01T10:02:11Z' }])).toEqual([{ _time: 1782900131 }]);
  });
});
