// Conformance on text we did not write: the 1,711 searches of splunk/security_content. Splunk
// accepts every one of them (corpus README), so each must parse without an error, and print
// back to a text that parses to the same tree.
import { describe, expect, it } from 'vitest';
import { analyzeSpl } from '../../generators/spl/validate.ts';
import { expandMacros, MacroTable } from '../../generators/spl/macros.ts';
import { parseSpl } from '../../generators/spl/parser.ts';
import { printSpl } from '../../generators/spl/printer.ts';
import { CORPUS_CUSTOM_COMMANDS, corpusMacros, corpusSearches, errorsOf, withoutSpans } from './support.ts';

const searches = corpusSearches();
const options = { customCommands: CORPUS_CUSTOM_COMMANDS };

describe('corpus: splunk/security_content searches', () => {
  it('has the 1,711 searches', () => {
    expect(searches).toHaveLength(1711);
  });

  it('parses every search with no error, macros left as macro nodes (MLTK apply and cyberchef declared)', () => {
    const failures = searches
      .map((s) => ({ id: s.id, errors: errorsOf(parseSpl(s.search, options).diagnostics) }))
      .filter((f) => f.errors.length > 0)
      .map((f) => `${f.id}: ${f.errors[0]!.line}:${f.errors[0]!.col} ${f.errors[0]!.message}`);
    expect(failures).toEqual([]);
  });

  it('without the app commands declared, exactly the searches using apply or cyberchef fail, at the command', () => {
    const failing = searches.filter((s) => errorsOf(parseSpl(s.search).diagnostics).length > 0);
    expect(failing.map((s) => s.id)).toEqual(searches.filter((s) => /\|\s*(?:apply|cyberchef)\b/.test(s.search)).map((s) => s.id));
    expect(failing.length).toBe(15);
    for (const s of failing) {
      const errors = errorsOf(parseSpl(s.search).diagnostics);
      expect(errors.every((e) => e.code === 'unknown-command' && /^(apply|cyberchef)$/.test(s.search.slice(e.start, e.end))), s.id).toBe(true);
    }
  });

  it('round-trips every search through the printer: parse → print → parse gives the same tree', () => {
    const mismatches: string[] = [];
    for (const s of searches) {
      const { ast } = parseSpl(s.search, options);
      const printed = printSpl(ast);
      const again = parseSpl(printed, options);
      if (errorsOf(again.diagnostics).length > 0 || JSON.stringify(withoutSpans(again.ast)) !== JSON.stringify(withoutSpans(ast))) {
        mismatches.push(s.id);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('parses every search with no error once the corpus macros are expanded (undefined ones kept)', () => {
    const macros = new MacroTable(corpusMacros().map((m) => ({ name: m.name, args: m.arguments ?? [], definition: m.definition })));
    let expanded = 0;
    const failures: string[] = [];
    for (const s of searches) {
      const expansion = expandMacros(s.search, macros, { undefinedMacros: 'keep' });
      if (expansion.text !== s.search) expanded++;
      const errors = [...expansion.diagnostics, ...errorsOf(parseSpl(expansion.text, options).diagnostics)];
      if (errors.length > 0) failures.push(`${s.id}: ${errors[0]!.message}`);
    }
    expect(failures).toEqual([]);
    expect(expanded).toBeGreaterThan(1700);
  });

  it('parses the whole corpus in well under a second', () => {
    const start = performance.now();
    for (const s of searches) parseSpl(s.search, options);
    const ms = performance.now() - start;
    expect(ms).toBeLessThan(1500);
  });

  // The footgun warnings find real mistakes in published content: `where weekday=Saturday`
  // compares with a field named Saturday.
  it('warns, without erring, on footguns in the corpus', () => {
    const warnings = new Map<string, number>();
    for (const s of searches) {
      const { diagnostics } = analyzeSpl(s.search, options);
      expect(errorsOf(diagnostics), s.id).toEqual([]);
      for (const d of diagnostics) warnings.set(d.code, (warnings.get(d.code) ?? 0) + 1);
    }
    expect(Object.fromEntries(warnings)).toMatchObject({ 'stats-by-time': expect.any(Number), 'where-bare-word': expect.any(Number), 'dotted-field': expect.any(Number) });
    const weekend = searches.find((s) => s.search.includes('weekday=Saturday'))!;
    expect(analyzeSpl(weekend.search, options).diagnostics.filter((d) => d.code === 'where-bare-word').map((d) => weekend.search.slice(d.start, d.end))).toEqual([
      'Saturday',
      'Sunday',
    ]);
  });
});
