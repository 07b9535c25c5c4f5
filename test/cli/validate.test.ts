// `detc validate` on hand-written query files: Kusto's analyser with our log sources' table
// schemas, reported as file:line:col, exit 1 on findings, JSON for machines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../generators/paths.ts';
import { makeWorkspace, runCli } from '../workspace.ts';

const root = makeWorkspace();
const file = (name: string, text: string) => {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
};

async function validate(name: string, text: string, ...args: string[]) {
  const path = file(name, text);
  const result = await runCli(root, 'validate', path, ...args);
  return { ...result, lines: result.err.trim().split('\n').filter(Boolean).map((l) => l.slice(path.length + 1)) };
}

describe('detc validate on .kql files', () => {
  it('an empty query, or one of comments only, is a finding (Kusto itself reports nothing)', async () => {
    for (const text of ['', '\n  \n', '// a hunt to write\n// later\n']) {
      const r = await validate('empty.kql', text);
      expect(r.code).toBe(1);
      expect(r.lines).toEqual(['1:1: empty-query: the query is empty']);
    }
  });

  it('a folder with no rule or query file in it is a wrong path, not a pass', async () => {
    mkdirSync(join(root, 'nothing-here'), { recursive: true });
    const r = await runCli(root, 'validate', join(root, 'nothing-here'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`detc: no rule files (.yml) or query files (.kql, .spl) in ${join(root, 'nothing-here')}\n`);
  });

  it('a clean query passes with exit 0', async () => {
    const r = await validate('ok.kql', 'EntraIdSignInEvents\n| where Timestamp > ago(1d)\n| summarize count() by AccountUpn\n', '--target', 'defender');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 file\(s\) valid/);
  });

  // Defender's sign-in tables have no ResultType or IsLegacyAuth column:
  // https://learn.microsoft.com/en-us/defender-xdr/advanced-hunting-aadsignineventsbeta-table
  it('an unknown column is reported at its line and column', async () => {
    const r = await validate('col.kql', 'AADSignInEventsBeta\n| where Timestamp > ago(1d)\n| where IsLegacyAuth == true\n', '--target', 'defender');
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([expect.stringMatching(/^3:9: KS142: The name 'IsLegacyAuth' does not refer to any known column/)]);
  });

  it('an unknown table is reported', async () => {
    const r = await validate('table.kql', 'SignInEvents\n| take 10\n', '--target', 'defender');
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([expect.stringMatching(/^1:1: KS204: The name 'SignInEvents' does not refer to any known table/)]);
  });

  // SigninLogs.ResultType is a string: https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/signinlogs
  // The Kusto service does not flag comparing it with a number; our check does.
  it('comparing the string ResultType with a number is reported', async () => {
    const r = await validate('type.kql', 'SigninLogs\n| where TimeGenerated > ago(1d)\n| where ResultType != 0\n', '--target', 'sentinel');
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([expect.stringMatching(/^3:9: DETC001: compares string with long/)]);
  });

  it('several files at once: each reported in the order given, as when validated alone', async () => {
    const files = [
      file('m1.kql', 'SigninLogs\n| where Foo == 1'),
      file('m2.kql', 'SigninLogs | take 1'),
      join(root, 'missing.kql'),
      file('m3.kql', '// nothing yet\n'),
      file('m4.spl', 'index=main | frobnicate'),
      file('m5.kql', 'SigninLogs | where ResultType == 0'),
    ];
    const together = await runCli(root, 'validate', ...files);
    const alone = await Promise.all(files.map((f) => runCli(root, 'validate', f)));
    const findings = (err: string) => err.split('\n').filter((l) => l.startsWith(root));
    expect(findings(together.err)).toEqual(alone.flatMap((r) => findings(r.err)));
    expect(findings(together.err).length).toBeGreaterThan(4);
    expect(together.code).toBe(1);
  });

  it('a syntax error is reported at its position', async () => {
    const r = await validate('syntax.kql', 'SigninLogs\n| where ResultType == \n| take 5\n', '--target', 'sentinel');
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(['2:22: KS006: Missing expression']);
  });

  it('--syntax-only ignores names; --format json is machine-readable', async () => {
    const path = file('names.kql', 'NoSuchTable | where Nope == 1\n');
    const syntax = await runCli(root, 'validate', path, '--syntax-only');
    expect(syntax.code).toBe(0);
    const json = await runCli(root, 'validate', path, '--format', 'json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as { diagnostics: { line: number; col: number; severity: string; message: string }[] };
    expect(report.diagnostics[0]).toMatchObject({ line: 1, col: 1, severity: 'error' });
  });
});

describe('detc validate on rules', () => {
  it('validates the bundled rules and their generated queries', async () => {
    const r = await runCli(projectPath(), 'validate', projectPath('detections'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('detc validate on .spl files', () => {
  it('an unknown command is reported at its position; --custom-command accepts an app command', async () => {
    const text = '`detc_entra_signin` clientAppUsed=IMAP4\n| stats count BY userPrincipalName\n| frobnicate x\n';
    const r = await validate('q.spl', text);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([expect.stringMatching(/^3:3: unknown-command: unknown command `frobnicate`; declare app commands with --custom-command/)]);
    const path = join(root, 'q.spl');
    expect((await runCli(root, 'validate', path, '--custom-command', 'frobnicate')).code).toBe(0);
  });

  it('a generated search validates clean', async () => {
    const r = await runCli(projectPath(), 'validate', projectPath('dist/splunk/pop-imap-password-spray.spl'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
