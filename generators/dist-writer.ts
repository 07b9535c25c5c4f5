// dist/ is written all at once: files are staged in a sibling folder and swapped in with
// renames, so a failed build leaves the old dist/ exactly as it was.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { filesUnder } from './paths.ts';

export type DistFiles = ReadonlyMap<string, string>;

export function writeDist(distDir: string, files: DistFiles): void {
  const staging = `${distDir}.staging-${process.pid}`;
  const previous = `${distDir}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const target = join(staging, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    mkdirSync(staging, { recursive: true });
    if (existsSync(distDir)) renameSync(distDir, previous);
    renameSync(staging, distDir);
    rmSync(previous, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(distDir) && existsSync(previous)) renameSync(previous, distDir);
    throw e;
  }
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
