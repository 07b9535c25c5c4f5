// Lines split on the bytes of large chunks give what a line-by-line reader gives, wherever the
// chunk boundaries fall.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines, splitLines } from '../../generators/replay/json-lines.ts';
import { readRecords } from '../../generators/replay/exports.ts';

/** The bytes cut into chunks of `size` bytes (the last one shorter). */
const chunked = (text: string, size: number): Buffer[] => {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};
const lines = (text: string, size: number) => [...splitLines(chunked(text, size))].map((l) => [l.line, l.text]);

describe('splitLines', () => {
  const text = '{"user":"zoë@contoso.com","city":"São Paulo"}\n{"emoji":"🔐","cjk":"東京"}\r\n\n  \n{"last":"no newline, ü"}';
  const want = [[1, '{"user":"zoë@contoso.com","city":"São Paulo"}'], [2, '{"emoji":"🔐","cjk":"東京"}'], [3, ''], [4, '  '], [5, '{"last":"no newline, ü"}']];

  it('gives the same lines for every chunk size: lines and UTF-8 characters split across chunks stay whole', () => {
    for (let size = 1; size <= Buffer.byteLength(text) + 1; size++) expect(lines(text, size), `chunks of ${size} bytes`).toEqual(want);
  });

  it('ends lines at \\n and \\r\\n, keeps blank lines so numbering stays right', () => {
    expect(lines('a\r\n\r\nb\n', 3)).toEqual([[1, 'a'], [2, ''], [3, 'b']]);
  });

  it('reads the last line without a newline, and nothing after a final newline', () => {
    expect(lines('a\nb', 64)).toEqual([[1, 'a'], [2, 'b']]);
    expect(lines('a\nb\n', 64)).toEqual([[1, 'a'], [2, 'b']]);
    expect(lines('', 64)).toEqual([]);
  });

  it('drops a UTF-8 byte-order mark at the start, even when it is split across chunks', () => {
    expect(lines('\uFEFF{"a":1}\n{"b":2}', 1)).toEqual([[1, '{"a":1}'], [2, '{"b":2}']]);
    // Nothing but the mark: no line, as an empty file (the parallel scan counts so too).
    for (const chunk of [1, 2, 64]) expect(lines('\uFEFF', chunk)).toEqual([]);
    expect(lines('\uFEFF\n', 64)).toEqual([[1, '']]);
  });

  it('keeps a line longer than many chunks whole', () => {
    const long = `{"x":"${'é'.repeat(5000)}"}`;
    expect(lines(`${long}\n${long}`, 7)).toEqual([[1, long], [2, long]]);
  });
});

describe('readLines and readRecords on a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'detc-lines-'));

  it('reads a file in small chunks as it reads it in one', () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, '{"a":"ü"}\r\n\n{"b":"🔐"}');
    expect([...readLines(file, 3)]).toEqual([...readLines(file)]);
    expect([...readLines(file, 3)].map((l) => l.text)).toEqual(['{"a":"ü"}', '', '{"b":"🔐"}']);
  });

  it('reports a bad line with its line number, blank lines counted', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"a":1}\n\n{not json}\r\n{"b":2}');
    const records = [];
    for await (const r of readRecords(file)) records.push(r);
    expect(records.map((r) => [r.line, r.record, r.problem === undefined])).toEqual([[1, { a: 1 }, true], [3, undefined, false], [4, { b: 2 }, true]]);
  });
});
