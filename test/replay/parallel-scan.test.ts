// The parallel JSON Lines scan cuts a file into ranges of whole lines and filters them on worker
// threads: whatever the cuts, it must give exactly the lines (and line numbers) one reader
// going through the file with the same filter gives.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../generators/replay/json-lines.ts';
import { latestTimeInParallel, lineFilterTest, looksLikeObject, prestartScanWorkers, scanLinesInParallel, startLineScan, stopWaitingScanWorkers, waitingScanWorkers, type LineFilter } from '../../generators/replay/parallel-scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'detc-parallel-scan-'));
let files = 0;
const file = (content: string | Buffer) => {
  const path = join(dir, `export-${files++}.jsonl`);
  writeFileSync(path, content);
  return path;
};

const filter: LineFilter = { needs: [['IMAP4', 'POP3'], ['fail']] };

/** What one reader gives: non-blank lines the filter keeps, or that do not look like an object. */
function expected(path: string, f: LineFilter) {
  const keeps = lineFilterTest(f);
  const lines: { line: number; text: string }[] = [];
  let records = 0;
  let count = 0;
  for (const { line, text } of readLines(path)) {
    count = line;
    if (text.trim() === '') continue;
    records++;
    if (!looksLikeObject(text) || keeps(text)) lines.push({ line, text });
  }
  return { lines, counts: { lines: count, records, kept: lines.length } };
}

function scanned(path: string, f: LineFilter, workers: number, rangeBytes: number, pieceBytes?: number) {
  const counts = { lines: 0, records: 0, kept: 0 };
  const lines = [...scanLinesInParallel(path, f, counts, { workers, rangeBytes, ...(pieceBytes ? { pieceBytes } : {}) })];
  return { lines, counts };
}

const record = (app: string, result: string, extra = '') => JSON.stringify({ app, result, extra });

describe('scanLinesInParallel', () => {
  const lines = [
    record('IMAP4', 'fail'), record('Browser', 'fail'), '', record('pop3', 'FAIL'), record('IMAP4', 'ok'),
    '   ', '{"oops"', record('POP3', 'fail', 'ü日本'), record('Browser', 'fail', 'a\\"b'), record('Browser', 'x', '\u212Aelvin'),
    record('Browser', 'x', '\u0130'), 'not json at all', record('IMAP4', 'fail', '😀'.repeat(3)), '{"app":"IMAP4"} ', record('imap4', 'fail'),
  ];

  it.each([
    ['LF', lines.join('\n')],
    ['LF, with a final newline', `${lines.join('\n')}\n`],
    ['CRLF', `${lines.join('\r\n')}\r\n`],
    ['a byte-order mark', `\uFEFF${lines.join('\n')}`],
  ])('gives what one reader gives, whatever the cuts and workers (%s)', (_, content) => {
    const path = file(content);
    const want = expected(path, filter);
    expect(want.lines.length).toBeGreaterThan(3);
    for (const workers of [1, 2, 3]) {
      for (const rangeBytes of [1, 7, 16, 33, 64, 1 << 20]) {
        expect(scanned(path, filter, workers, rangeBytes), `${workers} workers, ranges of ${rangeBytes} bytes`).toEqual(want);
      }
    }
    // A worker decodes its range piece by piece, cut after a newline too.
    for (const pieceBytes of [1, 5, 16, 40]) expect(scanned(path, filter, 2, 1 << 20, pieceBytes), `pieces of ${pieceBytes} bytes`).toEqual(want);
  });

  it('decodes a UTF-8 character that a cut would have split, whole', () => {
    // Every range boundary candidate falls inside the 4-byte emoji of some line.
    const content = Array.from({ length: 40 }, (_, i) => record('IMAP4', 'fail', `${'x'.repeat(i % 4)}😀é`)).join('\n');
    const path = file(content);
    for (const rangeBytes of [2, 3, 5, 9]) {
      const got = scanned(path, filter, 2, rangeBytes);
      expect(got.lines.map((l) => l.text)).toEqual(content.split('\n'));
    }
    for (const pieceBytes of [2, 3, 5, 9]) expect(scanned(path, filter, 2, 1 << 20, pieceBytes).lines.map((l) => l.text)).toEqual(content.split('\n'));
  });

  it('works on a file smaller than the worker count, and on an empty file', () => {
    const one = file(record('IMAP4', 'fail'));
    expect(scanned(one, filter, 4, 1)).toEqual({ lines: [{ line: 1, text: record('IMAP4', 'fail') }], counts: { lines: 1, records: 1, kept: 1 } });
    expect(scanned(file(''), filter, 4, 1)).toEqual({ lines: [], counts: { lines: 0, records: 0, kept: 0 } });
    expect(scanned(file('\n\n'), filter, 4, 1)).toEqual({ lines: [], counts: { lines: 2, records: 0, kept: 0 } });
  });

  it('gives what one reader gives on generated exports, whatever the cuts, pieces and workers', () => {
    // Lines of every kind the scan tells apart (kept, dropped, exempt, blank, not JSON, long,
    // multi-byte), joined by LF or CRLF, with or without a byte-order mark and a final newline.
    const line = fc.oneof(
      fc.constantFrom('IMAP4', 'POP3', 'pop3', 'Browser').chain((app) => fc.tuple(fc.constantFrom('fail', 'ok'), fc.string({ maxLength: 30 })).map(([result, extra]) => record(app, result, extra))),
      fc.constantFrom('', '  ', '{"oops"', 'text', '[1]', '{"app":"IMAP4","result":"fail","x":"\u0130"}', `{"app":"K","x":"\u212A","result":"fail"}`),
      fc.string({ unit: 'binary', maxLength: 40 }).map((extra) => record('IMAP4', 'fail', extra)),
      fc.integer({ min: 200, max: 3000 }).map((n) => record('POP3', 'fail', 'é'.repeat(n))),
    );
    const content = fc.record({ lines: fc.array(line, { maxLength: 60 }), crlf: fc.boolean(), bom: fc.boolean(), final: fc.boolean() }).map(({ lines, crlf, bom, final }) => `${bom ? '\uFEFF' : ''}${lines.join(crlf ? '\r\n' : '\n')}${final ? '\n' : ''}`);
    fc.assert(
      fc.property(content, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 512 }), (text, workers, rangeBytes, pieceBytes) => {
        const path = file(text);
        expect(scanned(path, filter, workers, rangeBytes, pieceBytes)).toEqual(expected(path, filter));
      }),
      { numRuns: Number(process.env.SCAN_RUNS ?? 60) },
    );
  });

  it('reads a line longer than many ranges whole, once (its range grows, the next ones are empty)', () => {
    const long = record('IMAP4', 'fail', 'y'.repeat(10_000));
    const path = file([record('IMAP4', 'fail'), long, record('Browser', 'ok'), record('POP3', 'fail')].join('\n'));
    const want = expected(path, filter);
    expect(want.lines.map((l) => l.line)).toEqual([1, 2, 4]);
    for (const workers of [1, 2, 3]) for (const rangeBytes of [1, 8, 100, 4096]) expect(scanned(path, filter, workers, rangeBytes), `${workers} workers, ranges of ${rangeBytes} bytes`).toEqual(want);
  });

  it('keeps lines holding alwaysPass text', () => {
    const path = file([record('Browser', 'ok'), JSON.stringify({ _raw: 'x', app: 'Browser' })].join('\n'));
    expect(scanned(path, { ...filter, alwaysPass: ['"_raw"'] }, 2, 4).lines.map((l) => l.line)).toEqual([2]);
  });

  it('gives the same lines when read long after it started (the workers ran ahead meanwhile)', () => {
    const path = file(Array.from({ length: 3000 }, (_, i) => record(i % 3 ? 'Browser' : 'IMAP4', 'fail', String(i))).join('\n'));
    const want = expected(path, filter);
    const counts = { lines: 0, records: 0, kept: 0 };
    const scan = startLineScan(path, filter, counts, { workers: 2, rangeBytes: 64 });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    expect({ lines: [...scan.lines], counts }).toEqual(want);
  });

  it('has its helper scan only while the reader waits for a range', () => {
    const path = file(Array.from({ length: 4000 }, (_, i) => record(i % 3 ? 'Browser' : 'IMAP4', 'fail', String(i))).join('\n'));
    const want = expected(path, filter);
    // A reader busy elsewhere (compiling its query) while the worker scans the whole file.
    const counts = { lines: 0, records: 0, kept: 0 };
    const busy = startLineScan(path, filter, counts, { workers: 2, rangeBytes: 64 });
    const ranges = Math.ceil(statSync(path).size / 64);
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    for (let waited = 0; waited < 20_000 && sum(busy.claimed()) < ranges; waited += 20) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    expect({ lines: [...busy.lines], counts }).toEqual(want);
    const [worker, helper] = busy.claimed();
    expect([worker, helper]).toEqual([ranges, 0]);
    // A reader that does nothing but read waits on the scan: the helper takes ranges too.
    const idle = startLineScan(path, filter, { lines: 0, records: 0, kept: 0 }, { workers: 2, rangeBytes: 64 });
    expect([...idle.lines]).toEqual(want.lines);
    const claimed = idle.claimed();
    expect(sum(claimed)).toBe(ranges);
    expect(claimed[1]).toBeGreaterThan(0);
  });

  it('can be closed unread', () => {
    const path = file(Array.from({ length: 2000 }, () => record('IMAP4', 'fail')).join('\n'));
    const scan = startLineScan(path, filter, { lines: 0, records: 0, kept: 0 }, { workers: 2, rangeBytes: 64 });
    scan.close();
    scan.close();
  });

  it('stops its workers when the reader stops early', () => {
    const path = file(Array.from({ length: 2000 }, () => record('IMAP4', 'fail')).join('\n'));
    const counts = { lines: 0, records: 0, kept: 0 };
    let n = 0;
    for (const _ of scanLinesInParallel(path, filter, counts, { workers: 2, rangeBytes: 64 })) if (++n === 5) break;
    expect(n).toBe(5);
  });

  it('takes the workers prestarted for it (started before its filter was known), and starts only the rest', () => {
    const path = file(lines.join('\n'));
    const want = expected(path, filter);
    prestartScanWorkers({ workers: 2 });
    prestartScanWorkers({ workers: 2 }); // as many as a scan uses, however often asked
    expect(waitingScanWorkers()).toBe(2);
    expect(scanned(path, filter, 3, 64)).toEqual(want);
    expect(waitingScanWorkers()).toBe(0);
    prestartScanWorkers({ workers: 2 });
    stopWaitingScanWorkers();
    expect(waitingScanWorkers()).toBe(0);
    expect(scanned(path, filter, 2, 64)).toEqual(want);
  });
});

/** A record's time as `detc run` reads it from the parsed record (query-runs.ts): its first of `keys` holding a number or a date. */
const parsedTime = (keys: readonly string[]) => (r: Record<string, unknown>) => {
  for (const key of keys) {
    const v = r[key];
    if (typeof v === 'number') return key === '_time' ? v * 1000 : v;
    if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  }
  return undefined;
};

describe('latestTimeInParallel', () => {
  const keys = ['_time', 'createdDateTime', 'TimeGenerated'];
  const lines = [
    JSON.stringify({ createdDateTime: '2026-07-01T10:00:00Z' }), '', JSON.stringify({ TimeGenerated: '2026-07-01T11:30:00Z', note: 'é😀' }),
    JSON.stringify({ _time: 1782903600.5, createdDateTime: '2030-01-01T00:00:00Z' }), JSON.stringify({ createdDateTime: 'not a time', TimeGenerated: 1782900000000 }),
    JSON.stringify({ other: 1 }),
  ];

  it('finds the latest record time whatever the cuts and workers', () => {
    const path = file(`\uFEFF${lines.join('\r\n')}\r\n`);
    for (const workers of [1, 2, 3]) {
      for (const rangeBytes of [1, 10, 50, 1 << 20]) {
        expect(latestTimeInParallel(path, keys, { workers, rangeBytes })).toEqual({ latest: Date.parse('2026-07-01T11:30:00Z'), records: 5 });
      }
    }
    for (const pieceBytes of [1, 10, 50]) expect(latestTimeInParallel(path, keys, { workers: 2, rangeBytes: 1 << 20, pieceBytes })).toEqual({ latest: Date.parse('2026-07-01T11:30:00Z'), records: 5 });
  });

  it('stops at the first line that is not a JSON object, with its number', () => {
    const path = file([...lines, ...lines, '[1]', ...lines, 'oops'].join('\n'));
    for (const rangeBytes of [1, 30, 1 << 20]) {
      expect(latestTimeInParallel(path, keys, { workers: 2, rangeBytes })).toEqual({ bad: { line: 13, text: '[1]' } });
    }
    for (const pieceBytes of [1, 30]) expect(latestTimeInParallel(path, keys, { workers: 2, rangeBytes: 1 << 20, pieceBytes })).toEqual({ bad: { line: 13, text: '[1]' } });
  });

  it('reads past lines that are not JSON objects when the run skips them (pastBad): they have no time', () => {
    const later = JSON.stringify({ createdDateTime: '2026-07-01T13:00:00Z' });
    const path = file([...lines, '[1]', 'oops', later, ...lines].join('\n'));
    for (const rangeBytes of [1, 30, 1 << 20]) {
      expect(latestTimeInParallel(path, keys, { workers: 2, rangeBytes }, { pastBad: true })).toEqual({ latest: Date.parse('2026-07-01T13:00:00Z'), records: 13 });
    }
  });

  it('reads each record as a parse would, however its time is written', () => {
    // The workers read most times from the text without parsing: every case must agree with a parse.
    const timeOf = parsedTime(keys);
    const cases = [
      '{"createdDateTime":"2026-07-01T10:00:00Z"}',
      '{ "createdDateTime" : "2026-07-01T10:00:01Z" , "x": 1 }',
      '{"x":{"createdDateTime":"2031-01-01T00:00:00Z"},"TimeGenerated":"2026-07-01T10:00:02Z"}',
      '{"x":[{"_time":1999999999}],"createdDateTime":"2026-07-01T10:00:03Z"}',
      '{"note":"createdDateTime","TimeGenerated":"2026-07-01T10:00:04Z"}',
      '{"createdDateTime":"2026-07-01T10:00:05Z","createdDateTime":"2026-07-01T10:00:06Z"}',
      '{"createdDateTime":null,"TimeGenerated":"2026-07-01T10:00:07Z"}',
      '{"createdDateTime":"soon","TimeGenerated":1782900008000}',
      '{"_time":1782900009.5e0 ,"createdDateTime":"2031-01-01T00:00:00Z"}',
      '{"_time":"1782900010","TimeGenerated":"2026-07-01T10:00:11Z"}',
      '{"a":"\\"createdDateTime\\":\\"2031-01-01T00:00:00Z\\"","TimeGenerated":"2026-07-01T10:00:12Z"}',
      '{"createdDateTime":true,"TimeGenerated":-5}',
      '{"TimeGenerated":"2026-07-01T10:00:13Z","créé":"é"}',
      '{"other":1}',
    ];
    for (const [i, line] of cases.entries()) {
      const want = timeOf(JSON.parse(line) as Record<string, unknown>) ?? 0;
      expect(latestTimeInParallel(file(line), keys, { workers: 1 }), `case ${i + 1}: ${line}`).toEqual({ latest: Math.max(0, want), records: 1 });
    }
  });

  it('reads generated records as a parse would: keys nested, repeated, in strings, near-miss names, times of every form', () => {
    // Two sets of keys: the time keys of `detc run` (found by what they all hold, `ime`) and keys
    // with nothing in common (found by one regex).
    for (const timeKeys of [['_time', 'createdDateTime', 'TimeGenerated', 'Timestamp', 'time', 'timestamp'], ['ts', 'when']]) {
      const timeOf = parsedTime(timeKeys);
      const iso = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
      const value = fc.oneof(
        iso, iso.map((t) => `${t.slice(0, 19)}Z`), iso.map((t) => `${t.slice(0, 23)}4567Z`), iso.map((t) => t.replace('T', ' ')), iso.map((t) => t.replace('Z', '+02:00')),
        fc.constantFrom('2026-02-30T00:00:00Z', 'soon', '', '2026-07-01T25:00:00Z'), fc.integer({ min: 0, max: 2_000_000_000 }), fc.constant(null), fc.boolean(),
      );
      const name = fc.oneof(fc.constantFrom(...timeKeys), fc.constantFrom('lifetime', 'Time', 'timezone', 'whence', 'x'));
      const entry = fc.oneof(
        fc.tuple(name, value),
        fc.tuple(name, fc.tuple(name, value).map(([k, v]) => ({ [k]: v }))), // nested
        fc.tuple(name, fc.constantFrom(...timeKeys).map((k) => `"${k}":"2031-01-01T00:00:00Z"`)), // a key's text in a string
      );
      const line = fc.tuple(fc.array(entry, { maxLength: 5 }), fc.constantFrom('', ' ')).map(([entries, space]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}${space}:${space}${JSON.stringify(v)}`).join(',')}}`);
      fc.assert(
        fc.property(fc.array(line, { minLength: 1, maxLength: 3 }), (records) => {
          const want = Math.max(0, ...records.map((r) => timeOf(JSON.parse(r) as Record<string, unknown>) ?? 0));
          expect(latestTimeInParallel(file(records.join('\n')), timeKeys, { workers: 1 }), records.join('\n')).toEqual({ latest: want, records: records.length });
        }),
        { numRuns: Number(process.env.SCAN_RUNS ?? 60) },
      );
    }
  });

  it('gives 0 for an empty file', () => {
    expect(latestTimeInParallel(file(''), keys, { workers: 2 })).toEqual({ latest: 0, records: 0 });
  });
});

describe('startLineScan with latestKeys (one pass for the lines and the latest time)', () => {
  const keys = ['_time', 'createdDateTime', 'TimeGenerated'];
  const lines = [
    JSON.stringify({ app: 'IMAP4', result: 'fail', createdDateTime: '2026-07-01T10:00:00Z' }),
    JSON.stringify({ app: 'Browser', result: 'ok', createdDateTime: '2026-07-01T12:30:00Z' }), // the latest: a line the filter drops
    '',
    JSON.stringify({ app: 'POP3', result: 'fail', TimeGenerated: '2026-07-01T11:00:00Z', note: 'é😀' }),
    JSON.stringify({ app: 'Browser', x: { createdDateTime: '2031-01-01T00:00:00Z' }, createdDateTime: '2026-07-01T09:00:00Z' }),
  ];

  /** The lines and latest time of one scan, read to its end. */
  const scan = (path: string, workers: number, rangeBytes: number, pieceBytes?: number) => {
    const counts = { lines: 0, records: 0, kept: 0 };
    const s = startLineScan(path, filter, counts, { workers, rangeBytes, ...(pieceBytes ? { pieceBytes } : {}) }, { latestKeys: keys });
    const kept = [...s.lines];
    return { kept, latest: s.latest(), counts };
  };

  it('keeps the lines the filter keeps, and finds the latest time of every line, as the two passes do', () => {
    const many = Array.from({ length: 30 }, () => lines).flat();
    const path = file(many.join('\r\n'));
    const want = { kept: expected(path, filter).lines, latest: (latestTimeInParallel(path, keys, { workers: 1 }) as { latest: number }).latest, counts: expected(path, filter).counts };
    expect(want.latest).toBe(Date.parse('2026-07-01T12:30:00Z'));
    expect(want.kept.length).toBeGreaterThan(30);
    for (const workers of [1, 2, 3]) for (const rangeBytes of [1, 40, 1 << 20]) expect(scan(path, workers, rangeBytes), `${workers} workers, ranges of ${rangeBytes} bytes`).toEqual(want);
    for (const pieceBytes of [1, 30]) expect(scan(path, 2, 1 << 20, pieceBytes)).toEqual(want);
  });

  it('keeps a line the latest-time pass would stop at, though the filter drops it, for the reader to report', () => {
    // Looks like an object, holds a time key the workers cannot read without a parse (twice), is no JSON.
    const bad = '{"app": "Browser", "createdDateTime": "2026-07-01T10:00:00Z", "createdDateTime": oops}';
    const path = file([...lines, bad, ...lines].join('\n'));
    expect(latestTimeInParallel(path, keys, { workers: 1 })).toEqual({ bad: { line: 6, text: bad } });
    for (const rangeBytes of [1, 40, 1 << 20]) expect(scan(path, 2, rangeBytes).kept.filter((l) => l.text === bad)).toEqual([{ line: 6, text: bad }]);
  });

  it('tells the latest time only once every line is read', () => {
    const s = startLineScan(file(lines.join('\n')), filter, { lines: 0, records: 0, kept: 0 }, { workers: 2, rangeBytes: 16 }, { latestKeys: keys });
    expect(() => s.latest()).toThrow(/once its lines are read/);
    s.close();
  });
});
