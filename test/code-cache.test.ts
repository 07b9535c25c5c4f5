// Kusto's language service loaded through V8's code cache (generators/code-cache.ts): the first
// process makes the entry, the next one uses it and analyses as the first did; an entry that is
// damaged is refused (by V8, or by its checksum) and made again; with caches off, Kusto is
// required as it is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../generators/paths.ts';

/** A process of its own loading Kusto (through tsx), saying how, and what it makes of a query. */
function loadKusto(env: NodeJS.ProcessEnv): { use: string; diagnostics: unknown } {
  const script = `
    import { lastCodeCacheUse } from ${JSON.stringify(projectPath('generators/code-cache.ts'))};
    import { kqlSemanticDiagnostics } from ${JSON.stringify(projectPath('generators/kql/language-service.ts'))};
    const diagnostics = kqlSemanticDiagnostics('T | where a == "x" and nope > 1 | summarize n = count() by b', [{ name: 'T', columns: [{ name: 'a', type: 'string' }, { name: 'b', type: 'long' }] }]);
    console.log(JSON.stringify({ use: lastCodeCacheUse(), diagnostics }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectPath(), encoding: 'utf8', env: { ...process.env, ...env } });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as { use: string; diagnostics: unknown };
}

describe('the V8 code cache of Kusto\'s language service', () => {
  it('is made by the first process, used by the next, and changes nothing Kusto reports', () => {
    const env = { DETC_NO_CACHE: '', DETC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'detc-code-cache-')) };
    const first = loadKusto(env);
    expect(first.use).toBe('made');
    const entries = readdirSync(join(env.DETC_CACHE_DIR, 'v8-code'));
    expect(entries.map((e) => e.replace(/-[0-9a-f]{24}\.bin$/, '')).sort()).toEqual(['Kusto.Language.Bridge.min.js', 'bridge.min.js']);
    const second = loadKusto(env);
    expect(second.use).toBe('used');
    expect(second.diagnostics).toEqual(first.diagnostics);
    // Not vacuous: the query names a column T does not have, which Kusto reports.
    expect(JSON.stringify(first.diagnostics)).toMatch(/KS/);
    expect(readdirSync(join(env.DETC_CACHE_DIR, 'v8-code'))).toEqual(entries);
  }, 60_000);

  it('makes a damaged entry again', () => {
    const env = { DETC_NO_CACHE: '', DETC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'detc-code-cache-')) };
    const first = loadKusto(env);
    const dir = join(env.DETC_CACHE_DIR, 'v8-code');
    for (const entry of readdirSync(dir)) {
      const data = readFileSync(join(dir, entry));
      writeFileSync(join(dir, entry), data.subarray(0, data.length / 2));
    }
    const again = loadKusto(env);
    expect(again.use).toBe('made');
    expect(again.diagnostics).toEqual(first.diagnostics);
    expect(loadKusto(env).use).toBe('used');
  }, 60_000);

  it('makes an entry whose body is damaged again (V8 checks only its header: a process given one crashed)', () => {
    const env = { DETC_NO_CACHE: '', DETC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'detc-code-cache-')) };
    const first = loadKusto(env);
    const dir = join(env.DETC_CACHE_DIR, 'v8-code');
    // The checksum line (65 bytes) and V8's header kept, the body overwritten, the length the same.
    for (const entry of readdirSync(dir)) writeFileSync(join(dir, entry), readFileSync(join(dir, entry)).fill(7, 65 + 64));
    const again = loadKusto(env);
    expect(again.use).toBe('made');
    expect(again.diagnostics).toEqual(first.diagnostics);
    expect(loadKusto(env).use).toBe('used');
  }, 60_000);

  it('is off with DETC_NO_CACHE=1', () => {
    const env = { DETC_NO_CACHE: '1', DETC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'detc-code-cache-')) };
    expect(loadKusto(env).use).toBe('off');
    expect(readdirSync(env.DETC_CACHE_DIR)).toEqual([]);
  }, 60_000);
});
