// Warnings for SPL that is valid but almost certainly not what its author meant. Run by
// validateSpl after parsing (the parser itself flags the token-level ones: dotted field names
// in eval/where, lower-case Boolean operators in search, function calls in search).
import { descendants, type Command, type Expr, type FieldRef, type Pipeline } from './ast.ts';
import type { DiagnosticSink } from './diagnostics.ts';

export function lintSpl(ast: Pipeline, source: string, sink: DiagnosticSink): void {
  for (const pipeline of pipelines(ast)) checkStatsByTime(pipeline, sink);
  for (const node of descendants(ast)) {
    if (node.kind === 'where') checkBareWords(node.condition, source, sink);
  }
}

// ---------------------------------------------------------------------------------------------
// `stats … by _time` without binning

/**
 * `stats … by _time` groups by each distinct timestamp; binning first (`bin _time span=1h`,
 * or timechart) is what is nearly always meant. Commands that bin _time, or might (a macro
 * stage), clear the warning for the stages after them.
 */
function checkStatsByTime(pipeline: Pipeline, sink: DiagnosticSink): void {
  let binned = false;
  for (const command of pipeline.commands) {
    if (bins(command)) binned = true;
    if (command.kind !== 'stats' || binned) continue;
    const name = command.name.toLowerCase();
    if (name !== 'stats' && name !== 'sistats') continue;
    const byTime = command.by.find((f): f is FieldRef => f.kind === 'field' && f.name === '_time');
    if (byTime) {
      sink.warning(
        byTime.span,
        'stats-by-time',
        '`stats … by _time` groups by each exact timestamp: put `| bin _time span=<span>` before it (or use timechart)',
      );
    }
  }
}

function bins(command: Command): boolean {
  switch (command.kind) {
    case 'bin':
      return command.field.name === '_time';
    case 'stats': {
      const name = command.name.toLowerCase();
      if (name === 'timechart' || name === 'sitimechart') return true;
      // tstats and mstats bin _time themselves (span= or an automatic span).
      return (name === 'tstats' || name === 'mstats') && command.by.some((f) => f.kind === 'field' && f.name === '_time');
    }
    case 'eval':
      return command.assignments.some((a) => a.field.name === '_time');
    case 'macroCommand':
      return true; // unknown until expanded
    case 'search':
    case 'where':
    case 'fields':
    case 'rename':
    case 'sort':
    case 'head':
    case 'dedup':
    case 'top':
    case 'rex':
    case 'regex':
    case 'spath':
    case 'lookup':
    case 'inputlookup':
    case 'outputlookup':
    case 'join':
    case 'append':
    case 'fillnull':
    case 'mvexpand':
    case 'makemv':
    case 'convert':
    case 'iplocation':
    case 'transaction':
    case 'foreach':
    case 'fieldOptions':
    case 'addtotals':
    case 'return':
    case 'format':
    case 'options':
    case 'from':
    case 'sendalert':
    case 'generic':
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// `where field=word`

const COMPARISONS: ReadonlySet<string> = new Set(['=', '==', '!=', '<', '<=', '>', '>=', 'LIKE']);

/** Fields every event has, or Splunk adds; never taken for a misspelled string. */
const DEFAULT_FIELDS: ReadonlySet<string> = new Set([
  '_time', '_raw', '_indextime', '_cd', '_serial', '_bkt', 'host', 'source', 'sourcetype', 'index',
  'splunk_server', 'linecount', 'punct', 'eventtype', 'tag', 'timestartpos', 'timeendpos', 'count',
  'date_hour', 'date_mday', 'date_minute', 'date_month', 'date_second', 'date_wday', 'date_year', 'date_zone',
]);

/**
 * In where (an eval expression) a bare word is a field name: `where action=success` compares
 * two fields. We warn when the word on the right is `true`/`false`/`null`, or is a name that
 * appears nowhere else in the search (so no command produced such a field).
 */
function checkBareWords(expr: Expr, source: string, sink: DiagnosticSink): void {
  for (const node of descendants(expr)) {
    if (node.kind !== 'binary' || !COMPARISONS.has(node.op)) continue;
    const { left, right } = node;
    if (left.kind !== 'field' || right.kind !== 'field' || right.quoted) continue;
    const word = right.name;
    const lower = word.toLowerCase();
    if (lower === 'true' || lower === 'false' || lower === 'null') {
      const fix = lower === 'null' ? `isnull(${left.name})` : `${left.name}="${word}"`;
      sink.warning(right.span, 'where-bare-word', `\`${word}\` is a field name in where, not a value: write ${fix}`);
    } else if (!DEFAULT_FIELDS.has(word) && occurrences(source, word) < 2) {
      sink.warning(
        right.span,
        'where-bare-word',
        `where compares ${left.name} with a field named \`${word}\`, which nothing in this search defines: for the string, write "${word}"`,
      );
    }
  }
}

function occurrences(source: string, word: string): number {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return source.match(new RegExp(`(?<![\\w.])${escaped}(?![\\w])`, 'g'))?.length ?? 0;
}

/** `ast` and every pipeline in its subsearches. */
function* pipelines(ast: Pipeline): Generator<Pipeline> {
  for (const node of descendants(ast)) if (node.kind === 'pipeline') yield node;
}
