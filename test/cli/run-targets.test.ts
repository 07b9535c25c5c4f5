// `detc run <rule> --target`: the generated query of a target runs on our engine for it over the
// analyst's export (materialized in the target's native shape) and is compared with the rule's
// meaning; a disagreement is a finding (exit 1), as in `detc test`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { projectPath } from '../../generators/paths.ts';
import { makeWorkspace, runCli } from '../workspace.ts';

const catalog = loadCatalog(projectPath());
const rule = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
const test = rule.tests[0]!;
const now = new Date(test.now).toISOString();
const expected = evaluateQuery(rule.query, test.events, test.now);
const events = projectPath('samples/entra_signin/imap-spray.jsonl');

describe('detc run <rule> --target', () => {
  it('all: every target returns the rule\'s rows, and the rule\'s rows are printed', async () => {
    expect(expected.length).toBeGreaterThan(0);
    const r = await runCli(projectPath(), 'run', rule.document.name, '--events', events, '--now', now, '--target', 'all', '--format', 'json');
    expect(r.code, r.err).toBe(0);
    for (const target of ['splunk', 'defender', 'sentinel']) expect(r.err).toContain(`${target}: ${expected.length} rows, same rows as the reference`);
    expect(JSON.parse(r.out)).toEqual(expected);
  });

  it('one target: prints that target\'s rows, mapped back to the rule\'s columns', async () => {
    const r = await runCli(projectPath(), 'run', rule.document.name, '--events', events, '--now', now, '--target', 'sentinel', '--format', 'json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/^splunk:/m);
    expect(JSON.parse(r.out)).toEqual(expected);
  });

  it('a target that disagrees with the rule is a finding (exit 1) naming the target', async () => {
    // The Splunk macro points at a sourcetype the events do not have: the search finds nothing.
    const dir = makeWorkspace({}, { withContent: true });
    const logsource = join(dir, 'schemas/logsources/entra_signin.yml');
    writeFileSync(logsource, readFileSync(logsource, 'utf8').replace(`macro_definition: 'sourcetype="azure:aad:signin"'`, `macro_definition: 'sourcetype="not:the:signin:sourcetype"'`));
    const r = await runCli(dir, 'run', rule.document.name, '--events', join(dir, 'samples/entra_signin/imap-spray.jsonl'), '--now', now, '--target', 'all');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^splunk: 0 rows, DISAGREES with the reference/m);
    expect(r.err).toContain('defender: 1 rows, same rows as the reference');
  });

  it('is refused for a .spl or .kql file, which runs on its own language\'s engine', async () => {
    const r = await runCli(projectPath(), 'run', projectPath('dist/splunk/pop-imap-password-spray.spl'), '--events', events, '--target', 'splunk');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--target applies to rules');
  });
});
