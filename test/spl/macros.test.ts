// Search macros: macros.conf definitions and expansion.
import { describe, expect, it } from 'vitest';
import { expandMacros, MacroTable, parseMacrosConf } from '../../generators/spl/macros.ts';
import { corpusMacros } from './support.ts';

const table = (...defs: [name: string, args: string[], definition: string][]): MacroTable =>
  new MacroTable(defs.map(([name, args, definition]) => ({ name, args, definition })));

describe('macros.conf', () => {
  // "The stanza name is the name of the macro if the macro takes no arguments. Otherwise, the
  // stanza name is the macro name appended with "(<numargs>)""; args = comma-separated names;
  // "Macros can be overloaded"; a value continues on the next line after a backslash.
  // https://help.splunk.com/en/data-management/splunk-enterprise-admin-manual/10.0/10.0.0-configuration-file-reference/macros.conf
  it('reads stanzas with and without arguments, overloads, continuation lines, iseval', () => {
    const { macros, diagnostics } = parseMacrosConf(
      [
        '# comment',
        '[detc_entra_signin]',
        'definition = index=azure sourcetype="azure:aad:signin"',
        '',
        '[ctime(1)]',
        'args = field',
        'definition = convert timeformat="%F" \\',
        '  ctime($field$)',
        '',
        '[ctime(2)]',
        'args = field, format',
        'definition = convert timeformat="$format$" ctime($field$)',
        '',
        '[now_text]',
        'definition = strftime(now(), "%F")',
        'iseval = 1',
      ].join('\n'),
    );
    expect(diagnostics).toEqual([]);
    expect(macros.size).toBe(4);
    expect(macros.get('detc_entra_signin', 0)?.definition).toBe('index=azure sourcetype="azure:aad:signin"');
    expect(macros.get('ctime', 1)).toMatchObject({ args: ['field'], definition: 'convert timeformat="%F" \n  ctime($field$)' });
    expect(macros.get('ctime', 2)?.args).toEqual(['field', 'format']);
    expect(macros.get('now_text', 0)?.iseval).toBe(true);
  });

  it('reports a stanza without definition and an args list of the wrong length, at the stanza', () => {
    const { diagnostics } = parseMacrosConf('[a(2)]\nargs = x\ndefinition = $x$\n[b]\nargs =\n');
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['macro-args', 1],
      ['macro-definition', 4],
    ]);
  });
});

describe('expansion', () => {
  // `name` is replaced by its definition; `name(args)` also substitutes $arg$.
  // https://help.splunk.com/en/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/10.0/search-macros
  it('substitutes definitions and positional arguments, recursively', () => {
    const macros = table(['src', [], 'index=a `st`'], ['st', [], 'sourcetype=x'], ['f', ['field', 'v'], '$field$=$v$']);
    expect(expandMacros('`src` `f(user, "a b")` | stats count', macros)).toMatchObject({
      text: 'index=a sourcetype=x user="a b" | stats count',
      diagnostics: [],
    });
  });

  // "You can insert `iis_search(fragment=TM)` into your search string" (named arguments).
  // https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.3/search-macros/search-macro-examples
  it('binds named arguments', () => {
    const macros = table(['iis_search', ['fragment'], 'sourcetype="iis" cs_username!="-" /$fragment$/ .pdf']);
    expect(expandMacros('`iis_search(fragment=TM)`', macros).text).toBe('sourcetype="iis" cs_username!="-" /TM/ .pdf');
  });

  // "Macros inside of quoted values are not expanded": "audit`users`local".
  // https://help.splunk.com/en/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/10.0/search-macros
  it('leaves backticks inside quoted strings alone', () => {
    expect(expandMacros('x="audit`users`local"', table(['users', [], 'bad'])).text).toBe('x="audit`users`local"');
  });

  it('chooses the overload by the number of arguments, and reports a wrong number', () => {
    const macros = table(['m', ['a'], 'one=$a$'], ['m', ['a', 'b'], 'two=$a$,$b$']);
    expect(expandMacros('`m(1)` `m(1, 2)`', macros).text).toBe('one=1 two=1,2');
    expect(expandMacros('`m`', macros).diagnostics).toMatchObject([{ code: 'macro-arity', message: 'macro `m` takes 1 or 2 argument(s), given 0', col: 1 }]);
  });

  it('reports undefined macros (or keeps them), cycles and eval-based macros at the call', () => {
    expect(expandMacros('a `nope` b', table()).diagnostics).toMatchObject([{ code: 'undefined-macro', col: 3 }]);
    expect(expandMacros('a `nope` b', table(), { undefinedMacros: 'keep' })).toMatchObject({ text: 'a `nope` b', diagnostics: [] });
    const cycle = expandMacros('`a`', table(['a', [], 'x `b`'], ['b', [], '`a`']));
    expect(cycle.diagnostics).toMatchObject([{ code: 'macro-cycle', message: 'in macro `a`: in macro `b`: macro `a` expands into itself (a → b → a)' }]);
    expect(expandMacros('`e`', new MacroTable([{ name: 'e', args: [], definition: '"x"', iseval: true }])).diagnostics).toMatchObject([{ code: 'macro-iseval' }]);
  });

  it('maps offsets of the expanded text back to the original', () => {
    const e = expandMacros('a `m` b', table(['m', [], 'xyz']));
    expect(e.text).toBe('a xyz b');
    expect([0, 2, 3, 4, 6].map(e.sourceOffset)).toEqual([0, 2, 2, 2, 6]);
    expect(e.macroAt(3)).toEqual({ name: 'm', start: 2, end: 5 });
    expect(e.macroAt(0)).toBeNull();
  });

  it("expands security_content's own macros", () => {
    const macros = new MacroTable(corpusMacros().map((m) => ({ name: m.name, args: m.arguments ?? [], definition: m.definition })));
    expect(macros.size).toBe(189);
    expect(expandMacros('| `security_content_ctime(firstTime)`', macros).text).toBe('| convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime)');
  });
});
