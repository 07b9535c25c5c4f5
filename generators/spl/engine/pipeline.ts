// SPL syntax tree → a runnable pipeline. The first command is a source (the base search over
// the events, or a generating command); each later command wraps the sink after it. Streaming
// commands pass rows on as they come; blocking ones (sort, stats, eventstats …) hold what they
// must and emit at the end.
import type { Command, MacroRef, OptionArg, Pipeline, SplSpan } from '../ast.ts';
import { parseSpl } from '../parser.ts';
import { binStage, convertStage, evalStage, fieldListStage, fieldOptionsStage, fillnullStage, makemvStage, mvexpandStage, regexStage, renameStage, rexStage, spathStage, whereStage } from './commands/streaming.ts';
import { addtotalsStage, dedupStage, headStage, reverseStage, sortStage, topStage } from './commands/ordering.ts';
import { statsFamilyStage } from './commands/statistics.ts';
import { inputlookupAppendStage, inputlookupSource, lookupStage, outputlookupStage } from './commands/lookups.ts';
import { appendStage, foreachStage, formatStage, joinStage, returnStage } from './commands/subsearches.ts';
import { commandNameSpan, runErrorAt, unsupportedAt, type CompileContext, type CompiledPipeline, type CompiledStage, type Sink } from './context.ts';
import type { Locate } from './errors.ts';
import { eventTime, eventToRow, fieldsComeFromRaw, jsonKeysFor, type InputEvent } from './events.ts';
import { fieldsReadBeforeStats } from './projection.ts';
import { compileSearchFilter, resolveBounds, type SearchFilter } from './search.ts';
import { Options, statefulStage } from './stages.ts';
import type { Row } from './values.ts';

/** Commands this engine leaves to Splunk, with the reason. */
const OUT_OF_SCOPE: Readonly<Record<string, string>> = {
  datamodel: 'datamodel (accelerated data models are out of scope: the engine searches events)',
  tstats: 'tstats (accelerated data models and indexed fields are out of scope: the engine searches events)',
  mstats: 'mstats (metrics indexes are out of scope)',
  iplocation: 'iplocation (needs a GeoIP database)',
  transaction: 'command transaction',
  rest: 'rest (queries a Splunk server)',
  map: 'command map',
};

export class EngineCompiler implements CompileContext {
  constructor(
    readonly source: string,
    readonly locate: Locate,
    readonly clock: { now: number },
    readonly eventtypes: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Pipelines compiled so far (more than one: the search has subsearches, which re-read the events). */
  private pipelines = 0;

  compilePipeline(pipeline: Pipeline): CompiledPipeline {
    const [first, ...rest] = pipeline.commands;
    if (first === undefined) throw runErrorAt(this, 'empty search', pipeline.span);
    const compiledBefore = ++this.pipelines;
    const { run: source, filter } = this.sourceOf(first, fieldsReadBeforeStats(pipeline));
    const stages = rest.map((c) => this.stage(c));
    const noSubsearch = this.pipelines === compiledBefore;
    return {
      orderFree: noSubsearch && first.kind === 'search' && orderFree(rest),
      rawNeeds: noSubsearch && filter ? filter.rawNeeds : null,
      run: (env, sink) => {
        let chain: Sink = sink;
        for (let i = stages.length - 1; i >= 0; i--) chain = stages[i]!.instantiate(env, chain);
        source(env, chain);
      },
    };
  }

  compileStages(commands: readonly Command[]): CompiledStage[] {
    return commands.map((c) => this.stage(c));
  }

  compileStagesText(text: string, at: SplSpan): CompiledStage[] {
    const source = `| ${text}`;
    const { ast, diagnostics } = parseSpl(source);
    const error = diagnostics.find((d) => d.severity === 'error');
    const sub = new EngineCompiler(source, () => this.locate(at), this.clock, this.eventtypes);
    if (error) throw runErrorAt(sub, error.message, at);
    return sub.compileStages(ast.commands);
  }

  private checkTail(cmd: Command): void {
    if (cmd.tail.length > 0) throw runErrorAt(this, `unexpected arguments after ${cmd.name || 'search'}`, cmd.tail[0]!.span);
  }

  /** The first command: what produces the rows. */
  private sourceOf(cmd: Command, projection: ReadonlySet<string> | null): { run: CompiledPipeline['run']; filter?: SearchFilter } {
    this.checkTail(cmd);
    const name = cmd.name.toLowerCase();
    if (cmd.kind === 'search') {
      const filter = compileSearchFilter(cmd.query, this, 'base');
      return { run: eventsSource(filter, this, projection), filter };
    }
    if (cmd.kind === 'options' && name === 'makeresults') return { run: makeresultsSource(cmd.options, this) };
    if (cmd.kind === 'inputlookup') return { run: inputlookupSource(cmd, this) };
    const scope = OUT_OF_SCOPE[name];
    if (scope) throw unsupportedAt(this, scope, commandNameSpan(this, cmd.span));
    if (cmd.kind === 'from') throw unsupportedAt(this, `from ${cmd.datasetType} (datasets are out of scope)`, commandNameSpan(this, cmd.span));
    if (cmd.kind === 'generic' || cmd.kind === 'options') throw unsupportedAt(this, `command ${cmd.name}`, commandNameSpan(this, cmd.span));
    throw runErrorAt(this, `${cmd.name} cannot start a search: it works on results (start with a search or a generating command)`, commandNameSpan(this, cmd.span));
  }

  private stage(cmd: Command): CompiledStage {
    this.checkTail(cmd);
    const name = cmd.name.toLowerCase();
    const scope = OUT_OF_SCOPE[name];
    if (scope) throw unsupportedAt(this, scope, commandNameSpan(this, cmd.span));
    switch (cmd.kind) {
      case 'search': {
        const filter = compileSearchFilter(cmd.query, this, 'command');
        return statefulStage((env, next) => {
          const test = filter.bind(env);
          return { push: (row) => (test(row) ? next.push(row) : true), end: () => next.end() };
        });
      }
      case 'where': return whereStage(cmd, this);
      case 'eval': return evalStage(cmd, this);
      case 'stats': return statsFamilyStage(cmd, this);
      case 'bin': return binStage(cmd, this);
      case 'fields': return fieldListStage(cmd, this);
      case 'rename': return renameStage(cmd, this);
      case 'sort': return sortStage(cmd, this);
      case 'head': return headStage(cmd, this);
      case 'dedup': return dedupStage(cmd, this);
      case 'top': return topStage(cmd, this);
      case 'rex': return rexStage(cmd, this);
      case 'regex': return regexStage(cmd, this);
      case 'spath': return spathStage(cmd, this);
      case 'lookup': return lookupStage(cmd, this);
      case 'inputlookup': return inputlookupAppendStage(cmd, this);
      case 'outputlookup': return outputlookupStage(cmd, this);
      case 'join': return joinStage(cmd, this);
      case 'append': return appendStage(cmd, this);
      case 'fillnull': return fillnullStage(cmd, this);
      case 'mvexpand': return mvexpandStage(cmd, this);
      case 'makemv': return makemvStage(cmd, this);
      case 'convert': return convertStage(cmd, this);
      case 'foreach': return foreachStage(cmd, this);
      case 'fieldOptions': return fieldOptionsStage(cmd, this);
      case 'return': return returnStage(cmd, this);
      case 'format': return formatStage(cmd, this);
      case 'options':
        if (name === 'makeresults') throw runErrorAt(this, 'makeresults must be the first command', commandNameSpan(this, cmd.span));
        throw unsupportedAt(this, `command ${cmd.name}`, commandNameSpan(this, cmd.span));
      case 'generic':
        if (name === 'reverse') return reverseStage();
        throw unsupportedAt(this, `command ${cmd.name}`, commandNameSpan(this, cmd.span));
      case 'macroCommand':
        throw runErrorAt(this, `macro \`${cmd.macro.name}\` is not defined`, cmd.macro.span);
      case 'addtotals': return addtotalsStage(cmd, this);
      case 'iplocation':
      case 'transaction':
      case 'from':
      case 'sendalert':
        throw unsupportedAt(this, `command ${cmd.name}`, commandNameSpan(this, cmd.span));
    }
  }
}

/** Commands that work on each row by itself: the order rows come in changes nothing they produce. */
const ROW_BY_ROW = new Set<Command['kind']>(['search', 'where', 'eval', 'bin', 'fields', 'rename', 'rex', 'regex', 'spath', 'lookup', 'fillnull', 'mvexpand', 'makemv', 'convert', 'fieldOptions']);

/** stats functions whose result is the same whatever order the rows come in (not first/last/list, nor sums of reals). */
const ORDER_FREE_STATS = new Set(['count', 'c', 'dc', 'distinct_count', 'values', 'min', 'max']);

/**
 * Whether the commands after the base search give the same result whatever order the events
 * come in: row-by-row commands, then `stats` with order-free functions (its groups come out
 * sorted by their BY values), then anything. Splunk's newest-first order matters to everything
 * else (head, dedup, streamstats, first/last, list, the order of events in the result …).
 */
export function orderFree(commands: readonly Command[]): boolean {
  for (const cmd of commands) {
    if (cmd.kind === 'stats') {
      return cmd.name.toLowerCase() === 'stats' && cmd.head.every((h) => h.kind === 'option' || (h.kind === 'aggregation' && ORDER_FREE_STATS.has(h.fn.toLowerCase())));
    }
    if (!ROW_BY_ROW.has(cmd.kind)) return false;
  }
  return false;
}

/**
 * The base search: the events inside its time range, newest first, that match its terms.
 * Events are in descending _time order, so the scan stops at the first one before `earliest`.
 * Unordered events (an order-free pipeline) stream through once, in the order they come.
 */
function eventsSource(filter: SearchFilter, ctx: CompileContext, projection: ReadonlySet<string> | null): CompiledPipeline['run'] {
  return (env, sink) => {
    // Only the JSON fields the search reads are extracted from _raw (projection.ts).
    const jsonKeys = projection ? jsonKeysFor(projection) : undefined;
    const bounds = resolveBounds(filter, env, ctx);
    const range = env.searchRange;
    range.earliest = bounds.earliest;
    range.latest = bounds.latest;
    const test = filter.matchesAll ? null : filter.bind(env);
    // Events a reader already judged by the same test (rawNeeds) are not tested again.
    const prefilter = env.rawPrefiltered ? null : filter.rawPrefilter;
    const { events, times } = env;
    const { earliest, latest } = bounds;
    const pass = (event: InputEvent): boolean => {
      if (prefilter !== null && fieldsComeFromRaw(event)) {
        // JSON escapes could hide a value from the text test: only backslash-free _raw is pre-filtered.
        const raw = event._raw as string;
        if (!raw.includes('\\') && !prefilter(raw)) return true;
      }
      const row = eventToRow(event, jsonKeys);
      if (test !== null && !test(row)) return true;
      return sink.push(row);
    };
    if (env.unorderedEvents) {
      for (const event of env.unorderedEvents) {
        const t = eventTime(event);
        if (latest !== undefined && (t === undefined || t >= latest)) continue;
        if (earliest !== undefined && (t === undefined || t < earliest)) continue;
        if (!pass(event)) break;
      }
      sink.end();
      return;
    }
    for (let i = 0; i < events.length; i++) {
      const t = times[i];
      if (latest !== undefined && (t === undefined || t >= latest)) continue;
      if (earliest !== undefined && (t === undefined || t < earliest)) {
        if (t !== undefined) break;
        continue;
      }
      if (!pass(events[i]!)) break;
    }
    sink.end();
  };
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/makeresults
// count= results (default 1), each with _time set to the search's start time.
function makeresultsSource(options: readonly (OptionArg | MacroRef)[], ctx: CompileContext): CompiledPipeline['run'] {
  const o = new Options(options, ['count', 'annotate', 'splunk_server', 'splunk_server_group', 'format', 'data'], ctx, 'makeresults');
  o.refuse('annotate', (t) => /^(false|f|0)$/i.test(t), 'makeresults annotate=true');
  for (const opt of ['format', 'data', 'splunk_server', 'splunk_server_group']) if (o.get(opt)) throw unsupportedAt(ctx, `makeresults ${opt}=`, o.get(opt)!.span);
  const count = o.int('count', 1);
  return (env, sink) => {
    const time = Math.floor(env.now);
    for (let i = 0; i < count; i++) {
      const row: Row = new Map([['_time', time]]);
      if (!sink.push(row)) break;
    }
    sink.end();
  };
}
