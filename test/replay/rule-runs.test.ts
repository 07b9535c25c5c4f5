// detc run <rule> reads a large JSON Lines export on worker threads (the rule's raw requirement
// applied to byte ranges; only kept lines parsed here): it must give what the one-thread read
// gives — rows, counts, bad lines reported at their line numbers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import type { Diagnostic } from '../../generators/diagnostics.ts';
import { projectPath } from '../../generators/paths.ts';
import { materialize } from '../../generators/replay/materialize.ts';
import { runRuleOnExport } from '../../generators/rule-runs.ts';
import { makeWorkspace } from '../workspace.ts';

const catalog = loadCatalog(projectPath());
const rule = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
const events = rule.tests.flatMap((t) => t.events);
const now = Math.max(...events.map((e) => e.timestamp as number)) + 1000;

async function run(file: string, scan?: { fromBytes: number; workers: number; rangeBytes: number }, skipBadLines = false) {
  const problems: Diagnostic[] = [];
  const result = await runRuleOnExport(catalog, rule, file, { now, skipBadLines, report: (d) => problems.push(d), engines: [], ...(scan ? { scan } : {}) });
  return { ...result, problems: problems.map((p) => `${p.line}: ${p.message}`) };
}

describe('detc run <rule> on a JSON Lines export read on worker threads', () => {
  const raw = materialize(events, rule.query.logsource, 'splunk').rows.map((r) => r._raw as string);
  // Decoys the requirement refuses (Browser sign-ins), one with an escape (always parsed), and
  // the rule's events between them, in small ranges so that every range boundary is crossed.
  const lines = raw.flatMap((line, i) => [line, line.replace(/"clientAppUsed":"[^"]*"/, '"clientAppUsed":"Browser"'), ...(i % 7 === 0 ? [line.replace(/"clientAppUsed":"[^"]*"/, '"clientAppUsed":"Brow\\u0073er"')] : [])]);
  const threads = { fromBytes: 0, workers: 2, rangeBytes: 2048 };

  it('gives the rows and counts of the one-thread read', async () => {
    const file = join(makeWorkspace(), 'export.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const [one, parallel] = [await run(file), await run(file, threads)];
    expect(one.reference!.length).toBeGreaterThan(0);
    expect(parallel.reference).toEqual(one.reference);
    expect({ read: parallel.read, unparsed: parallel.unparsed }).toEqual({ read: one.read, unparsed: one.unparsed });
    expect(one.read).toBe(lines.length);
    // Every line past the first that names none of POP3, IMAP4, Exchange ActiveSync and holds no escape.
    expect(one.unparsed).toBe(lines.filter((l, i) => i > 0 && !/pop3|imap4|exchange activesync|\\/i.test(l)).length);
    expect(one.unparsed).toBeGreaterThanOrEqual(raw.length);
    expect(parallel.problems).toEqual([]);
  });

  it('reports a broken line the rule could match at its line number; skips it when asked', async () => {
    const file = join(makeWorkspace(), 'broken.jsonl');
    const broken = [...lines];
    broken.splice(40, 0, '{"clientAppUsed": "IMAP4", oops}');
    writeFileSync(file, broken.join('\n'));
    const [one, parallel] = [await run(file), await run(file, threads)];
    expect(one.reference).toBeUndefined();
    expect(parallel.reference).toBeUndefined();
    expect(parallel.problems).toEqual(one.problems);
    expect(parallel.problems[0]).toMatch(/^41: not JSON/);
    const skipped = await run(file, threads, true);
    expect(skipped.skipped).toBe(1);
    expect(skipped.reference!.length).toBeGreaterThan(0);
  });
});
