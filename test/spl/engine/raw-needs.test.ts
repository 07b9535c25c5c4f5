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
