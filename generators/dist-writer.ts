// dist/ is written all at once: files are staged in a sibling folder and swapped in with
// renames, so a failed build leaves the old dist/ exactly as it was.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

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
 * Whether dist/ holds exactly `files` (archives of `detc package` aside, as staleFiles): a build
 * that would change nothing leaves dist/ alone — no file rewritten, no modification time moved.
 * Stops at the first difference.
 */
export function distUpToDate(distDir: string, files: DistFiles): boolean {
  if (!existsSync(distDir)) return false;
  const onDisk = listFiles(distDir).filter((f) => !/^[^/]+\.tgz$/.test(f));
  if (onDisk.length !== files.size || onDisk.some((f) => !files.has(f))) return false;
  for (const [path, content] of files) if (readFileSync(join(distDir, path), 'utf8') !== content) return false;
  return true;
}

/** Files that differ between what a build would write and what dist/ holds. */
export function staleFiles(distDir: string, files: DistFiles): string[] {
  const onDisk = new Set(existsSync(distDir) ? listFiles(distDir) : []);
  const stale: string[] = [];
  for (const [path, content] of files) {
    if (!onDisk.has(path)) stale.push(`${path} (missing)`);
    else if (readFileSync(join(distDir, path), 'utf8') !== content) stale.push(`${path} (differs)`);
    onDisk.delete(path);
  }
  // Archives from `detc package` are release outputs (git-ignored), made from dist/ on demand;
  // a rebuild removes them rather than leave one that no longer matches.
  for (const extra of onDisk) if (!/^[^/]+\.tgz$/.test(extra)) stale.push(`${extra} (not produced by the build)`);
  return stale.sort();
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}
