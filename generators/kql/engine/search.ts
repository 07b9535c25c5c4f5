// search in (T1, T2) <predicate>: the rows of the tables (as union puts them together), with a
// `$table` column naming each row's table, that the predicate keeps. A bare string term matches
// when any column matches it: `billg` with has, `*billg` hassuffix, `billg*` hasprefix, `*billg*`
// contains, `bi*lg` the regex \bbi.*lg\b; `col:"x"` restricts a term to one column.
// https://learn.microsoft.com/kusto/query/search-operator
import type { KqlSyntaxNode } from '../language-service.ts';
import { unsupported } from './errors.ts';
import { ExpressionCompiler, type CompileEnvironment } from './expressions.ts';
import type { Relation, Row, Scope } from './model.ts';
import { items, namedParameters, parameterText, short, tableTypeOf } from './syntax.ts';
import { hasTerm } from './terms.ts';
import { nullOf, toKqlString } from './values.ts';

type Test = (row: Row) => boolean;

/** A test of one value as text, for a search term with Kusto's wildcard rules. */
function termTest(term: string, caseSensitive: boolean): (text: string) => boolean {
  const t = caseSensitive ? term : term.toLowerCase();
  const fold = caseSensitive ? (s: string) => s : (s: string) => s.toLowerCase();
  if (t === '*') return () => true;
  const leading = t.startsWith('*');
  const trailing = t.endsWith('*') && t.length > 1;
  const core = t.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (core.includes('*')) {
    const source = core.split('*').map((p) => p.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('.*');
    const re = new RegExp(`\\b${source}\\b`, caseSensitive ? '' : 'i');
    return (s) => re.test(s);
  }
  if (leading && trailing) return (s) => fold(s).includes(core);
  if (leading) return (s) => hasTerm(fold(s), core, 'suffix');
  if (trailing) return (s) => hasTerm(fold(s), core, 'prefix');
  return (s) => hasTerm(fold(s), core, 'whole');
}

export function search(op: KqlSyntaxNode, input: Relation | undefined, scope: Scope, env: CompileEnvironment): Relation {
  if (input) throw unsupported('search on piped input (its $table name is system-generated)', op);
  const kindNode = namedParameters(op).get('kind');
  const kind = kindNode ? parameterText(kindNode).toLowerCase() : 'default';
  const caseSensitive = kind === 'case_sensitive';
  const sources = items(op.child('InClause')?.child('Expressions'));
  if (!sources.length) throw unsupported('search without in (tables)', op);
  const kusto = tableTypeOf(op);
  const tables = sources.map((s) => {
    if (s.kind !== 'NameReference') throw unsupported(`search in ${short(s)}`, s);
    return { name: s.simpleName!, relation: env.tabular(s, scope) };
  });
  if (kusto[0]?.name !== '$table') throw unsupported('search output without $table', op);
  const readers = tables.map(({ name, relation }) => kusto.map((c, k) => {
    if (k === 0) return () => name;
    const i = relation.columns.findIndex((x) => x.name === c.name && x.type === c.type);
    if (i < 0) {
      const empty = nullOf(c.type);
      return () => empty;
    }
    return (row: Row) => row[i];
  }));
  const columns = kusto.map((c) => ({ name: c.name, type: c.type }));
  const compiler = new ExpressionCompiler(env, scope, columns);
  const texts = columns.slice(1).map((c, k) => (row: Row) => toKqlString(row[k + 1], c.type));

  const compile = (node: KqlSyntaxNode): Test => {
    switch (node.kind) {
      case 'ParenthesizedExpression': return compile(node.child('Expression')!);
      case 'AndExpression': { const [a, b] = [compile(node.child('Left')!), compile(node.child('Right')!)]; return (row) => a(row) && b(row); }
      case 'OrExpression': { const [a, b] = [compile(node.child('Left')!), compile(node.child('Right')!)]; return (row) => a(row) || b(row); }
      case 'StringLiteralExpression': case 'CompoundStringLiteralExpression': {
        const test = termTest(node.valueText ?? '', caseSensitive);
        return (row) => texts.some((t) => test(t(row)));
      }
      case 'SearchExpression': {
        const column = node.child('Left')!.simpleName!;
        const i = columns.findIndex((c) => c.name === column);
        if (i < 0) throw unsupported(`search column ${column}`, node);
        const test = termTest(node.child('Right')!.valueText ?? '', caseSensitive);
        const type = columns[i]!.type;
        return (row) => test(toKqlString(row[i], type));
      }
      case 'StarExpression': return () => true;
      default: return compiler.predicate(node);
    }
  };
  const keep = compile(op.child('Condition')!);
  return {
    columns,
    rows: function* () {
      for (let s = 0; s < tables.length; s++) {
        const read = readers[s]!;
        for (const row of tables[s]!.relation.rows()) {
          const out = read.map((r) => r(row));
          if (keep(out)) yield out;
        }
      }
    },
  };
}
