// `detc run <rule> --events export`: a rule run offline on an exported log, by the reference
// evaluator (what the rule means) and, with --target, by each target's generated query on our
// engine for it. The export is streamed, never held: only the events that can still fall in
// the rule's lookback window are kept (and, without --target, only those its filter selects),
// so a run needs memory for the window's matches, not for the file.
import type { Catalog, CompiledRule } from './catalog.ts';
import type { Diagnostic } from './diagnostics.ts';
import { compilePredicate, evaluateQuery, type ResultRow } from './ir/evaluator.ts';
import { rawRequirement } from './ir/raw-filter.ts';
import { usedFields } from './ir/types.ts';
import type { ReplayEngine } from './replay/engine.ts';
import { readExportEvents, type ExportEventsOptions, type ExportShape } from './replay/exports.ts';
import { compareWithReference, replayMacros, runGeneratedQuery } from './replay/harness.ts';
import { provideKqlAnalysis } from './replay/engines.ts';
import { kqlAnalysesApart } from './kql/analysis-apart.ts';
import { ruleKqlQueries } from './query-validation.ts';
import type { TargetName } from './logsources/types.ts';
import type { RenderedQuery } from './targets/rendered.ts';
import type { CanonicalEvent } from './rules/fixtures.ts';

export interface RuleRunOptions {
  /** Epoch milliseconds the hunt runs at; default one second after the export's latest event. */
  readonly now?: number;
  readonly skipBadLines: boolean;
  readonly report: (d: Diagnostic) => void;
  /** The engines whose generated queries to run too (empty: the reference only). */
  readonly engines: readonly ReplayEngine[];
  /** How a large JSON Lines export is read on several threads (see readExportEvents). */
  readonly scan?: ExportEventsOptions['scan'];
}

export interface TargetRun {
  readonly target: string;
  readonly rows: ResultRow[];
  /** Why its rows are not the reference's, if they are not. */
  readonly disagreement: string | undefined;
}

export interface RuleRunResult {
  /** Undefined when a bad record failed the run (reported already). */
  readonly reference: ResultRow[] | undefined;
  readonly targets: TargetRun[];
  readonly shape: ExportShape;
  /** Epoch milliseconds the hunt ran at (its lookback window ends there): --now, else one second after the latest event. */
  readonly now: number;
  /** Events read (bad records not counted), and of them lines not parsed (they hold none of the rule's terms). */
  readonly read: number;
  readonly unparsed: number;
  readonly skipped: number;
}

export async function runRuleOnExport(catalog: Pick<Catalog, 'logsources' | 'rules'>, rule: CompiledRule, file: string, options: RuleRunOptions): Promise<RuleRunResult> {
  const { query } = rule;
  // The reference alone needs only the events the filter selects; a target's query must be shown
  // to select them itself, so it is given every event of the window.
  const selects = options.engines.length ? undefined : compilePredicate(query.filter);
  const needs = selects ? rawRequirement(query.filter) : [];
  const window = new LookbackWindow(query.lookback * 1000, options.now);
  // The KQL targets' queries are analysed by Kusto apart (a process from its snapshot, or the
  // cache of analyses) while the export is read.
  const analysing = analyseKqlTargets(rule, options.engines);
  analysing.catch(() => {}); // awaited below, unless a bad record ends the run first
  const read = await readExportEvents(file, query.logsource, {
    skipBadLines: options.skipBadLines,
    report: options.report,
    fields: usedFields(query),
    ...(needs.length ? { lineFilter: { needs } } : {}),
    ...(options.scan ? { scan: options.scan } : {}),
  }, (event) => window.add(event, !selects || selects(event)));
  const now = window.now();
  const result = { shape: read.shape, now, read: read.events, unparsed: read.unparsed, skipped: read.skipped };
  if (read.failed) return { ...result, reference: undefined, targets: [] };
  const events = window.events();
  const reference = evaluateQuery(query, events, now);
  const macros = options.engines.length ? replayMacros(catalog) : new Map<string, string>();
  const rendered = await analysing;
  const targets = options.engines.map((engine) => {
    // Each target's generated query runs on the events materialized in its native shape, as
    // `detc test` replays fixtures; a disagreement with the rule's meaning is a finding.
    const run = runGeneratedQuery(engine, rule, events, now, macros, undefined, rendered.get(engine.target));
    return { target: engine.target, rows: run.rows, disagreement: compareWithReference(run.rows, reference, rule, run.estimated) };
  });
  return { ...result, reference, targets };
}

/**
 * The rule's KQL queries for the engines' targets, each given its Kusto analysis
 * (kqlAnalysesApart), for the engines to compile from. Any other query (Splunk's, one that does
 * not render) runGeneratedQuery renders itself.
 */
async function analyseKqlTargets(rule: CompiledRule, engines: readonly ReplayEngine[]): Promise<Map<TargetName, RenderedQuery>> {
  const kql = ruleKqlQueries(rule, engines.map((e) => e.target));
  (await kqlAnalysesApart(kql)).forEach((tree, i) => provideKqlAnalysis(kql[i]!.query, kql[i]!.tables, tree));
  return new Map(kql.map(({ target, query }) => [target, query]));
}

/**
 * The events that may fall in the lookback window ending at `now`. Without a given `now` (one
 * second after the latest event, known only at the end), an event older than the lookback
 * before the latest event seen so far can never be in the window: the kept events are pruned
 * of those whenever they have doubled since the last pruning.
 */
export class LookbackWindow {
  private kept: CanonicalEvent[] = [];
  private latest = 0;
  private prunedAt = 1024;

  constructor(private readonly lookbackMs: number, private readonly fixedNow?: number) {}

  /** Every event counts for the latest time; only `selected` ones are kept. */
  add(event: CanonicalEvent, selected: boolean): void {
    const time = event.timestamp;
    if (typeof time !== 'number') return; // the evaluator's lookback drops it too
    if (time > this.latest) this.latest = time;
    if (!selected || time < this.since()) return;
    this.kept.push(event);
    if (this.fixedNow === undefined && this.kept.length >= 2 * this.prunedAt) {
      const since = this.since();
      this.kept = this.kept.filter((e) => (e.timestamp as number) >= since);
      this.prunedAt = Math.max(1024, this.kept.length);
    }
  }

  now(): number {
    return this.fixedNow ?? this.latest + 1000;
  }

  /** The kept events inside the window, in the order they were read. */
  events(): CanonicalEvent[] {
    const since = this.since();
    return this.kept.filter((e) => (e.timestamp as number) >= since);
  }

  private since(): number {
    return this.now() - this.lookbackMs;
  }
}
