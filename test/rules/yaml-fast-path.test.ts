// js-yaml reads the rule files the `yaml` library would read the same (generators/rules/
// yaml-document.ts, fastYamlData): whenever js-yaml's reading is taken, the `yaml` library, with
// the options that decide what a rule file may be, accepts the text too and gives the same data,
// to the key order and the sign of zero. Checked on every YAML file we ship and on generated
// documents built from what YAML 1.2's core schema resolves differently from YAML 1.1 and
// JSON (https://yaml.org/spec/1.2.2/#1032-tag-resolution): numbers in every base and spelling,
// the 1.1 booleans, nulls, timestamps, tags, anchors, merge keys, escapes, every block scalar
// header; plus what one library may refuse and the other not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../generators/paths.ts';
import { fastYamlData, parseYamlDocument } from '../../generators/rules/yaml-document.ts';

/** What the `yaml` library makes of `text` with the options of yaml-document.ts, or why it refuses it. */
function yamlLibraryData(text: string): { data: unknown } | { refused: string } {
  const document = parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: true, prettyErrors: false, strict: true });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) return { refused: problem.message };
  try {
    return { data: document.toJS({ maxAliasCount: 50 }) };
  } catch (e) {
    return { refused: (e as Error).message };
  }
}

/** Data compared exactly: key order, -0, NaN, and the difference between a missing value and null. */
function exactly(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `number ${v}` : Object.is(v, -0) ? 'number -0' : v === undefined ? 'undefined' : v));
}

/** The fast path's promise for one text: when it reads it, the `yaml` library reads the same. */
function expectSameReading(text: string): boolean {
  const fast = fastYamlData(text);
  if (fast === undefined) return false;
  const reference = yamlLibraryData(text);
  expect('data' in reference ? exactly(reference.data) : reference.refused, text).toBe(exactly(fast));
  return true;
}

/** Plain scalars whose type depends on the schema, and text that is not a plain scalar at all. */
const PLAIN = [
  '0', '-0', '+0', '00', '012', '08', '0o12', '0o8', '0O12', '0x1F', '0X1F', '0x', '0xG', '0b101', '+0x1', '-0x1', '-0o7', '1_000', '1__0', '_1', '1_', '0x_1',
  '1e3', '1E3', '1e+3', '1.5e-3', '1e400', '-1e400', '.5', '5.', '+.5', '-.5', '0.', '0e0', '.', '..', '-.', '+', '-', '1.2.3', '1,000', '9007199254740993', '123456789012345678901234567890',
  '.inf', '.Inf', '.INF', '-.inf', '+.inf', '.iNf', '.nan', '.NaN', '.NAN', 'NaN', 'nan', 'inf', 'Infinity',
  'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'Yes', 'no', 'NO', 'on', 'off', 'y', 'n',
  '~', 'null', 'Null', 'NULL', 'nULL', '',
  '2026-07-01', '2026-07-01T09:00:00Z', '2026-07-01 09:00:00.5 +01:00', '12:30:00', '1:20', '190:20:30',
  'a', 'a b', 'a#b', 'a #b', 'a:b', 'a: b', 'a :b', 'http://x.y/z?q=1#f', '$1', 'ä—≥', 'a\u00a0b', '\ufeffa',
  '@a', '`a', '%a', '&a', '*a', '!a', '!!str 1', '!!int 3', '!!int x', '!!float 3', '!!bool yes', '!!null', '!!binary aGk=', '!!timestamp 2026-07-01', '!!set', '!local x',
  '|', '>', '[a]', '[a, 1, yes]', '{a: 1}', '{a: 1, a: 2}', '[]', '{}', '"a"', "'a'", '"a', "'a", 'a"b', "a'b", '? a', ': a', '- a', '-a', '--- a', '... a', '<<',
  'a\tb', '\ta', 'a ', ' ',
];

/** Double-quoted escapes, the valid ones and some that are not (https://yaml.org/spec/1.2.2/#57-escaped-characters). */
const ESCAPES = ['\\n', '\\t', '\\\t', '\\x41', '\\u00e9', '\\U0001F600', '\\N', '\\_', '\\L', '\\P', '\\0', '\\a', '\\b', '\\e', '\\f', '\\r', '\\v', '\\/', '\\ ', '\\"', '\\\\', '\\q', '\\x4', '\\u12', '\\\n  '];

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
const text = fc.array(fc.oneof(fc.constantFrom('a', 'b', ' ', '  ', '#', ':', '-', '"', "'", '\\', '—', 'é', '\t', '\n', '\n\n', '\r\n'), word), { maxLength: 8 }).map((parts) => parts.join(''));

/** One scalar value as written after `key: ` at indentation `indent`. */
/** Plain scalars without the characters yaml-document.ts leaves to the `yaml` library, drawn more often. */
const PLAIN_COMMON = PLAIN.filter((p) => !/[\t!&*\ufeff]/.test(p));

const scalar = (indent: string): fc.Arbitrary<string> =>
  fc.oneof(
    rarely(fc.constantFrom(...PLAIN_COMMON), fc.constantFrom(...PLAIN)),
    text.map((t) => `'${t.replace(/'/g, "''")}'`),
    text.map((t) => `'${t}'`),
    fc.array(fc.oneof(text.map((t) => t.replace(/["\\]/g, '')), fc.constantFrom(...ESCAPES)), { maxLength: 6 }).map((parts) => `"${parts.join('')}"`),
    fc.tuple(
      fc.constantFrom('|', '>'),
      fc.constantFrom('', '-', '+'),
      fc.constantFrom('', '1', '2'),
      fc.array(fc.tuple(fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('', 'line', 'more  words', 'ends in space ', '# not a comment', 'key: value')), { minLength: 0, maxLength: 5 }),
      fc.constantFrom('', '\n', '\n\n'),
      fc.boolean(),
    ).map(([style, chomp, width, lines, after, chompFirst]) => `${style}${chompFirst ? chomp + width : width + chomp}\n${lines.map(([extra, line]) => (line ? `${indent}  ${extra}${line}` : extra)).join('\n')}${after}`),
    fc.array(fc.constantFrom(...PLAIN.filter((p) => !/[\[\]{},#]/.test(p))), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
    // A plain scalar over several lines (folded into one, https://yaml.org/spec/1.2.2/#733-plain-style).
    fc.array(fc.oneof(word, fc.constantFrom(...PLAIN_COMMON.filter((p) => p && !/[:#]/.test(p)))), { minLength: 2, maxLength: 3 }).chain((words) => fc.constantFrom('  ', '    ', '', '\n  ').map((more) => words.join(`\n${indent}${more}`))),
  );

const key = fc.oneof({ weight: 5, arbitrary: word }, { weight: 1, arbitrary: fc.constantFrom(...PLAIN.filter((p) => p && !/[:#\n]/.test(p))) }, { weight: 1, arbitrary: fc.constantFrom('<<', '__proto__', 'constructor', '"quoted key"', "'k'", '? complex', '&anchor k', '1', '-1') });

/** A mapping at `indent`, of scalars, sequences and (depth permitting) mappings, with comments here and there. */
const mapping = (indent: string, depth: number): fc.Arbitrary<string> =>
  fc.array(
    fc.tuple(
      key,
      fc.oneof(
        { weight: 4, arbitrary: scalar(indent).map((v) => ` ${v}`) },
        { weight: 1, arbitrary: fc.array(scalar(`${indent}  `), { minLength: 1, maxLength: 3 }).chain((items) => fc.constantFrom('', '  ').map((dash) => `\n${items.map((v) => `${indent}${dash}- ${v}`).join('\n')}`)) },
        { weight: depth > 0 ? 1 : 0, arbitrary: fc.constant(undefined).chain(() => mapping(`${indent}  `, depth - 1).map((m) => `\n${m}`)) },
        { weight: 1, arbitrary: rarely(fc.constantFrom('', ' # comment'), fc.constantFrom(' &a 1', ' *a', ' !!str', ' !!map {}', ' {a: *b}')) },
      ),
      fc.constantFrom('', '', '', ' # note', '\n# a comment line', '\n'),
    ),
    { minLength: 1, maxLength: 6 },
  ).map((entries) => entries.map(([k, v, after]) => `${indent}${k}:${v}${after}`).join('\n'));

const rarely = <T>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: rare });
const documentText = fc
  .tuple(rarely(fc.constantFrom('', '# leading comment\n'), fc.constantFrom('---\n', '%YAML 1.2\n---\n', '\ufeff')), mapping('', 2), rarely(fc.constantFrom('\n', ''), fc.constantFrom('\n...\n', '\n---\nsecond: 1\n')))
  .map(([head, body, tail]) => `${head}${body}${tail}`);

describe('the fast path of YAML reading (js-yaml where the `yaml` library would read the same)', () => {
  it('reads every YAML file we ship as the `yaml` library does', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && !['node_modules', '.git'].includes(entry.name)) walk(path);
        else if (/\.ya?ml$/.test(entry.name)) files.push(path);
      }
    };
    walk(projectPath());
    expect(files.length).toBeGreaterThan(30);
    const taken = files.filter((file) => expectSameReading(readFileSync(file, 'utf8')));
    // Most take the fast path; those whose tests quote a value such as "True" do not.
    expect(taken.length).toBeGreaterThan(files.length / 2);
  });

  it('reads generated documents as the `yaml` library does, or leaves them to it', () => {
    let taken = 0;
    let left = 0;
    fc.assert(
      fc.property(documentText, (text) => {
        if (expectSameReading(text)) taken++;
        else left++;
      }),
      { numRuns: Number(process.env.YAML_RUNS ?? 4000), seed: Number(process.env.YAML_SEED ?? 20261123) },
    );
    // Both ways are exercised: the generator is not all refusals, nor all easy cases.
    expect(taken).toBeGreaterThan((taken + left) / 20);
    expect(left).toBeGreaterThan((taken + left) / 20);
  });

  it('leaves to the `yaml` library every text on which the two were found to part', () => {
    // Each a shrunk counterexample of the generated documents above, before yaml-document.ts left it to `yaml`.
    const found = [
      'a: -1e400\n', // js-yaml "-1e400", yaml -Infinity
      'a:\n- |\n    line\n\t\n', // js-yaml takes the tab-only line, yaml refuses it
      'a:\n- !!float 3\n- 0\n', // js-yaml 3, yaml refuses the tag
      'a: |1\n  \na0: |\n\n', // " \n" or ""
      '# leading comment\n\ufeffa: []\na:\n  a: 0\n', // js-yaml keys "\ufeffa" and "a", yaml: duplicate key
      '... a: 0\n', // js-yaml reads it, yaml refuses it
      '<<: "\\\n  \r\n "\n', // "" or " "
      '&a:\na: 0\n', // yaml: an anchor ending in : is ambiguous
      "aa:\n- ''a:  b:'\nb: 0\n", // js-yaml reads it, yaml refuses it
      'a: "\\\n  \n\n "\n', // "" or "\n"
      'a: |+\n\n ', // "\n\n" or "\n"
    ];
    for (const text of found) expect(fastYamlData(text), JSON.stringify(text)).toBeUndefined();
  });

  it('leaves to the `yaml` library what only it can judge: aliases, tags it refuses, documents that are not mappings', () => {
    for (const text of ['a: &x [1]\nb: *x\n', 'a: !!binary aGk=\n', 'a: !local x\n', '- 1\n- 2\n', '"text"\n', '', '# nothing\n', 'a: 1\n---\nb: 2\n', 'a: 1\na: 2\n']) {
      expect(fastYamlData(text), text).toBeUndefined();
    }
    // …whose messages, positions and refusals are what they were.
    expect(parseYamlDocument('x.yml', 'a: 1\na: 2\n').diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^YAML: Map keys must be unique/)]);
  });

  it('finds where a part of a fast-read document is, by the `yaml` library, when asked', () => {
    const text = 'id: 1\nmatch:\n  legacy:\n    client_app: [IMAP4, POP3]\n';
    expect(fastYamlData(text)).toBeDefined();
    const doc = parseYamlDocument('r.yml', text).doc!;
    expect(doc.locate(['match', 'legacy', 'client_app'], { key: true })).toEqual({ file: 'r.yml', line: 4, col: 5 });
  });
});
