// The base search's raw pre-filter, given as data (CompiledSpl.rawNeeds) so that a reader can
// test JSON Lines where the engine's closures cannot go (worker threads).
import { describe, expect, it } from 'vitest';
import { compileSpl } from '../../../generators/spl/engine/index.ts';

const needs = (search: string) => compileSpl(search, { macros: new Map([['src', 'sourcetype="azure:aad:signin"']]) }).rawNeeds;

describe('CompiledSpl.rawNeeds', () => {
  it('lists one group per conjunct the pre-filter uses, lower-cased', () => {
    expect(needs('`src` clientAppUsed IN ("POP3", "IMAP4") status.errorCode!=0 | stats count by ipAddress')).toEqual([['pop3', 'imap4']]);
    expect(needs('app="Kafka" OR app="pop3" user=alice')).toEqual([['kafka', 'pop3'], ['alice']]);
  });

  it('is null without a usable value, or when a subsearch also reads the events', () => {
    expect(needs('status.errorCode>0 | stats count')).toBeNull();
    expect(needs('| makeresults')).toBeNull();
    expect(needs('app="imap4" [search app="pop3" | fields user] | stats count')).toBeNull();
    expect(needs('app="imap4" | append [search app="pop3"] | stats count')).toBeNull();
  });
});

describe('SplRunOptions.rawPrefiltered', () => {
  // A reader that dropped the lines failing rawNeeds says so; the search then skips that text
  // test, never the tests of its fields: a line holding a needed value in another field is
  // still not in the result.
  it('skips only the raw text test: the field tests still decide', () => {
    const search = compileSpl('clientAppUsed IN ("POP3", "IMAP4") | stats count by user');
    const line = (fields: Record<string, string>) => ({ _raw: JSON.stringify(fields), _time: 1_782_900_000 });
    const events = [
      line({ clientAppUsed: 'POP3', user: 'alice' }),
      line({ clientAppUsed: 'Browser', user: 'bob', note: 'POP3 disabled' }),
      line({ clientAppUsed: 'IMAP4', user: 'carol' }),
      line({ clientAppUsed: 'Browser', user: 'dave' }),
    ];
    const run = (rawPrefiltered: boolean) => search.run(events.values(), { now: 1_782_903_600_000, rawPrefiltered }).rows;
    expect(run(true)).toEqual([{ user: 'alice', count: 1 }, { user: 'carol', count: 1 }]);
    expect(run(true)).toEqual(run(false));
  });
});
