// The README's rules table is the list SOC teams read first: it must name every bundled rule
// with its kind, severity, ATT&CK ids, log source and title, and nothing else.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { projectPath } from '../../generators/paths.ts';

const catalog = loadCatalog(projectPath());
const readme = readFileSync(projectPath('README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## The rules\n'), readme.indexOf('\n## ', readme.indexOf('## The rules\n') + 1));
const rows = section.split('\n').filter((l) => /^\| \[`/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));

describe('README rules table', () => {
  it('has one row per rule, in name order', () => {
    const names = rows.map((r) => /`([^`]+)`/.exec(r[0]!)![1]);
    expect(names).toEqual(catalog.rules.map((r) => r.document.name).sort());
  });

  for (const rule of catalog.rules) {
    it(`describes ${rule.document.name} as its file does`, () => {
      const d = rule.document;
      const row = rows.find((r) => r[0]!.includes(`\`${d.name}\``));
      expect(row).toEqual([`[\`${d.name}\`](${rule.file})`, d.kind, d.severity, d.attack.join(', '), d.logsource, d.title]);
    });
  }
});
