// bin/detc.js runs the CLI from a bundle of the sources (bin/cli-loader.js) when it can: the
// bundle must behave as the sources do, and be made again when a source changes.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkedBody, withChecksum } from '../../generators/cache-dir.ts';
import { projectPath } from '../../generators/paths.ts';
import { writeSyntheticContent } from '../bench/content-build.ts';
import { loadCatalog } from '../../generators/catalog.ts';
import type { CheckWorkerReport } from '../../generators/parallel-checks.ts';
import { checkRule, portableRuleCheck, type PortableRuleCheck } from '../../generators/query-validation.ts';
import { replayEngines } from '../../generators/replay/engines.ts';
import { replayMacros } from '../../generators/replay/harness.ts';
import { analyzeKqlTree } from '../../generators/kql/language-service.ts';
import { snapshotTree, type KqlTreeSnapshot } from '../../generators/kql/tree-snapshot.ts';

/** A copy of the project's code (each package linked, the cache of bundles its own): a source edited there shows at once. */
function projectCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'detc-bin-'));
  for (const dir of ['bin', 'generators', 'schemas', 'detections', 'package.json']) cpSync(projectPath(dir), join(root, dir), { recursive: true });
  mkdirSync(join(root, 'node_modules'));
  for (const entry of readdirSync(projectPath('node_modules'))) if (entry !== '.cache') symlinkSync(projectPath('node_modules', entry), join(root, 'node_modules', entry));
  return root;
}

/** What `found` returns once it returns something, looked for every 100 ms for at most `ms`. */
async function eventually<T>(found: () => T | undefined, ms: number): Promise<T> {
  for (const end = Date.now() + ms; ; await new Promise((wake) => setTimeout(wake, 100))) {
    const value = found();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`not there after ${ms} ms`);
  }
}

function detc(root: string, args: readonly string[], bundled: boolean, caches = mkdtempSync(join(tmpdir(), 'detc-bin-cache-'))) {
  const env = { ...process.env };
  // Caches on for the bundle (DETC_NO_CACHE turns it off too), in a folder of the test's own.
  if (bundled) (delete env.DETC_NO_CACHE, (env.DETC_CACHE_DIR = caches));
  else env.DETC_NO_CACHE = '1';
  const child = spawnSync(process.execPath, [join(root, 'bin/detc.js'), ...args], { cwd: projectPath(), encoding: 'utf8', env });
  return { code: child.status, out: child.stdout, err: child.stderr };
}

describe('bin/detc.js', () => {
  it('gives from its bundle what the sources give through tsx', () => {
    const root = projectPath();
    // A .kql never run before: Kusto analyses it on a worker thread (its own bundle, or the source).
    const dir = mkdtempSync(join(tmpdir(), 'detc-bin-kql-'));
    writeFileSync(join(dir, 'q.kql'), 'T | where App in~ ("IMAP4", "POP3") | summarize n = count() by App | order by App asc');
    writeFileSync(join(dir, 'events.jsonl'), '{"App":"imap4"}\n{"App":"IMAP4"}\n{"App":"Browser"}\n');
    const kqlRun = ['run', join(dir, 'q.kql'), '--events', join(dir, 'events.jsonl'), '--table', 'T', '--now', '2026-07-01T12:00:00Z', '--format', 'json'];
    expect(JSON.parse(detc(root, kqlRun, true).out)).toEqual([{ App: 'IMAP4', n: 1 }, { App: 'imap4', n: 1 }]);
    for (const args of [['show', 'pop-imap-password-spray', '--target', 'sentinel'], ['run', 'pop-imap-password-spray', '--events', projectPath('samples/entra_signin/imap-spray.jsonl'), '--format', 'json'], kqlRun, ['show', 'no-such-rule']]) {
      expect(detc(root, args, true), args.join(' ')).toEqual(detc(root, args, false));
    }
    expect(readdirSync(projectPath('node_modules/.cache/detc')).filter((f) => f.startsWith('cli-')).length).toBeGreaterThan(0);
  });

  it('runs the worker threads of `detc test` on content of 100 rules or more from their own bundle, with the same report', () => {
    const content = writeSyntheticContent(100, 13);
    const args = ['--root', content, 'test', '--reporter', 'junit'];
    const bundled = detc(projectPath(), args, true);
    const sources = detc(projectPath(), args, false);
    // JUnit's times differ from run to run; everything else is the same.
    const untimed = (out: string) => out.replace(/ (time|timestamp)="[^"]*"/g, '');
    expect(untimed(bundled.out)).toBe(untimed(sources.out));
    expect({ ...bundled, out: '' }).toEqual({ ...sources, out: '' });
    expect(bundled.out.match(/<testcase /g)!.length).toBeGreaterThan(1000);
  }, 120_000);

  it('has a worker bundle that checks a rule as the sources do', async () => {
    expect(detc(projectPath(), ['--version'], true).code).toBe(0);
    const cache = projectPath('node_modules/.cache/detc');
    const [newest] = readdirSync(cache).filter((f) => /^checks-worker-.*\.mjs$/.test(f)).sort((a, b) => statSync(join(cache, b)).mtimeMs - statSync(join(cache, a)).mtimeMs);
    const rule = projectPath('detections/spray/pop-imap-password-spray.yml');
    const data = { root: projectPath(), files: [rule], next: new SharedArrayBuffer(4) };
    const report = await new Promise<CheckWorkerReport>((done, fail) => {
      const worker = new Worker(join(cache, newest!), { workerData: data });
      worker.once('message', done);
      worker.once('error', fail);
    });
    expect(report.error).toBeUndefined();
    const catalog = loadCatalog(projectPath(), [rule]);
    const here = checkRule(catalog.rules[0]!, { engines: replayEngines() }, replayMacros(catalog));
    // The same check but for its times.
    const untimed = (c: PortableRuleCheck) => ({ ...c, ms: 0, outcomes: c.outcomes.map((o) => ({ ...o, durationMs: 0 })) });
    expect(report.checks.map(({ index, ...c }) => [index, untimed(c)])).toEqual([[0, untimed(portableRuleCheck(catalog.rules[0]!, here))]]);
    expect(here.outcomes.length).toBeGreaterThan(10);
  });

  it("has a worker bundle for Kusto's analysis that gives the snapshot the sources give", async () => {
    expect(detc(projectPath(), ['--version'], true).code).toBe(0);
    const cache = projectPath('node_modules/.cache/detc');
    const [newest] = readdirSync(cache).filter((f) => /^kql-analysis-worker-.*\.mjs$/.test(f)).sort((a, b) => statSync(join(cache, b)).mtimeMs - statSync(join(cache, a)).mtimeMs);
    const text = 'T | where App in~ ("IMAP4", "POP3") | summarize n = count() by App';
    const tables = [{ name: 'T', columns: [{ name: 'App', type: 'string' }] }];
    const reply = await new Promise<{ snapshot: KqlTreeSnapshot }>((done, fail) => {
      const worker = new Worker(join(cache, newest!), { workerData: { text, tables } });
      worker.once('message', done);
      worker.once('error', fail);
    });
    expect(reply.snapshot).toEqual(snapshotTree(analyzeKqlTree(text, tables)));
  });

  it("loads its CommonJS bundle through V8's code cache, made at exit, used as it is, made again when refused", () => {
    const root = projectCopy();
    const cache = join(root, 'node_modules/.cache/detc');
    const codeCache = () => readdirSync(cache).filter((f) => /^v8-cli-.*\.bin$/.test(f));
    const args = ['show', 'pop-imap-password-spray', '--target', 'sentinel'];
    const want = detc(root, args, false);
    expect(want.code).toBe(0);
    expect(detc(root, args, true)).toEqual(want);
    expect(readdirSync(cache).filter((f) => f.startsWith('cli-'))).toEqual([expect.stringMatching(/\.cjs$/)]);
    const [entry] = codeCache();
    expect(codeCache()).toHaveLength(1);
    const made = readFileSync(join(cache, entry!));
    // Accepted: not made again.
    expect(detc(root, args, true)).toEqual(want);
    expect(readFileSync(join(cache, entry!))).toEqual(made);
    // Damaged (V8 checks a cache's header, not its body: given this one, Node crashed with
    // SIGSEGV), or refused by V8 (another Node's): the command runs the same, and the cache is made
    // again. It is stored with a checksum, as the other caches are.
    const body = checkedBody(made)!;
    expect(body).toBeDefined();
    const damaged = Buffer.concat([made.subarray(0, 65), Buffer.from(body).fill(7, 64)]);
    const otherHeader = Buffer.from(body);
    otherHeader.writeUInt32LE(otherHeader.readUInt32LE(4) ^ 1, 4);
    for (const stored of [damaged, withChecksum(otherHeader)]) {
      writeFileSync(join(cache, entry!), stored);
      expect(detc(root, args, true)).toEqual(want);
      expect(codeCache()).toEqual([entry]);
      const again = readFileSync(join(cache, entry!));
      expect(again.equals(stored)).toBe(false);
      expect(checkedBody(again)).toBeDefined();
    }
  });

  it('bundles again when a source changes', () => {
    const root = projectCopy();
    const before = detc(root, ['--version'], true);
    expect(before.code).toBe(0);
    appendFileSync(join(root, 'generators/cli.ts'), "\nprocess.stdout.write('edited\\n');\n");
    expect(detc(root, ['--version'], true).out).toBe(`edited\n${before.out}`);
    expect(readdirSync(join(root, 'node_modules/.cache/detc')).filter((f) => f.startsWith('cli-'))).toHaveLength(1);
  });

  it("bundles again when Kusto's package changes (the Kusto snapshot, named like the bundles, holds it)", () => {
    const root = projectCopy();
    const cache = join(root, 'node_modules/.cache/detc');
    const bundles = () => readdirSync(cache).filter((f) => f.startsWith('cli-') || f.startsWith('kusto-snapshot-entry-'));
    expect(detc(root, ['--version'], true).code).toBe(0);
    const before = bundles();
    // Another Kusto: its files linked, its package.json of another version.
    const kusto = join(root, 'node_modules/@kusto');
    rmSync(kusto);
    mkdirSync(join(kusto, 'language-service-next'), { recursive: true });
    const real = projectPath('node_modules/@kusto/language-service-next');
    for (const file of readdirSync(real)) {
      if (file === 'package.json') writeFileSync(join(kusto, 'language-service-next', file), readFileSync(join(real, file), 'utf8').replace(/"version":\s*"[^"]*"/, '"version": "99.0.0"'));
      else symlinkSync(join(real, file), join(kusto, 'language-service-next', file));
    }
    expect(detc(root, ['--version'], true).code).toBe(0);
    const after = bundles();
    expect(after).toHaveLength(2);
    expect(after.filter((f) => before.includes(f))).toEqual([]);
  });

  it("makes a V8 snapshot of Kusto after the first run that analyses a query, and analyses there after, with the same rows", async () => {
    const root = projectCopy();
    const dir = mkdtempSync(join(tmpdir(), 'detc-bin-kql-'));
    writeFileSync(join(dir, 'q.kql'), 'T | where App in~ ("IMAP4", "POP3") | summarize n = count() by App | order by App asc');
    writeFileSync(join(dir, 'events.jsonl'), '{"App":"imap4"}\n{"App":"IMAP4"}\n{"App":"Browser"}\n');
    // Each run with caches of its own: the query is never run before, so Kusto analyses it.
    const kqlRun = ['run', join(dir, 'q.kql'), '--events', join(dir, 'events.jsonl'), '--table', 'T', '--now', '2026-07-01T12:00:00Z', '--format', 'json'];
    const first = detc(root, kqlRun, true);
    expect(JSON.parse(first.out)).toEqual([{ App: 'IMAP4', n: 1 }, { App: 'imap4', n: 1 }]);
    // Made by a process of its own that outlives the run.
    const cache = join(root, 'node_modules/.cache/detc');
    const blobOf = () => readdirSync(cache).find((f) => /^kusto-snapshot-(?!entry-).*\.blob$/.test(f));
    const blob = join(cache, await eventually(blobOf, 90_000));
    expect(statSync(blob).size).toBeGreaterThan(1_000_000);
    expect(detc(root, kqlRun, true)).toEqual(first);
    // The other commands that have Kusto analyse a few queries: a rule run on the KQL targets, and .kql files validated.
    writeFileSync(join(dir, 'bad.kql'), 'SigninLogs\n| where Foo == 1');
    writeFileSync(join(dir, 'ok.spl'), 'index=main sourcetype=x | stats count by user');
    for (const args of [['run', 'pop-imap-password-spray', '--events', projectPath('samples/entra_signin/imap-spray.jsonl'), '--target', 'all', '--format', 'json'], ['validate', join(dir, 'q.kql'), join(dir, 'bad.kql'), join(dir, 'ok.spl')]]) {
      expect(detc(root, args, true), args.join(' ')).toEqual(detc(root, args, false));
    }
    // And `detc test` and `detc build` of a rule or two (the queries analysed ahead there): the
    // same report, the same dist/ (a detection's custom detection query among it).
    const untimed = (r: ReturnType<typeof detc>) => ({ ...r, out: r.out.replace(/"ms": [\d.]+/g, '"ms": 0') });
    const testArgs = ['test', projectPath('detections/spray/pop-imap-password-spray.yml'), '--reporter', 'json'];
    const caches = mkdtempSync(join(tmpdir(), 'detc-bin-cache-'));
    expect(untimed(detc(root, testArgs, true, caches))).toEqual(untimed(detc(root, testArgs, false)));
    // Kusto was not loaded in that process (a process that loads it leaves V8's code cache of it).
    expect(readdirSync(caches)).toContain('rule-checks');
    expect(readdirSync(caches)).not.toContain('v8-code');
    const content = (bundled: boolean) => {
      const folder = mkdtempSync(join(tmpdir(), 'detc-bin-content-'));
      for (const part of ['schemas', 'samples', 'detections/spray/pop-imap-password-spray.yml']) cpSync(projectPath(part), join(folder, part), { recursive: true });
      const built = detc(root, ['--root', folder, 'build'], bundled, caches);
      const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
      return { code: built.code, dist: Object.fromEntries(files(join(folder, 'dist')).map((f) => [f.slice(folder.length), readFileSync(f, 'utf8')])) };
    };
    rmSync(caches, { recursive: true });
    const built = content(true);
    expect(readdirSync(caches)).not.toContain('v8-code'); // the custom detection query was analysed ahead too
    expect(built).toEqual(content(false));
    expect(Object.keys(built.dist)).toContain('/dist/defender/pop-imap-password-spray.json');
    // A blob this Node cannot run (made hours ago: by another build of Node, say): the run still
    // answers (on a worker thread), and the blob is made again.
    writeFileSync(blob, 'not a snapshot');
    const hoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(blob, hoursAgo, hoursAgo);
    expect(detc(root, kqlRun, true)).toEqual(first);
    await eventually(() => (blobOf() && statSync(blob).size > 1_000_000) || undefined, 90_000);
    expect(detc(root, kqlRun, true)).toEqual(first);
  }, 240_000);

  it('ends quietly when the reader of its output stops reading (`detc … | head`)', async () => {
    const child = spawn(process.execPath, [projectPath('bin/detc.js'), 'show', 'pop-imap-password-spray', '--target', 'splunk'], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first line is written
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise((done) => child.once('close', done));
    expect({ code, err }).toEqual({ code: 0, err: '' });
  });
});
