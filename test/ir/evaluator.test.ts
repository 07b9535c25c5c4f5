// The reference evaluator defines what a rule means (DESIGN.md, "Meaning, and how it is
// proven"). These tests pin that meaning.
import { describe, expect, it } from 'vitest';
import { buildQuery } from '../../generators/ir/build.ts';
import { evaluateQuery } from '../../generators/ir/evaluator.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { parseRuleText } from '../../generators/rules/loader.ts';
import type { CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { huntText } from './rule-text.ts';

const logsources = loadLogSources();

function query(body: string) {
  const text = huntText(body);
  const parsed = parseRuleText(text, 'q.yml');
  expect(parsed.diagnostics).toEqual([]);
  const built = buildQuery(parsed.rule!, logsources);
  expect(built.diagnostics).toEqual([]);
  return built.query!;
}

const NOW = Date.parse('2026-07-01T12:00:00Z');
const at = (iso: string) => Date.parse(iso);
const ev = (fields: Record<string, unknown>): CanonicalEvent => ({ timestamp: at('2026-07-01T10:00:00Z'), user: 'u@contoso.com', result_code: 0, ...fields }) as CanonicalEvent;
const users = (rows: readonly Record<string, unknown>[]) => rows.map((r) => r.user);

describe('selections', () => {
  const q = (match: string) => query(`match:\n${match}\nfields: [user]`);

  it('string equality is case-insensitive unless |cased', () => {
    const events = [ev({ user: 'a', client_app: 'IMAP4' }), ev({ user: 'b', client_app: 'imap4' }), ev({ user: 'c', client_app: 'POP3' })];
    expect(users(evaluateQuery(q('  s: { client_app: IMAP4 }\n  condition: s'), events, NOW))).toEqual(['a', 'b']);
    expect(users(evaluateQuery(q('  s: { client_app|cased: IMAP4 }\n  condition: s'), events, NOW))).toEqual(['a']);
  });

  it('a list is any of its values; |all needs every value', () => {
    const events = [ev({ user: 'a', app: 'Office 365 Exchange Online' }), ev({ user: 'b', app: 'Exchange Admin' }), ev({ user: 'c', app: 'Azure Portal' })];
    expect(users(evaluateQuery(q('  s: { app|contains: [office, portal] }\n  condition: s'), events, NOW))).toEqual(['a', 'c']);
    expect(users(evaluateQuery(q('  s: { app|contains|all: [office, exchange] }\n  condition: s'), events, NOW))).toEqual(['a']);
  });

  it('* and ? are wildcards; \\* is a literal star', () => {
    const events = [ev({ user: 'a', app: 'mail-1.2' }), ev({ user: 'b', app: 'mail-12' }), ev({ user: 'c', app: 'mail*x' })];
    expect(users(evaluateQuery(q("  s: { app: 'mail-?.?' }\n  condition: s"), events, NOW))).toEqual(['a']);
    expect(users(evaluateQuery(q("  s: { app: 'mail-*' }\n  condition: s"), events, NOW))).toEqual(['a', 'b']);
    expect(users(evaluateQuery(q("  s: { app: 'mail\\*x' }\n  condition: s"), events, NOW))).toEqual(['c']);
  });

  it('a missing field satisfies no positive test, so `not` of it is true', () => {
    const events = [ev({ user: 'a', client_app: 'IMAP4' }), ev({ user: 'b' })];
    expect(users(evaluateQuery(q('  s: { client_app: IMAP4 }\n  condition: s'), events, NOW))).toEqual(['a']);
    expect(users(evaluateQuery(q('  s: { client_app: IMAP4 }\n  condition: not s'), events, NOW))).toEqual(['b']);
  });

  it('exists means present and not empty', () => {
    const events = [ev({ user: 'a', city: 'Utrecht' }), ev({ user: 'b', city: '' }), ev({ user: 'c' })];
    expect(users(evaluateQuery(q('  s: { city|exists: true }\n  condition: s'), events, NOW))).toEqual(['a']);
    expect(users(evaluateQuery(q('  s: { city|exists: false }\n  condition: s'), events, NOW))).toEqual(['b', 'c']);
  });

  it('numbers, cidr and regex', () => {
    const events = [ev({ user: 'a', result_code: 50126, src_ip: '203.0.113.7' }), ev({ user: 'b', result_code: 0, src_ip: '198.51.100.1' }), ev({ user: 'c', result_code: 53003, src_ip: '2001:db8::1' })];
    expect(users(evaluateQuery(q('  s: { result_code|gte: 50126 }\n  condition: s'), events, NOW))).toEqual(['a', 'c']);
    expect(users(evaluateQuery(q('  s: { src_ip|cidr: 203.0.113.0/24 }\n  condition: s'), events, NOW))).toEqual(['a']);
    expect(users(evaluateQuery(q('  s: { src_ip|cidr: 203.0.113.0/24 }\n  condition: not s'), events, NOW))).toEqual(['b', 'c']);
    expect(users(evaluateQuery(q("  s: { src_ip|re: '^2001:DB8:' }\n  condition: s"), events, NOW))).toEqual(['c']);
  });

  it('1 of / all of over selection names', () => {
    const events = [ev({ user: 'a', client_app: 'IMAP4', country: 'NL' }), ev({ user: 'b', client_app: 'POP3', country: 'US' })];
    const sel = '  sel_imap: { client_app: IMAP4 }\n  sel_nl: { country: NL }\n  sel_us: { country: US }\n';
    expect(users(evaluateQuery(q(`${sel}  condition: 1 of sel_*`), events, NOW))).toEqual(['a', 'b']);
    expect(users(evaluateQuery(q(`${sel}  condition: all of them`), events, NOW))).toEqual([]);
  });

  it('the lookback is inclusive of its start and bounds everything', () => {
    const events = [ev({ user: 'edge', timestamp: at('2026-06-30T12:00:00Z') }), ev({ user: 'old', timestamp: at('2026-06-30T11:59:59Z') })];
    expect(users(evaluateQuery(q('  s: { result_code: 0 }\n  condition: s'), events, NOW))).toEqual(['edge']);
  });
});

describe('summarize', () => {
  it('windows are UTC bins aligned to the epoch; events on a boundary open the next bin', () => {
    const q = query('match:\n  s: { result_code: 0 }\n  condition: s\nsummarize:\n  window: 1h\n  compute: { n: count() }');
    const events = ['10:59:59', '11:00:00', '11:30:00'].map((t) => ev({ timestamp: at(`2026-07-01T${t}Z`) }));
    expect(evaluateQuery(q, events, NOW)).toEqual([
      { window: '2026-07-01T10:00:00.000Z', n: 1 },
      { window: '2026-07-01T11:00:00.000Z', n: 2 },
    ]);
  });

  it('events missing a by field are dropped; distinct counts are exact and case-sensitive', () => {
    const q = query('match:\n  s: { result_code: 0 }\n  condition: s\nsummarize:\n  by: [src_ip]\n  compute: { users: dcount(user), n: count() }');
    const events = [ev({ src_ip: '192.0.2.1', user: 'A@x' }), ev({ src_ip: '192.0.2.1', user: 'a@x' }), ev({ src_ip: '192.0.2.1', user: 'a@x' }), ev({ user: 'b@x' })];
    expect(evaluateQuery(q, events, NOW)).toEqual([{ src_ip: '192.0.2.1', users: 2, n: 3 }]);
  });

  it('values() is distinct, sorted by code unit, and capped', () => {
    const q = query('match:\n  s: { result_code: 0 }\n  condition: s\nsummarize:\n  compute:\n    users: values(user, 2)');
    const events = ['c@x', 'B@x', 'a@x', 'c@x'].map((user) => ev({ user }));
    expect(evaluateQuery(q, events, NOW)).toEqual([{ users: ['B@x', 'a@x'] }]);
  });

  it('countif and dcountif count only events meeting their condition', () => {
    const q = query('match:\n  legacy: { client_app: [IMAP4, POP3] }\n  ok: { result_code: 0 }\n  condition: legacy\nsummarize:\n  by: [src_ip]\n  compute:\n    failures: countif(not ok)\n    failed_users: dcountif(user, not ok)\n    ok_users: dcountif(user, ok)');
    const events = [
      ev({ src_ip: '203.0.113.9', client_app: 'IMAP4', user: 'a', result_code: 50126 }),
      ev({ src_ip: '203.0.113.9', client_app: 'IMAP4', user: 'b', result_code: 50126 }),
      ev({ src_ip: '203.0.113.9', client_app: 'POP3', user: 'b', result_code: 0 }),
    ];
    expect(evaluateQuery(q, events, NOW)).toEqual([{ src_ip: '203.0.113.9', failures: 2, failed_users: 2, ok_users: 1 }]);
  });

  it('no events and no by still gives one row', () => {
    const q = query('match:\n  s: { result_code: 0 }\n  condition: s\nsummarize:\n  compute: { n: count(), users: dcount(user), first: min(timestamp) }');
    expect(evaluateQuery(q, [], NOW)).toEqual([{ n: 0, users: 0, first: null }]);
  });

  it('having filters, order sorts (missing values last) and limit keeps the first rows', () => {
    const q = query('match:\n  s: { result_code: 0 }\n  condition: s\nsummarize:\n  by: [user]\n  compute: { n: count() }\nhaving: n >= 2\norder: [-n, user]\nlimit: 2');
    const events = ['a', 'a', 'b', 'b', 'b', 'c', 'c', 'd'].map((user) => ev({ user }));
    expect(evaluateQuery(q, events, NOW)).toEqual([{ user: 'b', n: 3 }, { user: 'a', n: 2 }]);
  });
});
