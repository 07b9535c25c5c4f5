// Where the project's own files are, wherever the CLI is started from.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);

/** A path as shown to users: relative to the current directory, with forward slashes. */
export const displayPath = (absolute: string): string => relative(process.cwd(), absolute).split(sep).join('/') || '.';

/** Whether `path` is `base` or inside it (both absolute; by their names, links not followed). */
export function isWithin(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Every file under `dir`, absolute, in a fixed order (none if it does not exist). */
export function filesUnder(dir: string, found: string[] = []): string[] {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, found);
    else found.push(path);
  }
  return found;
}
