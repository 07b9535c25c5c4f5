// A large CommonJS dependency loaded with V8's code cache: V8 compiles a script's source before
// running it, and can hand back what it compiled (vm.Script#createCachedData) to skip that the
// next time. Kusto's language service is 4 MB of JavaScript: its load took ≈ 0.2 s, ≈ 0.1 s with
// the cache. Node 22 does this for every module (module.enableCompileCache); Node 20, which we
// support, does not.
//
// Where: v8-code/ in detc's cache folder (cache-dir.ts); DETC_NO_CACHE=1 turns it off. An entry
// is named for the file (path, size, modification time) and the Node that made it (version,
// architecture, flags); V8 checks it again on use and refuses one that does not fit, and a
// refused or missing entry is made again. Only the newest entry of each file is kept. V8 checks
// an entry's header (its V8, source and flags), not its body: given a damaged body, every process
// loading Kusto crashed (SIGSEGV, no message) until the entry was deleted. So an entry is stored
// with a checksum (cache-dir.ts withChecksum), and one that fails it is made again.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { checkedBody, withChecksum, writeWhole } from './cache-dir.ts';

/** How the last file was loaded: for tests. */
export type CodeCacheUse = 'used' | 'made' | 'off';
let lastUse: CodeCacheUse = 'off';
export const lastCodeCacheUse = (): CodeCacheUse => lastUse;

/**
 * `require(file)` for a CommonJS file that nothing else requires, compiled with the code cache in
 * `dir` (none: a plain require). The entry is made at process exit, so that it holds every
 * function compiled by then, not only those the load itself ran.
 */
export function requireWithCodeCache(file: string, dir: string | undefined): unknown {
  const require = createRequire(file);
  if (!dir) {
    lastUse = 'off';
    return require(file);
  }
  const stat = statSync(file);
  const origin = `${file}\n${stat.size}\n${stat.mtimeMs}\n${process.version} ${process.arch} ${process.execArgv.join(' ')}`;
  const prefix = `${basename(file)}-`;
  const entry = join(dir, `${prefix}${createHash('sha256').update(origin).digest('hex').slice(0, 24)}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = checkedBody(readFileSync(entry));
  } catch {
    cachedData = undefined;
  }
  // The wrapper CommonJS gives a module (Node's own, in Module.wrap).
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, file, dirname(file));
  lastUse = cachedData && !script.cachedDataRejected ? 'used' : 'made';
  if (lastUse === 'made') process.once('exit', () => store(script, dir, entry, prefix));
  return module.exports;
}

/** Best effort: a cache that cannot be written is no error. */
function store(script: Script, dir: string, entry: string, prefix: string): void {
  try {
    writeWhole(entry, withChecksum(script.createCachedData()));
    for (const old of readdirSync(dir)) if (old.startsWith(prefix) && join(dir, old) !== entry && !old.endsWith('.partial')) rmSync(join(dir, old), { force: true });
  } catch {
    // Read-only or full disk: the next load compiles again.
  }
}
