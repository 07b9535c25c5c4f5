// The custom detection variant of each detection's Defender query is proven, not assumed:
// - Kusto's language service finds no diagnostic in it against the documented table schema;
// - it returns what Microsoft requires of a custom detection query: Timestamp, ReportId and a
//   column naming the impacted user, device or mailbox ("Required columns in the query results",
//   https://learn.microsoft.com/defender-xdr/custom-detection-rules — an aggregating query keeps
//   Timestamp and ReportId with `summarize (Timestamp, ReportId) = arg_max(Timestamp, ReportId) …`);
// - replayed on our KQL engine on every rule test's materialized Defender rows, it returns the
//   hunting query's rows: with the added columns projected away (and an mv-expand collapsed, one
//   row per element of the expanded set) the rows are the same, row for row.
import { describe, expect, it } from 'vitest';
import { runKql } from '../../generators/kql/engine/index.ts';
import { kqlTablesFor, validateKql } from '../../generators/kql/validate.ts';
import { profileOf } from '../../generators/logsources/loader.ts';
import { customDetectionQuery, defenderRuleFiles, kqlOutputColumns } from '../../generators/package/defender.ts';
import { packageContent, PackageProblems, type PackagedRule } from '../../generators/package/model.ts';
import { DETC_VERSION } from '../../generators/package/version.ts';
import { materialize, type NativeTable } from '../../generators/replay/materialize.ts';
import { bundled, file } from './support.ts';

const { catalog } = bundled();
const tables = kqlTablesFor(catalog.logsources.values(), 'defender');
const content = packageContent(catalog.rules, DETC_VERSION, new PackageProblems());
const detections = content.rules.filter((r) => r.doc.kind === 'detection');
const ASSET_COLUMNS = ['AccountUpn', 'AccountObjectId', 'DeviceId'];

/**
 * The rule test's events as Defender rows. Fixtures carry the canonical fields only; the columns a
 * custom detection adds (ReportId, AccountObjectId, DeviceId) get a distinct value per event where
 * the fixture leaves them empty, so the replay can show that every alert row points at an event.
 */
function defenderTable(rule: PackagedRule, events: Parameters<typeof materialize>[0]): NativeTable {
  const table = materialize(events, rule.logsource, 'defender');
  const types = new Map(table.columns.map((c) => [c.name, c.type]));
  const rows = table.rows.map((row, i) => {
    const filled = { ...row };
    for (const column of ['ReportId', 'AccountObjectId', 'DeviceId']) {
      if (types.has(column) && (filled[column] === null || filled[column] === undefined || filled[column] === '')) {
        filled[column] = types.get(column) === 'long' ? 1000 + i : `${column}-${i}`;
      }
    }
    return filled;
  });
  return { ...table, rows };
}

const key = (row: Record<string, unknown>) => JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));
const without = (row: Record<string, unknown>, columns: readonly string[]) => Object.fromEntries(Object.entries(row).filter(([k]) => !columns.includes(k)));
const multiset = (rows: readonly Record<string, unknown>[]) => rows.map(key).sort();

describe('custom detection query of every detection (Defender XDR)', () => {
  it('every bundled detection has one, and the rule files say how its alerts are made', () => {
    for (const rule of detections) {
      const plan = customDetectionQuery(rule);
      expect(plan.ok, `${rule.doc.name}: ${!plan.ok && plan.reason}`).toBe(true);
      expect(file(`defender/${rule.doc.name}.kql`)).toContain(`// Custom detection: ${rule.doc.name}.json (Microsoft Graph detectionRule`);
    }
  });

  it('is valid for Kusto against the table schema and returns Timestamp, ReportId and an impacted-asset column', () => {
    for (const rule of detections) {
      const plan = customDetectionQuery(rule);
      if (!plan.ok) throw new Error(plan.reason);
      expect(validateKql(plan.query.text, tables), rule.doc.name).toEqual([]);
      const columns = kqlOutputColumns(plan.query.text, tables);
      expect(columns, rule.doc.name).toEqual(expect.arrayContaining(['Timestamp', 'ReportId']));
      expect(columns.some((c) => ASSET_COLUMNS.includes(c)), `${rule.doc.name}: ${columns.join(', ')}`).toBe(true);
      // The variant is the hunting query's text plus the added columns: same table, same filter.
      expect(plan.query.text.startsWith(rule.queries.defender.text.split('\n| summarize')[0]!.split('\n| project')[0]!), rule.doc.name).toBe(true);
    }
  });

  it('replays to the hunting query rows on every rule test, each alert row naming its event and asset', () => {
    for (const rule of detections) {
      const plan = customDetectionQuery(rule);
      if (!plan.ok) throw new Error(plan.reason);
      const { added, expanded } = plan.query;
      const asset = [...added, ...rule.queries.defender.columns.map((c) => c.native)].find((c) => ASSET_COLUMNS.includes(c))!;
      let alerted = 0;
      for (const test of rule.compiled.tests) {
        const table = defenderTable(rule, test.events);
        const input = { [table.name]: { columns: table.columns, rows: table.rows } };
        const hunting = runKql(rule.queries.defender.text, input, { now: test.now }).rows;
        const detection = runKql(plan.query.text, input, { now: test.now }).rows;
        const where = `${rule.doc.name} / ${test.name}`;
        for (const row of detection) {
          expect(row.Timestamp, where).not.toBeNull();
          expect(row.ReportId ?? '', where).not.toBe('');
          expect(row[asset] ?? '', `${where}: ${asset}`).not.toBe('');
        }
        if (expanded) {
          // mv-expand: one row per element of the set, the element in the asset column.
          const expected = hunting.flatMap((r) => (r[expanded.from] as string[]).map((element) => ({ ...r, [expanded.column]: element })));
          expect(multiset(detection.map((r) => without(r, added.filter((c) => c !== expanded.column)))), where).toEqual(multiset(expected));
          // Collapsed back (the expanded column projected away, duplicates merged): the hunting rows.
          expect([...new Set(detection.map((r) => key(without(r, added))))].sort(), where).toEqual(multiset(hunting));
        } else {
          expect(multiset(detection.map((r) => without(r, added))), where).toEqual(multiset(hunting));
        }
        // The event an aggregated alert points at is the group's latest: its Timestamp is last_seen.
        for (const row of detection) if ('last_seen' in row) expect(row.Timestamp, where).toEqual(row.last_seen);
        alerted += detection.length;
      }
      // Not vacuous: some test of the rule raises alerts.
      expect(alerted, rule.doc.name).toBeGreaterThan(0);
    }
  });

  it('a password spray keyed by IP alerts once per targeted account', () => {
    const spray = detections.find((r) => r.doc.name === 'pop-imap-password-spray')!;
    const plan = customDetectionQuery(spray);
    expect(plan.ok && plan.query.expanded).toEqual({ column: 'AccountUpn', from: 'users' });
    expect(plan.ok && plan.query.text.split('\n').at(-1)).toBe('| mv-expand AccountUpn = users to typeof(string)');
    expect(plan.ok && plan.query.text).toContain('| summarize\n    (Timestamp, ReportId) = arg_max(Timestamp, ReportId),\n    distinct_users = dcount(AccountUpn),');
  });

  it('a custom detection query with a Kusto diagnostic is a build problem at the rule', () => {
    // The same rule against a schema without ReportId: the variant no longer binds (KS142).
    const spray = detections.find((r) => r.doc.name === 'pop-imap-password-spray')!;
    const table = profileOf(spray.logsource, 'defender').table!;
    const broken = tables.map((t) => (t.name === table ? { ...t, columns: t.columns.filter((c) => c.name !== 'ReportId') } : t));
    const problems = new PackageProblems();
    defenderRuleFiles(spray, broken, problems);
    expect(problems.diagnostics.map((d) => d.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^custom detection query for Defender XDR, line \d+ col \d+: KS142: /)]));
    expect(problems.diagnostics[0]!.file).toMatch(/pop-imap-password-spray\.yml$/);
  });

  it('a table without ReportId keeps a detection hunt-only, and says why', () => {
    const spray = detections.find((r) => r.doc.name === 'pop-imap-password-spray')!;
    const profile = profileOf(spray.logsource, 'defender');
    const columns = new Map(profile.columns);
    columns.delete('ReportId');
    const defenderSource = spray.logsource.targets.defender;
    const logsource = {
      ...spray.logsource,
      targets: { ...spray.logsource.targets, defender: { ...defenderSource, profiles: new Map([[profile.name, { ...profile, columns }]]) } },
    };
    const plan = customDetectionQuery({ ...spray, logsource });
    expect(plan).toEqual({ ok: false, reason: `${profile.table} documents no ReportId column, which a custom detection returns to point each alert at its event` });
  });
});
