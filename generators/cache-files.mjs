// How detc's caches write and check their files, and how a CommonJS file runs through V8's code
// cache: plain JavaScript, as bin/cli-loader.js uses them before any bundle (or tsx) is loaded;
// cache-dir.ts and code-cache.ts give them to the sources.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Writes `file` whole or not at all, for a process reading it at the same time: under another
 * name, then renamed. Makes its folder.
 *
 * @param {string} file
 * @param {string | Uint8Array} data
 */
export function writeWhole(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}

/** @param {Uint8Array} data */
const hexSha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * `<SHA-256 of body, hex>\n<body>`: a torn or altered file fails checkedBody.
 *
 * @param {string | Uint8Array} body
 * @returns {Buffer}
 */
export function withChecksum(body) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`${hexSha256(bytes)}\n`), bytes]);
}

/**
 * The body of what withChecksum wrote, or undefined when it does not match its checksum.
 *
 * @param {Buffer} stored
 * @returns {Buffer | undefined}
 */
export function checkedBody(stored) {
  const body = stored.subarray(65);
  return stored.length >= 65 && stored[64] === 0x0a && stored.subarray(0, 64).toString('latin1') === hexSha256(body) ? body : undefined;
}

/**
 * `require(file)` for a CommonJS file that nothing else requires, compiled with V8's code cache
 * kept in the file `entry`. V8 checks an entry's header (its V8, the source's hash, the flags) but
 * not its body, and a damaged body crashed the process (SIGSEGV, no message) until the entry was
 * deleted: entries are written with a checksum, and one that fails it is not given to V8. An
 * entry missing, failing or refused by V8 is made at process exit (so that it holds every
 * function compiled by then, not only the load's), best effort; `stored` runs once it is written.
 * `importModuleDynamically`: what an `import()` in the file loads with (vm.Script's option).
 *
 * @param {string} file
 * @param {string} entry
 * @param {{ importModuleDynamically?: import('node:vm').ScriptOptions['importModuleDynamically'], stored?: () => void }} [options]
 * @returns {{ exports: unknown, cached: boolean }} cached: whether V8 took the entry
 */
export function requireThroughCodeCache(file, entry, options = {}) {
  let cachedData;
  try {
    cachedData = checkedBody(readFileSync(entry));
  } catch {
    cachedData = undefined;
  }
  // The wrapper CommonJS gives a module (Node's own, in Module.wrap).
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
  const script = new Script(source, {
    filename: file,
    ...(options.importModuleDynamically ? { importModuleDynamically: options.importModuleDynamically } : {}),
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  if (!cached) {
    process.once('exit', () => {
      try {
        writeWhole(entry, withChecksum(script.createCachedData()));
        options.stored?.();
      } catch {
        // Read-only or full disk: the next load compiles again.
      }
    });
  }
  return { exports: module.exports, cached };
}
