// Everything `detc build` writes: the bare queries, the Splunk app, Defender custom detections,
// Sentinel rules and ARM template, the analysts' docs and the ATT&CK layer, as dist/-relative
// paths (each query rendered once, for all of them). Problems (an unknown ATT&CK technique, a schedule a target cannot run)
// stop the build with the rule's file and line, like any other input error.
import type { CompiledRule } from '../catalog.ts';
import type { RuleCheckCache } from '../check-cache.ts';
import type { FileSink } from '../file-writer.ts';
import { InputError } from '../diagnostics.ts';
import { attackLayer } from './attack-layer.ts';
import { defenderFiles } from './defender.ts';
import { docsFiles } from './docs.ts';
import { packageContent, PackageProblems } from './model.ts';
import { sentinelFiles } from './sentinel.ts';
import { savedSearches, splunkAppFiles, splunkMacros, type SavedSearch, type SplunkMacro } from './splunk-app.ts';
import { queryExtension, TARGETS } from '../targets/index.ts';

export interface PackageOptions {
  /** Where Kusto's analyses of custom detection queries are kept between builds (check-cache.ts). */
  readonly cache?: RuleCheckCache;
  /** How the new ones are written (default: here and now). */
  readonly sink?: FileSink;
}

export function packageArtifacts(rules: readonly CompiledRule[], version: string, options: PackageOptions = {}): Map<string, string> {
  const problems = new PackageProblems();
  const content = packageContent(rules, version, problems);
  const defender = defenderFiles(content, problems, options);
  const files = new Map<string, string>([
    // The bare queries; a packaged file of the same path (defender/<rule>.kql, with its header) replaces one.
    ...content.rules.flatMap((rule) => TARGETS.map((target) => [`${target}/${rule.doc.name}.${queryExtension(target)}`, `${rule.queries[target].text}\n`] as const)),
    ...splunkAppFiles(content, problems),
    ...defender.files,
    ...sentinelFiles(content, problems),
    ...docsFiles(content, { defender: defender.byRule }),
    ['attack-layer.json', attackLayer(content)],
  ]);
  if (problems.diagnostics.length) throw new InputError(problems.diagnostics);
  return files;
}

/** The saved searches and macros of the Splunk app, as data (what `detc deploy splunk` sends). */
export function splunkObjects(rules: readonly CompiledRule[], version: string): { searches: SavedSearch[]; macros: SplunkMacro[] } {
  const problems = new PackageProblems();
  const content = packageContent(rules, version, problems);
  const objects = { searches: savedSearches(content, problems), macros: splunkMacros(content, problems) };
  if (problems.diagnostics.length) throw new InputError(problems.diagnostics);
  return objects;
}
