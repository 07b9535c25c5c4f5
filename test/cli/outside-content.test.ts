// Run outside any content folder (no schemas/logsources/ in the current folder or above it):
// a command that writes or checks content says so (exit 2, one line, dist/ not made), while
// `run` and `show`, which only read, use the content detc comes with — a shipped hunt runs on
// an export wherever it was downloaded. An explicit --root is never replaced.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../generators/cli.ts';
import { projectPath } from '../../generators/paths.ts';
import { runCli } from '../workspace.ts';

const elsewhere = mkdtempSync(join(tmpdir(), 'detc-elsewhere-'));
const sample = projectPath('samples/entra_signin/imap-spray.jsonl');

async function here(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('detc outside a content folder', () => {
  const cwd = process.cwd();
  beforeAll(() => process.chdir(elsewhere));
  afterAll(() => process.chdir(cwd));

  it('refuses build and test with one line that says what is missing', async () => {
    for (const command of ['build', 'test']) {
      const r = await here(command);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`detc: no content folder: neither ${elsewhere} nor a folder above it holds schemas/logsources/ (run detc inside a content folder, or pass --root <dir>)\n`);
    }
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('runs and shows a shipped rule as inside detc\'s own content', async () => {
    const run = ['run', 'pop-imap-password-spray', '--events', sample, '--format', 'json'];
    const outside = await here(...run);
    expect(outside.code).toBe(0);
    expect(outside).toEqual(await runCli(projectPath(), ...run));
    expect(JSON.parse(outside.out)).toHaveLength(1);
    const show = await here('show', 'pop-imap-password-spray', '--target', 'splunk');
    expect(show).toEqual(await runCli(projectPath(), 'show', 'pop-imap-password-spray', '--target', 'splunk'));
  });

  it('validates a query file against the tables of the log sources detc comes with', async () => {
    const query = join(elsewhere, '..', `${elsewhere.split('/').pop()}-hunt.kql`);
    writeFileSync(query, 'SigninLogs\n| where ResultType != "0"\n| summarize count() by IPAddress\n');
    const r = await here('validate', query, '--target', 'sentinel');
    expect(r).toEqual({ code: 0, out: '1 file(s) valid\n', err: '' });
  });

  it('never replaces an explicit --root', async () => {
    const r = await here('--root', elsewhere, 'run', 'pop-imap-password-spray', '--events', sample);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^detc: no content folder: neither .* nor a folder above it holds schemas\/logsources\//);
    expect(existsSync(join(elsewhere, 'dist'))).toBe(false);
  });
});
