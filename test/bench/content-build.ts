// Issue 9, workload 2: the content build at scale. 1,000 rules are generated from the shapes of
// the bundled rules (three log sources; filters with lists, wildcards, regexes, CIDRs and entry
// tests; per-event tables, aggregations over bins, conditional aggregates, having), each with
// its tests and fixtures, into a temporary content folder. Timed in phases in this process, then
// end to end through the CLI as a user runs it; the bundled content's own `detc test` and
// `detc build` are timed too.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildDistFiles } from '../../generators/build.ts';
import { findRuleFiles, loadCatalog } from '../../generators/catalog.ts';
import { writeDist } from '../../generators/dist-writer.ts';
import { kusto } from '../../generators/kql/language-service.ts';
import { projectPath } from '../../generators/paths.ts';
import { validateGeneratedQueries } from '../../generators/query-validation.ts';
import { replayEngines } from '../../generators/replay/engines.ts';
import { replayCatalog } from '../../generators/replay/harness.ts';

const RULES = 1000;

/** A deterministic UUID (v4 layout) for synthetic rule n. */
function syntheticId(n: number): string {
  const hex = (n * 2654435761 >>> 0).toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** Content folder with `count` rules made from the bundled rules, renamed and re-identified. */
export function writeSyntheticContent(count: number): string {
  const root = mkdtempSync(join(tmpdir(), 'detc-bench-content-'));
  cpSync(projectPath('schemas'), join(root, 'schemas'), { recursive: true });
  cpSync(projectPath('samples'), join(root, 'samples'), { recursive: true });
  const templates = findRuleFiles(projectPath()).map((file) => ({ name: basename(file).replace(/\.ya?ml$/, ''), text: readFileSync(file, 'utf8') }));
  mkdirSync(join(root, 'detections', 'synthetic'), { recursive: true });
  for (let n = 0; n < count; n++) {
    const template = templates[n % templates.length]!;
    const name = `${template.name}-${String(n).padStart(4, '0')}`;
    const text = template.text
      .replace(/^id: .*$/m, `id: ${syntheticId(n)}`)
      .replace(/^name: .*$/m, `name: ${name}`)
      .replace(/^title: (.*)$/m, (_, title: string) => `title: ${JSON.stringify(`${title.replace(/^["']|["']$/g, '')} (synthetic ${n})`)}`)
      // A distinct row cap per rule (above any fixture's rows) so no two rules share query text.
      .replace(/^limit: .*\n/m, '')
      .replace(/\n*$/, `\nlimit: ${5000 + n}\n`);
    writeFileSync(join(root, 'detections', 'synthetic', `${name}.yml`), text);
  }
  return root;
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

/** Wall time of one `detc` command in a fresh process (what a user or CI waits for). */
function cli(root: string, ...args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, [projectPath('bin/detc.js'), '--root', root, ...args], { stdio: 'pipe' });
  return performance.now() - started;
}

export function benchContentBuild(): Record<string, string> {
  const root = writeSyntheticContent(RULES);
  const bundled = mkdtempSync(join(tmpdir(), 'detc-bench-bundled-'));
  for (const dir of ['schemas', 'samples', 'detections']) cpSync(projectPath(dir), join(bundled, dir), { recursive: true });
  try {
    const load = timed(() => kusto());
    const catalog = timed(() => loadCatalog(root));
    if (catalog.value.diagnostics.length) throw new Error(`synthetic content does not load: ${catalog.value.diagnostics[0]!.message}`);
    const rules = catalog.value.rules.length;
    const tests = catalog.value.rules.reduce((n, r) => n + r.tests.length, 0);
    const validate = timed(() => validateGeneratedQueries(catalog.value));
    const replay = timed(() => replayCatalog(catalog.value, { engines: replayEngines() }));
    const failed = replay.value.filter((o) => o.failures.length).length;
    const build = timed(() => buildDistFiles(catalog.value));
    const write = timed(() => writeDist(join(root, 'dist'), build.value));
    const total = load.ms + catalog.ms + validate.ms + replay.ms + build.ms + write.ms;
    const perRule = (ms: number) => `${(ms / rules).toFixed(2)} ms/rule`;

    const cliBuild = cli(root, 'build');
    const bundledTest = cli(bundled, 'test');
    const bundledBuild = cli(bundled, 'build');
    return {
      'synthetic content': `${rules} rules, ${tests} tests, ${replay.value.length} replays (${failed} failed)`,
      'Kusto language service load': `${load.ms.toFixed(0)} ms`,
      'load (YAML, schema, IR)': `${catalog.ms.toFixed(0)} ms (${perRule(catalog.ms)})`,
      'validate (Kusto + SPL)': `${validate.ms.toFixed(0)} ms (${perRule(validate.ms)}; ${validate.value.length} diagnostics)`,
      'replay (reference + 3 targets)': `${replay.ms.toFixed(0)} ms (${perRule(replay.ms)})`,
      'render + package artifacts': `${build.ms.toFixed(0)} ms (${perRule(build.ms)}; ${build.value.size} files)`,
      'write dist/': `${write.ms.toFixed(0)} ms`,
      'total in process': `${(total / 1000).toFixed(1)} s (${perRule(total)}), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
      'detc build, 1,000 rules (CLI)': `${(cliBuild / 1000).toFixed(1)} s`,
      'detc test, bundled content (CLI)': `${(bundledTest / 1000).toFixed(1)} s`,
      'detc build, bundled content (CLI)': `${(bundledBuild / 1000).toFixed(1)} s`,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(bundled, { recursive: true, force: true });
  }
}
