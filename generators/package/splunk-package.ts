// `detc package splunk`: the app folder as the .tgz Splunk's "Install app from file" takes,
// one top-level folder named after the app (detc/default/…, detc/metadata/…), built from the
// same files `detc build` writes to dist/splunk/detc/, byte for byte reproducible.
import { SPLUNK_APP, SPLUNK_APP_DIR } from './splunk-app.ts';
import { entriesFor, tarGz } from './tar.ts';

export const splunkPackageName = (version: string): string => `${SPLUNK_APP}-splunk-${version}.tgz`;

/** `files`: what buildDistFiles returns (paths relative to dist/). */
export function splunkAppArchive(files: ReadonlyMap<string, string>): Buffer {
  const prefix = `${SPLUNK_APP_DIR}/`;
  const app = new Map<string, string>();
  for (const [path, content] of files) {
    if (path.startsWith(prefix)) app.set(`${SPLUNK_APP}/${path.slice(prefix.length)}`, content);
  }
  if (!app.has(`${SPLUNK_APP}/default/app.conf`)) throw new Error('the build produced no Splunk app (default/app.conf is missing)');
  return tarGz(entriesFor(app));
}
