// `detc validate` on query files an analyst wrote or pasted: .kql through the Kusto language
// service (against the tables our log sources define), .spl through our SPL front-end.
import { readFileSync, statSync } from 'node:fs';
import { error, warning, type Diagnostic } from './diagnostics.ts';
import { kqlAnalysesApart } from './kql/analysis-apart.ts';
import type { KqlTableSchema } from './kql/language-service.ts';
import { kqlAnalysisDiagnostics, kqlTablesFor, validateKql } from './kql/validate.ts';
import type { LogSource } from './logsources/types.ts';
import { validateSpl } from './spl/validate.ts';

const MAX_QUERY_BYTES = 1024 * 1024;

export interface QueryFileOptions {
  readonly target?: 'defender' | 'sentinel';
  readonly syntaxOnly?: boolean;
  readonly customCommands?: readonly string[];
  readonly logsources: () => ReadonlyMap<string, LogSource>;
}

/**
 * The diagnostics of each query file, in order: .kql through Kusto's analysis (all at once, in a
 * process from its V8 snapshot when the CLI has one, kql/analysis-apart.ts: loading Kusto here
 * would cost more than the analyses), or its parser alone with `syntaxOnly`; .spl through ours.
 */
export async function validateQueryFiles(files: readonly string[], options: QueryFileOptions): Promise<Diagnostic[]> {
  const read = files.map((file) => ({ file, text: readQueryFile(file) }));
  const isKql = (file: string) => /\.kql$/i.test(file);
  const analysable = options.syntaxOnly ? [] : read.flatMap(({ file, text }) => (typeof text === 'string' && isKql(file) && !isEmptyKql(text) ? [{ file, text }] : []));
  const tables = analysable.length ? kqlFileTables(options) : [];
  const trees = await kqlAnalysesApart(analysable.map(({ text }) => ({ text, tables })));
  const analysed = new Map(analysable.map(({ file }, i) => [file, trees[i]!]));
  return read.flatMap(({ file, text }) => {
    if (typeof text !== 'string') return [text];
    if (!isKql(file)) return validateSpl(text, { undefinedMacros: 'keep', customCommands: options.customCommands }).map((d) => located(file, d));
    // Kusto reports nothing on a text without a statement; a query file with none is a mistake.
    if (isEmptyKql(text)) return [error({ file, line: 1, col: 1 }, 'empty-query: the query is empty')];
    const tree = analysed.get(file);
    return (tree ? kqlAnalysisDiagnostics(tree) : validateKql(text, [], { syntaxOnly: true })).map((d) => located(file, d));
  });
}

function located(file: string, d: { severity: string; line: number; col: number; code: string; message: string }): Diagnostic {
  return (d.severity === 'error' ? error : warning)({ file, line: d.line, col: d.col }, `${d.code}: ${d.message.replace('; declare app commands with customCommands', '; declare app commands with --custom-command')}`);
}

/** The file's text, or why there is none. */
function readQueryFile(file: string): string | Diagnostic {
  try {
    if (statSync(file).size > MAX_QUERY_BYTES) return error({ file, line: 0, col: 0 }, 'query file is larger than 1 MiB');
    return readFileSync(file, 'utf8');
  } catch {
    return error({ file, line: 0, col: 0 }, 'no such file');
  }
}

const isEmptyKql = (text: string): boolean => text.replace(/\/\/[^\n]*/g, '').trim() === '';

/** The tables a .kql file is checked against: those of --target's product, or (without) of both. */
function kqlFileTables(options: QueryFileOptions): KqlTableSchema[] {
  const sources = [...options.logsources().values()];
  const targets = options.target ? [options.target] : (['defender', 'sentinel'] as const);
  return targets.flatMap((t) => kqlTablesFor(sources, t));
}
