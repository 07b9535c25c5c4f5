// Commands that work one row at a time: search (later in a pipeline), where, eval, fieldformat,
// fields, table, rename, fillnull (with fields), mvexpand, makemv, convert, regex, rex, spath,
// fromjson, bin. Each cites its Search Reference page.
import type { BinCommand, ConvertCommand, EvalCommand, FieldListCommand, FieldOptionsCommand, FillnullCommand, MakemvCommand, MvexpandCommand, RegexCommand, RenameCommand, RexCommand, SpathCommand, WhereCommand } from '../../ast.ts';
import { commandNameSpan, runErrorAt, unsupportedAt, type CompileContext, type CompiledStage } from '../context.ts';
import { compileCondition, compileExpression } from '../expression.ts';
import { flattenJson, jsonPathValues, parseJson, scalarText } from '../json.ts';
import { compilePcre, PcreFeatureError, type CompiledPcre } from '../regex.ts';
import { blockingStage, mapStage, statefulStage, Options } from '../stages.ts';
import { parseSpan, strftime, strptime, timeBinStart, TimeFeatureError, type Span } from '../time.ts';
import { fieldPattern, fromValues, isMulti, numberOf, textOf, valuesOf, type Row, type Scalar } from '../values.ts';
import type { SplSpan } from '../../ast.ts';

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/where
export function whereStage(cmd: WhereCommand, ctx: CompileContext): CompiledStage {
  const test = compileCondition(cmd.condition, ctx, 'where');
  return mapStage((row) => (test(row) ? row : null));
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/eval
// Assignments run left to right; a later one sees the fields an earlier one set. A null result
// removes the field; a Boolean result is an error ("The result of an eval expression cannot be
// a Boolean").
export function evalStage(cmd: EvalCommand, ctx: CompileContext): CompiledStage {
  if (cmd.name.toLowerCase() === 'fieldformat') {
    // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/fieldformat
    // fieldformat changes how a value is displayed, not the value: results keep it.
    return mapStage((row) => row);
  }
  const assignments = cmd.assignments.map((a) => ({ name: a.field.name, evaluate: compileExpression(a.value, ctx), span: a.span }));
  return mapStage((row) => {
    for (const a of assignments) {
      const v = a.evaluate(row);
      if (v === null) row.delete(a.name);
      else if (typeof v === 'boolean') throw runErrorAt(ctx, `eval cannot assign a Boolean to ${a.name} (wrap the test in if(…))`, a.span);
      else row.set(a.name, v);
    }
    return row;
  });
}

const fieldNames = (cmd: FieldListCommand, ctx: CompileContext): string[] =>
  cmd.fields.map((f) => {
    if (f.kind === 'macro') throw runErrorAt(ctx, `macro \`${f.name}\` is not defined`, f.span);
    return f.name;
  });

/** Field patterns (with `*`) → a function listing the row's matching fields, in pattern order. */
function fieldSelector(names: readonly string[]): (row: Row) => string[] {
  const patterns = names.map((n) => (n.includes('*') ? fieldPattern(n) : n));
  return (row) => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const p of patterns) {
      if (typeof p === 'string') {
        if (!seen.has(p)) (seen.add(p), out.push(p));
        continue;
      }
      for (const key of [...row.keys()].sort()) if (p.test(key) && !seen.has(key)) (seen.add(key), out.push(key));
    }
    return out;
  };
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/table
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/fields
// table keeps exactly the listed fields, in order (a listed field no result has is an empty
// column). `fields a b` keeps a and b and the internal fields _raw and _time, which fields
// only removes when told to (`fields - _raw`).
export function fieldListStage(cmd: FieldListCommand, ctx: CompileContext): CompiledStage {
  const names = fieldNames(cmd, ctx);
  const select = fieldSelector(names);
  if (cmd.name.toLowerCase() === 'table') {
    return mapStage((row) => {
      const out: Row = new Map();
      for (const name of select(row)) {
        const v = row.get(name);
        if (name.includes('*')) continue;
        out.set(name, v === undefined ? null : v);
      }
      return out;
    });
  }
  if (cmd.mode === '-') {
    return mapStage((row) => {
      for (const name of select(row)) row.delete(name);
      return row;
    });
  }
  return mapStage((row) => {
    const out: Row = new Map();
    for (const name of select(row)) {
      const v = row.get(name);
      if (v !== undefined && !name.includes('*')) out.set(name, v);
    }
    for (const internal of ['_time', '_raw']) {
      const v = row.get(internal);
      if (v !== undefined && !out.has(internal)) out.set(internal, v);
    }
    return out;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/rename
// `rename a AS b` moves a's value to b, replacing b. Wildcards map `*` to `*`. Splunk renames a
// column of the whole result set, so a row without `a` but with `b` gets b emptied only if
// some other row has `a`; the engine cannot see that row by row and refuses the case.
export function renameStage(cmd: RenameCommand, ctx: CompileContext): CompiledStage {
  const renames = cmd.renames.map((r) => {
    const from = r.from.name;
    const to = r.to.name;
    const stars = (s: string) => s.split('*').length - 1;
    if (stars(from) === 0 && stars(to) > 0) throw unsupportedAt(ctx, `rename to a wildcard name (${to}) from a plain one`, r.span);
    if (stars(from) > 0 && stars(to) !== stars(from) && stars(to) !== 0) throw unsupportedAt(ctx, `rename ${from} AS ${to} (wildcard counts differ)`, r.span);
    if (stars(from) > 0 && stars(to) === 0) throw unsupportedAt(ctx, `rename of several fields to one (${from} AS ${to})`, r.span);
    return { from, to, pattern: stars(from) > 0 ? fieldPattern(from) : null, span: r.span };
  });
  const move = (row: Row, from: string, to: string, span: SplSpan): void => {
    if (from === to) return;
    const v = row.get(from);
    if (v === undefined || v === null) {
      const existing = row.get(to);
      if (existing !== undefined && existing !== null) throw unsupportedAt(ctx, `rename ${from} AS ${to} on a result that has ${to} but no ${from}`, span);
      return;
    }
    row.delete(from);
    row.set(to, v);
  };
  return mapStage((row) => {
    for (const r of renames) {
      if (r.pattern === null) {
        move(row, r.from, r.to, r.span);
        continue;
      }
      for (const key of [...row.keys()]) {
        const m = r.pattern.exec(key);
        if (!m) continue;
        let i = 1;
        const target = r.to.replace(/\*/g, () => m[i++] ?? '');
        move(row, key, target, r.span);
      }
    }
    return row;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/fillnull
// Replaces missing values with value= (default 0) in the listed fields, or, without a list, in
// every field any result has (which needs all results first).
export function fillnullStage(cmd: FillnullCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['value'], ctx, 'fillnull');
  const raw = options.text('value', '0');
  const value: Scalar = numberOf(raw) !== undefined && raw === String(Number(raw)) ? Number(raw) : raw;
  const fields = cmd.fields.map((f) => f.name);
  if (fields.some((f) => f.includes('*'))) throw unsupportedAt(ctx, 'fillnull with a wildcard field', cmd.span);
  if (fields.length > 0) {
    return mapStage((row) => {
      for (const f of fields) {
        const v = row.get(f);
        if (v === undefined || v === null) row.set(f, value);
      }
      return row;
    });
  }
  return blockingStage((rows) => {
    const all: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) for (const key of row.keys()) if (!seen.has(key)) (seen.add(key), all.push(key));
    for (const row of rows) for (const f of all) {
      const v = row.get(f);
      if (v === undefined || v === null) row.set(f, value);
    }
    return rows;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/mvexpand
// One result per value of the field (the first limit= values). A result without the field
// passes unchanged.
export function mvexpandStage(cmd: MvexpandCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['limit'], ctx, 'mvexpand');
  const limit = options.int('limit', 0);
  const name = cmd.field.name;
  return statefulStage((_env, next) => ({
    push: (row) => {
      const v = row.get(name);
      if (v === undefined || v === null || !isMulti(v)) return next.push(row);
      const values = limit > 0 ? v.slice(0, limit) : v;
      for (const item of values) {
        const copy: Row = new Map(row);
        copy.set(name, item);
        if (!next.push(copy)) return false;
      }
      return true;
    },
    end: () => next.end(),
  }));
}

// https://help.splunk.com/splunk-cloud-platform/spl-search-reference/9.3.2411/search-commands/makemv
// Splits a single value at delim= (default one space) or at each match of tokenizer= (its
// first capture group); empty values are dropped unless allowempty=true.
export function makemvStage(cmd: MakemvCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['delim', 'tokenizer', 'allowempty', 'setsv'], ctx, 'makemv');
  options.refuse('setsv', (t) => /^(false|f|0)$/i.test(t), 'makemv setsv=true');
  const allowEmpty = options.bool('allowempty', false);
  const tokenizer = options.get('tokenizer');
  const delim = options.text('delim', ' ');
  const name = cmd.field.name;
  let tokenRe: RegExp | null = null;
  if (tokenizer) tokenRe = pcre(tokenizer.text, 'g', ctx, tokenizer.span).re;
  return mapStage((row) => {
    const v = row.get(name);
    if (v === undefined || v === null) return row;
    if (isMulti(v)) throw unsupportedAt(ctx, 'makemv of a field that is already multivalue', cmd.span);
    const s = textOf(v);
    let parts: string[];
    if (tokenRe) {
      tokenRe.lastIndex = 0;
      parts = [...s.matchAll(tokenRe)].map((m) => m[1] ?? m[0]);
    } else parts = s.split(delim);
    if (!allowEmpty) parts = parts.filter((p) => p !== '');
    const out = fromValues(parts);
    if (out === null) row.delete(name);
    else row.set(name, out);
    return row;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/convert
// ctime(): epoch → text in timeformat= (default %m/%d/%Y %H:%M:%S); mktime(): text → epoch;
// num()/auto(): numbers; rmcomma(), dur2sec(), none(). A value that does not convert is kept.
export function convertStage(cmd: ConvertCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['timeformat'], ctx, 'convert');
  const timeformat = options.text('timeformat', '%m/%d/%Y %H:%M:%S');
  const conversions = cmd.conversions.map((c) => {
    const fn = c.fn.toLowerCase();
    const convert = converter(fn, timeformat, ctx, c.span);
    if (c.alias && c.field.name.includes('*')) throw unsupportedAt(ctx, 'convert of a wildcard field AS a new name', c.span);
    return { pattern: c.field.name.includes('*') ? fieldPattern(c.field.name) : null, field: c.field.name, alias: c.alias?.name ?? null, convert };
  });
  return mapStage((row) => {
    for (const c of conversions) {
      const names = c.pattern ? [...row.keys()].filter((k) => c.pattern!.test(k)) : [c.field];
      for (const name of names) {
        const v = row.get(name);
        if (v === undefined || v === null) continue;
        const out = fromValues(valuesOf(v).map((x) => c.convert(x)));
        row.set(c.alias ?? name, out);
      }
    }
    return row;
  });
}

function converter(fn: string, timeformat: string, ctx: CompileContext, span: SplSpan): (v: Scalar) => Scalar {
  const time = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof TimeFeatureError) throw unsupportedAt(ctx, `${e.message} in convert`, span);
      throw e;
    }
  };
  switch (fn) {
    case 'ctime':
      return (v) => {
        const n = numberOf(v);
        return n === undefined ? v : time(() => strftime(n, timeformat));
      };
    case 'mktime':
      return (v) => {
        if (numberOf(v) !== undefined) return v;
        const t = time(() => strptime(textOf(v), timeformat));
        return t === null ? v : t;
      };
    case 'num':
    case 'auto':
      return (v) => numberOf(typeof v === 'string' ? v.trim() : v) ?? v;
    case 'rmcomma':
      return (v) => {
        const s = textOf(v).replace(/,/g, '');
        return numberOf(s) ?? s;
      };
    case 'dur2sec':
      return (v) => {
        const m = /^(?:(\d+)\+)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(textOf(v).trim());
        return m ? Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) : v;
      };
    case 'none':
      return (v) => v;
    default:
      throw unsupportedAt(ctx, `convert ${fn}()`, span);
  }
}

export function pcre(pattern: string, flags: string, ctx: CompileContext, span: SplSpan): CompiledPcre {
  try {
    return compilePcre(pattern, flags);
  } catch (e) {
    if (e instanceof PcreFeatureError) throw unsupportedAt(ctx, e.message, span);
    throw e;
  }
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex
// Keeps results whose field (default _raw) matches; `!=` keeps those that do not.
export function regexStage(cmd: RegexCommand, ctx: CompileContext): CompiledStage {
  const re = pcre(cmd.pattern.value, '', ctx, cmd.pattern.span).re;
  const name = cmd.field?.name ?? '_raw';
  return mapStage((row) => {
    const matched = valuesOf(row.get(name)).some((v) => re.test(textOf(v)));
    return matched !== cmd.negated ? row : null;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/rex
// Named groups become fields. max_match= (default 1) caps the matches; 0 means all, and more
// than one match makes multivalue fields. mode=sed edits the field with s/// or y///.
export function rexStage(cmd: RexCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['field', 'max_match', 'mode', 'offset_field'], ctx, 'rex');
  if (options.get('offset_field')) throw unsupportedAt(ctx, 'rex offset_field=', options.get('offset_field')!.span);
  const field = options.text('field', '_raw');
  const mode = options.text('mode', '');
  if (mode === 'sed') return sedStage(field, cmd.pattern.value, ctx, cmd.pattern.span);
  if (mode !== '') throw unsupportedAt(ctx, `rex mode=${mode}`, cmd.span);
  const maxMatch = options.int('max_match', 1);
  const compiled = pcre(cmd.pattern.value, maxMatch === 1 ? '' : 'g', ctx, cmd.pattern.span);
  const names = compiled.groupNames;
  if (names.some((n) => n !== null && /^_(KEY|VAL)_/.test(n))) throw unsupportedAt(ctx, 'rex _KEY_/_VAL_ groups', cmd.pattern.span);
  return mapStage((row) => {
    const v = row.get(field);
    if (v === undefined || v === null) return row;
    if (isMulti(v)) throw unsupportedAt(ctx, 'rex on a multivalue field', cmd.span);
    const subject = textOf(v);
    if (maxMatch === 1) {
      const m = compiled.re.exec(subject);
      if (!m) return row;
      names.forEach((name, i) => {
        if (name !== null && m[i + 1] !== undefined) row.set(name, m[i + 1]!);
      });
      return row;
    }
    compiled.re.lastIndex = 0;
    const collected = new Map<string, string[]>();
    let count = 0;
    for (const m of subject.matchAll(compiled.re)) {
      if (maxMatch > 0 && count >= maxMatch) break;
      count++;
      names.forEach((name, i) => {
        if (name === null || m[i + 1] === undefined) return;
        const list = collected.get(name) ?? [];
        list.push(m[i + 1]!);
        collected.set(name, list);
      });
      if (m[0] === '') compiled.re.lastIndex++;
    }
    for (const [name, list] of collected) row.set(name, fromValues(list)!);
    return row;
  });
}

function sedStage(field: string, expression: string, ctx: CompileContext, span: SplSpan): CompiledStage {
  const edit = sedEdit(expression, ctx, span);
  return mapStage((row) => {
    const v = row.get(field);
    if (v === undefined || v === null) return row;
    row.set(field, fromValues(valuesOf(v).map((x) => edit(textOf(x))))!);
    return row;
  });
}

function splitSed(body: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && body[i + 1] === sep) {
      current += sep;
      i++;
    } else if (c === '\\' && i + 1 < body.length) {
      current += c + body[i + 1];
      i++;
    } else if (c === sep) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function sedEdit(expression: string, ctx: CompileContext, span: SplSpan): (s: string) => string {
  const kind = expression[0];
  const sep = expression[1];
  if ((kind !== 's' && kind !== 'y') || sep === undefined) throw unsupportedAt(ctx, `the sed expression ${expression}`, span);
  const parts = splitSed(expression.slice(2), sep);
  if (kind === 'y') {
    const [from = '', to = ''] = parts;
    if (from.length !== to.length) throw runErrorAt(ctx, 'sed y/// needs two strings of the same length', span);
    return (s) => [...s].map((ch) => (from.includes(ch) ? to[from.indexOf(ch)]! : ch)).join('');
  }
  if (parts.length !== 3) throw runErrorAt(ctx, `the sed expression ${expression} needs s/regex/replacement/flags`, span);
  const [pattern, replacement, flags] = parts as [string, string, string];
  const global = flags.includes('g');
  const nth = /^\d+$/.test(flags) ? Number(flags) : null;
  if (flags !== '' && !global && nth === null) throw unsupportedAt(ctx, `sed flags ${flags}`, span);
  const re = pcre(pattern, 'g', ctx, span).re;
  // sed replacement: \1 … \9 groups, & the whole match, \& a literal &.
  const substitute = (m: RegExpExecArray): string =>
    replacement.replace(/\\(\d)|\\(.)|&/g, (all, digit: string | undefined, other: string | undefined) => (digit !== undefined ? m[Number(digit)] ?? '' : other !== undefined ? other : m[0]));
  return (s) => {
    re.lastIndex = 0;
    let out = '';
    let last = 0;
    let count = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      count++;
      if (m[0] === '') re.lastIndex++;
      if ((nth !== null && count !== nth) || (!global && nth === null && count > 1)) continue;
      out += s.slice(last, m.index) + substitute(m);
      last = m.index + m[0].length;
      if (!global) break;
    }
    return out + s.slice(last);
  };
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/spath
// Without a path, extracts every field of the JSON in input= (default _raw), flattened as
// KV_MODE=json does, from its first 5,000 characters (extraction_cutoff); with a path, the
// value there into output= (default: the path). Steps are `name`, `name{}` (every element).
export function spathStage(cmd: SpathCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['input', 'output', 'path'], ctx, 'spath');
  const input = options.text('input', '_raw');
  const path = options.get('path')?.text ?? cmd.path?.value ?? null;
  const output = options.text('output', path ?? '');
  if (path !== null && /\{\d+\}|@/.test(path)) throw unsupportedAt(ctx, `the spath path ${path} (indexes and XML attributes)`, cmd.span);
  return mapStage((row) => {
    const v = row.get(input);
    if (v === undefined || v === null) return row;
    if (isMulti(v)) throw unsupportedAt(ctx, 'spath of a multivalue field', cmd.span);
    const text = textOf(v);
    if (/^\s*</.test(text)) throw unsupportedAt(ctx, 'spath of XML', cmd.span);
    if (path === null && text.length > 5000) throw unsupportedAt(ctx, 'spath auto-extraction of more than 5,000 characters (extraction_cutoff)', cmd.span);
    const json = parseJson(text);
    if (json === undefined) return row;
    if (path === null) {
      const fields = new Map<string, Scalar[]>();
      flattenJson(json, '', fields);
      for (const [name, values] of fields) row.set(name, fromValues(values));
      return row;
    }
    const found = jsonPathValues(json, path) ?? [];
    const out = fromValues(found.map(scalarText));
    if (out !== null) row.set(output, out);
    return row;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/fromjson
// The top-level keys of the JSON object in the field become fields (prefix= before each name):
// scalars as text, arrays as multivalue fields, objects as JSON text.
export function fieldOptionsStage(cmd: FieldOptionsCommand, ctx: CompileContext): CompiledStage {
  if (cmd.name.toLowerCase() !== 'fromjson') throw unsupportedAt(ctx, `command ${cmd.name}`, commandNameSpan(ctx, cmd.span));
  const options = new Options(cmd.options, ['prefix'], ctx, 'fromjson');
  const prefix = options.text('prefix', '');
  const name = cmd.field!.name;
  return mapStage((row) => {
    const v = row.get(name);
    if (v === undefined || v === null || isMulti(v)) return row;
    const json = parseJson(textOf(v));
    if (json === undefined || json === null || typeof json !== 'object' || Array.isArray(json)) return row;
    for (const [key, value] of Object.entries(json)) {
      const out = Array.isArray(value) ? fromValues(value.map(scalarText)) : scalarText(value);
      if (out === null) row.delete(prefix + key);
      else row.set(prefix + key, out);
    }
    return row;
  });
}

// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/bin
// span= puts each value at the start of its bin: time spans align to the epoch (days at UTC
// midnight, months to calendar months); numeric spans on fields other than _time give ranges
// "lo-hi". aligntime= (an epoch) shifts time bins.
export function binStage(cmd: BinCommand, ctx: CompileContext): CompiledStage {
  const options = new Options(cmd.options, ['span', 'aligntime', 'bins', 'minspan', 'start', 'end'], ctx, cmd.name);
  for (const o of ['bins', 'minspan', 'start', 'end']) if (options.get(o)) throw unsupportedAt(ctx, `${cmd.name} ${o}= (bins inferred from the data)`, options.get(o)!.span);
  const spanOption = options.get('span');
  if (!spanOption) throw unsupportedAt(ctx, `${cmd.name} without span= (bins inferred from the data)`, cmd.span);
  const span = spanOf(spanOption.text, ctx, spanOption.span);
  const align = options.get('aligntime');
  let offset = 0;
  if (align) {
    if (!/^\d+$/.test(align.text)) throw unsupportedAt(ctx, `aligntime=${align.text}`, align.span);
    if (span.kind === 'months') throw unsupportedAt(ctx, 'aligntime= with a span of months', align.span);
    const size = span.kind === 'seconds' ? span.seconds : span.size;
    offset = Number(align.text) % size;
  }
  const field = cmd.field.name;
  const target = cmd.alias?.name ?? field;
  const asTime = field === '_time' || span.kind !== 'number';
  const bin = (v: Scalar): Scalar => {
    const n = numberOf(v);
    if (n === undefined) throw unsupportedAt(ctx, `${cmd.name} of a value that is not a number (${JSON.stringify(textOf(v))})`, cmd.span);
    if (asTime) {
      try {
        return timeBinStart(n - offset, span) + offset;
      } catch (e) {
        if (e instanceof TimeFeatureError) throw unsupportedAt(ctx, e.message, spanOption.span);
        throw e;
      }
    }
    const size = (span as { size: number }).size;
    const lo = Math.floor(n / size) * size;
    return `${lo}-${lo + size}`;
  };
  return mapStage((row) => {
    const v = row.get(field);
    if (v === undefined || v === null) return row;
    if (isMulti(v)) throw unsupportedAt(ctx, `${cmd.name} of a multivalue field`, cmd.span);
    row.set(target, bin(v));
    return row;
  });
}

export function spanOf(text: string, ctx: CompileContext, at: SplSpan): Span {
  try {
    return parseSpan(text);
  } catch (e) {
    if (e instanceof TimeFeatureError) throw unsupportedAt(ctx, e.message, at);
    throw e;
  }
}
