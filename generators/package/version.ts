// The version every packaged artifact carries: detc's own (package.json), so the same detc
// and the same rules give the same bytes.
import { readFileSync } from 'node:fs';
import { projectPath } from '../paths.ts';

export const DETC_VERSION: string = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
