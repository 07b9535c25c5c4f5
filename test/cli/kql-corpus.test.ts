// `detc validate --syntax-only` gives the same syntax verdict as Kusto's own parser on 1,026
// queries we did not write (test/corpus/kql-community.jsonl; see test/corpus/README.md): 917
// clean, the other 109 snippets or broken in their source.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateKql } from '../../generators/kql/validate.ts';
import { projectPath } from '../../generators/paths.ts';

const queries = readFileSync(projectPath('test/corpus/kql-community.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { path: string; query: string });

describe('KQL corpus', () => {
  it('917 of 1,026 community queries are syntactically clean, as Kusto\'s parser says', () => {
    expect(queries).toHaveLength(1026);
    const clean = queries.filter((q) => validateKql(q.query, [], { syntaxOnly: true }).filter((d) => d.severity === 'error').length === 0);
    expect(clean).toHaveLength(917);
  });
});
