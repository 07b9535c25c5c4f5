// values(f, n) is a list of text, sorted as text, on every target — also for a number field.
//
// The rule format says values() is "distinct, sorted, capped" and yields strings (the reference
// evaluator sorts String(v) by code units). Splunk's values() is the model: "returns the list of
// all distinct values of the field as a multivalue entry. The order of the values is
// lexicographical", and stats functions process field values as strings:
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/statistical-and-charting-functions/multivalue-stats-and-chart-functions
//
// Kusto's make_set() returns the distinct values in an undefined order and keeps their type
// (https://learn.microsoft.com/kusto/query/make-set-aggregation-function: "Null values are
// ignored"; "The array's sort order is undefined"), and array_sort_asc() puts numbers in numeric
// order (https://learn.microsoft.com/kusto/query/array-sort-asc-function: [1,3,4,5,2] →
// [1,2,3,4,5]). So a number column is turned to text with tostring() before make_set, and the
// text is sorted: ports 7 and 443 give ["443", "7"], and with a cap of 1, ["443"].
// Found by the fuzzer (tls_session, seed 3005): test/fuzz/regressions/fuzz-kql-values-of-number-sorts-as-text.yml.
import { describe, expect, it } from 'vitest';
import type { Query } from '../../generators/ir/types.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { renderKql } from '../../generators/targets/kql.ts';
import { differential } from '../fuzz/differential.ts';

const tls = loadLogSources().get('tls_session')!;
const query = (cap: number): Query => ({
  name: 'values-order',
  logsource: tls,
  lookback: 86400,
  filter: { kind: 'true' },
  summarize: { by: ['src_ip'], compute: [{ name: 'ports', aggregate: { fn: 'values', field: 'dest_port', cap } }] },
  columns: [{ name: 'src_ip', type: 'ip', field: 'src_ip' }, { name: 'ports', type: 'list' }],
  selections: new Map(),
});
const event = (port: number, minute: number) => ({ timestamp: Date.parse('2026-07-06T02:00:00Z') + minute * 60_000, src_ip: '192.0.2.12', src_port: 40100 + minute, dest_ip: '203.0.113.11', dest_port: port });
const events = [event(7, 1), event(443, 2), event(7, 3), event(993, 4)];
const now = Date.parse('2026-07-06T03:00:00Z');

describe('values() of a number field sorts as text on every target', () => {
  it('KQL turns the number column to text before make_set', () => {
    for (const target of ['defender', 'sentinel'] as const) {
      expect(renderKql(query(1), target).text).toContain('ports = make_set(tostring(RemotePort))');
    }
  });

  it('ports 7, 443 and 993 come back as ["443", "7", "993"] from the reference, Splunk and both KQL targets', () => {
    const result = differential(query(10), events, now);
    expect(result.reference).toEqual([{ src_ip: '192.0.2.12', ports: ['443', '7', '993'] }]);
    expect(result.replays).toBeGreaterThanOrEqual(3);
    expect(result.disagreements).toEqual([]);
  });

  it('a cap keeps the first value in text order (443), not the smallest number (7)', () => {
    const result = differential(query(1), events, now);
    expect(result.reference).toEqual([{ src_ip: '192.0.2.12', ports: ['443'] }]);
    expect(result.disagreements).toEqual([]);
  });
});
