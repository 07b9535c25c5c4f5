// Escaping is security: no rule value, whatever it holds, may change the structure of the
// generated query. For random strings, the literal we emit must decode — under each
// language's own literal rules — to exactly the value. SPL is decoded by our SPL lexer
// (generators/spl/lexer.ts, which cites Splunk's quoting rules); KQL by Kusto's own parser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Query, Predicate } from '../../generators/ir/types.ts';
import { decodeKqlStringLiterals, kqlStringLiteral } from '../../generators/kql/string-literal.ts';
import { kqlSyntaxDiagnostics } from '../../generators/kql/language-service.ts';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { lexSpl } from '../../generators/spl/lexer.ts';
import type { SplToken } from '../../generators/spl/tokens.ts';
import { renderKql } from '../../generators/targets/kql.ts';
import { SEARCH_UNSAFE, splEvalString, splQuoted } from '../../generators/targets/spl-literals.ts';
import { renderSpl } from '../../generators/targets/spl.ts';

const RUNS = 1000;
const logsource = loadLogSources().get('entra_signin')!;

/** Any well-formed string, biased towards the characters that break queries. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('"', "'", '\\', '|', '`', '[', ']', '(', ')', '*', '?', '\n', '\r', '\t', '\u0000', ' ', '=', '.', 'a', 'é', '😀', '%', '$', '{', '}', '@', ';', '/', '\u2028'), maxLength: 30 }),
).filter((s) => s.length > 0 && s.isWellFormed());

/** Concatenation of string literals and urldecode("…") calls, as eval evaluates it. */
function evaluateSplStringExpression(source: string): string {
  const { tokens, errors } = lexSpl(source, { mode: 'expression' });
  expect(errors).toEqual([]);
  let value = '';
  const rest = tokens.filter((t) => t.kind !== 'eof');
  for (let i = 0; i < rest.length; ) {
    const t = rest[i]!;
    if (t.kind === 'string') (value += t.value), i++;
    else if (t.kind === 'word' && t.value === 'urldecode') {
      const [open, arg, close] = [rest[i + 1], rest[i + 2], rest[i + 3]];
      expect([open?.kind, arg?.kind, close?.kind]).toEqual(['lparen', 'string', 'rparen']);
      value += decodeURIComponent(arg!.value);
      i += 4;
    } else throw new Error(`unexpected token ${t.kind} '${t.text}' in ${source}`);
    if (rest[i]?.kind === 'operator' && rest[i]!.text === '.') i++;
  }
  return value;
}

const structure = (tokens: readonly SplToken[]) => tokens.filter((t) => ['pipe', 'macro', 'lbracket', 'rbracket', 'comment'].includes(t.kind)).map((t) => t.kind);

function ruleWith(test: Predicate): Query {
  return { name: 'test-rule', logsource, lookback: 3600, filter: { kind: 'and', items: [{ kind: 'string', field: 'client_app', op: 'eq', value: 'IMAP4', cased: false }, test] }, project: ['user'], columns: [{ name: 'user', type: 'string', field: 'user' }], selections: new Map() };
}

describe('SPL literals', () => {
  it(`a search-quoted value lexes as one string token with exactly the value (${RUNS} cases)`, () => {
    fc.assert(fc.property(nasty.filter((s) => !SEARCH_UNSAFE.test(s)), (value) => {
      const { tokens, errors } = lexSpl(`field=${splQuoted(value)}`);
      expect(errors).toEqual([]);
      expect(tokens.map((t) => t.kind)).toEqual(['word', 'operator', 'string', 'eof']);
      expect(tokens[2]!.value).toBe(value);
    }), { numRuns: RUNS });
  });

  it(`an eval string expression evaluates to exactly the value (${RUNS} cases)`, () => {
    fc.assert(fc.property(nasty, (value) => {
      expect(evaluateSplStringExpression(splEvalString(value))).toBe(value);
    }), { numRuns: RUNS });
  });

  it(`a rule value never changes the structure of the generated search (${RUNS} cases)`, () => {
    fc.assert(fc.property(nasty, fc.boolean(), (value, cased) => {
      const text = renderSpl(ruleWith({ kind: 'string', field: 'user', op: 'eq', value, cased })).text;
      const { tokens, errors } = lexSpl(text);
      expect(errors).toEqual([]);
      const stages = text.split('\n').length;
      // the log-source macro, one pipe per stage after the first, the tuning macro last; nothing else structural
      expect(structure(tokens)).toEqual(['macro', ...Array(stages - 1).fill('pipe'), 'macro']);
      const inBase = !cased && !SEARCH_UNSAFE.test(value);
      if (inBase) expect(tokens.some((t) => t.kind === 'string' && t.value === value)).toBe(true);
      else {
        const where = /^\| where (.*)$/m.exec(text)![1]!;
        const rhs = where.slice(where.indexOf('==') + 2);
        // case-insensitive equality in eval compares lower(field) with the lower-cased value
        expect(evaluateSplStringExpression(rhs)).toBe(cased ? value : value.toLowerCase());
      }
    }), { numRuns: RUNS });
  });
});

describe('KQL literals', () => {
  it(`a literal decodes under Kusto's parser to exactly the value (${RUNS} cases)`, () => {
    fc.assert(fc.property(nasty, (value) => {
      const query = `T | where C == ${kqlStringLiteral(value)}`;
      expect(kqlSyntaxDiagnostics(query)).toEqual([]);
      expect(decodeKqlStringLiterals(query)).toEqual([value]);
    }), { numRuns: RUNS });
  });

  for (const target of ['defender', 'sentinel'] as const) {
    it(`a rule value never changes the structure of the ${target} query (${RUNS} cases)`, () => {
      fc.assert(fc.property(nasty, fc.constantFrom('eq', 'contains', 'startswith', 'endswith' as const), fc.boolean(), (value, op, cased) => {
        const text = renderKql(ruleWith({ kind: 'string', field: 'user', op, value, cased }), target).text;
        expect(kqlSyntaxDiagnostics(text)).toEqual([]);
        expect(decodeKqlStringLiterals(text)).toEqual(['IMAP4', value]);
        expect(text.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(2);
      }), { numRuns: RUNS });
    });
  }
});
