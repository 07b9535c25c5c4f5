// Every user error: one clear `file:line:col: message`, exit code 2, no stack trace, and
// dist/ left exactly as it was.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../generators/paths.ts';
import { makeWorkspace, runCli, VALID_RULE } from '../workspace.ts';

const RULE = 'detections/sample-rule.yml';

async function buildWith(ruleText: string) {
  const root = makeWorkspace({ [RULE]: ruleText, 'dist/marker.txt': 'previous build\n' });
  const result = await runCli(root, 'build');
  const lines = result.err.trim().split('\n').filter(Boolean);
  expect(readFileSync(join(root, 'dist/marker.txt'), 'utf8')).toBe('previous build\n');
  expect(readdirSync(root).filter((f) => f.startsWith('dist.'))).toEqual([]); // nothing staged is left
  expect(result.err).not.toMatch(/\n\s+at /); // no stack trace
  return { ...result, lines };
}

describe('rule input errors', () => {
  it('a valid rule builds and writes dist/', async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE });
    const result = await runCli(root, 'build');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(existsSync(join(root, 'dist/splunk/sample-rule.spl'))).toBe(true);
    expect(existsSync(join(root, 'dist/defender/sample-rule.kql'))).toBe(true);
    expect(existsSync(join(root, 'dist/sentinel/sample-rule.kql'))).toBe(true);
  });

  it('a YAML syntax error is one message at its line and column', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('severity: low', 'severity: [low'));
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^detections\/sample-rule\.yml:\d+:\d+: YAML: /);
    expect(Number(lines[0]!.split(':')[1])).toBeGreaterThanOrEqual(6);
  });

  it('a schema error (bad enum value) points at the value', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('kind: hunt', 'kind: alert'));
    expect(code).toBe(2);
    expect(lines).toEqual(["detections/sample-rule.yml:4:7: 'kind' must be one of: detection, hunt"]);
  });

  it('an unknown key is an error at the key', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('lookback: 1d', 'lookback: 1d\nlookbak: 2d'));
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^detections\/sample-rule\.yml:12:1: unknown key 'lookbak'/);
  });

  it('an unknown canonical field is an error at the field', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('    client_app: [IMAP4, POP3]', '    client_ap: [IMAP4, POP3]'));
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^detections\/sample-rule\.yml:14:5: unknown field 'client_ap' for log source entra_signin/);
  });

  it('an unknown modifier is an error at the key, naming the modifier', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('    client_app: [IMAP4, POP3]', '    client_app|containz: [IMAP4, POP3]'));
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^detections\/sample-rule\.yml:14:5: unknown modifier 'containz' in 'client_app\|containz'/);
  });

  it('a having that names a column the rule does not compute is an error', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('tests:', 'having: attempts > 3\ntests:'));
    expect(code).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/^detections\/sample-rule\.yml:20:9: having: 'attempts' is not a column this rule computes/)]);
  });

  // values() lists text sorted as text; a time has no text form every target shares.
  it('values() of a datetime field is an error that points to min()/max()', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('    sign_ins: count()', '    sign_ins: count()\n    times: values(timestamp, 5)'));
    expect(code).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/^detections\/sample-rule\.yml:\d+:\d+: values\(\) needs a field that is not a datetime \(use min\(\) and max\(\) for times\); 'timestamp' is datetime/)]);
  });

  it('a name that differs from the file name is an error', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('name: sample-rule', 'name: other-name'));
    expect(code).toBe(2);
    expect(lines).toEqual(["detections/sample-rule.yml:2:7: name 'other-name' must equal the file name 'sample-rule'"]);
  });

  it('a condition naming an unknown selection points inside the condition', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('condition: legacy', 'condition: legacy and not sucess'));
    expect(code).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/^detections\/sample-rule\.yml:15:29: unknown selection 'sucess'/)]);
  });

  it('a rule whose test fails: exit 1, dist/ as it was, nothing staged left behind (dist/ is staged while the checks run)', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace(/rows: (\d+)/, (_, n: string) => `rows: ${Number(n) + 1}`));
    expect(code).toBe(1);
    expect(lines).toEqual(['reference', 'splunk', 'defender', 'sentinel'].map((target) => `detections/sample-rule.yml: test 'one legacy sign-in' failed on ${target}: expected 2 row(s), got 1; first: {"user":"a@contoso.com","sign_ins":1}`));
  });

  it('duplicate ids across rules are an error', async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE, 'detections/other/copy-rule.yml': VALID_RULE.replace('name: sample-rule', 'name: copy-rule') });
    const result = await runCli(root, 'build');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/duplicate id: .* has the same id/);
  });

  it('a modifier that does not fit the field type is an error', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('    client_app: [IMAP4, POP3]', '    client_app|gt: 5'));
    expect(code).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/sample-rule\.yml:14:5: '\|gt' needs a numeric field; 'client_app' is string/)]);
  });

  it('a bad fixture line reports the fixture file and line', async () => {
    const root = makeWorkspace({
      [RULE]: VALID_RULE.replace(/    events:\n      - .*\n/, '    events: samples/bad.jsonl\n'),
      'samples/bad.jsonl': '{"timestamp": "2026-07-01T09:00:00Z", "user": "a@contoso.com", "result_code": 0}\n{"timestamp": oops}\n',
    });
    const result = await runCli(root, 'build');
    expect(result.code).toBe(2);
    expect(result.err.trim()).toMatch(/^samples\/bad\.jsonl:2:\d+: not a JSON object/);
  });
});

describe('untrusted rule files', () => {
  it("a description the Splunk app's .conf cannot hold is a finding at its line, not an internal error", async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE.replace(/^description: .*$/m, 'description: "first line ends in a backslash \\\\\\n[injected]\\nsearch = | delete"'), 'dist/marker.txt': 'previous build\n' });
    const result = await runCli(root, 'build');
    expect(result.code).toBe(1);
    expect(result.err).toBe(`${RULE}:8:14: cannot go into the Splunk app's savedsearches.conf: a .conf value cannot hold a line ending in a backslash (Splunk would join it to the next line)\n`);
    expect(readFileSync(join(root, 'dist/marker.txt'), 'utf8')).toBe('previous build\n');
  });

  it("a test's fixture file is read only from inside the content folder", async () => {
    const outside = mkdtempSync(join(tmpdir(), 'detc-outside-'));
    writeFileSync(join(outside, 'secret.jsonl'), '{"timestamp": "2026-07-01T09:00:00Z", "user": "secret@contoso.com", "result_code": 0, "client_app": "IMAP4"}\n');
    const root = makeWorkspace({ [RULE]: VALID_RULE, 'samples/ok.jsonl': '{"timestamp": "2026-07-01T09:00:00Z", "user": "a@contoso.com", "result_code": 0, "client_app": "IMAP4"}\n' });
    symlinkSync(join(outside, 'secret.jsonl'), join(root, 'samples/linked.jsonl'));
    const escape = relative(root, join(outside, 'secret.jsonl'));
    for (const events of [escape, join(outside, 'secret.jsonl'), 'samples/linked.jsonl']) {
      writeFileSync(join(root, RULE), VALID_RULE.replace(/    events:\n      - .*\n/, `    events: ${events}\n`));
      const result = await runCli(root, 'test');
      expect(result.code, events).toBe(2);
      expect(result.err).toBe(`${RULE}:22:13: ${events}: a fixture file is a path inside the content folder, from its root (e.g. samples/entra_signin/scenario.jsonl)\n`);
    }
    writeFileSync(join(root, RULE), VALID_RULE.replace(/    events:\n      - .*\n/, '    events: samples/ok.jsonl\n'));
    expect((await runCli(root, 'test')).code).toBe(0);
  });

  it('a "billion laughs" alias bomb fails fast with a message', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const started = Date.now();
    const { code, lines } = await buildWith(bomb.join('\n') + '\n');
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/sample-rule\.yml:1:1: YAML: .*alias/i);
    expect(Date.now() - started).toBeLessThan(5000); // generous: it must not expand 9^10 nodes
  });

  it('custom tags are not executed or accepted', async () => {
    const { code, lines } = await buildWith(VALID_RULE.replace('title: Sample legacy sign-ins', 'title: !!js/function "function(){ return 1 }"'));
    expect(code).toBe(2);
    expect(lines[0]).toMatch(/sample-rule\.yml:3:8: YAML: .*tag/i);
  });

  it('a file over the size limit is refused before parsing', async () => {
    const { code, lines } = await buildWith(`${VALID_RULE}# ${'x'.repeat(1024 * 1024)}\n`);
    expect(code).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/^detections\/sample-rule\.yml: file is larger than 1024 KiB/)]);
  });
});

describe('usage', () => {
  it('--help works for every command and exits 0', async () => {
    const root = makeWorkspace();
    for (const command of [[], ['build'], ['show'], ['test'], ['validate'], ['new']]) {
      const result = await runCli(root, ...command, '--help');
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/Usage: detc/);
    }
  });

  it('an unknown command or bad option is exit code 2', async () => {
    const root = makeWorkspace();
    expect((await runCli(root, 'frobnicate')).code).toBe(2);
    expect((await runCli(root, 'show', 'x', '--target', 'elastic')).code).toBe(2);
  });

  it('new scaffolds a rule with a fresh uuid that passes its own tests', async () => {
    const root = makeWorkspace();
    const created = await runCli(root, 'new', 'imap-from-new-country', '--dir', 'detections/spray');
    expect(created.code).toBe(0);
    const text = readFileSync(join(root, 'detections/spray/imap-from-new-country.yml'), 'utf8');
    expect(text).toMatch(/^id: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/m);
    const tested = await runCli(root, 'test');
    expect(tested.err).toBe('');
    expect(tested.code).toBe(0);
    expect((await runCli(root, 'new', 'imap-from-new-country')).code).toBe(2);
  });

  it('new scaffolds, on every log source, a rule that passes its own tests; an unknown log source is refused', async () => {
    const root = makeWorkspace();
    const sources = readdirSync(join(root, 'schemas/logsources')).map((f) => f.replace(/\.yml$/, ''));
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) {
      const name = `new-on-${source.replace(/_/g, '-')}`;
      expect((await runCli(root, 'new', name, '--logsource', source)).code).toBe(0);
      const tested = await runCli(root, 'test', name);
      expect(tested.err, source).toBe('');
      expect(tested.out, source).toMatch(/^8 passed, 0 failed/m);
    }
    const unknown = await runCli(root, 'new', 'on-nothing', '--logsource', 'no_such_source');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(`detc: unknown log source 'no_such_source' (have: ${[...sources].sort().join(', ')})\n`);
  });

  it('build refuses a dist that is a file, and show a folder, each in one line', async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE, dist: 'a file\n' });
    const built = await runCli(root, 'build');
    expect(built.code).toBe(2);
    expect(built.err).toBe(`detc: ${join(root, 'dist')} is not a folder: move it away, then build again\n`);
    expect(readFileSync(join(root, 'dist'), 'utf8')).toBe('a file\n');
    const shown = await runCli(root, 'show', join(root, 'detections'), '--target', 'splunk');
    expect(shown.code).toBe(2);
    expect(shown.err).toBe(`detc: show takes one rule: ${join(root, 'detections')} is a folder\n`);
  });

  it('run reports a CSV row with another number of fields than the header, at its line', async () => {
    const root = makeWorkspace({ 'q.kql': 'T | summarize n = count()', 'rows.csv': 'App,N\nimap4,1\nimap4,2,extra\npop3\n' }, { withContent: true });
    const r = await runCli(root, 'run', join(root, 'q.kql'), '--events', join(root, 'rows.csv'), '--table', 'T');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${join(root, 'rows.csv')}:3:1: 3 fields where the header has 2\n(--skip-bad-lines skips, and counts, the records that cannot be read)\n`);
    const skipped = await runCli(root, 'run', 'pop-imap-password-spray', '--events', join(root, 'rows.csv'), '--skip-bad-lines');
    expect(skipped.err).toMatch(/rows\.csv:3:1: warning: 3 fields where the header has 2\n.*rows\.csv:4:1: warning: 1 field where the header has 2\n/s);
  });

  it("test says before running that --output cannot be written: a folder, or a file in a missing folder", async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE });
    const folder = await runCli(root, 'test', '--output', join(root, 'detections'));
    expect(folder).toEqual({ code: 2, out: '', err: `detc: --output ${join(root, 'detections')} is a folder: name the report's file\n` });
    const missing = await runCli(root, 'test', '--output', join(root, 'reports', 'junit.xml'), '--reporter', 'junit');
    expect(missing).toEqual({ code: 2, out: '', err: `detc: --output ${join(root, 'reports', 'junit.xml')}: no folder ${join(root, 'reports')}\n` });
    const written = await runCli(root, 'test', '--output', join(root, 'junit.xml'), '--reporter', 'junit');
    expect(written.code).toBe(0);
    expect(readFileSync(join(root, 'junit.xml'), 'utf8')).toMatch(/^<\?xml /);
  });

  it('new writes only under detections/, into a folder; test on paths holding no rule is an error, not a pass', async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE, 'detections/notes.txt': 'not a rule\n' });
    const detections = join(root, 'detections');
    for (const dir of [tmpdir(), '.', '../elsewhere']) {
      const r = await runCli(root, 'new', 'stray-rule', '--dir', dir);
      expect(r).toEqual({ code: 2, out: '', err: `detc: --dir ${dir} is not under ${detections}, where detc test and build find rules (e.g. --dir detections/spray)\n` });
    }
    expect(await runCli(root, 'new', 'stray-rule', '--dir', 'detections/notes.txt')).toEqual({ code: 2, out: '', err: 'detc: --dir detections/notes.txt is a file, not a folder\n' });
    expect((await runCli(root, 'new', 'kept-rule', '--dir', 'detections/spray')).code).toBe(0);
    const none = await runCli(root, 'test', join(root, 'detections/notes.txt'));
    expect(none).toEqual({ code: 2, out: '', err: `detc: no rule files (.yml) in ${join(root, 'detections/notes.txt')}\n` });
  });

  it('run reports a JSON array export that is not JSON at its line and column, for a query file and a rule', async () => {
    const root = makeWorkspace({ 'q.kql': 'T | take 1', 'rows.json': '[{"App":"a"},\n {"App" "b"}]' }, { withContent: true });
    const events = join(root, 'rows.json');
    const message = `${events}:2:9: not JSON: Expected ':' after property name in JSON at position 22\n`;
    expect(await runCli(root, 'run', join(root, 'q.kql'), '--events', events, '--table', 'T')).toEqual({ code: 2, out: '', err: message });
    expect(await runCli(root, 'run', 'pop-imap-password-spray', '--events', events)).toEqual({ code: 2, out: '', err: message });
  });

  it('run on a query file stops at a bad record, naming it and --skip-bad-lines, which skips, reports and counts each once', async () => {
    const rows = ['{"App":"a","TimeGenerated":"2026-07-01T10:00:00Z"}', 'not json', '[1]', '{"App":"b","TimeGenerated":"2026-07-01T10:05:00Z"}', '{"App": oops}'];
    const root = makeWorkspace({ 'q.kql': 'T | summarize n = count() by App', 'q.spl': 'index=* | stats count by App', 'rows.jsonl': `${rows.join('\n')}\n` });
    const events = join(root, 'rows.jsonl');
    expect(await runCli(root, 'run', join(root, 'q.kql'), '--events', events, '--table', 'T')).toEqual({ code: 2, out: '', err: `${events}:2:1: not JSON: Unexpected token 'o', "not json" is not valid JSON\n(--skip-bad-lines skips, and counts, the records that cannot be read)\n` });
    // Without --now a run reads the export twice (its latest time, then its rows): each bad line is said once.
    for (const [query, extra] of [['q.kql', ['--table', 'T']], ['q.spl', []]] as const) {
      for (const now of [[], ['--now', '2026-07-01T11:00:00Z']]) {
        const r = await runCli(root, 'run', join(root, query), '--events', events, ...extra, ...now, '--skip-bad-lines', '--format', 'json');
        expect(r.code, `${query} ${now.join(' ')}`).toBe(0);
        expect(r.err).toBe(
          `${events}:2:1: warning: not JSON: Unexpected token 'o', "not json" is not valid JSON\n${events}:3:1: warning: each record must be an object\n` +
            `${events}:5:1: warning: not JSON: Unexpected token 'o', "{"App": oops}" is not valid JSON\n2 events, 3 bad records skipped; 2 rows` +
            `${now.length ? '' : '; it ran at 2026-07-01T10:05:01Z, one second after the latest record (--now sets it)'}\n`,
        );
        expect((JSON.parse(r.out) as { App: string }[]).map((row) => row.App).sort()).toEqual(['a', 'b']);
      }
    }
  });

  it('run refuses a folder given as the export or the query, naming it', async () => {
    const root = makeWorkspace({ 'q.kql': 'T | take 1' });
    const folder = join(root, 'schemas');
    for (const args of [['run', join(root, 'q.kql'), '--events', folder], ['run', 'x.kql', '--events', join(root, 'q.kql')], ['run', join(root, 'q.kql'), '--events', join(root, 'none.jsonl')]]) {
      const r = await runCli(root, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^detc: (not a file|no such file): \S+\n$/);
    }
    expect((await runCli(root, 'run', join(root, 'q.kql'), '--events', folder)).err).toBe(`detc: not a file: ${folder}\n`);
  });

  it('build --check fails on a stale dist/ and passes after a build', async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE });
    expect((await runCli(root, 'build', '--check')).code).toBe(1);
    expect((await runCli(root, 'build')).code).toBe(0);
    expect((await runCli(root, 'build', '--check')).code).toBe(0);
    writeFileSync(join(root, 'dist/splunk/sample-rule.spl'), 'edited by hand\n');
    const stale = await runCli(root, 'build', '--check');
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/dist\/splunk\/sample-rule\.spl \(differs\)/);
  });

  it('a build after one stopped by Ctrl-C removes what that one had staged', async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE, 'dist/marker.txt': 'previous build\n' });
    // bin/detc.js as typed, stopped once it has staged dist/ (its checks still running).
    const child = spawn(process.execPath, [projectPath('bin/detc.js'), '--root', root, 'build'], { env: { ...process.env, DETC_NO_CACHE: '1' }, stdio: 'ignore' });
    const staging = join(root, `dist.staging-${child.pid}`);
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_, signal) => done(signal)));
    for (let waited = 0; !existsSync(join(staging, 'splunk')) && waited < 60_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(existsSync(staging)).toBe(true); // what an interrupted build leaves
    expect(readFileSync(join(root, 'dist/marker.txt'), 'utf8')).toBe('previous build\n');
    const next = await runCli(root, 'build');
    expect(next.code).toBe(0);
    expect(next.err).toBe(`dist.staging-${child.pid} was left by an interrupted build: removed\n`);
    expect(readdirSync(root).filter((f) => f.startsWith('dist'))).toEqual(['dist']);
  });

  it('a build that would change nothing leaves dist/ alone; any difference (a file edited, added or gone) is written anew', async () => {
    const root = makeWorkspace({ [RULE]: VALID_RULE });
    expect((await runCli(root, 'build')).code).toBe(0);
    const file = join(root, 'dist/splunk/sample-rule.spl');
    const built = readFileSync(file, 'utf8');
    const long = new Date('2020-01-01T00:00:00Z');
    utimesSync(file, long, long);
    const again = await runCli(root, 'build');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/all as they were: none rewritten/);
    expect(statSync(file).mtime).toEqual(long);
    for (const change of [() => writeFileSync(file, 'edited by hand\n'), () => writeFileSync(join(root, 'dist/extra.txt'), 'x'), () => rmSync(file)]) {
      change();
      const rebuilt = await runCli(root, 'build');
      expect(rebuilt.out).not.toMatch(/none rewritten/);
      expect(readFileSync(file, 'utf8')).toBe(built);
      expect(existsSync(join(root, 'dist/extra.txt'))).toBe(false);
      expect((await runCli(root, 'build', '--check')).code).toBe(0);
    }
  });
});
