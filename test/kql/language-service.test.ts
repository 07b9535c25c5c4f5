// The Kusto language service wrapper: positions, codes and severities as Kusto reports them,
// and what Kusto's analyser does (and does not) check.
import { describe, expect, it } from 'vitest';
import { analyzeKql, analyzeKqlTree, kqlSemanticDiagnostics, kqlSyntaxDiagnostics, type KqlSyntaxNode, type KqlTableSchema } from '../../generators/kql/language-service.ts';

// A small slice of the documented columns (the full lists live in schemas/logsources/).
// https://learn.microsoft.com/en-us/defender-xdr/advanced-hunting-aadsignineventsbeta-table
const aadSignIn: KqlTableSchema = {
  name: 'AADSignInEventsBeta',
  columns: [
    { name: 'Timestamp', type: 'datetime' },
    { name: 'AccountUpn', type: 'string' },
    { name: 'ErrorCode', type: 'int' },
    { name: 'IPAddress', type: 'string' },
  ],
};
// ResultType is a string: https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/signinlogs
const signinLogs: KqlTableSchema = {
  name: 'SigninLogs',
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'UserPrincipalName', type: 'string' },
    { name: 'ResultType', type: 'string' },
  ],
};
const tables = [aadSignIn, signinLogs];
const codes = (text: string) => kqlSemanticDiagnostics(text, tables).map((d) => d.code);

describe('kqlSemanticDiagnostics', () => {
  it('a clean query has no diagnostics', () => {
    const text = 'AADSignInEventsBeta\n| where Timestamp > ago(1d) and ErrorCode != 0\n| summarize attempts = count(), users = dcount(AccountUpn) by IPAddress';
    expect(kqlSemanticDiagnostics(text, tables)).toEqual([]);
    expect(kqlSyntaxDiagnostics(text)).toEqual([]);
  });

  // Defender's sign-in table has no ResultType column (that is Sentinel's SigninLogs).
  it('an unknown column is KS142 at its 1-based line and column', () => {
    expect(kqlSemanticDiagnostics('AADSignInEventsBeta | where ResultType == "0"', tables)).toEqual([{
      code: 'KS142', severity: 'error', start: 28, length: 10, line: 1, col: 29,
      message: "The name 'ResultType' does not refer to any known column, table, variable or function.",
    }]);
    const multiline = kqlSemanticDiagnostics('AADSignInEventsBeta\r\n| where Timestamp > ago(1h)\r\n| where ResultType == "0"', tables);
    expect(multiline).toMatchObject([{ code: 'KS142', line: 3, col: 9, length: 10 }]);
  });

  it('an unknown table is KS204', () => {
    expect(kqlSemanticDiagnostics('SignInEvents\n| take 10', tables)).toMatchObject([
      { code: 'KS204', severity: 'error', start: 0, length: 12, line: 1, col: 1, message: expect.stringContaining("'SignInEvents'") },
    ]);
  });

  it('a syntax error is reported at its position, by both entry points', () => {
    const text = 'SigninLogs\n| where ResultType == \n| take 5';
    const expected = [{ code: 'KS006', severity: 'error', message: 'Missing expression', start: 32, length: 0, line: 2, col: 22 }];
    expect(kqlSyntaxDiagnostics(text)).toEqual(expected);
    expect(kqlSemanticDiagnostics(text, tables)).toEqual(expected);
    // An unterminated string: the closing quote is missing at the end of the text.
    expect(kqlSyntaxDiagnostics('SigninLogs | where ResultType == "0')).toContainEqual(expect.objectContaining({ code: 'KS001', line: 1, col: 36 }));
  });

  it('syntax-only parsing resolves no names', () => {
    expect(kqlSyntaxDiagnostics('NoSuchTable | where Nope == 1')).toEqual([]);
  });

  // Kusto defines comparison operators between numbers (https://learn.microsoft.com/kusto/query/numerical-operators)
  // and between strings (https://learn.microsoft.com/kusto/query/datatypes-string-operators). Its
  // analyser, though, lets ==, != and in through with a number on one side and a string on the
  // other — in both directions — and rejects only the ordering operators (KS106).
  it('does not flag ==, != or in between a string and a number, in either direction', () => {
    for (const text of [
      'SigninLogs | where ResultType == 0',
      'SigninLogs | where ResultType != 0',
      'SigninLogs | where ResultType in (0, 50126)',
      'AADSignInEventsBeta | where ErrorCode == "0"',
      'AADSignInEventsBeta | where ErrorCode != "0"',
      'AADSignInEventsBeta | where ErrorCode in ("0", "50126")',
    ]) expect(codes(text), text).toEqual([]);
  });

  it('does flag ordering comparisons between a string and a number (KS106)', () => {
    expect(kqlSemanticDiagnostics('SigninLogs | where ResultType > 0', tables)).toMatchObject([
      { code: 'KS106', col: 31, message: "The operator '>' is not defined for the operand types string and long." },
    ]);
    expect(codes('AADSignInEventsBeta | where ErrorCode > "0"')).toEqual(['KS106']);
  });

  it('analyzeKql adds DETC001 for the comparisons Kusto lets through, and only once names bind', () => {
    const { diagnostics, mismatches } = analyzeKql('SigninLogs\n| where ResultType != 0', tables);
    expect(diagnostics).toEqual([]);
    expect(mismatches).toMatchObject([{ code: 'DETC001', severity: 'error', line: 2, col: 9, message: expect.stringMatching(/^compares string with long/) }]);
    expect(analyzeKql('AADSignInEventsBeta | where ErrorCode in ("0")', tables).mismatches).toMatchObject([{ code: 'DETC001', message: expect.stringMatching(/^compares int with string/) }]);
    expect(analyzeKql('AADSignInEventsBeta | where ErrorCode != 0 and AccountUpn == "a"', tables).mismatches).toEqual([]);
    expect(analyzeKql('AADSignInEventsBeta | where Nope != "0" and ErrorCode != "0"', tables)).toMatchObject({ diagnostics: [{ code: 'KS142' }], mismatches: [] });
  });

  // Sentinel's stored functions are not built into the language service: a query that calls one
  // needs it declared (https://learn.microsoft.com/en-us/azure/sentinel/watchlists-queries).
  it('knows a stored function only once it is declared', () => {
    const text = '_GetWatchlist("legacy-auth-allowlist") | project SearchKey';
    expect(codes(text)).toEqual(['KS211']);
    const functions = [{ name: '_GetWatchlist', parameters: '(alias:string)', body: '{ datatable(SearchKey:string, WatchlistItem:dynamic)[] }' }];
    expect(kqlSemanticDiagnostics(text, tables, { functions })).toEqual([]);
    expect(kqlSemanticDiagnostics('_GetWatchlist("x") | project Nope', tables, { functions })).toMatchObject([{ code: 'KS142' }]);
  });

  it('refuses a malformed function declaration or column type instead of analysing against it', () => {
    const functions = [{ name: '_GetWatchlist', parameters: 'alias:string', body: '{ datatable(SearchKey:string)[] }' }];
    expect(() => kqlSemanticDiagnostics('print 1', tables, { functions })).toThrow(/KQL function _GetWatchlist: KS/);
    expect(() => kqlSemanticDiagnostics('print 1', [{ name: 'T', columns: [{ name: 'C', type: 'strin' }] }])).toThrow("KQL table T: column C has unknown type 'strin'");
  });

  it('binds column names that need quoting in KQL', () => {
    const odd: KqlTableSchema = { name: 'Odd Table', columns: [{ name: "it's [odd]", type: 'string' }, { name: 'x-y', type: 'long' }] };
    expect(kqlSemanticDiagnostics(`['Odd Table'] | where ['it\\'s [odd]'] == "a" and ['x-y'] > 1`, [odd])).toEqual([]);
  });
});

describe('analyzeKqlTree', () => {
  /** The first node of a kind, depth first. */
  function find(node: KqlSyntaxNode, kind: string): KqlSyntaxNode | undefined {
    if (node.kind === kind) return node;
    for (const c of node.children) {
      const hit = find(c, kind);
      if (hit) return hit;
    }
    return undefined;
  }

  it('gives each node its kind, Kusto\'s result type and the symbol a name refers to', () => {
    const { root, diagnostics } = analyzeKqlTree('AADSignInEventsBeta\n| summarize count(), dcount(AccountUpn) by IPAddress', tables);
    expect(diagnostics).toEqual([]);
    const summarize = find(root, 'SummarizeOperator')!;
    expect(summarize.resultType).toEqual({ kind: 'columns', columns: [{ name: 'IPAddress', type: 'string' }, { name: 'count_', type: 'long' }, { name: 'dcount_AccountUpn', type: 'long' }] });
    expect([summarize.line, summarize.col]).toEqual([2, 3]);
    const call = find(summarize, 'FunctionCallExpression')!;
    expect(call.symbol).toMatchObject({ kind: 'Function', name: 'count', isAggregate: true });
    expect(call.resultType).toEqual({ kind: 'scalar', name: 'long' });
    expect(call.resultName()).toBe('count_');
    const column = find(root, 'NameReference')!;
    expect(column.symbol).toMatchObject({ kind: 'Table', name: 'AADSignInEventsBeta' });
  });

  it('expands a call of a let function at the call, with the arguments\' types', () => {
    const { root } = analyzeKqlTree('let f = (s:string) { tolower(s) };\nprint f("A")', []);
    const call = find(find(root, 'PrintOperator')!, 'FunctionCallExpression')!;
    const body = call.expansion()!;
    expect(body.kind).toBe('FunctionBody');
    expect([body.line, body.col]).toEqual([2, 7]);
    expect(find(body, 'NameReference')!.simpleName).toBe('tolower');
  });
});
