// A log source's `exports` (downloads read by `detc run`) are checked like its profiles: every
// mapped name is a canonical field, and every field is mapped or said to be unavailable.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../generators/diagnostics.ts';
import { loadLogSourceFile } from '../../generators/logsources/loader.ts';
import { projectPath } from '../../generators/paths.ts';
import { recogniseShape } from '../../generators/replay/exports.ts';

const original = readFileSync(projectPath('schemas/logsources/entra_signin.yml'), 'utf8');

function load(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'detc-ls-')), 'entra_signin.yml');
  writeFileSync(file, text);
  try {
    return loadLogSourceFile(file, 'entra_signin.yml');
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`);
    throw e;
  }
}

describe('a log source file', () => {
  it('missing a required key is named a log source in the message, not a rule', () => {
    expect(load(original.replace(/^title: .*\n/m, ''))).toEqual([expect.stringMatching(/^entra_signin\.yml:\d+: log source is missing required key 'title'$/)]);
  });
});

describe('log source exports', () => {
  it('a header mapped to a name that is not a canonical field is an error at its line', () => {
    const text = original.replace('      user_agent: User agent\n', '      user_agnet: User agent\n');
    const line = text.split('\n').findIndex((l) => l.includes('user_agnet')) + 1;
    expect(load(text)).toEqual(expect.arrayContaining([
      `entra_signin.yml:${line}: 'user_agnet' is not a canonical field of entra_signin`,
      expect.stringMatching(/canonical field 'user_agent' is neither mapped nor listed under unavailable/),
    ]));
  });

  it('a download without a column for a required field is an error', () => {
    expect(load(original.replace('      timestamp: "Date (UTC)"\n', ''))).toEqual([expect.stringMatching(/required canonical field 'timestamp' has no column in this export/)]);
  });

  it('the download\'s headers are recognised as its shape, not as a query target\'s', () => {
    const source = load(original);
    if (Array.isArray(source)) throw new Error(source.join('\n'));
    const shape = recogniseShape({ 'Date (UTC)': '2026-07-01T10:00:00Z', Username: 'a@contoso.com', 'IP address': '203.0.113.7', 'Client app': 'IMAP4', 'Sign-in error code': '50126' }, source);
    expect(shape).toEqual({ kind: 'download', download: source.exports.get('entra_admin_center_csv') });
  });
});
