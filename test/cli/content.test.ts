// The bundled content: every rule test passes on the reference evaluator, and the committed
// dist/ is exactly what `detc build` writes.
import { describe, expect, it } from 'vitest';
import { buildDistFiles } from '../../generators/build.ts';
import { loadCatalog } from '../../generators/catalog.ts';
import { staleFiles } from '../../generators/dist-writer.ts';
import { projectPath } from '../../generators/paths.ts';
import { replayCatalog } from '../../generators/replay/harness.ts';
import { runCli } from '../workspace.ts';

const catalog = loadCatalog(projectPath());

describe('bundled content', () => {
  for (const rule of catalog.rules) {
    it(`${rule.document.name}: every test passes on the reference evaluator`, () => {
      const outcomes = replayCatalog({ ...catalog, rules: [rule] });
      expect(outcomes.length).toBeGreaterThanOrEqual(2);
      expect(outcomes.filter((o) => o.failures.length).map((o) => `${o.test}: ${o.failures.join('; ')}`)).toEqual([]);
    });
  }

  it('every rule has a test that returns rows and one that returns none', () => {
    for (const rule of catalog.rules) {
      const counts = replayCatalog({ ...catalog, rules: [rule] }).filter((o) => o.target === 'reference').map((o) => o.rows.length);
      expect(counts.some((n) => n > 0), rule.document.name).toBe(true);
      expect(counts.some((n) => n === 0), rule.document.name).toBe(true);
    }
  });

  it('the committed dist/ is up to date (run `npx detc build` and commit dist/ if this fails)', () => {
    expect(staleFiles(projectPath('dist'), buildDistFiles(catalog))).toEqual([]);
  });

  it('`detc test --reporter json` reports every test passing', async () => {
    const result = await runCli(projectPath(), 'test', '--reporter', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as { passed: number; failed: number };
    expect(report.failed).toBe(0);
    expect(report.passed).toBeGreaterThanOrEqual(catalog.rules.reduce((n, r) => n + r.tests.length, 0));
  });

  it('`detc test` exits 1 when a rule test fails', async () => {
    const { makeWorkspace } = await import('../workspace.ts');
    const { readFileSync } = await import('node:fs');
    const rule = readFileSync(projectPath('detections/spray/pop-imap-password-spray.yml'), 'utf8').replace('having: distinct_users >= 5', 'having: distinct_users >= 50');
    const root = makeWorkspace({ 'detections/pop-imap-password-spray.yml': rule }, {});
    const { cpSync } = await import('node:fs');
    cpSync(projectPath('samples'), `${root}/samples`, { recursive: true });
    const result = await runCli(root, 'test', 'pop-imap-password-spray');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL pop-imap-password-spray › one IP spraying twelve mailboxes/);
  });
});
