// Corpus coverage of the SPL engine: how much of splunk/security_content it can run.
//
//   npx tsx test/conformance/spl-corpus-coverage.ts [--list-failures]
//
// With the corpus macros expanded (test/corpus/spl-security-content-macros.jsonl), every search
// of test/corpus/spl-security-content.jsonl that does not use tstats, datamodel, mstats or an
// inputlookup (we have none of its lookups) runs on a small synthetic event set built for it:
// three events whose fields satisfy the base search's top-level conditions, so the rest of
// the pipeline sees rows. Lookups the searches name are given as tables with the columns the
// search uses (no rows). Detection filter macros (`<name>_filter`), which security_content
// ships as `search *`, are defined that way. Prints the share that runs without
// `unsupported`, the top unsupported features, and any other error.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command, Pipeline, SearchExpr } from '../../generators/spl/ast.ts';
import { descendants } from '../../generators/spl/ast.ts';
import { expandMacros, MacroTable } from '../../generators/spl/macros.ts';
import { parseSpl } from '../../generators/spl/parser.ts';
import { runSpl, SplRunError, SplUnsupportedError } from '../../generators/spl/engine/index.ts';

const CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url));
const readJsonl = <T>(file: string): T[] =>
  readFileSync(CORPUS + file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);

interface CorpusSearch { readonly id: string; readonly name: string; readonly search: string }
interface CorpusMacro { readonly name: string; readonly arguments: readonly string[] | null; readonly definition: string }

const NOW = Date.parse('2026-07-01T12:00:00Z');
const OUT_OF_SCOPE = new Set(['tstats', 'mstats', 'datamodel']);

function commandsOf(p: Pipeline): Command[] {
  return [...descendants(p)].filter((n): n is Command => 'tail' in n && 'comments' in n);
}

/** Values that satisfy a base-search condition (top-level AND; the first branch of an OR). */
function satisfy(expr: SearchExpr | null, fields: Map<string, string | number>, terms: string[]): void {
  if (expr === null) return;
  switch (expr.kind) {
    case 'searchAnd': expr.operands.forEach((o) => satisfy(o, fields, terms)); break;
    case 'searchOr': satisfy(expr.operands[0] ?? null, fields, terms); break;
    case 'searchGroup': satisfy(expr.expr, fields, terms); break;
    case 'searchComparison': {
      if (expr.value.kind === 'macro') break;
      const raw = expr.value.kind === 'literal' ? expr.value.value : expr.value.term.value;
      const value = /^[0-9a-f:.]+\/\d+$/i.test(raw) ? raw.replace(/\/\d+$/, '') : raw.replace(/\*/g, 'x');
      const n = Number(value);
      switch (expr.op) {
        case '=': case '==': fields.set(expr.field.name, value === '' ? 'x' : value); break;
        case '!=': fields.set(expr.field.name, `not-${value}`); break;
        case '>': case '>=': fields.set(expr.field.name, Number.isNaN(n) ? `${value}z` : n + 1); break;
        case '<': case '<=': fields.set(expr.field.name, Number.isNaN(n) ? '' : n - 1); break;
      }
      break;
    }
    case 'searchIn': {
      const first = expr.values[0];
      if (first && first.kind === 'literal') fields.set(expr.field.name, first.value.replace(/\*/g, 'x'));
      break;
    }
    case 'searchTerm': terms.push(expr.term.value.replace(/\*/g, 'x')); break;
    default: break;
  }
}

/** Three events for a search: its base conditions met, every other field it names present. */
function eventsFor(ast: Pipeline): Record<string, unknown>[] {
  const base = new Map<string, string | number>();
  const terms: string[] = [];
  const first = ast.commands[0];
  if (first?.kind === 'search') satisfy(first.query, base, terms);
  const named = new Set<string>();
  for (const n of descendants(ast)) {
    if (n.kind === 'field' && n.name !== '' && !n.name.includes('*') && !n.name.startsWith('_')) named.add(n.name);
    if (n.kind === 'searchComparison' || n.kind === 'searchIn') named.add(n.field.name);
  }
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 3; i++) {
    const e: Record<string, unknown> = {};
    for (const name of named) e[name] = /count|total|num|size|bytes|port|id$|code/i.test(name) ? 10 + i : `${name.replace(/\W+/g, '_')}_${i % 2}`;
    for (const [k, v] of base) e[k] = v;
    e._time = NOW / 1000 - 600 * (i + 1);
    e._raw = `${JSON.stringify(e)} ${terms.join(' ')}`;
    events.push(e);
  }
  return events;
}

/** The lookups a search names, as empty tables with the columns it uses. */
function lookupsFor(ast: Pipeline): Record<string, Record<string, string>[]> {
  const tables: Record<string, Record<string, string>[]> = {};
  for (const n of descendants(ast)) {
    if (n.kind !== 'lookup' || n.table.kind !== 'literal') continue;
    // The table's columns are those the search names; one row that matches nothing carries them.
    const row = tables[n.table.value]?.[0] ?? {};
    for (const f of [...n.inputs, ...(n.output?.fields ?? [])]) row[f.field.name] = `no-match-${f.field.name}`;
    tables[n.table.value] = [row];
  }
  return tables;
}

const feature = (e: SplUnsupportedError): string => e.feature.replace(/\s*\(.*$/, '').replace(/ of the multivalue field \S+/, ' of a multivalue field');

export function measure(): { eligible: number; ok: number; unsupported: Map<string, string[]>; errors: Map<string, string[]>; excluded: Record<string, number> } {
  const searches = readJsonl<CorpusSearch>('spl-security-content.jsonl');
  const corpusMacros = readJsonl<CorpusMacro>('spl-security-content-macros.jsonl');
  const definitions = corpusMacros.map((m) => ({ name: m.name, args: m.arguments ?? [], definition: m.definition }));
  // security_content ships each detection's `<name>_filter` macro as `search *`.
  const filterNames = new Set<string>();
  for (const s of searches) for (const m of s.search.matchAll(/`([A-Za-z0-9_]+_filter)`/g)) filterNames.add(m[1]!);
  for (const name of filterNames) if (!definitions.some((d) => d.name === name)) definitions.push({ name, args: [], definition: 'search *' });
  const macros = new MacroTable(definitions);
  const excluded = { outOfScope: 0, inputlookup: 0 };
  const unsupported = new Map<string, string[]>();
  const errors = new Map<string, string[]>();
  let eligible = 0;
  let ok = 0;
  for (const s of searches) {
    const expanded = expandMacros(s.search, macros, { undefinedMacros: 'keep' }).text;
    const { ast } = parseSpl(expanded, { customCommands: ['apply', 'cyberchef'] });
    const commands = commandsOf(ast);
    if (commands.some((c) => OUT_OF_SCOPE.has(c.name.toLowerCase()) || (c.kind === 'from' && c.datasetType.toLowerCase() === 'datamodel'))) {
      excluded.outOfScope++;
      continue;
    }
    if (commands.some((c) => c.kind === 'inputlookup')) {
      excluded.inputlookup++;
      continue;
    }
    eligible++;
    try {
      runSpl(s.search, eventsFor(ast), { now: NOW, macros, lookups: lookupsFor(ast) });
      ok++;
    } catch (e) {
      if (e instanceof SplUnsupportedError) {
        const list = unsupported.get(feature(e)) ?? [];
        list.push(`${s.id} ${s.name}: ${e.message}`);
        unsupported.set(feature(e), list);
      } else {
        const message = e instanceof SplRunError ? e.problem : `internal error: ${(e as Error).stack ?? e}`;
        const list = errors.get(message) ?? [];
        list.push(`${s.id} ${s.name}: ${e instanceof Error ? e.message : String(e)}`);
        errors.set(message, list);
      }
    }
  }
  return { eligible, ok, unsupported, errors, excluded };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const { eligible, ok, unsupported, errors, excluded } = measure();
  const pct = (n: number) => `${((100 * n) / eligible).toFixed(1)}%`;
  const unsupportedCount = [...unsupported.values()].reduce((n, l) => n + l.length, 0);
  const errorCount = [...errors.values()].reduce((n, l) => n + l.length, 0);
  console.log(`splunk/security_content: ${eligible} searches in scope (excluded: ${excluded.outOfScope} tstats/datamodel/mstats, ${excluded.inputlookup} inputlookup of lookups we do not have)`);
  console.log(`  run without unsupported: ${eligible - unsupportedCount} (${pct(eligible - unsupportedCount)}), of which ${ok} ran clean and ${errorCount} stopped on another error`);
  console.log(`  unsupported:             ${unsupportedCount} (${pct(unsupportedCount)})`);
  console.log(`  time: ${(performance.now() - started).toFixed(0)} ms`);
  console.log('\ntop unsupported features (searches):');
  for (const [f, list] of [...unsupported].sort((a, b) => b[1].length - a[1].length).slice(0, 15)) console.log(`  ${String(list.length).padStart(4)}  ${f}`);
  if (errors.size > 0) {
    console.log('\nother errors (searches):');
    for (const [m, list] of [...errors].sort((a, b) => b[1].length - a[1].length).slice(0, 15)) console.log(`  ${String(list.length).padStart(4)}  ${m.split('\n')[0]}`);
  }
  if (process.argv.includes('--list-failures')) {
    console.log('\nfailures:');
    for (const list of [...unsupported.values(), ...errors.values()]) for (const line of list) console.log(`  ${line.split('\n')[0]}`);
  }
}
