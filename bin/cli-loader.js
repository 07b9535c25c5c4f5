// How bin/detc.js loads the CLI: the TypeScript sources bundled into one JavaScript file by
// esbuild (tsx's own dependency), made again whenever a source changes (its name holds a hash of
// every file under generators/), and kept in node_modules/.cache/detc/. Loading one file costs
// Node ≈0.15 s where tsx's loader hooks, file by file, cost ≈0.45 s and ≈45 MB more — every
// command, `detc run` on a large export included. The CLI's bundle is CommonJS, compiled through
// V8's code cache (as Kusto is: generators/cache-files.mjs), which Node 20 has no way to do for an
// ES module: ≈ 30 ms to load instead of ≈ 54 ms. Whatever goes wrong (no esbuild, a read-only
// folder, DETC_NO_CACHE=1), the sources run through tsx as they are.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { constants as vmConstants } from 'node:vm';
import { requireThroughCodeCache } from '../generators/cache-files.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = join(ROOT, 'generators');
const CACHE = join(ROOT, 'node_modules', '.cache', 'detc');
/** Bump when what goes into a bundle changes other than by the sources (the build options below). */
const FORMAT = 8;

/** The CLI's `main`. */
export async function loadCli() {
  if (!process.env.DETC_NO_CACHE || process.env.DETC_NO_CACHE === '0') {
    try {
      const { bundle } = await cliBundle();
      return loadWithCodeCache(bundle).main;
    } catch {
      // Run the sources as they are.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../generators/cli.ts')).main;
}

/**
 * The CLI's CommonJS bundle, required through V8's code cache (generators/cache-files.mjs, as
 * Kusto is): its entry beside the bundle, named for the bundle and the Node that made it (version,
 * architecture, flags). A Node without the default loader for a script's `import()` (older than
 * 20.12) requires the bundle plainly.
 */
function loadWithCodeCache(file) {
  if (!vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER) return createRequire(file)(file);
  const node = createHash('sha256').update(`${process.version} ${process.arch} ${process.execArgv.join(' ')}`).digest('hex').slice(0, 12);
  const entry = join(dirname(file), `v8-${basename(file)}-${node}.bin`);
  return requireThroughCodeCache(file, entry, { importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).exports;
}

function sourceFiles(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, found);
    else found.push(path);
  }
  return found;
}

/**
 * The CLI's bundle, made now if it is not there, and its Kusto snapshot's files (the blob may
 * not be made yet); exported for the benchmarks.
 */
export async function cliBundle() {
  const require = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  // esbuild's version from its package.json: loading esbuild itself is needed only to bundle.
  const esbuildVersion = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
  // Kusto's files are in the hash too: the Kusto snapshot, named like the bundles, holds them.
  const hash = createHash('sha256').update(`${FORMAT} ${esbuildVersion} ${process.version} ${kustoFiles()}\n`);
  for (const file of sourceFiles(SOURCES).sort()) hash.update(`${file}\n`).update(readFileSync(file));
  // Named for this copy of the project (node_modules may be shared), then for its sources. The
  // worker threads (`detc build` and `detc test` checks, the writer of dist/ and caches, `detc
  // run`'s Kusto analysis) run a bundle of their own each, named alike.
  const named = `${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}-${hash.digest('hex').slice(0, 20)}.mjs`;
  const bundle = join(CACHE, `cli-${named.replace(/\.mjs$/, '.cjs')}`);
  // Each worker module the CLI starts, with the name of the constant that tells the CLI its bundle.
  const workers = [
    { source: 'parallel-checks-worker.ts', bundle: join(CACHE, `checks-worker-${named}`), constant: 'DETC_CHECK_WORKER_BUNDLE' },
    { source: join('kql', 'analysis-worker.ts'), bundle: join(CACHE, `kql-analysis-worker-${named}`), constant: 'DETC_KQL_ANALYSIS_WORKER_BUNDLE' },
    { source: 'file-writer-worker.ts', bundle: join(CACHE, `file-writer-worker-${named}`), constant: 'DETC_FILE_WRITER_BUNDLE' },
  ];
  // The V8 startup snapshot of Kusto (generators/kql/kusto-snapshot.ts): its entry, a CommonJS
  // bundle (what `node --build-snapshot` runs), made with the others; the blob, made by the CLI
  // when a run first needs it. The CLI bundle holds their names.
  const sourcesHash = named.slice(0, -'.mjs'.length);
  const snapshot = { entry: join(CACHE, `kusto-snapshot-entry-${sourcesHash}.cjs`), blob: join(CACHE, `kusto-snapshot-${sourcesHash}.blob`) };
  if ([bundle, snapshot.entry, ...workers.map((w) => w.bundle)].every((file) => statSync(file, { throwIfNoEntry: false }))) return { bundle, snapshot };
  mkdirSync(CACHE, { recursive: true });
  const esbuild = require('esbuild');
  const options = bundleOptions();
  // Each written whole under another name, then renamed: the workers' first, as the CLI's names them.
  const partial = (file) => `${file}.${process.pid}.partial.mjs`;
  for (const w of workers) await esbuild.build({ ...options, entryPoints: [join(SOURCES, w.source)], outfile: partial(w.bundle) });
  await bundleKustoSnapshotEntry(partial(snapshot.entry), esbuild);
  const define = Object.fromEntries(workers.map((w) => [w.constant, JSON.stringify(pathToFileURL(w.bundle).href)]));
  define.DETC_KUSTO_SNAPSHOT = JSON.stringify(snapshot);
  await esbuild.build({ ...options, format: 'cjs', entryPoints: [join(SOURCES, 'cli.ts')], outfile: partial(bundle), define });
  for (const w of workers) renameSync(partial(w.bundle), w.bundle);
  renameSync(partial(snapshot.entry), snapshot.entry);
  renameSync(partial(bundle), bundle);
  // What earlier sources of this copy made (bundles, snapshot entries and blobs) goes.
  const kinds = ['cli-', 'v8-cli-', 'kusto-snapshot-entry-', 'kusto-snapshot-', ...workers.map((w) => w.bundle.slice(CACHE.length + 1, -named.length))];
  const ours = kinds.map((kind) => `${kind}${named.slice(0, 9)}`);
  for (const old of readdirSync(CACHE)) {
    if (ours.some((prefix) => old.startsWith(prefix)) && !old.includes(sourcesHash)) rmSync(join(CACHE, old), { force: true });
  }
  return { bundle, snapshot };
}

const bundleOptions = () => ({
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'silent',
  plugins: [ownUrls],
});

/**
 * The entry of the Kusto snapshot (generators/kql/kusto-snapshot-entry.ts) as one CommonJS
 * script, which is what `node --build-snapshot` runs; exported for the tests.
 */
export async function bundleKustoSnapshotEntry(outfile, esbuild = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild')) {
  await esbuild.build({ ...bundleOptions(), format: 'cjs', entryPoints: [join(SOURCES, 'kql', 'kusto-snapshot-entry.ts')], outfile });
}

/** Kusto's version and the sizes of the files the snapshot loads. */
function kustoFiles() {
  const dir = dirname(createRequire(import.meta.url).resolve('@kusto/language-service-next/package.json'));
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return [version, ...['bridge.min.js', 'Kusto.Language.Bridge.min.js'].map((f) => statSync(join(dir, f)).size)].join(' ');
}

/**
 * Each module keeps its own import.meta.url (the sources find their workers, templates and the
 * project's root from it), not the bundle's.
 */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs|js)$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: args.path.endsWith('.ts') ? 'ts' : 'js',
    }));
  },
};
