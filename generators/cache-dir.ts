// Where detc keeps what it can make again (Kusto's analyses of query files, the checks of
// unchanged rules, V8's code cache, schema validators, parsed YAML): $DETC_CACHE_DIR, else
// $XDG_CACHE_HOME/detc, else ~/.cache/detc. DETC_NO_CACHE=1 turns every cache off. And how
// every cache writes its files: whole or not at all, checksummed where a damaged file could
// still be read, the oldest dropped past a bound.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Whole writes and the checksum live in plain JavaScript, as bin/cli-loader.js uses them too.
export { checkedBody, withChecksum, writeWhole } from './cache-files.mjs';

/** The cache's folder for `kind` by the environment, or undefined when caches are turned off. */
export function detcCacheDir(kind: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DETC_NO_CACHE && env.DETC_NO_CACHE !== '0') return undefined;
  return join(env.DETC_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'detc'), kind);
}

/** Keeps the `max` files of `dir` named `…suffix` most recently modified; removes the others. */
export function keepNewest(dir: string, suffix: string, max: number): void {
  const files = readdirSync(dir).filter((f) => f.endsWith(suffix));
  if (files.length <= max) return;
  const aged = files.map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs })).sort((a, b) => a.at - b.at);
  for (const { f } of aged.slice(0, files.length - max)) rmSync(join(dir, f), { force: true });
}
