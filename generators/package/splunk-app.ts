// The Splunk app dist/splunk/detc/: one saved search per rule, one macro per log source (where
// the events are: an admin points it at the right index) and one tuning macro per rule, app
// metadata exporting both to every app. `detc deploy splunk` sends the same saved searches
// and macros over REST, so both are built here as data first and written by templates.
import { descendants, type SplNode } from '../spl/ast.ts';
import { parseSpl } from '../spl/parser.ts';
import { formatDuration } from '../ir/durations.ts';
import { profileOf } from '../logsources/loader.ts';
import { tuningMacro, TUNING_MACRO_DEFAULT } from '../targets/spl.ts';
import { confStanzaName, confValueProblem } from './conf.ts';
import type { PackageContent, PackagedRule, PackageProblems } from './model.ts';
import { entityFields } from './model.ts';
import { cronFor, dispatchWindow } from './splunk-schedule.ts';
import { renderTemplate } from './templates.ts';

export const SPLUNK_APP = 'detc';
export const SPLUNK_APP_DIR = `splunk/${SPLUNK_APP}`;

/** A saved search: its name (the stanza) and settings in savedsearches.conf spelling and order. */
export interface SavedSearch {
  readonly name: string;
  readonly rule: string;
  readonly settings: ReadonlyArray<readonly [string, string]>;
}

export interface SplunkMacro {
  readonly name: string;
  readonly definition: string;
  readonly description: string;
  /** Log-source macros say where the events are; tuning macros hold local exclusions. */
  readonly role: 'logsource' | 'tuning';
}

/** savedsearches.conf alert.severity: 1 debug, 2 info, 3 warn, 4 error, 5 severe, 6 fatal. */
const ALERT_SEVERITY: Record<PackagedRule['doc']['severity'], number> = { informational: 2, low: 3, medium: 4, high: 5, critical: 6 };

/** A detection does not alert again for the same entity within this period (or its lookback, if longer). */
const SUPPRESSION_PERIOD = 86400;

export const savedSearchName = (rule: PackagedRule): string => confStanzaName(`detc - ${rule.doc.title}`);

/**
 * The rule's search as a saved search runs it: the rendered SPL without its inline time range
 * (an inline `earliest=` would override dispatch.earliest_time / dispatch.latest_time, and the
 * saved search's window is the dispatch window). Found with our SPL parser, not by text.
 */
export function savedSearchText(spl: string): string {
  const { ast, diagnostics } = parseSpl(spl);
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`generated SPL does not parse: ${diagnostics[0]!.message}`);
  const first = ast.commands[0];
  if (!first) return spl;
  const spans = [...descendants(first as SplNode)]
    .filter((n): n is Extract<SplNode, { kind: 'searchTimeModifier' }> => n.kind === 'searchTimeModifier' && (n.name === 'earliest' || n.name === 'latest'))
    .map((n) => n.span)
    .sort((a, b) => b.start - a.start);
  let text = spl;
  for (const span of spans) {
    const before = text.slice(0, span.start).replace(/[ \t]+$/, '');
    const after = text.slice(span.end);
    text = before + (before.endsWith('\n') || before === '' ? after.replace(/^[ \t]+/, '') : after);
  }
  return text;
}

export function savedSearches(content: PackageContent, problems: PackageProblems): SavedSearch[] {
  return content.rules.map((rule) => {
    const { doc } = rule;
    const settings: Array<[string, string]> = [];
    const set = (key: string, value: string | number) => settings.push([key, String(value)]);
    set('search', savedSearchText(rule.queries.splunk.text));
    const description = doc.description.trim();
    const unwritable = confValueProblem(description);
    if (unwritable) problems.at(rule, ['description'], `cannot go into the Splunk app's savedsearches.conf: ${unwritable}`);
    set('description', unwritable ? description.replace(/\\+(?=\r?\n)/g, '') : description);
    set('disabled', doc.status === 'deprecated' ? 1 : 0);
    const window = dispatchWindow(doc.kind, rule.lookback);
    if (doc.kind === 'detection' && rule.schedule !== undefined) {
      const cron = cronFor(rule.schedule);
      if ('error' in cron) problems.at(rule, ['schedule'], cron.error);
      set('enableSched', 1);
      set('cron_schedule', 'cron' in cron ? cron.cron : '0 * * * *');
      set('dispatch.earliest_time', window.earliest);
      set('dispatch.latest_time', window.latest);
      set('counttype', 'number of events');
      set('relation', 'greater than');
      set('quantity', 0);
      set('alert.track', 1);
      set('alert.severity', ALERT_SEVERITY[doc.severity]);
      // One alert per result row, and none again for the same entity within the period: one
      // spraying IP is one alert a day, not one an hour.
      const fields = entityFields(rule).filter((f) => rule.logsource.fields.get(f.field)?.type !== 'datetime').map((f) => f.splunkColumn);
      set('alert.digest_mode', fields.length ? 0 : 1);
      set('alert.suppress', 1);
      if (fields.length) set('alert.suppress.fields', fields.join(','));
      set('alert.suppress.period', formatDuration(Math.max(SUPPRESSION_PERIOD, rule.lookback)));
      set('action.correlationsearch.enabled', 1);
      set('action.correlationsearch.label', savedSearchName(rule));
    } else {
      set('enableSched', 0);
      set('dispatch.earliest_time', window.earliest);
      set('dispatch.latest_time', window.latest);
    }
    set('action.correlationsearch.annotations', JSON.stringify({ mitre_attack: doc.attack }));
    set('request.ui_dispatch_app', 'search');
    set('request.ui_dispatch_view', 'search');
    return { name: savedSearchName(rule), rule: doc.name, settings };
  });
}

export function splunkMacros(content: PackageContent, problems: PackageProblems): SplunkMacro[] {
  const macros = new Map<string, SplunkMacro & { source: string }>();
  for (const source of content.logsources) {
    const profile = profileOf(source, 'splunk');
    const macro: SplunkMacro & { source: string } = {
      name: profile.macro!,
      definition: profile.macroDefinition!,
      description: `Where the events of "${source.title}" are (detc log source ${source.name}, Splunk profile ${profile.name}); every detc search on them starts from this macro. Set your index here, e.g. index=<your index> ${profile.macroDefinition}`,
      role: 'logsource',
      source: source.name,
    };
    const clash = macros.get(macro.name);
    if (clash && clash.definition !== macro.definition) {
      const rule = content.rules.find((r) => r.logsource.name === source.name)!;
      problems.at(rule, ['logsource'], `log sources ${clash.source} and ${source.name} both use the Splunk macro ${macro.name} with different definitions`);
    }
    macros.set(macro.name, macro);
  }
  const sourceMacros = [...macros.values()].map(({ source: _source, ...m }) => m).sort((a, b) => (a.name < b.name ? -1 : 1));
  const tuning: SplunkMacro[] = content.rules.map((rule) => {
    const example = entityFields(rule).find((f) => rule.logsource.fields.get(f.field)?.type !== 'datetime')?.splunkColumn ?? 'field';
    return {
      name: tuningMacro(rule.doc.name),
      definition: TUNING_MACRO_DEFAULT,
      description: `Local tuning of "${rule.doc.title}": the search ends with this macro, so a search command here (e.g. search NOT ${example}="value") drops known-good results without editing the rule.`,
      role: 'tuning',
    };
  });
  return [...sourceMacros, ...tuning];
}

/** The app's build number: version a.b.c → a*10000 + b*100 + c (app.conf [install] build must grow with every release). */
export function appBuild(version: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? Math.max(1, Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3])) : 1;
}

export function splunkAppFiles(content: PackageContent, problems: PackageProblems): Map<string, string> {
  const files = new Map<string, string>();
  const view = {
    app: SPLUNK_APP,
    version: content.version,
    build: appBuild(content.version),
    searches: savedSearches(content, problems).map((s) => ({ name: s.name, settings: s.settings.map(([key, value]) => ({ key, value })) })),
    macros: splunkMacros(content, problems),
  };
  files.set(`${SPLUNK_APP_DIR}/default/app.conf`, renderTemplate('splunk/app.conf.mustache', view, 'conf'));
  files.set(`${SPLUNK_APP_DIR}/default/savedsearches.conf`, renderTemplate('splunk/savedsearches.conf.mustache', view, 'conf'));
  files.set(`${SPLUNK_APP_DIR}/default/macros.conf`, renderTemplate('splunk/macros.conf.mustache', view, 'conf'));
  files.set(`${SPLUNK_APP_DIR}/metadata/default.meta`, renderTemplate('splunk/default.meta.mustache', view, 'conf'));
  return files;
}
