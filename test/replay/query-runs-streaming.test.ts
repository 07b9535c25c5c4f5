// `detc run query.spl|query.kql` on a large JSON Lines export streams its records instead of
// holding them: the same result as on the held records, bad lines reported with their numbers.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { InputError, type Diagnostic } from '../../generators/diagnostics.ts';
import { projectPath } from '../../generators/paths.ts';
import { runQueryFile as runQuery, type QueryRunOptions } from '../../generators/query-runs.ts';
import { materialize } from '../../generators/replay/materialize.ts';
import { waitingScanWorkers } from '../../generators/replay/parallel-scan.ts';

/**
 * runQuery's result without the count of lines its pre-filter left unparsed, which differs between
 * a held read (every record parsed) and a streamed one by design: the rest must not.
 */
const runQueryFile = async (...args: Parameters<typeof runQuery>) => {
  const { unparsed: _unparsed, ...result } = await runQuery(...args);
  return result;
};

const catalog = loadCatalog(projectPath());
const base = { logsources: catalog.logsources, ruleNames: catalog.rules.map((r) => r.document.name) };
const held: QueryRunOptions = { ...base, heldExportBytes: Number.POSITIVE_INFINITY };
const streamed: QueryRunOptions = { ...base, heldExportBytes: 0 };
const dir = mkdtempSync(join(tmpdir(), 'detc-query-runs-'));
const query = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const samples = ['imap-spray', 'spray-across-hours', 'legacy-mix', 'stuffing'].map((s) => projectPath(`samples/entra_signin/${s}.jsonl`));
/** The spray rule's fixtures as a Splunk export (each event's _raw is a Graph signIn object). */
const spray = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
const splunkExports = spray.tests.map((test, i) => query(`splunk-${i}.jsonl`, materialize(test.events, spray.query.logsource, 'splunk').rows.map((r) => JSON.stringify(r)).join('\n')));

describe('runQueryFile on a streamed export', () => {
  const cases = [
    ...splunkExports.flatMap((events) => [
      projectPath('dist/splunk/pop-imap-password-spray.spl'),
      query('by-app.spl', '`detc_entra_signin` | stats count, dc(userPrincipalName) AS users by clientAppUsed'),
      query('newest.spl', '`detc_entra_signin` | head 3 | table _time userPrincipalName'),
    ].map((file) => ({ file, events }))),
    ...samples.flatMap((events) => [
      query('canonical-by-app.spl', '* | stats count, dc(user) AS users, values(src_ip) AS ips by client_app'),
      query('canonical-newest.spl', '* | head 3 | table _time user'),
      query('canonical-by-app.kql', 'T | summarize n = count(), users = dcount(user) by client_app | order by client_app asc'),
    ].map((file) => ({ file, events }))),
  ];

  it.each(cases)('$file on $events: the rows it gives on the held records, with and without --now', async ({ file, events }) => {
    for (const now of [undefined, Date.parse('2026-07-02T00:00:00Z')]) {
      const options = { now, table: file.endsWith('.kql') ? 'T' : undefined };
      const want = await runQueryFile(file, events, { ...held, ...options });
      expect(await runQueryFile(file, events, { ...streamed, ...options })).toEqual(want);
    }
  });

  it('the cases are not empty: the streamed runs find rows', async () => {
    const counts = await Promise.all(cases.map(async ({ file, events }) => (await runQueryFile(file, events, streamed)).rows.length));
    expect(counts.filter((n) => n > 0).length).toBeGreaterThan(cases.length / 2);
  });

  it('leaves none of the scan workers it started ahead waiting, whether it scanned on them or not', async () => {
    // `*` has no raw pre-filter: the export is read on this thread, and the workers go unused.
    for (const text of ['* | stats count by client_app', 'client_app=IMAP4 | stats count by user']) {
      const rows = (await runQueryFile(query('ahead.spl', text), samples[0]!, streamed)).rows;
      expect(rows.length).toBeGreaterThan(0);
      expect(waitingScanWorkers()).toBe(0);
    }
  });

  it('stops at a bad line and names it', async () => {
    const lines = readFileSync(samples[0]!, 'utf8').trimEnd().split('\n');
    const events = query('bad.jsonl', [lines[0], '', '{"oops"', ...lines.slice(1)].join('\n'));
    const search = query('count.spl', '* | stats count by client_app');
    for (const now of [undefined, Date.parse('2026-07-02T00:00:00Z')]) {
      const run = runQueryFile(search, events, { ...streamed, now });
      await expect(run).rejects.toBeInstanceOf(InputError);
      await expect(run).rejects.toMatchObject({ diagnostics: [{ file: events, line: 3 }] });
    }
  });

  describe('on worker threads, with the query\'s raw pre-filter', () => {
    const parallel: QueryRunOptions = { ...streamed, scan: { workers: 2, rangeBytes: 256 } };
    const filtered = [
      ...splunkExports.map((events) => ({ file: projectPath('dist/splunk/pop-imap-password-spray.spl'), events })),
      ...samples.map((events) => ({ file: query('legacy.kql', 'T | where client_app in~ ("IMAP4", "POP3") | summarize n = count(), users = dcount(user) by src_ip | order by src_ip asc'), events })),
      ...samples.map((events) => ({ file: query('legacy.spl', '* client_app IN ("IMAP4", "POP3") | stats count, dc(user) AS users by src_ip'), events })),
      // Cold (no stored analysis), with --now, the scan starts on the needs read from the text while
      // Kusto analyses it: no needs read (an `or`), and some (the parenthesised conjunct left out).
      ...samples.map((events) => ({ file: query('no-guess.kql', 'T | where client_app in~ ("IMAP4", "POP3") or user == "x" | summarize n = count() by src_ip | order by src_ip asc'), events })),
      ...samples.map((events) => ({ file: query('guess.kql', 'T | where client_app in~ ("IMAP4", "POP3") and (user == "x" or src_ip != "") | summarize n = count() by src_ip | order by src_ip asc'), events })),
    ];

    it.each(filtered)('$file on $events: the rows it gives on the held records', async ({ file, events }) => {
      for (const now of [undefined, Date.parse('2026-07-02T00:00:00Z')]) {
        const options = { now, table: file.endsWith('.kql') ? 'T' : undefined };
        const want = await runQueryFile(file, events, { ...held, ...options });
        expect(await runQueryFile(file, events, { ...parallel, ...options })).toEqual(want);
      }
    });

    it('names a bad line far into the file, whether or not it holds what the query looks for', async () => {
      const lines = readFileSync(samples[0]!, 'utf8').trimEnd().split('\n');
      const many = Array.from({ length: 20 }, () => lines).flat();
      for (const bad of ['{"client_app": "IMAP4", "oops"', 'a line of text', '[1, 2]']) {
        const events = query('bad-far.jsonl', [...many.slice(0, 150), '', bad, ...many.slice(150)].join('\r\n'));
        for (const file of [query('legacy.kql', 'T | where client_app in~ ("IMAP4", "POP3") | count'), query('legacy.spl', '* client_app IN ("IMAP4", "POP3") | stats count')]) {
          const run = runQueryFile(file, events, { ...parallel, now: Date.parse('2026-07-02T00:00:00Z'), table: 'T' });
          await expect(run).rejects.toBeInstanceOf(InputError);
          await expect(run).rejects.toMatchObject({ diagnostics: [{ file: events, line: 152 }] });
        }
      }
    });

    it("stores Kusto's analysis of a .kql query, and the next run compiles from it: the same rows", async () => {
      const analysisCache = mkdtempSync(join(tmpdir(), 'detc-kql-analyses-'));
      const file = query('cached.kql', 'T | where client_app in~ ("IMAP4", "POP3") | summarize n = count() by src_ip | order by src_ip asc');
      const options = { ...parallel, table: 'T', now: Date.parse('2026-07-02T00:00:00Z') };
      const first = await runQueryFile(file, samples[0]!, { ...options, analysisCache });
      expect(readdirSync(analysisCache)).toHaveLength(1);
      expect(await runQueryFile(file, samples[0]!, { ...options, analysisCache })).toEqual(first);
      expect(await runQueryFile(file, samples[0]!, { ...options, analysisCache: false })).toEqual(first);
      expect(first.rows.length).toBeGreaterThan(0);
    });

    describe('without --now: one pass finds the latest time and keeps the lines, the run going ahead on a guess of it', () => {
      // Over 128 KiB, so that the guess (the latest record of the first and last 64 KiB) can be wrong.
      const lines = samples.flatMap((f) => readFileSync(f, 'utf8').trimEnd().split('\n'));
      const many = Array.from({ length: 8 }, () => lines).flat();
      const latestInTheMiddle = JSON.stringify({ ...JSON.parse(lines.find((l) => l.includes('IMAP4'))!), timestamp: '2026-08-01T00:00:00Z' });
      const byTime = [...many].sort((a, b) => (JSON.parse(a).timestamp < JSON.parse(b).timestamp ? -1 : 1));
      const sorted = query('sorted.jsonl', byTime.join('\n'));
      const unsorted = query('unsorted.jsonl', [...many.slice(0, many.length / 2), latestInTheMiddle, ...many.slice(many.length / 2)].join('\n'));
      const runs = [
        // The last 30 days before the latest record: a window that moves with it.
        query('late.kql', 'T | where todatetime(timestamp) > ago(30d) and client_app in~ ("IMAP4", "POP3") | summarize n = count(), latest = max(todatetime(timestamp)) by src_ip | order by src_ip asc'),
        query('late.spl', '* earliest=-30d client_app IN ("IMAP4", "POP3") | stats count, max(_time) AS latest by src_ip'),
      ];

      it.each(runs.flatMap((file) => [sorted, unsorted].map((events) => ({ file, events }))))('$file on $events: the rows it gives on the held records', async ({ file, events }) => {
        expect(readFileSync(events).length).toBeGreaterThan(2 * 64 * 1024);
        const want = await runQueryFile(file, events, { ...held, table: 'T' });
        expect(want.rows.length).toBeGreaterThan(0);
        // A wrong guess runs again on the lines held, or (none held) on a second scan. A .kql run
        // guesses once Kusto's analysis is stored (a cold one takes a latest-time pass meanwhile).
        const analysisCache = mkdtempSync(join(tmpdir(), 'detc-kql-analyses-'));
        for (const heldKeptChars of [undefined, 0]) {
          for (const run of ['cold', 'warm']) expect(await runQueryFile(file, events, { ...parallel, table: 'T', heldKeptChars, analysisCache }), `${run}, ${heldKeptChars}`).toEqual(want);
        }
      });

      it('the unsorted export makes the guess wrong: run with the guess, its rows differ', async () => {
        const guess = Date.parse(JSON.parse(many.at(-1)!).timestamp as string);
        for (const file of runs) {
          const onGuess = await runQueryFile(file, unsorted, { ...held, table: 'T', now: guess + 1000 });
          expect(onGuess).not.toEqual(await runQueryFile(file, unsorted, { ...held, table: 'T' }));
        }
      });

      it('gives the right rows when the run on a wrong guess failed (rows of another window failed it)', async () => {
        // Every event but the latest has a text `marker`, which if() refuses as a condition: only
        // the window of the guess holds one.
        const marked = [...many.slice(0, many.length / 2), latestInTheMiddle, ...many.slice(many.length / 2)].map((l) => (l === latestInTheMiddle ? l : JSON.stringify({ ...JSON.parse(l), marker: 'x' })));
        const events = query('marked.jsonl', marked.join('\n'));
        const file = query('marked.spl', '* earliest=-30d client_app IN ("IMAP4", "POP3") | eval flagged=if(marker, 1, 0) | stats count');
        const want = await runQueryFile(file, events, held);
        expect(want.rows).toEqual([{ count: 1 }]);
        await expect(runQueryFile(file, events, { ...held, now: Date.parse(JSON.parse(many.at(-1)!).timestamp as string) + 1000 })).rejects.toThrow(/Boolean/);
        expect(await runQueryFile(file, events, parallel)).toEqual(want);
      });

      it('--skip-bad-lines: the rows of the export without its bad lines, each reported once, whether the lines are held, streamed or scanned', async () => {
        // Bad lines just before the latest record: a pass that stopped at one, or stopped reading
        // times there, would miss the latest time (and give another window's rows).
        const bad = ['a line of text', '[1, 2]', '{"client_app": "IMAP4", "oops"'];
        const half = many.length / 2;
        const events = query('unsorted-bad.jsonl', [...many.slice(0, half), ...bad, latestInTheMiddle, ...many.slice(half)].join('\n'));
        const configurations: [string, QueryRunOptions][] = [['held', held], ['streamed', streamed], ['scanned', parallel], ['scanned, none held', { ...parallel, heldKeptChars: 0 }]];
        // And a query with no pre-filter (an `or`), whose latest time is a pass of its own.
        const unfiltered = query('late-any.kql', 'T | where todatetime(timestamp) > ago(30d) and (client_app in~ ("IMAP4", "POP3") or user == "x") | summarize n = count() by src_ip | order by src_ip asc');
        for (const file of [...runs, unfiltered]) {
          for (const now of [undefined, Date.parse('2026-08-01T00:00:00Z') + 1000]) {
            const want = await runQueryFile(file, unsorted, { ...held, table: 'T', now });
            expect(want.rows.length).toBeGreaterThan(0);
            for (const [name, options] of configurations) {
              const analysisCache = mkdtempSync(join(tmpdir(), 'detc-kql-analyses-'));
              for (const run of ['cold', 'warm']) {
                const reported: Diagnostic[] = [];
                const got = await runQueryFile(file, events, { ...options, table: 'T', now, analysisCache, skipBadLines: true, report: (d) => reported.push(d) });
                const label = `${file} ${name} ${run} now=${now}`;
                expect(got, label).toEqual({ ...want, skipped: 3 });
                expect(reported.map((d) => [d.line, d.severity]), label).toEqual([[half + 1, 'warning'], [half + 2, 'warning'], [half + 3, 'warning']]);
              }
            }
          }
        }
      });

      it('names a bad line the run did not read (it stopped early, on a right guess)', async () => {
        const events = query('bad-after-take.jsonl', [...byTime.slice(0, -1), 'a line of text', byTime.at(-1)].join('\n'));
        // Kusto's analysis stored by a first run: the second, warm, takes no latest-time pass while Kusto analyses.
        const options = { ...parallel, table: 'T', analysisCache: mkdtempSync(join(tmpdir(), 'detc-kql-analyses-')) };
        const file = query('take.kql', 'T | where client_app in~ ("IMAP4", "POP3") | take 1');
        for (const run of ['cold', 'warm']) {
          await expect(runQueryFile(file, events, options), run).rejects.toMatchObject({ diagnostics: [{ file: events, line: byTime.length }] });
        }
        expect(readdirSync(options.analysisCache)).toHaveLength(1);
      });
    });

    it('keeps the text of numbers a search keeps as written, though each line is parsed once for its time and fields', async () => {
      // KV_MODE=json keeps `1.0` and 20 digits as written (spl/engine/json.ts); the record's time
      // is read from JSON.parse's record, which a line with such a number cannot share.
      const events = query('lossy.jsonl', Array.from({ length: 300 }, (_, i) => JSON.stringify({ createdDateTime: `2026-07-01T10:${String(i % 60).padStart(2, '0')}:00Z`, clientAppUsed: i % 2 ? 'IMAP4' : 'Browser', n: i }).replace(`"n":${i}`, i % 3 ? `"n":${i}` : `"n":${i}.0,"big":12345678901234567890`)).join('\n'));
      const file = query('lossy.spl', '* clientAppUsed=IMAP4 | stats count, max(_time) AS latest, values(big) AS big, values(n) AS n by clientAppUsed');
      const want = await runQueryFile(file, events, held);
      expect(want.rows).toMatchObject([{ count: 150, latest: Date.parse('2026-07-01T10:59:00Z') / 1000, big: '12345678901234567890' }]);
      expect(want.rows[0]!.n).toContain('3.0');
      for (const now of [undefined, Date.parse('2026-07-02T00:00:00Z')]) expect(await runQueryFile(file, events, { ...parallel, now })).toEqual(await runQueryFile(file, events, { ...held, now }));
    });

    it('counts every record read, kept or not, and the lines its pre-filter left unparsed', async () => {
      const events = samples[2]!;
      const lines = readFileSync(events, 'utf8').split('\n').filter((l) => l.trim() !== '');
      // The lines naming neither term (the pre-filter's test: case aside).
      const dropped = lines.filter((l) => !/imap4|pop3/i.test(l)).length;
      expect(dropped).toBeGreaterThan(0);
      for (const file of [query('legacy.kql', 'T | where client_app in~ ("IMAP4", "POP3") | count'), query('legacy.spl', '* client_app IN ("IMAP4", "POP3") | stats count')]) {
        for (const [name, options] of [['scanned', parallel], ['streamed', streamed]] as const) {
          const result = await runQuery(file, events, { ...options, table: 'T', now: 0 });
          expect(result.read, `${file} ${name}`).toBe(lines.length);
          expect(result.unparsed, `${file} ${name}`).toBe(dropped);
        }
        expect((await runQuery(file, events, { ...held, table: 'T', now: 0 })).unparsed).toBe(0);
      }
    });
  });
});
