// evaluate <plugin>(…): the plugins whose output columns do not depend on the data.
// https://learn.microsoft.com/kusto/query/evaluate-operator
import type { KqlSyntaxNode } from '../language-service.ts';
import { unsupported } from './errors.ts';
import type { CompileEnvironment } from './expressions.ts';
import { ipv4InRange } from './ipv4.ts';
import type { Relation, Row, Scope } from './model.ts';
import { expressionList, short } from './syntax.ts';
import { nullOf, rowKey, toKqlString } from './values.ts';

export function evaluate(op: KqlSyntaxNode, input: Relation, scope: Scope, env: CompileEnvironment): Relation {
  const call = op.child('FunctionCall')!;
  const name = (call.child('Name')?.simpleName ?? '').toLowerCase();
  if (name === 'ipv4_lookup') return ipv4Lookup(call, input, scope, env);
  throw unsupported(`plugin ${name} (${short(op)})`, op);
}

/**
 * ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, ExtraKey… [, return_unmatched]]):
 * each input row with each lookup row whose IPv4 (or IP-prefix range) holds the row's address
 * and whose extra keys are equal; unmatched input rows only with return_unmatched=true, their
 * lookup columns null. https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin
 */
function ipv4Lookup(call: KqlSyntaxNode, input: Relation, scope: Scope, env: CompileEnvironment): Relation {
  const args = expressionList(call.child('ArgumentList'));
  if (args.length < 3) throw unsupported(`ipv4_lookup with ${args.length} arguments`, call);
  const lookupTable = env.tabular(args[0]!, scope);
  let rest = args.slice(3);
  let returnUnmatched = false;
  const last = rest.at(-1);
  const flag = last?.kind === 'SimpleNamedExpression' && last.child('Name')?.simpleName === 'return_unmatched' ? last.child('Expression') : last;
  if (flag?.kind === 'BooleanLiteralExpression') {
    returnUnmatched = flag.valueText?.toLowerCase() === 'true';
    rest = rest.slice(0, -1);
  }
  const columnIn = (relation: Relation, node: KqlSyntaxNode) => {
    const i = relation.columns.findIndex((c) => c.name === node.simpleName);
    if (i < 0 || node.kind !== 'NameReference') throw unsupported(`ipv4_lookup key ${short(node)}`, node);
    return i;
  };
  const source = columnIn(input, args[1]!);
  const key = columnIn(lookupTable, args[2]!);
  const extras = rest.map((n) => [columnIn(input, n), columnIn(lookupTable, n)] as const);
  const columns = [...input.columns, ...lookupTable.columns];
  const empties = lookupTable.columns.map((c) => nullOf(c.type));
  const sourceType = input.columns[source]!.type;
  return {
    columns,
    rows: function* () {
      const lookupRows = [...lookupTable.rows()];
      const byExtras = new Map<string, Row[]>();
      for (const r of lookupRows) {
        const k = rowKey(extras.map(([, j]) => r[j]));
        byExtras.set(k, [...(byExtras.get(k) ?? []), r]);
      }
      for (const row of input.rows()) {
        const address = toKqlString(row[source], sourceType);
        const candidates = byExtras.get(rowKey(extras.map(([i]) => row[i]))) ?? [];
        let matched = false;
        for (const r of candidates) {
          if (ipv4InRange(address, toKqlString(r[key], lookupTable.columns[key]!.type)) === true) {
            matched = true;
            yield [...row, ...r];
          }
        }
        if (!matched && returnUnmatched) yield [...row, ...empties];
      }
    },
  };
}
