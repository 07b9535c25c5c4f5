// validateSpl: what `detc validate search.spl` reports — parse errors, catalog errors, footgun
// warnings, and, given macro definitions, problems inside the expansion placed at the macro.
import { describe, expect, it } from 'vitest';
import { MacroTable } from '../../generators/spl/macros.ts';
import { validateSpl } from '../../generators/spl/validate.ts';

const codes = (text: string, options: Parameters<typeof validateSpl>[1] = {}): string[] => validateSpl(text, options).map((d) => `${d.severity}:${d.code}`);

describe('footguns', () => {
  // stats BY _time groups by each distinct timestamp; "bin _time span=5m | stats … BY host" is
  // how the Search Reference bins first.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats
  it('warns on stats … by _time without binning before it', () => {
    const [d] = validateSpl('index=a | stats count by _time, host');
    expect(d).toMatchObject({ severity: 'warning', code: 'stats-by-time', col: 26 });
    for (const binned of [
      'index=a | bin _time span=1h | stats count by _time',
      'index=a | bucket span=5m _time | stats count by _time',
      'index=a | eval _time=relative_time(_time, "@d") | stats count by _time',
      '| tstats count by _time span=1h | stats sum(count) by _time',
      'index=a | `bucket_macro` | stats count by _time',
      'index=a | timechart span=1h count',
    ]) {
      expect(codes(binned), binned).toEqual([]);
    }
    expect(codes('index=a | eventstats count by _time')).toEqual([]);
  });

  // In where, "field names that … contain non-alphanumeric characters must be in single
  // quotation marks"; a bare word is a field name, a string needs double quotes.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where
  it('warns when where compares a field with a bare word that names no field', () => {
    expect(validateSpl('index=a | where action=success')).toMatchObject([
      { severity: 'warning', code: 'where-bare-word', col: 24, message: expect.stringContaining('"success"') },
    ]);
    expect(validateSpl('index=a | where flag=true OR x=null')).toMatchObject([
      { code: 'where-bare-word', message: expect.stringContaining('flag="true"') },
      { code: 'where-bare-word', message: expect.stringContaining('isnull(x)') },
    ]);
    // Two fields: the right one is defined elsewhere in the search.
    expect(codes('index=a | rename host AS dest | where src=dest')).toEqual([]);
    expect(codes('index=a | where action="success" AND count>5 AND user=host')).toEqual([]);
  });

  it('warns on dotted names in eval and where', () => {
    expect(codes('index=a | where status.errorCode!=0')).toEqual(['warning:dotted-field']);
    expect(codes("index=a | where 'status.errorCode'!=0")).toEqual([]);
  });
});

describe('options', () => {
  it('accepts declared custom commands', () => {
    expect(codes('index=a | apply m')).toEqual(['error:unknown-command']);
    expect(codes('index=a | apply m', { customCommands: ['apply'] })).toEqual([]);
  });

  it('validates the expansion of macros, and reports its problems at the macro call', () => {
    const macros = new MacroTable([
      { name: 'src', args: [], definition: 'index=azure' },
      { name: 'bad_filter', args: [], definition: 'search x | stast count' },
      { name: 'ctime', args: ['f'], definition: 'convert ctime($f$)' },
    ]);
    const text = '`src` user=a\n| `ctime(t)`\n| `bad_filter`';
    expect(validateSpl(text)).toEqual([]);
    expect(validateSpl(text, { macros })).toMatchObject([
      { severity: 'error', code: 'unknown-command', line: 3, col: 3, message: expect.stringMatching(/^in the expansion of `bad_filter`: unknown command `stast`/) },
    ]);
    expect(validateSpl('`nope` x', { macros })).toMatchObject([{ code: 'undefined-macro', col: 1 }]);
    expect(validateSpl('`nope` x', { macros, undefinedMacros: 'keep' })).toEqual([]);
  });

  it('maps positions after an expansion back to the text as written', () => {
    const macros = new MacroTable([
      { name: 'src', args: [], definition: 'index=a sourcetype=b' },
      { name: 'keep', args: [], definition: 'fields user, _time' },
    ]);
    // A macro stage might bin _time; only its expansion shows that it does not.
    const text = '`src`\n| `keep`\n| stats count by _time';
    expect(validateSpl(text)).toEqual([]);
    expect(validateSpl(text, { macros })).toMatchObject([{ code: 'stats-by-time', line: 3, col: 18 }]);
  });
});
