// The rules of Splunk's .conf.spec files for the settings the detc app writes: which keys a
// stanza may hold and what each value must look like. Transcribed from the 9.x spec files
// (savedsearches.conf.spec, macros.conf.spec, app.conf.spec, default.meta.spec;
// https://help.splunk.com/en/splunk-enterprise/administer/admin-manual/10.0/configuration-file-reference).
// A setting the app writes that is not here fails the test: add its spec rule first.

export type ValueRule = (value: string) => string | null;

const ok = null;
const must = (test: boolean, why: string): string | null => (test ? ok : why);

/** Splunk booleans: "true/false, t/f, 1/0, yes/no" (conf files' <boolean>). */
export const boolean: ValueRule = (v) => must(/^(?:true|false|t|f|1|0|yes|no)$/i.test(v), 'a boolean');
export const zeroOrOne: ValueRule = (v) => must(v === '0' || v === '1', '0 or 1');
export const integer: ValueRule = (v) => must(/^-?\d+$/.test(v), 'an integer');
export const positiveInteger: ValueRule = (v) => must(/^\d+$/.test(v) && Number(v) > 0, 'a positive integer');
export const string: ValueRule = (v) => must(v.length > 0, 'a non-empty string');
export const oneOf = (...values: string[]): ValueRule => (v) => must(values.includes(v), `one of: ${values.join(' | ')}`);
export const and = (...rules: ValueRule[]): ValueRule => (v) => rules.map((r) => r(v)).find((x) => x !== null) ?? ok;

const CRON_RANGES = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]] as const;
/** <cron string>: five fields of numbers, ranges, lists and steps ("standard cron notation"; no month or day names). */
export const cron: ValueRule = (v) => {
  const fields = v.split(' ');
  if (fields.length !== 5) return 'five cron fields';
  for (const [i, field] of fields.entries()) {
    const [lo, hi] = CRON_RANGES[i]!;
    for (const part of field.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) return `cron field ${i + 1} '${field}'`;
      for (const n of [m[2], m[3]].filter((x) => x !== undefined).map(Number)) if (n < lo || n > hi) return `cron field ${i + 1}: ${n} outside ${lo}-${hi}`;
      if (m[4] !== undefined && Number(m[4]) < 1) return `cron field ${i + 1}: step 0`;
    }
  }
  return ok;
};

const UNIT = '(?:s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks|mon|month|months|q|qtr|qtrs|quarter|quarters|y|yr|yrs|year|years)';
const SNAP = `@(?:${UNIT}|w[0-7])`;
/** <time-str>: `now`, an epoch, or a relative time `[+|-]<n><unit>[@<snap>]` / `@<snap>` (time modifiers). */
export const timeString: ValueRule = (v) =>
  must(new RegExp(`^(?:now|\\d+(?:\\.\\d+)?|[+-]\\d+${UNIT}(?:${SNAP})?|${SNAP})$`).test(v), 'a time modifier (now, -1h, -65m@m …)');
/** <time-specifier>: "[number][time-unit]", e.g. 60, 1m, 1h, 1d. */
export const timeSpecifier: ValueRule = (v) => must(/^\d+(?:s|m|h|d)?$/.test(v), 'a time specifier ([number][s|m|h|d])');
/** <comma-delimited-field-list>. */
export const fieldList: ValueRule = (v) => must(/^[^,\s]+(?:,[^,\s]+)*$/.test(v), 'a comma-separated field list');
export const json: ValueRule = (v) => {
  try {
    JSON.parse(v);
    return ok;
  } catch {
    return 'JSON';
  }
};

export interface StanzaSpec {
  /** Exact keys, or patterns (`action.<name>`) as regular expressions. */
  readonly keys: ReadonlyArray<readonly [string | RegExp, ValueRule]>;
  readonly required?: readonly string[];
}

/** savedsearches.conf.spec, [<stanza name>]. */
export const SAVEDSEARCHES: StanzaSpec = {
  keys: [
    ['search', string],
    ['description', string],
    ['disabled', boolean],
    ['enableSched', zeroOrOne],
    ['cron_schedule', cron],
    ['dispatch.earliest_time', timeString],
    ['dispatch.latest_time', timeString],
    ['counttype', oneOf('number of events', 'number of hosts', 'number of sources', 'custom', 'always')],
    ['relation', oneOf('greater than', 'less than', 'equal to', 'not equal to', 'drops by', 'rises by')],
    ['quantity', integer],
    ['alert.track', (v) => (v === 'auto' ? ok : boolean(v))],
    // 1-debug, 2-info, 3-warn, 4-error, 5-severe, 6-fatal
    ['alert.severity', and(integer, (v) => must(Number(v) >= 1 && Number(v) <= 6, '1 to 6'))],
    ['alert.digest_mode', boolean],
    ['alert.suppress', boolean],
    ['alert.suppress.fields', fieldList],
    ['alert.suppress.period', timeSpecifier],
    ['request.ui_dispatch_app', string],
    ['request.ui_dispatch_view', string],
    // action.<action_name> = <boolean>; action.<action_name>.<parameter> = <value>
    [/^action\.[A-Za-z0-9_]+$/, boolean],
    [/^action\.[A-Za-z0-9_]+\.[A-Za-z0-9_.]+$/, string],
  ],
  required: ['search'],
};

/** macros.conf.spec, [<STANZA_NAME>]. */
export const MACROS: StanzaSpec = {
  keys: [
    ['definition', string],
    ['args', (v) => must(/^[\w-]+(?:\s*,\s*[\w-]+)*$/.test(v), 'comma-separated argument names')],
    ['validation', string],
    ['errormsg', string],
    ['iseval', boolean],
    ['description', string],
  ],
  required: ['definition'],
};

const version: ValueRule = (v) => must(/^\d+(?:\.\d+)*(?:[a-z]+\d*)?$/.test(v), 'a number followed by dots and numbers, with an optional lower-case suffix');

/** app.conf.spec, by stanza. */
export const APP: Readonly<Record<string, StanzaSpec>> = {
  install: { keys: [['state', oneOf('disabled', 'enabled')], ['state_change_requires_restart', boolean], ['is_configured', boolean], ['build', positiveInteger], ['allows_disable', boolean]], required: ['build'] },
  launcher: { keys: [['version', version], ['description', and(string, (v) => must(v.length <= 200, 'at most 200 characters'))], ['author', string]] },
  ui: { keys: [['is_visible', boolean], ['show_in_nav', boolean], ['label', and(string, (v) => must(v.length >= 5 && v.length <= 80 && !/^Splunk For/i.test(v), '5 to 80 characters, not starting "Splunk For"'))]], required: ['label'] },
  package: { keys: [['id', (v) => must(/^[A-Za-z0-9._]+$/.test(v) && !v.endsWith('.'), 'letters, numbers, dots and underscores, not ending in a dot')], ['check_for_updates', boolean], ['show_upgrade_notification', boolean]] },
  id: { keys: [['group', string], ['name', string], ['version', version]] },
};

/** default.meta.spec: `access = read : [ roles ], write : [ roles ]`, `export = system | none`, `owner`. */
export const META: StanzaSpec = {
  keys: [
    ['access', (v) => must(/^read : \[ [^\]]+ \](?:, write : \[ [^\]]+ \])?$/.test(v), 'read : [ … ], write : [ … ]')],
    ['export', oneOf('system', 'none')],
    ['owner', string],
  ],
};

/** Problems of one stanza against its spec. */
export function checkStanza(spec: StanzaSpec, stanza: string, settings: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, value] of settings) {
    const rule = spec.keys.find(([k]) => (typeof k === 'string' ? k === key : k.test(key)));
    if (!rule) {
      problems.push(`[${stanza}] ${key}: not a setting of this file's spec`);
      continue;
    }
    const why = rule[1](value);
    if (why) problems.push(`[${stanza}] ${key} = ${JSON.stringify(value)}: must be ${why}`);
  }
  for (const key of spec.required ?? []) if (!settings.has(key)) problems.push(`[${stanza}] lacks ${key}`);
  return problems;
}
