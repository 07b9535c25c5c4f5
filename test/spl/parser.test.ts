// The SPL parser, construct by construct. Each test that pins a Splunk semantic cites the
// documentation page it follows in a comment above it; tests without a citation pin our own
// choices (error messages, recovery, tree shape).
import { describe, expect, it } from 'vitest';
import type { BinaryExpr, Expr, SearchExpr } from '../../generators/spl/ast.ts';
import { parseSpl } from '../../generators/spl/parser.ts';
import { as, clean, command, errorCodes, errorsOf, theError, warningsOf, withoutSpans } from './support.ts';

/** The query of the implicit search of `text`. */
const searchOf = (text: string): SearchExpr => as(clean(text).commands[0], 'search').query!;
/** The condition of `| where <text>`. */
const whereOf = (text: string): Expr => as(command(`where ${text}`), 'where').condition;
/** Compact rendering of an eval expression tree: (op left right). */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'binary':
      return `(${e.op} ${shape(e.left)} ${shape(e.right)})`;
    case 'unary':
      return `(${e.op} ${shape(e.operand)})`;
    case 'call':
      return `${e.name}(${e.args.map(shape).join(', ')})`;
    case 'in':
      return `(IN ${shape(e.operand)} ${e.values.map(shape).join(' ')})`;
    case 'field':
      return e.quoted ? `'${e.name}'` : e.name;
    case 'string':
      return JSON.stringify(e.value);
    case 'number':
      return e.text;
    case 'group':
      return `[${shape(e.expr)}]`;
    case 'macro':
      return `\`${e.name}\``;
  }
}
/** Compact rendering of a search tree. */
function searchShape(e: SearchExpr): string {
  switch (e.kind) {
    case 'searchAnd':
      return `(AND ${e.operands.map(searchShape).join(' ')})`;
    case 'searchOr':
      return `(OR ${e.operands.map(searchShape).join(' ')})`;
    case 'searchNot':
      return `(NOT ${searchShape(e.operand)})`;
    case 'searchGroup':
      return `[${e.expr ? searchShape(e.expr) : ''}]`;
    case 'searchTerm':
      return e.term.quoted ? JSON.stringify(e.term.value) : e.term.value;
    case 'searchComparison':
      return `${e.field.name}${e.op}${e.value.kind === 'literal' ? e.value.value : e.value.kind}`;
    case 'searchIn':
      return `${e.field.name} IN(${e.values.map((v) => (v.kind === 'literal' ? v.value : v.kind)).join(',')})`;
    case 'searchTimeModifier':
      return `${e.name}@=${e.value.kind === 'literal' ? e.value.value : e.value.name}`;
    case 'searchDirective':
      return `${e.directive}(${e.term.value})`;
    case 'macro':
      return `\`${e.name}\``;
    case 'subsearch':
      return `[subsearch ${e.pipeline.commands.length}]`;
  }
}

const SEARCH_DOC = 'https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search';

describe('pipelines', () => {
  // "The search command is implied at the beginning of any search"; commands are separated by
  // the pipe character; a search that starts with a pipe starts with a generating command.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
  it('reads the implicit search, then one command per pipe', () => {
    const ast = clean('index=main error | stats count by host | sort -count');
    expect(ast.leadingPipe).toBe(false);
    expect(ast.commands.map((c) => [c.kind, c.name])).toEqual([
      ['search', ''],
      ['stats', 'stats'],
      ['sort', 'sort'],
    ]);
    expect(as(ast.commands[0], 'search').implicit).toBe(true);
  });

  it('starts with a generating command after a leading pipe', () => {
    const ast = clean('| tstats count where index=main by host');
    expect(ast.leadingPipe).toBe(true);
    expect(ast.commands.map((c) => c.kind)).toEqual(['stats']);
  });

  it('reads an explicit search command at the start', () => {
    const first = as(clean('search index=main').commands[0], 'search');
    expect(first.implicit).toBe(false);
    expect(first.name).toBe('search');
  });

  it('gives every node offset, line and column; a command spans from its pipe', () => {
    const text = 'index=main\n| where count > 10\n| table host';
    const ast = clean(text);
    const where = as(ast.commands[1], 'where');
    expect(where.span).toMatchObject({ start: 11, line: 2, col: 1 });
    expect(text.slice(where.span.start, where.span.end)).toBe('| where count > 10');
    const right = (where.condition as BinaryExpr).right;
    expect(right).toMatchObject({ kind: 'number', text: '10', span: { line: 2, col: 17 } });
    expect(text.slice(right.span.start, right.span.end)).toBe('10');
  });

  // "Subsearches must be enclosed in square brackets"; the first command of a subsearch needs
  // no pipe (foreach's template need not start with a generating command).
  // https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.0/subsearches
  it('reads subsearches: [search …], [| tstats …], [inputlookup …]', () => {
    const query = searchOf('index=a [search index=b | fields user] [| tstats count by user] [inputlookup admins.csv]');
    expect(searchShape(query)).toBe('(AND index=a [subsearch 2] [subsearch 1] [subsearch 1])');
    const subsearches = query.kind === 'searchAnd' ? query.operands.slice(1) : [];
    expect(subsearches.map((s) => (s.kind === 'subsearch' ? [s.pipeline.leadingPipe, s.pipeline.commands[0]!.name] : []))).toEqual([
      [false, 'search'],
      [true, 'tstats'],
      [false, 'inputlookup'],
    ]);
  });

  it('reports an empty search', () => {
    expect(theError('  ```only a comment```\n')).toMatchObject({ code: 'empty-search', line: 1, col: 1 });
  });

  it('reports a trailing pipe, an empty command, a command that is not a word', () => {
    expect(theError('index=main |')).toMatchObject({ code: 'empty-command', col: 12 });
    expect(theError('index=main | | stats count')).toMatchObject({ code: 'empty-command', col: 12 });
    expect(theError('index=main | "stats" count')).toMatchObject({ code: 'expected-command', col: 14 });
  });

  it('reports an unclosed bracket at the bracket, and an empty subsearch', () => {
    expect(theError('index=a [search index=b | fields user')).toMatchObject({ code: 'unclosed-bracket', col: 9 });
    expect(theError('index=a [ ]')).toMatchObject({ code: 'empty-subsearch', col: 9 });
  });
});

describe('the search language', () => {
  // "The search command evaluates OR before AND": `A=1 AND B=2 OR C=3` is `A=1 AND (B=2 OR C=3)`,
  // and "error NOT 403 OR 404" ANDs error with (NOT 403 OR 404).
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/expressions-and-predicates/boolean-expressions-with-logical-operators
  it('binds NOT, then OR, then AND (written or implied)', () => {
    expect(searchShape(searchOf('A=1 AND B=2 OR C=3'))).toBe('(AND A=1 (OR B=2 C=3))');
    expect(searchShape(searchOf('A=1 B=2 OR C=3'))).toBe('(AND A=1 (OR B=2 C=3))');
    expect(searchShape(searchOf('error NOT 403 OR 404'))).toBe('(AND error (OR (NOT 403) 404))');
    expect(searchShape(searchOf('error NOT (403 OR 404)'))).toBe('(AND error (NOT [(OR 403 404)]))');
  });

  // "The operators must be capitalized."
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/expressions-and-predicates/boolean-expressions-with-logical-operators
  it('reads lower-case and/or/not as search terms, with a warning', () => {
    const { ast, diagnostics } = parseSpl('error or failure');
    expect(searchShape(as(ast.commands[0], 'search').query!)).toBe('(AND error or failure)');
    expect(warningsOf(diagnostics)).toMatchObject([{ code: 'lowercase-operator', col: 7 }]);
  });

  // field=value, field!=value, comparisons, wildcards; spaces around the operator are allowed.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
  it('reads field comparisons with = != < <= > >=, wildcards and quoted values', () => {
    expect(searchShape(searchOf('status!=200 bytes>=1024 x<5 user=adm* TargetUserName=*$ action = "log in"'))).toBe(
      '(AND status!=200 bytes>=1024 x<5 user=adm* TargetUserName=*$ action=log in)',
    );
    const comparison = searchOf('"result.status"="FAIL*"');
    expect(comparison).toMatchObject({ kind: 'searchComparison', field: { name: 'result.status', quoted: true }, value: { value: 'FAIL*', quoted: true } });
  });

  // `field IN (value-list)`: "Use the IN operator … to specify a list of values".
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
  it('reads field IN (…) with quoted, bare and wildcard values', () => {
    expect(searchShape(searchOf('process_name IN ("cmd.exe", powershell*, 4624) NOT user IN(admin)'))).toBe(
      '(AND process_name IN(cmd.exe,powershell*,4624) (NOT user IN(admin)))',
    );
  });

  // CASE(term) matches case-sensitively; TERM(term) matches a whole indexed term: host=CASE(LOCALHOST).
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/search-primer/use-case-and-term-to-match-phrases
  it('reads CASE() and TERM() as terms and as values', () => {
    expect(searchShape(searchOf('host=CASE(LOCALHOST) TERM(127.0.0.1)'))).toBe('(AND host=searchDirective TERM(127.0.0.1))');
  });

  // Backslash escapes \" \\ \| in quoted phrases.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search (section "Quotes and escaping characters")
  it('decodes quoted phrases', () => {
    expect(searchOf('"a \\"quoted\\" \\\\ value"')).toMatchObject({ kind: 'searchTerm', term: { value: 'a "quoted" \\ value', quoted: true } });
  });

  // earliest/latest: [+|-]<time_integer><time_unit>@<time_unit> (the integer defaults to 1), now,
  // an epoch, or %m/%d/%Y:%H:%M:%S; rt modifiers in a search string are an error.
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/specify-time-modifiers-in-your-search
  it('reads time modifiers and checks their values', () => {
    for (const ok of ['-24h@h', '@d', '-h', 'now', '-7d@w1', '-1mon@mon+2d', '0', '1700000000', '"10/19/2018:00:00:00"', '+5m']) {
      expect(searchOf(`earliest=${ok}`), ok).toMatchObject({ kind: 'searchTimeModifier', name: 'earliest' });
    }
    expect(theError('index=a earliest=-24x')).toMatchObject({ code: 'time-modifier', col: 18 });
    expect(theError('latest=yesterday')).toMatchObject({ code: 'time-modifier', col: 8 });
    expect(theError('earliest=rt-5m')).toMatchObject({ code: 'time-modifier' });
  });

  it('reads macros and subsearches as terms, macros as values and in IN lists', () => {
    expect(searchShape(searchOf('`sysmon` EventCode=1 Image=`img` x IN ("a", `b`)'))).toBe('(AND `sysmon` EventCode=1 Image=macro x IN(a,macro))');
  });

  // Splunk accepts commas between search terms (security_content uses them); they separate like spaces.
  it('reads a comma between search terms as a separator', () => {
    expect(searchShape(searchOf('a, b'))).toBe('(AND a b)');
  });

  it('warns that search does not evaluate a function call', () => {
    const { diagnostics } = parseSpl('_time>=relative_time(now(), "-1d")');
    expect(warningsOf(diagnostics).map((d) => d.code)).toEqual(['search-function']);
  });

  it('reports a missing value, an unknown operator, an unclosed group, a dangling AND', () => {
    expect(theError('index=main user= | stats count')).toMatchObject({ code: 'search-value', col: 16 });
    expect(theError('x==1')).toMatchObject({ code: 'search-operator', col: 2 });
    expect(theError('a (b OR c')).toMatchObject({ code: 'unclosed-paren', col: 3 });
    expect(errorCodes('a AND')).toEqual(['search-operand']);
    expect(errorCodes('a OR')).toEqual(['search-operand']);
  });
});

describe('eval expressions', () => {
  // In eval and where, AND is evaluated before OR, and XOR last.
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/expressions-and-predicates/boolean-expressions-with-logical-operators
  it('binds NOT, then AND, then OR, then XOR; keywords in any case', () => {
    expect(shape(whereOf('a=1 OR b=2 AND c=3'))).toBe('(OR (= a 1) (AND (= b 2) (= c 3)))');
    expect(shape(whereOf('a XOR b OR c'))).toBe('(XOR a (OR b c))');
    expect(shape(whereOf('NOT a=1 and b=2'))).toBe('(AND (NOT (= a 1)) (= b 2))');
  });

  // Operators: arithmetic + - * / %, concatenation ".", comparisons, = as a synonym of ==.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval (section "Operators")
  it('reads arithmetic, concatenation and comparison with the usual precedence', () => {
    expect(shape(whereOf('a + b * c - d % 2 > 10 . "x"'))).toBe('(> (- (+ a (* b c)) (% d 2)) (. 10 "x"))');
    expect(shape(whereOf('-x == 1 AND y != .5'))).toBe('(AND (== (- x) 1) (!= y .5))');
    const assignment = as(command('eval new="server-".host'), 'eval').assignments[0]!;
    expect(shape(assignment.value)).toBe('(. "server-" host)');
  });

  // Field names with characters other than letters, digits and _ go in single quotes:
  // '5minutes'="late", new=count+'server-1'.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where
  it('reads single-quoted field names', () => {
    expect(shape(whereOf("'5minutes'=\"late\" OR 'status.errorCode'!=0"))).toBe(`(OR (= '5minutes' "late") (!= 'status.errorCode' 0))`);
  });

  // Functions nest; like(TEXT, PATTERN) and the LIKE operator; in(FIELD, VALUE-LIST) and the IN operator.
  // https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2408/evaluation-functions/comparison-and-conditional-functions
  it('reads function calls, LIKE, IN', () => {
    expect(shape(whereOf('like(x, "a%") OR x LIKE "b%"'))).toBe('(OR like(x, "a%") (LIKE x "b%"))');
    expect(shape(whereOf('in(status, "a", "b") AND user IN ("x", y)'))).toBe('(AND in(status, "a", "b") (IN user "x" y))');
    expect(shape(whereOf('if(isnull(x), 0, round(x * 100 / y, 2)) > 5'))).toBe('(> if(isnull(x), 0, round((/ (* x 100) y), 2)) 5)');
  });

  // Splunk accepts upper-case function names (security_content writes CASE(ISNOTNULL(…), …) and LIKE(…)).
  it('matches function names case-insensitively', () => {
    expect(shape(whereOf('LIKE(x, "%a%") AND ISNOTNULL(y)'))).toBe('(AND LIKE(x, "%a%") ISNOTNULL(y))');
  });

  // Eval functions with their arity, from the Evaluation functions reference.
  // https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions
  it('reports an unknown function and a wrong number of arguments at the function name', () => {
    expect(theError('| eval x=iff(a, 1, 0)')).toMatchObject({ code: 'unknown-eval-function', col: 10 });
    expect(theError('| eval x=if(a, 1)')).toMatchObject({ code: 'eval-arity', message: 'if() takes 3 arguments, given 2' });
    expect(theError('| eval x=case(a, 1, b)')).toMatchObject({ code: 'eval-arity', message: 'case() takes arguments in pairs, given 3' });
    expect(theError('| eval x=round(a, 1, 2)')).toMatchObject({ code: 'eval-arity', message: 'round() takes 1 to 2 arguments, given 3' });
    expect(theError('| eval x=now(1)')).toMatchObject({ code: 'eval-arity', message: 'now() takes 0 arguments, given 1' });
  });

  // bit_and "takes two or more nonnegative integers"; bit_not(<value>, <bitmask>).
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/evaluation-functions/bitwise-functions
  it('knows the bitwise and JSON functions', () => {
    clean('| eval a=bit_and(12, 9), b=bit_not(5), c=bit_shift_left(1, 3), d=json_extract(j, "a.b"), e=json_object("k", 1)');
    expect(theError('| eval a=bit_and(12)')).toMatchObject({ code: 'eval-arity' });
  });

  // "You can chain multiple eval expressions in one search using a comma".
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval
  it('reads comma-separated assignments; targets bare, single- or double-quoted', () => {
    const evalCommand = as(command(`eval a=1, 'b.c'=2, "d e"=3, f-g=4`), 'eval');
    expect(evalCommand.assignments.map((a) => [a.field.name, a.targetQuotes])).toEqual([
      ['a', 'none'],
      ['b.c', 'single'],
      ['d e', 'double'],
      ['f-g', 'none'],
    ]);
  });

  it('reads an eval target up to `=`: `a.b=1` assigns the field a.b', () => {
    const { ast, diagnostics } = parseSpl('| eval a.b=1, c-d=2');
    expect(as(ast.commands[0], 'eval').assignments.map((a) => a.field.name)).toEqual(['a.b', 'c-d']);
    expect(diagnostics).toEqual([]);
  });

  it('warns that an unquoted dotted name is a concatenation', () => {
    const { diagnostics } = parseSpl('| eval u=Authentication.user, v=\'Authentication.user\', w=a . b');
    expect(warningsOf(diagnostics)).toEqual([
      expect.objectContaining({ code: 'dotted-field', col: 10, message: expect.stringContaining("'Authentication.user'") }),
    ]);
  });

  it('reports a missing operand at the operator, a missing comma, an assignment without =', () => {
    expect(theError('| where a > | stats count')).toMatchObject({ code: 'eval-syntax', col: 11 });
    expect(theError('| eval x=1 y=2')).toMatchObject({ code: 'unexpected-token', col: 12 });
    expect(theError('| eval x==1')).toMatchObject({ code: 'eval-target', col: 9 });
    expect(theError('| eval x=round(a, 2')).toMatchObject({ code: 'unclosed-paren', col: 15 });
    expect(theError('| eval x=a + * b')).toMatchObject({ code: 'eval-syntax', col: 14 });
    expect(theError('| where')).toMatchObject({ code: 'missing-expression' });
  });
});

describe('the stats family', () => {
  // stats (stats-function(field) [AS field])... [BY field-list]; count(eval(…)) evaluates per event.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats
  it('reads aggregations, aliases, eval() arguments and BY', () => {
    const stats = as(command('stats count, dc(user) AS users count(eval(action="failure")) as failures BY host, src'), 'stats');
    expect(withoutSpans(stats.head)).toEqual([
      { kind: 'aggregation', fn: 'count', args: null, alias: null },
      { kind: 'aggregation', fn: 'dc', args: [{ kind: 'field', name: 'user', quoted: false }], alias: { kind: 'field', name: 'users', quoted: false } },
      {
        kind: 'aggregation',
        fn: 'count',
        args: [{ kind: 'evalValue', expr: { kind: 'binary', op: '=', left: { kind: 'field', name: 'action', quoted: false }, right: { kind: 'string', value: 'failure' } } }],
        alias: { kind: 'field', name: 'failures', quoted: false },
      },
    ]);
    expect(stats.by.map((f) => (f.kind === 'field' ? f.name : f.name))).toEqual(['host', 'src']);
  });

  // perc<X>, exactperc<X>, upperperc<X> (p<X> for short), and the full function list.
  // https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/statistical-and-charting-functions
  it('knows the statistical functions, percentiles included, in any case', () => {
    clean('| stats perc95(x) p99(x) exactperc99.9(x) upperperc75(x) median(x) mode(x) stdev(x) varp(x) range(x) sumsq(x) estdc(x) earliest_time(x) rate(x) first(x) last(x) list(x) Values(x) DC(x)');
    clean('| chart sparkline(count(x), 1h) by host');
    clean('| timechart span=1h per_second(bytes) by host limit=5');
  });

  it('reports an unknown function (with a hint), a missing field, a wrong arity, a missing aggregation', () => {
    expect(theError('| stats cnt(x) by host')).toMatchObject({ code: 'unknown-stats-function', col: 9, message: expect.stringContaining('did you mean c') });
    expect(theError('| stats dc by host')).toMatchObject({ code: 'stats-arity', message: 'dc needs a field: dc(field)' });
    expect(theError('| stats count(a, b)')).toMatchObject({ code: 'stats-arity' });
    expect(theError('| stats by host')).toMatchObject({ code: 'missing-aggregation' });
  });

  // stats [partitions=<num>] [allnum=<bool>] [delim=<string>] …; streamstats window=, current=, global= ….
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats
  it('checks options against each command', () => {
    clean('| stats allnum=t count by host');
    clean('| streamstats window=5 current=f global=false count by host');
    expect(theError('| stats window=5 count')).toMatchObject({ code: 'unknown-option', col: 9 });
    expect(theError('| timechart spna=1h count')).toMatchObject({ code: 'unknown-option', message: expect.stringContaining('did you mean span') });
  });

  // tstats [options] <stats-func>... [FROM datamodel=<name>] [WHERE <search-query>] [BY <field-list> [span=<timespan>]].
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/tstats
  it('reads tstats: options, macros, FROM, WHERE (search language), BY with span', () => {
    const tstats = as(
      command('| tstats `summariesonly` summariesonly=t count min(_time) as first from datamodel=Endpoint.Processes where Processes.process_name IN ("cmd.exe") NOT Processes.user=SYSTEM by Processes.dest _time span=1h'),
      'stats',
    );
    expect(tstats.head.map((h) => h.kind)).toEqual(['macro', 'option', 'aggregation', 'aggregation']);
    expect(tstats.from).toMatchObject({ kind: 'option', name: 'datamodel', value: { value: 'Endpoint.Processes' } });
    expect(searchShape(tstats.where!)).toBe('(AND Processes.process_name IN(cmd.exe) (NOT Processes.user=SYSTEM))');
    expect(tstats.by.map((f) => f.name)).toEqual(['Processes.dest', '_time']);
    expect(tstats.byOptions).toMatchObject([{ kind: 'option', name: 'span', value: { value: '1h' } }]);
  });

  it('reads chart OVER … BY …, and mstats', () => {
    const chart = as(command('chart count over host by status'), 'stats');
    expect([chart.over?.name, chart.by.map((f) => f.name)]).toEqual(['host', ['status']]);
    clean('| mstats avg(cpu.*) as cpu.* where index=metrics by host span=10s');
  });
});

describe('dedicated command grammars', () => {
  it('bin and bucket: a field, options before or after, AS', () => {
    expect(withoutSpans(as(command('bucket _time span=1h'), 'bin'))).toMatchObject({ field: { name: '_time' }, options: [{ name: 'span' }], alias: null });
    expect(as(command('bin span=5m _time AS t'), 'bin').alias?.name).toBe('t');
    expect(theError('| bin span=1h')).toMatchObject({ code: 'missing-field' });
    expect(theError('| bin _time spam=1h')).toMatchObject({ code: 'unknown-option' });
  });

  it('table and fields: field lists, fields +/-, wildcards, quoted names', () => {
    expect(withoutSpans(as(command('fields - a, b*'), 'fields'))).toMatchObject({ mode: '-', fields: [{ name: 'a' }, { name: 'b*' }] });
    expect(as(command('table _time "Last Seen" user'), 'fields').fields.map((f) => f.name)).toEqual(['_time', 'Last Seen', 'user']);
    expect(theError('| table')).toMatchObject({ code: 'missing-field' });
  });

  // rename <wc-field> AS <wc-field>..., comma-separated; names with spaces in quotes.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/rename
  it('rename: pairs with AS, wildcards, quoted names', () => {
    const rename = as(command('rename src_ip AS src, "Account Name" as user, EU* AS EMEA*'), 'rename');
    expect(rename.renames.map((r) => [r.from.name, r.to.name])).toEqual([
      ['src_ip', 'src'],
      ['Account Name', 'user'],
      ['EU*', 'EMEA*'],
    ]);
    expect(theError('| rename a b')).toMatchObject({ code: 'rename-syntax' });
  });

  // sort [<count>] [-|+]<field> …, num()/str()/ip()/auto(), trailing desc; limit=<int>.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/sort
  it('sort: count, directions (glued or not), typed keys, trailing d|desc', () => {
    const sort = as(command('sort 100 -size, +str(url), ip(ipaddress), - total desc'), 'sort');
    expect(sort.count?.value).toBe('100');
    expect(sort.keys.map((k) => [k.direction, k.fn, k.field.name])).toEqual([
      ['-', null, 'size'],
      ['+', 'str', 'url'],
      [null, 'ip', 'ipaddress'],
      ['-', null, 'total'],
    ]);
    expect(sort.reverse?.value).toBe('desc');
    expect(as(command('sort limit=10 -count'), 'sort').options[0]?.name).toBe('limit');
  });

  it('head and tail: a count, options, an eval expression in parentheses', () => {
    expect(as(command('head 10'), 'head').count?.value).toBe('10');
    expect(shape(as(command('head (x > 1) keeplast=t'), 'head').condition!)).toBe('[(> x 1)]');
    expect(as(command('tail 5'), 'head').count?.value).toBe('5');
  });

  it('dedup, top, rare', () => {
    const dedup = as(command('dedup 2 user, host keepempty=t sortby -_time'), 'dedup');
    expect([dedup.count?.value, dedup.fields.map((f) => f.name), dedup.options[0]?.name, dedup.sortBy[0]?.field.name]).toEqual(['2', ['user', 'host'], 'keepempty', '_time']);
    const top = as(command('top limit=5 user by host'), 'top');
    expect([top.fields.map((f) => f.name), top.by.map((f) => f.name)]).toEqual([['user'], ['host']]);
    clean('| rare 3 src showperc=f');
    expect(theError('| top')).toMatchObject({ code: 'missing-field' });
  });

  // rex [field=<field>] (<regex-expression> [max_match=<int>] | mode=sed <sed-expression>); the
  // regex is in quotes and extracts named groups; sed takes s/…/…/flags or y/…/…/.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.1/search-commands/rex
  it('rex: needs a quoted regular expression with a named group; checks sed expressions', () => {
    expect(withoutSpans(as(command('rex field=_raw "user=(?<user>\\w+)" max_match=0'), 'rex'))).toMatchObject({
      options: [{ name: 'field' }, { name: 'max_match' }],
      pattern: { value: 'user=(?<user>\\w+)' },
    });
    clean('| rex field=x "(?P<a>\\d+)"');
    clean('| rex field=ccnumber mode=sed "s/(\\\\d{4}-){3}/XXXX-XXXX-XXXX-/g"');
    expect(theError('| rex field=x "(\\d+)"')).toMatchObject({ code: 'rex-no-group' });
    expect(theError('| rex field=x "(?<a>\\d+"')).toMatchObject({ code: 'regex-syntax', message: expect.stringContaining('unclosed `(`') });
    expect(theError('| rex field=x "(?<a>[a-z)"')).toMatchObject({ code: 'regex-syntax', message: expect.stringContaining('character class') });
    expect(theError('| rex mode=sed "s/a/b"')).toMatchObject({ code: 'sed-syntax' });
    expect(theError('| rex field=x')).toMatchObject({ code: 'missing-regex' });
  });

  it('regex: field=, field!= or a bare expression', () => {
    expect(withoutSpans(as(command('regex _raw="^\\d+$"'), 'regex'))).toMatchObject({ field: { name: '_raw' }, negated: false });
    expect(as(command('regex src!="^10\\."'), 'regex').negated).toBe(true);
    expect(as(command('regex "abc"'), 'regex').field).toBeNull();
  });

  it('spath: options and an optional path', () => {
    expect(as(command('spath input=json output=a path=b.c'), 'spath').options.map((o) => o.name)).toEqual(['input', 'output', 'path']);
    expect(as(command('spath "a.b{}"'), 'spath').path?.value).toBe('a.b{}');
    clean('| spath');
  });

  it('lookup, inputlookup, outputlookup', () => {
    const lookup = as(command('lookup update=true users uid AS user OUTPUT name AS full_name, dept'), 'lookup');
    expect(lookup.inputs.map((f) => [f.field.name, f.alias?.name])).toEqual([['uid', 'user']]);
    expect(lookup.output?.mode).toBe('OUTPUT');
    expect(lookup.output?.fields.map((f) => [f.field.name, f.alias?.name ?? null])).toEqual([
      ['name', 'full_name'],
      ['dept', null],
    ]);
    expect(as(command('lookup t a OUTPUTNEW b'), 'lookup').output?.mode).toBe('OUTPUTNEW');
    expect(theError('| lookup users')).toMatchObject({ code: 'missing-field' });
    const input = as(command('| inputlookup append=t admins.csv where user=adm*'), 'inputlookup');
    expect([input.table.kind === 'literal' && input.table.value, searchShape(input.where!)]).toEqual(['admins.csv', 'user=adm*']);
    expect(as(command('outputlookup x.csv append=true'), 'outputlookup').options[0]?.name).toBe('append');
  });

  it('join, append, appendpipe, appendcols: options, fields and a subsearch', () => {
    const join = as(command('join type=left user, host [search index=b | fields user host]'), 'join');
    expect([join.options[0]?.name, join.fields.map((f) => f.name), join.subsearch.pipeline.commands.length]).toEqual(['type', ['user', 'host'], 2]);
    expect(as(command('appendpipe [stats count by host]'), 'append').subsearch.pipeline.commands[0]?.kind).toBe('stats');
    clean('| append maxout=100 [| inputlookup x.csv]');
    expect(theError('| join user')).toMatchObject({ code: 'missing-subsearch' });
  });

  // makemv [delim=<string>|tokenizer=<string>] [allowempty=<bool>] [setsv=<bool>] <field>.
  // https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2411/search-commands/makemv
  it('fillnull, mvexpand, makemv, iplocation, fromjson, xmlkv, addtotals', () => {
    expect(as(command('fillnull value=0 a b'), 'fillnull').fields.map((f) => f.name)).toEqual(['a', 'b']);
    clean('| fillnull');
    expect(as(command('mvexpand x limit=5'), 'mvexpand').field.name).toBe('x');
    expect(as(command('makemv delim="," tokenizer="(\\w+)" x'), 'makemv').field.name).toBe('x');
    expect(as(command('iplocation prefix=src_ src_ip'), 'iplocation').field.name).toBe('src_ip');
    expect(as(command('fromjson body prefix=b_'), 'fieldOptions').field?.name).toBe('body');
    expect(as(command('xmlkv'), 'fieldOptions').field).toBeNull();
    expect(as(command('addtotals row=t labelfield=total a b'), 'addtotals').fields.map((f) => f.name)).toEqual(['a', 'b']);
    expect(theError('| mvexpand')).toMatchObject({ code: 'missing-field' });
    expect(theError('| iplocation allfields=t')).toMatchObject({ code: 'missing-field' });
    expect(theError('| makemv delim=","')).toMatchObject({ code: 'missing-field' });
    expect(theError('| fromjson')).toMatchObject({ code: 'missing-field' });
  });

  it('convert: timeformat= and conversion functions with AS', () => {
    const convert = as(command('convert timeformat="%Y-%m-%d" ctime(firstTime) AS first dur2sec(d)'), 'convert');
    expect(convert.conversions.map((c) => [c.fn, c.field.name, c.alias?.name ?? null])).toEqual([
      ['ctime', 'firstTime', 'first'],
      ['dur2sec', 'd', null],
    ]);
    expect(theError('| convert ctyme(x)')).toMatchObject({ code: 'unknown-convert-function' });
  });

  // transaction [field-list] [options]; startswith/endswith take a quoted search, a
  // parenthesized search, or eval(...).
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/transaction
  it('transaction: fields and options, startswith=(search) and endswith=eval(…)', () => {
    const t = as(command('transaction user maxspan=5m startswith=(EventCode=4624) endswith=eval(x > 1) keepevicted=t'), 'transaction');
    expect(t.fields.map((f) => f.name)).toEqual(['user']);
    expect(t.options.map((o) => [o.name, o.value.kind])).toEqual([
      ['maxspan', 'literal'],
      ['startswith', 'searchGroup'],
      ['endswith', 'evalValue'],
      ['keepevicted', 'literal'],
    ]);
    expect(theError('| transaction user maxspam=5m')).toMatchObject({ code: 'unknown-option' });
  });

  // foreach … <subsearch> whose template uses <<FIELD>>, <<MATCHSTR>> ….
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/foreach
  it('foreach: a template with <<FIELD>> placeholders, quoted or not', () => {
    const foreach = as(command("foreach count_* [eval <<FIELD>> = <<FIELD>> * 2, 'avg_<<MATCHSTR>>'=<<MATCHSTR>>_x]"), 'foreach');
    expect(foreach.fields.map((f) => f.name)).toEqual(['count_*']);
    const evalCommand = as(foreach.template.pipeline.commands[0], 'eval');
    expect(evalCommand.assignments.map((a) => [a.field.name, shape(a.value)])).toEqual([
      ['<<FIELD>>', '(* <<FIELD>> 2)'],
      ['avg_<<MATCHSTR>>', '<<MATCHSTR>>_x'],
    ]);
    expect(theError('| eval <<FIELD>>=1')).toMatchObject({ code: 'placeholder' });
  });

  // return [<count>] [<alias>=<field>...] [<field>...] [$<field>...].
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/return
  it('return: a count, alias=field, field, $field', () => {
    const r = as(command('return 10 ip=src_ip host $user'), 'return');
    expect([r.count?.value, r.items.map((i) => [i.alias, i.field.name, i.valueOnly])]).toEqual([
      '10',
      [
        ['ip', 'src_ip', false],
        [null, 'host', false],
        [null, 'user', true],
      ],
    ]);
  });

  // "If you want to specify a row or column options, you must specify all of the row and column options."
  // https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/format
  it('format: options and all six markers or none', () => {
    clean('| format maxresults=10');
    expect(as(command('format "(" "(" "AND" ")" "OR" ")"'), 'format').markers).toHaveLength(6);
    expect(theError('| format "(" "(" "AND"')).toMatchObject({ code: 'format-markers' });
  });

  // from <dataset_type>:<dataset_name> | <dataset_type> <dataset_name>; types datamodel, lookup, savedsearch.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/from
  it('from: type and dataset, with a colon or a space', () => {
    expect(withoutSpans(as(command('| from datamodel:Authentication.Failed'), 'from'))).toMatchObject({ datasetType: 'datamodel', separator: ':', dataset: { value: 'Authentication.Failed' } });
    expect(withoutSpans(as(command('| from datamodel Web.Web'), 'from'))).toMatchObject({ separator: ' ', dataset: { value: 'Web.Web' } });
    expect(as(command('| from lookup:"geo attr"'), 'from').dataset).toMatchObject({ value: 'geo attr', quoted: true });
    expect(theError('| from index:main')).toMatchObject({ code: 'dataset-type' });
  });

  it('makeresults, collect, sendalert, fieldformat', () => {
    expect(as(command('| makeresults count=3 annotate=t'), 'options').options).toHaveLength(2);
    expect(theError('| makeresults cnt=3')).toMatchObject({ code: 'unknown-option' });
    clean('| collect index=summary marker="detc=1" addtime=t');
    expect(as(command('sendalert notable param.severity=high'), 'sendalert').action.value).toBe('notable');
    expect(as(command('fieldformat t=strftime(t, "%F")'), 'eval').assignments).toHaveLength(1);
    expect(theError('| fieldformat a=1, b=2')).toMatchObject({ code: 'fieldformat-one' });
  });
});

describe('the command catalog', () => {
  // Any command name is checked against the built-in commands of the Command quick reference.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/quick-reference/command-quick-reference
  it('accepts built-in commands without a dedicated grammar as raw arguments, subsearches parsed', () => {
    const map = as(command('map maxsearches=10 search="search index=x user=$user$"'), 'generic');
    expect(map.args.map((a) => (a.kind === 'raw' ? a.text : a.kind))).toEqual(['maxsearches', '=', '10', 'search', '=', '"search index=x user=$user$"']);
    clean('| transpose 5 | xyseries a b c | makecontinuous _time span=1h | strcat a "-" b out | rest /services/server/info');
    const union = as(command('| union [search index=a] [search index=b]'), 'generic');
    expect(union.args.map((a) => a.kind)).toEqual(['subsearch', 'subsearch']);
  });

  it('reports an unknown command at its name, with a hint; custom commands may be declared', () => {
    expect(theError('index=a | stast count')).toMatchObject({ code: 'unknown-command', col: 11, message: expect.stringContaining('did you mean stats?') });
    expect(errorCodes('index=a | apply model threshold=0.01')).toEqual(['unknown-command']);
    clean('index=a | apply model threshold=0.01', { customCommands: ['apply'] });
  });

  // Our choice: command names match case-insensitively (Splunk's own convention for keywords such as BY and AS).
  it('matches command names case-insensitively and keeps their spelling', () => {
    const stats = as(command('STATS count BY host'), 'stats');
    expect(stats.name).toBe('STATS');
  });
});

describe('macros as nodes', () => {
  // A macro is `name` or `name(args)` between backticks; it may stand for any part of a search.
  // https://help.splunk.com/en/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/10.0/search-macros
  it('reads macros with arguments; commas inside quotes stay in the argument', () => {
    const macro = searchOf('`m(a, "b, c", f(x, y))`');
    expect(withoutSpans(macro)).toEqual({ kind: 'macro', name: 'm', args: ['a', '"b, c"', 'f(x, y)'] });
  });

  it('reads a macro in command position, in options, in eval, in tstats', () => {
    const ast = clean('`sysmon` | `drop_dm_object_name("Processes")` | eval t=relative_time(now(), `window`) | tstats `so` count');
    expect(ast.commands.map((c) => c.kind)).toEqual(['search', 'macroCommand', 'eval', 'stats']);
    expect(as(ast.commands[1], 'macroCommand').macro).toMatchObject({ name: 'drop_dm_object_name', args: ['"Processes"'] });
  });

  // A macro "can be any part of a search": unexpanded, one where a grammar expects nothing more
  // is not an error; it and what follows are kept as the command's tail.
  // https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.0/search-macros/define-search-macros-in-settings
  it('keeps a macro a grammar cannot place, and what follows it, as the command tail', () => {
    const ast = clean('| eval x=1 `more_assignments` | rename a AS b `more_renames` c AS d | where y > 1 `and_more`');
    expect(ast.commands.map((c) => c.tail.map((a) => (a.kind === 'raw' ? a.text : a.kind)))).toEqual([
      ['`more_assignments`'],
      ['`more_renames`', 'c', 'AS', 'd'],
      ['`and_more`'],
    ]);
    expect(as(ast.commands[1], 'rename').renames).toHaveLength(1);
  });

  it('reports a malformed macro', () => {
    expect(errorCodes('`bad name`')).toEqual(['macro-name']);
    expect(errorCodes('`m(a, b`')).toEqual(['macro-args']);
  });
});

describe('comments', () => {
  // Comments are enclosed in triple backticks and may go anywhere in a search.
  // https://help.splunk.com/splunk-enterprise/search/search-manual/9.3/using-the-search-app/add-comments-to-searches
  it('attaches each comment to the command it appears in (innermost)', () => {
    const ast = clean('```first``` index=a | stats ```inside``` count [search ```sub``` x] | table a ```last```'.replace('count [search ```sub``` x]', 'count'));
    expect(ast.commands.map((c) => c.comments.map((k) => k.text))).toEqual([['first'], ['inside'], ['last']]);
    const join = clean('| join user [search index=b ```sub``` | fields user] ```outer```').commands[0]!;
    expect(join.comments.map((c) => c.text)).toEqual(['outer']);
    expect(as(join, 'join').subsearch.pipeline.commands[0]!.comments.map((c) => c.text)).toEqual(['sub']);
  });
});

describe('errors', () => {
  it('reports a dropped closing quote where the damaged string starts, not only at the end', () => {
    const text = 'index=a user="bob action="login" | stats count by user';
    const errors = errorsOf(parseSpl(text).diagnostics);
    expect(errors.map((e) => e.code)).toContain('unbalanced-quotes');
    expect(errors.find((e) => e.code === 'unbalanced-quotes')?.col).toBe(14);
  });

  it('collects several errors in one pass', () => {
    expect(errorCodes('index=a | stast count | eval x=iff(a) | bin')).toEqual(['unknown-command', 'unknown-eval-function', 'missing-field']);
  });
});
