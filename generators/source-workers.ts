// Worker threads that run one of our TypeScript modules: from the CLI's bundle, the module's own
// bundle (bin/cli-loader.js makes one per worker module, and names it to the CLI's bundle); from
// the sources (tests, DETC_NO_CACHE=1), the source itself through tsx.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker running `source` (a path under generators/), or `bundle` (the URL of its bundle) when
 * this code runs from the CLI's bundle.
 */
export function startSourceWorker(source: string, bundle: string | undefined, options: WorkerOptions): Worker {
  if (bundle !== undefined) return new Worker(new URL(bundle), options);
  const require = createRequire(import.meta.url);
  const tsx = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = pathToFileURL(resolve(fileURLToPath(new URL('.', import.meta.url)), source)).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`, { eval: true, ...options });
}
