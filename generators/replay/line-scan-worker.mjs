// A worker thread of the parallel JSON Lines scan (parallel-scan.ts): it reads the byte ranges
// it is given (each a run of whole lines), and sends back, range by range, the lines a query can
// keep, with their line numbers in the range. Plain JavaScript on purpose: loading TypeScript
// through tsx in a worker costs about 0.4 s and 20 MB more, and this needs nothing but Node.
//
// A line is sent back when it holds one value of every group of `needs` (ASCII, compared
// case-insensitively, as the engines' raw pre-filters do), or holds a backslash, U+0130, U+212A
// or one of `alwaysPass` (the pre-filters cannot judge it), or does not look like one JSON object
// (`{` … `}`: the reader parses it and reports it if it is not JSON). Blank lines are counted as
// lines but not as records.
import { closeSync, openSync, readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const CR = 0x0d;
const OPEN = 0x7b;
const CLOSE = 0x7d;

const escapeRegex = (s) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * @param {{ file: string, units: [number, number][], first: number, step: number, needs: string[][],
 *   alwaysPass: string[], port: import('node:worker_threads').MessagePort, signal: SharedArrayBuffer, lookahead: number }} data
 */
function run({ file, units, first, step, needs, alwaysPass, port, signal, lookahead }) {
  const shared = new Int32Array(signal);
  const slot = 1 + first;
  // Candidates are found on the bytes read as Latin-1 (one character a byte, no decoding): an
  // ASCII value the decoded line holds is there too. A regex finds the first group's values; the
  // text that exempts a line is rare, and found by indexOf (much faster than one more
  // alternative): a backslash, U+0130 (UTF-8 C4 B0), U+212A (E2 84 AA), `alwaysPass`.
  const candidate = new RegExp((needs[0] ?? []).map(escapeRegex).join('|'), 'gi');
  const special = ['\\', '\xC4\xB0', '\xE2\x84\xAA', ...alwaysPass];
  const exempt = new RegExp(['[\\\\\u0130\u212a]', ...alwaysPass.map(escapeRegex)].join('|'));
  const groups = needs.map((any) => new RegExp(any.map(escapeRegex).join('|'), 'i'));
  const keeps = (text) => exempt.test(text) || groups.every((re) => re.test(text));
  const fd = openSync(file, 'r');
  try {
    for (let u = first; u < units.length; u += step) {
      // Never more than `lookahead` ranges ahead of the reader: what waits to be read is bounded.
      for (let consumed = Atomics.load(shared, 0); consumed < u - lookahead; consumed = Atomics.load(shared, 0)) Atomics.wait(shared, 0, consumed);
      const [start, end] = units[u];
      port.postMessage(scanRange(fd, start, end, candidate, special, keeps));
      Atomics.add(shared, slot, 1);
      Atomics.notify(shared, slot);
    }
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
    Atomics.add(shared, slot, 1);
    Atomics.notify(shared, slot);
  } finally {
    closeSync(fd);
  }
}

/** Where the next of `texts` occurs in `text` from `from` on (Infinity: nowhere). */
function nextOf(text, texts, from) {
  let next = Infinity;
  for (const t of texts) {
    const i = text.indexOf(t, from);
    if (i !== -1 && i < next) next = i;
  }
  return next;
}

/** One buffer a worker, grown to the longest range: what is kept of a range is copied out of it. */
let pool = Buffer.alloc(0);

function scanRange(fd, start, end, candidate, special, keeps) {
  if (pool.length < end - start) pool = Buffer.allocUnsafe(end - start);
  const bytes = pool.subarray(0, end - start);
  for (let at = 0; at < bytes.length;) {
    const n = readSync(fd, bytes, at, bytes.length - at, start + at);
    if (n <= 0) throw new Error(`the file is shorter than expected (changed while being read?) at byte ${start + at}`);
    at += n;
  }
  const text = bytes.toString('latin1');
  const kept = [];
  const at = [];
  let lines = 0;
  let records = 0;
  candidate.lastIndex = 0;
  let match = candidate.exec(text);
  let next = match === null ? Infinity : match.index;
  let nextSpecial = nextOf(text, special, 0);
  // A UTF-8 byte-order mark at the start of the file is not part of the first line.
  let lineStart = start === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (lineStart < text.length) {
    let newline = text.indexOf('\n', lineStart);
    if (newline === -1) newline = text.length;
    lines++;
    let lineEnd = newline;
    if (lineEnd > lineStart && bytes[lineEnd - 1] === CR) lineEnd--;
    const holds = next < newline || nextSpecial < newline;
    if (next < newline) {
      candidate.lastIndex = newline + 1;
      match = candidate.exec(text);
      next = match === null ? Infinity : match.index;
    }
    if (nextSpecial < newline) nextSpecial = nextOf(text, special, newline + 1);
    if (bytes[lineStart] === OPEN && bytes[lineEnd - 1] === CLOSE) {
      records++;
      if (holds) {
        const line = bytes.toString('utf8', lineStart, lineEnd);
        if (keeps(line)) (kept.push(line), at.push(lines));
      }
    } else {
      const line = bytes.toString('utf8', lineStart, lineEnd);
      if (line.trim() !== '') (records++, kept.push(line), at.push(lines));
    }
    lineStart = newline + 1;
  }
  return { lines, records, kept, at: Int32Array.from(at) };
}

run(workerData);
