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
import { packageArtifacts, type PackageOptions } from './package/artifacts.ts';
import { DETC_VERSION } from './package/version.ts';

export function buildDistFiles(catalog: Catalog, version: string = DETC_VERSION, options: PackageOptions = {}): Map<string, string> {
  return new Map([...packageArtifacts(catalog.rules, version, options)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
