// Where detc keeps what it can make again (Kusto's analyses of query files, the checks of
// unchanged rules): $DETC_CACHE_DIR, else $XDG_CACHE_HOME/detc, else ~/.cache/detc.
// DETC_NO_CACHE=1 turns every cache off.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The cache's folder for `kind` by the environment, or undefined when caches are turned off. */
export function detcCacheDir(kind: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DETC_NO_CACHE && env.DETC_NO_CACHE !== '0') return undefined;
  return join(env.DETC_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'detc'), kind);
}
