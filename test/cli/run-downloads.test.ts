// `detc run` on the files people download from the portals, as they download them:
// - the Entra admin center's sign-in log CSV (Sign-in logs → Download → CSV), a shape the
//   entra_signin log source declares under `exports` (headers such as "Date (UTC)",
//   "Username", "IP address", "Client app", "Sign-in error code" — error codes as text, times in
//   UTC: https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-download-logs);
// - a Defender advanced-hunting CSV (Export on the results: one column per table column), with
//   Timestamp written as .NET writes a UTC datetime, seven fractional digits and Z.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { projectPath } from '../../generators/paths.ts';
import { materialize } from '../../generators/replay/materialize.ts';
import { makeWorkspace, runCli } from '../workspace.ts';

const download = projectPath('test/cli/fixtures/entra-admin-center-signins.csv');
const dir = makeWorkspace();

async function run(rule: string, file: string, ...args: string[]) {
  const r = await runCli(projectPath(), 'run', rule, '--events', file, '--format', 'json', ...args);
  return { ...r, rows: r.code === 0 ? (JSON.parse(r.out) as unknown[]) : [] };
}

describe('detc run on the Entra admin center sign-in log download (CSV)', () => {
  it('reads the download by its headers: five accounts sprayed over IMAP4/POP3 from one IP, in every time form the file may hold', async () => {
    const r = await run('pop-imap-password-spray', download, '--now', '2026-07-01T11:00:00Z');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/9 events read as download entra_admin_center_csv; 1 rows/);
    // Lynne's success (error code "0") and Diego's Browser sign-in are not legacy failures;
    // 198.51.100.9 tried one account only.
    expect(r.rows).toEqual([{
      src_ip: '203.0.113.7',
      window: '2026-07-01T10:00:00.000Z',
      distinct_users: 5,
      attempts: 6,
      users: ['adele.vance@contoso.com', 'alex.wilber@contoso.com', 'joni.sherman@contoso.com', 'lee.gu@contoso.com', 'megan.bowen@contoso.com'],
      first_seen: '2026-07-01T10:02:11.000Z',
      last_seen: '2026-07-01T10:41:17.000Z',
    }]);
  });

  it('every target\'s generated query returns the same rows on the download (--target all)', async () => {
    const r = await run('pop-imap-password-spray', download, '--now', '2026-07-01T11:00:00Z', '--target', 'all');
    expect(r.code).toBe(0);
    for (const target of ['splunk', 'defender', 'sentinel']) expect(r.err).toContain(`${target}: 1 rows, same rows as the reference`);
  });

  it('the error code text is read as the number it spells ("0" success, "50053" locked)', async () => {
    const r = await run('legacy-auth-inventory', download, '--now', '2026-07-01T11:00:00Z');
    expect(r.code).toBe(0);
    expect(r.rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ user: 'lynne.robbins@contoso.com', client_app: 'IMAP4', result_code: 0 }),
      expect.objectContaining({ user: 'lee.gu@contoso.com', client_app: 'IMAP4', result_code: 50053 }),
      expect.objectContaining({ user: 'adele.vance@contoso.com', client_app: 'IMAP4', result_code: 50126, sign_ins: 2 }),
    ]));
  });

  it('an error code that is not a number is an input error at its line', async () => {
    const lines = readFileSync(download, 'utf8').split('\n');
    lines[2] = lines[2]!.replace(',50126,', ',n/a,');
    const file = join(dir, 'bad-code.csv');
    writeFileSync(file, lines.join('\n'));
    const r = await run('pop-imap-password-spray', file, '--now', '2026-07-01T11:00:00Z');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad-code\.csv:3:1: .*result_code/);
  });
});

describe('detc run on a Defender advanced-hunting CSV export', () => {
  it('reads Timestamp as the portal writes it (2026-07-01T10:02:11.0000000Z)', async () => {
    const catalog = loadCatalog(projectPath());
    const rule = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
    const test = rule.tests[0]!;
    const table = materialize(test.events, rule.query.logsource, 'defender');
    const columns = table.columns.map((c) => c.name);
    const cell = (column: string, v: unknown) => {
      if (v === null || v === undefined) return '';
      if (column === 'Timestamp') return new Date(v as string).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
      const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const rows = table.rows.map((row) => columns.map((c) => cell(c, row[c])).join(','));
    expect(rows[0]).toMatch(/^2026-07-01T\d\d:\d\d:\d\d\.\d{7}Z,/);
    const file = join(dir, 'defender-portal.csv');
    writeFileSync(file, `${columns.join(',')}\n${rows.join('\n')}\n`);
    const r = await run('pop-imap-password-spray', file, '--now', new Date(test.now).toISOString());
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/20 events read as defender EntraIdSignInEvents; 1 rows/);
    expect(r.rows).toEqual(evaluateQuery(rule.query, test.events, test.now));
  });
});
