// generators/spl/engine/projection.ts: a search whose base pipeline ends in `stats` has only the
// JSON fields it reads extracted from `_raw` (KV_MODE=json), the others skipped. That must change
// no result: every generated search, on its rule's fixture events given as `_raw` JSON only (as
// `detc run` gives an export's lines), returns the same rows with and without it — and the answer
// is null (every field extracted) wherever a search could read a field it does not name.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../generators/catalog.ts';
import { projectPath } from '../../../generators/paths.ts';
import { replayMacros } from '../../../generators/replay/harness.ts';
import { materialize } from '../../../generators/replay/materialize.ts';
import { expandMacros, MacroTable } from '../../../generators/spl/macros.ts';
import { parseSpl } from '../../../generators/spl/parser.ts';
import { compileSpl } from '../../../generators/spl/engine/index.ts';
import { jsonKeysFor } from '../../../generators/spl/engine/events.ts';
import { fieldsReadBeforeStats, withoutFieldProjection } from '../../../generators/spl/engine/projection.ts';
import { render } from '../../../generators/targets/index.ts';
import { writeSyntheticContent } from '../../bench/content-build.ts';

const fieldsOf = (spl: string) => {
  const set = fieldsReadBeforeStats(parseSpl(spl).ast);
  return set && [...set].sort();
};

describe('the fields a search reads before its stats', () => {
  it('are every field the base search, where, eval, bin and stats name', () => {
    expect(fieldsOf('sourcetype=x clientAppUsed IN ("POP3") status.errorCode!=0 error | eval t=_time | where len(ipAddress)>0 | bin _time span=1h | stats dc(userPrincipalName) AS n, count(eval(riskLevel="high")) AS h BY _time ipAddress')).toEqual(
      ['_time', 'clientAppUsed', 'h', 'ipAddress', 'n', 'riskLevel', 'sourcetype', 'status.errorCode', 't', 'userPrincipalName'],
    );
    expect(fieldsOf('index=main | stats count')).toEqual(['index']);
    expect(fieldsOf('x=1 | stats values(Parameters{}.Name) AS names')).toEqual(['Parameters{}.Name', 'names', 'x']);
  });

  it('are not known (every field extracted) when a search could read a field it does not name', () => {
    for (const spl of [
      'a=1 | table a', // no stats: the events themselves are the result
      'a=1', // the same
      'a*=1 | stats count', // a wildcard field name
      'a=1 | stats count BY b*', // in the BY clause
      'a=1 | stats values(*) AS v', // in an aggregation
      'eventtype=pop | stats count', // an event type's own search
      'tag=auth | stats count', // tags come from event types
      'a=1 | where searchmatch("b=2") | stats count', // a search in a string
      'a=1 | eval {name}=1 | stats count', // a field named by another's value
      'a=1 [search b=2 | fields c] | stats count', // a subsearch
      'a=1 | rename b AS c | stats count BY c', // a command this does not read
      'a=1 | eventstats count BY b | stats count', // eventstats keeps every field
      'a=1 | streamstats count | stats count',
      '| makeresults | stats count', // no base search
    ]) expect(fieldsOf(spl), spl).toBeNull();
  });

  it('keep the top-level JSON keys their flattened names come from, and no other', () => {
    const keep = jsonKeysFor(new Set(['status.errorCode', 'Parameters{}.Name', 'ipAddress']));
    // A key with a dot or braces in its own name flattens to names that can match too: kept.
    expect(['status', 'Parameters', 'ipAddress', '', 'status.errorCode', 'Parameters{}'].map(keep)).toEqual([true, true, true, true, true, true]);
    expect(['statusX', 'ip', 'ipAddressV6', 'Parameters.Name', 'errorCode'].map(keep)).toEqual([false, false, false, false, false]);
  });
});

/** Each generated search of `root`'s rules, run on its tests' events as `_raw` JSON only, with and without the projection. */
function expectSameRows(root: string): { searches: number; projected: number } {
  const catalog = loadCatalog(root);
  const macros = replayMacros(catalog);
  const table = new MacroTable([...macros].map(([name, definition]) => ({ name, args: [], definition })));
  let searches = 0;
  let projected = 0;
  for (const rule of catalog.rules) {
    const text = render(rule.query, 'splunk').text;
    const run = () => {
      const compiled = compileSpl(text, { macros });
      return rule.tests.map((test) => {
        // `_raw`, `_time` and sourcetype only, as `detc run` makes an event of an export's line.
        const events = materialize(test.events, rule.query.logsource, 'splunk').rows.map((e) => ({ _raw: e._raw, _time: e._time, sourcetype: e.sourcetype }));
        return JSON.stringify(compiled.run(events, { now: test.now }));
      });
    };
    const withProjection = run();
    expect(withProjection, `${rule.document.name}:\n${text}`).toEqual(withoutFieldProjection(run));
    searches++;
    if (fieldsReadBeforeStats(parseSpl(expandMacros(text, table, { undefinedMacros: 'error' }).text).ast)) projected++;
  }
  return { searches, projected };
}

describe('extracting only the fields a search reads changes no result', () => {
  it('the bundled rules\' searches, on their fixture events as _raw JSON', () => {
    const { searches, projected } = expectSameRows(projectPath());
    expect(searches).toBeGreaterThan(5);
    expect(projected).toBeGreaterThan(2); // not vacuous: the aggregating rules are projected
  });

  it('120 synthetic rules from the fuzzer\'s generator (every log source, every modifier, aggregating and per-event)', () => {
    const { searches, projected } = expectSameRows(writeSyntheticContent(120, 17));
    expect(searches).toBe(120);
    expect(projected).toBeGreaterThan(30);
  });
});
