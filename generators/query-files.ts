// `detc validate` on query files an analyst wrote or pasted: .kql through the Kusto language
// service (against the tables our log sources define), .spl through our SPL front-end.
import { readFileSync, statSync } from 'node:fs';
import { error, warning, type Diagnostic } from './diagnostics.ts';
import { kqlAnalysesApart } from './kql/analysis-apart.ts';
import type { KqlAnalysedTree, KqlTableSchema } from './kql/language-service.ts';
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
 * validateQueryFile of each file, in order. Kusto analyses the .kql files all at once, in a
 * process from its V8 snapshot when the CLI has one (kql/analysis-apart.ts): loading Kusto
 * here would cost more than the analyses.
 */
export async function validateQueryFiles(files: readonly string[], options: QueryFileOptions): Promise<Diagnostic[]> {
  const kqlFiles = options.syntaxOnly ? [] : files.filter((file) => /\.kql$/i.test(file));
  const tables = kqlFiles.length ? kqlFileTables(options) : [];
  const kql = kqlFiles.flatMap((file) => {
    const text = readQueryFile(file);
    return typeof text === 'string' && !isEmptyKql(text) ? [{ file, text, tables }] : [];
  });
  const analysed = new Map((await kqlAnalysesApart(kql)).map((tree, i) => [kql[i]!.file, tree]));
  return files.flatMap((file) => validateQueryFile(file, options, analysed.get(file)));
}

/**
 * One query file's diagnostics; for a .kql, from `analysed` when given (Kusto's analysis of its
 * text against kqlFileTables(options)).
 */
export function validateQueryFile(file: string, options: QueryFileOptions, analysed?: KqlAnalysedTree): Diagnostic[] {
  const text = readQueryFile(file);
  if (typeof text !== 'string') return [text];
  if (/\.kql$/i.test(file)) {
    // Kusto reports nothing on a text without a statement; a query file with none is a mistake.
    if (isEmptyKql(text)) return [error({ file, line: 1, col: 1 }, 'empty-query: the query is empty')];
    return (analysed ? kqlAnalysisDiagnostics(analysed) : validateKql(text, kqlFileTables(options), { syntaxOnly: options.syntaxOnly })).map((d) => located(file, d));
  }
  return validateSpl(text, { undefinedMacros: 'keep', customCommands: options.customCommands }).map((d) => located(file, d));
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
