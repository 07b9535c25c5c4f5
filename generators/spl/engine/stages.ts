// Building blocks for compiled commands: streaming stages (one row in, zero or more out) and
// blocking ones (all rows in, then rows out), and reading command options.
import type { MacroRef, OptionArg, SplSpan } from '../ast.ts';
import { runErrorAt, unsupportedAt, type CompileContext, type CompiledStage, type RunEnv, type Sink } from './context.ts';
import type { Row } from './values.ts';

/** A stage that passes each row through `f`: a row out, or null to drop it. */
export function mapStage(f: (row: Row) => Row | null): CompiledStage {
  return {
    instantiate: (_env, next) => ({
      push: (row) => {
        const out = f(row);
        return out === null ? true : next.push(out);
      },
      end: () => next.end(),
    }),
  };
}

/** A stage built per run (it keeps state, or needs the run's lookups). */
export function statefulStage(make: (env: RunEnv, next: Sink) => Sink): CompiledStage {
  return { instantiate: make };
}

/** A stage that needs every row before it can emit: `f` gets them all at the end. */
export function blockingStage(f: (rows: Row[], env: RunEnv) => Iterable<Row>): CompiledStage {
  return {
    instantiate: (env, next) => {
      const rows: Row[] = [];
      return {
        push: (row) => {
          rows.push(row);
          return true;
        },
        end: () => {
          for (const row of f(rows, env)) if (!next.push(row)) break;
          next.end();
        },
      };
    },
  };
}

/** Pushes rows into a chain of stages and collects what comes out. */
export function runStages(stages: readonly CompiledStage[], env: RunEnv, rows: Iterable<Row>): Row[] {
  const out: Row[] = [];
  let sink: Sink = { push: (row) => (out.push(row), true), end: () => {} };
  for (const stage of [...stages].reverse()) sink = stage.instantiate(env, sink);
  for (const row of rows) if (!sink.push(row)) break;
  sink.end();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Options

export interface OptionValue {
  readonly text: string;
  readonly span: SplSpan;
}

export class Options {
  private readonly values = new Map<string, OptionValue>();

  constructor(
    options: readonly (OptionArg | MacroRef)[],
    allowed: readonly string[],
    private readonly ctx: CompileContext,
    command: string,
  ) {
    for (const o of options) {
      if (o.kind === 'macro') throw runErrorAt(ctx, `macro \`${o.name}\` is not defined`, o.span);
      const name = o.name.toLowerCase();
      if (!allowed.includes(name)) throw unsupportedAt(ctx, `the ${command} option ${o.name}=`, o.span);
      if (o.value.kind === 'macro') throw runErrorAt(ctx, `macro \`${o.value.name}\` is not defined`, o.value.span);
      if (o.value.kind !== 'literal') throw unsupportedAt(ctx, `the ${command} option ${o.name}= with an expression`, o.span);
      this.values.set(name, { text: o.value.value, span: o.value.span });
    }
  }

  get(name: string): OptionValue | undefined {
    return this.values.get(name);
  }

  text(name: string, fallback: string): string {
    return this.values.get(name)?.text ?? fallback;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.values.get(name);
    if (!v) return fallback;
    const t = v.text.toLowerCase();
    if (['true', 't', '1', 'yes', 'y'].includes(t)) return true;
    if (['false', 'f', '0', 'no', 'n'].includes(t)) return false;
    throw runErrorAt(this.ctx, `${name}= takes true or false, not ${v.text}`, v.span);
  }

  int(name: string, fallback: number): number {
    const v = this.values.get(name);
    if (!v) return fallback;
    if (!/^-?\d+$/.test(v.text)) throw runErrorAt(this.ctx, `${name}= takes an integer, not ${v.text}`, v.span);
    return Number(v.text);
  }

  /** Refuses an option whose value changes results in a way the engine does not implement. */
  refuse(name: string, unless: (text: string) => boolean, what: string): void {
    const v = this.values.get(name);
    if (v && !unless(v.text)) throw unsupportedAt(this.ctx, `${what} (${name}=${v.text})`, v.span);
  }
}
