// Lookups against the tables given to the engine (CSV files on the command line, or rows in
// the API's `lookups` option): lookup, inputlookup, outputlookup.
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/lookup
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/inputlookup
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/outputlookup
// A lookup table is found by its name, with or without `.csv`. Matching is exact and
// case-sensitive (the CSV lookup default, case_sensitive_match = true); a multivalue event
// field matches when any value does; several matching rows give multivalue outputs.
import type { InputLookupCommand, LookupCommand, OutputLookupCommand } from '../../ast.ts';
import { runErrorAt, unsupportedAt, type CompileContext, type CompiledPipeline, type CompiledStage, type RunEnv } from '../context.ts';
import { compileSearchFilter } from '../search.ts';
import { statefulStage, Options } from '../stages.ts';
import { fromValues, textOf, valuesOf, type Row, type Scalar } from '../values.ts';

export function findLookup(env: RunEnv, name: string): Row[] | undefined {
  const candidates = [name, name.endsWith('.csv') ? name.slice(0, -4) : `${name}.csv`];
  for (const c of candidates) {
    const rows = env.lookups.get(c);
    if (rows) return rows;
  }
  return undefined;
}

function tableName(table: LookupCommand['table'], ctx: CompileContext): string {
  if (table.kind === 'macro') throw runErrorAt(ctx, `macro \`${table.name}\` is not defined`, table.span);
  return table.value;
}

export function lookupStage(cmd: LookupCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['local', 'update', 'event_time_field'], ctx, 'lookup');
  if (options.get('event_time_field')) throw unsupportedAt(ctx, 'time-based lookups (event_time_field=)', options.get('event_time_field')!.span);
  const name = tableName(cmd.table, ctx);
  const inputs = cmd.inputs.map((f) => ({ column: f.field.name, field: f.alias?.name ?? f.field.name }));
  const mode = cmd.output?.mode ?? 'OUTPUT';
  const declared = cmd.output?.fields.map((f) => ({ column: f.field.name, field: f.alias?.name ?? f.field.name })) ?? null;
  if ([...inputs, ...(declared ?? [])].some((f) => f.column.includes('*') || f.field.includes('*'))) throw unsupportedAt(ctx, 'lookup with wildcard field names', cmd.span);
  return statefulStage((env, next) => {
    const table = findLookup(env, name);
    if (!table) throw runErrorAt(ctx, `the lookup table '${name}' does not exist (give it as a CSV file)`, cmd.table.span);
    const columns: string[] = [];
    const seen = new Set<string>();
    for (const r of table) for (const k of r.keys()) if (!seen.has(k)) (seen.add(k), columns.push(k));
    for (const i of inputs) if (!seen.has(i.column)) throw runErrorAt(ctx, `the lookup table '${name}' has no column ${i.column}`, cmd.span);
    const outputs = declared ?? columns.filter((c) => !inputs.some((i) => i.column === c)).map((c) => ({ column: c, field: c }));
    // Index the table by its input columns.
    const index = new Map<string, Row[]>();
    for (const r of table) {
      const key = inputs.map((i) => textOf((r.get(i.column) ?? '') as Scalar)).join('\u0000');
      const list = index.get(key);
      if (list) list.push(r);
      else index.set(key, [r]);
    }
    return {
      push: (row) => {
        let keys: string[] = [''];
        for (const [n, i] of inputs.entries()) {
          const values = valuesOf(row.get(i.field));
          if (values.length === 0) {
            keys = [];
            break;
          }
          keys = keys.flatMap((k) => values.map((v) => (n === 0 ? textOf(v) : `${k}\u0000${textOf(v)}`)));
        }
        const matches = keys.flatMap((k) => index.get(k) ?? []);
        if (matches.length === 0) {
          if (mode === 'OUTPUT' && outputs.some((o) => row.get(o.field) !== undefined && row.get(o.field) !== null)) {
            throw unsupportedAt(ctx, 'lookup OUTPUT with no match for a result that already has an output field', cmd.span);
          }
          return next.push(row);
        }
        for (const o of outputs) {
          if (mode === 'OUTPUTNEW' && row.get(o.field) !== undefined && row.get(o.field) !== null) continue;
          const values: Scalar[] = [];
          for (const m of matches) {
            const v = m.get(o.column);
            if (v !== undefined && v !== null && v !== '') values.push(...valuesOf(v));
          }
          const v = fromValues(values);
          if (v === null) row.delete(o.field);
          else row.set(o.field, v);
        }
        return next.push(row);
      },
      end: () => next.end(),
    };
  });
}

/** inputlookup as the first command: the table's rows, filtered by WHERE. */
export function inputlookupSource(cmd: InputLookupCommand, ctx: CompileContext): CompiledPipeline['run'] {
  const rows = inputlookupRows(cmd, ctx);
  return (env, sink) => {
    for (const row of rows(env)) if (!sink.push(row)) break;
    sink.end();
  };
}

/** inputlookup append=true later in a pipeline: the rows after the incoming results. */
export function inputlookupAppendStage(cmd: InputLookupCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['append', 'strict', 'start', 'max'], ctx, 'inputlookup');
  if (!options.bool('append', false)) throw runErrorAt(ctx, 'inputlookup must be the first command (or use append=true)', cmd.span);
  const rows = inputlookupRows(cmd, ctx);
  return statefulStage((env, next) => {
    let open = true;
    return {
      push: (row) => (open = next.push(row)),
      end: () => {
        if (open) for (const row of rows(env)) if (!next.push(row)) break;
        next.end();
      },
    };
  });
}

function inputlookupRows(cmd: InputLookupCommand, ctx: CompileContext): (env: RunEnv) => Row[] {
  const options = new Options(cmd.options, ['append', 'strict', 'start', 'max'], ctx, 'inputlookup');
  const name = tableName(cmd.table, ctx);
  const start = options.int('start', 0);
  const max = options.int('max', 1000000000);
  const filter = cmd.where ? compileSearchFilter(cmd.where, ctx, 'command') : null;
  return (env) => {
    const table = findLookup(env, name);
    if (!table) throw runErrorAt(ctx, `the lookup table '${name}' does not exist (give it as a CSV file)`, cmd.table.span);
    const test = filter?.bind(env);
    const out: Row[] = [];
    for (const r of table.slice(start)) {
      if (out.length >= max) break;
      const copy: Row = new Map([...r].filter(([, v]) => v !== '' && v !== null));
      if (!test || test(copy)) out.push(copy);
    }
    return out;
  };
}

export function outputlookupStage(cmd: OutputLookupCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['append', 'create_empty', 'override_if_empty', 'max', 'key_field', 'allow_updates', 'createinapp', 'create_context', 'output_format'], ctx, 'outputlookup');
  if (options.get('key_field')) throw unsupportedAt(ctx, 'KV store lookups (key_field=)', options.get('key_field')!.span);
  const append = options.bool('append', false);
  const name = tableName(cmd.table, ctx);
  return statefulStage((env, next) => {
    const written: Row[] = [];
    return {
      push: (row) => {
        written.push(new Map(row));
        return next.push(row);
      },
      end: () => {
        const existing = append ? findLookup(env, name) ?? [] : [];
        env.lookups.set(name, [...existing, ...written]);
        next.end();
      },
    };
  });
}
