// The Splunk app dist/splunk/detc/: every .conf file read back the way splunkd reads it and
// checked against the spec rules of the settings it uses (conf-spec.ts); every saved search
// re-parsed and validated by our SPL front-end with the app's own macros.conf expanded.
import { describe, expect, it } from 'vitest';
import { buildDistFiles } from '../../generators/build.ts';
import { loadCatalog } from '../../generators/catalog.ts';
import { InputError } from '../../generators/diagnostics.ts';
import { confValue, parseConf } from '../../generators/package/conf.ts';
import { savedSearchText } from '../../generators/package/splunk-app.ts';
import { cronFor, dispatchWindow } from '../../generators/package/splunk-schedule.ts';
import { DETC_VERSION } from '../../generators/package/version.ts';
import { parseMacrosConf } from '../../generators/spl/macros.ts';
import { validateSpl } from '../../generators/spl/validate.ts';
import { tuningMacro } from '../../generators/targets/spl.ts';
import { makeWorkspace, VALID_RULE } from '../workspace.ts';
import { APP, checkStanza, MACROS, META, SAVEDSEARCHES } from './conf-spec.ts';
import { bundled, file } from './support.ts';

const conf = (name: string) => {
  const parsed = parseConf(file(`splunk/detc/${name}`));
  expect(parsed.problems, name).toEqual([]);
  return parsed.stanzas;
};

describe('savedsearches.conf', () => {
  const stanzas = conf('default/savedsearches.conf');
  const { catalog } = bundled();

  it('has one stanza per rule, named from its title, each setting valid by savedsearches.conf.spec', () => {
    expect(stanzas.map((s) => s.name).sort()).toEqual(catalog.rules.map((r) => `detc - ${r.document.title}`).sort());
    expect(stanzas.flatMap((s) => checkStanza(SAVEDSEARCHES, s.name, s.settings))).toEqual([]);
  });

  it('schedules and alerts on detections, leaves hunts as reports', () => {
    for (const rule of catalog.rules) {
      const s = stanzas.find((x) => x.name === `detc - ${rule.document.title}`)!.settings;
      expect(s.get('description')).toBe(rule.document.description.trim());
      if (rule.document.kind === 'hunt') {
        expect(s.get('enableSched')).toBe('0');
        expect(s.has('cron_schedule')).toBe(false);
        expect(s.get('dispatch.earliest_time')).toBe(`-${rule.document.lookback}`);
        continue;
      }
      expect(s.get('enableSched')).toBe('1');
      expect(s.get('counttype')).toBe('number of events');
      expect(s.get('relation')).toBe('greater than');
      expect(s.get('quantity')).toBe('0');
      expect(s.get('alert.track')).toBe('1');
      // savedsearches.conf.spec: alert.suppress.fields "must be specified if the digest mode is disabled and suppression is enabled".
      if (s.get('alert.digest_mode') === '0' && s.get('alert.suppress') === '1') expect(s.get('alert.suppress.fields')).toBeTruthy();
      expect(JSON.parse(s.get('action.correlationsearch.annotations')!)).toEqual({ mitre_attack: rule.document.attack });
      expect(s.get('action.correlationsearch.enabled')).toBe('1');
    }
  });

  it('the spray detection runs at :05, reads the clock hour before, alerts once a day per source IP', () => {
    const s = stanzas.find((x) => x.name.startsWith('detc - Password spray'))!.settings;
    expect(s.get('cron_schedule')).toBe('5 * * * *');
    expect(s.get('dispatch.earliest_time')).toBe('-65m@m');
    expect(s.get('dispatch.latest_time')).toBe('-5m@m');
    expect(s.get('alert.severity')).toBe('4');
    expect(s.get('alert.suppress.fields')).toBe('ipAddress');
    expect(s.get('alert.suppress.period')).toBe('1d');
  });

  it("every search parses and validates with our SPL front-end, with macros.conf's macros expanded", () => {
    const macros = parseMacrosConf(file('splunk/detc/default/macros.conf'));
    expect(macros.diagnostics).toEqual([]);
    for (const s of stanzas) {
      const search = s.settings.get('search')!;
      expect(validateSpl(search, { macros: macros.macros }), s.name).toEqual([]);
      // The window is the dispatch window: an inline earliest= would override it.
      expect(search, s.name).not.toMatch(/\b(?:earliest|latest)=/);
    }
  });

  it("each search is the rule's generated SPL without its inline time range", () => {
    for (const rule of bundled().catalog.rules) {
      const s = stanzas.find((x) => x.name === `detc - ${rule.document.title}`)!.settings;
      const spl = file(`splunk/${rule.document.name}.spl`).trimEnd();
      expect(s.get('search')).toBe(spl.replace(/ earliest=-\w+/, ''));
    }
  });
});

describe('macros.conf', () => {
  const stanzas = conf('default/macros.conf');
  const { catalog } = bundled();

  it('every setting is valid by macros.conf.spec', () => {
    expect(stanzas.flatMap((s) => checkStanza(MACROS, s.name, s.settings))).toEqual([]);
  });

  it("defines each log source's macro with its Splunk profile's default, and a `search *` tuning macro per rule", () => {
    for (const source of new Set(catalog.rules.map((r) => r.query.logsource))) {
      const profile = source.targets.splunk.profiles.get(source.targets.splunk.defaultProfile)!;
      expect(stanzas.find((s) => s.name === profile.macro)?.settings.get('definition')).toBe(profile.macroDefinition);
    }
    for (const rule of catalog.rules) expect(stanzas.find((s) => s.name === tuningMacro(rule.document.name))?.settings.get('definition')).toBe('search *');
  });
});

describe('app.conf and metadata/default.meta', () => {
  it('app.conf has the stanzas the issue lists, each setting valid by app.conf.spec', () => {
    const stanzas = conf('default/app.conf');
    expect(stanzas.map((s) => s.name).sort()).toEqual(['id', 'install', 'launcher', 'package', 'ui']);
    expect(stanzas.flatMap((s) => checkStanza(APP[s.name]!, s.name, s.settings))).toEqual([]);
    const get = (stanza: string, key: string) => stanzas.find((s) => s.name === stanza)!.settings.get(key);
    // app.conf.spec: [package] id "must be the same as the folder name in which your app lives".
    expect(get('package', 'id')).toBe('detc');
    expect(get('launcher', 'version')).toBe(DETC_VERSION);
    expect(get('id', 'version')).toBe(DETC_VERSION);
  });

  it('default.meta exports saved searches and macros to every app', () => {
    const stanzas = conf('metadata/default.meta');
    expect(stanzas.flatMap((s) => checkStanza(META, s.name, s.settings))).toEqual([]);
    expect(stanzas.find((s) => s.name === 'savedsearches')?.settings.get('export')).toBe('system');
    expect(stanzas.find((s) => s.name === 'macros')?.settings.get('export')).toBe('system');
  });
});

describe('schedules', () => {
  it.each([
    ['1m', '* * * * *'],
    ['5m', '0,5,10,15,20,25,30,35,40,45,50,55 * * * *'],
    ['15m', '5,20,35,50 * * * *'],
    ['1h', '5 * * * *'],
    ['6h', '5 0,6,12,18 * * *'],
    ['1d', '5 0 * * *'],
    ['7d', '5 0 * * 1'],
  ])('schedule %s runs on cron %s', (schedule, expected) => {
    const seconds = { m: 60, h: 3600, d: 86400 }[schedule.slice(-1) as 'm' | 'h' | 'd'] * Number(schedule.slice(0, -1));
    expect(cronFor(seconds)).toEqual({ cron: expected });
  });

  it('a schedule that no cron expression repeats evenly is an error that says why', () => {
    expect(cronFor(7 * 60)).toEqual({ error: 'schedule 7m cannot be a Splunk cron schedule: a schedule under an hour must divide the hour (1m, 5m, 10m, 15m, 20m, 30m …)' });
    expect(cronFor(5 * 3600)).toHaveProperty('error');
    expect(cronFor(2 * 86400)).toHaveProperty('error');
  });

  it('a detection reads its lookback ending five minutes ago, snapped to the minute; a hunt reads up to now', () => {
    expect(dispatchWindow('detection', 3600)).toEqual({ earliest: '-65m@m', latest: '-5m@m' });
    expect(dispatchWindow('detection', 86400)).toEqual({ earliest: '-1445m@m', latest: '-5m@m' });
    expect(dispatchWindow('hunt', 30 * 86400)).toEqual({ earliest: '-30d', latest: 'now' });
  });
});

describe('saved search text', () => {
  it('drops inline earliest= and latest= of the base search, nothing else', () => {
    expect(savedSearchText('`m` earliest=-1h latest=now a=1 message="earliest=-2h"\n| stats count')).toBe('`m` a=1 message="earliest=-2h"\n| stats count');
    expect(savedSearchText('earliest=-1h a=1')).toBe('a=1');
    expect(savedSearchText('`m` a=1\n| where b=2')).toBe('`m` a=1\n| where b=2');
  });
});

describe('.conf values', () => {
  it('a multi-line value is written with continuation lines and read back exactly', () => {
    const value = '`m` a=1\n| stats count BY b\n| where count>5';
    const parsed = parseConf(`[s]\nsearch = ${confValue(value)}\nother = x\n`);
    expect(parsed.stanzas[0]?.settings.get('search')).toBe(value);
    expect(parsed.stanzas[0]?.settings.get('other')).toBe('x');
  });

  it('refuses what a .conf file cannot hold', () => {
    expect(() => confValue('a\\\nb')).toThrow(/backslash/);
    expect(() => confValue(' a')).toThrow(/blanks/);
  });
});

describe('packaging errors are input errors at the rule line', () => {
  const detection = VALID_RULE.replace('kind: hunt', 'kind: detection').replace('lookback: 1d', 'lookback: 1d\nschedule: 7m');
  it('an ATT&CK technique the table does not know, and a schedule Splunk cannot run', () => {
    const root = makeWorkspace({ 'detections/sample-rule.yml': detection.replace('attack: [T1078]', 'attack: [T1078, T9999]') });
    const catalog = loadCatalog(root);
    expect(catalog.diagnostics).toEqual([]);
    let thrown: unknown;
    try {
      buildDistFiles(catalog);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const messages = (thrown as InputError).diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^detections\/sample-rule\.yml:9: ATT&CK technique T9999 is not in generators\/package\/attack\.ts/));
    expect(messages).toContainEqual(expect.stringMatching(/^detections\/sample-rule\.yml:12: schedule 7m cannot be a Splunk cron schedule/));
  });
});
