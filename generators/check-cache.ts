// The checks of unchanged rules, kept on disk between runs of `detc test` and `detc build`.
// Validating and replaying a rule costs tens of milliseconds (Kusto's analyses of its queries,
// mostly) and gives the same answer for as long as nothing it depends on changes, so a rule is
// checked again only when something did. An entry is one rule's check (its diagnostics by
// target, its tests' outcomes: PortableRuleCheck) under a key of all that decides it:
// - the rule: its file's name and text, and its tests' events as loaded (fixture files included);
// - the content's schemas (every file under schemas/: log sources and their tables);
// - the replay options (targets);
// - the code: every file under generators/, the installed versions of detc's dependencies
//   (Kusto's language service among them), and Node's version.
// `detc build` keeps Kusto's analyses of its Defender custom detection queries here too (a
// `.detection` entry: the query's text and tables, and the code and schemas as above).
// Entries are what v8.serialize makes of them (as a worker thread sends a check), checksummed
// (cache-dir.ts): one that is missing, torn or of another key is made again. An entry is stored
// as soon as it is made, through the writer thread when there is one (file-writer.ts): the
// writes, which wait on the disk, run beside the checks instead of after them.
//
// Where: rule-checks/ in detc's cache folder (cache-dir.ts); DETC_NO_CACHE=1 turns it off.
// At most MAX_ENTRIES entries of each kind are kept (the least recently used go).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { checkedBody, detcCacheDir, keepNewest, withChecksum, writeWhole } from './cache-dir.ts';
import type { CompiledRule } from './catalog.ts';
import type { TargetName } from './logsources/types.ts';
import { filesUnder, PROJECT_ROOT } from './paths.ts';
import type { FileSink } from './file-writer.ts';
import type { CustomDetectionAnalysis } from './package/defender.ts';
import type { PortableRuleCheck } from './query-validation.ts';

/** Bump when an entry's layout or the key's parts change. */
const FORMAT = 2;
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
    .update(JSON.stringify([FORMAT, cache.version, options.targets ?? null, rule.file, rule.source.yaml.text]))
    .update(JSON.stringify(rule.tests))
    .digest('hex');
}

/** The check stored under `key`, or undefined (none, or not usable). A check read is kept longer. */
export function readRuleCheck(cache: RuleCheckCache, key: string): PortableRuleCheck | undefined {
  return readEntry<PortableRuleCheck>(entryFile(cache, key, CHECK), key);
}

/** Stores a check, through `sink` if given (best effort: a cache that cannot be written is no error). */
export function storeRuleCheck(cache: RuleCheckCache, key: string, check: PortableRuleCheck, sink?: FileSink): void {
  storeEntry(entryFile(cache, key, CHECK), key, check, sink);
}

/** The key of Kusto's analysis of a custom detection query (its text, and its tables as JSON). */
export function customDetectionKey(cache: RuleCheckCache, tables: string, text: string): string {
  return createHash('sha256').update(JSON.stringify([FORMAT, cache.version, tables, text])).digest('hex');
}

/** The analysis stored under `key` (customDetectionKey), or undefined. */
export function readCustomDetectionAnalysis(cache: RuleCheckCache, key: string): CustomDetectionAnalysis | undefined {
  return readEntry<CustomDetectionAnalysis>(entryFile(cache, key, DETECTION), key);
}

export function storeCustomDetectionAnalysis(cache: RuleCheckCache, key: string, analysis: CustomDetectionAnalysis, sink?: FileSink): void {
  storeEntry(entryFile(cache, key, DETECTION), key, analysis, sink);
}

/** Drops the least recently used entries of each kind beyond MAX_ENTRIES (best effort). */
export function pruneRuleChecks(cache: RuleCheckCache): void {
  try {
    for (const suffix of [CHECK, DETECTION]) keepNewest(cache.dir, suffix, MAX_ENTRIES);
  } catch {
    // Nothing stored yet, or a folder that cannot be read: nothing to drop.
  }
}

function readEntry<T>(file: string, key: string): T | undefined {
  try {
    const body = checkedBody(readFileSync(file));
    if (!body) return undefined;
    const entry = deserialize(body) as { key?: unknown; value?: T };
    if (entry.key !== key || entry.value === undefined) return undefined;
    const now = new Date();
    utimesSync(file, now, now);
    return entry.value;
  } catch {
    return undefined;
  }
}

function storeEntry(file: string, key: string, value: unknown, sink: FileSink | undefined): void {
  try {
    const data = withChecksum(serialize({ key, value }));
    if (sink) sink.keep(file, data);
    else writeWhole(file, data);
  } catch {
    // Read-only or full disk: the check was made; it is only not kept.
  }
}

/** How many checks the cache holds (of any content and options). */
export function storedRuleChecks(cache: RuleCheckCache): number {
  try {
    return readdirSync(cache.dir).filter((f) => f.endsWith(CHECK)).length;
  } catch {
    return 0;
  }
}

const CHECK = '.check';
const DETECTION = '.detection';
const entryFile = (cache: RuleCheckCache, key: string, suffix: string): string => join(cache.dir, `${key}${suffix}`);

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
