// A compiled schema validator kept as ajv's standalone code (generators/rules/schema-validator.ts)
// validates exactly as the one ajv compiles: the same verdict and the same errors (with their
// schema and parent schema: verbose), for the rule schema and the log-source schema, on the
// bundled files and on each of them broken in several ways.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findRuleFiles } from '../../generators/catalog.ts';
import { projectPath } from '../../generators/paths.ts';
import { compileSchema } from '../../generators/rules/schema-validator.ts';

/** A document, and each of its keys removed, set to a wrong type, plus an unknown key and an unknown modifier. */
function brokenVersions(document: Record<string, unknown>): unknown[] {
  const versions: unknown[] = [document, { ...document, surprise: 1 }, [], 'text', null];
  for (const key of Object.keys(document)) {
    const { [key]: _, ...without } = document;
    versions.push(without, { ...document, [key]: 12345 }, { ...document, [key]: 'a string' }, { ...document, [key]: [{ x: 1 }] });
  }
  if (document.match && typeof document.match === 'object') versions.push({ ...document, match: { ...document.match, sel_x: { 'user|nosuchmodifier': 'a' } } });
  return versions;
}

const schemaFile = (name: string) => JSON.parse(readFileSync(projectPath('schemas', name), 'utf8')) as object;

describe('schema validators from the cache', () => {
  for (const [schema, documents] of [
    ['rule.schema.json', () => findRuleFiles(projectPath()).map((f) => parse(readFileSync(f, 'utf8')) as Record<string, unknown>)],
    ['logsource.schema.json', () => readdirSync(projectPath('schemas/logsources')).map((f) => parse(readFileSync(projectPath('schemas/logsources', f), 'utf8')) as Record<string, unknown>)],
  ] as const) {
    it(`${schema}: the kept validator gives ajv's verdicts and errors`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'detc-validators-'));
      const compiled = compileSchema(schemaFile(schema), undefined);
      compileSchema(schemaFile(schema), dir); // compiles and keeps it
      expect(readdirSync(dir).filter((f) => f.endsWith('.cjs'))).toHaveLength(1);
      const kept = compileSchema(schemaFile(schema), dir); // from the file
      let invalid = 0;
      const all = documents().flatMap(brokenVersions);
      for (const document of all) {
        const verdict = compiled(document);
        expect(kept(document)).toBe(verdict);
        expect(kept.errors ?? null).toEqual(compiled.errors ?? null);
        if (!verdict) invalid++;
      }
      // Not vacuous: most versions are broken, and the bundled files are not.
      expect(invalid).toBeGreaterThan(all.length / 2);
      expect(documents().every((d) => compiled(d))).toBe(true);
    });
  }

  it('compiles again when the kept code is damaged, and keeps it anew', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-validators-'));
    compileSchema(schemaFile('logsource.schema.json'), dir);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file!), 'module.exports = 42; throw new Error("damaged")');
    const validate = compileSchema(schemaFile('logsource.schema.json'), dir);
    expect(validate({})).toBe(false);
    expect(readFileSync(join(dir, file!), 'utf8')).toMatch(/^"use strict";/);
  });

  it('keeps the newest 20 validators (those of schemas edited since are never read again)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-validators-'));
    const schema = schemaFile('logsource.schema.json') as { description?: string };
    for (let edit = 0; edit < 23; edit++) compileSchema({ ...schema, description: `edit ${edit}` }, dir);
    expect(readdirSync(dir).filter((f) => f.endsWith('.cjs'))).toHaveLength(20);
    expect(readdirSync(dir).filter((f) => !f.endsWith('.cjs'))).toEqual([]);
  });
});
