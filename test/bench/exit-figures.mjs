// Preloaded into a benchmarked `detc` process (`node --import ./exit-figures.mjs bin/detc.js …`):
// at exit, prints its figures as the last line of stderr — wall time from the process's start,
// CPU time of all its threads and its peak RSS (worker threads included) — so that the run timed
// is exactly the command a user types, with nothing of the benchmark's own loaded into it.
// Worker threads load it too (they inherit --import): only the main thread reports. A process
// from the Kusto snapshot that the run started (generators/kql/kusto-snapshot.ts) reports its own
// CPU time and peak RSS in its reply, which the run keeps under a global symbol: its CPU time is
// added, its peak RSS given apart (it ends before the run reads the export).
// On Linux it also splits this process's CPU time by thread (/proc/self/task): the main thread's,
// that of the threads still there at exit — V8's platform threads (garbage collection, the
// optimising compiler) and libuv's pool — and the rest, the worker threads that have ended.
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
      cpuByThread: cpuByThread((usage.userCPUTime + usage.systemCPUTime) / 1000),
    };
    process.stderr.write(`\nDETC_BENCH_FIGURES ${JSON.stringify(figures)}\n`);
  });
}

/**
 * This process's CPU time (`processMs`) by thread, from /proc/self/task/<tid>/stat (utime and
 * stime, fields 14 and 15, in USER_HZ ticks: 100 a second in Linux's ABI); undefined where there
 * is no /proc.
 *
 * @param {number} processMs
 * @returns {{ mainMs: number, endedThreadsMs: number, aliveThreadsMs: number } | undefined}
 */
function cpuByThread(processMs) {
  try {
    let mainMs = 0;
    let aliveThreadsMs = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After the name in parentheses (which may hold spaces): field 3 (state) onwards.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * 10;
      if (Number(tid) === process.pid) mainMs = ms;
      else aliveThreadsMs += ms;
    }
    return { mainMs, endedThreadsMs: Math.max(0, processMs - mainMs - aliveThreadsMs), aliveThreadsMs };
  } catch {
    return undefined;
  }
}
