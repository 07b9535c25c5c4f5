// generators/kql/language-service.ts remembers how Kusto ranks an operator's overloads for the
// operand types (memoiseOperatorOverloads), gives Kusto globals that keep their binding cache
// from one analysis to the next (globalsFor), does not build the query grammar only
// completion uses (skipUnusedQueryGrammar), and gives Bridge.NET's runtime faster list and
// out-argument helpers (bridge-shortcuts.ts). That must change nothing Kusto reports: every
// node's kind, type and symbol, and every diagnostic, the same with and without them, for every
// query we generate (bundled rules, custom detections, synthetic rules from the fuzzer's
// generator) and for other people's KQL (test/corpus/kql-community.jsonl).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { analyzeKqlTree, withoutKustoShortcuts, type KqlSyntaxNode, type KqlTableSchema } from '../../generators/kql/language-service.ts';
import { kqlTablesFor } from '../../generators/kql/validate.ts';
import { projectPath } from '../../generators/paths.ts';
import { writeSyntheticContent } from '../bench/content-build.ts';
import { generatedKqlQueries as queriesOf } from './generated-queries.ts';

/** Everything Kusto's binder says about a query, as text. */
function analysis(text: string, tables: readonly KqlTableSchema[]): string {
  const tree = analyzeKqlTree(text, tables);
  const nodes: string[] = [];
  const walk = (node: KqlSyntaxNode, depth: number): void => {
    const symbol = node.symbol;
    nodes.push(`${' '.repeat(depth)}${node.kind} ${node.start} ${node.line}:${node.col} ${node.isToken ? JSON.stringify(node.text) : ''} ${JSON.stringify(node.resultType ?? null)} ${symbol ? `${symbol.kind}:${symbol.name}:${JSON.stringify(symbol.type ?? null)}` : ''}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(tree.root, 0);
  return JSON.stringify([tree.diagnostics, tree.mismatches()]) + '\n' + nodes.join('\n');
}

function expectSameWithAndWithout(queries: ReadonlyArray<readonly [string, readonly KqlTableSchema[]]>): void {
  let operators = 0;
  for (const [text, tables] of queries) {
    const memoised = analysis(text, tables);
    const plain = withoutKustoShortcuts(() => analysis(text, tables));
    expect(memoised, text).toBe(plain);
    operators += (memoised.match(/Expression \d+ .*Operator:/g) ?? []).length;
  }
  // Not vacuous: the queries hold operators the memo answers for.
  expect(operators).toBeGreaterThan(queries.length);
}

describe('memoised operator overload resolution and a kept binding cache give the same analysis as Kusto\'s own', () => {
  it('the bundled rules\' Defender, Sentinel and custom detection queries', () => {
    const queries = queriesOf(projectPath());
    expect(queries.length).toBeGreaterThan(20);
    expectSameWithAndWithout(queries);
  });

  it('60 synthetic rules from the fuzzer\'s generator (every log source, every modifier)', () => {
    expectSameWithAndWithout(queriesOf(writeSyntheticContent(60, 11)));
  });

  it('operators over `*` (the StarOnly overloads) next to the same operators over columns', () => {
    const tables = [{ name: 'T', columns: [{ name: 'a', type: 'string' }, { name: 'n', type: 'long' }, { name: 'd', type: 'dynamic' }] }];
    const queries = ['T | where * has "x"', 'T | where a has "x" and * has "y"', 'T | where * contains "x" or a contains "x"', 'T | where a == "x" and * == "y"', 'T | where * matches regex "x" and a matches regex "y"', 'T | where n == "1" and * endswith "z"', 'T | where d has "x" and * startswith_cs "y"'];
    expectSameWithAndWithout(queries.map((q) => [q, tables] as const));
  });

  it('other people\'s KQL: a third of the community corpus (every third query), against every table our log sources define', () => {
    const logsources = [...loadCatalog(projectPath(), []).logsources.values()];
    const tables = [...kqlTablesFor(logsources, 'sentinel'), ...kqlTablesFor(logsources, 'defender')];
    const corpus = readFileSync(projectPath('test/corpus/kql-community.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { query: string }).query);
    expectSameWithAndWithout(corpus.filter((_, i) => i % 3 === 0).map((query) => [query, tables] as const));
  });

  it('queries nested past the parser\'s depth limit (where it falls back on the grammar), and commands (parsed by a grammar built on it)', () => {
    const tables = [{ name: 'T', columns: [{ name: 'a', type: 'string' }, { name: 'n', type: 'long' }] }];
    // QueryParser.MaxDepth is 300 (Kusto.Language 12.4.1): deeper expressions are parsed by StackSafeParse with the grammar.
    const deep = (depth: number, inner: string) => `T | where ${'('.repeat(depth)}${inner}${')'.repeat(depth)}`;
    const queries = [deep(350, 'a == "x"'), deep(320, 'n > 1 and a has "y"'), deep(340, 'a == '), '.show tables', '.show table T schema as json', '.create table X (a: string)'];
    let diagnostics = 0;
    for (const query of queries) {
      const memoised = analysis(query, tables);
      expect(memoised, query).toBe(withoutKustoShortcuts(() => analysis(query, tables)));
      diagnostics += (JSON.parse(memoised.split('\n')[0]!) as unknown[][])[0]!.length;
    }
    // Not vacuous: the broken one is reported through the grammar's fallback.
    expect(diagnostics).toBeGreaterThan(0);
  });
});
