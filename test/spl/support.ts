// Shared helpers for the SPL front-end tests: the vendored corpus, trees without positions,
// and shorthand for "parses clean" / "reports these codes".
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Command, Pipeline } from '../../generators/spl/ast.ts';
import type { SplDiagnostic } from '../../generators/spl/diagnostics.ts';
import { parseSpl, type SplParseOptions } from '../../generators/spl/parser.ts';

/** A copy of ../shared/corpus (see test/corpus/README.md): CI clones have only the repo. */
const CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url));

export interface CorpusSearch {
  readonly id: string;
  readonly name: string;
  readonly search: string;
}

export interface CorpusMacro {
  readonly name: string;
  readonly arguments: readonly string[] | null;
  readonly definition: string;
}

function readJsonl<T>(file: string): T[] {
  const path = CORPUS_DIR + file;
  expect(existsSync(path), `corpus file ${path} (see test/corpus/README.md)`).toBe(true);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export const corpusSearches = (): CorpusSearch[] => readJsonl<CorpusSearch>('spl-security-content.jsonl');
export const corpusMacros = (): CorpusMacro[] => readJsonl<CorpusMacro>('spl-security-content-macros.jsonl');

/**
 * Commands the corpus uses that are not Splunk built-ins but app commands: `apply` from the
 * Machine Learning Toolkit, `cyberchef` from the CyberChef add-on. Declared, as a user would.
 */
export const CORPUS_CUSTOM_COMMANDS = ['apply', 'cyberchef'] as const;

/** The tree with every `span` removed, for comparing trees of different texts. */
export function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'span')
        .map(([key, v]) => [key, withoutSpans(v)]),
    );
  }
  return value;
}

export const errorsOf = (diagnostics: readonly SplDiagnostic[]): SplDiagnostic[] => diagnostics.filter((d) => d.severity === 'error');
export const warningsOf = (diagnostics: readonly SplDiagnostic[]): SplDiagnostic[] => diagnostics.filter((d) => d.severity === 'warning');

/** Parses text that must have no error; returns the tree. */
export function clean(text: string, options: SplParseOptions = {}): Pipeline {
  const { ast, diagnostics } = parseSpl(text, options);
  expect(errorsOf(diagnostics), text).toEqual([]);
  return ast;
}

/** The only command of `| <text>` (or of `text` when it starts with a pipe or a search). */
export function command(text: string, options: SplParseOptions = {}): Command {
  const ast = clean(text.startsWith('|') ? text : `| ${text}`, options);
  expect(ast.commands).toHaveLength(1);
  return ast.commands[0]!;
}

/** Codes of the errors `text` gets. */
export function errorCodes(text: string, options: SplParseOptions = {}): string[] {
  return errorsOf(parseSpl(text, options).diagnostics).map((d) => d.code);
}

/** The single error `text` gets. */
export function theError(text: string, options: SplParseOptions = {}): SplDiagnostic {
  const errors = errorsOf(parseSpl(text, options).diagnostics);
  expect(errors, text).toHaveLength(1);
  return errors[0]!;
}

/** `c` narrowed to the command kind `kind` (failing the test otherwise). */
export function as<K extends Command['kind']>(c: Command | undefined, kind: K): Extract<Command, { kind: K }> {
  expect(c?.kind).toBe(kind);
  return c as Extract<Command, { kind: K }>;
}
