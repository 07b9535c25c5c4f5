// `detc run query.spl|query.kql --events export`: a hunt an analyst wrote (or copied from
// dist/) run on an exported log by our engines, with each language's own semantics.
import { readFileSync } from 'node:fs';
import { error, InputError } from './diagnostics.ts';
import { runKql, KqlRunError, KqlUnsupportedError } from './kql/engine/index.ts';
import { kqlTablesFor } from './kql/validate.ts';
import { profileOf } from './logsources/loader.ts';
import type { LogSource } from './logsources/types.ts';
import { readRecords, recogniseShape } from './replay/exports.ts';
import { runSpl } from './spl/engine/index.ts';
import { SplRunError, SplUnsupportedError } from './spl/engine/errors.ts';
import { TUNING_MACRO_DEFAULT, tuningMacro } from './targets/spl.ts';

export interface QueryRunOptions {
  readonly now?: number;
  readonly table?: string;
  readonly logsources: ReadonlyMap<string, LogSource>;
  readonly ruleNames: readonly string[];
}

export interface QueryRunResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
  readonly read: number;
}

const TIME_KEYS = ['_time', 'createdDateTime', 'TimeGenerated', 'Timestamp', 'time', 'timestamp'];

async function records(file: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const { line, record, problem } of readRecords(file)) {
    if (problem || record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new InputError([error({ file, line, col: 1 }, problem ?? 'each record must be an object')]);
    }
    out.push(record as Record<string, unknown>);
  }
  return out;
}

const timeOf = (r: Record<string, unknown>): number | undefined => {
  for (const key of TIME_KEYS) {
    const v = r[key];
    if (typeof v === 'number') return key === '_time' ? v * 1000 : v;
    if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  }
  return undefined;
};

export async function runQueryFile(file: string, eventsFile: string, options: QueryRunOptions): Promise<QueryRunResult> {
  const text = readFileSync(file, 'utf8');
  const rows = await records(eventsFile);
  const latest = rows.reduce((m, r) => Math.max(m, timeOf(r) ?? 0), 0);
  const now = options.now ?? latest + 1000;
  const at = (line: number, col: number, message: string) => new InputError([error({ file, line, col }, message)]);
  try {
    if (/\.spl$/i.test(file)) {
      // Splunk events: the export's JSON is _raw, _time comes from its time field, and the
      // sourcetype the log-source macro selects is the one the export's shape belongs to.
      const macros = new Map<string, string>();
      for (const source of options.logsources.values()) {
        const p = profileOf(source, 'splunk');
        macros.set(p.macro!, p.macroDefinition!);
      }
      for (const name of options.ruleNames) macros.set(tuningMacro(name), TUNING_MACRO_DEFAULT);
      const sourcetype = (r: Record<string, unknown>) => {
        for (const source of options.logsources.values()) {
          const shape = recogniseShape(r, source);
          if (shape.kind === 'native' && shape.target === 'splunk') return shape.profile.sourcetype;
        }
        return undefined;
      };
      const firstSourcetype = rows[0] ? sourcetype(rows[0]) : undefined;
      const events = rows.map((r) => ('_raw' in r ? r : { _raw: JSON.stringify(r), _time: (timeOf(r) ?? 0) / 1000, ...(r.sourcetype || !firstSourcetype ? {} : { sourcetype: firstSourcetype }) }));
      const result = runSpl(text, events, { now, macros });
      return { columns: [...result.columns], rows: result.rows, read: rows.length };
    }
    const table = options.table ?? /^\s*(?:\/\/[^\n]*\n\s*)*([A-Za-z_][A-Za-z0-9_]*)/.exec(text)?.[1];
    if (!table) throw at(1, 1, 'cannot tell which table the query reads: pass --table');
    const known = [...kqlTablesFor(options.logsources.values(), 'defender'), ...kqlTablesFor(options.logsources.values(), 'sentinel')].find((t) => t.name === table);
    const columns = known?.columns ?? inferColumns(rows);
    const result = runKql(text, { [table]: { columns, rows } }, { now });
    return { columns: result.columns.map((c) => c.name), rows: result.rows, read: rows.length };
  } catch (e) {
    if (e instanceof SplUnsupportedError || e instanceof SplRunError || e instanceof KqlUnsupportedError || e instanceof KqlRunError) {
      // Both engines end their messages with the position: `… at line:col`.
      const [, line, col] = / at (\d+):(\d+)$/.exec(e.message) ?? [];
      throw at(Number(line ?? 1), Number(col ?? 1), e.message.replace(/ at \d+:\d+$/, ''));
    }
    throw e;
  }
}

/** Column types of a table we have no schema for, from the first record. */
function inferColumns(rows: readonly Record<string, unknown>[]): { name: string; type: string }[] {
  const first = rows[0] ?? {};
  return Object.entries(first).map(([name, v]) => ({
    name,
    type: typeof v === 'number' ? (Number.isInteger(v) ? 'long' : 'real') : typeof v === 'boolean' ? 'bool' : v !== null && typeof v === 'object' ? 'dynamic' : 'string',
  }));
}
