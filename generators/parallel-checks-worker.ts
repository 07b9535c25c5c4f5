// A worker thread of checkGeneratedQueriesInParallel (parallel-checks.ts): takes whichever rule
// is next, loads and checks it, until none is left, and sends back what it found.
import { parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { loadCompiledRule } from './catalog.ts';
import { hasErrors, type Diagnostic } from './diagnostics.ts';
import { loadLogSources } from './logsources/loader.ts';
import type { CheckWorkerData, CheckWorkerReport, SentRuleCheck } from './parallel-checks.ts';
import { checkRule, portableRuleCheck } from './query-validation.ts';
import { replayEngines } from './replay/engines.ts';

const data = workerData as CheckWorkerData;
const checks: SentRuleCheck[] = [];
let error: string | undefined;
try {
  // Each rule is loaded when this worker takes it, not all up front: the caller has loaded and
  // checked them all already (so any problem here is unexpected: this worker stops and the
  // caller checks what is left).
  const logsources = loadLogSources(join(data.root, 'schemas', 'logsources'));
  const next = new Int32Array(data.next);
  const replay = { engines: replayEngines(), ...(data.targets ? { targets: data.targets } : {}), packaging: data.packaging === true };
  const macros = new Map(data.macros);
  for (let i = Atomics.add(next, 0, 1); i < data.files.length; i = Atomics.add(next, 0, 1)) {
    const diagnostics: Diagnostic[] = [];
    const rule = loadCompiledRule(data.root, data.files[i]!, logsources, diagnostics);
    if (!rule || hasErrors(diagnostics)) throw new Error(`${data.files[i]} did not load as it did for the caller`);
    checks.push({ index: i, ...portableRuleCheck(rule, checkRule(rule, replay, macros)) });
  }
} catch (e) {
  error = (e as Error).message;
}
parentPort!.postMessage({ checks, ...(error ? { error } : {}) } satisfies CheckWorkerReport);
