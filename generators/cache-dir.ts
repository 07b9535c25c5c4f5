// Where detc keeps what it can make again (Kusto's analyses of query files, the checks of
// unchanged rules, V8's code cache, schema validators, parsed YAML): $DETC_CACHE_DIR, else
// $XDG_CACHE_HOME/detc, else ~/.cache/detc. DETC_NO_CACHE=1 turns every cache off. And how
// every cache writes its files: whole or not at all, checksummed where a damaged file could
// still be read, the oldest dropped past a bound.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The cache's folder for `kind` by the environment, or undefined when caches are turned off. */
export function detcCacheDir(kind: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DETC_NO_CACHE && env.DETC_NO_CACHE !== '0') return undefined;
  return join(env.DETC_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'detc'), kind);
}

/**
 * Writes `file` whole or not at all, for a process reading it at the same time: under another
 * name, then renamed. Makes its folder.
 */
export function writeWhole(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}

const hexSha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** `<SHA-256 of body, hex>\n<body>`: a torn or altered file fails checkedBody. */
export function withChecksum(body: string | Uint8Array): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`${hexSha256(bytes)}\n`), bytes]);
}

/** The body of what withChecksum wrote, or undefined when it does not match its checksum. */
export function checkedBody(stored: Buffer): Buffer | undefined {
  const body = stored.subarray(65);
  return stored.length >= 65 && stored[64] === 0x0a && stored.subarray(0, 64).toString('latin1') === hexSha256(body) ? body : undefined;
}

/** Keeps the `max` files of `dir` named `…suffix` most recently modified; removes the others. */
export function keepNewest(dir: string, suffix: string, max: number): void {
  const files = readdirSync(dir).filter((f) => f.endsWith(suffix));
  if (files.length <= max) return;
  const aged = files.map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs })).sort((a, b) => a.at - b.at);
  for (const { f } of aged.slice(0, files.length - max)) rmSync(join(dir, f), { force: true });
}
