// The search command and the base search, with Splunk's documented semantics.
import { describe, expect, it } from 'vitest';
import { events, NOW_S, pluck, run } from './support.ts';

describe('search: field=value', () => {
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
  // "Field values are not case-sensitive" in the search command; `*` is a wildcard.
  const data = events({ user: 'Adele', app: 'IMAP4' }, { user: 'adele', app: 'POP3' }, { user: 'megan', app: 'Browser' });

  it('matches field values case-insensitively', () => {
    expect(pluck(run('user=ADELE', data), 'user')).toEqual(['adele', 'Adele']);
  });

  it('takes * as a wildcard anywhere in the value, quoted or not', () => {
    expect(pluck(run('app=*P*', data), 'app')).toEqual(['POP3', 'IMAP4']);
    expect(pluck(run('app="imap*"', data), 'app')).toEqual(['IMAP4']);
    expect(run('app=*', data)).toHaveLength(3);
  });

  it('returns events newest first', () => {
    // Splunk returns events in reverse time order.
    expect(pluck(run('*', data), 'user')).toEqual(['megan', 'adele', 'Adele']);
  });

  it('ANDs terms implicitly; OR and NOT group as written', () => {
    expect(pluck(run('user=adele app=pop3', data), 'app')).toEqual(['POP3']);
    expect(pluck(run('app=POP3 OR app=Browser', data), 'user')).toEqual(['megan', 'adele']);
    expect(pluck(run('NOT (app=POP3 OR app=Browser)', data), 'user')).toEqual(['Adele']);
  });

  it('field names are case-sensitive', () => {
    expect(run('User=adele', data)).toEqual([]);
  });
});

describe('search: != and NOT', () => {
  // https://docs.splunk.com/Documentation/Splunk/9.0.2/Search/NOTexpressions ("Difference between != and NOT"):
  // != returns events that have the field with another value; NOT also returns events without the field.
  const data = events({ id: 1, location: 'Marin Meadows' }, { id: 2 }, { id: 3, location: 'Calaveras Farms' });

  it('`field!=v` drops events that lack the field', () => {
    expect(pluck(run('location!="Calaveras Farms"', data), 'id')).toEqual([1]);
  });

  it('`NOT field=v` keeps events that lack the field', () => {
    expect(pluck(run('NOT location="Calaveras Farms"', data), 'id')).toEqual([2, 1]);
  });

  it('`field!=v` on a field nobody has returns nothing; NOT returns everything', () => {
    expect(run('color!=red', data)).toEqual([]);
    expect(run('NOT color=red', data)).toHaveLength(3);
  });
});

describe('search: multivalue fields, IN, comparisons, CIDR', () => {
  it('a multivalue field matches when any value matches', () => {
    // https://docs.splunk.com/Documentation/Splunk/9.4.0/Search/Parsemultivaluefields
    const data = events({ id: 1, roles: ['reader', 'Admin'] }, { id: 2, roles: ['reader'] });
    expect(pluck(run('roles=admin', data), 'id')).toEqual([1]);
    expect(pluck(run('roles!=admin', data), 'id')).toEqual([2]);
  });

  it('IN matches any listed value, with wildcards, case-insensitively', () => {
    const data = events({ app: 'IMAP4' }, { app: 'Authenticated SMTP' }, { app: 'Browser' });
    expect(pluck(run('app IN ("pop3", "imap4", "auth*")', data), 'app')).toEqual(['Authenticated SMTP', 'IMAP4']);
  });

  it('< > compare numbers numerically and other values lexicographically', () => {
    // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search (comparison expressions)
    const data = events({ n: 9 }, { n: '10' }, { n: 100 }, { n: 'abc' });
    expect(pluck(run('n>9', data), 'n')).toEqual(['abc', 100, '10']);
    expect(pluck(run('n<=10', data), 'n')).toEqual(['10', 9]);
  });

  it('a value in CIDR notation matches the addresses in that range', () => {
    // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
    // "The search command supports IPv4 and IPv6 addresses and subnets that use CIDR notation."
    const data = events({ ip: '10.1.2.3' }, { ip: '11.0.0.1' }, { ip: '2001:db8::1' });
    expect(pluck(run('ip=10.0.0.0/8', data), 'ip')).toEqual(['10.1.2.3']);
    expect(pluck(run('ip=2001:db8::/32', data), 'ip')).toEqual(['2001:db8::1']);
    expect(pluck(run('NOT ip=10.0.0.0/8', data), 'ip')).toEqual(['2001:db8::1', '11.0.0.1']);
  });
});

describe('search: terms against _raw', () => {
  // Terms match whole segments of _raw between Splunk's breakers, case-insensitively.
  const data = events({ _raw: 'user=adele action=Login status=failure' }, { _raw: 'user=megan action=logout errors=0' }, { _raw: '{"msg":"access denied for adele"}' });

  it('matches a term between breakers, in any case', () => {
    expect(run('LOGIN', data)).toHaveLength(1);
    expect(run('error', data)).toHaveLength(0); // `errors` is a different term
    expect(run('adele', data)).toHaveLength(2);
  });

  it('matches a quoted phrase and wildcard terms', () => {
    expect(run('"access denied"', data)).toHaveLength(1);
    expect(run('log*', data)).toHaveLength(2);
  });

  it('CASE() makes a term case-sensitive; TERM() needs the whole term between major breakers', () => {
    // https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases
    expect(run('CASE(Login)', data)).toHaveLength(1);
    expect(run('CASE(login)', data)).toHaveLength(0);
    const ips = events({ _raw: 'from 10.1.2.3 port 25' }, { _raw: 'ip=10.9.9.9' });
    expect(run('TERM(10.1.2.3)', ips)).toHaveLength(1);
    // `=` is a minor breaker: in ip=10.9.9.9 the address is not a whole term.
    expect(run('TERM(10.9.9.9)', ips)).toHaveLength(0);
    expect(run('10.9.9.9', ips)).toHaveLength(1);
  });

  it('results without _raw are matched on their field values', () => {
    expect(run('| makeresults | eval user="adele" | search adele')).toHaveLength(1);
  });
});

describe('search: index, sourcetype and time', () => {
  it('field::value searches the field (an indexed field here is just a field)', () => {
    expect(run('sourcetype::azure:aad:signin', events({ sourcetype: 'azure:aad:signin' }, { sourcetype: 'other' }))).toHaveLength(1);
  });

  it('sourcetype and source are ordinary fields; index defaults to main', () => {
    const data = events({ sourcetype: 'azure:aad:signin' }, { sourcetype: 'azure:monitor:aad', index: 'cloud' });
    expect(run('sourcetype="azure:aad:signin"', data)).toHaveLength(1);
    expect(run('index=main', data)).toHaveLength(1);
    expect(run('index=cloud sourcetype=azure:*', data)).toHaveLength(1);
  });

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/time-format-variables-and-modifiers/time-modifiers
  // earliest is inclusive, latest exclusive; without latest, latest is now; @unit snaps down.
  const times = [NOW_S - 7200, NOW_S - 3600, NOW_S - 1800, NOW_S, NOW_S + 60].map((t) => ({ _time: t }));

  it('earliest=-1h keeps events from an hour ago up to (not including) now', () => {
    expect(pluck(run('earliest=-1h', times), '_time')).toEqual([NOW_S - 1800, NOW_S - 3600]);
  });

  it('latest bounds the range exclusively; -2h@h snaps to the hour', () => {
    expect(pluck(run('earliest=-2h@h latest=-1h', times), '_time')).toEqual([NOW_S - 7200]);
  });

  it('earliest=-30d@d snaps to midnight UTC thirty days ago', () => {
    const data = [{ _time: Date.parse('2026-06-01T00:00:00Z') / 1000 }, { _time: Date.parse('2026-05-31T23:59:59Z') / 1000 }];
    expect(run('earliest=-30d@d', data)).toHaveLength(1);
  });

  it('@w1 snaps to Monday; +1d moves forward; a modifier with no picker range means all time before it', () => {
    // 2026-07-01 is a Wednesday: @w1 is Monday 2026-06-29 00:00 UTC.
    const data = [{ _time: Date.parse('2026-06-29T00:00:00Z') / 1000 }, { _time: Date.parse('2026-06-28T23:00:00Z') / 1000 }];
    expect(run('earliest=@w1', data)).toHaveLength(1);
    expect(run('earliest=@w1-1d latest=@w1', data)).toHaveLength(1);
    expect(run('*', data)).toHaveLength(2);
  });

  it('the time range picker (options earliest/latest) applies when the search has no modifiers', () => {
    expect(run('*', times, { earliest: (NOW_S - 3600) * 1000, latest: NOW_S * 1000 })).toHaveLength(2);
    // A modifier in the search overrides the picker.
    expect(run('earliest=-3h', times, { earliest: (NOW_S - 3600) * 1000 })).toHaveLength(3);
  });
});
