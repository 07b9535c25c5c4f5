// The printer: tree → SPL text, such that parse → print → parse gives the same tree.
import { describe, expect, it } from 'vitest';
import { NO_SPAN, type Expr, type Pipeline } from '../../generators/spl/ast.ts';
import { parseSpl } from '../../generators/spl/parser.ts';
import { printSpl } from '../../generators/spl/printer.ts';
import { clean, errorsOf, withoutSpans } from './support.ts';

/** Prints `text`'s tree, re-parses the output, and checks both trees agree. Returns the printed text. */
function roundTrip(text: string): string {
  const ast = clean(text);
  const printed = printSpl(ast);
  const again = parseSpl(printed);
  expect(errorsOf(again.diagnostics), printed).toEqual([]);
  expect(withoutSpans(again.ast), printed).toEqual(withoutSpans(ast));
  return printed;
}

describe('round trips', () => {
  it('prints a pipeline on one line with canonical keywords', () => {
    expect(roundTrip('index=main  error\n| stats count as n by host,  src\n| where n>5 | sort - n')).toBe(
      'index=main error | stats count AS n BY host, src | where n > 5 | sort -n',
    );
    expect(roundTrip('| tstats count from datamodel=Web.Web where Web.status=500 by Web.src _time span=1h')).toBe(
      '| tstats count FROM datamodel=Web.Web WHERE Web.status=500 BY Web.src, _time span=1h',
    );
  });

  // Escapes: \" \\ \| in search strings and words; \t also in eval strings (see lexer.test.ts).
  it('re-escapes strings and words so that their decoded values survive', () => {
    roundTrip('x="a \\"q\\" \\\\ b" y=a\\|b z="c:\\\\temp\\d" path=D:\\\\dir');
    roundTrip('| eval s="tab\\there", t="back\\\\slash\\t", u="\\"q\\""');
    roundTrip("| where 'it\\'s'=1 AND 'a\\\\b'=2");
    roundTrip('| rex field=_raw "(?<x>\\d+)\\s\\\\\\\\(?<y>[^\\"]+)"');
  });

  it('keeps the structure of search and eval expressions (groups, NOT, IN, directives)', () => {
    roundTrip('(a OR b) c NOT (d e) x IN (1, "two", `m`) host=CASE(X) TERM(1.2.3.4) earliest=-1d@d');
    roundTrip('| eval x=if((a + b) * c > 1 AND NOT d LIKE "x%" OR e IN ("a", "b"), -f, .5) . "s"');
  });

  it('keeps macros, subsearches, comments, foreach placeholders, glued names', () => {
    roundTrip('`m(a, "b, c")` [search index=x | fields user] ```note``` | `drop(x)` | tstats `so` count');
    roundTrip('| foreach a_* [eval <<FIELD>>=<<FIELD>> * 2, \'x_<<MATCHSTR>>\'=1]');
    roundTrip('| stats values(aceFlags) as aceFlags(inheritance) | fields - predicted(score)');
    roundTrip('| eval feature_-value=1, "Logon Type"=2');
    roundTrip('| eval x=1 `more_assignments(a)` | where y > 1 `and_more` | rename a AS b `renames` [search z]');
  });

  it('keeps generic commands token for token', () => {
    expect(roundTrip('| map search="search x=$y$" maxsearches=5 | strcat a "-" b out | outlier action=remove')).toBe(
      '| map search="search x=$y$" maxsearches=5 | strcat a "-" b out | outlier action=remove',
    );
  });

  it('prints every dedicated grammar back', () => {
    roundTrip(
      [
        '| inputlookup append=t x.csv where user=a*',
        'lookup update=true users uid AS user OUTPUT name AS full_name dept',
        'rename a AS b, "c d" AS e',
        'bin span=1h _time AS t',
        'dedup 2 a, b keepempty=t sortby -_time',
        'top limit=5 user BY host',
        'rex field=x mode=sed "s/a/b/g"',
        'regex src!="^10\\."',
        'spath input=j path=a.b',
        'join type=left user [| inputlookup y.csv]',
        'appendpipe [stats count]',
        'fillnull value=0 a b',
        'mvexpand x limit=3',
        'makemv delim="," x',
        'convert timeformat="%Y" ctime(t) AS tt',
        'iplocation prefix=s_ ip',
        'transaction user startswith=(EventCode=1) endswith=eval(x > 1)',
        'fromjson body prefix=b_',
        'xmlkv',
        'addtotals row=t a b',
        'return 5 ip=src host $user',
        'format "(" "(" "AND" ")" "OR" ")"',
        'head 10 keeplast=t',
        'sort 0 -num(x), +y desc',
        'fields + a, b',
        'outputlookup z.csv append=true',
        'collect index=summary',
        'sendalert act param.x=1',
        'fieldformat t=strftime(t, "%F")',
      ].join(' | '),
    );
    roundTrip('| from datamodel:"Authentication.Failed" | append [| from lookup x]');
    roundTrip('| makeresults count=2 | chart count OVER a BY b | timechart span=1h count BY h limit=5');
  });
});

describe('trees built by hand', () => {
  const span = NO_SPAN;
  const field = (name: string): Expr => ({ kind: 'field', name, quoted: false, span });

  it('adds the parentheses precedence requires and quotes what cannot be bare', () => {
    const sum: Expr = { kind: 'binary', op: '+', left: field('a'), right: field('b'), span };
    const product: Expr = { kind: 'binary', op: '*', left: sum, right: { kind: 'binary', op: '-', left: field('c'), right: field('d'), span }, span };
    const pipeline: Pipeline = {
      kind: 'pipeline',
      leadingPipe: true,
      span,
      commands: [
        {
          kind: 'eval',
          name: 'eval',
          tail: [],
          comments: [],
          span,
          assignments: [{ kind: 'assignment', field: { kind: 'field', name: 'status.code', quoted: false, span }, targetQuotes: 'single', value: product, span }],
        },
        {
          kind: 'search',
          name: 'search',
          implicit: false,
          tail: [],
          comments: [],
          span,
          query: {
            kind: 'searchAnd',
            span,
            operands: [
              { kind: 'searchOr', span, operands: [{ kind: 'searchTerm', span, term: { kind: 'literal', value: 'two words', quoted: false, span } }, { kind: 'searchTerm', span, term: { kind: 'literal', value: 'OR', quoted: false, span } }] },
              { kind: 'searchTerm', span, term: { kind: 'literal', value: 'a|b', quoted: false, span } },
            ],
          },
        },
      ],
    };
    expect(printSpl(pipeline)).toBe(`| eval 'status.code'=(a + b) * (c - d) | search "two words" OR "OR" a\\|b`);
    expect(errorsOf(parseSpl(printSpl(pipeline)).diagnostics)).toEqual([]);
  });
});
