// A text test for the JSON Lines rows of a table, from the query's `where` straight on that
// table: a line holding none of the values a condition needs cannot match, so a reader need not
// parse it. Conditions used: `col in (…)`, `col in~ (…)`, `col == "…"`, `col =~ "…"` on a string
// column, joined by `and`. Conservative by construction: a line with a backslash (JSON escapes
// could hide a value) or with U+0130 / U+212A (they lowercase to ASCII letters) always passes;
// only values JSON writes as they are, holding a letter no number's text holds, are used.
import type { KqlSyntaxNode } from '../language-service.ts';
import { expressionList, items } from './syntax.ts';

const VERBATIM = /^[A-Za-z0-9 ._@:,;+=#()-]+$/;
const NOT_A_NUMBER = /[a-df-zA-DF-Z]/;
const PASS_ALWAYS = /[\\\u0130\u212a]/;

/** Whether a string literal's value can be looked for in a line's text as it is (see above). */
export const isPrefilterValue = (v: string): boolean => VERBATIM.test(v) && NOT_A_NUMBER.test(v);

const escapeRegex = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** The test for lines of `table`, or null when the query gives none. */
export function rawPrefilterOf(root: KqlSyntaxNode, table: string, stringColumns: ReadonlySet<string>): ((line: string) => boolean) | null {
  const statements = items(root.child('Statements'));
  if (statements.length !== 1 || statements[0]!.kind !== 'ExpressionStatement') return null;
  if (references(root, table) !== 1) return null;
  let pipe = statements[0]!.child('Expression');
  while (pipe?.kind === 'PipeExpression' && pipe.child('Expression')?.kind === 'PipeExpression') pipe = pipe.child('Expression');
  if (pipe?.kind !== 'PipeExpression' || pipe.child('Expression')?.simpleName !== table || pipe.child('Operator')?.kind !== 'FilterOperator') return null;
  const needs: string[][] = [];
  for (const c of conjuncts(pipe.child('Operator')!.child('Condition'))) {
    const values = valuesNeeded(c, stringColumns);
    if (values) needs.push(values);
  }
  if (needs.length === 0) return null;
  const regexes = needs.map((any) => new RegExp(any.map(escapeRegex).join('|'), 'i'));
  const test = (line: string): boolean => PASS_ALWAYS.test(line) || regexes.every((re) => re.test(line));
  needsOfTest.set(test, needs);
  return test;
}

const needsOfTest = new WeakMap<(line: string) => boolean, readonly (readonly string[])[]>();

/**
 * What a test from rawPrefilterOf looks for, as data: every group must have one of its values in
 * the line (case-insensitively), unless the line holds a backslash, U+0130 or U+212A. For a
 * reader that tests lines where the closure cannot go (worker threads).
 */
export function rawPrefilterNeeds(test: (line: string) => boolean): readonly (readonly string[])[] | undefined {
  return needsOfTest.get(test);
}

function references(node: KqlSyntaxNode, name: string): number {
  if (node.isToken) return 0;
  let n = node.kind === 'NameReference' && node.simpleName === name ? 1 : 0;
  for (const c of node.children) n += references(c, name);
  return n;
}

function conjuncts(node: KqlSyntaxNode | undefined): KqlSyntaxNode[] {
  if (!node) return [];
  if (node.kind === 'AndExpression') return [...conjuncts(node.child('Left')), ...conjuncts(node.child('Right'))];
  if (node.kind === 'ParenthesizedExpression') return conjuncts(node.child('Expression'));
  return [node];
}

/** The values one of which a line must hold for the condition to be true, or null. */
function valuesNeeded(node: KqlSyntaxNode, stringColumns: ReadonlySet<string>): string[] | null {
  const left = node.child('Left');
  if (left?.kind !== 'NameReference' || !stringColumns.has(left.simpleName ?? '')) return null;
  let literals: KqlSyntaxNode[];
  if (node.kind === 'InExpression' || node.kind === 'InCsExpression') literals = expressionList(node.child('Right'));
  else if (node.kind === 'EqualExpression' || node.kind === 'EqualTildeExpression') literals = [node.child('Right')!];
  else return null;
  const values: string[] = [];
  for (const l of literals) {
    const v = l?.kind === 'StringLiteralExpression' ? l.valueText : undefined;
    if (v === undefined || !isPrefilterValue(v)) return null;
    values.push(v);
  }
  return values.length > 0 ? values : null;
}
