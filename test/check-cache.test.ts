// The cache of rule checks (generators/check-cache.ts): a rule's check is taken from it only
// while nothing that decides the check changed (the rule's text, its tests' events, the
// content's schemas, the options, the code), it gives exactly what checking again gives, and a
// damaged entry is checked again.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serialize } from 'node:v8';
import { buildDistFiles } from '../generators/build.ts';
import { withChecksum } from '../generators/cache-dir.ts';
import { findRuleFiles, loadCatalog, type Catalog } from '../generators/catalog.ts';
import { readRuleCheck, ruleCheckCache, ruleCheckKey, type RuleCheckCache } from '../generators/check-cache.ts';
import { InputError } from '../generators/diagnostics.ts';
import { DETC_VERSION } from '../generators/package/version.ts';
import { startFileWriter } from '../generators/file-writer.ts';
import { checkGeneratedQueriesInParallel, startCheckWorkers, storedChecksOf, type ParallelCheckOptions } from '../generators/parallel-checks.ts';
import { projectPath } from '../generators/paths.ts';
import type { TestOutcome } from '../generators/replay/harness.ts';
import { makeWorkspace } from './workspace.ts';

const cacheEnv = () => ({ DETC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'detc-check-cache-')) });
const summary = (o: TestOutcome) => ({ rule: o.rule.file, test: o.test.name, target: o.target, failures: o.failures, rows: o.rows, ms: o.durationMs });
const withoutTimes = ({ ms: _, ...o }: ReturnType<typeof summary>) => o;

async function check(catalog: Catalog, cache: RuleCheckCache | undefined, options: ParallelCheckOptions = {}) {
  const result = await checkGeneratedQueriesInParallel(catalog, { ...options, ...(cache ? { cache } : {}) });
  return { ...result, summaries: result.outcomes.map(summary) };
}

describe('the cache of rule checks', () => {
  it('gives back every rule\'s check as it was made, the same as checking again', async () => {
    const root = makeWorkspace({}, { withContent: true });
    const catalog = loadCatalog(root);
    const cache = ruleCheckCache(root, cacheEnv())!;
    const first = await check(catalog, cache);
    expect(first.fromCache).toBe(0);
    const second = await check(loadCatalog(root), cache);
    expect(second.fromCache).toBe(catalog.rules.length);
    // The kept check, test by test (its rows and its recorded time): nothing was run again.
    expect(second.summaries).toEqual(first.summaries);
    expect(second.diagnostics).toEqual(first.diagnostics);
    // And what checking again, without the cache, gives.
    const fresh = await check(loadCatalog(root), undefined);
    expect(second.summaries.map(withoutTimes)).toEqual(fresh.summaries.map(withoutTimes));
    expect(second.outcomes.length).toBeGreaterThan(100);
  }, 120_000);

  it('checks again a rule whose text, or a fixture file of whose tests, changed; and every rule when the schemas or the options change', async () => {
    const root = makeWorkspace({}, { withContent: true });
    const env = cacheEnv();
    const keysOf = (options: { targets?: ['splunk'] } = {}) => {
      const cache = ruleCheckCache(root, env)!;
      return new Map(loadCatalog(root).rules.map((rule) => [rule.file, ruleCheckKey(cache, rule, options)]));
    };
    const before = keysOf();
    const changed = (after: Map<string, string>) => [...after].filter(([file, key]) => before.get(file) !== key).map(([file]) => file).sort();
    // A comment in one rule: that rule only (its diagnostics' lines could move).
    const rule = 'detections/spray/pop-imap-password-spray.yml';
    appendFileSync(join(root, rule), '# a comment\n');
    expect(changed(keysOf())).toEqual([rule]);
    // One fixture file: the rules whose tests read it.
    const fixture = 'samples/entra_signin/stuffing.jsonl';
    const readers = loadCatalog(root).rules.filter((r) => r.document.tests.some((t) => t.events === fixture)).map((r) => r.file).sort();
    expect(readers.length).toBeGreaterThan(0);
    const keysWithComment = keysOf();
    const lines = readFileSync(join(root, fixture), 'utf8').trimEnd().split('\n');
    writeFileSync(join(root, fixture), `${lines.slice(0, -1).join('\n')}\n`);
    const afterFixture = keysOf();
    expect([...afterFixture].filter(([file, key]) => keysWithComment.get(file) !== key).map(([file]) => file).sort()).toEqual(readers);
    // Another replay option: every rule.
    const other = keysOf({ targets: ['splunk'] });
    expect([...other].every(([file, key]) => afterFixture.get(file) !== key)).toBe(true);
    // Any schema file: every rule.
    const schemas = readdirSync(join(root, 'schemas', 'logsources'));
    appendFileSync(join(root, 'schemas', 'logsources', schemas[0]!), '\n# a comment\n');
    const afterSchema = keysOf();
    expect([...afterSchema].every(([file, key]) => afterFixture.get(file) !== key)).toBe(true);
  }, 120_000);

  it('gives the same from checks read ahead (storedChecksOf, as `detc test` reads them) as from reading them itself', async () => {
    const root = makeWorkspace({}, { withContent: true });
    const cache = ruleCheckCache(root, cacheEnv())!;
    await check(loadCatalog(root), cache, { targets: ['splunk', 'sentinel'] });
    appendFileSync(join(root, 'detections/spray/pop-imap-password-spray.yml'), '# a comment\n');
    const catalog = loadCatalog(root);
    const stored = storedChecksOf(catalog, { cache, targets: ['splunk', 'sentinel'] })!;
    expect(stored.checks.filter((c) => !c)).toHaveLength(1);
    const ahead = await check(catalog, cache, { targets: ['splunk', 'sentinel'], stored });
    const itself = await check(loadCatalog(root), cache, { targets: ['splunk', 'sentinel'] });
    expect(ahead.fromCache).toBe(catalog.rules.length - 1);
    expect(itself.fromCache).toBe(catalog.rules.length);
    expect(ahead.summaries.map(withoutTimes)).toEqual(itself.summaries.map(withoutTimes));
    expect(ahead.diagnostics).toEqual(itself.diagnostics);
  });

  it('checks again a rule whose entry is damaged, and keeps the new check', async () => {
    const root = makeWorkspace({}, { withContent: true });
    const catalog = loadCatalog(root);
    const cache = ruleCheckCache(root, cacheEnv())!;
    const first = await check(catalog, cache);
    const entries = readdirSync(cache.dir).filter((f) => f.endsWith('.check')).sort();
    expect(entries).toHaveLength(catalog.rules.length);
    const file = join(cache.dir, entries[0]!);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 5) ^ 1, flipped.length - 5);
    for (const damaged of [good.subarray(0, good.length / 2), flipped, Buffer.alloc(0), Buffer.from('not a check')]) {
      writeFileSync(file, damaged);
      const again = await check(loadCatalog(root), cache);
      expect(again.fromCache).toBe(catalog.rules.length - 1);
      expect(again.summaries.map(withoutTimes)).toEqual(first.summaries.map(withoutTimes));
      expect(readRuleCheck(cache, entries[0]!.replace(/\.check$/, ''))).toBeDefined();
    }
  }, 120_000);

  it('keeps a failing check as it is: the rule fails again from the cache', async () => {
    const root = makeWorkspace({}, { withContent: true });
    const rule = join(root, 'detections/spray/pop-imap-password-spray.yml');
    writeFileSync(rule, readFileSync(rule, 'utf8').replace(/rows: (\d+)/, (_, n: string) => `rows: ${Number(n) + 1}`));
    const cache = ruleCheckCache(root, cacheEnv())!;
    const first = await check(loadCatalog(root), cache);
    const failed = first.outcomes.filter((o) => o.failures.length);
    expect(failed.length).toBeGreaterThan(0);
    const second = await check(loadCatalog(root), cache);
    expect(second.fromCache).toBe(loadCatalog(root).rules.length);
    expect(second.outcomes.filter((o) => o.failures.length).map(summary)).toEqual(failed.map(summary));
  }, 120_000);

  it("counts as unchanged only what an earlier run kept, not what this run's workers kept before this thread read the cache", async () => {
    const root = makeWorkspace({}, { withContent: true });
    const cache = ruleCheckCache(root, cacheEnv())!;
    const files = findRuleFiles(root);
    const writer = startFileWriter();
    // As `detc build` starts them: on the rule files, before the catalog is loaded.
    const started = startCheckWorkers(root, files, { cache, writer, threads: 2, minRules: 0 })!;
    // The worker checks every rule, and its checks are written, before this thread reads the cache.
    await Promise.all(started.workers.map((w) => w.report));
    for (let waited = 0; readdirSync(cache.dir).filter((f) => f.endsWith('.check')).length < files.length; waited += 50) {
      if (waited > 30_000) throw new Error('the checks were not written');
      await new Promise((done) => setTimeout(done, 50));
    }
    const first = await checkGeneratedQueriesInParallel(loadCatalog(root), { cache, writer, started });
    await writer.close();
    expect(first.fromCache).toBe(0);
    expect(first.byWorkers).toBe(files.length);
    const second = await check(loadCatalog(root), cache);
    expect(second.fromCache).toBe(files.length);
  }, 120_000);

  it('is off with DETC_NO_CACHE=1, and lives under DETC_CACHE_DIR', () => {
    expect(ruleCheckCache(projectPath(), { DETC_NO_CACHE: '1', DETC_CACHE_DIR: '/c' })).toBeUndefined();
    expect(ruleCheckCache(projectPath(), { DETC_CACHE_DIR: '/c' })!.dir).toBe(join('/c', 'rule-checks'));
    expect(ruleCheckCache(projectPath(), { XDG_CACHE_HOME: '/x' })!.dir).toBe(join('/x', 'detc', 'rule-checks'));
  });

  it('`detc test` run twice: the second run says its checks come from the cache, and prints the same report', () => {
    const root = makeWorkspace({}, { withContent: true });
    const env = { ...process.env, DETC_NO_CACHE: '', ...cacheEnv() };
    const run = () => spawnSync(process.execPath, [projectPath('bin/detc.js'), '--root', root, 'test'], { env, encoding: 'utf8' });
    const first = run();
    const second = run();
    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(first.stderr).not.toMatch(/from the cache/);
    const rules = loadCatalog(root).rules.length;
    expect(second.stderr).toContain(`${rules} of ${rules} rules unchanged since their last check: their results come from the cache`);
    expect(second.stdout).toBe(first.stdout);
  }, 120_000);
});

describe("the cache of Kusto's analyses of custom detection queries", () => {
  const detectionEntries = (cache: RuleCheckCache) => readdirSync(cache.dir).filter((f) => f.endsWith('.detection')).sort();

  it('packaging keeps each analysis and reads it back instead of analysing again, making the same files', () => {
    const root = makeWorkspace({}, { withContent: true });
    const cache = ruleCheckCache(root, cacheEnv())!;
    const fresh = buildDistFiles(loadCatalog(root));
    expect(buildDistFiles(loadCatalog(root), DETC_VERSION, { cache })).toEqual(fresh);
    const entries = detectionEntries(cache);
    const customDetections = [...fresh.keys()].filter((f) => /^defender\/.*\.json$/.test(f));
    expect(customDetections.length).toBeGreaterThan(0);
    expect(entries.length).toBeGreaterThanOrEqual(customDetections.length);
    expect(buildDistFiles(loadCatalog(root), DETC_VERSION, { cache })).toEqual(fresh);
    // Read back, not analysed again: entries saying Kusto found a problem are what packaging reports.
    for (const entry of entries) {
      const value = { diagnostics: [{ code: 'KS999', severity: 'error', message: 'as the cache says', start: 0, length: 1, line: 1, col: 1 }], columns: [] };
      writeFileSync(join(cache.dir, entry), withChecksum(serialize({ key: entry.replace(/\.detection$/, ''), value })));
    }
    const thrown = (() => {
      try {
        buildDistFiles(loadCatalog(root), DETC_VERSION, { cache });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).diagnostics.map((d) => d.message)).toContain('custom detection query for Defender XDR, line 1 col 1: KS999: as the cache says');
  }, 120_000);

  it('analyses again a query whose entry is damaged, and keeps the new analysis', () => {
    const root = makeWorkspace({}, { withContent: true });
    const cache = ruleCheckCache(root, cacheEnv())!;
    const fresh = buildDistFiles(loadCatalog(root), DETC_VERSION, { cache });
    const [entry] = detectionEntries(cache);
    const file = join(cache.dir, entry!);
    const good = readFileSync(file);
    writeFileSync(file, good.subarray(0, good.length - 3));
    expect(buildDistFiles(loadCatalog(root), DETC_VERSION, { cache })).toEqual(fresh);
    expect(readFileSync(file)).toEqual(good);
  }, 120_000);
});
