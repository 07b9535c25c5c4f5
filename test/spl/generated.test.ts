// The SPL our compiler generates must pass our own validator: zero errors, zero warnings.
// Checked on the committed artifacts (dist/splunk/*.spl), on `detc show`, and on every rule
// rendered for every Splunk profile of its log source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { projectPath } from '../../generators/paths.ts';
import { validateSpl } from '../../generators/spl/validate.ts';
import { render } from '../../generators/targets/index.ts';
import { runCli } from '../workspace.ts';

describe('generated SPL', () => {
  it('dist/splunk/*.spl validate with no diagnostic', () => {
    const dir = projectPath('dist', 'splunk');
    const files = readdirSync(dir).filter((f) => f.endsWith('.spl'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(validateSpl(readFileSync(join(dir, file), 'utf8')), file).toEqual([]);
    }
  });

  it('`detc show pop-imap-password-spray --target splunk` prints SPL that validates with no diagnostic', async () => {
    const { code, out } = await runCli(projectPath(), 'show', 'pop-imap-password-spray', '--target', 'splunk');
    expect(code).toBe(0);
    expect(out).toMatch(/^`detc_entra_signin`/);
    expect(validateSpl(out)).toEqual([]);
  });

  it('every rule, rendered for every Splunk profile, validates with no diagnostic', () => {
    const catalog = loadCatalog(projectPath());
    expect(catalog.rules.length).toBeGreaterThan(0);
    for (const rule of catalog.rules) {
      for (const profile of rule.query.logsource.targets.splunk.profiles.keys()) {
        const text = render(rule.query, 'splunk', profile).text;
        const key = `${rule.document.name} (${profile})`;
        expect(validateSpl(text).map((d) => d.code), `${key}:\n${text}`).toEqual([]);
      }
    }
  });
});
