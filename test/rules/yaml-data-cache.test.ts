// The data of YAML files parsed before (generators/rules/yaml-data-cache.ts): a document read
// back from the cache holds exactly the data a parse gives (-0, NaN, infinities and key order
// included) and finds every part where a parse does; a text
// with any problem is never kept; a damaged cache file is ignored.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRuleFiles } from '../../generators/catalog.ts';
import { projectPath } from '../../generators/paths.ts';
import { flushYamlData, forgetYamlData, shareYamlData, storedYamlData, takeYamlDataFrom } from '../../generators/rules/yaml-data-cache.ts';
import { parseYamlDocument, yamlTextsParsed, type DataPath } from '../../generators/rules/yaml-document.ts';

const TRICKY = [
  'a: -0\nb: .nan\nc: -.inf\nd: 0x1F\ne: 1e3\nf: "1e3"\ng: ~\nh: [1, "two", {three: 3}]\n',
  'base: &b {x: 1, y: [1, 2]}\none: *b\ntwo: *b\n',
  'text: |\n  line one\n  line two\nfolded: >-\n  a\n  b\nquoted: "tab\\there \\u00e9"\n',
  'z: 1\na: 2\nm: 3\n"10": ten\n"2": two\n',
  'unicode: "İK ß ς"\nemoji: "🔐"\nempty: ""\n',
];

/** Data as text, keys in order, with what JSON loses: -0, NaN, ±Infinity, undefined. */
const exactly = (data: unknown): string =>
  JSON.stringify(data, (_, v: unknown) => (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? `number:${Object.is(v, -0) ? '-0' : String(v)}` : v === undefined ? 'undefined' : v));

/** Every path to a value in `data`, to ask both documents where it is. */
function pathsOf(data: unknown, path: DataPath = [], found: DataPath[] = []): DataPath[] {
  found.push(path);
  if (Array.isArray(data)) data.forEach((v, i) => pathsOf(v, [...path, i], found));
  else if (data && typeof data === 'object') for (const [k, v] of Object.entries(data)) pathsOf(v, [...path, k], found);
  return found;
}

describe('the cache of parsed YAML data', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.DETC_NO_CACHE = '';
    process.env.DETC_CACHE_DIR = mkdtempSync(join(tmpdir(), 'detc-yaml-data-'));
    forgetYamlData();
  });
  afterEach(() => {
    process.env.DETC_NO_CACHE = saved.DETC_NO_CACHE;
    process.env.DETC_CACHE_DIR = saved.DETC_CACHE_DIR;
    forgetYamlData();
  });

  it('gives back the data a parse gives, and finds every part where the parse does', () => {
    const files = [...findRuleFiles(projectPath()), ...readdirSync(projectPath('schemas/logsources')).map((f) => projectPath('schemas/logsources', f))];
    const texts = [...files.map((f) => readFileSync(f, 'utf8')), ...TRICKY];
    const parsed = texts.map((text, i) => parseYamlDocument(`file${i}.yml`, text).doc!);
    expect(parsed.every(Boolean)).toBe(true);
    flushYamlData();
    forgetYamlData(); // as a new process: the cache file read again
    let located = 0;
    texts.forEach((text, i) => {
      expect(storedYamlData(text), `text ${i}`).toBeDefined();
      const cached = parseYamlDocument(`file${i}.yml`, text).doc!;
      expect(exactly(cached.data)).toBe(exactly(parsed[i]!.data));
      expect(cached.data).toStrictEqual(parsed[i]!.data);
      for (const path of pathsOf(parsed[i]!.data)) {
        expect(cached.locate(path)).toEqual(parsed[i]!.locate(path));
        expect(cached.locate(path, { key: true })).toEqual(parsed[i]!.locate(path, { key: true }));
        located++;
      }
    });
    expect(located).toBeGreaterThan(1000);
    // Each use gets data of its own.
    expect(parseYamlDocument('a.yml', TRICKY[1]!).doc!.data).not.toBe(parseYamlDocument('a.yml', TRICKY[1]!).doc!.data);
  });

  it('never keeps a text with a problem, nor one with a __proto__ key', () => {
    for (const text of ['a: 1\na: 2\n', 'a: [1, 2\n', 'a: *nowhere\n', '__proto__: {polluted: 1}\n']) {
      const first = parseYamlDocument('bad.yml', text);
      expect(storedYamlData(text)).toBeUndefined();
      const again = parseYamlDocument('bad.yml', text);
      expect(again.diagnostics).toEqual(first.diagnostics);
      expect(exactly(again.doc?.data)).toBe(exactly(first.doc?.data));
    }
  });

  it('ignores a damaged cache file', () => {
    parseYamlDocument('a.yml', TRICKY[0]!);
    flushYamlData();
    const dir = join(process.env.DETC_CACHE_DIR!, 'yaml-data');
    const [file] = readdirSync(dir);
    const good = readFileSync(join(dir, file!));
    // A byte of a string changed ("two" → "twp"): still a valid serialisation, caught by the checksum.
    const flipped = Buffer.from(good);
    const at = flipped.lastIndexOf(Buffer.from('two'));
    expect(at).toBeGreaterThan(32);
    flipped.write('twp', at);
    for (const damaged of [flipped, good.subarray(0, good.length - 7), Buffer.from('not a cache'), Buffer.alloc(0)]) {
      writeFileSync(join(dir, file!), damaged);
      forgetYamlData();
      expect(storedYamlData(TRICKY[0]!)).toBeUndefined();
      expect(exactly(parseYamlDocument('a.yml', TRICKY[0]!).doc!.data)).toBe(exactly({ a: -0, b: NaN, c: -Infinity, d: 31, e: 1000, f: '1e3', g: null, h: [1, 'two', { three: 3 }] }));
    }
  });

  it("hands another thread the entries this run makes (not those read from the cache file), which that thread's reads then find", () => {
    parseYamlDocument('old.yml', TRICKY[0]!);
    flushYamlData();
    forgetYamlData(); // a new run: TRICKY[0] comes from the cache file
    parseYamlDocument('old.yml', TRICKY[0]!);
    parseYamlDocument('a.yml', TRICKY[1]!);
    // As between threads: the entries posted to a port, taken from the other end.
    const { port1, port2 } = new MessageChannel();
    let sent = 0;
    const stop = shareYamlData((key, entry) => (port1.postMessage([key, entry]), sent++));
    parseYamlDocument('b.yml', TRICKY[2]!);
    parseYamlDocument('b.yml', TRICKY[2]!); // made once, sent once
    stop();
    parseYamlDocument('c.yml', TRICKY[3]!);
    expect(sent).toBe(2);
    // The other thread: no cache file of its own (DETC_NO_CACHE=1), only what it was handed.
    process.env.DETC_NO_CACHE = '1';
    forgetYamlData();
    takeYamlDataFrom(port2);
    const before = yamlTextsParsed();
    expect(exactly(parseYamlDocument('a.yml', TRICKY[1]!).doc!.data)).toBe(exactly({ base: { x: 1, y: [1, 2] }, one: { x: 1, y: [1, 2] }, two: { x: 1, y: [1, 2] } }));
    expect(parseYamlDocument('b.yml', TRICKY[2]!).doc!.locate(['folded'])).toEqual({ file: 'b.yml', line: 4, col: 9 });
    expect(yamlTextsParsed() - before).toBe(1); // only to locate a part
    expect(storedYamlData(TRICKY[0]!)).toBeUndefined();
    expect(storedYamlData(TRICKY[3]!)).toBeUndefined();
    port1.close();
  });
});
