// The scan reads a record's time without Date.parse when it is written as exports write UTC
// times (record-time.mjs): it must give what Date.parse gives (the oracle: how `detc run` reads a
// time, per the ECMAScript Date Time String Format, https://tc39.es/ecma262/#sec-date-time-string-format),
// and leave every other text to Date.parse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utcTimeMs } from '../../generators/replay/record-time.mjs';

const read = (text: string) => utcTimeMs(`"${text}"`, 1, text.length + 1);

describe('utcTimeMs', () => {
  it('reads every time toISOString writes, and its second and 1–9 digit fraction forms, as Date.parse does', () => {
    const time = fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
    fc.assert(
      fc.property(time, fc.integer({ min: 0, max: 9 }), fc.nat(999_999), (date, digits, more) => {
        const iso = date.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
        const written = digits === 0 ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 20)}${`${iso.slice(20, 23)}${String(more).padStart(6, '0')}`.slice(0, digits)}Z`;
        expect(read(written), written).toBe(Date.parse(written));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives Date.parse\'s time or NaN (Date.parse decides) for near-misses: out-of-range fields, other separators, offsets', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const text = fc
      .record({
        year: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        month: two(14), day: two(33), hour: two(25), minute: two(61), second: two(61),
        fraction: fc.oneof(fc.constant(''), fc.constant('.'), fc.stringMatching(/^\.[0-9]{1,11}$/)),
        // Mostly the form read without Date.parse, so that both ways are seen often.
        zone: fc.oneof({ arbitrary: fc.constant('Z'), weight: 6 }, fc.constantFrom('z', '+00:00', '', 'Z ')),
        t: fc.oneof({ arbitrary: fc.constant('T'), weight: 6 }, fc.constantFrom('t', ' ')),
      })
      .map(({ year, month, day, hour, minute, second, fraction, zone, t }) => `${year}-${month}-${day}${t}${hour}:${minute}:${second}${fraction}${zone}`);
    let fast = 0;
    fc.assert(
      fc.property(text, (written) => {
        const ms = read(written);
        if (!Number.isNaN(ms)) fast++;
        expect(Number.isNaN(ms) || ms === Date.parse(written), written).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(100); // the property saw the fast path, not only NaN
  });

  it('leaves to Date.parse the days a month does not have, which Date.parse rolls over', () => {
    for (const t of ['2026-02-29T00:00:00Z', '2026-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '1900-02-29T00:00:00Z']) expect(read(t), t).toBeNaN();
    for (const t of ['2024-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2026-12-31T23:59:59Z']) expect(read(t), t).toBe(Date.parse(t));
    expect(Number.isNaN(Date.parse('2026-02-30T00:00:00Z'))).toBe(false); // why: V8 reads it as 2 March
  });

  it('reads the text between from and to only', () => {
    const line = '{"createdDateTime":"2026-07-01T11:00:00.1234567Z","x":1}';
    const from = line.indexOf('2026');
    expect(utcTimeMs(line, from, line.indexOf('"', from))).toBe(Date.parse('2026-07-01T11:00:00.123Z'));
  });
});
