// The checks of unchanged rules, kept on disk between runs of `detc test` and `detc build`.
// Validating and replaying a rule costs tens of milliseconds (Kusto's analyses of its queries,
// mostly) and gives the same answer for as long as nothing it depends on changes, so a rule is
// checked again only when something did. An entry is one rule's check (its diagnostics by
// target, its tests' outcomes, its custom detection's analysis: PortableRuleCheck) under a key of
// all that decides it:
// - the rule: its file's name and text, and its tests' events as loaded (fixture files included);
// - the content's schemas (every file under schemas/: log sources and their tables);
// - the replay options (targets, packaging);
// - the code: every file under generators/, the installed versions of detc's dependencies
//   (Kusto's language service among them), and Node's version.
// Entries are what v8.serialize makes of them (as a worker thread sends a check), checksummed
// (cache-dir.ts): one that is missing, torn or of another key is checked again.
//
// Where: rule-checks/ in detc's cache folder (cache-dir.ts); DETC_NO_CACHE=1 turns it off.
// At most MAX_ENTRIES entries are kept (the least recently used go).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { checkedBody, detcCacheDir, keepNewest, withChecksum, writeWhole } from './cache-dir.ts';
import type { CompiledRule } from './catalog.ts';
import type { TargetName } from './logsources/types.ts';
import { filesUnder, PROJECT_ROOT } from './paths.ts';
import type { PortableRuleCheck } from './query-validation.ts';

/** Bump when an entry's layout or the key's parts change. */
const FORMAT = 1;
/** About 2,000 rules of three or four targets' checks each, a few KiB apiece. */
const MAX_ENTRIES = 10_000;

export interface RuleCheckCache {
  readonly dir: string;
  /** What every key holds besides the rule: code, dependencies, Node, the content's schemas. */
  readonly version: string;
}

/** What decides a check besides the rule and the code. */
export interface RuleCheckOptions {
  readonly targets?: readonly TargetName[];
  readonly packaging?: boolean;
}

/** The cache for the content under `root`, or undefined when caches are turned off (or it cannot be read). */
export function ruleCheckCache(root: string, env: NodeJS.ProcessEnv = process.env): RuleCheckCache | undefined {
  const dir = detcCacheDir('rule-checks', env);
  if (!dir) return undefined;
  try {
    const schemas = createHash('sha256');
    for (const file of filesUnder(join(root, 'schemas'))) schemas.update(`${file}\n`).update(readFileSync(file)).update('\n');
    return { dir, version: `${codeVersion()} schemas ${schemas.digest('hex')}` };
  } catch {
    return undefined;
  }
}

/** The key of `rule`'s check with `options`. */
export function ruleCheckKey(cache: RuleCheckCache, rule: CompiledRule, options: RuleCheckOptions): string {
  return createHash('sha256')
    .update(JSON.stringify([FORMAT, cache.version, options.targets ?? null, options.packaging === true, rule.file, rule.source.yaml.text]))
    .update(JSON.stringify(rule.tests))
    .digest('hex');
}

/** The check stored under `key`, or undefined (none, or not usable). A check read is kept longer. */
export function readRuleCheck(cache: RuleCheckCache, key: string): PortableRuleCheck | undefined {
  const file = entryFile(cache, key);
  try {
    const body = checkedBody(readFileSync(file));
    if (!body) return undefined;
    const entry = deserialize(body) as { key?: unknown; check?: PortableRuleCheck };
    if (entry.key !== key || !entry.check) return undefined;
    const now = new Date();
    utimesSync(file, now, now);
    return entry.check;
  } catch {
    return undefined;
  }
}

/** Stores checks (best effort: a cache that cannot be written is no error), then drops the least recently used beyond MAX_ENTRIES. */
export function storeRuleChecks(cache: RuleCheckCache, checks: ReadonlyArray<readonly [key: string, check: PortableRuleCheck]>): void {
  if (!checks.length) return;
  try {
    for (const [key, check] of checks) writeWhole(entryFile(cache, key), withChecksum(serialize({ key, check })));
    keepNewest(cache.dir, '.check', MAX_ENTRIES);
  } catch {
    // Read-only or full disk: the checks were made; they are only not kept.
  }
}

/** How many checks the cache holds (of any content and options). */
export function storedRuleChecks(cache: RuleCheckCache): number {
  try {
    return readdirSync(cache.dir).filter((f) => f.endsWith('.check')).length;
  } catch {
    return 0;
  }
}

const entryFile = (cache: RuleCheckCache, key: string): string => join(cache.dir, `${key}.check`);

let code: string | undefined;

/** Every file under generators/ (this module's folder), the installed dependencies' versions, Node's version. */
function codeVersion(): string {
  if (!code) {
    const hash = createHash('sha256').update(`${process.version}\n`);
    const sources = dirname(fileURLToPath(import.meta.url));
    for (const file of filesUnder(sources)) hash.update(`${file.slice(sources.length)}\n`).update(readFileSync(file)).update('\n');
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies ?? {}).sort()) hash.update(`${name}@${installedVersion(name)}\n`);
    code = hash.digest('hex');
  }
  return code;
}

/** A dependency's version as installed (node_modules/<name>/package.json, looked for upwards from the project), or 'missing'. */
function installedVersion(name: string): string {
  for (let dir = PROJECT_ROOT; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? 'unknown';
    if (dirname(dir) === dir) return 'missing';
  }
}
