// The `detc` command line. Only this file decides exit codes:
//   0 ok · 1 findings (failed tests, stale dist/) · 2 usage or input error.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { loadCatalog, type Catalog, findRuleFiles } from './catalog.ts';
import { loadLogSources } from './logsources/loader.ts';
import type { CanonicalType, LogSource } from './logsources/types.ts';
import { error, formatDiagnostic, hasErrors, InputError, printable, type Diagnostic } from './diagnostics.ts';
import { buildDistFiles } from './build.ts';
import { isWithin, projectPath } from './paths.ts';
import { clearAbandoned, stagingFolder, swapInDist, type StagedDist } from './dist-writer.ts';
import { startFileWriter, type FileWriter } from './file-writer.ts';
import { replayEngines } from './replay/engines.ts';
import { formatReport, REPORTERS, type ReporterName } from './replay/reporters.ts';
import { formatCoverage, ruleCoverage } from './replay/coverage.ts';
import { describeShape, isJsonLines } from './replay/exports.ts';
import { runRuleOnExport } from './rule-runs.ts';
import { prestartExportScan, runQueryFile, type QueryRunResult } from './query-runs.ts';
import type { ResultRow } from './ir/evaluator.ts';
import { checkGeneratedQueriesInParallel, startCheckWorkers, storedChecksOf, type ParallelCheckOptions, type StoredChecks } from './parallel-checks.ts';
import { prefetchKqlAnalyses } from './kql/analysis-apart.ts';
import { customDetectionQueryToAnalyse } from './package/defender.ts';
import { detcCacheDir } from './cache-dir.ts';
import { ruleCheckCache, storedRuleChecks, type RuleCheckCache } from './check-cache.ts';
import { ruleKqlQueries, validateGeneratedQueries } from './query-validation.ts';
import { validateQueryFiles } from './query-files.ts';
import { connectionFromEnv } from './splunk-rest/client.ts';
import { askSplunkToParse } from './splunk-rest/search-parser.ts';
import { render, TARGETS, type TargetName } from './targets/index.ts';
import { registerPackageCommands } from './package/commands.ts';
import { DETC_VERSION } from './package/version.ts';

export const EXIT = { ok: 0, findings: 1, input: 2 } as const;


interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The content root `start` is in: the nearest folder upwards holding schemas/logsources, if any. */
export function findRoot(start = process.cwd()): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas', 'logsources'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

class UsageError extends Error {}

/** A file the command reads: a missing path or a folder is a usage error, not an internal one. */
function mustBeFile(path: string): void {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`no such file: ${path}`);
  if (!stat.isFile()) throw new UsageError(`not a file: ${path}`);
}

export async function main(argv: readonly string[], io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }): Promise<number> {
  let exitCode: number = EXIT.ok;
  const report = (diagnostics: readonly Diagnostic[]) => diagnostics.forEach((d) => io.err(`${formatDiagnostic(d)}\n`));
  /** The first 20 of many: a broken export can hold a bad record a line. */
  const reportSome = (diagnostics: readonly Diagnostic[]) => {
    report(diagnostics.slice(0, 20));
    if (diagnostics.length > 20) io.err(`… and ${diagnostics.length - 20} more\n`);
  };
  /**
   * The content folder: --root's, else the one the current folder is in. Commands that only read
   * content (run, show, validate) fall back to the content detc comes with, so that a shipped
   * hunt runs on an export from anywhere; the others need a content folder.
   */
  const root = (options: { orShipped?: boolean } = {}): string => {
    const given = program.opts<{ root?: string }>().root;
    const found = findRoot(given);
    if (found) return found;
    if (options.orShipped && given === undefined) return projectPath();
    throw new UsageError(`no content folder: neither ${resolve(given ?? '.')} nor a folder above it holds schemas/logsources/ (run detc inside a content folder, or pass --root <dir>)`);
  };
  /**
   * Loads the catalog and checks its rules (checkGeneratedQueriesInParallel with the cache of
   * rule checks); content large enough for worker threads has them start on the rule files
   * while this thread loads the catalog. `beforeChecks` runs on the loaded catalog before this
   * thread takes its share of the checks (the workers' checks run meanwhile).
   */
  const loadAndCheck = async <T = undefined>(paths: string[] | undefined, options: ParallelCheckOptions, beforeChecks?: (catalog: Catalog, cache: RuleCheckCache | undefined) => T, packaging = false) => {
    const files = findRuleFiles(root(), paths);
    const cache = ruleCheckCache(root());
    const withCache = { ...options, ...(cache ? { cache } : {}) };
    // Unless the cache may well hold every rule's check already (then workers would only load
    // rules to find them there), workers start now.
    const started = files.length && !(cache && storedRuleChecks(cache) >= files.length) ? startCheckWorkers(root(), files, withCache) : undefined;
    let catalog: Catalog;
    let before: T | undefined;
    let stored: StoredChecks | undefined;
    try {
      catalog = load(paths);
      stored = started ? undefined : storedChecksOf(catalog, withCache);
      // A rule or two changed, that this thread checks alone (the edit, then `detc test`, loop):
      // their queries (and custom detection queries, when packaging) are analysed ahead by Kusto
      // in a process from its V8 snapshot, instead of loading Kusto here.
      // (Not rendered past 8 rules: each has a query or two, so there would be more than 8.)
      const unchecked = started ? [] : catalog.rules.filter((_, i) => !stored?.checks[i]);
      const ahead = unchecked.length > PREFETCHED_QUERIES_AT_MOST ? [] : [...unchecked.flatMap((r) => ruleKqlQueries(r)), ...(packaging ? unchecked.flatMap((r) => customDetectionQueryToAnalyse(r) ?? []) : [])];
      if (ahead.length <= PREFETCHED_QUERIES_AT_MOST) await prefetchKqlAnalyses(ahead);
      before = beforeChecks?.(catalog, cache);
    } catch (e) {
      started?.stop();
      throw e;
    }
    const checked = await checkGeneratedQueriesInParallel(catalog, { ...withCache, ...(started ? { started } : {}), ...(stored ? { stored } : {}) });
    if (checked.fromCache) io.err(`${checked.fromCache} of ${catalog.rules.length} rules unchanged since their last check: their results come from the cache (DETC_NO_CACHE=1 checks every rule)\n`);
    return { catalog, ...checked, before: before as T };
  };
  /** Load the catalog; any error in the input ends the command with exit 2. */
  const load = (paths?: string[], from = root()): Catalog => {
    const catalog = loadCatalog(from, paths);
    report(catalog.diagnostics);
    if (hasErrors(catalog.diagnostics)) throw new InputError([]);
    return catalog;
  };

  const program = new Command('detc')
    .description('Detection rules in YAML → Splunk SPL, Defender XDR KQL, Sentinel KQL; validated and tested.')
    .version(DETC_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)')
    .option('--root <dir>', 'content folder (holds detections/, schemas/, samples/, dist/); default: found upwards from the current folder');

  program
    .command('show')
    .description('print the query a rule generates for one target')
    .argument('<rule>', 'rule name (e.g. pop-imap-password-spray) or path to its YAML file')
    .addOption(new Option('-t, --target <target>', 'target language').choices([...TARGETS]).makeOptionMandatory())
    .option('-p, --profile <profile>', "the log source's profile for that target (default: the log source's default)")
    .action((rule: string, options: { target: TargetName; profile?: string }) => {
      const from = root({ orShipped: true });
      const file = resolveRule(from, rule);
      if (!statSync(file).isFile()) throw new UsageError(`show takes one rule: ${rule} is a folder`);
      const catalog = load([file], from);
      const compiled = catalog.rules[0];
      if (!compiled) throw new UsageError(`rule '${rule}' not found`);
      io.out(`${render(compiled.query, options.target, options.profile).text}\n`);
    });

  program
    .command('build')
    .description('validate every rule, run its tests, and write dist/ (atomically: on any error dist/ is left as it was)')
    .option('--check', 'write nothing; fail (exit 1) if dist/ differs from what the build would write')
    .action(async (options: { check?: boolean }) => {
      const distPath = join(root(), 'dist');
      // A build stopped by force (Ctrl-C) left its staging folder, or (between the swap's two
      // renames) the old dist/ moved away: cleared, or put back, before anything else.
      for (const { folder, putBack } of clearAbandoned(distPath)) io.err(`${folder} was left by an interrupted build: ${putBack ? 'put back as dist/' : 'removed'}\n`);
      if (statSync(distPath, { throwIfNoEntry: false })?.isDirectory() === false) throw new UsageError(`${distPath} is not a folder: move it away, then build again`);
      // dist/'s files are made, and written into a staging folder by the writer thread, before
      // this thread checks its share of the rules: the disk works while the checks run. They
      // are swapped in only if every check passes.
      const writer = startFileWriter();
      try {
        const { catalog, diagnostics: invalid, outcomes, before: built } = await loadAndCheck(undefined, { writer }, (catalog, cache) => stageBuild(catalog, cache, options.check ? 'check' : 'write', writer), true);
        report(invalid);
        const failed = outcomes.filter((o) => o.failures.length);
        for (const f of failed) io.err(`${f.rule.file}: test '${f.test.name}' failed on ${f.target}: ${f.failures.join('; ')}\n`);
        if (failed.length || hasErrors(invalid)) return void (exitCode = EXIT.findings);
        if ('error' in built) {
          // The rules are valid but an artifact made from them is not (e.g. a Defender custom
          // detection query with Kusto diagnostics): a finding, like an invalid generated query.
          if (!(built.error instanceof InputError)) throw built.error;
          report(built.error.diagnostics);
          return void (exitCode = EXIT.findings);
        }
        const staged = await built.staged;
        if (staged.kind === 'failed') throw new Error(`cannot write ${distPath}: ${staged.error}`);
        if (staged.kind === 'stale') {
          staged.stale.forEach((s) => io.err(`dist/${s}\n`));
          if (staged.stale.length) {
            io.err(`dist/ is stale: run 'npx detc build' and commit dist/\n`);
            exitCode = EXIT.findings;
          } else io.out(`dist/ is up to date (${built.files} files)\n`);
          return;
        }
        if (staged.kind === 'up-to-date') return void io.out(`built ${catalog.rules.length} rules → dist/ (${built.files} files, all as they were: none rewritten)\n`);
        swapInDist(distPath, staged.staging);
        io.out(`built ${catalog.rules.length} rules → dist/ (${built.files} files)\n`);
      } finally {
        await writer.close();
        // Whatever stopped the build before the swap, nothing staged is left behind.
        rmSync(stagingFolder(distPath), { recursive: true, force: true });
      }
    });

  program
    .command('test')
    .description('replay every rule test on the reference evaluator and on each target (all rules, or the rules / folders given)')
    .argument('[rules...]', 'rule names, files or folders')
    .addOption(new Option('--reporter <reporter>', 'output format (junit: JUnit XML for CI servers; sarif: SARIF 2.1.0 for code scanning)').choices([...REPORTERS]).default('pretty'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('-t, --target <targets...>', 'limit the targets replayed (the reference always runs)').choices([...TARGETS]))
    .option('--coverage', 'also print which selections and having clauses the tests saw both true and false')
    .action(async (rules: string[], options: { reporter: ReporterName; output?: string; target?: TargetName[]; coverage?: boolean }) => {
      const startedAt = new Date();
      // Where the report goes is known before the tests run: a path it cannot go to is said now.
      if (options.output) {
        if (statSync(options.output, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--output ${options.output} is a folder: name the report's file`);
        if (!statSync(dirname(resolve(options.output)), { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--output ${options.output}: no folder ${dirname(resolve(options.output))}`);
      }
      const paths = rules.length ? rules.map((r) => resolveRule(root(), r)) : undefined;
      // Rules named that hold no rule file: a wrong path, not a pass (a CI step would go green).
      if (paths && findRuleFiles(root(), paths).length === 0) throw new UsageError(`no rule files (.yml) in ${rules.join(', ')}`);
      // The checks it makes are written on a thread of their own, when caches are on.
      const writer = detcCacheDir('rule-checks') ? startFileWriter() : undefined;
      let checked: Awaited<ReturnType<typeof loadAndCheck>>;
      try {
        checked = await loadAndCheck(paths, { ...(writer ? { writer } : {}), ...(options.target ? { targets: options.target } : {}) });
      } finally {
        await writer?.close();
      }
      const { catalog, diagnostics: invalid, outcomes } = checked;
      if (options.reporter === 'pretty') report(invalid);
      const text = formatReport(options.reporter, { outcomes, diagnostics: invalid, version: DETC_VERSION, startedAt });
      if (options.output) {
        try {
          writeFileSync(options.output, text);
        } catch (e) {
          throw new UsageError(`cannot write the report to ${options.output}: ${(e as Error).message}`);
        }
      } else io.out(text);
      const coverage = catalog.rules.map(ruleCoverage);
      if (options.coverage) (options.output || options.reporter === 'pretty' ? io.out : io.err)(formatCoverage(coverage));
      for (const c of coverage) {
        if (!c.hasNegativeTest) io.err(`${c.rule.file}: warning: no negative test (a test expecting no rows shows the rule stays quiet)\n`);
      }
      if (hasErrors(invalid) || outcomes.some((o) => o.failures.length)) exitCode = EXIT.findings;
    });

  program
    .command('run')
    .description("run a rule, or a .spl / .kql query, on an exported log (JSON Lines, a JSON array or CSV) and print the result")
    .argument('<rule>', 'rule name or file, or a .spl / .kql query file')
    .option('--table <name>', 'for .kql queries: the table the rows are (default: the first name in the query)')
    .requiredOption('-e, --events <file>', 'the export: Graph signIn JSON, Defender or Sentinel results (JSON/CSV), or canonical events')
    .option('--now <time>', 'the time the hunt runs at, ISO 8601 (default: one second after the latest event)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--skip-bad-lines', 'skip (and count) records that cannot be read, instead of failing')
    .addOption(new Option('-t, --target <target>', "for rules: run the generated query of one target on our engine for it, or of 'all' (each compared with the rule's meaning); default: the rule's meaning (reference evaluator)").choices([...TARGETS, 'all']))
    .action(async (ruleArg: string, options: { events: string; now?: string; table?: string; format: 'table' | 'json' | 'csv'; skipBadLines?: boolean; target?: TargetName | 'all' }) => {
      // After a record of a line-based export (JSON Lines, CSV) stopped the run: how to go past
      // such lines. (A JSON array that does not parse is one record: skipping it skips all.)
      const skipHint = () => {
        if (!options.skipBadLines && (/\.csv$/i.test(options.events) || isJsonLines(options.events))) io.err('(--skip-bad-lines skips, and counts, the records that cannot be read)\n');
      };
      if (/\.(spl|kql)$/i.test(ruleArg)) {
        if (options.target) throw new UsageError('--target applies to rules: a .spl or .kql file runs on the engine of its own language');
        mustBeFile(ruleArg);
        mustBeFile(options.events);
        const now = options.now ? Date.parse(options.now) : undefined;
        if (options.now && Number.isNaN(now)) throw new UsageError(`--now '${options.now}' is not an ISO 8601 time`);
        // The log sources (macros, tables) and the rules' names (their tuning macros) are all a
        // query file needs: loading and compiling every rule would cost ≈0.4 s for nothing.
        prestartExportScan(options.events);
        const from = root({ orShipped: true });
        const logsources = loadLogSources(join(from, 'schemas', 'logsources'));
        const ruleNames = findRuleFiles(from).map((f) => basename(f).replace(/\.ya?ml$/i, ''));
        const skipped: Diagnostic[] = [];
        let result: QueryRunResult;
        try {
          result = await runQueryFile(ruleArg, options.events, { now, table: options.table, logsources, ruleNames, skipBadLines: options.skipBadLines ?? false, report: (d) => skipped.push(d) });
        } catch (e) {
          if (!(e instanceof InputError) || !e.diagnostics.some((d) => d.file === options.events)) throw e;
          report(e.diagnostics);
          skipHint();
          throw new InputError([]);
        }
        reportSome(skipped);
        // Without --now the query's relative times (ago(1h), earliest=-1h) count back from the latest record: say from when.
        const at = options.now ? '' : `; it ran at ${isoTime(result.now)}, one second after the latest record (--now sets it)`;
        const unparsed = result.unparsed ? ` (${result.unparsed} lines not parsed: they hold none of the query's terms)` : '';
        io.err(`${result.read} events${unparsed}${result.skipped ? `, ${result.skipped} bad records skipped` : ''}; ${result.rows.length} rows${at}\n`);
        io.out(formatRows(result.rows as ResultRow[], result.columns, options.format));
        return;
      }
      const from = root({ orShipped: true });
      const catalog = load([resolveRule(from, ruleArg)], from);
      const rule = catalog.rules[0];
      if (!rule) throw new UsageError(`rule '${ruleArg}' not found`);
      mustBeFile(options.events);
      const now = options.now ? Date.parse(options.now) : undefined;
      if (options.now && Number.isNaN(now)) throw new UsageError(`--now '${options.now}' is not an ISO 8601 time`);
      const problems: Diagnostic[] = [];
      const engines = options.target ? replayEngines().filter((e) => options.target === 'all' || e.target === options.target) : [];
      const run = await runRuleOnExport(catalog, rule, options.events, { now, skipBadLines: options.skipBadLines ?? false, report: (d) => problems.push(d), engines });
      reportSome(problems);
      if (!run.reference) {
        skipHint();
        throw new InputError([]);
      }
      const unparsed = run.unparsed ? ` (${run.unparsed} lines not parsed: they hold none of the rule's terms)` : '';
      // The lookback window the rows come from: on an export of days, a 1-hour hunt sees its last hour only.
      const window = `${isoTime(run.now - rule.query.lookback * 1000)} – ${isoTime(run.now)}${options.now ? '' : ', ending one second after the latest event (--now sets the end)'}`;
      io.err(`${run.read} events read as ${describeShape(run.shape)}${unparsed}${run.skipped ? `, ${run.skipped} bad records skipped` : ''}; ${run.reference.length} rows in the window ${window}\n`);
      let rows = run.reference;
      for (const target of run.targets) {
        io.err(`${target.target}: ${target.rows.length} rows, ${target.disagreement ? `DISAGREES with the reference: ${target.disagreement}` : 'same rows as the reference'}\n`);
        if (target.disagreement) exitCode = EXIT.findings;
        if (options.target !== 'all') rows = target.rows;
      }
      io.out(formatRows(rows, rule.query.columns.map((c) => c.name), options.format));
    });

  program
    .command('validate')
    .description('check rule files (and their generated queries), or .kql / .spl query files; exit 1 on findings')
    .argument('<files...>', 'rule files or folders, .kql or .spl files')
    .addOption(new Option('-t, --target <target>', 'for .kql files: the tables to check against').choices(['defender', 'sentinel']))
    .option('--syntax-only', 'for .kql files: syntax only, no name or type binding')
    .option('--custom-command <names...>', 'for .spl files: app commands to accept (e.g. apply cyberchef)')
    .option('--insecure', "with SPLUNK_URL: do not verify the Splunk server's TLS certificate")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (files: string[], options: { target?: 'defender' | 'sentinel'; syntaxOnly?: boolean; customCommand?: string[]; insecure?: boolean; format: 'text' | 'json' }) => {
      const queryFiles = files.filter((f) => /\.(kql|spl)$/i.test(f));
      const ruleFiles = files.filter((f) => !queryFiles.includes(f));
      const diagnostics: Diagnostic[] = [];
      let checked = queryFiles.length;
      const from = root({ orShipped: true });
      const logsources = () => loadCatalog(from, []).logsources;
      diagnostics.push(...(await validateQueryFiles(queryFiles, { ...options, customCommands: options.customCommand, logsources })));
      // With SPLUNK_URL set, a real Splunk's search/parser gives its verdict beside ours.
      let splunk;
      try {
        splunk = connectionFromEnv(process.env, options.insecure ?? false);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (splunk) {
        for (const file of queryFiles.filter((f) => /\.spl$/i.test(f))) {
          let verdict;
          try {
            verdict = await askSplunkToParse(readFileSync(file, 'utf8'), splunk);
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
          if (verdict.ok) io.out(`${file}: Splunk (${splunk.url.origin}) accepts the search\n`);
          else diagnostics.push(error({ file, line: 1, col: 1 }, `Splunk (${splunk.url.origin}) rejects the search: ${verdict.message}`));
        }
      }
      if (ruleFiles.length) {
        const catalog = loadCatalog(from, ruleFiles.map((f) => resolve(f)));
        diagnostics.push(...catalog.diagnostics);
        if (!hasErrors(catalog.diagnostics)) diagnostics.push(...validateGeneratedQueries(catalog));
        checked += catalog.rules.length;
      }
      // A folder with nothing to check is a wrong path, not a pass (a CI step would go green).
      if (checked === 0 && diagnostics.length === 0) throw new UsageError(`no rule files (.yml) or query files (.kql, .spl) in ${files.join(', ')}`);
      if (options.format === 'json') io.out(`${JSON.stringify({ files: checked, diagnostics }, null, 2)}\n`);
      else {
        report(diagnostics);
        if (!hasErrors(diagnostics)) io.out(`${checked} file(s) valid\n`);
      }
      if (hasErrors(diagnostics)) exitCode = EXIT.findings;
    });

  program
    .command('new')
    .description('scaffold a rule with a fresh id, ready to edit')
    .argument('<name>', 'kebab-case rule name')
    .option('-d, --dir <dir>', 'folder under detections/', 'detections')
    .addOption(new Option('-k, --kind <kind>', 'rule kind').choices(['detection', 'hunt']).default('detection'))
    .option('-l, --logsource <logsource>', 'log source', 'entra_signin')
    .action((name: string, options: { dir: string; kind: 'detection' | 'hunt'; logsource: string }) => {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) throw new UsageError(`rule name '${name}' must be kebab-case (lower-case words joined by '-')`);
      const existing = findRuleFiles(root()).find((f) => basename(f).replace(/\.ya?ml$/, '') === name);
      if (existing) throw new UsageError(`a rule named '${name}' already exists: ${existing}`);
      const logsources = loadLogSources(join(root(), 'schemas', 'logsources'));
      const source = logsources.get(options.logsource);
      if (!source) throw new UsageError(`unknown log source '${options.logsource}' (have: ${[...logsources.keys()].join(', ')})`);
      const dir = resolve(root(), options.dir);
      // detc test and build find rules under detections/ only.
      if (!isWithin(join(root(), 'detections'), dir)) throw new UsageError(`--dir ${options.dir} is not under ${join(root(), 'detections')}, where detc test and build find rules (e.g. --dir detections/spray)`);
      if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) throw new UsageError(`--dir ${options.dir} is a file, not a folder`);
      const file = join(dir, `${name}.yml`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, scaffold(name, options.kind, source), { flag: 'wx' });
      io.out(`created ${file}\nnext: edit it, then run 'npx detc test ${name}'\n`);
    });

  registerPackageCommands(program, { root, load: () => load(), io, setExit: (code) => void (exitCode = code) });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, successfully.
      return e.exitCode === 0 ? EXIT.ok : EXIT.input;
    }
    if (e instanceof InputError) {
      report(e.diagnostics);
      return EXIT.input;
    }
    if (e instanceof UsageError) {
      io.err(`detc: ${e.message}\n`);
      return EXIT.input;
    }
    io.err(`detc: internal error: ${(e as Error).message}\n${process.env.DETC_DEBUG ? `${(e as Error).stack}\n` : 'set DETC_DEBUG=1 for a stack trace\n'}`);
    return 70;
  }
}

/**
 * What `detc build` writes, made from the loaded catalog (custom detection analyses through the
 * cache of checks) and staged by the writer thread; or the error making it raised, which the
 * build reports only if every check passes (a rule that fails its checks may not package).
 */
function stageBuild(catalog: Catalog, cache: RuleCheckCache | undefined, mode: 'write' | 'check', writer: FileWriter): { files: number; staged: Promise<StagedDist> } | { error: unknown } {
  let files: Map<string, string>;
  try {
    files = buildDistFiles(catalog, DETC_VERSION, cache ? { cache, sink: writer } : {});
  } catch (error) {
    return { error };
  }
  return { files: files.size, staged: writer.stageDist({ distDir: join(catalog.root, 'dist'), files, mode }) };
}

/**
 * Up to this many queries, a process from the Kusto snapshot analysing them ahead saves the
 * ≈ 0.5 s of loading Kusto (bundled content, one rule changed, five interleaved pairs:
 * `detc test` 0.85 → 0.70 s). Past about ten, not: each analysis runs cold (≈ 45 ms, there as
 * here), and Kusto loaded here compiles on V8's background threads while the checks run (all
 * nine bundled rules' 23 queries, four pairs: 1.65 s here, 1.76 s ahead).
 */
const PREFETCHED_QUERIES_AT_MOST = 8;

/** An ISO 8601 UTC time, without milliseconds when there are none. */
const isoTime = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A spreadsheet opening a CSV runs a cell that starts with =, +, -, @ (or a tab, CR or NUL) as a
 * formula: a user name an attacker typed into a sign-in page would run on the analyst's machine
 * (OWASP, CSV Injection). Such a text starts with ', which spreadsheets read as "this is text";
 * a number, or a text that is a plain number (`-5`), is not a formula and is left as it is.
 */
export function defuseFormula(text: string): string {
  return /^[=+\-@\t\r\0]/.test(text) && !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? `'${text}` : text;
}

function formatRows(rows: readonly ResultRow[], columns: readonly string[], format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const cell = (v: ResultRow[string] | undefined) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));
  if (format === 'csv') {
    const quote = (t: string) => (/[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
    const text = (v: ResultRow[string] | undefined) => (typeof v === 'number' ? String(v) : defuseFormula(cell(v)));
    return `${[columns.map((c) => quote(defuseFormula(c))).join(','), ...rows.map((r) => columns.map((c) => quote(text(r[c]))).join(','))].join('\n')}\n`;
  }
  // A table is for a terminal: a field's control characters (an attacker's log line may hold ESC) are shown, not sent.
  const shown = (v: ResultRow[string] | undefined) => printable(cell(v), { newlines: false });
  const heads = columns.map((c) => printable(c, { newlines: false }));
  const widths = heads.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => shown(r[columns[i]!]).length))));
  const line = (values: string[]) => values.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(heads), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => shown(r[c]))))].join('\n')}\n`;
}

/** A rule argument: a path to a file or folder, or a rule name found under detections/. */
function resolveRule(root: string, arg: string): string {
  if (existsSync(arg)) return resolve(arg);
  const match = findRuleFiles(root).find((f) => basename(f).replace(/\.ya?ml$/, '') === arg);
  if (!match) throw new UsageError(`no rule named '${arg}' under detections/ (and no such file)`);
  return match;
}

/** A value of each canonical type for a scaffold's test events. */
const SAMPLE_VALUES: Record<CanonicalType, unknown> = { string: 'example', int: 1, real: 1.5, bool: true, datetime: '2026-07-01T09:30:00Z', ip: '10.0.0.1', namevalue: {} };

/**
 * A new rule on `source` whose two tests pass as written: on a sign-in log, IMAP4/POP3 sign-ins
 * counted per user; on any other, its first string field (required ones first) selected and
 * counted, with every required field in the test events.
 */
function scaffold(name: string, kind: 'detection' | 'hunt', source: LogSource): string {
  const title = name.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  const strings = [...source.fields.values()].filter((f) => f.type === 'string').sort((a, b) => Number(b.required) - Number(a.required));
  const legacy = source.fields.get('client_app')?.type === 'string' && source.fields.get('user')?.type === 'string';
  const field = legacy ? 'client_app' : strings[0]?.name;
  if (!field) throw new UsageError(`log source ${source.name} has no string field to scaffold a selection on: write the rule by hand`);
  const by = legacy ? 'user' : field;
  const event = (value: string) => {
    const fields: Record<string, unknown> = { timestamp: '2026-07-01T09:30:00Z' };
    for (const f of source.fields.values()) if (f.required && !(f.name in fields)) fields[f.name] = SAMPLE_VALUES[f.type];
    if (legacy) Object.assign(fields, { user: 'someone@contoso.com', result_code: 0 });
    fields[field] = value;
    return `{ ${Object.entries(fields).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }`;
  };
  const [wanted, other] = legacy ? ['IMAP4', 'Browser'] : ['example', 'other'];
  const byValue = legacy ? 'someone@contoso.com' : wanted;
  return `id: ${randomUUID()}
name: ${name}
title: ${title}
kind: ${kind}
status: experimental
severity: ${kind === 'hunt' ? 'informational' : 'medium'}
version: 1
description: >-
  What this finds, why it matters, and what the analyst does when it fires.
attack: []
references: []
falsepositives: []
logsource: ${source.name}
lookback: 1h
${kind === 'detection' ? 'schedule: 1h\n' : ''}match:
  selection:
    ${field}: ${legacy ? '[IMAP4, POP3]' : wanted}
  condition: selection
summarize:
  by: [${by}]
  compute:
    events: count()
tests:
  - name: a matching event is reported
    now: 2026-07-01T10:00:00Z
    events:
      - ${event(wanted)}
    expect: { rows: 1, include: [{ ${by}: ${JSON.stringify(byValue)}, events: 1 }] }
  - name: other events are not
    now: 2026-07-01T10:00:00Z
    events:
      - ${event(other)}
    expect: { rows: 0 }
`;
}
