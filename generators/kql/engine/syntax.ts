// Small readers over Kusto's syntax tree (language-service.ts KqlSyntaxNode): list items,
// operator parameters, types, with the error every reader raises on a shape it does not know.
import type { KqlSyntaxNode } from '../language-service.ts';
import { unsupported } from './errors.ts';
import { kqlType, type KqlType } from './values.ts';

/** The elements of a List / SeparatedList child, without separators. */
export function items(list: KqlSyntaxNode | undefined): KqlSyntaxNode[] {
  if (!list) return [];
  const out: KqlSyntaxNode[] = [];
  for (const c of list.children) {
    if (c.kind === 'SeparatedElement') {
      const element = c.children.find((x) => !x.isToken) ?? c.children[0];
      if (element && !element.isToken) out.push(element);
    } else if (!c.isToken) out.push(c);
  }
  return out;
}

/** The expressions of an ExpressionList node (`(a, b, c)`). */
export function expressionList(node: KqlSyntaxNode | undefined): KqlSyntaxNode[] {
  return node ? items(node.child('Expressions')) : [];
}

/** The non-token children in order (for nodes whose parts are not named). */
export function nodes(node: KqlSyntaxNode): KqlSyntaxNode[] {
  return node.children.filter((c) => !c.isToken);
}

/** An operator's `name=value` parameters (kind=inner, withsource=T, with_itemindex=i …), by lower-case name. */
export function namedParameters(operator: KqlSyntaxNode): Map<string, KqlSyntaxNode> {
  const found = new Map<string, KqlSyntaxNode>();
  for (const p of items(operator.child('Parameters'))) {
    if (p.kind !== 'NamedParameter') continue;
    const name = p.child('Name')?.simpleName ?? p.child('Name')?.text;
    const value = p.child('Expression');
    if (name && value) found.set(name.toLowerCase(), value);
  }
  return found;
}

/** A parameter value written as a word or a literal (`kind=inner`, `flags=i`). */
export function parameterText(value: KqlSyntaxNode): string {
  return value.valueText ?? value.simpleName ?? value.text;
}

/** The scalar type Kusto's binder gave an expression; unsupported when it is not a scalar type this engine knows. */
export function scalarTypeOf(node: KqlSyntaxNode): KqlType {
  const t = node.resultType;
  if (t?.kind === 'scalar') {
    const k = kqlType(t.name);
    if (k) return k;
  }
  throw unsupported(`an expression of type ${t?.kind === 'scalar' ? t.name : t?.kind ?? 'unknown'} (${short(node)})`, node);
}

/** The columns of a tabular expression, as Kusto's binder gives them. */
export function tableTypeOf(node: KqlSyntaxNode): { name: string; type: KqlType }[] {
  const t = node.resultType;
  if (t?.kind !== 'columns') throw unsupported(`a tabular expression Kusto gives no columns for (${short(node)})`, node);
  return t.columns.map((c) => {
    const type = kqlType(c.type);
    if (!type) throw unsupported(`column ${c.name} of type ${c.type}`, node);
    return { name: c.name, type };
  });
}

/** The first line of a node's text, shortened, for messages. */
export function short(node: KqlSyntaxNode): string {
  const text = node.text.split(/\r?\n/)[0]!;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
