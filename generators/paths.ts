// Where the project's own files are, wherever the CLI is started from.
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, sep } from 'node:path';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);

/** A path as shown to users: relative to the current directory, with forward slashes. */
export const displayPath = (absolute: string): string => relative(process.cwd(), absolute).split(sep).join('/') || '.';
