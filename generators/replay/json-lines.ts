// Lines of a large text file, read in big chunks and split on the bytes: a line is decoded from
// UTF-8 only once it is whole, so a multibyte character split across two chunks stays intact.
// `\n` and `\r\n` end lines; a UTF-8 byte-order mark at the start is dropped; the last line
// needs no newline. Blank lines are given too (numbering stays right): callers skip them.
import { closeSync, openSync, readSync } from 'node:fs';

export interface TextLine {
  /** 1-based line number. */
  readonly line: number;
  readonly text: string;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const CHUNK_BYTES = 4 * 1024 * 1024;

/** The lines of a file, read `chunkBytes` at a time (synchronously: nothing else waits on it). */
export function* readLines(file: string, chunkBytes = CHUNK_BYTES): Generator<TextLine> {
  const fd = openSync(file, 'r');
  try {
    yield* splitLines(chunksOf(fd, chunkBytes));
  } finally {
    closeSync(fd);
  }
}

function* chunksOf(fd: number, chunkBytes: number): Generator<Buffer> {
  // A fresh buffer per chunk: lines of the previous chunk may still be held (a carried tail).
  for (;;) {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const n = readSync(fd, buffer, 0, chunkBytes, null);
    if (n <= 0) return;
    yield n === chunkBytes ? buffer : buffer.subarray(0, n);
  }
}

/** Splits byte chunks into lines; a line may span any number of chunks. */
export function* splitLines(chunks: Iterable<Uint8Array>): Generator<TextLine> {
  let carried: Buffer[] = [];
  let line = 0;
  const text = (bytes: Buffer, start: number, end: number): TextLine => {
    if (end > start && bytes[end - 1] === CR) end--;
    const t = bytes.toString('utf8', start, end);
    line++;
    return { line, text: line === 1 && t.charCodeAt(0) === 0xfeff ? t.slice(1) : t };
  };
  for (const chunk of chunks) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      if (carried.length > 0) {
        carried.push(bytes.subarray(start, end));
        const whole = Buffer.concat(carried);
        carried = [];
        yield text(whole, 0, whole.length);
      } else yield text(bytes, start, end);
      start = end + 1;
    }
    if (start < bytes.length) carried.push(bytes.subarray(start));
  }
  if (carried.length > 0) {
    const rest = Buffer.concat(carried);
    // A file holding nothing but a byte-order mark holds no line, as an empty file.
    const bomOnly = line === 0 && rest.length === 3 && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf;
    if (!bomOnly) yield text(rest, 0, rest.length);
  }
}
