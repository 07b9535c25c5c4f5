// The data of YAML files parsed before, kept between runs: the yaml library takes ≈ 1.5 ms to
// parse a 3 KB rule file (2 s of a 1,000-rule build whose rules did not change: most of it),
// and reading the same data back takes ≈ 0.02 ms. Only files that parsed without any error or
// warning are kept, under the SHA-256 of their text (and this module's format and the yaml
// library's version): the same text gives the same data. Where each part came from is not kept;
// a document from here parses its text when asked (yaml-document.ts), which only a problem to
// report does.
//
// The same entries go from the main thread to the check workers as it parses (shareYamlData).
//
// Where: yaml-data.bin in detc's cache folder (cache-dir.ts); DETC_NO_CACHE=1 turns it off. One
// file for every content: each entry a v8-serialised buffer (deserialised on each use, so no two
// documents share an object), the file checksummed, written whole at the main thread's exit when
// new entries were made, at most MAX_ENTRIES kept (the oldest go).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { isMainThread, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { checkedBody, detcCacheDir, withChecksum, writeWhole } from '../cache-dir.ts';

/** Bump when what an entry holds changes other than by the yaml library's version. */
const FORMAT = 1;
/** ≈ 4 contents of a thousand rule files. */
const MAX_ENTRIES = 4000;

interface Pack {
  readonly file: string;
  readonly entries: Map<string, Uint8Array>;
  added: number;
}

let pack: Pack | null | undefined;
let version: string | undefined;

function openPack(): Pack | null {
  if (pack !== undefined) return pack;
  const dir = detcCacheDir('yaml-data');
  if (!dir) return (pack = null);
  const file = join(dir, 'documents.bin');
  let entries = new Map<string, Uint8Array>();
  try {
    const body = checkedBody(readFileSync(file));
    if (body) {
      const read = deserialize(body) as unknown;
      if (read instanceof Map) entries = read as Map<string, Uint8Array>;
    }
  } catch {
    // None yet, or unreadable: start empty.
  }
  return (pack = { file, entries, added: 0 });
}

function keyOf(text: string): string {
  version ??= `${FORMAT} yaml ${(createRequire(import.meta.url)('yaml/package.json') as { version: string }).version}`;
  return createHash('sha256').update(version).update('\n').update(text).digest('hex');
}

/** The data of `text` parsed before (in an earlier run, or by another thread of this one), or undefined. */
export function storedYamlData(text: string): { data: unknown } | undefined {
  takeArrived();
  const open = openPack();
  if (!open && taken.size === 0) return undefined;
  const key = keyOf(text);
  const found = open?.entries.get(key) ?? taken.get(key);
  if (!found) return undefined;
  try {
    return { data: deserialize(found) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * Keeps the data `text` parsed to (without error or warning): in the pack, to be written at
 * exit, and for the threads this one shares its YAML with (shareYamlData).
 */
export function keepYamlData(text: string, data: unknown): void {
  // Only the main thread writes the pack and shares: a worker thread's entries would never be written.
  // A `__proto__` key is an own property in the parsed data but the prototype when data is
  // built again: such a text is simply parsed each time.
  if (!isMainThread || text.includes('__proto__')) return;
  const open = openPack();
  const key = keyOf(text);
  if (open?.entries.has(key) || madeHere.has(key)) return;
  const entry = serialize(data);
  madeHere.set(key, entry);
  for (const send of sharers) send(key, entry);
  if (!open) return;
  open.entries.set(key, entry);
  if (open.added++ === 0) process.once('exit', flushYamlData);
}

/** The entries this thread made in this run (not read from the pack), in order. */
const madeHere = new Map<string, Uint8Array>();
const sharers = new Set<(key: string, entry: Uint8Array) => void>();
/** Entries another thread made in this run, from takeYamlDataFrom's port. */
const taken = new Map<string, Uint8Array>();
let arriving: MessagePort | undefined;

/**
 * Hands `send` every entry this thread has made in this run and every one it makes until the
 * returned function is called, whether or not there is a cache folder: how the check workers of
 * `detc build` and `detc test` get the rule files the main thread parsed while loading the
 * catalog, instead of parsing again each rule they take (≈ 3 ms of the ≈ 30 ms a rule costs
 * there). A worker reads the pack itself: entries read from it are not sent.
 */
export function shareYamlData(send: (key: string, entry: Uint8Array) => void): () => void {
  for (const [key, entry] of madeHere) send(key, entry);
  sharers.add(send);
  return () => void sharers.delete(send);
}

/**
 * Where the entries another thread shares with this one arrive (posted `[key, entry]` by its
 * shareYamlData): each read here first takes those that have arrived by then.
 */
export function takeYamlDataFrom(port: MessagePort): void {
  arriving = port;
}

function takeArrived(): void {
  if (!arriving) return;
  for (let m = receiveMessageOnPort(arriving); m; m = receiveMessageOnPort(arriving)) {
    const [key, entry] = m.message as [string, Uint8Array];
    taken.set(key, entry);
  }
}

/**
 * Writes the entries made since the pack was read (at the main thread's exit; worker threads
 * only read). Best effort: a cache that cannot be written is no error.
 */
export function flushYamlData(): void {
  const open = pack;
  if (!open || open.added === 0) return;
  open.added = 0;
  try {
    writeWhole(open.file, withChecksum(serialize(new Map([...open.entries].slice(-MAX_ENTRIES)))));
  } catch {
    // Read-only or full disk: parsed again next time.
  }
}

/** For tests: forget the pack read (the next use reads the cache folder again) and what this run made or was given. */
export function forgetYamlData(): void {
  pack = undefined;
  madeHere.clear();
  taken.clear();
  arriving = undefined;
}
