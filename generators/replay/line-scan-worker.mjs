// A worker thread of the parallel JSON Lines scan (parallel-scan.ts): it claims byte ranges of
// the file (each a run of whole lines) in file order, and sends back range by range what its
// task asks.
// Plain JavaScript on purpose: loading TypeScript through tsx in a worker costs about 0.4 s and
// 20 MB more, and this needs nothing but Node.
//
// Task `latest`: the latest record time of the range, read from the text of most lines and by a
// parse of the others (or the range's first line that is not a JSON object). Task `filter`: the lines a query can keep, with their line numbers in
// the range. A line is sent back when it holds one value of every group of `needs` (ASCII, compared
// case-insensitively, as the engines' raw pre-filters do), or holds a backslash, U+0130, U+212A
// or one of `alwaysPass` (the pre-filters cannot judge it), or does not look like one JSON object
// (`{` … `}`: the reader parses it and reports it if it is not JSON). Blank lines are counted as
// lines but not as records.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { recordTimeReader, utcTimeMs } from './record-time.mjs';

const CR = 0x0d;
const OPEN = 0x7b;
const CLOSE = 0x7d;

const escapeRegex = (s) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

// The shared counters (parallel-scan.ts says the same): ranges the reader has taken, characters
// of kept lines sent and not yet taken, the next range no worker has claimed, whether the reader
// is waiting for a range, each worker's count of results sent, then each range's worker (index + 1).
const TAKEN = 0;
const PENDING = 1;
const NEXT = 2;
const READER_WAITING = 3;
const FIRST_SENT = 4;

/**
 * Workers claim ranges in file order, one at a time, each sending its results in the order it
 * claimed them. A helper claims one only while the reader waits for a range: when the reader's
 * own work (the engine, on the lines kept) is what the run waits for, the helper leaves the core
 * to it; when the reader waits on the scan, it scans too.
 *
 * Range u is the lines that start in bytes [u × rangeBytes, (u + 1) × rangeBytes) of the file: each
 * worker finds where its ranges' lines start and end (no pass over the file before the workers
 * start); a line longer than a range makes its range longer and the next ones empty.
 *
 * @param {{ task: 'filter' | 'latest', file: string, size: number, rangeBytes: number, ranges: number, index: number, helper: boolean, workers: number,
 *   needs?: string[][], alwaysPass?: string[], latestKeys?: string[], timeKeys?: string[], pastBad?: boolean, pieceBytes?: number,
 *   port: import('node:worker_threads').MessagePort, signal: SharedArrayBuffer, lookahead: number, pendingChars: number }} data
 */
function run(data) {
  const { file, size, rangeBytes, ranges, index, helper, workers, port, signal, lookahead, pendingChars } = data;
  const shared = new Int32Array(signal);
  const sent = FIRST_SENT + index;
  const owners = FIRST_SENT + workers;
  const scan = data.task === 'latest' ? latestScanner(data.timeKeys ?? [], data.pastBad ?? false) : filterScanner(data.needs ?? [], data.alwaysPass ?? [], data.latestKeys, data.pastBad ?? false);
  const pieceBytes = data.pieceBytes ?? PIECE_BYTES;
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      if (helper) while (Atomics.load(shared, NEXT) < ranges && Atomics.load(shared, READER_WAITING) === 0) Atomics.wait(shared, READER_WAITING, 0);
      const u = Atomics.add(shared, NEXT, 1);
      if (u >= ranges) break;
      Atomics.store(shared, owners + u, index + 1);
      Atomics.notify(shared, owners + u);
      // More than `lookahead` ranges ahead of the reader, a worker goes on only while the kept
      // lines waiting to be read hold fewer than `pendingChars` characters: bounded memory, yet
      // free to run far ahead while the reader is busy elsewhere (compiling its query).
      for (let taken = Atomics.load(shared, TAKEN); taken < u - lookahead && Atomics.load(shared, PENDING) > pendingChars; taken = Atomics.load(shared, TAKEN)) Atomics.wait(shared, TAKEN, taken);
      const start = lineStartAt(fd, size, u * rangeBytes);
      const end = Math.max(start, lineStartAt(fd, size, (u + 1) * rangeBytes));
      const result = scan(readRange(fd, start, end), start === 0, pieceBytes);
      if (result.kept) {
        let chars = 0;
        for (const line of result.kept) chars += line.length;
        result.chars = chars;
        Atomics.add(shared, PENDING, chars);
      }
      port.postMessage(result);
      Atomics.add(shared, sent, 1);
      Atomics.notify(shared, sent);
    }
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
    Atomics.add(shared, sent, 1);
    Atomics.notify(shared, sent);
  } finally {
    closeSync(fd);
  }
}

/**
 * A range is decoded piece by piece, each piece a run of whole lines of at most this many bytes
 * (or one longer line): V8 makes a string under 128 KiB in its young generation, but a larger
 * one in its large-object space, page by page — decoding 1M sign-ins (400 MB) as 512 KiB
 * strings costs 0.4 s of CPU, as 64 KiB strings 0.13 s.
 */
const PIECE_BYTES = 64 * 1024;

/** [from, to) pieces of whole lines of `bytes` (ending just after a newline, but the last), about `pieceBytes` each. */
function piecesOf(bytes, pieceBytes) {
  const pieces = [];
  for (let from = 0; from < bytes.length;) {
    let to = Math.min(from + Math.max(pieceBytes, 1), bytes.length);
    if (to < bytes.length) {
      const newline = bytes.lastIndexOf(0x0a, to - 1);
      to = newline >= from ? newline + 1 : nextLineEnd(bytes, to);
    }
    pieces.push([from, to]);
    from = to;
  }
  return pieces;
}

/** Just after the first newline at or after `at` (the end when there is none). */
function nextLineEnd(bytes, at) {
  const newline = bytes.indexOf(0x0a, at);
  return newline === -1 ? bytes.length : newline + 1;
}

const NEWLINE = 0x0a;
const window = Buffer.allocUnsafe(4096);

/** Where the first line that starts at or after byte `at` starts: just after a newline (a cut never falls inside a line, so never inside a UTF-8 character, and a CR stays with its LF). */
function lineStartAt(fd, size, at) {
  if (at <= 0) return 0;
  for (let from = at - 1; from < size;) {
    const n = readSync(fd, window, 0, Math.min(window.length, size - from), from);
    if (n <= 0) break;
    const newline = window.subarray(0, n).indexOf(NEWLINE);
    if (newline !== -1) return from + newline + 1;
    from += n;
  }
  return size;
}

/** One buffer a worker, grown to the longest range: what is kept of a range is copied out of it. */
let pool = Buffer.alloc(0);

function readRange(fd, start, end) {
  if (pool.length < end - start) pool = Buffer.allocUnsafe(end - start);
  const bytes = pool.subarray(0, end - start);
  for (let at = 0; at < bytes.length;) {
    const n = readSync(fd, bytes, at, bytes.length - at, start + at);
    if (n <= 0) throw new Error(`the file is shorter than expected (changed while being read?) at byte ${start + at}`);
    at += n;
  }
  return bytes;
}

/** What a quick read of a line's time returns when only a parse can tell. */
const UNSURE = Symbol('unsure');
/** What a line's time reader returns for a blank line, and for one that is no JSON object. */
const BLANK = Symbol('blank');
const BAD = Symbol('bad');
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NOT_ASCII = /[^\x00-\x7f]/;

/** The first offset from `i` on that is not JSON white space (a loop: a sticky regex cost a third of reading a line's time). */
const skipSpace = (text, i) => {
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  return i;
};

/** The first offset of `char` after `at` in `text` (Infinity: none). */
function indexAfter(text, char, at) {
  const i = text.indexOf(char, at + 1);
  return i === -1 ? Infinity : i;
}

/** Whether offset `at` of a backslash-free JSON object text starting at `from` is outside strings, in the outer object. */
function atTopLevel(text, from, at) {
  let depth = 0;
  let inString = false;
  for (let i = from; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) inString = !inString;
    else if (!inString) {
      if (c === OPEN || c === 0x5b) depth++;
      else if (c === CLOSE || c === 0x5d) depth--;
    }
  }
  return !inString && depth === 1;
}

/**
 * Finds `keys` (texts without a newline) in a text, in order, as a regex of them all would: for
 * each text, `at` (Infinity past the last) and `text` of the current one, and `next()`. When
 * every key holds a common part, as the time keys hold `ime`, that part is looked for by
 * indexOf and each find checked against the keys: twice as fast as the regex over a piece.
 */
function keyFinder(keys) {
  const part = commonPart(keys);
  if (part.length < 2) {
    const regex = new RegExp(keys.map(escapeRegex).join('|'), 'g');
    return (text) => {
      regex.lastIndex = 0;
      const found = { at: Infinity, text: '', next() {
        const match = regex.exec(text);
        found.at = match === null ? Infinity : match.index;
        found.text = match === null ? '' : match[0];
      } };
      found.next();
      return found;
    };
  }
  // Each key, with where the part is in it (as often as it is), as parallel arrays.
  const placedKeys = [];
  const offsets = [];
  for (const key of keys) for (let o = key.indexOf(part); o !== -1; o = key.indexOf(part, o + 1)) (placedKeys.push(key), offsets.push(o));
  return (text) => {
    let from = 0;
    const found = { at: Infinity, text: '', next() {
      for (let p = text.indexOf(part, from); p !== -1; p = text.indexOf(part, p + 1)) {
        for (let k = 0; k < placedKeys.length; k++) {
          const start = p - offsets[k];
          const key = placedKeys[k];
          // Its first character tells most keys apart before a comparison of the whole.
          if (start >= from && text.charCodeAt(start) === key.charCodeAt(0) && text.startsWith(key, start)) {
            found.at = start;
            found.text = key;
            from = start + key.length;
            return;
          }
        }
      }
      found.at = Infinity;
      found.text = '';
      from = text.length;
    } };
    found.next();
    return found;
  };
}

/** The longest text every one of `texts` holds ('' if none). */
function commonPart(texts) {
  const [shortest = '', ...others] = [...texts].sort((a, b) => a.length - b.length);
  for (let length = shortest.length; length > 0; length--) {
    for (let i = 0; i + length <= shortest.length; i++) {
      const part = shortest.slice(i, i + length);
      if (others.every((t) => t.includes(part))) return part;
    }
  }
  return '';
}

/**
 * The reader of line times of task `latest` (and of task `filter` with `latestKeys`): given a
 * piece as Latin-1 (one character a byte, so offsets are byte offsets; a parsed line is decoded
 * as UTF-8), a function called for each of its lines, in order, that gives the line's time,
 * undefined (none), BLANK or BAD (no JSON object). Most lines are read without
 * a parse: a line `{` … `}` without a backslash that holds one time key, once, at the top level,
 * followed by a date text (ASCII) or a plain number, has that time; one holding no time key has
 * none (a UTC time as exports write it is read without Date.parse: record-time.mjs). Every other
 * line is parsed. A line that looks like an object is taken to be one here.
 */
function lineTimeReader(timeKeys) {
  const timeOf = recordTimeReader(timeKeys);
  const keyAt = new Map(timeKeys.map((k, i) => [`"${k}"`, i]));
  const keys = keyFinder([...keyAt.keys()]);
  /** The time of the one key at `at` (its text `key`) of line [from, to), or UNSURE; `nested`: whether a `{` or `[` comes between. */
  const quick = (text, from, to, key, at, nested) => {
    // With no `{` or `[` before it but the line's own, the key is in the outer object (in JSON
    // without backslashes, a key's opening quote cannot close a string): no walk needed.
    if (nested && !atTopLevel(text, from, at)) return UNSURE;
    let i = skipSpace(text, at + key.length);
    if (text.charCodeAt(i) !== COLON) return UNSURE;
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) === QUOTE) {
      const end = text.indexOf('"', i + 1);
      if (end === -1 || end > to) return UNSURE;
      const utc = utcTimeMs(text, i + 1, end);
      if (utc === utc) return utc; // not NaN: the common case, read without Date.parse
      const value = text.slice(i + 1, end);
      if (NOT_ASCII.test(value)) return UNSURE;
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? undefined : ms; // the only time key: no other to fall back on
    }
    JSON_NUMBER.lastIndex = i;
    const number = JSON_NUMBER.exec(text);
    if (number === null || JSON_NUMBER.lastIndex > to) return UNSURE;
    const after = text.charCodeAt(skipSpace(text, JSON_NUMBER.lastIndex));
    if (after !== COMMA && after !== CLOSE) return UNSURE;
    const v = Number(number[0]);
    return timeKeys[keyAt.get(key)] === '_time' ? v * 1000 : v;
  };
  return (text) => {
    const key = keys(text);
    let backslash = text.indexOf('\\');
    // The next `{` and `[` after the current line's first byte, found again once a line passes them.
    let brace = -1;
    let bracket = -1;
    return (bytes, from, lineEnd, newline) => {
      let found = 0;
      let first = '';
      let firstAt = 0;
      while (key.at < newline) {
        if (found++ === 0) (first = key.text, firstAt = key.at);
        key.next();
      }
      let slash = false;
      while (backslash !== -1 && backslash < newline) {
        slash = true;
        backslash = text.indexOf('\\', newline + 1);
      }
      const shaped = !slash && bytes[from] === OPEN && bytes[lineEnd - 1] === CLOSE;
      if (shaped) {
        if (found === 0) return undefined;
        if (found === 1) {
          if (brace <= from) brace = indexAfter(text, '{', from);
          if (bracket <= from) bracket = indexAfter(text, '[', from);
          const t = quick(text, from, lineEnd, first, firstAt, brace < firstAt || bracket < firstAt);
          if (t !== UNSURE) return t;
        }
      }
      const line = bytes.toString('utf8', from, lineEnd);
      if (!shaped && line.trim() === '') return BLANK;
      let record;
      try {
        record = JSON.parse(line);
      } catch {
        return BAD;
      }
      return record === null || typeof record !== 'object' || Array.isArray(record) ? BAD : timeOf(record);
    };
  };
}

/**
 * Task `latest`: (range bytes, whether the range starts the file) → { lines, records, latest, bad? },
 * each line's time read by lineTimeReader; the scan stops at a line that is not a JSON object,
 * unless `pastBad` (the run skips such records): then the line has no time.
 */
function latestScanner(timeKeys, pastBad) {
  const lineTimes = lineTimeReader(timeKeys);
  const scanPiece = (bytes, startsFile) => {
    const text = bytes.latin1Slice(0, bytes.length);
    const timeOfLine = lineTimes(text);
    let latest = 0;
    let lines = 0;
    let records = 0;
    let lineStart = startsFile && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    while (lineStart < text.length) {
      let newline = text.indexOf('\n', lineStart);
      if (newline === -1) newline = text.length;
      lines++;
      const lineEnd = newline > lineStart && bytes[newline - 1] === CR ? newline - 1 : newline;
      const t = timeOfLine(bytes, lineStart, lineEnd, newline);
      const from = lineStart;
      lineStart = newline + 1;
      if (t === BLANK) continue;
      records++;
      if (t === BAD) {
        if (pastBad) continue;
        return { lines, records, latest, bad: { at: lines, text: bytes.toString('utf8', from, lineEnd) } };
      }
      if (t !== undefined && t > latest) latest = t;
    }
    return { lines, records, latest };
  };
  return (bytes, startsFile, pieceBytes) => {
    let latest = 0;
    let lines = 0;
    let records = 0;
    for (const [from, to] of piecesOf(bytes, pieceBytes)) {
      const piece = scanPiece(bytes.subarray(from, to), startsFile && from === 0);
      if (piece.bad) return { lines: lines + piece.lines, records: records + piece.records, latest, bad: { at: lines + piece.bad.at, text: piece.bad.text } };
      latest = Math.max(latest, piece.latest);
      lines += piece.lines;
      records += piece.records;
    }
    return { lines, records, latest };
  };
}

/**
 * Task `filter`: (range bytes, whether the range starts the file) → { lines, records, kept, at }.
 * With `latestKeys`, also task `latest`'s answer for every line of the range, read from the same
 * text (one pass instead of two): `latest`; a line task `latest` finds bad is kept (the reader
 * reports it), and the range's lines after it are not read for their time (unless `pastBad`: the
 * run skips such records, and every line's time counts).
 */
function filterScanner(needs, alwaysPass, latestKeys, pastBad) {
  // Candidates are found on the bytes read as Latin-1 (one character a byte, no decoding): an
  // ASCII value the decoded line holds is there too. A regex finds the first group's values; the
  // text that exempts a line is rare, and found by indexOf (much faster than one more
  // alternative): a backslash, U+0130 (UTF-8 C4 B0), U+212A (E2 84 AA), `alwaysPass`.
  const candidate = new RegExp((needs[0] ?? []).map(escapeRegex).join('|'), 'gi');
  // (`"_raw"` is looked for as `_raw"`: a search starting at every quote would be slow.)
  const special = ['\\', '\xC4\xB0', '\xE2\x84\xAA', ...alwaysPass.map((t) => t.replace(/^"+(?=.)/, ''))];
  const exempt = new RegExp(['[\\\\\u0130\u212a]', ...alwaysPass.map(escapeRegex)].join('|'));
  const groups = needs.map((any) => new RegExp(any.map(escapeRegex).join('|'), 'i'));
  const keeps = (text) => exempt.test(text) || groups.every((re) => re.test(text));
  const lineTimes = latestKeys ? lineTimeReader(latestKeys) : undefined;
  return (bytes, startsFile, pieceBytes) => scanRange(bytes, startsFile, pieceBytes, candidate, special, keeps, lineTimes, pastBad);
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

function scanRange(bytes, startsFile, pieceBytes, candidate, special, keeps, lineTimes, pastBad) {
  const result = { lines: 0, records: 0, kept: [], at: [], latest: 0, lineTimes, pastBad };
  for (const [from, to] of piecesOf(bytes, pieceBytes)) scanPiece(bytes.subarray(from, to), startsFile && from === 0, candidate, special, keeps, result);
  return { lines: result.lines, records: result.records, kept: result.kept, at: Int32Array.from(result.at), ...(lineTimes ? { latest: result.latest } : {}) };
}

/**
 * Adds a piece's lines, records and kept lines (numbered on from `result.lines`) to `result`;
 * with `result.lineTimes` (task latest's reader of line times), the latest time of its lines too:
 * a line that reader finds to be no JSON object is kept, and the lines after it are not read
 * for their times (the reader stops at that line) unless `result.pastBad`.
 */
function scanPiece(bytes, startsFile, candidate, special, keeps, result) {
  const text = bytes.latin1Slice(0, bytes.length);
  const { kept, at } = result;
  let { latest } = result;
  let timeOfLine = result.lineTimes?.(text);
  let lines = result.lines;
  let records = result.records;
  candidate.lastIndex = 0;
  let match = candidate.exec(text);
  let next = match === null ? Infinity : match.index;
  let nextSpecial = nextOf(text, special, 0);
  // A UTF-8 byte-order mark at the start of the file is not part of the first line.
  let lineStart = startsFile && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
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
    if (timeOfLine) {
      const t = timeOfLine(bytes, lineStart, lineEnd, newline);
      if (t === BAD) {
        if (at[at.length - 1] !== lines) (kept.push(bytes.toString('utf8', lineStart, lineEnd)), at.push(lines));
        if (!result.pastBad) timeOfLine = result.lineTimes = undefined;
      } else if (typeof t === 'number' && t > latest) latest = t;
    }
    lineStart = newline + 1;
  }
  result.lines = lines;
  result.records = records;
  result.latest = latest;
}

// The task comes as a message, not as workerData: a worker can be started before its task is known.
parentPort.once('message', run);
