// What the engine refuses, and how it says so: `unsupported: <feature> at line:col` with the
// position in the text as given (before macro expansion); errors Splunk would raise too.
import { describe, expect, it } from 'vitest';
import { MacroTable } from '../../../generators/spl/macros.ts';
import { compileSpl, runSpl, SplRunError, SplUnsupportedError } from '../../../generators/spl/engine/index.ts';
import { events, NOW, run } from './support.ts';

const thrown = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
};

describe('unsupported', () => {
  it('names the command and its line:col', () => {
    const e = thrown(() => run('index=main\n| transaction user maxspan=5m'));
    expect(e).toBeInstanceOf(SplUnsupportedError);
    expect(e.message).toBe('unsupported: command transaction at 2:3');
  });

  it('says tstats, datamodel and mstats are out of scope', () => {
    expect(thrown(() => run('| tstats count from datamodel=Authentication by Authentication.user')).message).toMatch(/^unsupported: tstats \(accelerated data models .* out of scope.*\) at 1:3$/);
    expect(thrown(() => run('| datamodel Authentication search')).message).toMatch(/^unsupported: datamodel .*out of scope/);
    expect(thrown(() => run('| mstats avg(cpu) WHERE index=metrics')).message).toMatch(/^unsupported: mstats .*out of scope/);
  });

  it('points into the original text when the problem comes from a macro', () => {
    const macros = new Map([['bad', 'iplocation src']]);
    expect(thrown(() => run('index=main\n| `bad`', [], { macros })).message).toBe('unsupported: iplocation (needs a GeoIP database) at 2:3');
  });

  it('names app commands that are not Splunk built-ins', () => {
    expect(thrown(() => run('* | apply model')).message).toBe('unsupported: command apply (not a Splunk built-in) at 1:5');
  });

  it('names unsupported functions and options', () => {
    expect(thrown(() => run('* | stats sparkline(count(x), 1h)')).message).toMatch(/^unsupported: statistical function sparkline\(\) at 1:11$/);
    expect(thrown(() => run('* | dedup keepevents=true user', events({ user: 'a' }))).message).toMatch(/^unsupported: dedup keepevents=true/);
  });
});

describe('errors', () => {
  it('an undefined macro is an error at the macro', () => {
    const e = thrown(() => run('index=main | `nope`'));
    expect(e).toBeInstanceOf(SplRunError);
    expect(e.message).toBe('macro `nope` is not defined at 1:14');
  });

  it('a search that does not parse is an error with its position', () => {
    expect(thrown(() => run('* | eval x=(1')).message).toMatch(/at 1:\d+$/);
  });

  it('a non-generating command cannot start a search', () => {
    expect(thrown(() => run('| stats count'))).toBeInstanceOf(SplRunError);
  });
});

describe('API', () => {
  it('compiles once and runs many times; macros from a MacroTable with arguments', () => {
    const macros = new MacroTable([{ name: 'byuser', args: ['f'], definition: 'stats count BY $f$' }]);
    const compiled = compileSpl('* | `byuser(user)`', { macros });
    expect(compiled.run(events({ user: 'a' }, { user: 'a' }), { now: NOW }).rows).toEqual([{ user: 'a', count: 2 }]);
    expect(compiled.run(events({ user: 'b' }), { now: NOW }).rows).toEqual([{ user: 'b', count: 1 }]);
  });

  it('takes any iterable of events and returns columns in first-seen order', () => {
    function* gen() {
      yield { _time: 1, a: 1 };
      yield { _time: 2, b: 2 };
    }
    expect(runSpl('*', gen(), { now: NOW }).columns).toEqual(['_time', 'b', 'a']);
  });

  it('eventtype= uses given event type definitions, else the eventtype field events carry', () => {
    const data = events({ source: 'WinEventLog:Security' }, { eventtype: ['x', 'winsec'] }, { source: 'other' });
    expect(run('eventtype=winsec', data)).toHaveLength(1);
    expect(run('eventtype=winsec', data, { eventtypes: { winsec: 'source="*:Security"' } })).toHaveLength(2);
  });
});
