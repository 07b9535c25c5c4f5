// The entry accessor's input errors through the CLI: one `file:line:col: message`, exit 2.
import { describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, VALID_RULE } from '../workspace.ts';

const RULE = 'detections/sample-rule.yml';

async function buildWith(ruleText: string) {
  const root = makeWorkspace({ [RULE]: ruleText });
  const result = await runCli(root, 'build');
  expect(result.err).not.toMatch(/\n\s+at /);
  return { code: result.code, lines: result.err.trim().split('\n').filter(Boolean) };
}

describe('entry accessor errors', () => {
  it('field[Name] on a field that is not namevalue is an error at the key', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('    client_app: [IMAP4, POP3]', '    client_app[PopEnabled]: "True"'));
    expect(code).toBe(2);
    expect(lines).toEqual([`${RULE}:14:5: 'client_app[PopEnabled]' reads one entry of a name/value list; 'client_app' is string, not namevalue`]);
  });

  it('an entry name the schema does not accept is a schema error at the key', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('    client_app: [IMAP4, POP3]', '    client_app[Pop-Enabled]: "True"'));
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^detections\/sample-rule\.yml:14:5: .*client_app\[Pop-Enabled\]/);
  });
});
