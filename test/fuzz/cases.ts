// A fuzz case as a rule file: the generated rule document completed with the fields every rule
// has, and one inline test holding the events. The fuzzer compiles it with the real loader and
// builder; a counterexample is written as such a file under test/fuzz/regressions/, which
// `loadCatalog(root, ['test/fuzz/regressions'])` (and `npx detc test test/fuzz/regressions`) read.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { loadCatalog, type CompiledRule } from '../../generators/catalog.ts';
import { buildQuery } from '../../generators/ir/build.ts';
import type { ResultRow } from '../../generators/ir/evaluator.ts';
import type { LogSource } from '../../generators/logsources/types.ts';
import { checkEvent, type CanonicalEvent } from '../../generators/rules/fixtures.ts';
import { parseRuleText } from '../../generators/rules/loader.ts';
import type { Query } from '../../generators/ir/types.ts';
import type { FuzzCase } from './arbitraries.ts';

export const REGRESSIONS_DIR = 'test/fuzz/regressions';

/** The whole rule document of a case, named `name`, its test expecting `expect`. */
export function ruleFile(source: LogSource, c: FuzzCase, name: string, expect: Record<string, unknown> = { rows: 0 }): Record<string, unknown> {
  const hash = createHash('sha256').update(name).digest('hex');
  return {
    id: `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`,
    name,
    title: 'Fuzz case',
    kind: 'hunt',
    status: 'experimental',
    severity: 'informational',
    version: 1,
    description: 'A rule the differential fuzzer generated (test/fuzz).',
    attack: [],
    logsource: source.name,
    ...c.rule,
    tests: [{ name: 'every target returns the reference rows', events: c.events, now: new Date(c.now).toISOString(), expect }],
  };
}

export interface CompiledCase {
  readonly query: Query;
  readonly events: CanonicalEvent[];
  readonly now: number;
  readonly yaml: string;
}

/** Compiles a case through the rule loader and builder; a problem is a generator bug: thrown. */
export function compileCase(source: LogSource, logsources: ReadonlyMap<string, LogSource>, c: FuzzCase): CompiledCase {
  const yaml = stringify(ruleFile(source, c, 'fuzz-case'));
  const parsed = parseRuleText(yaml, 'fuzz-case.yml');
  if (!parsed.rule) throw new Error(`the fuzzer generated a rule the loader refuses: ${parsed.diagnostics.map((d) => d.message).join('; ')}\n${yaml}`);
  const built = buildQuery(parsed.rule, logsources);
  if (!built.query) throw new Error(`the fuzzer generated a rule the builder refuses: ${built.diagnostics.map((d) => d.message).join('; ')}\n${yaml}`);
  const events = c.events.map((raw) => {
    const problems: string[] = [];
    const e = checkEvent(raw, source, (m) => problems.push(m));
    if (!e) throw new Error(`the fuzzer generated a bad event: ${problems.join('; ')}`);
    return e;
  });
  return { query: built.query, events, now: c.now, yaml };
}

/** A counterexample as a ready-to-commit rule file; its name is the hash of its content. */
export function regressionFile(source: LogSource, c: FuzzCase, reference: readonly ResultRow[], found: string, name = `fuzz-${createHash('sha256').update(JSON.stringify([source.name, c])).digest('hex').slice(0, 12)}`): { name: string; text: string } {
  const header = [
    '# Found by the differential fuzzer (npm run fuzz), shrunk. Every target, on every profile that',
    '# maps the rule\'s fields, must return the rows `expect.equals` holds: the reference evaluator\'s',
    '# when the file was written (if the reference was the one that was wrong, correct them with its fix).',
    ...found.split('\n').map((l) => `# ${l}`.trimEnd()),
  ].join('\n');
  return { name, text: `${header}\n${stringify(ruleFile(source, c, name, { equals: reference, rows: reference.length }))}` };
}

/** The regression rules (test/fuzz/regressions/*.yml) compiled like content. */
export function loadRegressions(root: string): { rules: readonly CompiledRule[]; problems: readonly string[] } {
  const catalog = loadCatalog(root, [REGRESSIONS_DIR]);
  return { rules: catalog.rules, problems: catalog.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`) };
}
