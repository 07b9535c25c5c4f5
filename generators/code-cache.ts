// A large CommonJS dependency loaded with V8's code cache: V8 compiles a script's source before
// running it, and can hand back what it compiled (vm.Script#createCachedData) to skip that the
// next time. Kusto's language service is 4 MB of JavaScript: its load took ≈ 0.2 s, ≈ 0.1 s with
// the cache. Node 22 does this for every module (module.enableCompileCache); Node 20, which we
// support, does not. The mechanism (an entry checksummed, made at exit) is cache-files.mjs's,
// which bin/cli-loader.js uses for the CLI's own bundle too.
//
// Where: v8-code/ in detc's cache folder (cache-dir.ts); DETC_NO_CACHE=1 turns it off. An entry
// is named for the file (path, size, modification time) and the Node that made it (version,
// architecture, flags); V8 checks its header again on use and refuses one that does not fit, a
// damaged body fails its checksum, and a refused, damaged or missing entry is made again. Only
// the newest entry of each file is kept.
import { createHash } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { requireThroughCodeCache } from './cache-files.mjs';

/** How the last file was loaded: for tests. */
export type CodeCacheUse = 'used' | 'made' | 'off';
let lastUse: CodeCacheUse = 'off';
export const lastCodeCacheUse = (): CodeCacheUse => lastUse;

/**
 * `require(file)` for a CommonJS file that nothing else requires, compiled with the code cache in
 * `dir` (none: a plain require).
 */
export function requireWithCodeCache(file: string, dir: string | undefined): unknown {
  if (!dir) {
    lastUse = 'off';
    return createRequire(file)(file);
  }
  const stat = statSync(file);
  const origin = `${file}\n${stat.size}\n${stat.mtimeMs}\n${process.version} ${process.arch} ${process.execArgv.join(' ')}`;
  const prefix = `${basename(file)}-`;
  const entry = join(dir, `${prefix}${createHash('sha256').update(origin).digest('hex').slice(0, 24)}.bin`);
  // Once the entry is written, the file's older entries go.
  const dropOlder = () => {
    for (const old of readdirSync(dir)) if (old.startsWith(prefix) && join(dir, old) !== entry && !old.endsWith('.partial')) rmSync(join(dir, old), { force: true });
  };
  const { exports, cached } = requireThroughCodeCache(file, entry, { stored: dropOlder });
  lastUse = cached ? 'used' : 'made';
  return exports;
}
