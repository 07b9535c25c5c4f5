// Text from a rule file or an export reaches the analyst's terminal only as text: control
// characters (ESC sequences that clear the screen or set the window title, BEL, …) and
// bidirectional overrides are shown as \u{…} in what is meant for a terminal (messages, the
// pretty test report, `run`'s table), while the data formats (JSON, CSV, JUnit, SARIF) keep
// the values exactly as they are.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, printable } from '../../generators/diagnostics.ts';
import { makeWorkspace, runCli, VALID_RULE } from '../workspace.ts';

const ESCAPES = '\u001b[2J\u001b]0;pwned\u0007\u202e';

describe('text meant for a terminal', () => {
  it('printable shows control characters and bidirectional overrides, keeps the rest', () => {
    expect(printable(`a${ESCAPES}b\tc\nd é 🔐`)).toBe('a\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{202e}b\tc\nd é 🔐');
    expect(printable('one\ntwo\r', { newlines: false })).toBe('one\\u{a}two\\u{d}');
    expect(formatDiagnostic({ file: 'r.yml', line: 1, col: 2, severity: 'error', message: `bad \u001b[31m` })).toBe('r.yml:1:2: bad \\u{1b}[31m');
  });

  it("run's table shows a field's escapes; its JSON and CSV keep the value", async () => {
    const root = makeWorkspace({ 'q.kql': 'T | project App, N', 'rows.jsonl': `${JSON.stringify({ App: `evil${ESCAPES}`, N: 1 })}\n` });
    const run = (format: string) => runCli(root, 'run', join(root, 'q.kql'), '--events', join(root, 'rows.jsonl'), '--table', 'T', '--format', format);
    const table = await run('table');
    expect(table.out).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(table.out.split('\n')[2]).toBe('evil\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{202e}  1');
    expect(JSON.parse((await run('json')).out)).toEqual([{ App: `evil${ESCAPES}`, N: 1 }]);
    expect((await run('csv')).out).toBe(`App,N\nevil${ESCAPES},1\n`);
  });

  it("the pretty test report shows a test name's escapes; JSON keeps it", async () => {
    const name = `lists \u001b[8mhidden\u001b[0m sign-ins`;
    const root = makeWorkspace({ 'detections/sample-rule.yml': VALID_RULE.replace('- name: one legacy sign-in', `- name: ${JSON.stringify(name)}`) });
    const pretty = await runCli(root, 'test');
    expect(pretty.out).toContain('sample-rule › lists \\u{1b}[8mhidden\\u{1b}[0m sign-ins [reference]');
    expect(pretty.out).not.toContain('\u001b');
    const json = JSON.parse((await runCli(root, 'test', '--reporter', 'json')).out) as { tests: { test: string }[] };
    expect(json.tests[0]!.test).toBe(name);
  });
});
