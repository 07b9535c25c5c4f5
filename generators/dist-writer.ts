// dist/ is written all at once: files are staged in a sibling folder and swapped in with
// renames, so a failed build leaves the old dist/ exactly as it was. `detc build` stages on the
// writer thread (file-writer.ts) while its checks run; only the swap is left for the end.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { filesUnder } from './paths.ts';

export type DistFiles = ReadonlyMap<string, string>;

export function writeDist(distDir: string, files: DistFiles): void {
  swapInDist(distDir, stageDist(distDir, files));
}

/**
 * The folders a build keeps beside dist/ while it runs, named for its process: the new files
 * (staging), and the old dist/ during the swap (previous).
 */
const besideDist = (distDir: string, kind: 'staging' | 'previous', pid = process.pid): string => `${distDir}.${kind}-${pid}`;
const BESIDE_DIST = /^(staging|previous)-(\d+)$/;

/** A folder clearAbandoned removed, or put back as dist/. */
export interface Abandoned {
  readonly folder: string;
  readonly putBack: boolean;
}

/**
 * What a build stopped by force (Ctrl-C, a kill) left beside `distDir`, removed: its staging
 * folder, and the old dist/ it had moved away if it stopped between the swap's two renames (put
 * back when there is no dist/). Only the folders of processes that are gone: a build running
 * beside this one keeps its own.
 */
export function clearAbandoned(distDir: string): Abandoned[] {
  const prefix = `${basename(distDir)}.`;
  const cleared: Abandoned[] = [];
  let siblings: string[];
  try {
    siblings = readdirSync(dirname(distDir));
  } catch {
    return cleared;
  }
  for (const folder of siblings.sort()) {
    const [, kind, pid] = folder.startsWith(prefix) ? (BESIDE_DIST.exec(folder.slice(prefix.length)) ?? []) : [];
    if (!kind || !pid || running(Number(pid))) continue;
    const path = join(dirname(distDir), folder);
    const putBack = kind === 'previous' && !existsSync(distDir);
    if (putBack) renameSync(path, distDir);
    else rmSync(path, { recursive: true, force: true });
    cleared.push({ folder, putBack });
  }
  return cleared;
}

/** Whether a process of this id is running (signal 0 tests without sending; EPERM: running, not ours). */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The sibling folder this process stages `distDir` in. */
export const stagingFolder = (distDir: string): string => besideDist(distDir, 'staging');

/** Writes `files` into a new staging folder (stagingFolder) and returns it; on failure, none is left. */
export function stageDist(distDir: string, files: DistFiles): string {
  const staging = stagingFolder(distDir);
  rmSync(staging, { recursive: true, force: true });
  try {
    const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const folder of new Set([staging, ...sorted.map(([path]) => dirname(join(staging, path)))])) mkdirSync(folder, { recursive: true });
    for (const [path, content] of sorted) writeFileSync(join(staging, path), content);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return staging;
}

/** Replaces dist/ with what stageDist staged (two renames); on failure the old dist/ is back. */
export function swapInDist(distDir: string, staging: string): void {
  const previous = besideDist(distDir, 'previous');
  try {
    if (existsSync(distDir)) renameSync(distDir, previous);
    renameSync(staging, distDir);
    rmSync(previous, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(distDir) && existsSync(previous)) renameSync(previous, distDir);
    throw e;
  }
}

/** What staging did: found dist/ up to date, staged the new files, or (--check) listed the stale ones. */
export type StagedDist =
  | { readonly kind: 'up-to-date' }
  | { readonly kind: 'staged'; readonly staging: string }
  | { readonly kind: 'stale'; readonly stale: readonly string[] }
  | { readonly kind: 'failed'; readonly error: string };

/** What to stage. */
export interface DistStagingData {
  readonly distDir: string;
  readonly files: DistFiles;
  /** write: stage the files unless dist/ holds them already; check: only list what differs (staleFiles). */
  readonly mode: 'write' | 'check';
}

/**
 * Whether dist/ holds exactly `files`: a build that would change nothing leaves dist/ alone — no
 * file rewritten, no modification time moved. Stops at the first difference.
 */
export function distUpToDate(distDir: string, files: DistFiles): boolean {
  return differences(distDir, files).next().done === true;
}

/** Files that differ between what a build would write and what dist/ holds. */
export function staleFiles(distDir: string, files: DistFiles): string[] {
  return [...differences(distDir, files)].sort();
}

/** The differences between `files` and dist/, as staleFiles shows them: the file list first, then contents (read only as far as asked). */
function* differences(distDir: string, files: DistFiles): Generator<string> {
  const onDisk = new Set(existsSync(distDir) ? filesUnder(distDir).map((f) => relative(distDir, f).split(sep).join('/')) : []);
  for (const path of files.keys()) if (!onDisk.has(path)) yield `${path} (missing)`;
  // Archives from `detc package` are release outputs (git-ignored), made from dist/ on demand;
  // a rebuild removes them rather than leave one that no longer matches.
  for (const extra of onDisk) if (!files.has(extra) && !/^[^/]+\.tgz$/.test(extra)) yield `${extra} (not produced by the build)`;
  for (const [path, content] of files) if (onDisk.has(path) && readFileSync(join(distDir, path), 'utf8') !== content) yield `${path} (differs)`;
}
