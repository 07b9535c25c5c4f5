// Preloaded into a benchmarked `detc` process (`node --import ./exit-figures.mjs bin/detc.js …`):
// at exit, prints its figures as the last line of stderr — wall time from the process's start,
// CPU time of all its threads and its peak RSS (worker threads included) — so that the run timed
// is exactly the command a user types, with nothing of the benchmark's own loaded into it.
// Worker threads load it too (they inherit --import): only the main thread reports. A process
// from the Kusto snapshot that the run started (generators/kql/kusto-snapshot.ts) reports its own
// CPU time and peak RSS in its reply, which the run keeps under a global symbol: its CPU time is
// added, its peak RSS given apart (it ends before the run reads the export).
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const kusto = globalThis[Symbol.for('detc.kustoSnapshotProcesses')] ?? [];
    const figures = {
      ms: performance.now(),
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 + kusto.reduce((sum, p) => sum + p.cpuMs, 0),
      peakRssMb: usage.maxRSS / 1024,
      kustoProcessRssMb: kusto.length ? Math.max(...kusto.map((p) => p.peakRssMb)) : undefined,
    };
    process.stderr.write(`\nDETC_BENCH_FIGURES ${JSON.stringify(figures)}\n`);
  });
}
