// `detc build`: every rule rendered for every target, and every artifact made from them, as
// the files of dist/ (paths relative to dist/). Deterministic: the same rules and the same detc
// give the same bytes (no clock, no environment, sorted paths).
//   splunk/<rule>.spl, sentinel/<rule>.kql    the bare queries (defender/<rule>.kql has a header)
//   splunk/detc/                              the Splunk app
//   defender/<rule>.kql, defender/<rule>.json Defender hunting queries and custom detections
//   sentinel/analytic-rules/, hunting-queries/, azuredeploy.json
//   docs/<rule>.md, docs/index.html           for analysts
//   attack-layer.json                         ATT&CK Navigator layer
import type { Catalog } from './catalog.ts';
import { packageArtifacts } from './package/artifacts.ts';
import { DETC_VERSION } from './package/version.ts';
import { queryExtension, render, TARGETS } from './targets/index.ts';

export function buildDistFiles(catalog: Catalog, version: string = DETC_VERSION): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of catalog.rules) {
    for (const target of TARGETS) {
      const rendered = render(rule.query, target);
      files.set(`${target}/${rule.document.name}.${queryExtension(target)}`, `${rendered.text}\n`);
    }
  }
  // The packaged artifacts replace a bare query where they share a path (defender/<rule>.kql).
  for (const [path, content] of packageArtifacts(catalog.rules, version)) files.set(path, content);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
