// `detc run <rule>` keeps only the events that can still fall in the rule's lookback window
// (generators/rule-runs.ts): whatever order the export is in, the events it ends with are
// exactly the selected events the evaluator's lookback keeps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { LookbackWindow } from '../../generators/rule-runs.ts';

const events = fc.array(fc.record({ timestamp: fc.integer({ min: 0, max: 10_000_000 }), selected: fc.boolean(), n: fc.nat() }), { maxLength: 5000 });

describe('LookbackWindow', () => {
  it('ends with the selected events at or after now - lookback, in read order, given now or not', () => {
    fc.assert(fc.property(events, fc.integer({ min: 1, max: 5_000_000 }), fc.option(fc.integer({ min: 0, max: 12_000_000 }), { nil: undefined }), (read, lookbackMs, fixedNow) => {
      const window = new LookbackWindow(lookbackMs, fixedNow);
      for (const e of read) window.add({ timestamp: e.timestamp, n: e.n } as CanonicalEvent, e.selected);
      const now = fixedNow ?? Math.max(0, ...read.map((e) => e.timestamp)) + 1000;
      expect(window.now()).toBe(now);
      const expected = read.filter((e) => e.selected && e.timestamp >= now - lookbackMs).map((e) => ({ timestamp: e.timestamp, n: e.n }));
      expect(window.events()).toEqual(expected);
    }), { numRuns: 300, seed: 7 });
  });

  it('holds the window, not the file: 200,000 events an hour apart over a one-hour lookback keep a few thousand at most', () => {
    const window = new LookbackWindow(3_600_000);
    let peak = 0;
    for (let i = 0; i < 200_000; i++) {
      window.add({ timestamp: i * 3_600_000 } as CanonicalEvent, true);
      peak = Math.max(peak, (window as unknown as { kept: unknown[] }).kept.length);
    }
    expect(window.events()).toHaveLength(1);
    expect(peak).toBeLessThanOrEqual(2048);
  });
});
