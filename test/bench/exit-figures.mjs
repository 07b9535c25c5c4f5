// Preloaded into a benchmarked `detc` process (`node --import ./exit-figures.mjs bin/detc.js …`):
// at exit, prints its figures as the last line of stderr — wall time from the process's start,
// CPU time of all its threads and its peak RSS (worker threads included) — so that the run timed
// is exactly the command a user types, with nothing of the benchmark's own loaded into it.
// Worker threads load it too (they inherit --import): only the main thread reports. A process
// from the Kusto snapshot that the run started (generators/kql/kusto-snapshot.ts) reports its own
// CPU time and peak RSS in its reply, which the run keeps under a global symbol: its CPU time is
// added, its peak RSS given apart (it ends before the run reads the export).
// On Linux it also splits the CPU time by thread (/proc/self/task): the main thread's, and that of
// the threads still there at exit — V8's platform threads (garbage collection, the optimising
// compiler) and libuv's pool — the rest being the worker threads that have ended.
import { readdirSync, readFileSync } from 'node:fs';
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
      ...threadCpu(),
    };
    process.stderr.write(`\nDETC_BENCH_FIGURES ${JSON.stringify(figures)}\n`);
  });
}

/**
 * CPU time of the main thread and of the other threads alive now, from /proc/self/task/<tid>/stat
 * (utime and stime, fields 14 and 15, in USER_HZ ticks: 100 a second in Linux's ABI); nothing
 * where there is no /proc.
 */
function threadCpu() {
  try {
    let mainThreadCpuMs = 0;
    let otherThreadsCpuMs = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After the name in parentheses (which may hold spaces): field 3 (state) onwards.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * 10;
      if (Number(tid) === process.pid) mainThreadCpuMs = ms;
      else otherThreadsCpuMs += ms;
    }
    return { mainThreadCpuMs, otherThreadsCpuMs };
  } catch {
    return {};
  }
}
