// Kusto's analysis in a process started from a V8 startup snapshot of Kusto loaded and warmed up
// (`node --snapshot-blob`; the snapshot's entry is kusto-snapshot-entry.ts). A thread that loads
// Kusto spends ≈ 0.2 s loading its 5 MB of JavaScript, ≈ 0.3 s building Bridge.NET's and
// Kusto's static state, and ≈ 0.4 s on its first analysis (functions compiled, lazily built
// tables); a process from the snapshot starts with all of that done, and answers in ≈ 0.3 s.
// For `detc run` on a query never run before (analysis-apart.ts).
//
// The snapshot is made by the Node that runs it (a snapshot fits only the binary that made it),
// from the CLI's bundle: bin/cli-loader.js names the entry's bundle and the blob for the sources,
// Node and Kusto they come from, next to the CLI's bundle. It is made the first time a run needs
// it, after that run, by a process of its own that outlives it (≈ 2 s); until it is there, and
// whenever a process from it fails (the blob is then removed, to be made again), the analysis
// runs on a worker thread, as before. A build that fails, or a blob that fails within the hour it
// was made, is not tried again for a day (a `.failed` file): each try costs ≈ 2 s of CPU. Runs from the sources (tests, DETC_NO_CACHE=1) have no
// bundle and no snapshot, unless given one.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { writeWhole } from '../cache-dir.ts';
import type { KqlTableSchema } from './language-service.ts';
import type { KqlTreeSnapshot } from './tree-snapshot.ts';

/** Bump when a request or reply changes shape. */
export const KUSTO_SNAPSHOT_PROTOCOL = 1;

/** A query for Kusto to analyse, with the tables it is analysed against. */
export interface KqlQueryToAnalyse {
  readonly text: string;
  readonly tables: readonly KqlTableSchema[];
}

export interface KustoSnapshotRequest {
  readonly protocol: number;
  readonly queries: readonly KqlQueryToAnalyse[];
}

export interface KustoSnapshotReply {
  readonly protocol: number;
  /** One per query, in order: its tree snapshot, or why there is none. */
  readonly analyses?: ReadonlyArray<{ readonly snapshot: KqlTreeSnapshot } | { readonly error: string }>;
  /** Why no query was analysed. */
  readonly error?: string;
  /** The process's CPU time and peak RSS when it replied (for the benchmarks). */
  readonly usage?: KustoProcessUsage;
}

export interface KustoProcessUsage {
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

/** The snapshot's entry (a CommonJS bundle) and where its blob is, or goes. */
export interface KustoSnapshotFiles {
  readonly entry: string;
  readonly blob: string;
}

/** Defined by bin/cli-loader.js when this module runs from the CLI's bundle. */
declare const DETC_KUSTO_SNAPSHOT: KustoSnapshotFiles | undefined;

/** The snapshot files of the CLI's bundle; undefined when running from the sources. */
export function kustoSnapshotFiles(): KustoSnapshotFiles | undefined {
  return typeof DETC_KUSTO_SNAPSHOT === 'object' ? DETC_KUSTO_SNAPSHOT : undefined;
}

/**
 * The processes from a snapshot this process ran, and their figures: the benchmarks add them to
 * the run's own (exit-figures.mjs reads them under this global symbol).
 */
const USAGE = Symbol.for('detc.kustoSnapshotProcesses');
const recordUsage = (usage: KustoProcessUsage | undefined) => {
  if (!usage) return;
  const g = globalThis as unknown as Record<symbol, KustoProcessUsage[] | undefined>;
  (g[USAGE] ??= []).push(usage);
};

/**
 * Kusto's analyses of `queries` by a process from the snapshot in `blob`: one tree snapshot per
 * query (undefined for a query whose tree the snapshot refuses), or undefined when the process
 * failed (a blob this Node cannot run, a crash): the blob is then removed, to be made again
 * (unless it was made less than an hour ago).
 */
export function analyseInKustoSnapshot(blob: string, queries: KustoSnapshotRequest['queries']): Promise<Array<KqlTreeSnapshot | undefined> | undefined> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--snapshot-blob', blob], { stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stdin.on('error', () => {}); // a process that died early: its exit says so
    child.once('error', () => done(undefined));
    child.once('close', (code) => {
      const reply = code === 0 ? parsedReply(Buffer.concat(out).toString('utf8')) : undefined;
      recordUsage(reply?.usage);
      if (!reply?.analyses || reply.analyses.length !== queries.length) {
        // A blob made within the hour that fails already will fail again: not made again for a
        // day (kustoSnapshotFailedRecently), rather than every run making one that fails.
        const made = statSync(blob, { throwIfNoEntry: false });
        rmSync(blob, { force: true });
        if (made && Date.now() - made.mtimeMs < 3600_000) writeWhole(`${blob}.failed`, 'a process from it failed');
        return done(undefined);
      }
      done(reply.analyses.map((a) => ('snapshot' in a ? a.snapshot : undefined)));
    });
    const request: KustoSnapshotRequest = { protocol: KUSTO_SNAPSHOT_PROTOCOL, queries };
    child.stdin.end(JSON.stringify(request));
  });
}

/**
 * analyseInKustoSnapshot with the CLI bundle's snapshot (or `snapshot`) when its blob is there;
 * when it is not, or the process failed, undefined, and the blob is made after this run
 * (buildKustoSnapshotAtExit).
 */
export async function analysesFromKustoSnapshot(queries: readonly KqlQueryToAnalyse[], snapshot: KustoSnapshotFiles | undefined = kustoSnapshotFiles()): Promise<Array<KqlTreeSnapshot | undefined> | undefined> {
  if (!snapshot || !queries.length) return undefined;
  const made = existsSync(snapshot.blob) ? await analyseInKustoSnapshot(snapshot.blob, queries) : undefined;
  if (!made) buildKustoSnapshotAtExit(snapshot);
  return made;
}

function parsedReply(text: string): KustoSnapshotReply | undefined {
  try {
    const reply = JSON.parse(text) as KustoSnapshotReply;
    return reply.protocol === KUSTO_SNAPSHOT_PROTOCOL ? reply : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes the blob, unless it is there: `node --build-snapshot` on the entry, written under another
 * name and renamed once whole, by one process at a time (a `.building` file; one older than two
 * minutes is taken as left by a process that died). A build that fails leaves a `.failed` file.
 * Run by `node -e` with the entry and the blob as arguments.
 */
const BUILD_SCRIPT = `
const { spawnSync } = require('node:child_process');
const { existsSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const [entry, blob] = process.argv.slice(1);
const lock = blob + '.building';
try {
  writeFileSync(lock, String(process.pid), { flag: 'wx' });
} catch {
  try { if (Date.now() - statSync(lock).mtimeMs < 120000) process.exit(0); } catch {}
  writeFileSync(lock, String(process.pid));
}
const partial = blob + '.' + process.pid + '.partial';
try {
  // Unless another process made it meanwhile.
  const made = existsSync(blob) ? undefined : spawnSync(process.execPath, ['--snapshot-blob', partial, '--build-snapshot', entry], { stdio: 'ignore', windowsHide: true });
  if (made?.status === 0) {
    renameSync(partial, blob);
    rmSync(blob + '.failed', { force: true });
  } else if (made) {
    writeFileSync(blob + '.failed', String(made.status ?? made.signal));
    process.exitCode = 1;
  }
} finally {
  rmSync(partial, { force: true });
  rmSync(lock, { force: true });
}
`;

/** Makes the blob now (tests, benchmarks); whether it is there. */
export async function buildKustoSnapshot(files: KustoSnapshotFiles): Promise<boolean> {
  const builder = spawn(process.execPath, ['-e', BUILD_SCRIPT, files.entry, files.blob], { stdio: 'ignore', windowsHide: true });
  await new Promise((done) => builder.once('close', done).once('error', done));
  return existsSync(files.blob);
}

let buildScheduled = false;

/** After a build that failed, how long runs do not try again (each try costs ≈ 2 s of CPU). */
const RETRY_AFTER_FAILURE_MS = 24 * 3600 * 1000;

/** Whether a build of the blob failed less than RETRY_AFTER_FAILURE_MS ago. */
export function kustoSnapshotFailedRecently(files: KustoSnapshotFiles): boolean {
  const failed = statSync(`${files.blob}.failed`, { throwIfNoEntry: false });
  return failed !== undefined && Date.now() - failed.mtimeMs < RETRY_AFTER_FAILURE_MS;
}

/**
 * Has the blob made when this process exits, by a process that outlives it: the run that needed
 * it does not wait, nor share its cores with the build. Not within a day of a build that failed
 * (a Node whose snapshots do not work here): the runs analyse on a worker thread meanwhile.
 */
export function buildKustoSnapshotAtExit(files: KustoSnapshotFiles): void {
  if (buildScheduled || kustoSnapshotFailedRecently(files)) return;
  buildScheduled = true;
  process.once('exit', () => {
    try {
      spawn(process.execPath, ['-e', BUILD_SCRIPT, files.entry, files.blob], { stdio: 'ignore', detached: true, windowsHide: true }).unref();
    } catch {
      // Nothing to do: the next run analyses on a worker thread and asks again.
    }
  });
}
