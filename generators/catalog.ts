// Everything the CLI works on, loaded and checked in one place: log sources, rules (parsed,
// schema-checked, compiled to IR), and each rule test's fixture events. Problems from every
// file are collected so one run reports them all.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isWithin } from './paths.ts';
import { error, hasErrors, type Diagnostic } from './diagnostics.ts';
import { buildQuery } from './ir/build.ts';
import type { Query } from './ir/types.ts';
import { loadLogSources } from './logsources/loader.ts';
import type { LogSource } from './logsources/types.ts';
import { checkEvent, loadFixtureFile, type CanonicalEvent } from './rules/fixtures.ts';
import { loadRuleFile } from './rules/loader.ts';
import type { RuleDocument, RuleSource, RuleTestDocument } from './rules/types.ts';

export interface RuleTest {
  readonly name: string;
  readonly events: readonly CanonicalEvent[];
  /** Epoch ms; defaults to one second after the latest event. */
  readonly now: number;
  readonly expect: RuleTestDocument['expect'];
  readonly index: number;
}

export interface CompiledRule {
  readonly file: string;
  readonly source: RuleSource;
  readonly document: RuleDocument;
  readonly query: Query;
  readonly tests: readonly RuleTest[];
}

export interface Catalog {
  readonly root: string;
  readonly logsources: ReadonlyMap<string, LogSource>;
  readonly rules: readonly CompiledRule[];
  readonly diagnostics: readonly Diagnostic[];
}

export const RULES_DIR = 'detections';

/** Rule files under `detections/` (or the given files/folders), sorted for determinism. */
export function findRuleFiles(root: string, paths: readonly string[] = [RULES_DIR]): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) readdirSync(path).sort().forEach((entry) => walk(join(path, entry)));
    else if (/\.ya?ml$/.test(path)) found.push(path);
  };
  for (const p of paths) {
    const absolute = resolve(root, p);
    if (existsSync(absolute)) walk(absolute);
  }
  return [...new Set(found)].sort();
}

const shown = (root: string, absolute: string) => relative(root, absolute).split(sep).join('/');

export function loadCatalog(root: string, paths?: readonly string[]): Catalog {
  const diagnostics: Diagnostic[] = [];
  const logsources = loadLogSources(join(root, 'schemas', 'logsources'));
  const rules: CompiledRule[] = [];
  const byId = new Map<string, string>();
  const byName = new Map<string, string>();
  if (paths) {
    for (const p of paths) if (!existsSync(resolve(root, p))) diagnostics.push(error({ file: p, line: 0, col: 0 }, 'no such file or folder'));
  }
  // Duplicate ids and names are checked across the whole content, whatever was asked for.
  const all = findRuleFiles(root);
  const wanted = new Set(paths ? findRuleFiles(root, paths) : all);
  for (const absolute of [...new Set([...all, ...wanted])].sort()) {
    const file = shown(root, absolute);
    const loaded = loadRuleFile(absolute, file);
    if (!wanted.has(absolute)) {
      if (loaded.rule) (byId.set(loaded.rule.document.id, file), byName.set(loaded.rule.document.name, file));
      continue;
    }
    diagnostics.push(...loaded.diagnostics);
    if (!loaded.rule) continue;
    const rule = loaded.rule;
    const { id, name } = rule.document;
    const clashId = byId.get(id);
    if (clashId) diagnostics.push(error(rule.yaml.locate(['id']), `duplicate id: ${clashId} has the same id`));
    const clashName = byName.get(name);
    if (clashName) diagnostics.push(error(rule.yaml.locate(['name']), `duplicate name: ${clashName} has the same name`));
    byId.set(id, file);
    byName.set(name, file);
    const compiled = compileRule(root, file, rule, logsources, diagnostics);
    if (compiled) rules.push(compiled);
  }
  return { root, logsources, rules, diagnostics };
}

/**
 * One rule file as loadCatalog compiles it (query and tests), without the checks across files
 * (duplicate ids and names): for a worker thread given rules the caller loaded already.
 */
export function loadCompiledRule(root: string, absolute: string, logsources: ReadonlyMap<string, LogSource>, diagnostics: Diagnostic[]): CompiledRule | undefined {
  const file = shown(root, absolute);
  const loaded = loadRuleFile(absolute, file);
  diagnostics.push(...loaded.diagnostics);
  return loaded.rule && compileRule(root, file, loaded.rule, logsources, diagnostics);
}

function compileRule(root: string, file: string, rule: RuleSource, logsources: ReadonlyMap<string, LogSource>, diagnostics: Diagnostic[]): CompiledRule | undefined {
  const built = buildQuery(rule, logsources);
  diagnostics.push(...built.diagnostics);
  if (!built.query) return undefined;
  const tests = loadTests(root, rule, built.query.logsource, diagnostics);
  return { file, source: rule, document: rule.document, query: built.query, tests };
}

/**
 * Where a test's fixture file is: `events` resolved from the content root, if it stays inside it
 * (no absolute path, no `..` out of it, no symbolic link out of it); undefined otherwise. A file
 * that does not exist is inside as far as its path goes (loadFixtureFile reports it missing).
 */
function fixturePath(root: string, events: string): string | undefined {
  const path = resolve(root, events);
  if (isAbsolute(events) || !isWithin(root, path)) return undefined;
  if (!existsSync(path)) return path;
  return isWithin(realpathSync(root), realpathSync(path)) ? path : undefined;
}

function loadTests(root: string, rule: RuleSource, logsource: LogSource, diagnostics: Diagnostic[]): RuleTest[] {
  return rule.document.tests.map((test, index) => {
    let events: CanonicalEvent[] = [];
    if (typeof test.events === 'string') {
      const path = fixturePath(root, test.events);
      if (path === undefined) {
        // Rule files are untrusted (a pull request's): a test reads nothing outside the content.
        diagnostics.push(error(rule.yaml.locate(['tests', index, 'events']), `${test.events}: a fixture file is a path inside the content folder, from its root (e.g. samples/${logsource.name}/scenario.jsonl)`));
      } else {
        const loaded = loadFixtureFile(path, test.events, logsource);
        diagnostics.push(...loaded.diagnostics.map((d) => (d.line === 0 ? { ...d, ...rule.yaml.locate(['tests', index, 'events']), message: `${test.events}: ${d.message}` } : d)));
        events = loaded.events;
      }
    } else {
      test.events.forEach((raw, i) => {
        const checked = checkEvent(raw, logsource, (message) => diagnostics.push(error(rule.yaml.locate(['tests', index, 'events', i]), message)));
        if (checked) events.push(checked);
      });
    }
    const latest = events.reduce((m, e) => Math.max(m, typeof e.timestamp === 'number' ? e.timestamp : 0), 0);
    const now = test.now ? Date.parse(test.now) : latest + 1000;
    const columns = new Set(ruleColumns(rule.document));
    for (const kind of ['include', 'exclude', 'equals'] as const) {
      test.expect[kind]?.forEach((row, r) => {
        for (const key of Object.keys(row)) {
          if (!columns.has(key)) diagnostics.push(error(rule.yaml.locate(['tests', index, 'expect', kind, r, key], { key: true }), `'${key}' is not an output column of this rule (columns: ${[...columns].join(', ')})`));
        }
      });
    }
    return { name: test.name, events, now, expect: test.expect, index };
  });
}

function ruleColumns(doc: RuleDocument): string[] {
  if (!doc.summarize) return [...(doc.fields ?? [])];
  return [...(doc.summarize.by ?? []), ...(doc.summarize.window ? ['window'] : []), ...Object.keys(doc.summarize.compute)];
}

export { hasErrors };
