// join, lookup and union. The right side of join and lookup is read whole and hashed on its keys;
// the left side streams (except for the kinds that must see every left row first).
// https://learn.microsoft.com/kusto/query/join-operator
// https://learn.microsoft.com/kusto/query/lookup-operator
// https://learn.microsoft.com/kusto/query/union-operator
import type { KqlSyntaxNode } from '../language-service.ts';
import { runError, unsupported } from './errors.ts';
import type { CompileEnvironment } from './expressions.ts';
import type { Column, Relation, Row, Scalar } from './model.ts';
import type { Scope } from './model.ts';
import { items, namedParameters, parameterText, short, tableTypeOf } from './syntax.ts';
import { isNumeric, nullOf, rowKey, type KqlType } from './values.ts';

interface KeyPair {
  readonly left: string;
  readonly right: string;
  readonly at: KqlSyntaxNode;
}

/** `on A`, `on $left.a == $right.b`, joined with commas or `and`. */
function keyPairs(clause: KqlSyntaxNode | undefined, op: KqlSyntaxNode): KeyPair[] {
  if (!clause || clause.kind !== 'JoinOnClause') throw unsupported(`${op.kind === 'LookupOperator' ? 'lookup' : 'join'} without an 'on' clause of keys (${short(op)})`, op);
  const pairs: KeyPair[] = [];
  const side = (n: KqlSyntaxNode | undefined): { side: string; column: string } | undefined => {
    if (n?.kind !== 'PathExpression') return undefined;
    const owner = n.child('Expression')?.simpleName ?? n.child('Expression')?.text;
    const column = n.child('Selector')?.simpleName ?? n.child('Selector')?.text;
    return (owner === '$left' || owner === '$right') && column ? { side: owner, column } : undefined;
  };
  const visit = (e: KqlSyntaxNode) => {
    if (e.kind === 'NameReference') pairs.push({ left: e.simpleName!, right: e.simpleName!, at: e });
    else if (e.kind === 'AndExpression') (visit(e.child('Left')!), visit(e.child('Right')!));
    else if (e.kind === 'ParenthesizedExpression') visit(e.child('Expression')!);
    else if (e.kind === 'EqualExpression') {
      const [a, b] = [side(e.child('Left')), side(e.child('Right'))];
      if (!a || !b || a.side === b.side) throw unsupported(`join condition ${short(e)}`, e);
      const [l, r] = a.side === '$left' ? [a, b] : [b, a];
      pairs.push({ left: l.column, right: r.column, at: e });
    } else throw unsupported(`join condition ${short(e)}`, e);
  };
  for (const e of items(clause.child('Expressions'))) visit(e);
  return pairs;
}

/** Key extractors for both sides; a key that is null (no string is) matches nothing Kusto documents, so it is refused. */
function keyReaders(pairs: readonly KeyPair[], left: Relation, right: Relation): { left: (row: Row) => string; right: (row: Row) => string } {
  const reader = (relation: Relation, names: string[]): ((row: Row) => string) => {
    const indexes = names.map((name, k) => {
      const i = relation.columns.findIndex((c) => c.name === name);
      if (i < 0) throw unsupported(`join key ${name}`, pairs[k]!.at);
      return i;
    });
    return (row) => {
      const values = indexes.map((i) => row[i]);
      const n = values.indexOf(null);
      if (n >= 0) throw runError(`unsupported: a null join key ${names[n]} (Kusto does not document whether null keys match)`, pairs[n]!.at);
      return rowKey(values);
    };
  };
  for (const p of pairs) {
    const [lt, rt] = [typeOf(left, p.left), typeOf(right, p.right)];
    const family = (t: KqlType | undefined) => (t && isNumeric(t) ? 'number' : t);
    if (family(lt) !== family(rt)) throw unsupported(`join keys of types ${lt} and ${rt}`, p.at);
  }
  return { left: reader(left, pairs.map((p) => p.left)), right: reader(right, pairs.map((p) => p.right)) };
}

function typeOf(relation: Relation, name: string): KqlType | undefined {
  return relation.columns.find((c) => c.name === name)?.type;
}

/** The right side, read once per run, hashed on its keys. */
function hashed(right: Relation, key: (row: Row) => string): () => { rows: Row[]; byKey: Map<string, number[]> } {
  return () => {
    const rows = [...right.rows()];
    const byKey = new Map<string, number[]>();
    rows.forEach((row, i) => {
      const k = key(row);
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    });
    return { rows, byKey };
  };
}

const nulls = (columns: readonly Column[]): unknown[] => columns.map((c) => nullOf(c.type));

const KINDS = new Set(['innerunique', 'inner', 'leftouter', 'rightouter', 'fullouter', 'leftanti', 'anti', 'leftantisemi', 'rightanti', 'rightantisemi', 'leftsemi', 'rightsemi']);

/**
 * join. The default kind is innerunique: "removes duplicate keys from the left side" — the left
 * row kept for a key is the first one read (Kusto keeps an arbitrary one).
 */
export function join(op: KqlSyntaxNode, left: Relation, scope: Scope, env: CompileEnvironment): Relation {
  const parameters = namedParameters(op);
  const kindNode = parameters.get('kind');
  const kind = kindNode ? parameterText(kindNode).toLowerCase() : 'innerunique';
  if (!KINDS.has(kind)) throw unsupported(`join kind=${kind}`, kindNode ?? op);
  const right = env.tabular(op.child('Expression')!, scope);
  const pairs = keyPairs(op.child('ConditionClause'), op);
  const keys = keyReaders(pairs, left, right);
  const kusto = tableTypeOf(op);
  const leftOnly = ['leftsemi', 'leftanti', 'anti', 'leftantisemi'].includes(kind);
  const rightOnly = ['rightsemi', 'rightanti', 'rightantisemi'].includes(kind);
  const own = leftOnly ? left.columns : rightOnly ? right.columns : [...left.columns, ...right.columns];
  const columns = own.map((c, i) => ({ ...c, name: kusto[i]?.name ?? c.name }));
  const build = hashed(right, keys.right);
  const [leftNulls, rightNulls] = [nulls(left.columns), nulls(right.columns)];

  return {
    columns,
    rows: function* () {
      const { rows: rightRows, byKey } = build();
      const matchedRight = new Set<number>();
      const seenLeftKeys = new Set<string>();
      for (const l of left.rows()) {
        const k = keys.left(l);
        if (kind === 'innerunique') {
          if (seenLeftKeys.has(k)) continue;
          seenLeftKeys.add(k);
        }
        const matches = byKey.get(k);
        switch (kind) {
          case 'leftsemi': if (matches) yield l; break;
          case 'leftanti': case 'anti': case 'leftantisemi': if (!matches) yield l; break;
          case 'rightsemi': case 'rightanti': case 'rightantisemi': matches?.forEach((i) => matchedRight.add(i)); break;
          default:
            if (matches) {
              for (const i of matches) {
                matchedRight.add(i);
                yield [...l, ...rightRows[i]!];
              }
            } else if (kind === 'leftouter' || kind === 'fullouter') yield [...l, ...rightNulls];
        }
      }
      if (kind === 'rightouter' || kind === 'fullouter') {
        for (let i = 0; i < rightRows.length; i++) if (!matchedRight.has(i)) yield [...leftNulls, ...rightRows[i]!];
      } else if (kind === 'rightsemi') {
        for (let i = 0; i < rightRows.length; i++) if (matchedRight.has(i)) yield rightRows[i]!;
      } else if (kind === 'rightanti' || kind === 'rightantisemi') {
        for (let i = 0; i < rightRows.length; i++) if (!matchedRight.has(i)) yield rightRows[i]!;
      }
    },
  };
}

/**
 * lookup: like a leftouter (default) or inner join, but "the result doesn't repeat columns from
 * the $right table that are the basis for the join operation".
 */
export function lookup(op: KqlSyntaxNode, left: Relation, scope: Scope, env: CompileEnvironment): Relation {
  const kindNode = namedParameters(op).get('kind');
  const kind = kindNode ? parameterText(kindNode).toLowerCase() : 'leftouter';
  if (kind !== 'leftouter' && kind !== 'inner') throw unsupported(`lookup kind=${kind}`, kindNode ?? op);
  const right = env.tabular(op.child('Expression')!, scope);
  const pairs = keyPairs(op.child('LookupClause'), op);
  const keys = keyReaders(pairs, left, right);
  const rightKeys = new Set(pairs.map((p) => p.right));
  const kept = right.columns.map((c, i) => [c, i] as const).filter(([c]) => !rightKeys.has(c.name));
  const kusto = tableTypeOf(op);
  const columns = [...left.columns, ...kept.map(([c]) => c)].map((c, i) => ({ ...c, name: kusto[i]?.name ?? c.name }));
  const build = hashed(right, keys.right);
  const keptNulls = nulls(kept.map(([c]) => c));
  return {
    columns,
    rows: function* () {
      const { rows: rightRows, byKey } = build();
      for (const l of left.rows()) {
        const matches = byKey.get(keys.left(l));
        if (matches) for (const i of matches) yield [...l, ...kept.map(([, j]) => rightRows[i]![j])];
        else if (kind === 'leftouter') yield [...l, ...keptNulls];
      }
    },
  };
}

/**
 * union: the rows of every input, each read into Kusto's combined columns by name (a column an
 * input lacks is null; Kusto renames same-named columns of different types `name_type`).
 */
export function union(op: KqlSyntaxNode, input: Relation | undefined, scope: Scope, env: CompileEnvironment): Relation {
  const parameters = namedParameters(op);
  const sourceNodes = items(op.child('Expressions'));
  const sources = [...(input ? [{ relation: input, name: undefined as string | undefined }] : []), ...sourceNodes.map((n) => ({ relation: env.tabular(n, scope), name: n.kind === 'NameReference' ? n.simpleName : undefined }))];
  const kusto = tableTypeOf(op);
  const withSource = parameters.get('withsource');
  const sourceColumn = withSource ? (withSource.simpleName ?? withSource.child('Name')?.simpleName ?? withSource.text) : undefined;
  if (sourceColumn && sources.some((s) => s.name === undefined && s.relation !== input)) throw unsupported('union withsource= over an input that is not a table name', op);
  const readers: Scalar[][] = sources.map(({ relation, name }) => kusto.map((c) => {
    if (c.name === sourceColumn) return () => name ?? '';
    let i = relation.columns.findIndex((x) => x.name === c.name && x.type === c.type);
    if (i < 0) i = relation.columns.findIndex((x) => `${x.name}_${x.type}` === c.name);
    if (i < 0) i = relation.columns.findIndex((x) => x.name === c.name);
    if (i < 0) {
      const empty = nullOf(c.type);
      return () => empty;
    }
    if (relation.columns[i]!.type !== c.type && relation.columns[i]!.type !== 'dynamic' && c.type !== 'dynamic') throw unsupported(`union of column ${c.name} as ${relation.columns[i]!.type} and ${c.type}`, op);
    return (row: Row) => row[i];
  }));
  if (sourceColumn && input) throw unsupported('union withsource= after a pipe', op);
  const columns = kusto.map((c) => ({ name: c.name, type: c.type, estimated: sources.some((s) => s.relation.columns.some((x) => x.name === c.name && x.estimated)) }));
  return {
    columns,
    rows: function* () {
      for (let s = 0; s < sources.length; s++) {
        const read = readers[s]!;
        for (const row of sources[s]!.relation.rows()) yield read.map((r) => r(row));
      }
    },
  };
}

