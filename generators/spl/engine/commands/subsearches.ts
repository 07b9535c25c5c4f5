// Commands around subsearches: join, append, appendpipe, foreach, return, format.
import type { AppendCommand, ForeachCommand, FormatCommand, JoinCommand, ReturnCommand } from '../../ast.ts';
import { commandNameSpan, runErrorAt, unsupportedAt, type CompileContext, type CompiledStage } from '../context.ts';
import { formatRows } from '../search.ts';
import { blockingStage, runStages, statefulStage, Options } from '../stages.ts';
import { fieldPattern, isMulti, textOf, type Row, type Scalar } from '../values.ts';

/** join and append subsearches return at most 50,000 results (limits.conf [join] subsearch_maxout, [append] maxout). */
const JOIN_MAXOUT = 50000;

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/join
// type=inner (default) keeps results with a match, left/outer also those without; max= (default
// 1, 0 for all) matching subsearch results each; overwrite=true (default) lets subsearch values
// replace the result's. Without fields, the fields both sides have are the key. Matching is
// exact and case-sensitive.
export function joinStage(cmd: JoinCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['type', 'usetime', 'earlier', 'overwrite', 'max', 'left', 'right'], ctx, 'join');
  for (const o of ['left', 'right']) if (options.get(o)) throw unsupportedAt(ctx, `join ${o}= (aliases)`, options.get(o)!.span);
  options.refuse('usetime', (t) => /^(false|f|0)$/i.test(t), 'join usetime=true');
  const type = options.text('type', 'inner').toLowerCase();
  if (!['inner', 'left', 'outer'].includes(type)) throw runErrorAt(ctx, `join type=${type} (inner, left or outer)`, cmd.span);
  const keepUnmatched = type !== 'inner';
  const max = options.int('max', 1);
  const overwrite = options.bool('overwrite', true);
  const declared = cmd.fields.map((f) => f.name);
  const sub = ctx.compilePipeline(cmd.subsearch.pipeline);
  const keyOf = (row: Row, fields: readonly string[]): string | null => {
    const parts: string[] = [];
    for (const f of fields) {
      const v = row.get(f);
      if (v === undefined || v === null) return null;
      if (isMulti(v)) throw unsupportedAt(ctx, `join on the multivalue field ${f}`, cmd.span);
      parts.push(textOf(v));
    }
    return parts.join('\u0000');
  };
  const joinRows = (rows: Iterable<Row>, subRows: Row[], fields: readonly string[], emit: (row: Row) => boolean): void => {
    const index = new Map<string, Row[]>();
    for (const r of subRows) {
      const k = keyOf(r, fields);
      if (k === null) continue;
      const list = index.get(k);
      if (list) list.push(r);
      else index.set(k, [r]);
    }
    for (const row of rows) {
      const k = keyOf(row, fields);
      const matches = k === null ? [] : index.get(k) ?? [];
      if (matches.length === 0) {
        if (keepUnmatched && !emit(row)) return;
        continue;
      }
      for (const m of max > 0 ? matches.slice(0, max) : matches) {
        const out: Row = new Map(row);
        for (const [name, v] of m) if (overwrite || out.get(name) === undefined || out.get(name) === null) out.set(name, v);
        if (!emit(out)) return;
      }
    }
  };
  if (declared.length > 0) {
    return statefulStage((env, next) => {
      const subRows = env.collect(sub, JOIN_MAXOUT);
      let open = true;
      return {
        push: (row) => {
          joinRows([row], subRows, declared, (r) => (open = next.push(r)));
          return open;
        },
        end: () => next.end(),
      };
    });
  }
  return blockingStage((rows, env) => {
    const subRows = env.collect(sub, JOIN_MAXOUT);
    const mainFields = new Set<string>();
    for (const r of rows) for (const k of r.keys()) mainFields.add(k);
    const common = new Set<string>();
    for (const r of subRows) for (const k of r.keys()) if (mainFields.has(k) && !k.startsWith('_')) common.add(k);
    if (common.size === 0) throw unsupportedAt(ctx, 'join without fields when the two sides share none', cmd.span);
    const out: Row[] = [];
    joinRows(rows, subRows, [...common], (r) => (out.push(r), true));
    return out;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/append
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/appendpipe
// append: the subsearch's results after the current ones. appendpipe: the sub-pipeline run over
// the current results, its output after them.
export function appendStage(cmd: AppendCommand, ctx: CompileContext): CompiledStage {
  const name = cmd.name.toLowerCase();
  if (name === 'appendcols') throw unsupportedAt(ctx, 'command appendcols', commandNameSpan(ctx, cmd.span));
  if (name === 'appendpipe') {
    new Options(cmd.options, ['run_in_preview'], ctx, 'appendpipe');
    const stages = ctx.compileStages(cmd.subsearch.pipeline.commands);
    return blockingStage((rows, env) => {
      const extra = runStages(stages, env, rows.map((r) => new Map(r)));
      return [...rows, ...extra];
    });
  }
  const options = new Options(cmd.options, ['extendtimerange', 'maxtime', 'maxout', 'timeout'], ctx, 'append');
  options.refuse('extendtimerange', (t) => /^(false|f|0)$/i.test(t), 'append extendtimerange=true');
  const maxout = options.int('maxout', JOIN_MAXOUT);
  const sub = ctx.compilePipeline(cmd.subsearch.pipeline);
  return statefulStage((env, next) => {
    let open = true;
    return {
      push: (row) => (open = next.push(row)),
      end: () => {
        if (open) for (const row of env.collect(sub, maxout)) if (!next.push(row)) break;
        next.end();
      },
    };
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/foreach
// Runs the template once per matching field, <<FIELD>> replaced by the field's name and
// <<MATCHSTR>> / <<MATCHSEGn>> by what the wildcards matched.
export function foreachStage(cmd: ForeachCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['mode', 'fieldstr', 'matchstr', 'matchseg1', 'matchseg2', 'matchseg3', 'itemstr', 'iterstr'], ctx, 'foreach');
  options.refuse('mode', (t) => t === 'multifield', 'foreach mode other than multifield');
  for (const o of ['fieldstr', 'matchstr', 'matchseg1', 'matchseg2', 'matchseg3', 'itemstr', 'iterstr']) if (options.get(o)) throw unsupportedAt(ctx, `foreach ${o}=`, options.get(o)!.span);
  const span = cmd.template.span;
  const template = ctx.source.slice(span.start + 1, span.end - 1);
  if (/<<(ITEM|ITER)>>/.test(template)) throw unsupportedAt(ctx, 'foreach <<ITEM>>/<<ITER>> (mode=multivalue)', span);
  const patterns = cmd.fields.map((f) => ({ name: f.name, re: f.name.includes('*') ? fieldPattern(f.name) : null }));
  const compiled = new Map<string, CompiledStage[]>();
  const stagesFor = (field: string, segments: readonly string[]): CompiledStage[] => {
    const key = `${field}\u0000${segments.join('\u0000')}`;
    let stages = compiled.get(key);
    if (!stages) {
      const text = template
        .replace(/<<FIELD>>/g, field)
        .replace(/<<MATCHSTR>>/g, segments.join(''))
        .replace(/<<MATCHSEG([123])>>/g, (_, n: string) => segments[Number(n) - 1] ?? '');
      stages = ctx.compileStagesText(text, span);
      compiled.set(key, stages);
    }
    return stages;
  };
  return statefulStage((env, next) => ({
    push: (row) => {
      const targets: { field: string; segments: string[] }[] = [];
      for (const p of patterns) {
        if (p.re === null) targets.push({ field: p.name, segments: [] });
        else for (const key of [...row.keys()].sort()) {
          const m = p.re.exec(key);
          if (m && row.get(key) !== null) targets.push({ field: key, segments: m.slice(1) });
        }
      }
      let current = row;
      for (const t of targets) {
        const out = runStages(stagesFor(t.field, t.segments), env, [current]);
        if (out.length !== 1) throw unsupportedAt(ctx, 'a foreach template that drops or adds results', span);
        current = out[0]!;
      }
      return next.push(current);
    },
    end: () => next.end(),
  }));
}

const quote = (v: Scalar): string => `"${textOf(v).replace(/[\\"]/g, '\\$&')}"`;

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/return
// The first N results (default 1) as search terms in a field named search: `field="value"`,
// `alias="value"`, or the bare value for `$field`; several results are ORed.
export function returnStage(cmd: ReturnCommand, ctx: CompileContext): CompiledStage {
  const count = cmd.count ? Number(cmd.count.value) : 1;
  void ctx;
  return blockingStage((rows) => {
    const terms = rows.slice(0, count).map((row) => {
      const parts: string[] = [];
      for (const item of cmd.items) {
        const v = row.get(item.field.name);
        if (v === undefined || v === null) continue;
        const values = isMulti(v) ? v : [v];
        const rendered = values.map((x) => (item.valueOnly ? textOf(x) : `${item.alias ?? item.field.name}=${quote(x)}`));
        parts.push(rendered.length > 1 ? `(${rendered.join(' OR ')})` : rendered[0]!);
      }
      return parts.join(' ');
    }).filter((t) => t !== '');
    if (terms.length === 0) return [];
    const search = terms.length === 1 ? terms[0]! : terms.map((t) => `(${t})`).join(' OR ');
    return [new Map([['search', search]])];
  });
}

// https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/format
// The results as one search string in a field named search: ( ( f1="v1" AND f2="v2" ) OR ( … ) ).
export function formatStage(cmd: FormatCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['mvsep', 'maxresults', 'emptystr'], ctx, 'format');
  options.refuse('mvsep', (t) => t.toUpperCase() === 'OR', 'format mvsep= other than OR');
  const maxresults = options.int('maxresults', 0);
  const emptystr = options.text('emptystr', 'NOT ()');
  const markers = cmd.markers.length === 6 ? (cmd.markers.map((m) => m.value) as unknown as readonly [string, string, string, string, string, string]) : undefined;
  return blockingStage((rows) => {
    const used = maxresults > 0 ? rows.slice(0, maxresults) : rows;
    const text = used.length === 0 ? emptystr : formatRows(used, markers);
    return [new Map([['search', text === 'NOT ()' && used.length === 0 ? emptystr : text]])];
  });
}
