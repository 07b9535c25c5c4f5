// `detc <args>` exactly as a user types it (bin/detc.js), in a process of its own that prints its
// figures at exit (exit-figures.mjs): what every benchmark of a CLI command times.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cliBundle } from '../../bin/cli-loader.js';
import { buildKustoSnapshot, type KustoSnapshotFiles } from '../../generators/kql/kusto-snapshot.ts';
import { projectPath } from '../../generators/paths.ts';

export interface TimedDetc {
  /** Wall time from the process's start to its exit, CPU time of all its threads (and of a Kusto snapshot process), peak RSS. */
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  /** Peak RSS of the process from the Kusto snapshot the run started, if it started one (it runs beside the run's first ≈ 0.3 s). */
  readonly kustoProcessRssMb?: number;
  /**
   * Linux: the process's own CPU time (the Kusto snapshot process's not included) by thread: the
   * main thread, the worker threads that ended before the exit, and the threads alive at it
   * (V8's GC and compiler threads, libuv's pool).
   */
  readonly cpuByThread?: { readonly mainMs: number; readonly endedThreadsMs: number; readonly aliveThreadsMs: number };
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** Runs `detc <args>`; a run that exits with a code not in `codes` (default: 0) throws with its stderr. */
export function timedDetc(args: readonly string[], options: { env?: NodeJS.ProcessEnv; codes?: readonly number[] } = {}): TimedDetc {
  const child = spawnSync(process.execPath, ['--import', projectPath('test/bench/exit-figures.mjs'), projectPath('bin/detc.js'), ...args], {
    cwd: projectPath(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...options.env },
  });
  const figures = /DETC_BENCH_FIGURES (.*)\n*$/.exec(child.stderr);
  if (!figures || !(options.codes ?? [0]).includes(child.status ?? -1)) throw new Error(`detc ${args.join(' ')} exited ${child.status}:\n${child.stderr.slice(0, 4000)}`);
  return { ...(JSON.parse(figures[1]!) as Pick<TimedDetc, 'ms' | 'cpuMs' | 'peakRssMb' | 'kustoProcessRssMb' | 'cpuByThread'>), code: child.status, out: child.stdout, err: child.stderr };
}

/**
 * The CLI bundle's V8 snapshot of Kusto (generators/kql/kusto-snapshot.ts), there once a run
 * has needed it and the process it started after has made it: made now if it is not there, and
 * waited for if a process is making it.
 */
export async function kustoSnapshotMade(): Promise<KustoSnapshotFiles> {
  const { snapshot } = await cliBundle();
  // buildKustoSnapshot leaves it to a process making it already (then this one waits for it).
  for (const end = Date.now() + 120_000; !existsSync(snapshot.blob); await new Promise((wake) => setTimeout(wake, 200))) {
    if (Date.now() > end) throw new Error(`the Kusto snapshot ${snapshot.blob} could not be made`);
    if (!existsSync(`${snapshot.blob}.building`) && (await buildKustoSnapshot(snapshot))) break;
  }
  return snapshot;
}
