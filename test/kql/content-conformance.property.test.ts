// The content's generated KQL against the reference evaluator on random sign-in events: mixed
// letter case in client apps and accounts, missing and empty values, times around the lookback
// edge and the window boundaries. Any disagreement is a renderer (or engine) bug, shown with the
// rule, the target and the events.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { catalog, compare, KQL_TARGETS } from './content-support.ts';

const NOW = Date.parse('2026-07-01T11:00:00Z');
const HOUR = 3_600_000;

const users = ['adele.vance@contoso.com', 'Adele.Vance@contoso.com', 'alex.wilber@contoso.com', 'diego.siciliani@contoso.com', 'grady.archie@contoso.com', 'lee.gu@contoso.com', 'megan.bowen@contoso.com', 'nestor.wilke@contoso.com'];
const clientApps = ['IMAP4', 'imap4', 'POP3', 'Pop3', 'Exchange ActiveSync', 'exchange activesync', 'Authenticated SMTP', 'Other clients', 'Browser', 'Mobile Apps and Desktop clients', '', null];
const ips = ['203.0.113.7', '203.0.113.8', '198.51.100.23', '', null];
const codes = [0, 50126, 50053, 53003];

const event: fc.Arbitrary<CanonicalEvent> = fc.record({
  // the hour before NOW and a bit around it, on second boundaries and exactly on the edges
  timestamp: fc.oneof(fc.integer({ min: -2 * 3600, max: 600 }).map((s) => NOW + s * 1000), fc.constantFrom(NOW - HOUR, NOW - 2 * HOUR, NOW - 30 * 24 * HOUR, NOW - 30 * 24 * HOUR - 1000)),
  user: fc.constantFrom(...users),
  src_ip: fc.constantFrom(...ips),
  client_app: fc.constantFrom(...clientApps),
  result_code: fc.constantFrom(...codes),
  app: fc.constantFrom('Office 365 Exchange Online', 'Azure Portal', null),
  city: fc.constantFrom('Ashburn', 'Amsterdam', null),
});

/** A burst from one address over legacy clients, mostly failing, inside one to two hours: sprays near the threshold. */
const burst: fc.Arbitrary<CanonicalEvent[]> = fc.record({
  ip: fc.constantFrom('203.0.113.7', '203.0.113.8'),
  start: fc.integer({ min: -5400, max: 0 }),
  events: fc.array(fc.record({
    offset: fc.integer({ min: 0, max: 3900 }),
    user: fc.constantFrom(...users),
    client_app: fc.constantFrom('IMAP4', 'imap4', 'POP3', 'Exchange ActiveSync', 'Browser'),
    result_code: fc.constantFrom(50126, 50126, 50053, 0),
  }), { minLength: 6, maxLength: 20 }),
}).map(({ ip, start, events }) => events.map((e) => ({ timestamp: NOW + (start + e.offset) * 1000, user: e.user, src_ip: ip, client_app: e.client_app, result_code: e.result_code })));

const signIns = fc.tuple(fc.array(event, { maxLength: 30 }), fc.array(burst, { maxLength: 2 })).map(([noise, bursts]) => [...noise, ...bursts.flat()]);

describe('content conformance on random events', () => {
  for (const rule of catalog.rules) {
    for (const target of KQL_TARGETS) {
      it(`${rule.document.name} on ${target} agrees with the reference`, () => {
        fc.assert(
          fc.property(signIns, fc.integer({ min: 0, max: 3600 }), (events, shift) => {
            const now = NOW + shift * 1000;
            const { disagreement } = compare(rule, target, events, now);
            expect(disagreement, `now ${new Date(now).toISOString()}, events ${JSON.stringify(events)}`).toBeUndefined();
          }),
          { numRuns: 300, seed: 20260701 },
        );
      });
    }
  }
});
