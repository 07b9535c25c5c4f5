// A worker thread of checkGeneratedQueriesInParallel (parallel-checks.ts): takes whichever rule
// is next, loads and checks it, until none is left, and sends back what it found.
import { parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { loadCompiledRule } from './catalog.ts';
import { readRuleCheck, ruleCheckKey, storeRuleCheck } from './check-cache.ts';
import { keepThrough } from './file-writer.ts';
import { hasErrors, type Diagnostic } from './diagnostics.ts';
import { loadLogSources } from './logsources/loader.ts';
import type { CheckWorkerData, CheckWorkerReport, SentRuleCheck } from './parallel-checks.ts';
import { checkRule, portableRuleCheck } from './query-validation.ts';
import { replayEngines } from './replay/engines.ts';
import { replayMacros } from './replay/harness.ts';
import { takeYamlDataFrom } from './rules/yaml-data-cache.ts';
import { yamlTextsParsed } from './rules/yaml-document.ts';

const data = workerData as CheckWorkerData;
// The YAML the caller parses (loading the catalog meanwhile) is not parsed again here.
if (data.yamlData) takeYamlDataFrom(data.yamlData);

// The checks this worker makes are written by the writer thread when there is one.
const sink = data.writes && keepThrough(data.writes);
const checks: SentRuleCheck[] = [];
let error: string | undefined;
try {
  // Each rule is loaded when this worker takes it, not all up front: the caller loads and checks
  // them all too, maybe at the same time (so a rule that does not load here stops this worker,
  // and the caller, which reports the problem or checks what is left, decides).
  const logsources = loadLogSources(join(data.root, 'schemas', 'logsources'));
  const next = new Int32Array(data.next);
  const replay = { engines: replayEngines(), ...(data.targets ? { targets: data.targets } : {}) };
  const count = data.pending ? data.pending.length : data.files.length;
  for (let k = Atomics.add(next, 0, 1); k < count; k = Atomics.add(next, 0, 1)) {
    const i = data.pending ? data.pending[k]! : k;
    const diagnostics: Diagnostic[] = [];
    const rule = loadCompiledRule(data.root, data.files[i]!, logsources, diagnostics);
    if (!rule || hasErrors(diagnostics)) throw new Error(`${data.files[i]} did not load`);
    const key = data.cache && ruleCheckKey(data.cache, rule, replay);
    if (data.cache && key && readRuleCheck(data.cache, key)) continue; // the caller reads it
    // The Splunk macros replay defines for this rule: the log sources' and its own tuning macro,
    // all its queries can name (the caller defines every rule's: the same for this rule).
    const macros = replayMacros({ logsources, rules: [rule] });
    const check = portableRuleCheck(rule, checkRule(rule, replay, macros));
    if (data.cache && key) storeRuleCheck(data.cache, key, check, sink);
    checks.push({ index: i, ...check });
  }
} catch (e) {
  error = (e as Error).message;
} finally {
  sink?.end();
}
parentPort!.postMessage({ checks, yamlParsed: yamlTextsParsed(), ...(error ? { error } : {}) } satisfies CheckWorkerReport);
