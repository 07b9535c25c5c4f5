// `detc validate` on query files an analyst wrote or pasted: .kql through the Kusto language
// service (against the tables our log sources define), .spl through our SPL front-end.
import { readFileSync, statSync } from 'node:fs';
import { error, warning, type Diagnostic } from './diagnostics.ts';
import { kqlTablesFor, validateKql } from './kql/validate.ts';
import type { LogSource } from './logsources/types.ts';
import { validateSpl } from './spl/validate.ts';

const MAX_QUERY_BYTES = 1024 * 1024;

export interface QueryFileOptions {
  readonly target?: 'defender' | 'sentinel';
  readonly syntaxOnly?: boolean;
  readonly customCommands?: readonly string[];
  readonly logsources: () => ReadonlyMap<string, LogSource>;
}

export function validateQueryFile(file: string, options: QueryFileOptions): Diagnostic[] {
  let text: string;
  try {
    if (statSync(file).size > MAX_QUERY_BYTES) return [error({ file, line: 0, col: 0 }, 'query file is larger than 1 MiB')];
    text = readFileSync(file, 'utf8');
  } catch {
    return [error({ file, line: 0, col: 0 }, 'no such file')];
  }
  if (/\.kql$/i.test(file)) {
    // Kusto reports nothing on a text without a statement; a query file with none is a mistake.
    if (text.replace(/\/\/[^\n]*/g, '').trim() === '') return [error({ file, line: 1, col: 1 }, 'empty-query: the query is empty')];
    const sources = [...options.logsources().values()];
    // Without --target, the query may use the tables of either product.
    const targets = options.target ? [options.target] : (['defender', 'sentinel'] as const);
    const tables = targets.flatMap((t) => kqlTablesFor(sources, t));
    return validateKql(text, tables, { syntaxOnly: options.syntaxOnly }).map((d) =>
      (d.severity === 'error' ? error : warning)({ file, line: d.line, col: d.col }, `${d.code}: ${d.message.replace('; declare app commands with customCommands', '; declare app commands with --custom-command')}`));
  }
  return validateSpl(text, { undefinedMacros: 'keep', customCommands: options.customCommands }).map((d) => (d.severity === 'error' ? error : warning)({ file, line: d.line, col: d.col }, `${d.code}: ${d.message.replace('; declare app commands with customCommands', '; declare app commands with --custom-command')}`));
}
