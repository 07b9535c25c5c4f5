// Events given as a stream (a file being read) run through an order-free pipeline once, unheld,
// in whatever order they come: the result must be exactly the buffered, newest-first result.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../generators/catalog.ts';
import { projectPath } from '../../../generators/paths.ts';
import { replayMacros } from '../../../generators/replay/harness.ts';
import { materialize } from '../../../generators/replay/materialize.ts';
import { compileSpl, type InputEvent } from '../../../generators/spl/engine/index.ts';
import { render } from '../../../generators/targets/index.ts';

const catalog = loadCatalog(projectPath());
const macros = replayMacros(catalog);

function* once(events: readonly InputEvent[]): Generator<InputEvent> {
  yield* events;
}
/** A fixed shuffle (no randomness in tests). */
const shuffled = <T>(items: readonly T[]): T[] => items.map((item, i) => ({ item, key: (i * 7919) % 104729 })).sort((a, b) => a.key - b.key).map((x) => x.item);

describe('streaming the events of the bundled rules', () => {
  const cases = catalog.rules.flatMap((rule) => rule.tests.map((test, i) => ({ rule, test, name: `${rule.document.name} test ${i + 1}` })));

  it.each(cases)('$name: streamed in file order, reversed and shuffled, the same rows as buffered', ({ rule, test }) => {
    const query = compileSpl(render(rule.query, 'splunk').text, { macros });
    const events = materialize(test.events, rule.query.logsource, 'splunk').rows as InputEvent[];
    const buffered = query.run(events, { now: test.now });
    for (const order of [events, [...events].reverse(), shuffled(events)]) {
      expect(query.run(once(order), { now: test.now })).toEqual(buffered);
    }
  });

  it('the spray rule (stats by … straight after the search) streams', () => {
    const rule = catalog.rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
    expect(compileSpl(render(rule.query, 'splunk').text, { macros }).streams).toBe(true);
  });
});

describe('which pipelines stream', () => {
  const streams = (search: string) => compileSpl(search).streams;

  it('row-by-row commands then stats with order-free functions stream, and anything may follow the stats', () => {
    expect(streams('index=a x=1 | eval y=x*2 | where y>1 | bin _time span=1h | stats count, dc(u), values(u), min(t), max(t) by _time host | sort - count | head 3')).toBe(true);
    expect(streams('index=a | rex field=_raw "u=(?<u>\\\\w+)" | rename u AS user | stats count by user')).toBe(true);
  });

  it('what depends on the order of events is held and sorted newest first', () => {
    expect(streams('index=a | head 10')).toBe(false);
    expect(streams('index=a | dedup user | stats count by user')).toBe(false);
    expect(streams('index=a | streamstats count')).toBe(false);
    expect(streams('index=a | eventstats count by user | stats count by user')).toBe(false);
    expect(streams('index=a | stats first(user) by host')).toBe(false);
    expect(streams('index=a | stats list(user) by host')).toBe(false);
    expect(streams('index=a | stats sum(bytes) by host')).toBe(false);
    expect(streams('index=a | table _time user')).toBe(false);
  });

  it('a search with a subsearch (which reads the events again) is held', () => {
    expect(streams('index=a [search index=a | head 1 | fields user] | stats count by user')).toBe(false);
    expect(streams('index=a | join user [search index=a | stats count by user] | stats count by user')).toBe(false);
  });

  it('an array of events is still searched newest first whatever the pipeline', () => {
    const events = [{ _time: 1, _raw: 'a', n: '1' }, { _time: 3, _raw: 'c', n: '3' }, { _time: 2, _raw: 'b', n: '2' }];
    expect(compileSpl('index=* | table n').run(events, { now: 4000 }).rows).toEqual([{ n: '3' }, { n: '2' }, { n: '1' }]);
    expect(compileSpl('index=* | table n').run(once(events), { now: 4000 }).rows).toEqual([{ n: '3' }, { n: '2' }, { n: '1' }]);
  });
});
